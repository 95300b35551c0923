"""The resident site's shell (no account, no personal data): the home page, the privacy page, each
neighbourhood's page and the favicon. The resident's PACT pages (raise and follow an issue, meeting
papers) are `portal.pact.views.resident`."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for

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


@bp.route("/privacy")
def privacy():
    """How we use residents' information, with the retention schedule as configured."""
    return render_template("public/privacy.html", keep=retention_periods(current_app.config),
                           suppress_below=minimum_group())


@bp.route("/neighbourhoods/<slug>")
def neighbourhood(slug: str):
    place = neighbourhood_or_404(db.session, slug)
    return render_template("public/neighbourhood.html", page=neighbourhood_page(db.session, place, utcnow()))
