"""What the public may read of a resident's issue. The resident's description and location are
private by default (they name people and houses); a coordinator who covers the neighbourhood
publishes a public summary (the resident's words edited, or their own), replaces it or withdraws
it. Each action is an internal history entry and an audit entry, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.core import audit
from portal.core.clock import utcnow
from portal.models import IssueEvent, PactIssue, StaffUser
from portal.pact.issues import DESCRIPTION_MAX, IssueError
from portal.pact.review_flags import flag_kinds

SUMMARY_MAX = DESCRIPTION_MAX


def _check_scope(issue: PactIssue, actor: StaffUser) -> None:
    if not actor.covers(issue.neighbourhood_id):
        raise IssueError(f"There is no issue {issue.reference} in your neighbourhoods")


def publish_summary(session: Session, issue: PactIssue, text: str, actor: StaffUser) -> list[str]:
    """Publish (or replace) the issue's public summary; returns the review flags found in it (a
    warning to show, not a refusal: the coordinator has decided)."""
    _check_scope(issue, actor)
    text = text.strip()
    if not text:
        raise IssueError("Write the public summary, or withdraw the published one.")
    if len(text) > SUMMARY_MAX:
        raise IssueError(f"The public summary must be {SUMMARY_MAX:,} characters or fewer.")
    if text == issue.public_summary:
        raise IssueError("This summary is already published.")
    replacing = bool(issue.public_summary)
    now = utcnow()
    issue.public_summary, issue.summary_published_at, issue.updated_at = text, now, now
    issue.events.append(IssueEvent(at=now, actor_id=actor.id, kind="summary",
                                   to_value="replaced" if replacing else "published", body=text))
    flags = flag_kinds(text)
    audit.record(session, "pact_issue_summary_replaced" if replacing else "pact_issue_summary_published",
                 "pact_issue", issue.reference, actor=actor, flags=flags)
    return flags


def withdraw_summary(session: Session, issue: PactIssue, actor: StaffUser) -> None:
    """Take the public summary down: the public sees the category and area only again."""
    _check_scope(issue, actor)
    if not issue.public_summary:
        raise IssueError("No public summary is published for this issue.")
    now = utcnow()
    issue.public_summary, issue.summary_published_at, issue.updated_at = "", None, now
    issue.events.append(IssueEvent(at=now, actor_id=actor.id, kind="summary", to_value="withdrawn"))
    audit.record(session, "pact_issue_summary_withdrawn", "pact_issue", issue.reference, actor=actor)


def you_said(issue: PactIssue, category: str) -> str:
    """The "You said" line of a resolved issue on public pages, the feed, the API and the PDF:
    the category (its label, `category`) and, once published, the public summary; never the
    resident's own words or place."""
    return f"{category}: {issue.public_summary}" if issue.public_summary else category
