"""The resident site's shell (no account, no personal data): the home page, the privacy page, each
neighbourhood's page and the favicon. The resident's PACT pages (raise and follow an issue, meeting
papers) are `portal.pact.views.resident`."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import ngettext

from portal.areas.profile import logo as stored_logo
from portal.areas.queries import all_neighbourhoods, neighbourhood_or_404
from portal.core.clock import today, utcnow
from portal.core.extensions import db
from portal.pact.forms import FollowIssueForm
from portal.pact.pages import neighbourhood_page
from portal.privacy.retention import retention_periods
from portal.survey.consent import minimum_group
from portal.survey.waves import survey_minutes

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    return render_template("public/home.html", neighbourhoods=all_neighbourhoods(db.session),
                           follow=FollowIssueForm(formdata=None),
                           survey_minutes=survey_minutes(db.session, today()))


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; send them to the icon (no 404 logged)."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.route("/partnership/logo")
def logo():
    """The partnership's logo, as checked on upload; served so that nothing in it could run."""
    found = stored_logo(db.session)
    if found is None:
        abort(404)
    data, media_type, changed = found
    response = current_app.response_class(data, mimetype=media_type)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.set_etag(f"{changed:%Y%m%d%H%M%S%f}")
    return response.make_conditional(request)


@bp.route("/privacy")
def privacy():
    """How we use residents' information, with the retention schedule as configured."""
    weeks = current_app.config["FOLLOW_UP_WEEKS"]
    return render_template("public/privacy.html", keep=retention_periods(current_app.config),
                           suppress_below=minimum_group(),
                           weeks=ngettext("%(number)s week", "%(number)s weeks", weeks,
                                          number=format(weeks, ",")))


@bp.route("/neighbourhoods/<slug>")
def neighbourhood(slug: str):
    place = neighbourhood_or_404(db.session, slug)
    return render_template("public/neighbourhood.html", page=neighbourhood_page(db.session, place, utcnow()))
