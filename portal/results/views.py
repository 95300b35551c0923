"""Public survey results: /results (the authority) and /neighbourhoods/<slug>/results, each for
the latest published wave or the one chosen with ?wave=."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext

from portal.areas.profile import current_profile
from portal.areas.queries import neighbourhood_or_404
from portal.core.clock import today, utcnow
from portal.core.extensions import db
from portal.models import Neighbourhood
from portal.reports.cache import analysis_cache
from portal.reports.data import ReportError
from portal.reports.small_areas import ni21_model
from portal.results.pages import published_waves, results_page
from portal.scorecard.targets import current_targets

bp = Blueprint("results", __name__)


def _render(place: Neighbourhood | None):
    waves = published_waves(db.session, today())
    chosen = request.args.get("wave") or (waves[-1].slug if waves else None)
    wave = next((w for w in waves if w.slug == chosen), None)
    if chosen and wave is None:
        abort(404)
    page, problem = None, None
    if wave is not None:
        try:
            analysis = analysis_cache().get(db.session, wave.slug)
            page = results_page(analysis, place, utcnow(), current_profile().area_name,
                                current_targets(db.session),
                                ni21_model(db.session, analysis) if place else None)
        except ReportError:
            problem = gettext("The results of this survey are not ready to publish yet.")
    return render_template("results/index.html", page=page, place=place, waves=waves,
                           wave=wave, problem=problem, authority=current_profile().area_name)


@bp.route("/results")
def authority():
    return _render(None)


@bp.route("/neighbourhoods/<slug>/results")
def neighbourhood(slug: str):
    return _render(neighbourhood_or_404(db.session, slug))
