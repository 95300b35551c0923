"""The retention schedule: personal data is removed once its purpose has passed.

Each kind of record has its own rule and its own transaction (`run_retention`), so a failure in one
kind leaves that kind untouched and every other kind either untouched or fully processed. Every rule
selects only records that still hold personal data, so a second run removes nothing more.

What stays: a PACT issue, its public history and its statistics (only the `IssueContact` row goes);
an audit entry (only its personal fields go); a sent mail's row (only its body goes); a Charter
complaint or enquiry answered in full (its clocks and counts stay, `portal.charter.cases.anonymise_cases`
says why; a case not yet answered is never touched). Survey answers
are never linked to an identity in the first place (`Response` has no member or invitation id), so
there is nothing to unlink.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import String, cast, delete, func, null, select, update
from sqlalchemy.orm import Session

from portal.casereviews.cases import anonymise as anonymise_case_reviews
from portal.casereviews.cases import closed_before
from portal.charter.cases import anonymise_cases
from portal.core import audit
from portal.core.config import RETENTION_SETTINGS
from portal.core.mail import WAITING
from portal.models import (
    AuditEvent,
    CaseReview,
    CharterCase,
    CharterStatus,
    IssueContact,
    OutboundMail,
    PactIssue,
    PanelMember,
    SignInAttempt,
    SurveyDraft,
    Wave,
)

RATE_LIMIT_ACTIONS = ("rate_limited_request",)
# Keys of an audit entry's detail that can name or reach a person.
PERSONAL_DETAIL_KEYS = frozenset({"email", "recipient", "name", "phone", "address"})
MAIL_BODY_REMOVED = ""


@dataclass(frozen=True)
class Kind:
    """One kind of record under the schedule: its label, its setting and the rule that removes it."""

    name: str
    label: str
    setting: str
    rule: Callable[[Session, datetime, bool], int]


def cutoff(now: datetime, setting: str, config: dict) -> datetime:
    """`now` less the setting's period (calendar months for month settings, so 12 months is a year)."""
    default, unit = RETENTION_SETTINGS[setting]
    amount = int(config.get(setting, default))
    return now - (relativedelta(months=amount) if unit == "months" else timedelta(days=amount))


def issue_contacts(session: Session, before: datetime, dry_run: bool) -> int:
    """Delete the contact details of issues closed before `before`; the issue itself stays."""
    closed = select(PactIssue.id).where(PactIssue.closed_at.is_not(None), PactIssue.closed_at < before)
    where = IssueContact.issue_id.in_(closed)
    count = session.scalar(select(func.count()).select_from(IssueContact).where(where)) or 0
    if count and not dry_run:
        session.execute(delete(IssueContact).where(where))
    return count


def panel_contacts(session: Session, before: datetime, dry_run: bool) -> int:
    """Blank the e-mail address of every panel row whose member left the panel (at once: leaving
    removes it already, so this only catches rows marked some other way), and of every row whose
    address's last invited wave closed before `before` (an address invited to a later wave keeps
    it on every row until that wave has aged). The age band and language go with the address: their
    one use is choosing whom to remind, and in which language."""
    last_wave = (select(PanelMember.email, func.max(Wave.closes_on).label("last"))
                 .join(Wave, PanelMember.wave_id == Wave.id)
                 .where(PanelMember.email != "").group_by(PanelMember.email).subquery())
    emails = select(last_wave.c.email).where(last_wave.c.last < before.date())
    left = PanelMember.opted_out_at.is_not(None)
    where = (PanelMember.email != "") & (PanelMember.email.in_(emails) | left)
    count = session.scalar(select(func.count()).select_from(PanelMember).where(where)) or 0
    if count and not dry_run:
        session.execute(update(PanelMember).where(where).values(email="", age_band=None, language=None)
                        .execution_options(synchronize_session=False))
    return count


def survey_drafts(session: Session, before: datetime, dry_run: bool) -> int:
    """Delete unfinished survey drafts last touched before `before`."""
    where = SurveyDraft.updated_at < before
    count = session.scalar(select(func.count()).select_from(SurveyDraft).where(where)) or 0
    if count and not dry_run:
        session.execute(delete(SurveyDraft).where(where))
    return count


def sign_in_records(session: Session, before: datetime, dry_run: bool) -> int:
    """Delete sign-in attempts and rate-limit audit rows older than `before`."""
    attempts = SignInAttempt.at < before
    limited = AuditEvent.action.in_(RATE_LIMIT_ACTIONS) & (AuditEvent.at < before)
    count = ((session.scalar(select(func.count()).select_from(SignInAttempt).where(attempts)) or 0)
             + (session.scalar(select(func.count()).select_from(AuditEvent).where(limited)) or 0))
    if count and not dry_run:
        session.execute(delete(SignInAttempt).where(attempts))
        session.execute(delete(AuditEvent).where(limited))
    return count


def scrubbed_detail(detail: dict | None) -> dict:
    """An audit entry's detail without the keys that can name a person."""
    return {key: value for key, value in (detail or {}).items() if key not in PERSONAL_DETAIL_KEYS}


