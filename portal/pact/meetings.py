"""PACT meetings and the priorities agreed at them: scheduling (published on the neighbourhood
page), recording what happened, agreeing priorities (normally three, each with linked issues, an
owner agency and a review date), monthly updates, and each meeting's review of the last meeting's
priorities. Functions work in the caller's transaction."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from portal.core import audit
from portal.core.clock import utcnow
from portal.core.filters import format_date
from portal.core.refusals import Refusal
from portal.models import (
    Agency,
    IssueStatus,
    Meeting,
    MeetingStatus,
    Neighbourhood,
    PactIssue,
    Priority,
    PriorityStatus,
    PriorityUpdate,
    StaffUser,
)
from portal.pact.issues import assign
from portal.pact.queries import reviewed_at
from portal.pact.workflow import change_status

PRIORITIES_PER_MEETING = 3  # the Policing Pledge's "normally three"
REVIEW_DECISIONS = {
    "continue": "Carry on: still a priority",
    PriorityStatus.COMPLETED: "Completed: tell residents what we did",
    PriorityStatus.DROPPED: "Dropped: no longer a priority",
}
VENUE_MAX = 200
TITLE_MAX = 200
TEXT_MAX = 5000


class MeetingError(Refusal):
    """A meeting or priority action that cannot be done; the message says why."""


def schedule_meeting(session: Session, neighbourhood: Neighbourhood, starts_at: datetime, venue: str,
                     actor: StaffUser) -> Meeting:
    meeting = Meeting(neighbourhood_id=neighbourhood.id, starts_at=starts_at, venue=venue.strip(),
                      status=MeetingStatus.SCHEDULED)
    session.add(meeting)
    session.flush()
    audit.record(session, "pact_meeting_scheduled", "pact_meeting", meeting.id, actor=actor,
                 neighbourhood=neighbourhood.slug, starts_at=starts_at.isoformat())
    return meeting


def record_meeting(session: Session, meeting: Meeting, attendance: int, minutes: str,
                   actor: StaffUser, now: datetime | None = None) -> Meeting:
    """Mark the meeting held with its attendance and minutes (public)."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingError("This meeting was cancelled; schedule a new one instead.")
    if meeting.starts_at > (now or utcnow()):
        raise MeetingError("This meeting has not happened yet; record it after it is held.")
    meeting.status = MeetingStatus.HELD
    meeting.attendance = attendance
    meeting.minutes = minutes.strip()
    audit.record(session, "pact_meeting_recorded", "pact_meeting", meeting.id, actor=actor,
                 attendance=attendance)
    return meeting


def cancel_meeting(session: Session, meeting: Meeting, actor: StaffUser) -> Meeting:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingError("Only a scheduled meeting can be cancelled.")
    meeting.status = MeetingStatus.CANCELLED
    audit.record(session, "pact_meeting_cancelled", "pact_meeting", meeting.id, actor=actor)
    return meeting


def agree_priority(session: Session, meeting: Meeting, title: str, description: str,
                   owner: Agency | None, review_on: date | None, issues: list[PactIssue],
                   actor: StaffUser, now: datetime | None = None) -> Priority:
    """Record a priority agreed at `meeting`; linked open issues become PACT priorities."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingError("This meeting was cancelled, so no priorities were agreed at it.")
    if meeting.starts_at > (now or utcnow()):
        raise MeetingError("Priorities are agreed at the meeting: record them once it has started.")
    for issue in issues:
        if issue.neighbourhood_id != meeting.neighbourhood_id:
            raise MeetingError(f"{issue.reference} is in another neighbourhood.")
    priority = Priority(
        neighbourhood_id=meeting.neighbourhood_id, meeting_id=meeting.id, title=title.strip(),
        description=description.strip(), owner_agency_id=owner.id if owner else None,
        review_on=review_on or (meeting.starts_at + timedelta(days=30)).date(),
        status=PriorityStatus.ACTIVE,
        issues=list(issues), created_at=meeting.starts_at,  # agreed at the meeting
    )
    session.add(priority)
    session.flush()
    for issue in issues:
        if issue.status in (IssueStatus.ACKNOWLEDGED, IssueStatus.UNDER_REVIEW):
            change_status(session, issue, IssueStatus.PACT_PRIORITY, actor,
                          public_note=f"Agreed as a PACT priority at the meeting on "
                                      f"{format_date(meeting.starts_at)}: {priority.title}")
        if owner is not None and issue.agency_id is None:
            assign(session, issue, owner, actor)
    audit.record(session, "pact_priority_agreed", "pact_priority", priority.id, actor=actor,
                 meeting=meeting.id, issues=[i.reference for i in issues])
    return priority


def add_priority_update(session: Session, priority: Priority, body: str, public: bool,
                        actor: StaffUser, at: datetime | None = None) -> PriorityUpdate:
    body = (body or "").strip()
    if not body:
        raise MeetingError("Write the update.")
    if priority.status != PriorityStatus.ACTIVE:
        raise MeetingError("This priority is closed; it takes no more updates.")
    update = PriorityUpdate(priority=priority, at=at or utcnow(), actor_id=actor.id, body=body, public=public)
    session.add(update)
    audit.record(session, "pact_priority_update", "pact_priority", priority.id, actor=actor, public=public)
    return update


def review_priority(session: Session, priority: Priority, meeting: Meeting, decision: str, note: str,
                    outcome: str, actor: StaffUser, now: datetime | None = None) -> PriorityUpdate:
    """The meeting's review of an earlier priority: carry on, complete (with the public "we did"
    outcome) or drop. The review is kept as a public update timed at the meeting's start, which is
    how a meeting's reviews are found again (`reviewed_at`)."""
    note, outcome = (note or "").strip(), (outcome or "").strip()
    if meeting.starts_at > (now or utcnow()):
        raise MeetingError("Review priorities at or after the meeting, not before it.")
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingError("This meeting was cancelled.")
    if decision not in REVIEW_DECISIONS:
        raise MeetingError("Choose what the meeting decided.")
    if priority.status != PriorityStatus.ACTIVE:
        raise MeetingError("This priority was already closed.")
    if priority.neighbourhood_id != meeting.neighbourhood_id:
        raise MeetingError("The priority belongs to another neighbourhood.")
    if priority.meeting_id == meeting.id or priority.created_at >= meeting.starts_at:
        raise MeetingError("A priority is reviewed at a later meeting than the one that agreed it.")
    if meeting.starts_at in reviewed_at(session, priority):
        raise MeetingError("This priority was already reviewed at this meeting.")
    if decision == "completed" and not outcome:
        raise MeetingError("Say what was done: residents see it under 'You said, we did'.")
    body = f"Reviewed at the PACT meeting on {format_date(meeting.starts_at)}. {REVIEW_DECISIONS[decision]}."
    update = add_priority_update(session, priority, f"{body}\n{note}" if note else body, True, actor,
                                 at=meeting.starts_at)
    if decision in (PriorityStatus.COMPLETED, PriorityStatus.DROPPED):
        priority.status = PriorityStatus(decision)
        priority.closed_at = now or utcnow()
        priority.outcome = outcome
    audit.record(session, "pact_priority_reviewed", "pact_priority", priority.id, actor=actor,
                 meeting=meeting.id, decision=decision)
    return update


