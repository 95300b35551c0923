"""Complaints and enquiries under the Service Charter: receiving one from a resident, the staff
actions on it (acknowledge, answer, extend), its two clocks in working days and the breaches they
show (the figures over many cases are in `portal.charter.figures`). Plain functions over a session;
the views only parse forms and render. Each action queues the e-mail to the resident in the same
transaction, so a refused action sends nothing, written in the language of the page the resident
wrote on (`CharterCase.language`; a staff action's own request is English).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext
from sqlalchemy.orm import Session

from analysis.formatting import day
from portal.core import audit, limits
from portal.core.clock import local_day, utcnow
from portal.core.filters import local_day as language_day
from portal.core.languages import N_, current_language, writing_in
from portal.core.limits import Limit
from portal.core.mail import queue_mail
from portal.core.refusals import Refusal
from portal.core.working_days import add_working_days, is_working_day, working_days_between
from portal.models import CharterCase, CharterKind, CharterStatus, Neighbourhood, StaffUser
from portal.pact.references import ALPHABET

ACKNOWLEDGE_WITHIN = 5   # working days, Service Charter
ANSWER_WITHIN = 15       # working days, Service Charter
NAME_MAX = 200
EMAIL_MAX = 254
BODY_MAX = 5000
REASON_MAX = 1000
RESPONSE_MAX = 10000


class CaseError(Refusal):
    """A staff action the Charter's rules refuse (answering twice, an extension in the past)."""


def new_case_reference(choice=secrets.choice) -> str:
    chars = "".join(choice(ALPHABET) for _ in range(6))
    return f"CHR-{chars[:4]}-{chars[4:]}"


@dataclass(frozen=True)
class Clocks:
    """One case's two clocks: the days due, how many working days each took or has run, and
    whether each standard is breached (done late, or not done and past its day)."""

    received_on: date
    acknowledge_by: date
    answer_by: date
    acknowledge_days: int
    answer_days: int
    acknowledge_breached: bool
    answer_breached: bool
    acknowledged_on: date | None = None  # the day, if acknowledged by `today`
    answered_on: date | None = None

    @property
    def breached(self) -> bool:
        return self.acknowledge_breached or self.answer_breached


def _done_by(moment: datetime | None, today: date) -> date | None:
    """The day something was done, if it was done by `today` (a later action is not seen yet)."""
    done = local_day(moment) if moment is not None else None
    return done if done is not None and done <= today else None


def clocks(case: CharterCase, today: date) -> Clocks:
    """The clocks as of `today` (the day in England); an extension moves the answer's day. What was
    done after `today` is not seen, so a past period's figures do not change later."""
    received = local_day(case.received_at)
    acknowledge_by = add_working_days(received, ACKNOWLEDGE_WITHIN)
    answer_by = case.extended_to or add_working_days(received, ANSWER_WITHIN)
    acknowledged = _done_by(case.acknowledged_at, today)
    answered = _done_by(case.answered_at, today)
    return Clocks(
        received_on=received, acknowledge_by=acknowledge_by, answer_by=answer_by,
        acknowledged_on=acknowledged, answered_on=answered,
        acknowledge_days=working_days_between(received, acknowledged or today),
        answer_days=working_days_between(received, answered or today),
        acknowledge_breached=(acknowledged or today) > acknowledge_by,
        answer_breached=(answered or today) > answer_by)


