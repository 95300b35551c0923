"""Mail a request queues is delivered once, after the request, by core/mail.py; views never send it."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.extensions import db
from portal.core.mail import queue_mail
from portal.models import MailStatus, OutboundMail


def _route(app, name, status):
    def view():
        queue_mail(db.session, "ada@example.org", "Hello", "Body")
        db.session.commit()
        return "done", status
    app.add_url_rule(f"/{name}", name, view)


def test_mail_queued_by_a_request_is_delivered_after_it(app, client, db_session):
    _route(app, "queues", 200)
    assert client.get("/queues").status_code == 200
    mail = db_session.scalars(select(OutboundMail)).one()
    assert mail.status == MailStatus.RECORDED  # no MAIL_SERVER: delivered means recorded


def test_a_request_that_fails_leaves_its_mail_for_the_next_delivery(app, client, db_session):
    _route(app, "fails", 500)
    client.get("/fails")
    assert db_session.scalars(select(OutboundMail)).one().status == MailStatus.PENDING
