"""An ASB Case Review from application to outcome: receiving one (online, or taken by staff by
phone or letter), the reports across agencies (PACT issues linked by the same contact details and
confirmed by staff, reports added by staff or imported from an agency's file), the threshold
decision (the rule of `portal.casereviews.eligibility`, or a manager's override with the reason),
the review meeting (agencies invited, attendance, findings), its recommendations with owners and
due dates, the outcome, and an appeal with its own decision.

Plain functions over a session; each raises `CaseReviewError` when the process refuses, writes its
audit record, and queues the letter it sends in the same transaction (the same words as the PDF,
`portal.casereviews.letters`), so a refused step sends nothing.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext
from sqlalchemy.orm import Session

from portal.casereviews.eligibility import Assessment, Report, assess, local_rule
from portal.core import audit, limits
from portal.core.clock import local_day, utcnow
from portal.core.limits import Limit
from portal.core.mail import queue_mail
from portal.core.refusals import Refusal
from portal.core.working_days import add_working_days, working_days_between
from portal.models import (
    CaseReview,
    CaseReviewAgency,
    CaseReviewChannel,
    CaseReviewRecommendation,
    CaseReviewReport,
    CaseReviewStatus,
    Neighbourhood,
    PactIssue,
    ReportSource,
    Role,
    StaffUser,
)
from portal.pact.references import ALPHABET

NAME_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 40
TEXT_MAX = 10000
AGENCY_MAX = 200
PACT_AGENCY = "PACT (the partnership)"
REMOVED = "[removed]"


class CaseReviewError(Refusal):
    """A step the Case Review process refuses (deciding twice, a review before the threshold is met)."""


def new_reference(choice=secrets.choice) -> str:
    chars = "".join(choice(ALPHABET) for _ in range(6))
    return f"ACR-{chars[:4]}-{chars[4:]}"


def phone_digits(phone: str) -> str:
    """A phone number's digits, +44 read as 0 (01225 477000 is +44 1225 477000)."""
    digits = re.sub(r"\D", "", phone or "")
    return "0" + digits[2:] if digits.startswith("44") and len(digits) > 10 else digits


@dataclass(frozen=True)
class Application:
    """What an application says, from the public form or the staff form."""

    channel: CaseReviewChannel
    name: str
    email: str
    phone: str
    description: str
    neighbourhood: Neighbourhood | None
    representative_name: str = ""
    representative_email: str = ""
    consent_given: bool = False
    language: str | None = None  # the page's, online ("cy"); None (English) when taken by staff


def _checked(application: Application) -> None:
    """Refusals a resident may read on the public form: in their request's language (a staff
    request's is English)."""
    if not application.name.strip():
        raise CaseReviewError(gettext("Enter the name of the person experiencing the anti-social behaviour"))
    if not application.description.strip():
        raise CaseReviewError(gettext("Describe the anti-social behaviour and what has been reported"))
    contacts = (application.email, application.phone, application.representative_email)
    if not any(c.strip() for c in contacts):
        raise CaseReviewError(gettext("Give an e-mail address or a phone number so we can reply"))
    if application.representative_name.strip() and not application.consent_given:
        raise CaseReviewError(gettext("An application on someone's behalf needs %(name)s's consent: confirm "
                                      "they have agreed to it", name=application.name))


def receive(session: Session, application: Application, config: Mapping,
            actor: StaffUser | None = None) -> CaseReview:
    """Record an application, link the PACT issues raised with the same e-mail address or phone
    (unconfirmed until staff confirm them) and queue the acknowledgement; the caller commits.

    The acknowledgement goes to the representative if there is one, else the applicant, in the
    application's language, and repeats nothing they typed but the reference and dates (anyone can
    type any address); at most
    CHARTER_RECIPIENT_LIMIT acknowledgements go to one address a day."""
    _checked(application)
    case = CaseReview(reference=new_reference(), channel=application.channel,
                      neighbourhood=application.neighbourhood, received_at=utcnow(),
                      name=application.name.strip(), email=application.email.strip(),
                      phone=application.phone.strip(), description=application.description.strip(),
                      representative_name=application.representative_name.strip(),
                      representative_email=application.representative_email.strip(),
                      consent_given=application.consent_given, language=application.language)
    session.add(case)
    session.flush()
    linked = link_pact_issues(session, case, _matching_issues(session, case))
    to = reply_address(case)
    recipient_limit = Limit(*config["CHARTER_RECIPIENT_LIMIT"])
    mailed = bool(to) and limits.hit("case_review_recipient", to.lower(), recipient_limit) is None
    if mailed:
        from portal.casereviews.letters import acknowledgement

        letter = acknowledgement(case, decide_by(case, config))
        queue_mail(session, to, letter.subject, letter.text)
    audit.record(session, "case_review_received", "case_review", case.reference, actor=actor,
                 channel=str(application.channel), pact_issues_linked=linked,
                 acknowledgement_mailed=mailed, on_behalf=bool(case.representative_name))
    return case