def receive_case(session: Session, kind: CharterKind, name: str, email: str, body: str,
                 neighbourhood: Neighbourhood | None, recipient_limit: Limit) -> CharterCase:
    """Record a resident's complaint or enquiry and queue their acknowledgement of receipt (the
    reference and the Charter's dates); the caller commits.

    Anyone can type any address, so the acknowledgement repeats nothing they typed (neither the
    name nor the body: the form cannot carry someone else's words, or links, to a stranger), and
    at most `recipient_limit` acknowledgements go to one address (counted by its keyed hash).
    Past that the case is still recorded, for staff to answer, but no mail is queued."""
    case = CharterCase(reference=new_case_reference(), kind=kind, name=name, email=email, body=body,
                       neighbourhood=neighbourhood, received_at=utcnow(),
                       language=current_language())  # the staff actions' e-mails are written in it
    session.add(case)
    session.flush()
    mailed = limits.hit("charter_recipient", email.strip().lower(), recipient_limit) is None
    if mailed:
        days = clocks(case, local_day(case.received_at))
        # Sent from the resident's own request: in the language of the page they wrote on.
        dates = {"reference": case.reference, "received": language_day(days.received_on),
                 "acknowledge_by": language_day(days.acknowledge_by),
                 "answer_by": language_day(days.answer_by)}
        if kind == CharterKind.COMPLAINT:
            subject = gettext("We have received your complaint (%(reference)s)", **dates)
            opening = gettext("Thank you for writing to the community safety partnership. Your reference is "
                              "%(reference)s; we received your complaint on %(received)s. Please quote "
                              "the reference if you write again.", **dates)
        elif kind == CharterKind.ACCESSIBILITY:
            subject = gettext("We have received your accessibility request (%(reference)s)", **dates)
            opening = gettext("Thank you for writing to the community safety partnership. Your reference is "
                              "%(reference)s; we received your accessibility request on %(received)s. "
                              "Please quote the reference if you write again.", **dates)
        else:
            subject = gettext("We have received your enquiry (%(reference)s)", **dates)
            opening = gettext("Thank you for writing to the community safety partnership. Your reference is "
                              "%(reference)s; we received your enquiry on %(received)s. Please quote "
                              "the reference if you write again.", **dates)
        queue_mail(session, email, subject, opening + "\n\n" + gettext(
            "Our Service Charter promises to acknowledge it by %(acknowledge_by)s and to "
            "answer it in full by %(answer_by)s (5 and 15 working days). If we need longer "
            "we will write to tell you why and when you will hear from us.", **dates) + "\n\n"
            + gettext("If you did not write to us, you can ignore this message.") + "\n")
    audit.record(session, "charter_case_received", "charter_case", case.reference, kind=str(kind),
                 acknowledgement_mailed=mailed)
    return case


def _reachable(case: CharterCase) -> None:
    """Every action writes to the resident; an anonymised case (erased on request) has no one."""
    if not case.email:
        raise CaseError(f"{case.reference} was anonymised (its resident's details were erased), so "
                        "there is nobody to write to")


def acknowledge(session: Session, case: CharterCase, user: StaffUser) -> None:
    _reachable(case)
    if case.status != CharterStatus.RECEIVED:
        raise CaseError(f"{case.reference} has already been {case.status.label.lower()}")
    case.status = CharterStatus.ACKNOWLEDGED
    case.acknowledged_at = utcnow()
    days = clocks(case, local_day(case.acknowledged_at))
    with writing_in(case.language):
        subject, opening = ACKNOWLEDGED[case.kind]
        values = {"reference": case.reference, "answer_by": language_day(days.answer_by)}
        _write(session, case, gettext(subject, **values), gettext(opening, **values))
    audit.record(session, "charter_case_acknowledged", "charter_case", case.reference, actor=user)


def answer(session: Session, case: CharterCase, response: str, user: StaffUser) -> None:
    """Send the full response; acknowledging on the way if that was not done (it then counts as
    acknowledged on the day of the answer)."""
    _reachable(case)
    response = response.strip()
    if not response:
        raise CaseError("Write the response to send to the resident")
    if case.status == CharterStatus.ANSWERED:
        raise CaseError(f"{case.reference} has already been answered")
    now = utcnow()
    case.acknowledged_at = case.acknowledged_at or now
    case.answered_at = now
    case.response = response
    case.status = CharterStatus.ANSWERED
    with writing_in(case.language):
        _write(session, case, gettext(ANSWERED[case.kind], reference=case.reference), response,
               gettext("Reference: %(reference)s", reference=case.reference))
    audit.record(session, "charter_case_answered", "charter_case", case.reference, actor=user)


