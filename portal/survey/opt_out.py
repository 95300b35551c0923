"""Leaving the Voicebox panel: the "stop inviting me" link in every invitation and reminder.

- The link carries a token signed with the app's key (itsdangerous, salt ``panel-opt-out``) naming
  the panel-member row it was sent to and the keyed hash of its address; no sign-in. It stops
  working after `LINK_DAYS`, and a tampered or cut-off token is refused; neither changes anything.
- Following the link (GET) only shows a page with a button; pressing it (POST) records the choice.
  Mail scanners and link previewers fetch every link in a message with GET, so a link that acted
  on GET would take people off the panel who never asked.
- Leaving is recorded panel-wide as a keyed hash (HMAC-SHA256 under `PANEL_ADDRESS_KEY`, by default
  the app's SECRET_KEY) of the normalised address in `panel_opt_out`: never the address itself, just
  enough to refuse it in any later panel file. Every member row with the address gets
  `opted_out_at` and loses its address (the retention rule "when they leave the panel").
  Invitations and reminders skip opted-out members; leaving twice says "already" and changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from portal.core.database import rowcount
from portal.core.links import public_url
from portal.core.mail import WAITING
from portal.core.refusals import Refusal
from portal.models import OutboundMail, PanelExit, PanelMember, PanelOptOut

SALT = "panel-opt-out"
LINK_DAYS = 730  # a link in an e-mail keeps working for two years


class OptOutLinkError(Refusal):
    """A "stop inviting me" link that cannot be used (expired, cut off or altered)."""


@dataclass(frozen=True)
class Keys:
    """The key that signs links and the key of the address hash (kept apart, so rotating the
    signing key does not forget who left)."""

    signing: str
    address: str

    @classmethod
    def from_config(cls, config) -> Keys:
        return cls(signing=config["SECRET_KEY"],
                   address=config.get("PANEL_ADDRESS_KEY") or config["SECRET_KEY"])


def normalised(email: str) -> str:
    return (email or "").strip().lower()


def address_hash(email: str, key: str) -> str:
    """HMAC-SHA256 of the normalised address (hex): the same address always gives the same hash,
    and the hash cannot be turned back into the address without the key."""
    return hmac.new(key.encode(), normalised(email).encode(), hashlib.sha256).hexdigest()


def leave_token(member: PanelMember, keys: Keys) -> str:
    return URLSafeTimedSerializer(keys.signing, salt=SALT).dumps(
        [member.id, address_hash(member.email, keys.address)])


def leave_link(member: PanelMember, keys: Keys | None = None) -> str:
    """The absolute "stop inviting me" URL for a member (PUBLIC_BASE_URL; needs an app context)."""
    token = leave_token(member, keys or Keys.from_config(current_app.config))
    return public_url("survey.leave_panel", token=token)


def read_token(token: str, keys: Keys, max_age_days: int = LINK_DAYS) -> tuple[int, str]:
    """(member id, address hash) from a link's token; OptOutLinkError if expired or not ours."""
    serializer = URLSafeTimedSerializer(keys.signing, salt=SALT)
    try:
        data = serializer.loads(token, max_age=max_age_days * 86400)
    except SignatureExpired:
        raise OptOutLinkError(gettext(
            "This link has expired: links to leave the panel work for %(years)s years "
            "after the e-mail was sent. Nothing has changed. To leave the panel, use the link in "
            "your latest invitation, or write to us and we will take you off.",
            years=LINK_DAYS // 365)) from None
    except BadSignature:
        raise OptOutLinkError(gettext(
            "This link is not complete or has been changed, so we cannot tell whose it is. "
            "Nothing has changed. Copy the whole link from the e-mail, or write to us and we "
            "will take you off the panel.")) from None
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], int)
            and isinstance(data[1], str)):
        raise OptOutLinkError(gettext("This link is not one of ours. Nothing has changed."))
    return data[0], data[1]


