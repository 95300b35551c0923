"""Outgoing mail. Every message is first written to `outbound_mail` in the caller's transaction;
`deliver_pending` then sends them over SMTP after that transaction has committed: after the request
that queued them (`init_app`: views never send mail themselves), or at the end of a CLI command or
job, which calls it. With no
MAIL_SERVER (the development default) messages are only recorded, and staff can read them in the
database. A delivery failure is recorded on the message and never undoes the change that caused it.

Once a message has been handed to the mail server (sent) or given up on (failed), its stored body
keeps no usable single-use survey link: `redact_after_sending` replaces every invitation link with
`SURVEY_LINK_REMOVED`, so the outbox cannot be used to answer as someone, nor to tie a member to a
response. Messages only recorded (no MAIL_SERVER, development) keep their links: there the outbox
is how developers read their mail.

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
from datetime import timedelta
from email.message import EmailMessage

from flask import Flask, Response, current_app, g, has_request_context
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from portal.core.clock import utcnow
from portal.core.database import rowcount
from portal.core.extensions import db
from portal.models import MailStatus, OutboundMail

log = logging.getLogger("portal.core.mail")

SURVEY_LINK_REMOVED = "[survey link removed after sending]"
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
    message = OutboundMail(recipient=recipient.strip(), subject=subject, body=body, status=MailStatus.PENDING,
                           headers=headers or None)
    session.add(message)
    if has_request_context():
        g.mail_queued = True
    return message


def _deliver_after_request(response: Response) -> Response:
    """Send what the request queued, once its view has committed (a rolled-back request queued nothing)."""
    if g.pop("mail_queued", False) and response.status_code < 500:
        deliver_pending(db.session, current_app.config)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_deliver_after_request)


def deliver_pending(session: Session, config) -> int:
    """Send queued messages; returns how many were sent. Call after the causing change committed."""
    now = utcnow()
    waiting = or_(OutboundMail.status == MailStatus.PENDING,
                  (OutboundMail.status == MailStatus.SENDING) & (OutboundMail.sent_at < now - STALE_CLAIM))
    ids = session.scalars(select(OutboundMail.id).where(waiting).order_by(OutboundMail.id)).all()
    if not config.get("MAIL_SERVER"):
        if ids:
            session.execute(update(OutboundMail).where(OutboundMail.id.in_(ids), waiting)
                            .values(status=MailStatus.RECORDED).execution_options(synchronize_session=False))
            session.commit()
        return 0
    return sum(_deliver_one(session, config, message_id, waiting) for message_id in ids)


def _deliver_one(session: Session, config, message_id: int, waiting) -> bool:
    """Claim one message and send it; False when another process claimed it first or sending failed."""
    claimed = rowcount(session.execute(update(OutboundMail).where(OutboundMail.id == message_id, waiting)
                                       .values(status=MailStatus.SENDING, sent_at=utcnow())
                                       .execution_options(synchronize_session=False))) == 1
    session.commit()
    if not claimed:
        return False
    message = session.get_one(OutboundMail, message_id)
    try:
        _send(message, config)
    except (OSError, smtplib.SMTPException) as error:
        message.status, message.sent_at = MailStatus.FAILED, None
        message.error = str(error)[:500]
        log.warning("mail delivery failed", extra={"mail_id": message.id, "error": str(error)})
    else:
        message.status, message.sent_at = MailStatus.SENT, utcnow()
    message.body = redact_after_sending(message.body)
    session.commit()
    return message.status == MailStatus.SENT


def _send(message: OutboundMail, config) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
