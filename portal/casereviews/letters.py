"""The Case Review's letters: the acknowledgement, the threshold decision, the outcome and the
appeal decision. One `Letter` gives both the e-mail's text and the PDF's paragraphs
(`templates/casereviews/letter.html`, tagged PDF/UA-1 by WeasyPrint as the reports are), so the
two always say the same.

Each letter is written in the language the application was made in (`CaseReview.language`; None,
an application taken by staff, is English), whoever's request builds it: its fixed words go through
the catalogue and its dates name the month in that language; the staff's own words (findings, the
override's reason, recommendations, the appeal decision) go as written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Concatenate, ParamSpec

from flask import render_template
from flask_babel import gettext, ngettext
from weasyprint import HTML

from portal.core.clock import local_day, today
from portal.core.filters import local_day as language_day
from portal.core.languages import ENGLISH, describe, writing_in
from portal.models import CaseReview, CaseReviewStatus

KINDS = ("decision", "outcome", "appeal")
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}

P = ParamSpec("P")


@dataclass(frozen=True)
class Letter:
    subject: str
    greeting: str
    paragraphs: tuple[str, ...]
    reference: str
    dated: date
    items: tuple[str, ...] = ()  # a list printed after the first paragraph (recommendations)
    language: str | None = None  # the case's: the e-mail's last line is written in it too

    @property
    def text(self) -> str:
        body = [self.greeting, "", self.paragraphs[0], ""]
        body += [f"- {item}" for item in self.items] + ([""] if self.items else [])
        for paragraph in self.paragraphs[1:]:
            body += [paragraph, ""]
        with writing_in(self.language):
            reference = gettext("Reference: %(reference)s", reference=self.reference)
        return "\n".join([*body, reference]) + "\n"


def _in_case_language(build: Callable[Concatenate[CaseReview, P], Letter]
                      ) -> Callable[Concatenate[CaseReview, P], Letter]:
    """Build the letter in the case's language, whatever the request's (staff pages are English)."""

    @wraps(build)
    def built(case: CaseReview, *args: P.args, **kwargs: P.kwargs) -> Letter:
        with writing_in(case.language):
            return build(case, *args, **kwargs)

    return built


def _greeting(case: CaseReview) -> str:
    return gettext("Dear %(name)s,", name=case.representative_name or case.name)


def _about(case: CaseReview) -> str:
    if case.representative_name:
        return gettext("the application you made on behalf of %(name)s", name=case.name)
    return gettext("your application")


@_in_case_language
def acknowledgement(case: CaseReview, decide_by: date) -> Letter:
    """Repeats nothing the applicant typed but their reference (anyone can type any address)."""
    return Letter(
        gettext("We have received your ASB Case Review application (%(reference)s)",
                reference=case.reference),
        gettext("Thank you for applying for an anti-social behaviour case review."),
        (gettext("We received the application on %(day)s; its reference is %(reference)s. Please quote it "
                 "if you contact us.", day=language_day(local_day(case.received_at)),
                 reference=case.reference),
         gettext("The partners (the council, the police, health services and housing providers) will look "
                 "at the reports made to each of them and decide whether the threshold for a case review "
                 "is met. We will write to tell you the decision by %(day)s.", day=language_day(decide_by)),
         gettext("If you did not apply, you can ignore this message."),
         gettext("To report a crime call 101, or 999 in an emergency.")),
        case.reference, local_day(case.received_at), language=case.language)


@_in_case_language
def decision(case: CaseReview) -> Letter:
    met = case.status in (CaseReviewStatus.MET, CaseReviewStatus.REVIEWED, CaseReviewStatus.CLOSED)
    counted = case.qualifying_incidents or 0
    if case.override_reason:
        first = ngettext("We have decided to carry out an anti-social behaviour case review on %(about)s. "
                         "The reports counted came to %(num)s incident, but a manager decided the review "
                         "should go ahead: %(reason)s",
                         "We have decided to carry out an anti-social behaviour case review on %(about)s. "
                         "The reports counted came to %(num)s incidents, but a manager decided the review "
                         "should go ahead: %(reason)s",
                         counted, about=_about(case), reason=case.override_reason)
    elif met:
        first = ngettext("The threshold for a case review is met by %(about)s: %(num)s incident reported "
                         "within the time allowed. The partners will now review the case together at a "
                         "meeting, and we will write to you with its outcome.",
                         "The threshold for a case review is met by %(about)s: %(num)s incidents reported "
                         "within the time allowed. The partners will now review the case together at a "
                         "meeting, and we will write to you with its outcome.",
                         counted, about=_about(case))
    else:
        first = ngettext("The threshold for a case review is not met by %(about)s: %(num)s incident counted, "
                         "each reported within a month of happening and within the six months before the "
                         "application.",
                         "The threshold for a case review is not met by %(about)s: %(num)s incidents "
                         "counted, each reported within a month of happening and within the six months "
                         "before the application.",
                         counted, about=_about(case))
    paragraphs = [first]
    if not met:
        paragraphs.append(gettext("This does not mean nothing will be done: the agencies you reported to "
                                  "will carry on dealing with the reports. If you disagree with this "
                                  "decision you can appeal: reply to this letter saying why, and a manager "
                                  "not involved in the decision will look at it again."))
    return Letter(gettext("Your ASB Case Review application: the threshold decision (%(reference)s)",
                          reference=case.reference),
                  _greeting(case), tuple(paragraphs), case.reference,
                  local_day(case.decided_at) if case.decided_at else today(), language=case.language)


@_in_case_language
def outcome(case: CaseReview) -> Letter:
    items = tuple(gettext("%(action)s (%(owner)s, by %(day)s)", action=r.action, owner=r.owner,
                          day=language_day(r.due_on)) for r in case.recommendations)
    if case.meeting_on:
        first = gettext("The partners met on %(day)s to review %(about)s. They found: %(findings)s",
                        day=language_day(case.meeting_on), about=_about(case), findings=case.findings)
    else:
        first = gettext("The partners reviewed %(about)s.", about=_about(case))
    appeal_how = gettext("If you are not satisfied with how the review was carried out you can appeal: "
                         "reply to this letter saying why.")
    if items:
        paragraphs: tuple[str, ...] = (
            first + " " + gettext("They recommend:"),
            gettext("Each agency will tell us when it has done what it owns, and we will keep you "
                    "informed.") + f" {appeal_how}")
    else:
        paragraphs = (first, gettext("The review made no recommendations.") + f" {appeal_how}")
    return Letter(gettext("The outcome of your ASB Case Review (%(reference)s)", reference=case.reference),
                  _greeting(case), paragraphs, case.reference,
                  local_day(case.outcome_sent_at) if case.outcome_sent_at else today(), items,
                  language=case.language)


@_in_case_language
def appeal(case: CaseReview) -> Letter:
    if case.appeal_upheld:
        verdict = gettext("Your appeal is upheld.")
        if case.status == CaseReviewStatus.MET and not case.reviewed_at:
            verdict += " " + gettext("The case review will now go ahead, and we will write to you with its "
                                     "outcome.")
    else:
        verdict = gettext("Your appeal is not upheld.")
    return Letter(gettext("The decision on your ASB Case Review appeal (%(reference)s)",
                          reference=case.reference), _greeting(case),
                  (f"{verdict} {case.appeal_decision}",
                   gettext("This is the partnership's final decision on the case review. If you "
                           "remain unhappy you can contact the Police and Crime Commissioner or the "
                           "Local Government and Social Care Ombudsman.")),
                  case.reference,
                  local_day(case.appeal_decided_at) if case.appeal_decided_at else today(),
                  language=case.language)


def letter_for(case: CaseReview, kind: str) -> Letter:
    return {"decision": decision, "outcome": outcome, "appeal": appeal}[kind](case)


def available(case: CaseReview) -> list[str]:
    """The letters the case has reached, for its page's links."""
    kinds = []
    if case.decided_at:
        kinds.append("decision")
    if case.outcome_sent_at:
        kinds.append("outcome")
    if case.appeal_decided_at:
        kinds.append("appeal")
    return kinds


def page(case: CaseReview, kind: str) -> str:
    """The letter `kind` as the PDF's page, in the case's language (staff print it from an English
    page): its template's words, its dates and its `<html lang>`."""
    with writing_in(case.language):
        return render_template("casereviews/letter.html", letter=letter_for(case, kind), case=case,
                               language=describe(case.language or ENGLISH))


def pdf(html: str) -> bytes:
    """A letter's page (`templates/casereviews/letter.html`) as a tagged PDF."""
    return HTML(string=html).write_pdf(**PDF_OPTIONS)
