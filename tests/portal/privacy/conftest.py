"""Records of every kind under the retention schedule, some past their period and some not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.core.clock import utcnow
from portal.models import (
    AuditEvent,
    CharterCase,
    CharterKind,
    CharterStatus,
    IssueStatus,
    OutboundMail,
    PanelMember,
    SignInAttempt,
    SurveyDraft,
)
from portal.pact.issues import ContactDetails, raise_issue
from portal.survey.waves import open_wave

STANDARD = "crime-and-community-safety"
DAY = timedelta(days=1)


def _issue(session, place, email: str, created_days: int, closed_days: int | None):
    now = utcnow()
    issue = raise_issue(session, place, "noise", "Loud music at night.", "The parade",
                        contact=ContactDetails("Ada", email, "01225 000000", True),
                        now=now - created_days * DAY, notify=False)
    if closed_days is not None:
        issue.status = IssueStatus.RESOLVED_LOCALLY
        issue.acknowledged_at = now - (created_days - 1) * DAY
        issue.closed_at = now - closed_days * DAY
    return issue


def _waves(session):
    today = utcnow().date()
    old = open_wave(session, slug="2009-10", name="Voicebox 2009/10", questionnaire_slug=STANDARD,
                    questionnaire_version=1, opens_on=today - 500 * DAY, closes_on=today - 400 * DAY,
                    panel_mode=True, open_link_mode=True)
    recent = open_wave(session, slug="2011-12", name="Voicebox 2011/12", questionnaire_slug=STANDARD,
                       questionnaire_version=1, opens_on=today - 10 * DAY, closes_on=today + 20 * DAY,
                       panel_mode=True, open_link_mode=True)
    session.flush()
    return old, recent


def _panel(session, neighbourhoods, old, recent):
    place = neighbourhoods["twerton"].id
    session.add_all([
        PanelMember(wave_id=old.id, external_id="P1", email="gone@example.org", neighbourhood_id=place),
        PanelMember(wave_id=old.id, external_id="P2", email="stays@example.org", neighbourhood_id=place),
        PanelMember(wave_id=recent.id, external_id="P2", email="stays@example.org", neighbourhood_id=place),
    ])


def _drafts(session, old):
    now = utcnow()
    for name, age in (("old", 40), ("new", 5)):
        session.add(SurveyDraft(session_token_hash=name * 8, wave_id=old.id, created_at=now - age * DAY,
                                updated_at=now - age * DAY, expires_at=now + DAY))


def _logs(session):
    now = utcnow()
    for age in (100, 10):
        at = now - age * DAY
        session.add(SignInAttempt(email="staff@example.org", ip_address="192.0.2.1", at=at))
        session.add(AuditEvent(action="rate_limited_request", target_type="pact_raise",
                               ip_address="192.0.2.2", at=at))
        session.add(OutboundMail(recipient="ada@example.org", subject="Your issue", body="Dear Ada",
                                 status="sent", created_at=at, sent_at=at))
    session.add(OutboundMail(recipient="ada@example.org", subject="Waiting", body="Dear Ada",
                             status="pending", created_at=now - 100 * DAY))
    for age in (800, 100):
        session.add(AuditEvent(action="sign_in_failed", target_type="staff_user", actor_email="",
                               ip_address="192.0.2.3", at=now - age * DAY,
                               detail={"email": "staff@example.org", "count": 3}))


def _charter_case(session, place, reference: str, email: str, received_days: int,
                  answered_days: int | None) -> CharterCase:
    """A complaint received `received_days` ago, answered `answered_days` ago (None: still open,
    acknowledged the day after it came)."""
    now = utcnow()
    case = CharterCase(reference=reference, kind=CharterKind.COMPLAINT, name="Cat Resident", email=email,
                       body=f"Nobody came about the lights. Write to me at {email}.",
                       neighbourhood=place, received_at=now - received_days * DAY,
                       acknowledged_at=now - (received_days - 1) * DAY, status=CharterStatus.ACKNOWLEDGED)
    if answered_days is not None:
        case.status, case.answered_at = CharterStatus.ANSWERED, now - answered_days * DAY
        case.response = "Dear Cat Resident, the lights are fixed."
    session.add(case)
    return case


@pytest.fixture
def aged_records(db_session, neighbourhoods):
    """One record past its period and one within it, for every kind under the schedule."""
    place = neighbourhoods["twerton"]
    issues = {
        "old": _issue(db_session, place, "old@example.org", 420, 380),
        "recent": _issue(db_session, place, "recent@example.org", 60, 40),
        "open": _issue(db_session, place, "open@example.org", 700, None),
    }
    old, recent = _waves(db_session)
    _panel(db_session, neighbourhoods, old, recent)
    _drafts(db_session, old)
    _logs(db_session)
    _charter_case(db_session, place, "CHR-OLD1-AA", "cat@example.org", 420, 400)
    _charter_case(db_session, place, "CHR-NEW1-AA", "cat@example.org", 60, 40)
    _charter_case(db_session, place, "CHR-OPEN-AA", "open-case@example.org", 700, None)
    db_session.commit()
    return issues


# Past their period in `aged_records`, per kind.
EXPECTED = {"issue_contacts": 1, "panel_contacts": 1, "survey_drafts": 1, "sign_in_records": 2,
            "audit_entries": 1, "mail_bodies": 1, "charter_cases": 1,
            "case_reviews": 0}
