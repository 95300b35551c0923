"""Plain-text emails to residents who left an email address and agreed to be contacted: a receipt
when they raise an issue, and when their issue is acknowledged and when it is closed, with the
public outcome. Each is in the language the resident raised the issue in (the receipt: the page's;
the later ones, sent by staff actions: `IssueContact.language`). Queued in the caller's
transaction (`portal.core.mail.queue_mail`); sent by `deliver_pending` after the commit, so a mail
failure never undoes the change. The link to the issue's page is built from the route on
PUBLIC_BASE_URL (`portal.core.links.public_url`), so queueing one needs an app context."""

from __future__ import annotations

from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.core.languages import ENGLISH, N_, translate
from portal.core.links import public_url
from portal.core.mail import queue_mail
from portal.models import IssueCategory, IssueContact, IssueStatus, PactIssue


def _recipients(session: Session, issue: PactIssue, include_duplicates: bool) -> list[IssueContact]:
    contacts = [issue.contact] if issue.contact is not None else []
    if include_duplicates and issue.id is not None:
        contacts += session.scalars(
            select(IssueContact).join(PactIssue, IssueContact.issue_id == PactIssue.id)
            .where(PactIssue.duplicate_of_id == issue.id)).all()
    return [c for c in contacts if c.consent_to_contact and c.email]


def _letter(contact: IssueContact, issue: PactIssue, opening: str, message: str) -> str:
    """The e-mail's body, in the current locale (`_queue` forces the resident's)."""
    greeting = gettext("Dear %(name)s,", name=contact.name) if contact.name else gettext("Hello,")
    lines = [
        greeting, "", translate(opening), "",
        gettext("Reference: %(reference)s", reference=issue.reference),
        gettext("Neighbourhood: %(name)s", name=issue.neighbourhood.name),
        gettext("Type of issue: %(category)s", category=translate(IssueCategory.label_of(issue.category))),
        gettext("Status: %(status)s", status=translate(IssueStatus.label_of(issue.status))),
        "", gettext("What you reported:"), issue.description,
    ]
    if message:
        lines += ["", gettext("Message from your neighbourhood team:"), message]
    lines += [
        "", gettext("Follow your issue at %(link)s",
                    link=public_url("issues.issue", reference=issue.reference)),
        "", gettext("Your PACT (Partners and Communities Together) team"),
        "", gettext("You are getting this email because you asked to be kept informed about this issue. "
                    "To report a crime call 101, or 999 in an emergency."),
    ]
    return "\n".join(lines) + "\n"


def notify_raised(session: Session, issue: PactIssue) -> int:
    """Queue the receipt for an issue just raised: its reference, the link to follow it and what
    happens next, so a resident who closes the page keeps the reference. Sent at once to whatever
    address was typed, so it repeats nothing typed (no name, no description), only the reference
    and the choices from the form's lists; returns how many were queued. Sent from the resident's
    own request, so it is written in the language of the page they raised it on."""
    recipients = _recipients(session, issue, False)
    name = issue.neighbourhood.name
    for contact in recipients:
        queue_mail(session, contact.email, gettext("Your PACT issue reference is %(reference)s",
                                                   reference=issue.reference), "\n".join([
            gettext("Hello,"), "",
            gettext("Thank you for raising an issue with your PACT (Partners and Communities Together) "
                    "team. Keep this reference: use it to follow the issue."), "",
            gettext("Reference: %(reference)s", reference=issue.reference),
            gettext("Neighbourhood: %(name)s", name=name),
            gettext("Type of issue: %(category)s",
                    category=translate(IssueCategory.label_of(issue.category))), "",
            gettext("What happens next: the %(name)s neighbourhood team will acknowledge it within 24 hours, "
                    "and it may be discussed at the next PACT meeting. We will email you when it is "
                    "acknowledged and when it is closed.", name=name), "",
            gettext("Follow your issue at %(link)s",
                    link=public_url("issues.issue", reference=issue.reference)), "",
            gettext("Your PACT (Partners and Communities Together) team"), "",
            gettext("You are getting this email because an issue was raised with this address and you asked "
                    "to be kept informed; if that was not you, you can ignore it. To report a crime call "
                    "101, or 999 in an emergency."),
        ]) + "\n")
    return len(recipients)


def notify_acknowledged(session: Session, issue: PactIssue, note: str = "") -> int:
    """Queue the resident e-mails for an issue just acknowledged (with the public `note` given with
    it); returns how many were queued."""
    return _queue(session, issue, N_("We have received your PACT issue %(reference)s"),
                  N_("Your neighbourhood team has acknowledged the issue you raised and will look into "
                     "it. You will hear from us again when it is closed."), (note or "").strip(), False)


def notify_closed(session: Session, issue: PactIssue) -> int:
    """Queue the resident e-mails for an issue just closed, with its public outcome, to whoever
    raised it and to those whose reports were merged into it; returns how many were queued."""
    return _queue(session, issue, N_("Your PACT issue %(reference)s is closed"),
                  N_("The issue you raised has been closed. This is what was done."), issue.outcome, True)


def _queue(session: Session, issue: PactIssue, subject: str, opening: str, message: str,
           duplicates: bool) -> int:
    """Queue one e-mail to each recipient, each in the language they gave their address in (a staff
    action's request is English; `IssueContact.language`). The staff's own words (`message`) go as
    written."""
    recipients = _recipients(session, issue, duplicates)
    for contact in recipients:
        with force_locale(contact.language or ENGLISH):
            queue_mail(session, contact.email, gettext(subject, reference=issue.reference),
                       _letter(contact, issue, opening, message))
    return len(recipients)
