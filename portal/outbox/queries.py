"""The outbox's named reads."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import MailStatus, OutboundMail

UNDELIVERED = (MailStatus.DEAD, MailStatus.FAILED)


def newest_mail(session: Session, limit: int = 200,
                status: MailStatus | None = None) -> Sequence[OutboundMail]:
    """The newest `limit` messages, newest first (of one `status` if given)."""
    query = select(OutboundMail).order_by(OutboundMail.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboundMail.status == status)
    return session.scalars(query).all()


def undelivered_mail(session: Session) -> Sequence[OutboundMail]:
    """Messages given up on (dead) and those waiting to be tried again, dead first, newest first."""
    return session.scalars(select(OutboundMail).where(OutboundMail.status.in_(UNDELIVERED))
                           .order_by(OutboundMail.status, OutboundMail.id.desc())).all()


def mail_by_id(session: Session, message_id: int) -> OutboundMail | None:
    return session.get(OutboundMail, message_id)
