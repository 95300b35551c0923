"""Policing Pledge service standards and their breaches, as they stood at a moment `now` (today
for the console; the end of a report's period for a report, so an old report never changes):

- an issue must have a first response within 24 hours (`metrics.FIRST_RESPONSE`; breach: raised at
  least 24 hours before `now` and neither acknowledged nor closed by `now`; the same rule as
  `metrics.missed_first_response`);
- local priorities get an update every month (breach: a priority active at `now` with no update,
  nor agreement, in the 30 days before it);
- a PACT meeting in each neighbourhood every month (breach: no meeting held, or due, in the 30 days
  before `now`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import (
    Meeting,
    MeetingStatus,
    Neighbourhood,
    PactIssue,
    Priority,
    PriorityStatus,
    PriorityUpdate,
)
from portal.pact.metrics import ACKNOWLEDGE_WITHIN
from portal.pact.workflow import OPEN

UPDATE_EVERY = timedelta(days=30)
MEET_EVERY = timedelta(days=30)


@dataclass
class Breaches:
    unacknowledged: list[PactIssue] = field(default_factory=list)
    stale_priorities: list[tuple[Priority, datetime]] = field(default_factory=list)  # (priority, last update)
    no_recent_meeting: list[tuple[Neighbourhood, datetime | None]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.unacknowledged) + len(self.stale_priorities) + len(self.no_recent_meeting)


def is_overdue_for_acknowledgement(created_at: datetime, acknowledged_at: datetime | None, status: str,
                                   now: datetime) -> bool:
    return acknowledged_at is None and status in OPEN and now - created_at >= ACKNOWLEDGE_WITHIN


def unacknowledged_filter(now: datetime):
    """SQL condition for issues in breach of the 24-hour standard at `now` (which may be past)."""
    waiting = PactIssue.acknowledged_at.is_(None) | (PactIssue.acknowledged_at > now)
    still_open = PactIssue.closed_at.is_(None) | (PactIssue.closed_at > now)
    return waiting & still_open & (PactIssue.created_at <= now - ACKNOWLEDGE_WITHIN)


def _active_at(now: datetime):
    """SQL condition for priorities active at `now`: agreed by then and not closed by then."""
    closed_later = (Priority.status != PriorityStatus.ACTIVE) & (Priority.closed_at > now)
    return (Priority.created_at <= now) & ((Priority.status == PriorityStatus.ACTIVE) | closed_later)


def service_breaches(session: Session, neighbourhoods: Iterable[Neighbourhood], now: datetime) -> Breaches:
    places = list(neighbourhoods)
    ids = [n.id for n in places]
    breaches = Breaches()
    breaches.unacknowledged = list(session.scalars(
        select(PactIssue).where(PactIssue.neighbourhood_id.in_(ids), unacknowledged_filter(now))
        .order_by(PactIssue.created_at)))

    last_update = (select(PriorityUpdate.priority_id, func.max(PriorityUpdate.at).label("at"))
                   .where(PriorityUpdate.at <= now).group_by(PriorityUpdate.priority_id).subquery())
    rows = session.execute(
        select(Priority, last_update.c.at).outerjoin(last_update, last_update.c.priority_id == Priority.id)
        .where(Priority.neighbourhood_id.in_(ids), _active_at(now))
        .order_by(Priority.created_at)).all()
    for priority, updated in rows:
        latest = max(d for d in (updated, priority.created_at) if d is not None)
        if now - latest > UPDATE_EVERY:
            breaches.stale_priorities.append((priority, latest))

    last_meeting = dict(session.execute(
        select(Meeting.neighbourhood_id, func.max(Meeting.starts_at))
        .where(Meeting.neighbourhood_id.in_(ids), Meeting.status != MeetingStatus.CANCELLED,
               Meeting.starts_at <= now)
        .group_by(Meeting.neighbourhood_id)).all())
    for place in places:
        held = last_meeting.get(place.id)
        if held is None or now - held > MEET_EVERY:
            breaches.no_recent_meeting.append((place, held))
    return breaches
