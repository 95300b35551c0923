"""Residents' emails go out over real SMTP after the change commits; a mail failure keeps the change
and marks the message failed."""

from __future__ import annotations

from sqlalchemy import select

from portal.models import OutboundMail, PactIssue
from tests.portal.conftest import free_port


def _status(client, issue, to, note=""):
    return client.post(
        f"/pact/issues/{issue.reference}/status", data={"status-status": to, "status-public_note": note}
    )


def test_acknowledgement_and_closing_are_delivered(app, smtp_server, twerton_client, make_issue, db_session):
    smtp_server.configure(app)
    issue = make_issue(email="ada@example.org", consent=True, description="<script>alert(1)</script>")
    assert _status(twerton_client, issue, "acknowledged").status_code == 302
    assert _status(twerton_client, issue, "in_progress").status_code == 302
    assert (
        _status(
            twerton_client, issue, "resolved_locally", "Visits made; the <b>music</b> stopped."
        ).status_code
        == 302
    )

    assert [m["To"] for m in smtp_server.messages] == ["ada@example.org", "ada@example.org"]
    acknowledged, closed = smtp_server.messages
    assert issue.reference in acknowledged["Subject"]
    assert closed.get_content_type() == "text/plain"
    body = closed.get_content()
    assert "Visits made; the <b>music</b> stopped." in body and "Resolved locally" in body
    assert "<script>alert(1)</script>" in body  # plain text: the description is text, never markup
    statuses = db_session.scalars(select(OutboundMail.status)).all()
    assert statuses == ["sent", "sent"]


def test_a_mail_failure_keeps_the_status_change(app, twerton_client, make_issue, db_session):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens there
    issue = make_issue(email="ada@example.org", consent=True)
    response = _status(twerton_client, issue, "acknowledged")
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(PactIssue, issue.id).status == "acknowledged"
    mail = db_session.scalar(select(OutboundMail))
    assert mail.status == "failed" and mail.error


def test_without_a_mail_server_mail_is_recorded(twerton_client, make_issue, db_session):
    issue = make_issue(email="ada@example.org", consent=True)
    _status(twerton_client, issue, "acknowledged")
    mail = db_session.scalar(select(OutboundMail))
    assert mail.status == "recorded" and mail.recipient == "ada@example.org"


def test_two_processes_delivering_at_once_send_each_message_once(app, smtp_server, db_session):
    """Two servers calling deliver_pending together: each message is claimed by one of them only."""
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy.orm import Session

    from portal.core.mail import deliver_pending, queue_mail

    smtp_server.configure(app)
    for n in range(12):
        queue_mail(db_session, f"resident{n}@example.org", f"Message {n}", "Hello")
    db_session.commit()

    def deliver(_):  # one process's session each
        with Session(app.extensions["database"].kw["bind"]) as session:
            return deliver_pending(session, app.config)

    with ThreadPoolExecutor(max_workers=4) as pool:
        sent = list(pool.map(deliver, range(4)))
    assert sum(sent) == 12
    expected = sorted(f"resident{n}@example.org" for n in range(12))
    assert sorted(m["To"] for m in smtp_server.messages) == expected
    db_session.expire_all()
    assert set(db_session.scalars(select(OutboundMail.status)).all()) == {"sent"}


def test_a_claim_left_by_a_dead_process_is_taken_again_later(app, smtp_server, db_session):
    from datetime import timedelta

    from portal.core.clock import utcnow
    from portal.core.mail import STALE_CLAIM, deliver_pending

    smtp_server.configure(app)
    fresh = OutboundMail(recipient="a@example.org", subject="A", body="x", status="sending", sent_at=utcnow())
    stale = OutboundMail(recipient="b@example.org", subject="B", body="x", status="sending",
                         sent_at=utcnow() - STALE_CLAIM - timedelta(minutes=1))
    db_session.add_all([fresh, stale])
    db_session.commit()
    assert deliver_pending(db_session, app.config) == 1
    assert [m["To"] for m in smtp_server.messages] == ["b@example.org"]
    db_session.expire_all()
    assert (fresh.status, stale.status) == ("sending", "sent")
