"""What happens to a PACT issue apart from its status: raising it, assigning it to an agency,
updates (public or internal), merging duplicates and closing with an outcome. Each function works in
the caller's transaction; the caller commits once and then delivers any queued mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.core import audit
from portal.core.clock import utcnow
from portal.core.languages import current_language
from portal.core.refusals import Refusal
from portal.models import (
    Agency,
    IssueCategory,
    IssueChannel,
    IssueContact,
    IssueEvent,
    IssueStatus,
    Neighbourhood,
    PactIssue,
    StaffUser,
)
from portal.pact.notifications import notify_raised
from portal.pact.queries import find_issue
from portal.pact.references import new_reference
from portal.pact.workflow import CLOSED, REJECTED, TransitionError, change_status

# Field limits, stated to residents when they are exceeded.
DESCRIPTION_MAX = 2000
LOCATION_MAX = 300
NAME_MAX = 120
EMAIL_MAX = 254
PHONE_MAX = 40
NOTE_MAX = 2000


class IssueError(Refusal):
    """An action on an issue that cannot be done; the message says why."""


@dataclass(frozen=True)
class ContactDetails:
    name: str = ""
    email: str = ""
    phone: str = ""
    consent_to_contact: bool = False
    consent_to_follow_up: bool = False  # may be e-mailed "Was it resolved?" (needs an e-mail address)


def _unique_reference(session: Session) -> str:
    for _ in range(20):
        reference = new_reference()
        if session.scalar(select(PactIssue.id).where(PactIssue.reference == reference)) is None:
            return reference
    raise RuntimeError("could not draw an unused issue reference")  # pragma: no cover


def raise_issue(session: Session, neighbourhood: Neighbourhood, category: str, description: str,
                location: str, latitude: float | None = None, longitude: float | None = None,
                contact: ContactDetails | None = None, now: datetime | None = None,
                channel: IssueChannel = IssueChannel.ONLINE, recorded_by: StaffUser | None = None,
                notify: bool = True) -> PactIssue:
    """Record a resident's issue with a new reference, raised at `now` (the Pledge clock's start).
    Contact details are kept only with consent; a resident who gave an e-mail address with it is
    sent a receipt (`notify_raised`; `notify=False` sends none). `channel` and `recorded_by` say how
    it came in: the resident's own form (online) or a coordinator recording it for them
    (`portal.pact.assisted`)."""
    if category not in IssueCategory.values():
        raise IssueError(f"Unknown category '{category}'.")
    now = now or utcnow()
    issue = PactIssue(
        reference=_unique_reference(session), neighbourhood=neighbourhood, category=category,
        description=description.strip(), location=location.strip(), latitude=latitude,
        longitude=longitude, status=IssueStatus.SUBMITTED, created_at=now, updated_at=now,
        channel=channel, recorded_by=recorded_by,
    )
    how = "" if channel == IssueChannel.ONLINE else f" ({channel.in_a_sentence}, recorded by staff)"
    issue.events.append(IssueEvent(at=now, kind="created", to_value=IssueStatus.SUBMITTED, public=True,
                                   actor_id=recorded_by.id if recorded_by else None,
                                   body=f"Issue raised by a resident{how}."))
    if contact and contact.consent_to_contact and (contact.email or contact.phone):
        issue.contact = IssueContact(name=contact.name.strip(), email=contact.email.strip(),
                                     phone=contact.phone.strip(), consent_to_contact=True,
                                     consent_to_follow_up=bool(contact.consent_to_follow_up
                                                               and contact.email.strip()),
                                     language=current_language() if channel == IssueChannel.ONLINE
                                     else None)
    session.add(issue)
    session.flush()
    audit.record(session, "pact_issue_raised", "pact_issue", issue.reference, actor=recorded_by,
                 neighbourhood=neighbourhood.slug, channel=str(channel))
    if notify:
        notify_raised(session, issue)
    return issue


def _require_open(issue: PactIssue, action: str) -> None:
    if issue.status in CLOSED:
        raise IssueError(f"Issue {issue.reference} is closed, so you cannot {action}.")


def acknowledge(session: Session, issue: PactIssue, actor: StaffUser, note: str = "") -> IssueEvent:
    return change_status(session, issue, IssueStatus.ACKNOWLEDGED, actor, public_note=note)


def assign(session: Session, issue: PactIssue, agency: Agency, actor: StaffUser) -> IssueEvent:
    """Make `agency` responsible for the issue (shown publicly)."""
    _require_open(issue, "assign it")
    if issue.agency_id == agency.id:
        raise IssueError(f"The issue is already assigned to {agency.name}.")
    previous = issue.agency.name if issue.agency else ""
    now = utcnow()
    issue.agency = agency
    issue.updated_at = now
    event = IssueEvent(at=now, actor_id=actor.id, kind="assigned", from_value=previous,
                       to_value=agency.name, public=True)
    issue.events.append(event)
    audit.record(session, "pact_issue_assigned", "pact_issue", issue.reference, actor=actor,
                 from_agency=previous, to_agency=agency.name)
    return event


def add_update(session: Session, issue: PactIssue, body: str, public: bool, actor: StaffUser) -> IssueEvent:
    """Record an action or update; `public` ones are shown to residents, internal ones only to staff."""
    body = body.strip()
    if not body:
        raise IssueError("Write the update.")
    now = utcnow()
    event = IssueEvent(at=now, actor_id=actor.id, kind="update", body=body, public=public)
    issue.events.append(event)
    issue.updated_at = now
    audit.record(session, "pact_issue_update", "pact_issue", issue.reference, actor=actor, public=public)
    return event


def merge(session: Session, duplicate: PactIssue, into: PactIssue, actor: StaffUser) -> IssueEvent:
    """Close `duplicate` as already reported under `into`; its resident hears when `into` closes."""
    if duplicate.id == into.id:
        raise IssueError("An issue cannot be a duplicate of itself.")
    if into.neighbourhood_id != duplicate.neighbourhood_id:
        raise IssueError("Only issues in the same neighbourhood can be merged.")
    if into.status in CLOSED:
        raise IssueError(f"{into.reference} is closed; merge into an open issue.")
    if into.duplicate_of_id is not None:
        raise IssueError(f"{into.reference} is itself a duplicate; merge into the issue it duplicates.")
    reason = f"This was already reported as {into.reference}; we are dealing with it under that reference."
    try:
        event = change_status(session, duplicate, IssueStatus.REJECTED_DUPLICATE, actor, reason=reason,
                              notify=False)
    except TransitionError as error:
        raise IssueError(str(error)) from error
    duplicate.duplicate_of = into
    event.to_value = IssueStatus.REJECTED_DUPLICATE
    into.events.append(IssueEvent(at=event.at, actor_id=actor.id, kind="merged",
                                  from_value=duplicate.reference, to_value=into.reference,
                                  body=f"{duplicate.reference} merged into this issue.", public=False))
    audit.record(session, "pact_issue_merged", "pact_issue", duplicate.reference, actor=actor,
                 into=into.reference)
    return event


def merge_into_typed(session: Session, duplicate: PactIssue, typed: str, actor: StaffUser) -> PactIssue:
    """Merge `duplicate` into the issue whose reference the person typed; returns that issue.

    An issue outside the actor's neighbourhoods is refused as if it did not exist (as the console's
    pages report it missing), so the reply never tells whether a reference is in use elsewhere.
    """
    target = find_issue(session, typed)
    if target is None or not actor.covers(target.neighbourhood_id):
        raise IssueError(f"There is no issue {typed} in your neighbourhoods")
    merge(session, duplicate, target, actor)
    return target


def set_status(session: Session, issue: PactIssue, to: str, public_note: str, internal_note: str,
               actor: StaffUser) -> IssueEvent:
    """A coordinator's change of status: a closing status closes the issue with its public outcome
    (the internal note kept as a staff-only update); any other is a plain workflow step."""
    if to not in CLOSED:
        return change_status(session, issue, to, actor, public_note=public_note, internal_note=internal_note)
    event = close(session, issue, to, public_note, actor)
    if internal_note:
        add_update(session, issue, internal_note, False, actor)
    return event


def close(session: Session, issue: PactIssue, status: str, outcome: str, actor: StaffUser) -> IssueEvent:
    """Close with a public outcome (resolved locally, referred elsewhere, no further action, or a
    rejection, whose outcome is the public reason)."""
    if status not in CLOSED:
        raise TransitionError(f"'{status}' does not close an issue.")
    if status in REJECTED:
        return change_status(session, issue, status, actor, reason=outcome)
    return change_status(session, issue, status, actor, public_note=outcome)


def public_events(issue: PactIssue) -> list[IssueEvent]:
    """The history residents may see: public events only, oldest first."""
    return [e for e in issue.events if e.public]
