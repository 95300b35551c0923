"""Subject access and erasure: everything held about one e-mail address, as a page, as JSON, and gone.

An address is matched case-insensitively in every place the portal keeps one: contact details of PACT
issues, complaints and enquiries under the Service Charter, panel membership (and its invitations),
mail sent, alert subscriptions, staff sign-in attempts, and audit entries that name it (as the actor
or in their detail). It is also searched for, typed as text, in every column that can hold a
resident's words (`portal.privacy.free_text.FREE_TEXT`: issue descriptions, staff notes, mail
headers, survey text answers, ...). Survey answers are otherwise not among them: a response holds no
link to a person (`portal.models.survey`), so it can be found only by an address typed into it.

Erasure keeps what the partnership must keep and no longer names the person: an issue stays, anonymous,
with its history and statistics; a panel row stays (so a wave's response rate holds) without its
address, marked as having left the panel; the address is recorded as having left the panel, as a
keyed hash only (`portal.survey.opt_out`), so a later panel file cannot invite it again; a mail's
row keeps its subject and time but loses its recipient, body and headers (an alert's List-Unsubscribe
link carries the address, signed); a Charter case is anonymised as the retention schedule does it
(`portal.charter.cases.anonymise_cases`); an audit entry loses the address. In every free-text place
the address is replaced with "[removed]", and so is the name given with it inside the person's own
issues and their history. The counts say, per place, how many records changed (`describe_erasure`).
Subject access shows that record too ("left the panel on ..."), found by hashing the address asked
about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import String, cast, delete, func, null, select, update
from sqlalchemy.orm import Session, selectinload

from portal.casereviews.cases import anonymise as anonymise_case_reviews
from portal.casereviews.queries import cases_naming
from portal.charter.cases import anonymise_cases
from portal.core.clock import utcnow
from portal.core.database import rowcount
from portal.core.mail import WAITING
from portal.core.refusals import Refusal
from portal.models import (
    AlertSubscription,
    AuditEvent,
    CharterCase,
    IssueContact,
    OutboundMail,
    PactIssue,
    PanelExit,
    PanelMember,
    SignInAttempt,
    Wave,
)
from portal.privacy import free_text
from portal.survey import opt_out


class PersonError(Refusal):
    """The address asked about cannot be looked up (the message says why)."""


def normalised_address(raw: str) -> str:
    """The address as stored (trimmed, lower case); PersonError for anything that is not one."""
    text = (raw or "").strip()
    if not text:
        raise PersonError("Enter the e-mail address to look up, like name@example.org")
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise PersonError(f"'{text[:254]}' is not an e-mail address; "
                          "enter one like name@example.org") from None
    return text.lower()


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass
class PersonRecords:
    """What is held about one address, as plain values (the JSON of a subject access request)."""

    email: str
    issues: list[dict] = field(default_factory=list)
    panel: list[dict] = field(default_factory=list)
    mail: list[dict] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)
    sign_in_attempts: list[dict] = field(default_factory=list)
    audit: list[dict] = field(default_factory=list)
    charter_cases: list[dict] = field(default_factory=list)
    case_reviews: list[dict] = field(default_factory=list)
    typed_as_text: list[dict] = field(default_factory=list)  # `free_text.typed_as_text`
    left_panel: dict | None = None  # {"left_on", "how"} when the address left the panel

    @property
    def found(self) -> int:
        return sum(len(rows) for rows in (self.issues, self.panel, self.mail, self.alerts,
                                          self.sign_in_attempts, self.audit, self.charter_cases,
                                          self.case_reviews, self.typed_as_text)) + bool(self.left_panel)

    def as_json(self) -> dict:
        return {"email": self.email, "issues": self.issues, "panel_membership": self.panel,
                "left_panel": self.left_panel,
                "complaints_and_enquiries": self.charter_cases,
                "asb_case_reviews": self.case_reviews,
                "mail_sent": self.mail, "alert_subscriptions": self.alerts,
                "sign_in_attempts": self.sign_in_attempts, "audit_entries": self.audit,
                "typed_as_text": self.typed_as_text,
                "survey_answers": "Survey answers are stored with no link to any person, so none "
                                  "can be found by e-mail address; only an answer into which the "
                                  "address itself was typed is listed, under typed_as_text."}


def _issues(session: Session, email: str) -> list[dict]:
    contacts = session.scalars(select(IssueContact).where(func.lower(IssueContact.email) == email)
                               .options(selectinload(IssueContact.issue).selectinload(PactIssue.neighbourhood)))
    return [{"reference": c.issue.reference, "neighbourhood": c.issue.neighbourhood.name,
             "category": c.issue.category, "status": c.issue.status.value,
             "description": c.issue.description, "location": c.issue.location,
             "public_summary": c.issue.public_summary or None, "channel": c.issue.channel.value,
             "raised_at": _iso(c.issue.created_at), "closed_at": _iso(c.issue.closed_at),
             "contact": {"name": c.name, "email": c.email, "phone": c.phone,
                         "consent_to_contact": c.consent_to_contact,
                         "consent_to_follow_up": c.consent_to_follow_up},
             "follow_up": _follow_up(c.issue)}
            for c in sorted(contacts, key=lambda c: c.issue.created_at)]


def _follow_up(issue: PactIssue) -> dict | None:
    """The "Was it resolved?" question and the answer given, if it was asked."""
    if issue.followup_sent_at is None:
        return None
    return {"asked_at": _iso(issue.followup_sent_at),
            "answer": issue.followup_answer.value if issue.followup_answer else None,
            "answered_at": _iso(issue.followup_answered_at), "comment": issue.followup_comment}


def _membership(member: PanelMember, wave_slug: str) -> dict:
    invitation = member.invitation
    used = invitation.used_at if invitation else None
    return {"wave": wave_slug, "panel_id": member.external_id, "email": member.email,
            "neighbourhood": member.neighbourhood.name, "age_band": member.age_band,
            "language": member.language,
            "added_at": _iso(member.created_at),
            "invited_at": _iso(invitation.sent_at) if invitation else None,
            "reminded_at": _iso(invitation.reminded_at) if invitation else None,
            "invitation_used_on": _iso(used.date()) if used else None,
            "left_panel_at": _iso(member.opted_out_at)}


def _panel(session: Session, email: str) -> list[dict]:
    rows = session.execute(select(PanelMember, Wave.slug).join(Wave, PanelMember.wave_id == Wave.id)
                           .where(func.lower(PanelMember.email) == email)
                           .options(selectinload(PanelMember.invitation),
                                    selectinload(PanelMember.neighbourhood))
                           .order_by(Wave.opens_on, PanelMember.id))
    return [_membership(member, slug) for member, slug in rows]


def _mail(session: Session, email: str) -> list[dict]:
    mails = session.scalars(select(OutboundMail).where(func.lower(OutboundMail.recipient) == email)
                            .order_by(OutboundMail.created_at))
    return [{"created_at": _iso(m.created_at), "subject": m.subject, "status": m.status,
             "sent_at": _iso(m.sent_at), "body": m.body} for m in mails]


def _charter_cases(session: Session, email: str) -> list[dict]:
    cases = session.scalars(select(CharterCase).where(func.lower(CharterCase.email) == email)
                            .options(selectinload(CharterCase.neighbourhood)).order_by(CharterCase.received_at))
    return [{"reference": c.reference, "kind": c.kind.value, "status": c.status.value,
             "neighbourhood": c.neighbourhood.name if c.neighbourhood else None,
             "name": c.name, "email": c.email, "body": c.body, "received_at": _iso(c.received_at),
             "acknowledged_at": _iso(c.acknowledged_at), "answered_at": _iso(c.answered_at),
             "response": c.response or None, "extended_to": _iso(c.extended_to),
             "extension_reason": c.extension_reason or None, "language": c.language} for c in cases]


def _case_reviews(session: Session, email: str) -> list[dict]:
    return [{"reference": c.reference, "status": c.status.value, "channel": c.channel.value,
             "neighbourhood": c.neighbourhood.name if c.neighbourhood else None,
             "name": c.name, "email": c.email, "phone": c.phone,
             "representative_name": c.representative_name or None,
             "representative_email": c.representative_email or None, "consent_given": c.consent_given,
             "description": c.description, "language": c.language, "received_at": _iso(c.received_at),
             "decided_at": _iso(c.decided_at), "qualifying_incidents": c.qualifying_incidents,
             "decision_reason": c.decision_reason or None, "override_reason": c.override_reason or None,
             "reports": [{"incident_ref": r.incident_ref, "agency": r.agency,
                          "incident_date": _iso(r.incident_date), "reported_on": _iso(r.reported_on),
                          "confirmed": r.confirmed} for r in c.reports],
             "meeting_on": _iso(c.meeting_on), "agencies": [
                 {"agency": a.agency, "attended": a.attended} for a in c.agencies],
             "findings": c.findings or None, "recommendations": [
                 {"action": r.action, "owner": r.owner, "due_on": _iso(r.due_on)} for r in c.recommendations],
             "outcome_sent_at": _iso(c.outcome_sent_at), "appeal_lodged_at": _iso(c.appeal_lodged_at),
             "appeal_grounds": c.appeal_grounds or None, "appeal_decided_at": _iso(c.appeal_decided_at),
             "appeal_upheld": c.appeal_upheld, "appeal_decision": c.appeal_decision or None}
            for c in cases_naming(session, email)]


def _alerts(session: Session, email: str) -> list[dict]:
    subscriptions = session.scalars(select(AlertSubscription)
                                    .where(func.lower(AlertSubscription.email) == email)
                                    .options(selectinload(AlertSubscription.neighbourhood)))
    return [{"neighbourhood": s.neighbourhood.name, "frequency": s.frequency,
             "language": s.language, "created_at": _iso(s.created_at), "confirmed_at": _iso(s.confirmed_at)}
            for s in subscriptions]


def _attempts(session: Session, email: str) -> list[dict]:
    attempts = session.scalars(select(SignInAttempt).where(func.lower(SignInAttempt.email) == email)
                               .order_by(SignInAttempt.at))
    return [{"at": _iso(a.at), "ip_address": a.ip_address, "succeeded": a.succeeded} for a in attempts]


def naming_audit_events(session: Session, email: str) -> list[AuditEvent]:
    """Audit entries whose actor is the address or whose detail holds it as a value."""
    candidates = session.scalars(select(AuditEvent).where(
        (func.lower(AuditEvent.actor_email) == email)
        | func.lower(cast(AuditEvent.detail, String)).contains(email)).order_by(AuditEvent.at))
    return [e for e in candidates
            if e.actor_email.lower() == email or _detail_keys_naming(e.detail, email)]


def _detail_keys_naming(detail: dict | None, email: str) -> list[str]:
    """Keys of the detail whose value holds the address (as the whole value or inside a text)."""
    return [key for key, value in (detail or {}).items() if free_text.excerpts(value, email)]


def _scrubbed_detail(detail: dict | None, email: str) -> dict:
    """The detail without the values that are the address, and with it redacted inside the rest."""
    kept = {}
    for key, value in (detail or {}).items():
        if isinstance(value, str) and value.lower() == email:
            continue
        kept[key] = free_text.redact_address_in(value, email)
    return kept


def _left_panel(session: Session, email: str, address_key: str | None) -> dict | None:
    """The panel-wide record that the address left the panel (held as a keyed hash), if any."""
    if not address_key:
        return None
    record = opt_out.opt_out_record(session, opt_out.address_hash(email, address_key))
    if record is None:
        return None
    return {"left_on": _iso(record.opted_out_at.date()), "how": record.reason.label,
            "held_as": "a keyed hash of the address, so it is never invited again"}


# Free-text places already shown in full with the person's own issues and cases.
_SHOWN_WITH_ISSUE = {"pact_issue.description", "pact_issue.location", "pact_issue.public_summary",
                     "pact_issue.followup_comment"}
_SHOWN_WITH_CASE = {"charter_case.body", "charter_case.response", "charter_case.extension_reason",
                    *(f"case_review.{c}" for c in ("description", "decision_reason", "override_reason",
                                                    "findings", "appeal_grounds", "appeal_decision"))}


def _typed_elsewhere(session: Session, email: str, issues: list[dict], cases: list[dict]) -> list[dict]:
    """The address typed as text, leaving out the texts of the person's own issues and cases,
    which are listed (in full) with them."""
    own_issues = {issue["reference"] for issue in issues}
    own_cases = {case["reference"] for case in cases}
    return [found for found in free_text.typed_as_text(session, email)
            if not (found["place"] in _SHOWN_WITH_ISSUE and found["record"] in own_issues)
            and not (found["place"] in _SHOWN_WITH_CASE and found["record"] in own_cases)]


def find_person(session: Session, raw_email: str, address_key: str | None = None) -> PersonRecords:
    """Everything held about an address (PersonError for something that is not an address).
    With `address_key` (PANEL_ADDRESS_KEY) it also finds whether the address left the panel."""
    email = normalised_address(raw_email)
    audit_rows = [{"at": _iso(e.at), "action": e.action, "target": f"{e.target_type} {e.target_id}".strip(),
                   "actor_email": e.actor_email, "ip_address": e.ip_address, "detail": e.detail}
                  for e in naming_audit_events(session, email)]
    issues = _issues(session, email)
    reviews = _case_reviews(session, email)
    cases = _charter_cases(session, email)
    return PersonRecords(email=email, issues=issues, panel=_panel(session, email),
                         mail=_mail(session, email), alerts=_alerts(session, email),
                         sign_in_attempts=_attempts(session, email), audit=audit_rows,
                         charter_cases=cases, case_reviews=reviews,
                         typed_as_text=_typed_elsewhere(session, email, issues, cases + reviews),
                         left_panel=_left_panel(session, email, address_key))


def _own_texts(session: Session, email: str) -> tuple[list[tuple[free_text.Place, object]], list[str]]:
    """The free-text places of the person's own issues and their history, and the names they gave
    with the address: where the name is redacted (`free_text.redact_name`)."""
    contacts = list(session.scalars(select(IssueContact).where(func.lower(IssueContact.email) == email)
                                    .options(selectinload(IssueContact.issue)
                                             .selectinload(PactIssue.events))))
    issue_places = [p for p in free_text.FREE_TEXT if p.model is PactIssue]
    event_place = free_text.place("issue_event.body")
    rows: list[tuple[free_text.Place, object]] = []
    for contact in contacts:
        rows += [(p, contact.issue) for p in issue_places]
        rows += [(event_place, event) for event in contact.issue.events]
    return rows, sorted({c.name for c in contacts if c.name})


def _merge(changed: dict[str, set[int]], more: dict[str, set[int]]) -> None:
    for name, ids in more.items():
        changed.setdefault(name, set()).update(ids)


def erase_person(session: Session, raw_email: str, address_key: str | None = None,
                 now: datetime | None = None) -> dict[str, int]:
    """Remove the address everywhere it is held, in the caller's transaction; returns what was
    changed per kind and per free-text place (the kinds always, all zero for an address nothing is
    held about; a free-text place only where something was redacted). Panel membership ends as
    leaving the panel does: with `address_key`, an address that was on the panel is recorded (as a
    keyed hash) as having left it, so it is never invited again."""
    email = normalised_address(raw_email)
    now = now or utcnow()
    own_texts, names = _own_texts(session, email)
    redacted: dict[str, set[int]] = {}
    for name in names:
        _merge(redacted, free_text.redact_name(own_texts, name))
    cases = anonymise_cases(list(session.scalars(select(CharterCase)
                                                 .where(func.lower(CharterCase.email) == email))))
    reviews = anonymise_case_reviews(cases_naming(session, email))
    waiting = session.execute(delete(OutboundMail).where(func.lower(OutboundMail.recipient) == email,
                                                         OutboundMail.status.in_(WAITING)))
    mail = session.execute(update(OutboundMail).where(func.lower(OutboundMail.recipient) == email)
                           .values(recipient="", body="", headers=null())
                           .execution_options(synchronize_session=False))
    session.flush()
    session.expire_all()  # the free-text pass reads the rows as they now are
    _merge(redacted, free_text.redact_address(session, email))
    contacts = session.execute(delete(IssueContact).where(func.lower(IssueContact.email) == email))
    panel = opt_out.end_memberships(session, email, now)
    if panel and address_key:
        opt_out.record_exit(session, opt_out.address_hash(email, address_key), now, PanelExit.ERASURE)
    alerts = session.execute(delete(AlertSubscription).where(func.lower(AlertSubscription.email) == email))
    attempts = session.execute(delete(SignInAttempt).where(func.lower(SignInAttempt.email) == email))
    events = naming_audit_events(session, email)
    for event in events:
        event.detail = _scrubbed_detail(event.detail, email)
        if event.actor_email.lower() == email:
            event.actor_email = ""
    counts = {"issue_contacts": rowcount(contacts), "charter_cases": cases, "case_reviews": reviews,
              "panel_memberships": panel,
              "mail": rowcount(mail) + rowcount(waiting), "alert_subscriptions": rowcount(alerts),
              "sign_in_attempts": rowcount(attempts), "audit_entries": len(events)}
    return counts | {f"redacted:{name}": len(ids) for name, ids in sorted(redacted.items())}


KIND_LABELS = {"issue_contacts": "issue contact details deleted",
               "charter_cases": "complaints and enquiries anonymised",
               "case_reviews": "ASB case reviews anonymised",
               "panel_memberships": "panel memberships ended", "mail": "e-mails emptied or deleted",
               "alert_subscriptions": "alert subscriptions deleted",
               "sign_in_attempts": "sign-in attempts deleted",
               "audit_entries": "audit entries no longer naming the address"}


def describe_erasure(counts: dict[str, int]) -> list[str]:
    """One line per kind and per free-text place that changed ("issue descriptions: 1 redacted"),
    for the page's message and the command's output."""
    labels = free_text.labels()
    lines = [f"{KIND_LABELS[name]}: {count}" for name, count in counts.items()
             if name in KIND_LABELS and count]
    lines += [f"{labels[name.removeprefix('redacted:')]}: {count} redacted"
              for name, count in counts.items() if name.startswith("redacted:")]
    return lines
