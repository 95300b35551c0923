"""E-mail alerts for a neighbourhood: double opt-in, digests of new public activity, one-click
unsubscribe (RFC 8058). Plain functions in the caller's transaction, called by the views and by the
`flask --app portal alerts send` job.

- `subscribe` records an unconfirmed address and queues a confirmation e-mail whose link is signed
  and expires after `CONFIRM_DAYS`; unconfirmed addresses are deleted after the same time. The link
  opens a page with a button; only its POST (`confirm`) starts the alerts, so a mail scanner that
  fetches links confirms nothing.
- Links name the subscription, never the address: a token carries the subscription's id, for a
  confirmation the frequency chosen, and a keyed hash of the address (`Site.address_check`), so a
  link is void once the address changes hands, and decoding its base64 shows no address. Links sent
  before this (id and address in clear) are still honoured until they expire.
- `send_digests` sends each confirmed subscriber what happened since their last digest (weekly,
  or at every run for "immediately"), and nothing when nothing happened. It is idempotent: each
  subscription's window is claimed with a compare-and-set on `digested_until` in the same
  transaction that queues the message, so a run interrupted and rerun (or two runs at once) queues
  each digest once; the outbox then sends each queued message once. Each digest is written in the
  language of the page the alerts were asked for on (`AlertSubscription.language`); staff's words in
  it go as written.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from portal.core.clock import local
from portal.core.database import rowcount
from portal.core.filters import format_datetime, local_day
from portal.core.languages import current_language, with_language, writing_in
from portal.core.links import public_url
from portal.core.mail import queue_mail
from portal.core.refusals import Refusal
from portal.models import AlertFrequency, AlertSubscription, Meeting, MeetingStatus, Neighbourhood
from portal.pact.queries import next_meeting
from portal.results.pages import published_waves
from portal.subscriptions.feed import Entry, Links, activity

CONFIRM_DAYS = 7
WEEK = timedelta(days=7)


class AlertError(Refusal):
    """A confirmation or unsubscribe link that cannot be used; the message says what to do."""


@dataclass(frozen=True)
class Site:
    """The key that signs the links in alert e-mails. The links are built from the routes by
    `portal.core.links.public_url` (on PUBLIC_BASE_URL), so building one needs an app context."""

    secret: str

    def links(self, place: Neighbourhood) -> Links:
        return Links(page=public_url("public.neighbourhood", slug=place.slug),
                     feed=public_url("subscriptions.feed", slug=place.slug),
                     issue=lambda reference: public_url("issues.issue", reference=reference),
                     results=lambda wave: public_url("results.neighbourhood", slug=place.slug, wave=wave))

    def address_check(self, email: str) -> str:
        """A keyed hash of the address (16 hex digits): ties a link to it without showing it."""
        return hmac.new(f"alert-address:{self.secret}".encode(), email.encode(),
                        hashlib.sha256).hexdigest()[:16]

    def confirm_token(self, sub: AlertSubscription, frequency: str) -> str:
        return URLSafeTimedSerializer(self.secret, salt="alert-confirm").dumps(
            [sub.id, str(frequency), self.address_check(sub.email)])

    def unsubscribe_token(self, sub: AlertSubscription) -> str:
        return URLSafeSerializer(self.secret, salt="alert-unsubscribe").dumps(
            [sub.id, self.address_check(sub.email)])

    def confirm_url(self, sub: AlertSubscription, frequency: str, language: str | None = None) -> str:
        """The confirmation link, opening in `language` (the page's the alerts were asked for on)."""
        return with_language(public_url("subscriptions.alerts_confirm",
                                        token=self.confirm_token(sub, frequency)), language)

    def unsubscribe_url(self, sub: AlertSubscription) -> str:
        return public_url("subscriptions.alerts_unsubscribe", token=self.unsubscribe_token(sub))


def normalise_email(address: str) -> str:
    return address.strip().lower()


def subscribe(session: Session, site: Site, place: Neighbourhood, email: str, frequency: str,
              now: datetime) -> AlertSubscription:
    """Record (or refresh) an unconfirmed subscription and queue its confirmation e-mail, both in the
    page's language (the digests are written in it). An address already confirmed keeps its
    settings, language too, until the new link is followed (it opens in the new page's language,
    which `confirm` then keeps)."""
    email = normalise_email(email)
    sub = session.scalar(select(AlertSubscription).where(
        AlertSubscription.email == email, AlertSubscription.neighbourhood_id == place.id))
    if sub is None:
        sub = AlertSubscription(email=email, neighbourhood_id=place.id, frequency=frequency,
                                created_at=now, language=current_language())
        session.add(sub)
        session.flush()
    elif sub.confirmed_at is None:
        sub.frequency, sub.created_at, sub.language = AlertFrequency(frequency), now, current_language()
    # Asked for on a resident page, so written in the language of that page.
    how = (gettext("each week") if frequency == AlertFrequency.WEEKLY
           else gettext("as soon as something happens"))
    queue_mail(session, email, gettext("Confirm e-mail alerts for %(name)s", name=place.name), gettext(
        "Someone (we hope you) asked for e-mail alerts about %(name)s: new PACT priorities, "
        "updates, what was done, meeting dates and survey results, %(how)s.\n\n"
        "To start them, open this link within %(days)s days:\n"
        "%(link)s\n\n"
        "If it was not you, ignore this e-mail: you will hear nothing more and your address is "
        "deleted after %(days)s days.\n", name=place.name, how=how, days=CONFIRM_DAYS,
        link=site.confirm_url(sub, frequency, current_language())))
    return sub


def _subscription(session: Session, site: Site, data) -> AlertSubscription | None:
    """The subscription a token's payload names: [id, ..., address check], or before address
    checks [id, address]; None when it is gone or now belongs to another address."""
    if not (isinstance(data, list) and len(data) in (2, 3) and isinstance(data[0], int)
            and isinstance(data[-1], str)):
        return None
    sub = session.get(AlertSubscription, data[0])
    if sub is None:
        return None
    if hmac.compare_digest(site.address_check(sub.email), data[-1]) or sub.email == data[-1]:
        return sub
    return None


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation link asks: start `sub`'s alerts at `frequency` (None: as subscribed)."""

    sub: AlertSubscription
    frequency: AlertFrequency | None


def confirmation(session: Session, site: Site, token: str) -> Confirmation:
    """What the link asks, changing nothing (the page with the button); AlertError if unusable."""
    data = _confirm_data(site, token)
    sub = _subscription(session, site, data)
    if sub is None:
        raise AlertError(gettext("These alerts were stopped or the link is too old. Ask for alerts again "
                                 "on the neighbourhood's page."))
    wanted = data[1] if len(data) == 3 else None
    return Confirmation(sub, AlertFrequency(wanted) if wanted in AlertFrequency.values() else None)


def confirm(session: Session, site: Site, token: str, now: datetime,
            language: str | None = None) -> AlertSubscription:
    """Start the alerts the link names, at the frequency it carries (the button's POST), and in
    `language` when given (the confirming page's: the link opens in the language it was asked in)."""
    asked = confirmation(session, site, token)
    sub = asked.sub
    if language is not None:
        sub.language = language
    if sub.confirmed_at is None:
        sub.confirmed_at = sub.digested_until = now
    if asked.frequency is not None:
        sub.frequency = asked.frequency
    return sub


def _confirm_data(site: Site, token: str):
    try:
        data = URLSafeTimedSerializer(site.secret, salt="alert-confirm").loads(
            token, max_age=CONFIRM_DAYS * 86400)
    except SignatureExpired:
        raise AlertError(gettext("This link has expired: links work for %(days)s days. Ask for "
                                 "alerts again on the neighbourhood's page.", days=CONFIRM_DAYS)) from None
    except BadSignature:
        raise AlertError(gettext("This link is not complete. Copy the whole link from the e-mail, or ask "
                                 "for alerts again on the neighbourhood's page.")) from None
    return data


def unsubscribe(session: Session, site: Site, token: str) -> Neighbourhood | None:
    """Delete the subscription the link names (its address with it); None if already gone."""
    try:
        data = URLSafeSerializer(site.secret, salt="alert-unsubscribe").loads(token)
    except BadSignature:
        raise AlertError(gettext("This link is not complete. Copy the whole link from the e-mail.")) from None
    sub = _subscription(session, site, data)
    if sub is None:
        return None
    place = sub.neighbourhood
    session.delete(sub)
    return place


def purge_unconfirmed(session: Session, now: datetime) -> int:
    """Delete addresses never confirmed within CONFIRM_DAYS (personal data we may not keep)."""
    result = session.execute(delete(AlertSubscription).where(
        AlertSubscription.confirmed_at.is_(None),
        AlertSubscription.created_at < now - timedelta(days=CONFIRM_DAYS)))
    return rowcount(result)


def _due(sub: AlertSubscription, now: datetime) -> bool:
    if sub.frequency == AlertFrequency.IMMEDIATE:
        return True
    assert sub.digested_until is not None  # confirming a subscription sets it
    return sub.digested_until <= now - WEEK


def _meeting_entries(session: Session, place: Neighbourhood, links: Links) -> list[Entry]:
    meetings = session.scalars(select(Meeting).where(Meeting.neighbourhood_id == place.id))
    return [Entry(f"meeting-{m.id}", m.created_at,
                  gettext("PACT meeting cancelled: %(when)s", when=format_datetime(m.starts_at))
                  if m.status == MeetingStatus.CANCELLED
                  else gettext("PACT meeting arranged: %(when)s", when=format_datetime(m.starts_at)),
                  m.venue, links.page) for m in meetings]


def new_activity(session: Session, site: Site, place: Neighbourhood, since: datetime,
                 until: datetime) -> list[Entry]:
    """Public activity (the Atom feed's entries, and meetings arranged) in (since, until]."""
    links = site.links(place)
    waves = published_waves(session, local(until).date())
    entries = activity(session, place, waves, links) + _meeting_entries(session, place, links)
    return sorted((e for e in entries if since < e.at <= until), key=lambda e: e.at)


def digest_body(session: Session, site: Site, sub: AlertSubscription, entries: list[Entry],
                now: datetime) -> str:
    """The digest's text in the current locale (`send_digests` writes it in the subscriber's)."""
    place = sub.neighbourhood
    assert sub.digested_until is not None  # confirming a subscription sets it
    lines = [gettext("What's new in %(name)s since %(day)s:", name=place.name,
                     day=local_day(local(sub.digested_until))), ""]
    for e in entries:
        lines += [f"- {local_day(local(e.at))}: {e.title}", f"  {e.text}", f"  {e.link}", ""]
    meeting = next_meeting(session, place.id, now)
    lines.append(gettext("Next PACT meeting: %(when)s, %(venue)s.", when=format_datetime(meeting.starts_at),
                         venue=meeting.venue)
                 if meeting else gettext("The next PACT meeting has not been arranged yet."))
    lines += ["", gettext("More: %(link)s", link=site.links(place).page),
              gettext("Stop these e-mails (one click): %(link)s", link=site.unsubscribe_url(sub)), ""]
    return "\n".join(lines)


def _claim(session: Session, sub: AlertSubscription, now: datetime) -> bool:
    """Move the subscription's window to `now` unless another run already did (compare-and-set)."""
    result = session.execute(update(AlertSubscription).where(
        AlertSubscription.id == sub.id, AlertSubscription.digested_until == sub.digested_until)
        .values(digested_until=now).execution_options(synchronize_session=False))
    return rowcount(result) == 1


def send_digests(session: Session, site: Site, now: datetime) -> int:
    """Queue the digests due at `now`, one transaction per subscriber; returns how many."""
    purge_unconfirmed(session, now)
    session.commit()
    queued = 0
    subs = session.scalars(select(AlertSubscription).where(
        AlertSubscription.confirmed_at.is_not(None)).order_by(AlertSubscription.id)).all()
    for sub in subs:
        if not _due(sub, now):
            continue
        assert sub.digested_until is not None  # confirming a subscription sets it
        with writing_in(sub.language):
            entries = new_activity(session, site, sub.neighbourhood, sub.digested_until, now)
            body = digest_body(session, site, sub, entries, now) if entries else None
            subject = gettext("%(name)s: PACT and survey news", name=sub.neighbourhood.name)
        if not _claim(session, sub, now):
            session.rollback()
            continue
        if body:
            queue_mail(session, sub.email, subject,
                       body, headers={"List-Unsubscribe": f"<{site.unsubscribe_url(sub)}>",
                                      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
            queued += 1
        session.commit()
    return queued
