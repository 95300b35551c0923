"""Feeds a resident subscribes to: /neighbourhoods/<slug>/meetings.ics, /meetings.ics (every
neighbourhood) and /neighbourhoods/<slug>/feed.atom. Answers carry ETag/Last-Modified like the
open-data API (same helper), so calendar apps and feed readers poll cheaply."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, url_for
from sqlalchemy import select

from portal.api.http import cached_answer
from portal.extensions import db
from portal.follow.calendar import feed_meetings, meetings_calendar
from portal.follow.feed import Links, activity, atom_feed
from portal.models import Neighbourhood, utcnow
from portal.pact.display import local
from portal.reports.data import AUTHORITY_NAME
from portal.results.page import published_waves

bp = Blueprint("follow", __name__)


def _place(slug: str) -> Neighbourhood:
    place = db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == slug))
    if place is None:
        abort(404)
    return place


def _host() -> str:
    """The public host name: UIDs and feed ids must not change with the address a client used."""
    return urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "voicebox.invalid"


def _page_url(slug: str) -> str:
    return url_for("public.neighbourhood", slug=slug, _external=True)


@bp.route("/neighbourhoods/<slug>/meetings.ics")
def meetings(slug: str):
    place = _place(slug)
    body = meetings_calendar(feed_meetings(db.session, [place], utcnow()),
                             f"PACT meetings: {place.name}", _host(), _page_url)
    return cached_answer(body, "text/calendar", f"pact-{place.slug}.ics")


@bp.route("/meetings.ics")
def all_meetings():
    places = list(db.session.scalars(select(Neighbourhood)))
    body = meetings_calendar(feed_meetings(db.session, places, utcnow()),
                             f"PACT meetings: {AUTHORITY_NAME}", _host(), _page_url)
    return cached_answer(body, "text/calendar", "pact-meetings.ics")


@bp.route("/neighbourhoods/<slug>/feed.atom")
def feed(slug: str):
    place = _place(slug)
    links = Links(
        page=_page_url(place.slug),
        feed=url_for("follow.feed", slug=place.slug, _external=True),
        issue=lambda reference: url_for("public.issue", reference=reference, _external=True),
        results=lambda wave: url_for("results.neighbourhood", slug=place.slug, wave=wave,
                                     _external=True))
    waves = published_waves(db.session, local(utcnow()).date())
    body = atom_feed(place, activity(db.session, place, waves, links), _host(), links)
    return cached_answer(body, "application/atom+xml")
