"""Assisted digital: a coordinator records an issue a resident raised by phone, at a PACT meeting,
in person, by letter or by e-mail. It goes through `raise_issue`, the public form's function (same
reference, same rules), in the coordinator's neighbourhoods only; the Pledge clock starts when the
resident raised it, which may be earlier than now (the call came in earlier) but never later."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from portal.models import IssueChannel, Neighbourhood, PactIssue, StaffUser
from portal.pact.issues import ContactDetails, IssueError, raise_issue

BACKDATE_DAYS = 14  # how far back "when it was raised" may go: a call or meeting of recent days
ASSISTED_CHANNELS = tuple(c for c in IssueChannel if c != IssueChannel.ONLINE)


def check_raised_at(raised_at: datetime, now: datetime) -> None:
    """Refuse a time in the future or more than `BACKDATE_DAYS` days ago."""
    if raised_at > now:
        raise IssueError("When it was raised cannot be in the future: enter the time the resident "
                         "got in touch, or leave it as now.")
    if raised_at < now - timedelta(days=BACKDATE_DAYS):
        raise IssueError(f"When it was raised must be within the last {BACKDATE_DAYS} days.")


def record_for_resident(session: Session, actor: StaffUser, neighbourhood: Neighbourhood, channel: str,
                        category: str, description: str, location: str, raised_at: datetime,
                        now: datetime, contact: ContactDetails | None = None) -> PactIssue:
    """Record an issue on a resident's behalf. Contact details are kept only when the resident
    agreed (`contact.consent_to_contact`); details given without that agreement are refused, not
    silently dropped, so the coordinator knows what was kept."""
    if not actor.covers(neighbourhood.id):
        raise IssueError(f"You do not cover {neighbourhood.name}: choose one of your neighbourhoods.")
    if channel not in ASSISTED_CHANNELS:
        raise IssueError("Choose how the resident raised the issue (phone, PACT meeting, in person, "
                         "letter or e-mail); residents use the online form themselves.")
    check_raised_at(raised_at, now)
    if contact and (contact.email or contact.phone) and not contact.consent_to_contact:
        raise IssueError("Tick that the resident agreed to be contacted, or leave their contact "
                         "details blank.")
    return raise_issue(session, neighbourhood, category, description, location, contact=contact,
                       now=raised_at, channel=IssueChannel(channel), recorded_by=actor)
