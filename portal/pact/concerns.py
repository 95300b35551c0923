"""Survey findings beside PACT priorities, for the coordinator's neighbourhood page and the
neighbourhood PDF: the wave's estimates (`analysis.report`) and the active priorities with the
categories of their linked issues, put together by `analysis.concerns.rank_concerns`."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from analysis.concerns import MAPPING_FILE, ConcernRow, PriorityTopic, load_concerns, rank_concerns
from analysis.report import REPORT_CATALOGUE, WaveAnalysis, _comparison_to_rest, _figure
from portal.models import Neighbourhood, Priority


def active_priorities(session: Session, place: Neighbourhood, as_of: datetime | None = None
                      ) -> list[PriorityTopic]:
    """Priorities active now (or at ``as_of``), with their linked issues' categories."""
    query = (select(Priority).where(Priority.neighbourhood_id == place.id)
             .options(selectinload(Priority.issues)).order_by(Priority.created_at))
    if as_of is None:
        query = query.where(Priority.status == "active")
    else:
        query = query.where(Priority.created_at <= as_of,
                            (Priority.status == "active") | (Priority.closed_at > as_of))
    return [PriorityTopic(p.title, tuple(sorted({i.category for i in p.issues})))
            for p in session.scalars(query)]


def _mapping_file():
    if has_app_context():
        return current_app.config.get("CONCERN_MAPPING") or MAPPING_FILE
    return MAPPING_FILE


def concern_rows(session: Session, analysis: WaveAnalysis, place: Neighbourhood,
                 as_of: datetime | None = None) -> list[ConcernRow]:
    """The neighbourhood's concerns ranked and flagged against its active priorities."""
    concerns = load_concerns(_mapping_file(), known=set(REPORT_CATALOGUE))
    current = analysis.current
    asked = [c for c in concerns if current.row(c.id, None) is not None]
    figures = {c.id: _figure(current.row(c.id, place.slug), c.label) for c in asked}
    authority = {c.id: _figure(current.row(c.id, None), "Authority") for c in asked}
    comparisons = {c.id: _comparison_to_rest(analysis, c.id, place.slug, place.name) for c in asked}
    return rank_concerns(asked, figures, authority, comparisons,
                         active_priorities(session, place, as_of), place.name)
