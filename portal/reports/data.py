"""What a report is built from, out of the database: the wave analysis and the PACT section.

`load_analysis` loads the chosen wave (by default the latest closed wave with responses) and the
earlier waves through `portal.survey.frames` (the one wide-format loader, which the exports use
too), weights each once and runs the engine (`analyse_waves`);
`pact_section` summarises the PACT activity of the wave's period (`pact_period`) with
`portal.pact.metrics.pact_metrics` and the service standards as they stood at the period's end.
Errors a user can fix come out as `ReportError` naming the valid choices; a wave that cannot be
weighted yet (none or too few responses) as its subclass `WaveNotReady`, explained in the
questionnaire's words by `portal.reports.readiness`, never in the engine's terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import surveys
from analysis import AnalysisError, WeightingError, rake_weights
from analysis.formatting import day, period, plural
from analysis.report import (
    RAKE_OPTIONS,
    ChannelRow,
    PactPriority,
    PactRow,
    PactSection,
    Place,
    ServiceCharterSection,
    WaveAnalysis,
    WaveInput,
    YouSaidWeDid,
    analyse_waves,
)
from analysis.validation import UnknownCodesError, catalogue_codes, check_codes, margin_codes
from portal.charter.figures import ALL as ALL_FIGURES
from portal.charter.figures import service_charter_figures
from portal.core.clock import from_local, local
from portal.core.refusals import Refusal
from portal.models import (
    IssueCategory,
    IssueStatus,
    Meeting,
    MeetingStatus,
    Neighbourhood,
    PactIssue,
    Priority,
    PriorityStatus,
    Wave,
)
from portal.models.statuses import label
from portal.pact.metrics import (
    NeighbourhoodMetrics,
    Satisfaction,
    load_follow_up_records,
    load_issue_records,
    pact_metrics,
    raised_by_channel,
    resident_satisfaction,
)
from portal.pact.public_summary import you_said
from portal.pact.standards import Breaches, service_breaches
from portal.questionnaires.versions import not_comparable
from portal.reports.readiness import (
    UnweightedCounts,
    WeightingGap,
    unweighted_counts,
    weighting_gap,
)
from portal.survey.frames import population_margins, wave_frame
from portal.survey.queries import DatasetError, find_wave, waves_with_responses
from portal.survey.waves import frozen_questionnaire, wave_questionnaire

PACT_RULE_CLOSED = ("PACT activity in the twelve months to the end of the survey's fieldwork (or over "
                    "the whole fieldwork, if longer), so the survey and the PACT record cover the same "
                    "time. Service standards are as they stood at the end of that period.")
PACT_RULE_OPEN = ("PACT activity in the twelve months up to the date of this report (or since the "
                  "survey's fieldwork began, if longer): the survey is still in the field. Service "
                  "standards are as they stood on that date.")
YOU_SAID_WE_DID_MAX = 8


class ReportError(Refusal):
    """A report cannot be built from what was asked for; the message says what to do."""


class WaveNotReady(ReportError):
    """The wave cannot be weighted yet (too few responses so far, or none): not a fault.

    Carries the plain explanation (`readiness.WeightingGap`) and the wave's unweighted counts so
    the dashboard can show them; ``str()`` is the same explanation in one paragraph.
    """

    def __init__(self, wave: Wave, gap: WeightingGap, counts: UnweightedCounts | None):
        super().__init__(gap.message(wave.slug, wave.name))
        self.wave_slug, self.wave_name = wave.slug, wave.name
        self.gap, self.counts = gap, counts


def find_neighbourhood(session: Session, slug: str) -> Neighbourhood:
    place = session.scalar(select(Neighbourhood).where(Neighbourhood.slug == slug))
    if place is None:
        valid = ", ".join(session.scalars(select(Neighbourhood.slug).order_by(Neighbourhood.slug)))
        raise ReportError(f"Unknown neighbourhood {slug!r}. Choose from: {valid or '(none yet)'}")
    return place


def places(session: Session) -> list[Place]:
    return [Place(n.slug, n.name, n.area_class)
            for n in session.scalars(select(Neighbourhood).order_by(Neighbourhood.name))]


def _frame(session: Session, wave: Wave):
    """The wave's wide-format frame; ReportError if its questionnaire cannot be read."""
    try:
        return wave_frame(session, wave)
    except DatasetError as error:
        raise ReportError(str(error)) from None