def opt_out_record(session: Session, hashed: str) -> PanelOptOut | None:
    return session.scalar(select(PanelOptOut).where(PanelOptOut.address_hash == hashed))


@dataclass(frozen=True)
class Left:
    """The outcome of leaving: when, and whether it had been recorded before."""

    at: datetime
    already: bool


def record_exit(session: Session, hashed: str, now: datetime,
                reason: PanelExit = PanelExit.LINK) -> Left:
    """Record the hash panel-wide (once; a second call reports the first time)."""
    existing = opt_out_record(session, hashed)
    if existing is not None:
        return Left(existing.opted_out_at, already=True)
    session.add(PanelOptOut(address_hash=hashed, opted_out_at=now, reason=reason))
    session.flush()
    return Left(now, already=False)


def end_memberships(session: Session, email: str, now: datetime, member_id: int | None = None) -> int:
    """Mark every member row with this address (and row `member_id`) as left at `now`, removing
    the address and the age band and language with it; rows marked before keep their date. Returns how many
    rows changed."""
    conditions = []
    if normalised(email):
        conditions.append(func.lower(PanelMember.email) == normalised(email))
    if member_id is not None:
        conditions.append(PanelMember.id == member_id)
    if not conditions:
        return 0
    changed = session.execute(update(PanelMember).where(or_(*conditions), PanelMember.opted_out_at.is_(None))
                              .values(opted_out_at=now, email="", age_band=None, language=None)
                              .execution_options(synchronize_session=False))
    return rowcount(changed)


def leave_panel(session: Session, token: str, keys: Keys, now: datetime,
                max_age_days: int = LINK_DAYS) -> Left:
    """Take the link's address off the panel for good, in the caller's transaction."""
    member_id, hashed = read_token(token, keys, max_age_days)
    left = record_exit(session, hashed, now)
    member = session.get(PanelMember, member_id)
    email = member.email if member is not None else ""
    if email and address_hash(email, keys.address) != hashed:
        email = ""  # the row's address is not the one the link was sent to: mark the row only
    if member is not None:
        end_memberships(session, email, left.at, member_id=member.id)
    if email:
        forget_panel_mail(session, email)
    return left


def forget_panel_mail(session: Session, email: str) -> tuple[int, int]:
    """The outbox's panel mail to `email` (every invitation and reminder carries the leave link):
    those still waiting (not yet claimed by a sender, or failed and due a retry) are deleted, so
    nothing more reaches someone who left; those sent keep their row without the address. Other
    mail to them stays.
    Returns (deleted, anonymised)."""
    panel_mail = (func.lower(OutboundMail.recipient) == normalised(email),
                  OutboundMail.body.like("%/survey/leave-the-panel/%"))
    waiting = OutboundMail.status.in_(WAITING)
    deleted = session.execute(delete(OutboundMail).where(*panel_mail, waiting))
    kept = session.execute(update(OutboundMail).where(*panel_mail).values(recipient="")
                           .execution_options(synchronize_session=False))
    return rowcount(deleted), rowcount(kept)


def left_addresses(session: Session, emails: list[str], key: str) -> set[str]:
    """The normalised addresses among `emails` that left the panel."""
    by_hash = {address_hash(email, key): normalised(email) for email in emails}
    found: set[str] = set()
    hashes = list(by_hash)
    for start in range(0, len(hashes), 500):  # IN lists of a bounded size
        found.update(session.scalars(select(PanelOptOut.address_hash)
                                     .where(PanelOptOut.address_hash.in_(hashes[start:start + 500]))))
    return {by_hash[h] for h in found}


def already_left(session: Session, token: str, keys: Keys, max_age_days: int = LINK_DAYS) -> Left | None:
    """When the link's address left the panel, or None; changes nothing (OptOutLinkError for a
    link that cannot be used)."""
    _member_id, hashed = read_token(token, keys, max_age_days)
    record = opt_out_record(session, hashed)
    return Left(record.opted_out_at, already=True) if record is not None else None