def reply_address(case: CaseReview) -> str:
    """Where letters go: the representative's address if they gave one, else the applicant's."""
    return case.representative_email or case.email


def _matching_issues(session: Session, case: CaseReview) -> list[PactIssue]:
    from portal.casereviews.queries import issues_with_contact

    return issues_with_contact(session, case.email, phone_digits(case.phone))


def link_pact_issues(session: Session, case: CaseReview, issues: Iterable[PactIssue]) -> int:
    """Add each issue not yet on the case as an unconfirmed report (its reference, the day raised);
    returns how many were added."""
    have = {r.pact_issue_id for r in case.reports if r.pact_issue_id}
    added = 0
    for issue in issues:
        if issue.id in have:
            continue
        raised = local_day(issue.created_at)
        case.reports.append(CaseReviewReport(incident_ref=issue.reference, incident_date=raised,
                                             reported_on=raised, agency=PACT_AGENCY,
                                             source=ReportSource.PACT, pact_issue=issue, confirmed=False))
        added += 1
    return added


def refresh_pact_links(session: Session, case: CaseReview, user: StaffUser) -> int:
    _before_decision(case, "look for PACT issues")
    added = link_pact_issues(session, case, _matching_issues(session, case))
    audit.record(session, "case_review_pact_searched", "case_review", case.reference, actor=user,
                 added=added)
    return added


def _report(case: CaseReview, report_id: int) -> CaseReviewReport:
    found = next((r for r in case.reports if r.id == report_id), None)
    if found is None:
        raise CaseReviewError(f"{case.reference} has no report {report_id}")
    return found


def confirm_report(session: Session, case: CaseReview, report_id: int, keep: bool, user: StaffUser) -> None:
    """Confirm a linked PACT issue as the applicant's report (it then counts), or remove it."""
    _before_decision(case, "change its reports")
    report = _report(case, report_id)
    if keep:
        report.confirmed = True
    else:
        case.reports.remove(report)
    audit.record(session, "case_review_report_confirmed" if keep else "case_review_report_removed",
                 "case_review", case.reference, actor=user, incident_ref=report.incident_ref)


def add_reports(session: Session, case: CaseReview, reports: list[Report], source: ReportSource,
                user: StaffUser, filename: str = "") -> int:
    """Add reports to other agencies (typed by staff, or read from a file: every row must be this
    applicant's, named by the case's reference or the applicant's name)."""
    _before_decision(case, "add reports")
    names = {case.reference.lower(), case.name.strip().lower()}
    for report in reports:
        if report.applicant.strip().lower() not in names:
            where = f"{filename}, line {report.line}" if report.line else "The report"
            raise CaseReviewError(f"{where}: applicant {report.applicant[:60]!r} is not this case's "
                                  f"(use {case.reference} or the applicant's name)")
        if report.reported_on < report.incident_date:
            raise CaseReviewError(f"{report.incident_ref}: reported before the incident's date; check "
                                  "the dates")
        case.reports.append(CaseReviewReport(incident_ref=report.incident_ref[:AGENCY_MAX],
                                             incident_date=report.incident_date,
                                             reported_on=report.reported_on,
                                             agency=report.agency[:AGENCY_MAX], source=source))
    audit.record(session, "case_review_reports_added", "case_review", case.reference, actor=user,
                 count=len(reports), source=str(source), filename=filename)
    return len(reports)


def counted_reports(case: CaseReview) -> list[Report]:
    """The confirmed reports, as the rule reads them."""
    return [Report(case.reference, r.incident_ref, r.incident_date, r.reported_on, r.agency)
            for r in case.reports if r.confirmed]


def assessment(case: CaseReview, config: Mapping) -> Assessment:
    """The confirmed reports against the local rule, for an application made the day received."""
    return assess(case.reference, counted_reports(case), local_day(case.received_at), local_rule(config))


def _before_decision(case: CaseReview, what: str) -> None:
    if case.status != CaseReviewStatus.RECEIVED:
        raise CaseReviewError(f"The threshold for {case.reference} has been decided: it is too late "
                              f"to {what}")


def _reachable(case: CaseReview) -> None:
    if not (case.email or case.representative_email or case.phone):
        raise CaseReviewError(f"{case.reference} was anonymised (the applicant's details were erased), "
                              "so there is nobody to write to")