def _wave_input(session: Session, wave: Wave, margins=None) -> WaveInput:
    frame = _frame(session, wave)
    if margins is not None:
        _check_answer_codes(wave, frame, margins)
    return WaveInput(wave.slug, wave.name, wave.opens_on, wave.closes_on, frame,
                     wave.questionnaire.slug if wave.questionnaire else "",
                     not_comparable(session, wave.questionnaire), wave.design.value)


def _check_answer_codes(wave: Wave, frame, margins) -> None:
    """ReportError if a column holds anything but its questionnaire's codes (the indicator
    catalogue's if the definition cannot be read) or a weighting column a category the margins
    do not have: such answers would otherwise count as "not positive"."""
    try:
        expected = surveys.answer_codes(frozen_questionnaire(wave.questionnaire))
    except (surveys.QuestionnaireError, AttributeError):
        expected = catalogue_codes()
    expected.update(margin_codes(margins))
    try:
        check_codes(frame, expected)
    except UnknownCodesError as error:
        raise ReportError(f"Wave {wave.slug} cannot be reported: it holds answers that are not "
                          f"codes; correct them first. {error}") from None


def choose_wave(session: Session, slug: str | None) -> Wave:
    try:
        return find_wave(session, slug)
    except DatasetError as error:
        raise ReportError(str(error)) from None


def load_analysis(session: Session, wave_slug: str | None) -> WaveAnalysis:
    """The chosen wave (default: the latest closed one with responses) analysed once, with its
    history. WaveNotReady when the wave has no responses or cannot be weighted yet."""
    wave = choose_wave(session, wave_slug)
    frame = _frame(session, wave)
    if len(frame) == 0:
        raise WaveNotReady(wave, WeightingGap(0), None)
    try:
        margins = population_margins(session)
    except DatasetError as error:
        raise ReportError(f"Wave {wave.slug} cannot be weighted. {error} Load them (for the "
                          "demo: flask --app portal demo) and build the reports again.") from None
    _check_answer_codes(wave, frame, margins)
    check_ready(session, wave, frame, margins)
    earlier = [w for w in waves_with_responses(session) if w.opens_on < wave.opens_on]
    inputs = [*(_wave_input(session, w, margins) for w in earlier),
              WaveInput(wave.slug, wave.name, wave.opens_on, wave.closes_on, frame,
                        wave.questionnaire.slug if wave.questionnaire else "",
                        not_comparable(session, wave.questionnaire), wave.design.value)]
    try:
        return analyse_waves(inputs, margins, places(session))
    except AnalysisError as error:
        if isinstance(error, WeightingError) and not _rakes(frame, margins):
            raise _unsettled(session, wave, frame) from None
        raise ReportError(f"Wave {wave.slug} cannot be weighted to the population loaded: "
                          f"{error}") from None


def check_ready(session: Session, wave: Wave, frame, margins) -> None:
    """WaveNotReady, with the wave's unweighted counts, if raking ``frame`` would be refused.

    Diagnosed here from the responses, the margins and the questionnaire's wording rather than
    read out of the engine's error, whose terms (variable names) mean nothing to a reader.
    """
    if wave.questionnaire is None:
        return  # no wording to explain with; the engine's own checks still apply
    questionnaire = wave_questionnaire(session, wave)
    gap = weighting_gap(frame, margins, questionnaire)
    if not gap.ready:
        raise WaveNotReady(wave, gap, unweighted_counts(frame, questionnaire))


def _rakes(frame, margins) -> bool:
    """Whether this wave's responses alone can be raked (told apart from an earlier wave's)."""
    try:
        rake_weights(frame, margins, **RAKE_OPTIONS)
    except AnalysisError:
        return False
    return True


def _unsettled(session: Session, wave: Wave, frame) -> WaveNotReady:
    """Every group has a response yet raking cannot balance them: a wave too early to weight."""
    counts = (unweighted_counts(frame, wave_questionnaire(session, wave))
              if wave.questionnaire is not None else None)
    return WaveNotReady(wave, WeightingGap(len(frame), unsettled=True), counts)


@dataclass(frozen=True)
class PactPeriod:
    """The PACT period a wave's report covers: [start, end) in UTC, and how it was chosen."""

    start: datetime
    end: datetime
    rule: str

    @property
    def first_day(self) -> date:
        return local(self.start).date()

    @property
    def last_day(self) -> date:
        return local(self.end - timedelta(microseconds=1)).date()

    @property
    def label(self) -> str:
        """'1 April 2010 to 31 March 2011' (UK dates, both days included)."""
        return period(self.first_day, self.last_day)


