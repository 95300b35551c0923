"""PACT's named reads: the console's issue list (filtered and sorted within the neighbourhoods a
user covers, `find_issues`), issues by reference, meetings, priorities and meeting papers. Reads
only; the rules that change these records are in `issues`, `meetings` and `agendas`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session, selectinload

from portal.core.clock import utcnow
from portal.models import (
    Agency,
    Meeting,
    MeetingPaper,
    MeetingPaperContent,
    MeetingStatus,
    Neighbourhood,
    PactIssue,
    Priority,
    PriorityStatus,
    priority_issue,
)
from portal.pact.references import normalise_reference
from portal.pact.standards import unacknowledged_filter
from portal.pact.workflow import CLOSED, OPEN

LIMIT = 500


@dataclass(frozen=True)
class IssueFilters:
    neighbourhood: str = ""  # slug
    status: str = ""  # a status, "open" or "closed"
    category: str = ""
    agency: str = ""  # agency slug, or "none"
    age: str = ""  # "low-high" in days, high may be blank
    overdue: bool = False
    sort: str = "newest"


def find_issues(session: Session, neighbourhoods: Iterable[Neighbourhood], filters: IssueFilters,
                now: datetime, limit: int | None = LIMIT) -> list[PactIssue]:
    """Issues in `neighbourhoods` (those the user covers) matching `filters`."""
    places = {n.slug: n.id for n in neighbourhoods}
    ids = [places[filters.neighbourhood]] if filters.neighbourhood in places else list(places.values())
    query = (select(PactIssue).where(PactIssue.neighbourhood_id.in_(ids))
             .options(selectinload(PactIssue.neighbourhood), selectinload(PactIssue.agency)))
    if filters.status == "open":
        query = query.where(PactIssue.status.in_(OPEN))
    elif filters.status == "closed":
        query = query.where(PactIssue.status.in_(CLOSED))
    elif filters.status:
        query = query.where(PactIssue.status == filters.status)
    if filters.category:
        query = query.where(PactIssue.category == filters.category)
    if filters.agency == "none":
        query = query.where(PactIssue.agency_id.is_(None))
    elif filters.agency:
        query = query.join(Agency, PactIssue.agency_id == Agency.id).where(Agency.slug == filters.agency)
    if filters.age:
        low, _, high = filters.age.partition("-")
        if low.isdigit():
            query = query.where(PactIssue.created_at <= now - timedelta(days=int(low)))
        if high.isdigit():
            query = query.where(PactIssue.created_at > now - timedelta(days=int(high) + 1))
    if filters.overdue:
        query = query.where(unacknowledged_filter(now))
    orders: dict[str, list[Any]] = {  # ORDER BY terms of several kinds
        "oldest": [PactIssue.created_at.asc()],
        "updated": [PactIssue.updated_at.desc()],
        "status": [PactIssue.status, PactIssue.created_at.desc()],
        "neighbourhood": [PactIssue.neighbourhood_id, PactIssue.created_at.desc()],
    }
    order = orders.get(filters.sort, [PactIssue.created_at.desc()])
    query = query.order_by(*order, PactIssue.id)
    return list(session.scalars(query.limit(limit) if limit else query))


def issue_by_reference(session: Session, reference: str | None) -> PactIssue | None:
    """The issue with exactly this reference (already normalised), or None."""
    if not reference:
        return None
    return session.scalar(select(PactIssue).where(PactIssue.reference == reference))


def find_issue(session: Session, typed: str) -> PactIssue | None:
    """The issue a person's typed reference names (any case, spacing or dashes), or None."""
    return issue_by_reference(session, normalise_reference(typed))


def open_issues_in(session: Session, neighbourhood_id: int) -> list[PactIssue]:
    """A neighbourhood's open issues, newest first: what a priority can answer."""
    return list(session.scalars(
        select(PactIssue).where(PactIssue.neighbourhood_id == neighbourhood_id, PactIssue.status.in_(OPEN))
        .order_by(PactIssue.created_at.desc())))


def priorities_of(session: Session, issue: PactIssue) -> list[Priority]:
    """The PACT priorities this issue is linked to."""
    return list(session.scalars(
        select(Priority).join(priority_issue).where(priority_issue.c.issue_id == issue.id)))


def duplicates_of(session: Session, issue: PactIssue) -> list[PactIssue]:
    """The issues merged into this one as duplicates."""
    return list(session.scalars(select(PactIssue).where(PactIssue.duplicate_of_id == issue.id)))


RECENT_DAYS = 120  # the console's meetings list: the last four months and every one to come


def reviewed_at(session: Session, priority: Priority) -> set[datetime]:
    """Start times of the meetings that reviewed `priority` (its reviews are timed at them)."""
    starts = set(session.scalars(select(Meeting.starts_at).where(
        Meeting.neighbourhood_id == priority.neighbourhood_id)))
    return {u.at for u in priority.updates if u.at in starts}