def _send(session: Session, case: CaseReview, kind: str) -> None:
    """Queue the letter `kind` by e-mail when there is an address (by post otherwise: staff print
    the PDF from the case's page)."""
    from portal.casereviews.letters import letter_for

    to = reply_address(case)
    if to:
        letter = letter_for(case, kind)
        queue_mail(session, to, letter.subject, letter.text)


def decide(session: Session, case: CaseReview, config: Mapping, user: StaffUser) -> Assessment:
    """Decide the threshold by the rule on the confirmed reports; send the decision letter."""
    _reachable(case)
    _before_decision(case, "decide it again")
    found = assessment(case, config)
    case.decided_at = utcnow()
    case.qualifying_incidents = len(found.qualifying)
    case.status = CaseReviewStatus.MET if found.eligible else CaseReviewStatus.NOT_MET
    case.decision_reason = "\n".join(found.reasons)
    _send(session, case, "decision")
    audit.record(session, "case_review_decided", "case_review", case.reference, actor=user,
                 threshold_met=found.eligible, qualifying_incidents=len(found.qualifying))
    return found


def override(session: Session, case: CaseReview, reason: str, config: Mapping, user: StaffUser) -> None:
    """A manager (an admin) holds the review although the count is short: a vulnerable applicant,
    or a case of high harm. Before the decision, or in place of a "not met"; the reason is kept and
    told to the applicant."""
    _reachable(case)
    reason = reason.strip()
    if user.role != Role.ADMIN:
        raise CaseReviewError("Only a manager (an administrator) can override the threshold")
    if not reason:
        raise CaseReviewError("Give the reason for the override (a vulnerable applicant, or high harm)")
    if case.status not in (CaseReviewStatus.RECEIVED, CaseReviewStatus.NOT_MET):
        raise CaseReviewError(f"{case.reference} already meets the threshold")
    if case.qualifying_incidents is None:
        case.qualifying_incidents = len(assessment(case, config).qualifying)
    case.decided_at = case.decided_at or utcnow()
    case.override_reason = reason
    case.status = CaseReviewStatus.MET
    _send(session, case, "decision")
    audit.record(session, "case_review_overridden", "case_review", case.reference, actor=user)


def invite(session: Session, case: CaseReview, agencies: list[str], meeting_on: date,
           user: StaffUser) -> None:
    """Invite agencies to the review meeting on `meeting_on` (a later invitation adds to them)."""
    if case.status != CaseReviewStatus.MET:
        raise CaseReviewError(f"A review meeting is held once the threshold is met; {case.reference} is "
                              f"{case.status.label.lower()}")
    names = [a.strip()[:AGENCY_MAX] for a in agencies if a.strip()]
    if not names:
        raise CaseReviewError("Choose at least one agency to invite")
    if meeting_on < local_day(case.decided_at or case.received_at):
        raise CaseReviewError("The meeting cannot be before the threshold decision")
    have = {a.agency for a in case.agencies}
    for name in names:
        if name not in have:
            case.agencies.append(CaseReviewAgency(agency=name))
    case.meeting_on = meeting_on
    audit.record(session, "case_review_meeting_called", "case_review", case.reference, actor=user,
                 meeting_on=meeting_on.isoformat(), agencies=sorted({*have, *names}))


def record_review(session: Session, case: CaseReview, attended: set[int], findings: str,
                  user: StaffUser) -> None:
    """Record who attended the meeting and what the review found."""
    findings = findings.strip()
    if case.status != CaseReviewStatus.MET or case.meeting_on is None or not case.agencies:
        raise CaseReviewError("Invite the agencies to a meeting first")
    if not findings:
        raise CaseReviewError("Write the review's findings")
    if not attended:
        raise CaseReviewError("Tick the agencies that attended: a review needs at least one")
    for agency in case.agencies:
        agency.attended = agency.id in attended
    case.findings = findings
    case.reviewed_at = utcnow()
    case.status = CaseReviewStatus.REVIEWED
    audit.record(session, "case_review_held", "case_review", case.reference, actor=user,
                 attended=sorted(a.agency for a in case.agencies if a.attended))


def recommend(session: Session, case: CaseReview, action: str, owner: str, due_on: date,
              user: StaffUser) -> None:
    action, owner = action.strip(), owner.strip()
    if case.status != CaseReviewStatus.REVIEWED:
        raise CaseReviewError("Recommendations are added after the review is held and before the "
                              "outcome is sent")
    if not action or not owner:
        raise CaseReviewError("Write the recommendation and the agency that owns it")
    if case.meeting_on and due_on < case.meeting_on:
        raise CaseReviewError("A recommendation cannot be due before the review meeting")
    case.recommendations.append(CaseReviewRecommendation(action=action, owner=owner[:AGENCY_MAX],
                                                         due_on=due_on))
    audit.record(session, "case_review_recommendation", "case_review", case.reference, actor=user,
                 owner=owner, due_on=due_on.isoformat())