def _year_before(day_after: date) -> date:
    """The first day of the twelve months ending the day before `day_after` (29 February ->
    1 March)."""
    try:
        return day_after.replace(year=day_after.year - 1)
    except ValueError:
        return (day_after + timedelta(days=1)).replace(year=day_after.year - 1)


def pact_period(opens_on: date, closes_on: date, now: datetime) -> PactPeriod:
    """The twelve months to the wave's fieldwork end (the whole fieldwork, if longer); for a wave
    still open, the twelve months up to `now`. UK local days: a wave closing 31 March ends at
    midnight that night, and the period starts at midnight on the morning of its first day."""
    fieldwork_end = from_local(closes_on + timedelta(days=1), time(0))
    still_open = now < fieldwork_end
    end = now if still_open else fieldwork_end
    day_after = local(now).date() + timedelta(days=1) if still_open else closes_on + timedelta(days=1)
    start = from_local(min(_year_before(day_after), opens_on), time(0))
    return PactPeriod(start, end, PACT_RULE_OPEN if still_open else PACT_RULE_CLOSED)


def _first_response_sentence(m: NeighbourhoodMetrics) -> str | None:
    if not m.missed_first_response:
        return None
    waiting = f", {m.still_waiting} still waiting at the end of the period" \
        if m.still_waiting else ""
    return (f"{m.missed_first_response} of {plural(m.first_response_base, 'issue')} raised in the "
            f"period without a first response within 24 hours{waiting} (the Policing Pledge standard).")


def _breach_sentences(m: NeighbourhoodMetrics, breaches: Breaches, start: datetime) -> list[str]:
    """What the PDF lists under "Service standards": the 24-hour sentence comes from the same
    metrics as the figure, so the two cannot disagree; older issues still waiting are added."""
    sentences = [s for s in [_first_response_sentence(m)] if s]
    older = [i for i in breaches.unacknowledged if i.created_at < start]
    if older:
        sentences.append(f"{plural(len(older), 'issue')} raised before the period still not "
                         "acknowledged at its end (the Policing Pledge standard).")
    for priority, latest in breaches.stale_priorities:
        sentences.append(f"Priority “{priority.title}” has had no update since "
                         f"{day(local(latest))} (monthly updates are the standard).")
    for nb, last in breaches.no_recent_meeting:
        when = f"the last was on {day(local(last))}" if last else "none has been held"
        sentences.append(f"No PACT meeting in {nb.name} in the 30 days to the end of the period "
                         f"({when}).")
    return sentences


def _priorities_at(session: Session, place: Neighbourhood, as_of: datetime) -> list[PactPriority]:
    """Priorities active at `as_of`, each with its latest public update by then."""
    active = session.scalars(select(Priority).where(
        Priority.neighbourhood_id == place.id, Priority.created_at <= as_of,
        (Priority.status == PriorityStatus.ACTIVE)
        | ((Priority.status != PriorityStatus.ACTIVE) & (Priority.closed_at > as_of)))
        .order_by(Priority.created_at))
    out = []
    for p in active:
        public = [u for u in p.updates if u.public and u.at <= as_of]
        body, at = (public[-1].body, public[-1].at) if public else ("", None)
        out.append(PactPriority(p.title, "active", p.owner_agency.name if p.owner_agency else "",
                                local(p.created_at).date() if p.created_at else None,
                                body, local(at).date() if at else None))
    return out


def _you_said_we_did(session: Session, place: Neighbourhood, start: datetime,
                     end: datetime) -> list[YouSaidWeDid]:
    said = []
    done = session.scalars(select(Priority).where(
        Priority.neighbourhood_id == place.id, Priority.status == PriorityStatus.COMPLETED,
        Priority.closed_at >= start, Priority.closed_at < end)
        .order_by(Priority.closed_at.desc()))
    for p in done:
        assert p.closed_at is not None  # the query keeps those closed in the period
        said.append(YouSaidWeDid(p.title, p.outcome, local(p.closed_at).date()))
    resolved = session.scalars(select(PactIssue).where(
        PactIssue.neighbourhood_id == place.id, PactIssue.status == IssueStatus.RESOLVED_LOCALLY,
        PactIssue.closed_at >= start, PactIssue.closed_at < end)
        .order_by(PactIssue.closed_at.desc()))
    for issue in resolved:
        assert issue.closed_at is not None  # the query keeps those closed in the period
        said.append(YouSaidWeDid(you_said(issue, IssueCategory.label_of(issue.category)),
                                 issue.outcome, local(issue.closed_at).date()))
    return said[:YOU_SAID_WE_DID_MAX]


