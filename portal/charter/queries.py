"""portal.charter.queries."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from portal.models import CharterCase, CharterStatus, Neighbourhood, StaffUser


def case_by_reference(session: Session, reference: str) -> CharterCase | None:
    return session.scalar(select(CharterCase).where(CharterCase.reference == reference))


def cases_for(session: Session, user: StaffUser, places: list[Neighbourhood]) -> list[CharterCase]:
    """The cases `user` may see, oldest open first: all for admins; a coordinator's neighbourhoods'
    otherwise (a case with no neighbourhood goes to admins)."""
    query = select(CharterCase)
    if not user.sees_all_neighbourhoods:
        query = query.where(CharterCase.neighbourhood_id.in_([p.id for p in places]))
    query = query.order_by(or_(CharterCase.status == CharterStatus.ANSWERED), CharterCase.received_at)
    return list(session.scalars(query))


def cases_in(session: Session, neighbourhood_ids: list[int], include_unplaced: bool) -> list[CharterCase]:
    """The cases about these neighbourhoods (and, with `include_unplaced`, those about none)."""
    where: ColumnElement[bool] = CharterCase.neighbourhood_id.in_(neighbourhood_ids)
    if include_unplaced:
        where = or_(where, CharterCase.neighbourhood_id.is_(None))
    return list(session.scalars(select(CharterCase).where(where).order_by(CharterCase.received_at)))