def priorities_to_review(session: Session, meeting: Meeting) -> tuple[list[Priority], list[Priority]]:
    """(waiting, reviewed): priorities agreed before `meeting` in its neighbourhood still waiting
    for its review, and those it has reviewed."""
    earlier = session.scalars(
        select(Priority).where(Priority.neighbourhood_id == meeting.neighbourhood_id,
                               Priority.created_at < meeting.starts_at,
                               (Priority.meeting_id != meeting.id) | Priority.meeting_id.is_(None))
        .order_by(Priority.created_at)).all()
    reviewed = [p for p in earlier if any(u.at == meeting.starts_at for u in p.updates)]
    waiting = [p for p in earlier if p.status == PriorityStatus.ACTIVE and p not in reviewed]
    return waiting, reviewed


def next_meeting(session: Session, neighbourhood_id: int, now: datetime | None = None) -> Meeting | None:
    return session.scalar(
        select(Meeting).where(Meeting.neighbourhood_id == neighbourhood_id,
                              Meeting.status == MeetingStatus.SCHEDULED,
                              Meeting.starts_at >= (now or utcnow()))
        .order_by(Meeting.starts_at).limit(1))


def recent_meetings(session: Session, neighbourhood_ids: list[int], now: datetime) -> list[Meeting]:
    """Meetings in these neighbourhoods from the last `RECENT_DAYS` days on, newest first."""
    return list(session.scalars(
        select(Meeting).where(Meeting.neighbourhood_id.in_(neighbourhood_ids),
                              Meeting.starts_at >= now - timedelta(days=RECENT_DAYS))
        .options(selectinload(Meeting.neighbourhood)).order_by(Meeting.starts_at.desc())))


def active_priorities(session: Session, neighbourhood_ids: list[int]) -> list[Priority]:
    """Priorities still being worked on in these neighbourhoods, with their updates loaded."""
    return list(session.scalars(
        select(Priority).where(Priority.neighbourhood_id.in_(neighbourhood_ids),
                               Priority.status == PriorityStatus.ACTIVE)
        .options(selectinload(Priority.neighbourhood), selectinload(Priority.updates))
        .order_by(Priority.neighbourhood_id, Priority.created_at)))


def paper_of(session: Session, meeting_id: int, paper_id: int) -> MeetingPaper | None:
    return session.scalar(select(MeetingPaper).where(MeetingPaper.id == paper_id,
                                                     MeetingPaper.meeting_id == meeting_id))


def paper_bytes(session: Session, paper: MeetingPaper) -> bytes:
    return session.scalars(select(MeetingPaperContent.data)
                           .where(MeetingPaperContent.paper_id == paper.id)).one()


def public_paper(session: Session, slug: str, meeting_id: int, paper_id: int) -> MeetingPaper | None:
    """The paper, only if its meeting is in neighbourhood `slug` and its agenda is published."""
    return session.scalar(
        select(MeetingPaper).join(Meeting, MeetingPaper.meeting_id == Meeting.id)
        .join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
        .where(MeetingPaper.id == paper_id, Meeting.id == meeting_id, Neighbourhood.slug == slug,
               Meeting.agenda_published_at.is_not(None), Meeting.status != MeetingStatus.CANCELLED))


@dataclass(frozen=True)
class MeetingRecord:
    neighbourhood: str  # slug
    starts_at: datetime
    published_at: datetime | None


def load_meeting_records(session: Session, neighbourhood_ids: Iterable[int]) -> list[MeetingRecord]:
    """Every meeting not cancelled in these neighbourhoods, as plain records for `agenda_standard`."""
    rows = session.execute(
        select(Neighbourhood.slug, Meeting.starts_at, Meeting.agenda_published_at)
        .join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
        .where(Meeting.neighbourhood_id.in_(list(neighbourhood_ids)),
               Meeting.status != MeetingStatus.CANCELLED).order_by(Meeting.starts_at))
    return [MeetingRecord(*row) for row in rows]


def paper_counts(session: Session, meeting_ids: list[int]) -> dict[int, int]:
    """How many papers each meeting has (for lists, without loading the papers)."""
    if not meeting_ids:
        return {}
    rows = session.execute(select(MeetingPaper.meeting_id, func.count()).where(
        MeetingPaper.meeting_id.in_(meeting_ids)).group_by(MeetingPaper.meeting_id))
    return {meeting_id: int(n) for meeting_id, n in rows}


def known_place_names(session: Session) -> list[str]:
    """The names of the partnership's places and partners, for telling a place from a person's name
    in a public summary: every neighbourhood, agency and meeting venue (one query)."""
    names = union(select(Neighbourhood.name), select(Agency.name), select(Meeting.venue))
    return sorted(session.scalars(select(names.subquery().c[0])))
