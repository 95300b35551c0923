"""What a report is built from, out of the database: the wave analysis and the PACT section.

`load_analysis` loads the chosen wave (by default the latest closed wave with responses) and the
earlier waves through `portal.datasets`, weights each once and runs the engine (`analyse_waves`);
`pact_section` summarises PACT activity with `portal.pact.metrics.pact_metrics` and the service
standards. Errors a user can fix come out as `ReportError` naming the valid choices.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis import AnalysisError
from analysis.formatting import day, plural
from analysis.report import (
    PactPriority,
    PactRow,
    PactSection,
    Place,
    WaveAnalysis,
    WaveInput,
    YouSaidWeDid,
    analyse_waves,
)
from portal.datasets import DatasetError, find_wave, population_margins, wave_frame
from portal.models import (
    Meeting,
    Neighbourhood,
    PactIssue,
    PopulationEstimate,
    Priority,
    Response,
    Wave,
)
from portal.pact.metrics import load_issue_records, pact_metrics
from portal.pact.standards import service_breaches
from portal.pact.workflow import RESOLVED_LOCALLY, category_label

AUTHORITY_NAME = "Bath and North East Somerset"
PACT_PERIOD = timedelta(days=365)
PACT_RULE = ("PACT activity in the 12 months up to the date of this report "
             "(PACT records are kept as they happen, not by survey wave).")
YOU_SAID_WE_DID_MAX = 8


class ReportError(Exception):
    """A report cannot be built from what was asked for; the message says what to do."""


def find_neighbourhood(session: Session, slug: str) -> Neighbourhood:
    place = session.scalar(select(Neighbourhood).where(Neighbourhood.slug == slug))
    if place is None:
        valid = ", ".join(session.scalars(select(Neighbourhood.slug).order_by(Neighbourhood.slug)))
        raise ReportError(f"Unknown neighbourhood {slug!r}. Choose from: {valid or '(none yet)'}")
    return place


def places(session: Session) -> list[Place]:
    return [Place(n.slug, n.name, n.area_class)
            for n in session.scalars(select(Neighbourhood).order_by(Neighbourhood.name))]


def _wave_input(session: Session, wave: Wave) -> WaveInput:
    return WaveInput(wave.slug, wave.name, wave.opens_on, wave.closes_on,
                     wave_frame(session, wave), wave.questionnaire.slug if wave.questionnaire
                     else "")


def choose_wave(session: Session, slug: str | None) -> Wave:
    try:
        return find_wave(session, slug)
    except DatasetError as error:
        raise ReportError(str(error)) from None


def load_analysis(session: Session, wave_slug: str | None) -> WaveAnalysis:
    """The chosen wave (default: the latest with responses) analysed once, with its history."""
    wave = choose_wave(session, wave_slug)
    with_data = set(session.scalars(select(Response.wave_id).distinct()))
    if wave.id not in with_data:
        answered = [w.slug for w in session.scalars(select(Wave).order_by(Wave.opens_on))
                    if w.id in with_data]
        raise ReportError(f"Wave {wave.slug!r} has no responses yet. Waves with responses: "
                          f"{', '.join(answered) or '(none)'}")
    earlier = [w for w in session.scalars(select(Wave).where(Wave.opens_on < wave.opens_on)
                                          .order_by(Wave.opens_on)) if w.id in with_data]
    try:
        margins = population_margins(session)
    except DatasetError as error:
        raise ReportError(f"Wave {wave.slug} cannot be weighted. {error} Load them (for the "
                          "demo: flask --app portal demo) and build the reports again.") from None
    inputs = [_wave_input(session, w) for w in [*earlier, wave]]
    try:
        return analyse_waves(inputs, margins, places(session))
    except AnalysisError as error:
        raise ReportError(f"Wave {wave.slug} cannot be weighted to the population loaded: "
                          f"{error}") from None


def data_version(session: Session) -> tuple:
    """A cheap key that changes when responses, waves, neighbourhoods or populations change.

    Responses are only ever added (never edited), so count and highest id per wave name them.
    """
    waves = tuple(session.execute(
        select(Response.wave_id, func.count(), func.max(Response.id)).group_by(Response.wave_id)
        .order_by(Response.wave_id)).all())
    population = tuple(session.execute(
        select(func.count(), func.sum(PopulationEstimate.population), func.max(
            PopulationEstimate.id))).one())
    places_key = tuple(session.execute(
        select(Neighbourhood.slug, Neighbourhood.name, Neighbourhood.area_class)
        .order_by(Neighbourhood.slug)).all())
    wave_key = tuple(session.execute(select(Wave.id, Wave.slug, Wave.opens_on)
                                     .order_by(Wave.id)).all())
    return waves, population, places_key, wave_key


class AnalysisCache:
    """The last few wave analyses of one app, keyed by wave and `data_version` (thread-safe)."""

    def __init__(self, size: int = 4):
        self.size = size
        self._items: dict[tuple, WaveAnalysis] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, wave_slug: str | None) -> WaveAnalysis:
        wave = choose_wave(session, wave_slug)
        key = (wave.slug, data_version(session))
        with self._lock:
            found = self._items.get(key)
        if found is not None:
            return found
        analysis = load_analysis(session, wave.slug)
        with self._lock:
            self._items[key] = analysis
            while len(self._items) > self.size:
                self._items.pop(next(iter(self._items)))
        return analysis


def _latest_updates(priorities: list[Priority]) -> dict[int, tuple[str, datetime | None]]:
    out = {}
    for p in priorities:
        public = [u for u in p.updates if u.public]
        out[p.id] = (public[-1].body, public[-1].at) if public else ("", None)
    return out


def pact_section(session: Session, place: Neighbourhood | None, now: datetime) -> PactSection:
    """PACT activity of one neighbourhood (or, with None, the authority) over the last 12 months."""
    start, end = now - PACT_PERIOD, now
    all_places = list(session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)))
    scope = [place] if place is not None else all_places
    ids = [p.id for p in scope]
    records = load_issue_records(session, ids)
    metrics = pact_metrics(records, start, end, now, [p.slug for p in scope])
    m = metrics.by_neighbourhood[place.slug] if place is not None else metrics.overall
    held = session.scalar(select(func.count()).select_from(Meeting).where(
        Meeting.neighbourhood_id.in_(ids), Meeting.status == "held",
        Meeting.starts_at >= start, Meeting.starts_at < end)) or 0

    breaches = service_breaches(session, scope, now)
    sentences = []
    if breaches.unacknowledged:
        k = len(breaches.unacknowledged)
        sentences.append(f"{plural(k, 'issue')} not acknowledged within 24 hours "
                         "(the Policing Pledge standard).")
    for priority, latest in breaches.stale_priorities:
        sentences.append(f"Priority “{priority.title}” has had no update since "
                         f"{day(latest)} (monthly updates are the standard).")
    for nb, last in breaches.no_recent_meeting:
        when = f"the last was on {day(last)}" if last else "none has been held"
        sentences.append(f"No PACT meeting in {nb.name} in the last 30 days ({when}).")

    priorities: list[PactPriority] = []
    said: list[YouSaidWeDid] = []
    rows: list[PactRow] = []
    if place is not None:
        active = list(session.scalars(select(Priority).where(
            Priority.neighbourhood_id == place.id, Priority.status == "active")
            .order_by(Priority.created_at)))
        latest = _latest_updates(active)
        for p in active:
            body, at = latest[p.id]
            priorities.append(PactPriority(p.title, p.status,
                                           p.owner_agency.name if p.owner_agency else "",
                                           p.created_at.date() if p.created_at else None,
                                           body, at.date() if at else None))
        done = session.scalars(select(Priority).where(
            Priority.neighbourhood_id == place.id, Priority.status == "completed",
            Priority.closed_at >= start, Priority.closed_at < end)
            .order_by(Priority.closed_at.desc()))
        for p in done:
            said.append(YouSaidWeDid(p.title, p.outcome, p.closed_at.date()))
        resolved = session.scalars(select(PactIssue).where(
            PactIssue.neighbourhood_id == place.id, PactIssue.status == RESOLVED_LOCALLY,
            PactIssue.closed_at >= start, PactIssue.closed_at < end)
            .order_by(PactIssue.closed_at.desc()))
        for issue in resolved:
            said.append(YouSaidWeDid(f"{category_label(issue.category)}: {issue.description}",
                                     issue.outcome, issue.closed_at.date()))
        said = said[:YOU_SAID_WE_DID_MAX]
    else:
        for nb in all_places:
            r = metrics.by_neighbourhood[nb.slug]
            rows.append(PactRow(nb.name, r.raised, r.closed, r.share_dealt_with_locally,
                                r.share_acknowledged_within_24h, r.open_issues))
    return PactSection(
        period_start=start.date(), period_end=end.date(), period_rule=PACT_RULE,
        raised=m.raised, closed=m.closed, share_dealt_with_locally=m.share_dealt_with_locally,
        share_acknowledged_within_24h=m.share_acknowledged_within_24h,
        median_days_to_acknowledge=m.median_days_to_acknowledge,
        median_days_to_close=m.median_days_to_close, open_issues=m.open_issues,
        open_by_age=dict(m.open_by_age), meetings_held=int(held), breaches=sentences,
        priorities=priorities, you_said_we_did=said, by_neighbourhood=rows,
    )