def extend(session: Session, case: CharterCase, new_date: date, reason: str, user: StaffUser,
           today: date) -> None:
    """Move the full response's day, with the reason the resident is told. Refused once answered,
    for a date that is not a later working day than the current one, or once the current day has
    passed (an extension is agreed before the deadline, not to excuse a breach)."""
    _reachable(case)
    reason = reason.strip()
    current = clocks(case, today)
    if case.status == CharterStatus.ANSWERED:
        raise CaseError(f"{case.reference} has already been answered")
    if not reason:
        raise CaseError("Give the reason for the extension: the resident is told it")
    if today > current.answer_by:
        raise CaseError(f"The response was due by {day(current.answer_by)}: an extension must be "
                        "recorded before that day has passed")
    if new_date <= current.answer_by:
        raise CaseError(f"Choose a date after {day(current.answer_by)}, the day the response is "
                        "due now")
    if not is_working_day(new_date):
        raise CaseError(f"{day(new_date)} is not a working day: choose a weekday that is not a "
                        "bank holiday")
    case.extended_to = new_date
    case.extension_reason = reason
    with writing_in(case.language):
        subject, opening = EXTENDED[case.kind]
        _write(session, case, gettext(subject, reference=case.reference),
               gettext(opening, reference=case.reference), reason,
               gettext("You will have our full response by %(answer_by)s.", answer_by=language_day(new_date)))
    audit.record(session, "charter_case_extended", "charter_case", case.reference, actor=user,
                 extended_to=new_date.isoformat())


# The staff actions' e-mails, one whole sentence per kind (a kind's label lowercased inside a
# sentence would not read right in every language): (subject, opening) in the case's language.
ACKNOWLEDGED = {
    CharterKind.COMPLAINT: (
        N_("Your complaint is being looked at (%(reference)s)"),
        N_("We are looking into your complaint %(reference)s and will answer it in full by %(answer_by)s.")),
    CharterKind.ENQUIRY: (
        N_("Your enquiry is being looked at (%(reference)s)"),
        N_("We are looking into your enquiry %(reference)s and will answer it in full by %(answer_by)s.")),
    CharterKind.ACCESSIBILITY: (
        N_("Your accessibility request is being looked at (%(reference)s)"),
        N_("We are looking into your accessibility request %(reference)s and will answer it in full by "
           "%(answer_by)s.")),
}
ANSWERED = {
    CharterKind.COMPLAINT: N_("Our response to your complaint (%(reference)s)"),
    CharterKind.ENQUIRY: N_("Our response to your enquiry (%(reference)s)"),
    CharterKind.ACCESSIBILITY: N_("Our response to your accessibility request (%(reference)s)"),
}
EXTENDED = {
    CharterKind.COMPLAINT: (
        N_("We need more time on your complaint (%(reference)s)"),
        N_("We are sorry: we need more time to answer your complaint %(reference)s in full. The reason:")),
    CharterKind.ENQUIRY: (
        N_("We need more time on your enquiry (%(reference)s)"),
        N_("We are sorry: we need more time to answer your enquiry %(reference)s in full. The reason:")),
    CharterKind.ACCESSIBILITY: (
        N_("We need more time on your accessibility request (%(reference)s)"),
        N_("We are sorry: we need more time to answer your accessibility request %(reference)s in full. "
           "The reason:")),
}


def _write(session: Session, case: CharterCase, subject: str, *paragraphs: str) -> None:
    """Queue a staff action's letter: the greeting, then `paragraphs` (the staff's own words among
    them go as written), in the language `writing_in` set."""
    greeting = gettext("Dear %(name)s,", name=case.name)
    queue_mail(session, case.email, subject, "\n\n".join((greeting, *paragraphs)) + "\n")


REMOVED = "[removed]"


def anonymise_cases(cases: list[CharterCase]) -> int:
    """Remove the personal fields of `cases` (the retention schedule's closed cases, or one
    person's on erasure), in the caller's transaction; returns how many still held any (a case
    keeps an address until it is anonymised, so `email == ""` marks one already done).

    A case is anonymised, not deleted: its reference, kind, status, neighbourhood and its clocks'
    instants (received, acknowledged, answered, the extension's date) stay, because the Charter
    figures of a past period (`portal.charter.figures`, printed again in every later report) count
    every case received in it, and deleting a case would change figures already published. What
    goes is everything that names or quotes the resident: the name, the address, what they wrote,
    and the staff's response and extension reason (written to them, often quoting them), and the
    language they wrote in."""
    held = [case for case in cases if case.email]
    for case in held:
        case.name, case.email, case.body = REMOVED, "", REMOVED
        case.response = REMOVED if case.response else ""
        case.extension_reason = REMOVED if case.extension_reason else ""
        case.language = None
    return len(held)