def send_outcome(session: Session, case: CaseReview, user: StaffUser) -> None:
    _reachable(case)
    if case.status != CaseReviewStatus.REVIEWED:
        raise CaseReviewError("The outcome is sent once the review has been held")
    case.outcome_sent_at = utcnow()
    case.status = CaseReviewStatus.CLOSED
    _send(session, case, "outcome")
    audit.record(session, "case_review_outcome_sent", "case_review", case.reference, actor=user,
                 recommendations=len(case.recommendations))


def lodge_appeal(session: Session, case: CaseReview, grounds: str, user: StaffUser) -> None:
    """Record the applicant's appeal against the threshold decision or the outcome (one per case)."""
    grounds = grounds.strip()
    if case.status not in (CaseReviewStatus.NOT_MET, CaseReviewStatus.CLOSED):
        raise CaseReviewError("An appeal is against a threshold not met or an outcome sent")
    if case.appeal_lodged_at is not None:
        raise CaseReviewError(f"An appeal on {case.reference} has already been lodged")
    if not grounds:
        raise CaseReviewError("Write the grounds of the appeal")
    case.appeal_lodged_at = utcnow()
    case.appeal_grounds = grounds
    audit.record(session, "case_review_appeal_lodged", "case_review", case.reference, actor=user)


def decide_appeal(session: Session, case: CaseReview, upheld: bool, decision: str, user: StaffUser) -> None:
    """The appeal's own decision; upheld against "not met", the review goes ahead (threshold met)."""
    _reachable(case)
    decision = decision.strip()
    if case.appeal_lodged_at is None or case.appeal_decided_at is not None:
        raise CaseReviewError("There is no appeal waiting for a decision")
    if not decision:
        raise CaseReviewError("Write the appeal decision and its reasons")
    case.appeal_decided_at = utcnow()
    case.appeal_upheld = upheld
    case.appeal_decision = decision
    if upheld and case.status == CaseReviewStatus.NOT_MET:
        case.status = CaseReviewStatus.MET
    _send(session, case, "appeal")
    audit.record(session, "case_review_appeal_decided", "case_review", case.reference, actor=user,
                 upheld=upheld)


@dataclass(frozen=True)
class Clocks:
    """The working-day clocks of one case, as of `today`."""

    received_on: date
    decide_by: date
    decided_on: date | None
    decision_days: int
    decision_breached: bool
    appeal_by: date | None = None
    appeal_breached: bool = False


def decide_by(case: CaseReview, config: Mapping) -> date:
    return add_working_days(local_day(case.received_at), config["CASE_REVIEW_DECISION_DAYS"])


def clocks(case: CaseReview, today: date, config: Mapping) -> Clocks:
    received = local_day(case.received_at)
    due = add_working_days(received, config["CASE_REVIEW_DECISION_DAYS"])
    decided = local_day(case.decided_at) if case.decided_at else None
    appeal_by = (add_working_days(local_day(case.appeal_lodged_at), config["CASE_REVIEW_APPEAL_DAYS"])
                 if case.appeal_lodged_at else None)
    appeal_done = local_day(case.appeal_decided_at) if case.appeal_decided_at else None
    return Clocks(received, due, decided, working_days_between(received, decided or today),
                  (decided or today) > due, appeal_by,
                  appeal_by is not None and (appeal_done or today) > appeal_by)


def anonymise(cases: list[CaseReview]) -> int:
    """Remove the personal fields of `cases` (retention, or one person's erasure); the reference,
    status, dates, counts, agencies and recommendations' owners and dates stay, so the published
    figures of past years do not change. Returns how many still held any."""
    held = [c for c in cases if c.name != REMOVED]
    for case in held:
        case.name, case.email, case.phone = REMOVED, "", ""
        case.representative_name = REMOVED if case.representative_name else ""
        case.representative_email = ""
        case.description = REMOVED
        case.language = None
        for text in ("decision_reason", "override_reason", "findings", "appeal_grounds", "appeal_decision"):
            if getattr(case, text):
                setattr(case, text, REMOVED)
        for recommendation in case.recommendations:
            recommendation.action = REMOVED
    return len(held)


def closed_before(case: CaseReview) -> datetime | None:
    """When the case was last acted on, for the retention schedule (None while it is open)."""
    if case.status in (CaseReviewStatus.RECEIVED, CaseReviewStatus.MET, CaseReviewStatus.REVIEWED):
        return None
    if case.appeal_lodged_at and not case.appeal_decided_at:
        return None
    moments = [m for m in (case.decided_at, case.outcome_sent_at, case.appeal_decided_at) if m]
    return max(moments) if moments else None
