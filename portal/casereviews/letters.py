"""The Case Review's letters: the acknowledgement, the threshold decision, the outcome and the
appeal decision. One `Letter` gives both the e-mail's text and the PDF's paragraphs
(`templates/casereviews/letter.html`, tagged PDF/UA-1 by WeasyPrint as the reports are), so the
two always say the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from weasyprint import HTML

from analysis.formatting import day
from portal.core.clock import local_day, today
from portal.models import CaseReview, CaseReviewStatus

KINDS = ("decision", "outcome", "appeal")
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


@dataclass(frozen=True)
class Letter:
    subject: str
    greeting: str
    paragraphs: tuple[str, ...]
    reference: str
    dated: date
    items: tuple[str, ...] = ()  # a list printed after the first paragraph (recommendations)

    @property
    def text(self) -> str:
        body = [self.greeting, "", self.paragraphs[0], ""]
        body += [f"- {item}" for item in self.items] + ([""] if self.items else [])
        for paragraph in self.paragraphs[1:]:
            body += [paragraph, ""]
        return "\n".join([*body, f"Reference: {self.reference}"]) + "\n"


def _greeting(case: CaseReview) -> str:
    return f"Dear {case.representative_name or case.name},"


def _about(case: CaseReview) -> str:
    if case.representative_name:
        return f"the application you made on behalf of {case.name}"
    return "your application"


def acknowledgement(case: CaseReview, decide_by: date) -> Letter:
    """Repeats nothing the applicant typed but their reference (anyone can type any address)."""
    return Letter(
        f"We have received your ASB Case Review application ({case.reference})",
        "Thank you for applying for an anti-social behaviour case review.",
        (f"We received the application on {day(local_day(case.received_at))}; its reference is "
         f"{case.reference}. Please quote it if you contact us.",
         "The partners (the council, the police, health services and housing providers) will look "
         "at the reports made to each of them and decide whether the threshold for a case review "
         f"is met. We will write to tell you the decision by {day(decide_by)}.",
         "If you did not apply, you can ignore this message.",
         "To report a crime call 101, or 999 in an emergency."),
        case.reference, local_day(case.received_at))


def decision(case: CaseReview) -> Letter:
    met = case.status in (CaseReviewStatus.MET, CaseReviewStatus.REVIEWED, CaseReviewStatus.CLOSED)
    counted = case.qualifying_incidents or 0
    if case.override_reason:
        first = (f"We have decided to carry out an anti-social behaviour case review on {_about(case)}. "
                 f"The reports counted came to {counted} incident{'s' if counted != 1 else ''}, but a "
                 f"manager decided the review should go ahead: {case.override_reason}")
    elif met:
        first = (f"The threshold for a case review is met by {_about(case)}: {counted} incidents "
                 "reported within the time allowed. The partners will now review the case together "
                 "at a meeting, and we will write to you with its outcome.")
    else:
        first = (f"The threshold for a case review is not met by {_about(case)}: "
                 f"{counted} incident{'s' if counted != 1 else ''} counted, each reported within a "
                 "month of happening and within the six months before the application.")
    paragraphs = [first]
    if not met:
        paragraphs.append("This does not mean nothing will be done: the agencies you reported to "
                          "will carry on dealing with the reports. If you disagree with this decision "
                          "you can appeal: reply to this letter saying why, and a manager not involved "
                          "in the decision will look at it again.")
    return Letter(f"Your ASB Case Review application: the threshold decision ({case.reference})",
                  _greeting(case), tuple(paragraphs), case.reference,
                  local_day(case.decided_at) if case.decided_at else today())


def outcome(case: CaseReview) -> Letter:
    items = tuple(f"{r.action} ({r.owner}, by {day(r.due_on)})" for r in case.recommendations)
    first = (f"The partners met on {day(case.meeting_on)} to review {_about(case)}. They found: "
             f"{case.findings}" if case.meeting_on else f"The partners reviewed {_about(case)}.")
    if items:
        paragraphs: tuple[str, ...] = (
            first + " They recommend:",
            "Each agency will tell us when it has done what it owns, and we will keep you informed. "
            "If you are not satisfied with how the review was carried out you can appeal: reply to "
            "this letter saying why.")
    else:
        paragraphs = (first, "The review made no recommendations. If you are not satisfied with how "
                             "the review was carried out you can appeal: reply to this letter saying why.")
    return Letter(f"The outcome of your ASB Case Review ({case.reference})", _greeting(case),
                  paragraphs, case.reference,
                  local_day(case.outcome_sent_at) if case.outcome_sent_at else today(), items)


def appeal(case: CaseReview) -> Letter:
    if case.appeal_upheld:
        verdict = "Your appeal is upheld."
        if case.status == CaseReviewStatus.MET and not case.reviewed_at:
            verdict += " The case review will now go ahead, and we will write to you with its outcome."
    else:
        verdict = "Your appeal is not upheld."
    return Letter(f"The decision on your ASB Case Review appeal ({case.reference})", _greeting(case),
                  (f"{verdict} {case.appeal_decision}",
                   "This is the partnership's final decision on the case review. If you remain "
                   "unhappy you can contact the Police and Crime Commissioner or the Local Government "
                   "and Social Care Ombudsman."),
                  case.reference,
                  local_day(case.appeal_decided_at) if case.appeal_decided_at else today())


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


def pdf(html: str) -> bytes:
    """A letter's page (`templates/casereviews/letter.html`) as a tagged PDF."""
    return HTML(string=html).write_pdf(**PDF_OPTIONS)
