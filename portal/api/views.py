"""Routes of the open-data API (/api/v1/...) and its human page (/open-data). Each view checks its
query, gathers one resource through `pages`, and answers through `http` (JSON or CSV)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for

from portal.api import pages
from portal.api.http import (
    ApiError,
    add_cors,
    cached_answer,
    check_query,
    csv_body,
    error_response,
    json_body,
    memo,
    rate_limited,
)
from portal.api.openapi import document
from portal.areas.profile import current_profile
from portal.core import errors
from portal.core.clock import today, utcnow
from portal.core.extensions import db
from portal.reports.small_areas import published_models, saved_choices

bp = Blueprint("api", __name__)
PREFIX = "/api/v1"


@bp.before_request
def _limit():
    error = rate_limited()
    if error is not None:
        response = error_response(error)
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    return None


@bp.after_request
def _cors(response):
    return add_cors(response) if _is_api() else response


def _is_api() -> bool:
    return request.path.startswith(PREFIX + "/")


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return error_response(error)


# Stable codes for the errors the URL map and the request checks raise before any API view runs.
HTTP_CODES = {400: "bad_request", 404: "unknown_endpoint", 405: "method_not_allowed",
              413: "too_large", 429: "rate_limited", 500: "server_error"}


@bp.record_once
def _json_errors(state) -> None:
    errors.answer_errors_as(state.app, PREFIX + "/", lambda status, message: add_cors(error_response(
        ApiError(status, HTTP_CODES.get(status, "error"), message))))


def _body(fmt: str, data, csv_table) -> bytes:
    if fmt == "csv":
        header, rows = csv_table()
        return csv_body(header, rows)
    return json_body(data)


def _answer(fmt: str, data, csv_table, filename: str):
    """JSON (`data` with `meta`) or CSV (`csv_table()` is (header, rows)), with validators."""
    return _send(fmt, _body(fmt, data, csv_table), filename)


def _send(fmt: str, body: bytes, filename: str):
    if fmt == "csv":
        return cached_answer(body, "text/csv", filename)
    return cached_answer(body, "application/json")


@bp.route(f"{PREFIX}/neighbourhoods")
def neighbourhoods():
    fmt = check_query(("format",))
    data = pages.neighbourhoods(db.session)
    return _answer(fmt, data, lambda: (["slug", "name", "population"],
                                       [[n["slug"], n["name"], n["population"]] for n in data]),
                   "neighbourhoods.csv")


@bp.route(f"{PREFIX}/waves")
def waves():
    fmt = check_query(("format",))
    data = pages.waves(db.session, today())
    return _answer(fmt, data, lambda: (
        ["slug", "label", "status", "opens_on", "closes_on", "achieved_sample",
         "questionnaire", "questionnaire_version"],
        [[w["slug"], w["label"], w["status"], w["fieldwork"]["opens_on"],
          w["fieldwork"]["closes_on"], w["achieved_sample"],
          (w["questionnaire"] or {}).get("slug"), (w["questionnaire"] or {}).get("version")]
         for w in data]), "waves.csv")


def _wave_and_area(wave: str):
    """The published wave's analysis and the area asked for (?neighbourhood=, else the
    authority); the format. Errors: 400 bad query, 404 unknown wave or place, 409 no results."""
    fmt = check_query(("neighbourhood", "format"))
    slug = request.args.get("neighbourhood")
    place = pages.find_place(db.session, slug) if slug else None
    analysis = pages.wave_analysis(db.session,
                                     pages.find_published_wave(db.session, wave, today()))
    area = pages.Area(place.slug, place.name) if place else pages.Area(
        None, current_profile().area_name)
    return analysis, area, fmt


@bp.route(f"{PREFIX}/waves/<wave>/indicators")
def indicators(wave: str):
    analysis, area, fmt = _wave_and_area(wave)

    # The saved covariate choices are part of the answer (they change its model-based figures).
    choices = sorted(saved_choices(db.session, analysis).items())

    def build() -> bytes:
        models = published_models(db.session, analysis) if area.slug else {}
        items = pages.indicators(analysis, area.slug, models)
        data = {"wave": wave, "area": {"slug": area.slug, "name": area.name}, "indicators": items}
        return _body(fmt, data, lambda: (pages.INDICATOR_HEADER,
                                         pages.indicator_rows(wave, area, items)))

    return _send(fmt, memo().get(f"{request.url} {choices}", analysis, build),
                 f"indicators-{wave}-{area.slug or 'authority'}.csv")


@bp.route(f"{PREFIX}/waves/<wave>/perception-gap")
def perception_gap(wave: str):
    analysis, area, fmt = _wave_and_area(wave)

    def build() -> bytes:
        items = pages.perception_gap(analysis, area.slug)
        data = {"wave": wave, "area": {"slug": area.slug, "name": area.name}, "crimes": items}
        return _body(fmt, data, lambda: (pages.GAP_HEADER, pages.gap_rows(wave, area, items)))

    return _send(fmt, memo().get(request.url, analysis, build),
                 f"perception-gap-{wave}-{area.slug or 'authority'}.csv")


@bp.route(f"{PREFIX}/neighbourhoods/<slug>/pact")
def pact(slug: str):
    fmt = check_query(("format",))
    data = pages.pact(db.session, pages.find_place(db.session, slug), utcnow())
    return _answer(fmt, data, lambda: (pages.PLEDGE_HEADER, pages.pledge_rows(data)),
                   f"pact-{slug}.csv")


@bp.route(f"{PREFIX}/case-reviews")
def case_reviews():
    """The ASB Case Review figures per year, as the public page /asb-case-review prints them."""
    from portal.casereviews.figures import FIELDS, yearly_figures
    from portal.casereviews.queries import every_case

    fmt = check_query(("format",))
    years = [y.as_dict() for y in yearly_figures(every_case(db.session))]
    return _answer(fmt, years, lambda: (list(FIELDS), [[y[f] for f in FIELDS] for y in years]),
                   "asb-case-reviews.csv")


@bp.route(f"{PREFIX}/openapi.json")
def openapi():
    check_query(())
    return cached_answer(jsonify(document()).get_data(), "application/json")


@bp.route(f"{PREFIX}/", defaults={"rest": ""})
@bp.route(f"{PREFIX}/<path:rest>")
def unknown(rest: str):
    """Any other address under /api/v1/ answers a JSON 404 naming the endpoints."""
    raise ApiError(404, "unknown_endpoint", f"There is no endpoint /api/v1/{rest}.",
                   [path for path, _example in endpoints()])


def endpoints() -> list[tuple[str, str]]:
    """(path template, example URL) of every endpoint, for the 404 and the /open-data page."""
    example_wave = pages.example_wave(db.session, today())
    example_place = pages.example_place(db.session)
    return [
        ("/api/v1/neighbourhoods", url_for("api.neighbourhoods")),
        ("/api/v1/waves", url_for("api.waves")),
        ("/api/v1/waves/{wave}/indicators", url_for("api.indicators", wave=example_wave)),
        ("/api/v1/waves/{wave}/indicators?neighbourhood={slug}",
         url_for("api.indicators", wave=example_wave, neighbourhood=example_place)),
        ("/api/v1/waves/{wave}/perception-gap?neighbourhood={slug}",
         url_for("api.perception_gap", wave=example_wave, neighbourhood=example_place)),
        ("/api/v1/neighbourhoods/{slug}/pact", url_for("api.pact", slug=example_place)),
        ("/api/v1/waves/{wave}/indicators?format=csv",
         url_for("api.indicators", wave=example_wave, format="csv")),
        ("/api/v1/case-reviews", url_for("api.case_reviews")),
        ("/api/v1/openapi.json", url_for("api.openapi")),
    ]


@bp.route("/open-data")
def open_data():
    return render_template("api/open_data.html", endpoints=endpoints())
