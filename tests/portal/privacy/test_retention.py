"""The retention schedule removes personal data past its period, once, and nothing else."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from portal.charter.figures import charter_metrics
from portal.core import jobs
from portal.core.clock import today, utcnow
from portal.core.extensions import db
from portal.models import (
    AuditEvent,
    CharterCase,
    IssueContact,
    OutboundMail,
    PactIssue,
    PanelMember,
    Response,
    SignInAttempt,
    SurveyDraft,
)
from portal.pact.metrics import load_issue_records, pact_metrics
from portal.privacy.retention import KINDS, Kind, run_retention
from tests.portal.privacy.conftest import EXPECTED

ZERO = dict.fromkeys(EXPECTED, 0)


AT = utcnow()  # one moment for every metrics call, so two calls compare like with like


def _metrics(session, now=AT):
    return asdict(pact_metrics(load_issue_records(session), now - timedelta(days=800), now, now))


def _snapshot(session) -> dict:
    """Every personal field the schedule touches, to prove a dry run changes none of them."""
    session.expire_all()
    return {
        "contacts": sorted(session.scalars(select(IssueContact.email))),
        "panel": sorted(session.scalars(select(PanelMember.email))),
        "drafts": session.scalar(select(func.count()).select_from(SurveyDraft)),
        "attempts": session.scalar(select(func.count()).select_from(SignInAttempt)),
        "audit": sorted((e.action, e.ip_address, e.actor_email, str(e.detail))
                        for e in session.scalars(select(AuditEvent))),
        "mail": sorted(session.scalars(select(OutboundMail.body))),
    }


def _run(app, dry_run=False, now=None):
    with app.app_context():
        return run_retention(db.transaction, app.config, now or utcnow(), dry_run=dry_run)


def test_a_real_run_removes_contact_details_and_keeps_the_statistics(app, db_session, aged_records):
    before = _metrics(db_session)
    assert _run(app) == EXPECTED
    db_session.expire_all()
    assert sorted(db_session.scalars(select(IssueContact.email))) == ["open@example.org",
                                                                       "recent@example.org"]
    assert db_session.scalar(select(func.count()).select_from(PactIssue)) == 3
    assert _metrics(db_session) == before
    assert sorted(db_session.scalars(select(PanelMember.email))) == ["", "stays@example.org",
                                                                     "stays@example.org"]
    assert db_session.scalar(select(func.count()).select_from(SurveyDraft)) == 1
    assert db_session.scalar(select(func.count()).select_from(SignInAttempt)) == 1
    assert db_session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "rate_limited_request")) == 1
    scrubbed = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in_failed")
                                 .order_by(AuditEvent.at))
    assert (scrubbed.ip_address, scrubbed.actor_email, scrubbed.detail) == ("", "", {"count": 3})
    bodies = {(m.subject, m.body) for m in db_session.scalars(select(OutboundMail).where(
        OutboundMail.recipient == "ada@example.org"))}
    assert bodies == {("Your issue", ""), ("Your issue", "Dear Ada"), ("Waiting", "Dear Ada")}
    runs = list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == "retention_run")))
    assert len(runs) == 1 and runs[0].detail == EXPECTED


def test_a_dry_run_counts_the_same_and_changes_nothing(app, db_session, aged_records):
    before = _snapshot(db_session)
    assert _run(app, dry_run=True) == EXPECTED
    assert _snapshot(db_session) == before


def test_a_second_run_removes_nothing_more(app, db_session, aged_records):
    _run(app)
    after_first = _snapshot(db_session)
    assert _run(app) == ZERO
    assert _snapshot(db_session)["contacts"] == after_first["contacts"]


def test_moving_the_date_forward_removes_the_rest(app, db_session, aged_records):
    """Two years on, every closed issue's contact has aged out; the open issue keeps its contact."""
    before = _metrics(db_session)
    counts = _run(app, now=utcnow() + timedelta(days=730))
    assert counts["issue_contacts"] == 2 and counts["panel_contacts"] == 3
    db_session.expire_all()
    assert list(db_session.scalars(select(IssueContact.email))) == ["open@example.org"]
    assert _metrics(db_session) == before


def test_a_kind_that_fails_half_way_leaves_its_records_untouched(app, db_session, aged_records,
                                                                 monkeypatch):
    def failing(session, before, dry_run):
        session.execute(IssueContact.__table__.delete())
        raise RuntimeError("the database went away")

    monkeypatch.setattr("portal.privacy.retention.KINDS",
                        (Kind("broken", "broken", KINDS[0].setting, failing),))
    with pytest.raises(RuntimeError):
        _run(app)
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(IssueContact)) == 3


