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
