"""Survey findings beside PACT priorities, for the coordinator's neighbourhood page and the
neighbourhood PDF: the wave's estimates (`analysis.report`) and the active priorities with the
categories of their linked issues, put together by `analysis.concerns.rank_concerns`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from analysis.concerns import MAPPING_FILE, ConcernRow, PriorityTopic, parse_concerns, rank_concerns
from analysis.report import REPORT_CATALOGUE, WaveAnalysis, _comparison_to_rest, _figure
from portal.core.clock import utcnow
from portal.models import EditedDefinition, Neighbourhood, Priority, PriorityStatus


def active_priorities(session: Session, place: Neighbourhood, as_of: datetime | None = None
                      ) -> list[PriorityTopic]:
    """Priorities active now (or at ``as_of``), with their linked issues' categories."""
    query = (select(Priority).where(Priority.neighbourhood_id == place.id)
             .options(selectinload(Priority.issues)).order_by(Priority.created_at))
    if as_of is None:
        query = query.where(Priority.status == PriorityStatus.ACTIVE)
    else:
        query = query.where(Priority.created_at <= as_of,
                            (Priority.status == PriorityStatus.ACTIVE) | (Priority.closed_at > as_of))
    return [PriorityTopic(p.title, tuple(sorted({i.category for i in p.issues})))
            for p in session.scalars(query)]


DEFINITION = "concerns-and-priorities"


def _mapping_file() -> Path:
    if has_app_context():
        return Path(current_app.config.get("CONCERN_MAPPING") or MAPPING_FILE)
    return MAPPING_FILE


def mapping_text(session: Session) -> tuple[str, EditedDefinition | None]:
    """The mapping in force: an admin's edited copy if there is one, else the file's text."""
    edited = session.get(EditedDefinition, DEFINITION)
    return (edited.content, edited) if edited else (_mapping_file().read_text(encoding="utf-8"), None)


def save_mapping(session: Session, text: str, user_id: int | None) -> None:
    """Store an admin's edited mapping after checking it (InputError naming what is wrong)."""
    parse_concerns(text, "the edited mapping", known=set(REPORT_CATALOGUE))
    edited = session.get(EditedDefinition, DEFINITION) or EditedDefinition(name=DEFINITION)
    edited.content, edited.updated_by_id, edited.updated_at = text, user_id, utcnow()
    session.add(edited)


def restore_mapping(session: Session) -> None:
    """Drop the edited copy: the shipped (or configured) file is in force again."""
    edited = session.get(EditedDefinition, DEFINITION)
    if edited is not None:
        session.delete(edited)


def concern_rows(session: Session, analysis: WaveAnalysis, place: Neighbourhood,
                 as_of: datetime | None = None) -> list[ConcernRow]:
    """The neighbourhood's concerns ranked and flagged against its active priorities."""
    text, edited = mapping_text(session)
    concerns = parse_concerns(text, "the edited mapping" if edited else str(_mapping_file()),
                              known=set(REPORT_CATALOGUE))
    current = analysis.current
    asked = [c for c in concerns if current.row(c.id, None) is not None]
    figures = {c.id: _figure(current.row(c.id, place.slug), c.label) for c in asked}
    authority = {c.id: _figure(current.row(c.id, None), "Authority") for c in asked}
    comparisons = {c.id: _comparison_to_rest(analysis, c.id, place.slug, place.name) for c in asked}
    return rank_concerns(asked, figures, authority, comparisons,
                         active_priorities(session, place, as_of), place.name)
