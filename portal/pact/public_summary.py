"""What the public may read of a resident's issue. The resident's description and location are
private by default (they name people and houses); a coordinator who covers the neighbourhood
publishes a public summary (the resident's words edited, or their own), replaces it or withdraws
it. Each action is an internal history entry and an audit entry, in the caller's transaction.

A draft that looks personal (`review_flags.summary_flags`: a name, a house number, a phone number,
an e-mail address) is held, not published: `publish_summary` refuses it with `SummaryHeld`, which
lists the flags, and publishes it only when called again with `confirmed=True` (the coordinator
saw the flags and pressed "Publish anyway"); the audit entry then records the flags confirmed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.core import audit
from portal.core.clock import utcnow
from portal.models import IssueEvent, PactIssue, StaffUser
from portal.pact.issues import DESCRIPTION_MAX, IssueError
from portal.pact.queries import known_place_names
from portal.pact.review_flags import Flag, labels, summary_flags

SUMMARY_MAX = DESCRIPTION_MAX


class SummaryHeld(IssueError):
    """A draft summary that looks personal, held back: nothing is published until the coordinator
    confirms it; `flags` are what was found, to show them."""

    def __init__(self, flags: list[Flag]) -> None:
        found = " and ".join(labels(flags))
        super().__init__(f"Not published yet: this summary looks like it contains {found}. Edit it, "
                         "or press 'Publish anyway' if it is right to publish it as it is.")
        self.flags = flags


def draft_flags(session: Session, text: str) -> list[Flag]:
    """What in a draft summary should be confirmed before it is published (known places read from
    the database are not names)."""
    return summary_flags(text, known_place_names(session)) if text else []


def _check_scope(issue: PactIssue, actor: StaffUser) -> None:
    if not actor.covers(issue.neighbourhood_id):
        raise IssueError(f"There is no issue {issue.reference} in your neighbourhoods")


def publish_summary(session: Session, issue: PactIssue, text: str, actor: StaffUser,
                    confirmed: bool = False) -> list[str]:
    """Publish (or replace) the issue's public summary; returns the labels of the flags the
    coordinator confirmed. A draft with flags raises `SummaryHeld` unless `confirmed`."""
    _check_scope(issue, actor)
    text = text.strip()
    if not text:
        raise IssueError("Write the public summary, or withdraw the published one.")
    if len(text) > SUMMARY_MAX:
        raise IssueError(f"The public summary must be {SUMMARY_MAX:,} characters or fewer.")
    if text == issue.public_summary:
        raise IssueError("This summary is already published.")
    flags = draft_flags(session, text)
    if flags and not confirmed:
        raise SummaryHeld(flags)
    replacing = bool(issue.public_summary)
    now = utcnow()
    issue.public_summary, issue.summary_published_at, issue.updated_at = text, now, now
    issue.events.append(IssueEvent(at=now, actor_id=actor.id, kind="summary",
                                   to_value="replaced" if replacing else "published", body=text))
    confirmed_flags = labels(flags)
    audit.record(session, "pact_issue_summary_replaced" if replacing else "pact_issue_summary_published",
                 "pact_issue", issue.reference, actor=actor, flags=confirmed_flags,
                 published_anyway=bool(flags))  # the kinds only: the audit log keeps no personal details
    return confirmed_flags


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