def _channel_rows(records: list, start: datetime, end: datetime) -> list[ChannelRow]:
    """Issues raised in the period by channel (`raised_by_channel`), every channel listed."""
    counts = raised_by_channel(records, start, end, end)
    return [ChannelRow(channel, label(channel), n, counts.share(channel))
            for channel, n in counts.counts.items()]


def pact_section(session: Session, place: Neighbourhood | None, wave: Wave | WaveInput,
                 now: datetime) -> PactSection:
    """PACT activity of one neighbourhood (or, with None, the authority) over the wave's period
    (`pact_period`). For a wave that has closed, nothing here depends on `now`."""
    span = pact_period(wave.opens_on, wave.closes_on, now)
    all_places = list(session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)))
    scope = [place] if place is not None else all_places
    ids = [p.id for p in scope]
    records = load_issue_records(session, ids)
    metrics = pact_metrics(records, span.start, span.end, span.end, [p.slug for p in scope])
    m = metrics.by_neighbourhood[place.slug] if place is not None else metrics.overall
    held = session.scalar(select(func.count()).select_from(Meeting).where(
        Meeting.neighbourhood_id.in_(ids), Meeting.status == MeetingStatus.HELD,
        Meeting.starts_at >= span.start, Meeting.starts_at < span.end)) or 0
    sentences = _breach_sentences(m, service_breaches(session, scope, span.end), span.start)
    rows = [] if place is not None else [
        PactRow(nb.name, r.raised, r.closed, r.share_dealt_with_locally,
                r.share_first_response_within_24h, r.first_response_base, r.open_issues)
        for nb in all_places for r in [metrics.by_neighbourhood[nb.slug]]]
    return PactSection(
        period_start=span.first_day, period_end=span.last_day, period_label=span.label,
        period_rule=span.rule,
        raised=m.raised, closed=m.closed, share_dealt_with_locally=m.share_dealt_with_locally,
        share_first_response_within_24h=m.share_first_response_within_24h,
        first_response_base=m.first_response_base,
        median_days_to_first_response=m.median_days_to_first_response,
        median_days_to_close=m.median_days_to_close, open_issues=m.open_issues,
        open_by_age=dict(m.open_by_age), meetings_held=int(held), breaches=sentences,
        priorities=_priorities_at(session, place, span.end) if place is not None else [],
        you_said_we_did=_you_said_we_did(session, place, span.start, span.end)
        if place is not None else [],
        by_neighbourhood=rows,
        service_charter=service_charter_section(session, scope, span, include_unplaced=place is None),
        by_channel=_channel_rows(records, span.start, span.end),
    )


def service_charter_section(session: Session, scope: list[Neighbourhood], span: PactPeriod,
                            include_unplaced: bool) -> ServiceCharterSection:
    """The Charter's figures over the PACT period, as /pact/metrics computes them for the same days
    (`service_charter_figures`); the authority's include cases about no one neighbourhood."""
    figures = service_charter_figures(session, scope, span.start, span.end, span.end,
                                      include_unplaced=include_unplaced)
    f = figures[ALL_FIGURES]  # the scope's total: one neighbourhood's own figures, or the authority's
    return ServiceCharterSection(
        agendas_share=f.agendas.share, agendas_base=f.agendas.base, agendas_missed=f.agendas.missed,
        acknowledged_share=f.cases.acknowledged_share, acknowledge_base=f.cases.acknowledge_base,
        answered_share=f.cases.answered_share, answer_base=f.cases.answer_base, breached=f.cases.breached)


def satisfaction_section(session: Session, place: Neighbourhood | None, wave: Wave | WaveInput,
                         now: datetime) -> Satisfaction:
    """Resident satisfaction ("Was it resolved?") of one neighbourhood (None: the whole authority)
    over the wave's PACT period (`pact_period`), as it stood at the period's end, like the rest of
    the PACT section."""
    span = pact_period(wave.opens_on, wave.closes_on, now)
    ids = [place.id] if place is not None else None
    figures = resident_satisfaction(load_follow_up_records(session, ids), span.start, span.end,
                                    span.end, [place.slug] if place is not None else [])
    return figures.by_neighbourhood[place.slug] if place is not None else figures.overall
