"""The Service Charter's figures beside the Policing Pledge's, for a scope and a period: agendas
published 5 working days ahead (`portal.pact.agendas`) and the complaint and enquiry clocks
(`portal.charter.cases.charter_metrics`, the same function the queue prints). /pact/metrics and the
neighbourhood PDF both call `service_charter_figures`, so they print the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from portal.charter.cases import HINTS as CASE_HINTS
from portal.charter.cases import CharterMetrics, cases_in, charter_metrics_for_period
from portal.core.clock import local_day
from portal.models import Neighbourhood
from portal.pact.agendas import AgendaCounts, agenda_standard, load_meeting_records

ALL = "all"

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
