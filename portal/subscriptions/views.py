"""Following a neighbourhood: /neighbourhoods/<slug>/meetings.ics, /meetings.ics (every
neighbourhood), /neighbourhoods/<slug>/feed.atom (ETag/Last-Modified like the open-data API, same
helper, so calendar apps and feed readers poll cheaply), and e-mail alerts: the form, the
double-opt-in confirmation and the one-click unsubscribe (RFC 8058). `flask --app portal alerts
send` (`portal.subscriptions.cli`) runs the digests."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from portal.api.http import cached_answer
from portal.areas.profile import current_profile
from portal.areas.queries import all_neighbourhoods, neighbourhood_or_404
from portal.core import limits
from portal.core.clock import today, utcnow
from portal.core.extensions import csrf, db
from portal.core.languages import ENGLISH, N_, current_language, writing_in
from portal.core.links import public_url
from portal.models import AlertFrequency
from portal.results.pages import published_waves
from portal.subscriptions.alerts import AlertError, Site, confirm, confirmation, subscribe, unsubscribe
from portal.subscriptions.calendar import feed_meetings, meetings_calendar
from portal.subscriptions.feed import Links, activity, atom_feed
from portal.subscriptions.forms import AlertForm

bp = Blueprint("subscriptions", __name__)



def _host() -> str:
    """The public host name: UIDs and feed ids must not change with the address a client used."""
    return urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "voicebox.invalid"


def _page_url(slug: str) -> str:
    return public_url("public.neighbourhood", slug=slug)


@bp.route("/neighbourhoods/<slug>/meetings.ics")
def meetings(slug: str):
    place = neighbourhood_or_404(db.session, slug)
    body = meetings_calendar(feed_meetings(db.session, [place], utcnow()),
                             f"PACT meetings: {place.name}", _host(), _page_url)
    return cached_answer(body, "text/calendar", f"pact-{place.slug}.ics")


@bp.route("/meetings.ics")
def all_meetings():
    places = all_neighbourhoods(db.session)
    body = meetings_calendar(feed_meetings(db.session, places, utcnow()),
                             f"PACT meetings: {current_profile().area_name}", _host(), _page_url)
    return cached_answer(body, "text/calendar", "pact-meetings.ics")


@bp.route("/neighbourhoods/<slug>/feed.atom")
def feed(slug: str):
    place = neighbourhood_or_404(db.session, slug)
    links = Links(
        page=_page_url(place.slug),
        feed=public_url("subscriptions.feed", slug=place.slug),
        issue=lambda reference: public_url("issues.issue", reference=reference),
        results=lambda wave: public_url("results.neighbourhood", slug=place.slug, wave=wave))
    waves = published_waves(db.session, today())
    with writing_in(ENGLISH):  # one document for every reader: its entries' words in English
        body = atom_feed(place, activity(db.session, place, waves, links), _host(), links,
                         current_profile().name)
    return cached_answer(body, "application/atom+xml")


def _site() -> Site:
    return Site(current_app.config["SECRET_KEY"])


@bp.route("/neighbourhoods/<slug>/alerts", methods=["GET", "POST"])
def alerts(slug: str):
    """Ask for e-mail alerts: the same answer whether or not the address was known."""
    place = neighbourhood_or_404(db.session, slug)
    form = AlertForm()
    if request.method == "POST":
        limited = limits.over_limit("alert_subscribe", "ALERT_SUBSCRIBE_LIMIT",
                                    N_("You have asked for alerts too many times from this connection."),
                                    after="")
        if limited:
            return limited
        if form.validate():
            subscribe(db.session, _site(), place, form.email.data or "", form.frequency.data, utcnow())
            db.session.commit()
            return redirect(url_for("subscriptions.alerts_sent", slug=place.slug))
        return render_template("subscriptions/alerts.html", form=form, place=place), 400
    return render_template("subscriptions/alerts.html", form=form, place=place)


@bp.route("/neighbourhoods/<slug>/alerts/check-your-email")
def alerts_sent(slug: str):
    return render_template("subscriptions/alerts_done.html", place=neighbourhood_or_404(db.session, slug),
                           state="sent")


@bp.route("/alerts/confirm/<token>", methods=["GET", "POST"])
def alerts_confirm(token: str):
    """GET: a page with a "Confirm my alerts" button (mail scanners fetch links); POST (with the
    form's CSRF token): start the alerts."""
    try:
        if request.method == "GET":
            asked = confirmation(db.session, _site(), token)
            return render_template("subscriptions/alerts_done.html", place=asked.sub.neighbourhood,
                                   state="confirm", token=token,
                                   frequency=asked.frequency or asked.sub.frequency,
                                   AlertFrequency=AlertFrequency)
        sub = confirm(db.session, _site(), token, utcnow(), current_language())
    except AlertError as error:
        return render_template("subscriptions/alerts_done.html", place=None, state="problem",
                               problem=str(error)), 400
    db.session.commit()
    return render_template("subscriptions/alerts_done.html", place=sub.neighbourhood, state="confirmed",
                           frequency=sub.frequency, AlertFrequency=AlertFrequency)


@bp.route("/alerts/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click"; the signed link is the key
def alerts_unsubscribe(token: str):
    if request.method == "GET":  # a page with a button: link checkers must not unsubscribe anyone
        return render_template("subscriptions/alerts_done.html", place=None, state="unsubscribe",
                               token=token)
    try:
        place = unsubscribe(db.session, _site(), token)
    except AlertError as error:
        return render_template("subscriptions/alerts_done.html", place=None, state="problem",
                               problem=str(error)), 400
    db.session.commit()
    return render_template("subscriptions/alerts_done.html", place=place, state="unsubscribed")

