"""Outgoing mail. Every message is first written to `outbound_mail` in the caller's transaction;
`deliver_pending` then sends them over SMTP after that transaction has committed. Views never send
mail themselves: after the request that queued some (`init_app`),

- with REDIS_URL set, the request only enqueues the `mail_deliver` job and a worker sends them;
- without Redis (the embedded default), the request tries once itself, with the short
  MAIL_REQUEST_TIMEOUT_SECONDS, so a hanging relay holds a resident's request for seconds at most.

CLI commands and jobs call `deliver_pending` themselves (timeout MAIL_TIMEOUT_SECONDS). With no
MAIL_SERVER (the development default) messages are only recorded, and admins read them on the
development outbox page or with `flask --app portal mail list/show`. A delivery failure is
recorded on the message and never undoes the change that caused it.

A message that fails is "failed" and waits (`next_attempt_at`: MAIL_RETRY_SECONDS, doubled after
each further failure) for the next run of `flask --app portal mail send` (cron, every few minutes)
or the next delivery; after MAIL_MAX_ATTEMPTS attempts, or at once when the server refuses it for
good (a 5xx answer), it is "dead": admins see it at /admin/mail and may `retry` it.

Once a message has been handed to the mail server (sent) or given up on (dead), its stored body
keeps no usable single-use survey link: `redact_after_sending` replaces every invitation link with
`SURVEY_LINK_REMOVED`, so the outbox cannot be used to answer as someone, nor to tie a member to a
response. Messages only recorded (no MAIL_SERVER, development) keep their links: there the outbox
is how developers read their mail. A message waiting for a retry keeps its links until then.

Several processes may call `deliver_pending` at once (two app servers, a worker). Each message is
claimed before it is sent, by one conditional UPDATE (pending -> sending, with the claim time in
`sent_at`), so only the process whose UPDATE changed the row sends it. A process that dies between
the claim and the send leaves the message "sending"; after `STALE_CLAIM` (far beyond the SMTP
timeout) another run takes it again.
"""

from __future__ import annotations

import logging
import re
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import Flask, Response, current_app, g, has_app_context, has_request_context
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from portal.core import audit
from portal.core.clock import utcnow
from portal.core.database import rowcount
from portal.core.extensions import db
from portal.models import MailStatus, OutboundMail

log = logging.getLogger("portal.core.mail")

SURVEY_LINK_REMOVED = "[survey link removed after sending]"
# `app.extensions[SIGN_OFF]`: a function giving the lines every message ends with (who sent it),
# registered by the feature that knows (the partnership's profile); none: no sign-off.
SIGN_OFF = "mail_sign_off"
# Not yet handed to the mail server and still to be tried: what erasure and leaving the panel delete.
WAITING = (MailStatus.PENDING, MailStatus.FAILED)
STALE_CLAIM = timedelta(minutes=15)
# An invitation link (`survey.invitation`: /survey/<wave>/invitation/<token>), absolute or not.
SURVEY_LINK = re.compile(r"\S*/survey/[^/\s]+/invitation/[A-Za-z0-9_=-]+")


def redact_after_sending(body: str) -> str:
    """The body with every single-use survey link replaced by `SURVEY_LINK_REMOVED`."""
    return SURVEY_LINK.sub(SURVEY_LINK_REMOVED, body)


def queue_mail(session: Session, recipient: str, subject: str, body: str,
               headers: dict[str, str] | None = None) -> OutboundMail:
    """Add a plain-text message to the outbox (plain text: user-written strings cannot inject markup).
    `headers` are extra headers the code sets (List-Unsubscribe), never user text."""
    subject = " ".join(subject.split())[:200]  # no header injection through newlines
    sign_off = current_app.extensions.get(SIGN_OFF) if has_app_context() else None
    if sign_off is not None and (closing := sign_off()):
        body = f"{body.rstrip()}\n\n-- \n{closing}\n"
    message = OutboundMail(recipient=recipient.strip(), subject=subject, body=body, status=MailStatus.PENDING,
                           headers=headers or None)
    session.add(message)
    if has_request_context():
        g.mail_queued = True
    return message


def _deliver_after_request(response: Response) -> Response:
    """Deliver what the request queued, once its view has committed (a rolled-back request queued
    nothing): hand it to the queue when there is one, else try now with a short timeout."""
    if g.pop("mail_queued", False) and response.status_code < 500:
        config = current_app.config
        if config.get("REDIS_URL"):
            _enqueue_delivery()
        else:
            deliver_pending(db.session, config, timeout=config["MAIL_REQUEST_TIMEOUT_SECONDS"])
    return response


