"""/admin/mail: admins see undelivered mail and retry it; in development they read the outbox
(newest first, bodies escaped, only our own site's links clickable), which is 404 in production."""

from __future__ import annotations

from sqlalchemy import select

from portal.models import AuditEvent, MailStatus, OutboundMail


def _mail(db_session, subject: str, body: str = "Hello", **values) -> OutboundMail:
    mail = OutboundMail(recipient="ada@example.org", subject=subject, body=body, **values)
    db_session.add(mail)
    db_session.commit()
    return mail


def test_admins_see_dead_mail_and_retry_it(signed_in, db_session):
    dead = _mail(db_session, "Your PACT issue", status=MailStatus.DEAD, attempts=5,
                 error="Connection refused")
    _mail(db_session, "Delivered", status=MailStatus.SENT, attempts=1)
    admin = signed_in("admin")
    page = admin.get("/admin/mail/").get_data(as_text=True)
    assert "Your PACT issue" in page and "Connection refused" in page and "Delivered" not in page
    assert admin.post(f"/admin/mail/{dead.id}/retry").status_code == 302
    db_session.expire_all()
    mail = db_session.get(OutboundMail, dead.id)
    assert mail.status == MailStatus.RECORDED and mail.attempts == 0  # queued, then delivered
    retried = db_session.scalars(select(AuditEvent.target_id).where(AuditEvent.action == "mail_retried"))
    assert retried.all() == [str(dead.id)]


def test_the_outbox_lists_newest_first_and_shows_a_message_safely(app, signed_in, db_session):
    app.config["PUBLIC_BASE_URL"] = "https://voicebox.example.org"
    _mail(db_session, "Older")
    mail = _mail(db_session, "Newer", body=(
        "Answer: https://voicebox.example.org/issues/follow-up/tok3n.\n"
        "You wrote: <script>alert(1)</script> see https://evil.example.com/x\n"))
    admin = signed_in("admin")
    listing = admin.get("/admin/mail/outbox").get_data(as_text=True)
    assert listing.index("Newer") < listing.index("Older")
    page = admin.get(f"/admin/mail/outbox/{mail.id}").get_data(as_text=True)
    assert '<a href="https://voicebox.example.org/issues/follow-up/tok3n">' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert 'href="https://evil.example.com' not in page and "https://evil.example.com/x" in page


def test_the_outbox_does_not_exist_in_production(app, signed_in, db_session):
    mail = _mail(db_session, "Hello")
    app.config["PORTAL_ENV"] = "production"
    admin = signed_in("admin")
    assert admin.get("/admin/mail/outbox").status_code == 404
    assert admin.get(f"/admin/mail/outbox/{mail.id}").status_code == 404
    assert admin.get("/admin/mail/").status_code == 200  # undelivered mail is for production too
