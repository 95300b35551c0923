"""The PACT issue workflow: every status, the transitions allowed between them, and the one place
that changes an issue's status (`change_status`), recording who, when and from what to what.

The statuses and categories, with their labels, are `IssueStatus` and `IssueCategory`
(`portal.models.statuses`); which statuses are open, closed or rejected is the workflow's (`OPEN`,
`CLOSED`, `REJECTED`). The resident e-mails (`portal.pact.notifications`) are queued from here: the
dependency runs one way (workflow -> notifications).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from portal.core import audit
from portal.core.clock import utcnow
from portal.core.refusals import Refusal
from portal.models import IssueEvent, IssueStatus, PactIssue, StaffUser
from portal.pact.notifications import notify_acknowledged, notify_closed

S = IssueStatus
OPEN = (S.SUBMITTED, S.ACKNOWLEDGED, S.UNDER_REVIEW, S.PACT_PRIORITY, S.IN_PROGRESS)
REJECTED = (S.REJECTED_DUPLICATE, S.REJECTED_OUT_OF_SCOPE)
CLOSED = (S.RESOLVED_LOCALLY, S.REFERRED_ELSEWHERE, S.CLOSED_NO_FURTHER_ACTION, *REJECTED)
_CLOSING = (S.RESOLVED_LOCALLY, S.REFERRED_ELSEWHERE, S.CLOSED_NO_FURTHER_ACTION)
TRANSITIONS: dict[str, tuple[IssueStatus, ...]] = {
    S.SUBMITTED: (S.ACKNOWLEDGED, *REJECTED),
    S.ACKNOWLEDGED: (S.UNDER_REVIEW, S.PACT_PRIORITY, S.IN_PROGRESS, *_CLOSING, *REJECTED),
    S.UNDER_REVIEW: (S.PACT_PRIORITY, S.IN_PROGRESS, *_CLOSING, *REJECTED),
    S.PACT_PRIORITY: (S.IN_PROGRESS, *_CLOSING),
    S.IN_PROGRESS: (S.PACT_PRIORITY, *_CLOSING),
    # Closed issues stay closed: a new report is a new issue (and keeps the metrics honest).
    **{status: () for status in CLOSED},
}


class TransitionError(Refusal):
    """A status change the workflow does not allow; the message says what is allowed instead."""


def allowed_transitions(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def check_transition(current: str, to: str, reason: str = "", public_note: str = "") -> None:
    """Raise `TransitionError` unless `current` -> `to` is allowed with the text given."""
    reason, public_note = reason or "", public_note or ""
    if to not in IssueStatus.values():
        raise TransitionError(f"There is no status called '{to}'.")
    if to == current:
        raise TransitionError(f"The issue is already '{S.label_of(to)}'.")
    allowed = allowed_transitions(current)
    if to not in allowed:
        if not allowed:
            raise TransitionError(
                f"The issue is closed ('{S.label_of(current)}') and cannot change status. "
                "Raise a new issue if the problem has come back.")
        choices = ", ".join(f"'{S.label_of(s)}'" for s in allowed)
        raise TransitionError(
            f"An issue that is '{S.label_of(current)}' cannot become '{S.label_of(to)}'. "
            f"It can become: {choices}.")
    if to in REJECTED and not reason.strip():
        raise TransitionError("Give the reason, which residents will see, for closing the issue this way.")
    if to in _CLOSING and not public_note.strip():
        raise TransitionError("Give the outcome, which residents will see, for closing the issue.")


def apply_transition(issue: PactIssue, to: str, actor: StaffUser | None, at: datetime | None = None,
                     reason: str = "", public_note: str = "", internal_note: str = "") -> IssueEvent:
    """Move `issue` to status `to` in memory, with its history event; no session, no mail.

    `reason` is the public reason for a rejection; `public_note` the public message (the outcome
    when closing); `internal_note` is kept for staff only.
    """
    reason, public_note, internal_note = (t or "" for t in (reason, public_note, internal_note))
    check_transition(issue.status, to, reason, public_note)
    at = at or utcnow()
    event = IssueEvent(at=at, actor_id=getattr(actor, "id", None), kind="status",
                       from_value=issue.status, to_value=to,
                       body=(public_note or reason).strip(), public=True)
    issue.events.append(event)
    if internal_note.strip():
        issue.events.append(IssueEvent(at=at, actor_id=getattr(actor, "id", None), kind="note",
                                       body=internal_note.strip(), public=False))
    issue.status = IssueStatus(to)
    if to == IssueStatus.ACKNOWLEDGED and issue.acknowledged_at is None:
        issue.acknowledged_at = at
    if to in CLOSED:
        issue.closed_at = at
        issue.outcome = (public_note or reason).strip()
        if to in REJECTED:
            issue.public_reason = reason.strip()
    issue.updated_at = at
    return event


def change_status(session: Session, issue: PactIssue, to: str, actor: StaffUser | None,
                  reason: str = "", public_note: str = "", internal_note: str = "",
                  at: datetime | None = None, notify: bool = True) -> IssueEvent:
    """Change an issue's status, keep its history, audit it and queue the resident's email.

    The caller commits (one transaction); the mail goes after the request (`portal.core.mail`).
    """
    previous = issue.status
    event = apply_transition(issue, to, actor, at, reason, public_note, internal_note)
    audit.record(session, "pact_issue_status", "pact_issue", issue.reference, actor=actor,
                 from_status=previous, to_status=to)
    if notify and to == S.ACKNOWLEDGED:
        notify_acknowledged(session, issue, public_note)
    elif notify and to in CLOSED:
        notify_closed(session, issue)
    return event


# The one way back from a closed status: the resident who raised an issue closed as resolved locally
# answers the follow-up question "not resolved" (`portal.pact.follow_up`). The issue goes back to
# "Received", at the top of the coordinator's queue as a new issue is, to be acknowledged again.
REOPENINGS: dict[str, IssueStatus] = {S.RESOLVED_LOCALLY: S.SUBMITTED}
REOPENED_NOTE = "Reopened: the resident who raised this issue told us the problem is not resolved."


def apply_reopen(issue: PactIssue, at: datetime | None = None) -> IssueEvent:
    """Reopen an issue closed as resolved locally, in memory, with its public history event
    (TransitionError from any other status); no session, no audit (see `reopen`)."""
    to = REOPENINGS.get(issue.status)
    if to is None:
        raise TransitionError(f"Only an issue closed as '{S.label_of(S.RESOLVED_LOCALLY)}' can be "
                              f"reopened; this one is '{S.label_of(issue.status)}'.")
    at = at or utcnow()
    event = IssueEvent(at=at, kind="status", from_value=issue.status, to_value=to, body=REOPENED_NOTE,
                       public=True)
    issue.events.append(event)
    issue.status, issue.closed_at, issue.outcome, issue.updated_at = to, None, "", at
    return event


def reopen(session: Session, issue: PactIssue, at: datetime | None = None) -> IssueEvent:
    """Reopen an issue closed as resolved locally (TransitionError from any other status).

    The issue is open again: `closed_at` and the outcome are cleared (the closing event keeps the
    outcome in the history), so the metrics count it where it finally closes, and the retention
    schedule keeps its contact details while it is open. `acknowledged_at` stays: the first
    response was given, and the 24-hour figure of the period it was raised in does not change.
    Audited as `pact_issue_reopened`; no mail to the resident (they asked for it).
    """
    previous = issue.status
    event = apply_reopen(issue, at)
    audit.record(session, "pact_issue_reopened", "pact_issue", issue.reference,
                 from_status=previous, to_status=event.to_value)
    return event
