"""The Service Charter's figures: the complaint and enquiry clocks over many cases
(`charter_metrics`, which the queue prints) and, beside the Policing Pledge's, for a scope and a
period, agendas published 5 working days ahead (`portal.pact.agendas`) with those clocks.
/pact/metrics and the neighbourhood PDF both call `service_charter_figures`, so they print the same
figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from portal.charter.cases import clocks
from portal.charter.queries import cases_in
from portal.core.clock import local_day
from portal.models import CharterCase, Neighbourhood
from portal.pact.agendas import AgendaCounts, agenda_standard
from portal.pact.queries import load_meeting_records

ALL = "all"


@dataclass(frozen=True)
class CharterMetrics:
    """Shares meeting each standard, with their bases: a case counts once its clock has a result
    (done, or its day has passed undone); a case still inside its time is in neither. `breached`
    counts the cases with either clock breached. The queue, /pact/metrics and the PDF all print
    these (`charter_metrics`, `charter_metrics_for_period`); the words are `CASE_HINTS`."""

    acknowledged_on_time: int
    acknowledge_base: int
    answered_on_time: int
    answer_base: int
    breached: int = 0
    cases: int = 0

    @property
    def acknowledged_share(self) -> float | None:
        return self.acknowledged_on_time / self.acknowledge_base if self.acknowledge_base else None

    @property
    def answered_share(self) -> float | None:
        return self.answered_on_time / self.answer_base if self.answer_base else None


CASE_HINTS = {
    "acknowledged": (
        "Of the complaints and enquiries whose 5-working-day clock has a result (acknowledged, or "
        "the day passed without it), the share acknowledged within 5 working days."),
    "answered": (
        "Of those whose response clock has a result (answered, or the day passed without it), the "
        "share answered in full within 15 working days, or by the later date of an extension agreed "
        "with its reason before the 15 days ran out."),
    "breached": "Cases with either clock missed: acknowledged late or not at all, or answered late "
                "or not at all by its day. Working days leave out weekends and England bank holidays.",
}


def charter_metrics(cases: list[CharterCase], today: date) -> CharterMetrics:
    ack_on_time = ack_base = answer_on_time = answer_base = breached = 0
    for case in cases:
        case_clocks = clocks(case, today)
        if case_clocks.acknowledged_on or case_clocks.acknowledge_breached:
            ack_base += 1
            ack_on_time += not case_clocks.acknowledge_breached
        if case_clocks.answered_on or case_clocks.answer_breached:
            answer_base += 1
            answer_on_time += not case_clocks.answer_breached
        breached += case_clocks.breached
    return CharterMetrics(ack_on_time, ack_base, answer_on_time, answer_base, breached, len(cases))


def charter_metrics_for_period(cases: list[CharterCase], first_day: date, last_day: date,
                               today: date) -> CharterMetrics:
    """`charter_metrics` over the cases received from `first_day` to `last_day` (days in England,
    both included), as they stood at the end of `last_day` (or `today`, if earlier)."""
    received = [c for c in cases if first_day <= local_day(c.received_at) <= last_day]
    return charter_metrics(received, min(today, last_day))


HINTS = {
    "agendas": (
        "Of the PACT meetings in the period whose deadline has come (5 working days before the "
        "meeting, leaving out weekends and England bank holidays), the share whose agenda was "
        "published by the end of that day; an agenda not published by then counts as missed. "
        "Cancelled meetings are not counted; meetings whose deadline is still ahead are not counted yet."),
    **{f"cases_{key}": text for key, text in CASE_HINTS.items()},
}


@dataclass(frozen=True)
class ServiceCharterFigures:
    """One neighbourhood's (or "all") Charter figures: agendas on time and the two case clocks."""

    agendas: AgendaCounts
    cases: CharterMetrics


def service_charter_figures(session: Session, places: list[Neighbourhood], start: datetime,
                            end: datetime, now: datetime,
                            include_unplaced: bool = False) -> dict[str, ServiceCharterFigures]:
    """Figures per neighbourhood slug plus ALL over [start, end) as seen at min(end, now).
    `include_unplaced` adds the cases about no neighbourhood to ALL (an admin's scope, as the queue)."""
    ids = [p.id for p in places]
    slugs = {p.id: p.slug for p in places}
    agendas = agenda_standard(load_meeting_records(session, ids), start, end, now, [p.slug for p in places])
    cases = cases_in(session, ids, include_unplaced)
    first_day = local_day(start)
    last_day = local_day(end - timedelta(microseconds=1))
    today = local_day(now)
    by_slug: dict[str, list] = {p.slug: [] for p in places}
    for case in cases:
        if case.neighbourhood_id in slugs:
            by_slug[slugs[case.neighbourhood_id]].append(case)
    figures = {slug: ServiceCharterFigures(agendas.by_neighbourhood[slug],
                                           charter_metrics_for_period(found, first_day, last_day, today))
               for slug, found in by_slug.items()}
    figures[ALL] = ServiceCharterFigures(agendas.overall,
                                         charter_metrics_for_period(cases, first_day, last_day, today))
    return figures