def test_the_cli_prints_counts_per_kind(runner, db_session, aged_records):
    result = runner.invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "PACT issue contact details: would remove 1" in result.output
    assert "sign-in attempts and rate-limit records: would remove 2" in result.output
    assert "Dry run: nothing was changed." in result.output
    assert db_session.scalar(select(func.count()).select_from(IssueContact)) == 3
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "outbound mail bodies: removed 1" in result.output
    assert "unfinished survey drafts: removed 1" in result.output
    assert runner.invoke(args=["retention", "run"]).output.count("removed 0") == len(KINDS)


def test_the_job_queue_runs_the_schedule(app, db_session, aged_records):
    with app.app_context():
        assert jobs.job_function("retention_run")() == EXPECTED
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(IssueContact)) == 2


def test_settings_change_the_periods(app, db_session, aged_records):
    app.config["RETENTION_ISSUE_CONTACT_MONTHS"] = 1
    assert _run(app, dry_run=True)["issue_contacts"] == 2


def test_the_privacy_page_states_the_schedule(client, app):
    app.config["RETENTION_DRAFT_DAYS"] = 14
    page = client.get("/privacy").get_data(as_text=True)
    assert "12 months after the issue is closed" in page
    assert "14 days after you last" in page
    assert "never linked to who you are" in page


def _cases(session) -> dict[str, tuple]:
    session.expire_all()
    return {c.reference: (c.name, c.email, c.body, c.response, c.status, c.received_at, c.acknowledged_at,
                          c.answered_at) for c in session.scalars(select(CharterCase))}


def _charter_figures(session):
    return charter_metrics(list(session.scalars(select(CharterCase))), today())


def test_answered_complaints_past_their_period_are_anonymised_and_still_counted(app, db_session,
                                                                                 aged_records):
    """Complaints and enquiries were outside the schedule: a case answered over a year ago kept its
    name, address and text for ever."""
    before, figures = _cases(db_session), _charter_figures(db_session)
    assert _run(app)["charter_cases"] == 1
    after = _cases(db_session)
    assert after["CHR-OLD1-AA"][:4] == ("[removed]", "", "[removed]", "[removed]")
    assert after["CHR-OLD1-AA"][4:] == before["CHR-OLD1-AA"][4:]  # status and clocks stay
    assert after["CHR-NEW1-AA"] == before["CHR-NEW1-AA"] and after["CHR-OPEN-AA"] == before["CHR-OPEN-AA"]
    assert _charter_figures(db_session) == figures
    assert _run(app)["charter_cases"] == 0


def test_an_open_complaint_is_never_anonymised_however_old(app, db_session, aged_records):
    counts = _run(app, now=utcnow() + timedelta(days=3650))
    assert counts["charter_cases"] == 2
    assert _cases(db_session)["CHR-OPEN-AA"][1] == "open-case@example.org"


def test_the_charter_setting_changes_its_period(app, db_session, aged_records):
    app.config["RETENTION_CHARTER_MONTHS"] = 1
    assert _run(app, dry_run=True)["charter_cases"] == 2
    app.config["RETENTION_CHARTER_MONTHS"] = 36
    assert _run(app, dry_run=True)["charter_cases"] == 0


def test_old_mail_loses_its_list_unsubscribe_header(app, db_session, aged_records):
    """An alert's unsubscribe token is the subscriber's address in base64: it went with the body."""
    header = {"List-Unsubscribe": "<https://example.org/alerts/unsubscribe/WzEsIm9sZEBleGFtcGxlLm9yZyJd.x>"}
    for mail in db_session.scalars(select(OutboundMail)):
        mail.headers = header
    db_session.commit()
    assert _run(app)["mail_bodies"] == 1
    db_session.expire_all()
    kept = {(m.body, str(m.headers)) for m in db_session.scalars(select(OutboundMail))}
    assert kept == {("", "None"), ("Dear Ada", str(header))}


def test_the_privacy_page_states_how_long_complaints_are_kept(client, app):
    app.config["RETENTION_CHARTER_MONTHS"] = 18
    page = client.get("/privacy").get_data(as_text=True)
    assert "complaint or an enquiry" in page and "18 months after we have answered it in full" in page


def test_a_response_holds_no_link_to_an_invitation_or_panel_member(app):
    """What the privacy page promises: no column of a response refers to an identity."""
    columns = {c.name for c in inspect(Response).columns}
    assert not any("invitation" in name or "member" in name or "email" in name for name in columns)
    targets = {fk.column.table.name for fk in Response.__table__.foreign_keys}
    assert targets == {"wave", "neighbourhood"}