def _enqueue_delivery() -> None:
    from redis.exceptions import RedisError

    from portal.core.jobs import enqueue

    try:
        enqueue("mail_deliver")
    except RedisError as error:  # the mail stays pending for the next delivery or `mail send`
        log.warning("could not queue mail delivery", extra={"error": str(error)})


def deliver_job() -> int:
    """The `mail_deliver` job: send what is waiting (run by the queue worker)."""
    return deliver_pending(db.session, current_app.config)


def init_app(app: Flask) -> None:
    app.after_request(_deliver_after_request)


def _waiting(now: datetime):
    """Messages to send now: new ones, failed ones whose wait is over, and stale claims."""
    return or_(OutboundMail.status == MailStatus.PENDING,
               (OutboundMail.status == MailStatus.FAILED) & (OutboundMail.next_attempt_at <= now),
               (OutboundMail.status == MailStatus.SENDING) & (OutboundMail.sent_at < now - STALE_CLAIM))


def deliver_pending(session: Session, config, *, timeout: float | None = None) -> int:
    """Send the messages waiting; returns how many were sent. Call after the causing change
    committed. `timeout` (seconds) bounds each SMTP step (default MAIL_TIMEOUT_SECONDS)."""
    waiting = _waiting(utcnow())
    ids = session.scalars(select(OutboundMail.id).where(waiting).order_by(OutboundMail.id)).all()
    if not config.get("MAIL_SERVER"):
        if ids:
            session.execute(update(OutboundMail).where(OutboundMail.id.in_(ids), waiting)
                            .values(status=MailStatus.RECORDED).execution_options(synchronize_session=False))
            session.commit()
        return 0
    timeout = timeout or config["MAIL_TIMEOUT_SECONDS"]
    return sum(_deliver_one(session, config, message_id, waiting, timeout) for message_id in ids)


def retry_delay(config, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: MAIL_RETRY_SECONDS, doubled after each further one."""
    return timedelta(seconds=config["MAIL_RETRY_SECONDS"] * 2 ** (attempts - 1))


def _permanent(error: Exception) -> bool:
    """The server refused the message for good (5xx): trying again cannot help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _record_failure(message: OutboundMail, config, error: Exception) -> None:
    message.sent_at, message.error = None, str(error)[:500]
    if message.attempts >= config["MAIL_MAX_ATTEMPTS"] or _permanent(error):
        message.status, message.next_attempt_at = MailStatus.DEAD, None
    else:
        message.status = MailStatus.FAILED
        message.next_attempt_at = utcnow() + retry_delay(config, message.attempts)
    log.warning("mail delivery failed", extra={"mail_id": message.id, "error": str(error),
                                               "attempts": message.attempts,
                                               "mail_status": str(message.status)})


def _deliver_one(session: Session, config, message_id: int, waiting, timeout: float) -> bool:
    """Claim one message and send it; False when another process claimed it first or sending failed."""
    claimed = rowcount(session.execute(update(OutboundMail).where(OutboundMail.id == message_id, waiting)
                                       .values(status=MailStatus.SENDING, sent_at=utcnow())
                                       .execution_options(synchronize_session=False))) == 1
    session.commit()
    if not claimed:
        return False
    message = session.get_one(OutboundMail, message_id, populate_existing=True)  # the claimed row
    message.attempts = (message.attempts or 0) + 1
    try:
        _send(message, config, timeout)
    except (OSError, smtplib.SMTPException) as error:
        _record_failure(message, config, error)
    else:
        message.status, message.sent_at, message.next_attempt_at = MailStatus.SENT, utcnow(), None
    if message.status in (MailStatus.SENT, MailStatus.DEAD):
        message.body = redact_after_sending(message.body)
    session.commit()
    return message.status == MailStatus.SENT


def retry_dead(session: Session, message_id: int) -> bool:
    """Put a dead message back in the queue with its attempts counted afresh (an admin's choice,
    once the relay is fixed); False if it is not dead. Audited; in the caller's transaction."""
    changed = rowcount(session.execute(
        update(OutboundMail).where(OutboundMail.id == message_id, OutboundMail.status == MailStatus.DEAD)
        .values(status=MailStatus.PENDING, attempts=0, next_attempt_at=None)
        .execution_options(synchronize_session=False))) == 1
    if changed:
        audit.record(session, "mail_retried", "outbound_mail", message_id)
        if has_request_context():
            g.mail_queued = True
    return changed


def _send(message: OutboundMail, config, timeout: float) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