def audit_entries(session: Session, before: datetime, dry_run: bool) -> int:
    """Remove the personal fields (actor's e-mail, IP address, personal detail keys) of audit entries
    older than `before`; the entry, its action, target and time stay."""
    count = 0
    for event in session.scalars(select(AuditEvent).where(AuditEvent.at < before)):
        detail = scrubbed_detail(event.detail)
        if not (event.actor_email or event.ip_address or detail != (event.detail or {})):
            continue
        count += 1
        if not dry_run:
            event.actor_email, event.ip_address, event.detail = "", "", detail
    return count


def mail_bodies(session: Session, before: datetime, dry_run: bool) -> int:
    """Empty the bodies, and drop the extra headers, of outbound mails created before `before` and
    no longer waiting to be sent. The headers go too: an alert's List-Unsubscribe link carries its
    token, and older tokens held the subscriber's address, signed but readable (base64)."""
    has_headers = OutboundMail.headers.is_not(None) & (cast(OutboundMail.headers, String) != "null")
    where = ((OutboundMail.created_at < before) & OutboundMail.status.not_in(WAITING)
             & ((OutboundMail.body != MAIL_BODY_REMOVED) | has_headers))
    count = session.scalar(select(func.count()).select_from(OutboundMail).where(where)) or 0
    if count and not dry_run:
        session.execute(update(OutboundMail).where(where).values(body=MAIL_BODY_REMOVED, headers=null())
                        .execution_options(synchronize_session=False))
    return count


def charter_cases(session: Session, before: datetime, dry_run: bool) -> int:
    """Anonymise the complaints and enquiries answered in full before `before` that still hold
    personal data; open cases (received or acknowledged, not answered) are never touched."""
    where = ((CharterCase.status == CharterStatus.ANSWERED) & CharterCase.answered_at.is_not(None)
             & (CharterCase.answered_at < before) & (CharterCase.email != ""))
    if dry_run:
        return session.scalar(select(func.count()).select_from(CharterCase).where(where)) or 0
    return anonymise_cases(list(session.scalars(select(CharterCase).where(where))))


def case_reviews(session: Session, before: datetime, dry_run: bool) -> int:
    """Anonymise the ASB case reviews whose last step (the decision "not met", the outcome, an
    appeal's decision) was before `before`; open cases, and those with an appeal waiting, are never
    touched. The counts stay, so a past year's published figures do not change."""
    held = session.scalars(select(CaseReview).where(CaseReview.name != "[removed]"))
    due = [c for c in held if (last := closed_before(c)) is not None and last < before]
    return len(due) if dry_run else anonymise_case_reviews(due)


KINDS = (
    Kind("issue_contacts", "PACT issue contact details", "RETENTION_ISSUE_CONTACT_MONTHS", issue_contacts),
    Kind("panel_contacts", "panel members' e-mail addresses (left the panel, or past their last wave)",
         "RETENTION_PANEL_MONTHS", panel_contacts),
    Kind("survey_drafts", "unfinished survey drafts", "RETENTION_DRAFT_DAYS", survey_drafts),
    Kind("sign_in_records", "sign-in attempts and rate-limit records", "RETENTION_SIGN_IN_DAYS",
         sign_in_records),
    Kind("audit_entries", "audit entries' personal fields", "RETENTION_AUDIT_MONTHS", audit_entries),
    Kind("mail_bodies", "outbound mail bodies", "RETENTION_MAIL_DAYS", mail_bodies),
    Kind("charter_cases", "complaints and enquiries answered (name, address and text)",
         "RETENTION_CHARTER_MONTHS", charter_cases),
    Kind("case_reviews", "ASB case reviews closed (names, addresses, phone numbers and text)",
         "RETENTION_CASE_REVIEW_MONTHS", case_reviews),
)


def run_retention(transaction: Callable, config: dict, now: datetime,
                  dry_run: bool = False) -> dict[str, int]:
    """Apply every rule, each in its own `transaction()` (a context manager yielding a session),
    and record one audit entry for a real run. Returns the count per kind name."""
    counts: dict[str, int] = {}
    for kind in KINDS:
        with transaction() as session:
            counts[kind.name] = kind.rule(session, cutoff(now, kind.setting, config), dry_run)
    if not dry_run:
        with transaction() as session:
            audit.record(session, "retention_run", "retention", now.date().isoformat(), **counts)
    return counts


def retention_periods(config: dict) -> dict[str, str]:
    """Each setting's period in words ('12 months', '30 days'), for the privacy page, in the
    resident's language."""
    from flask_babel import ngettext

    periods = {}
    for name, (default, unit) in RETENTION_SETTINGS.items():
        count = int(config.get(name, default))
        number = f"{count:,}"
        periods[name] = (ngettext("%(number)s month", "%(number)s months", count, number=number)
                         if unit == "months" else
                         ngettext("%(number)s day", "%(number)s days", count, number=number))
    return periods


def describe(counts: dict[str, int], dry_run: bool) -> list[str]:
    """One line per kind, in the schedule's order, for the command's output."""
    verb = "would remove" if dry_run else "removed"
    labels = {kind.name: kind.label for kind in KINDS}
    return [f"{labels[name]}: {verb} {count}" for name, count in counts.items()]


def retention_job() -> dict[str, int]:
    """The job queue's entry (`enqueue("retention_run")`): a real run in the current app context."""
    from flask import current_app

    from portal.core.clock import utcnow
    from portal.core.extensions import db

    return run_retention(db.transaction, current_app.config, utcnow())
