"""Mail a request queues is delivered after the request by core/mail.py, never by the view: tried
once by the request itself with a short timeout when there is no Redis, only enqueued for the
worker when there is; a failure is tried again with back-off until MAIL_MAX_ATTEMPTS, then the
message is dead (admins retry it at /admin/mail)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.core import jobs
from portal.core.clock import utcnow
from portal.core.extensions import db
from portal.core.mail import SURVEY_LINK_REMOVED, deliver_pending, queue_mail
from portal.models import MailStatus, OutboundMail
from tests.portal.conftest import free_port

LINK = "http://127.0.0.1:5000/survey/w/invitation/abc123"


def _route(app, name, status):
    def view():
        queue_mail(db.session, "ada@example.org", "Hello", f"Body {LINK}")
        db.session.commit()
        return "done", status
    app.add_url_rule(f"/{name}", name, view)


def _mail(db_session) -> OutboundMail:
    db_session.expire_all()
    return db_session.scalars(select(OutboundMail)).one()


def test_mail_queued_by_a_request_is_delivered_after_it(app, client, db_session):
    _route(app, "queues", 200)
    assert client.get("/queues").status_code == 200
    mail = db_session.scalars(select(OutboundMail)).one()
    assert mail.status == MailStatus.RECORDED  # no MAIL_SERVER: delivered means recorded


def test_a_request_that_fails_leaves_its_mail_for_the_next_delivery(app, client, db_session):
    _route(app, "fails", 500)
    client.get("/fails")
    assert db_session.scalars(select(OutboundMail)).one().status == MailStatus.PENDING


def test_a_hanging_relay_holds_the_request_only_for_the_short_timeout(app, client, db_session,
                                                                      hanging_server):
    app.config.update(MAIL_SERVER=hanging_server.host, MAIL_PORT=hanging_server.port,
                      MAIL_REQUEST_TIMEOUT_SECONDS=0.2)
    _route(app, "hangs", 200)
    started = time.monotonic()
    assert client.get("/hangs").status_code == 200
    assert time.monotonic() - started < 5  # generous: the old fixed timeout was 10 s
    mail = _mail(db_session)
    assert hanging_server.connections  # the relay was reached, and never answered
    assert (mail.status, mail.attempts) == (MailStatus.FAILED, 1)
    assert "timed out" in mail.error and mail.next_attempt_at > utcnow()
    assert LINK in mail.body  # kept for the retry


def test_failed_mail_is_retried_with_back_off_then_given_up_on(app, runner, db_session, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=3,
                      MAIL_RETRY_SECONDS=60)  # nothing listens there
    queue_mail(db_session, "ada@example.org", "Hello", f"Body {LINK}")
    db_session.commit()
    waits = []
    for attempt in (1, 2):
        before = utcnow()
        assert deliver_pending(db_session, app.config) == 0
        mail = _mail(db_session)
        assert (mail.status, mail.attempts) == (MailStatus.FAILED, attempt)
        waits.append(mail.next_attempt_at - before)
        assert deliver_pending(db_session, app.config) == 0  # not due yet: not tried
        assert _mail(db_session).attempts == attempt
        mail.next_attempt_at = utcnow() - timedelta(seconds=1)
        db_session.commit()
    assert timedelta(seconds=59) < waits[0] <= timedelta(seconds=61)
    assert timedelta(seconds=119) < waits[1] <= timedelta(seconds=121)  # doubled
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "1 given up on" in result.output
    mail = _mail(db_session)
    assert (mail.status, mail.attempts, mail.next_attempt_at) == (MailStatus.DEAD, 3, None)
    assert SURVEY_LINK_REMOVED in mail.body and LINK not in mail.body
    assert deliver_pending(db_session, app.config) == 0 and _mail(db_session).attempts == 3

    smtp_server.configure(app)  # the relay is fixed; an admin retries the message
    assert runner.invoke(args=["mail", "retry", str(mail.id)]).exit_code == 0
    assert "1 e-mail sent" in runner.invoke(args=["mail", "send"]).output
    assert [m["To"] for m in smtp_server.messages] == ["ada@example.org"]
    assert _mail(db_session).status == MailStatus.SENT


@pytest.mark.redis
def test_with_redis_the_request_only_enqueues_the_delivery(queue_app, client, db_session,
                                                           smtp_server):
    smtp_server.configure(queue_app)
    _route(queue_app, "queues", 200)
    assert client.get("/queues").status_code == 200
    assert _mail(db_session).status == MailStatus.PENDING and not smtp_server.messages
    assert jobs.rq_queue(queue_app).count == 1
    assert jobs.run_worker(queue_app, burst=True)
    assert _mail(db_session).status == MailStatus.SENT
    assert [m["To"] for m in smtp_server.messages] == ["ada@example.org"]


def test_a_hanging_redis_leaves_the_mail_queued_for_the_next_delivery(app, client, db_session,
                                                                      hanging_server):
    app.config.update(REDIS_URL=hanging_server.redis_url, REDIS_TIMEOUT_SECONDS=0.2)
    _route(app, "queues", 200)
    assert client.get("/queues").status_code == 200  # the enqueue timed out; the request did not
    assert hanging_server.connections
    assert _mail(db_session).status == MailStatus.PENDING  # for `mail send` or the next delivery
