"""Analyst pages: the dashboard, CSV/XLSX downloads, one neighbourhood's PDF and the batch of a wave.

Views parse the choice, call one plain function (`portal.analyst.pages`, `portal.reports.jobs`)
and render. Estimates come from the wave analysis cached per wave and data version, so moving
between neighbourhoods and indicators does not re-weight the wave.
"""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from analysis.formatting import plural
from analysis.report import HEADLINE_ID, REPORT_CATALOGUE, available_indicators
from portal.analyst.forms import (
    AUTHORITY,
    BatchForm,
    ChoiceForm,
    ModelChoiceForm,
    ModelIndicatorForm,
    NeighbourhoodPdfForm,
)
from portal.analyst.pages import (
    build_dashboard,
    build_model_page,
    last_two_years_table,
    national_rows,
    table_rows,
    to_csv,
    to_xlsx,
)
from portal.areas.queries import all_neighbourhoods
from portal.auth.access import staff_blueprint
from portal.comparators.table import current_comparators
from portal.comparators.wordings import wave_wordings
from portal.core import clock
from portal.core.clock import utcnow
from portal.core.extensions import db
from portal.core.http import download
from portal.core.refusals import Refusal, refusals_to
from portal.crime.fear import fear_and_recorded_crime
from portal.models import Neighbourhood, ReportRun, Role, WaveState
from portal.reports.cache import analysis_cache
from portal.reports.data import ReportError, WaveNotReady
from portal.reports.jobs import (
    build_neighbourhood_pdf,
    start_batch,
    verified_bytes,
)
from portal.reports.queries import model_choice, recent_runs, run_file
from portal.reports.small_areas import (
    covariate_label,
    covariate_names,
    fit_indicator,
    indicator_model,
    modelled_indicators,
    published_indicators,
    save_model_choice,
    saved_choices,
)
from portal.survey.queries import response_counts, wave_by_slug, waves_newest_first

bp = staff_blueprint("analyst", __name__, roles=(Role.ANALYST, Role.ADMIN))

RECENT_RUNS = 15


def _wave_choices(today: date | None = None) -> list[tuple[str, str]]:
    """Every wave, newest first, with its responses; a wave still open says it is in the field."""
    today = today or clock.today()
    counts = response_counts(db.session)
    waves = waves_newest_first(db.session)
    return [(w.slug, f"{w.name} ({plural(counts.get(w.id, 0), 'response')}"
                     f"{', in the field' if w.state_on(today) == WaveState.IN_FIELD else ''})")
            for w in waves]


class ChoiceError(Refusal):
    """A choice in the query string that does not exist; the message names the valid ones."""


def _choose(form: ChoiceForm, places: list[Neighbourhood]):
    """(analysis, area slug or None, indicator id) from the form, or ChoiceError."""
    try:
        analysis = analysis_cache().get(db.session, form.wave.data or None)
    except WaveNotReady:
        raise  # not a wrong choice: the dashboard explains it
    except ReportError as error:
        raise ChoiceError(str(error)) from None
    area = form.area.data or AUTHORITY
    slugs = {p.slug for p in places}
    if area != AUTHORITY and area not in slugs:
        raise ChoiceError(f"Unknown neighbourhood {area!r}. Choose from: {AUTHORITY}, "
                          + ", ".join(sorted(slugs)))
    known = available_indicators(analysis)
    indicator = form.indicator.data or ("ni21" if "ni21" in known or not known else known[0])
    if indicator in analysis.withheld:
        raise ChoiceError(f"{REPORT_CATALOGUE[indicator].label} is withheld for this wave: its "
                          "questionnaire version changed the question's wording or codes, so the "
                          "figure would not compare with earlier waves or national measures. An "
                          "analyst can mark the change comparable on the questionnaire's page.")
    if indicator not in known:
        raise ChoiceError(f"Unknown indicator {indicator!r}. Choose from: {', '.join(known)}")
    return analysis, (None if area == AUTHORITY else area), indicator


def _fill_choices(form: ChoiceForm, places, indicators) -> None:
    form.wave.choices = _wave_choices()
    form.area.choices = [(AUTHORITY, "The whole authority")] + [(p.slug, p.name) for p in places]
    form.indicator.choices = [(i, REPORT_CATALOGUE[i].label) for i in indicators]


@bp.route("/")
def dashboard():
    places = all_neighbourhoods(db.session)
    form = ChoiceForm(request.args)
    try:
        analysis, area, indicator = _choose(form, places)
    except WaveNotReady as waiting:
        return _waiting_page(form, places, waiting)
    except ChoiceError as error:
        _fill_choices(form, places, list(REPORT_CATALOGUE))
        return render_template("analyst/dashboard.html", form=form, problem=str(error),
                               view=None, runs=_recent_runs(), pdf_form=None,
                               batch_form=None), 404
    form.wave.data, form.area.data, form.indicator.data = (analysis.wave.slug,
                                                           area or AUTHORITY, indicator)
    _fill_choices(form, places, available_indicators(analysis))
    view = build_dashboard(analysis, area, indicator)
    pdf_form = NeighbourhoodPdfForm(formdata=None, wave=analysis.wave.slug,
                                    neighbourhood=area or places[0].slug if places else "")
    pdf_form.neighbourhood.choices = [(p.slug, p.name) for p in places]
    batch_form = BatchForm(formdata=None, wave=analysis.wave.slug)
    query = {"wave": analysis.wave.slug, "area": area or AUTHORITY, "indicator": indicator}
    model = (indicator_model(db.session, analysis, indicator)
             if indicator in published_indicators(db.session, analysis) else None)
    return render_template("analyst/dashboard.html", form=form, problem=None, view=view,
                           analysis=analysis, query=query, pdf_form=pdf_form, model=model,
                           covariate_label=covariate_label,
                           covariate_names=covariate_names(db.session) if model else {},
                           model_page=indicator in modelled_indicators(analysis),
                           batch_form=batch_form, runs=_recent_runs(),
                           last_two_years=(last_two_years_table(analysis)
                                           if analysis.wave.closes_on < clock.today() else None),
                           national=(national_rows(analysis, current_comparators(db.session),
                                                   wave_wordings(db.session, analysis.wave.slug))
                                     if area is None else None),
                           **fear_and_recorded_crime(db.session, analysis, area))


def _waiting_page(form: ChoiceForm, places, waiting: WaveNotReady):
    """A wave with no estimates yet (none or too few responses): why, and its raw counts."""
    form.wave.data = waiting.wave_slug
    _fill_choices(form, places, list(REPORT_CATALOGUE))
    return render_template("analyst/dashboard.html", form=form, problem=None, view=None,
                           waiting=waiting, runs=_recent_runs(), pdf_form=None, batch_form=None)


def _download(kind: str):
    places = all_neighbourhoods(db.session)
    form = ChoiceForm(request.args)
    try:
        analysis, area, indicator = _choose(form, places)
    except WaveNotReady as waiting:  # nothing estimated yet: the message says why and when
        abort(Response(str(waiting) + "\n", 409, mimetype="text/plain"))
    except ChoiceError as error:
        abort(Response(str(error) + "\n", 404, mimetype="text/plain"))
    rows = table_rows(analysis, area, indicator)
    stem = f"voicebox-{analysis.wave.slug}-{area or AUTHORITY}-{indicator}"
    return download(to_csv(rows) if kind == "csv" else to_xlsx(rows), f"{stem}.{kind}")


@bp.route("/estimates.csv")
def estimates_csv():
    return _download("csv")


@bp.route("/estimates.xlsx")
def estimates_xlsx():
    return _download("xlsx")


@bp.route("/reports/neighbourhood", methods=["POST"])
def neighbourhood_pdf():
    form = NeighbourhoodPdfForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        file = build_neighbourhood_pdf(db.session, form.wave.data or None,
                                       form.neighbourhood.data, current_user)
        data = verified_bytes(db.session, file)
    except ReportError as error:
        flash(str(error))
        return redirect(url_for(".dashboard", wave=form.wave.data))
    response = download(data, file.filename, etag=file.checksum)
    response.headers["X-Checksum-SHA256"] = file.checksum
    return response


@bp.route("/reports/batch", methods=["POST"])
def batch():
    form = BatchForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        run = start_batch(db.session, form.wave.data or None, current_user)
    except ReportError as error:
        flash(str(error))
        return redirect(url_for(".dashboard"))
    return redirect(url_for(".report_run", report_id=run.id))


def _recent_runs() -> list[ReportRun]:
    return recent_runs(db.session, RECENT_RUNS)


@bp.route("/reports/")
def report_runs():
    return render_template("analyst/runs.html", runs=_recent_runs())


@bp.route("/reports/<int:report_id>")
def report_run(report_id: int):
    run = db.session.get(ReportRun, report_id)
    if run is None:
        abort(404)
    interrupted = run.interrupted(utcnow())
    response = Response(render_template("analyst/run.html", run=run, interrupted=interrupted))
    if not run.finished and not interrupted:
        # The page refreshes itself while the batch runs (no script: the CSP forbids inline JS).
        response.headers["Refresh"] = "2"
    return response


@bp.route("/reports/<int:report_id>/<filename>")
def report_file(report_id: int, filename: str):
    file = run_file(db.session, report_id, filename)
    if file is None:
        abort(404)
    try:
        data = verified_bytes(db.session, file)
    except ReportError as error:
        flash(str(error))
        return redirect(url_for(".report_run", report_id=report_id))
    return download(data, file.filename, etag=file.checksum)



@bp.route("/waves/<wave_slug>/model", methods=["GET", "POST"])
def model_page(wave_slug: str):
    """The small-area model of one indicator (?indicator=): its diagnostics, the plot of direct
    against model estimates, and the covariates to tick (POST saves them with the wave)."""
    wave = wave_by_slug(db.session, wave_slug)
    if wave is None:
        abort(404)
    try:
        analysis = analysis_cache().get(db.session, wave.slug)
    except ReportError as error:  # WaveNotReady too: no responses, or too few, to model
        return render_template("analyst/model.html", wave=wave, page=None, problem=str(error),
                               form=None, choose=None), 409
    known = modelled_indicators(analysis)
    choose = ModelIndicatorForm(request.args)
    choose.indicator.choices = [(i, REPORT_CATALOGUE[i].label) for i in known]
    indicator = choose.indicator.data or (HEADLINE_ID if HEADLINE_ID in known or not known
                                          else known[0])
    if indicator not in known:
        return render_template("analyst/model.html", wave=wave, page=None, form=None,
                               choose=choose, problem=f"No model is fitted to {indicator!r}. "
                               f"Choose from: {', '.join(known) or 'none'}"), 404
    choose.indicator.data = indicator
    form = ModelChoiceForm()
    errors: list[str] = []
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        with refusals_to(errors) as attempt:
            save_model_choice(db.session, wave, analysis, indicator, form.covariates.data or [],
                              current_user)
        if attempt:
            flash(f"Saved the covariates of {REPORT_CATALOGUE[indicator].label} for {wave.name}.")
            return redirect(url_for(".model_page", wave_slug=wave.slug, indicator=indicator))
    fit = fit_indicator(db.session, analysis, indicator,
                        saved_choices(db.session, analysis).get(indicator))
    page = build_model_page(fit, analysis, known,
                            indicator in published_indicators(db.session, analysis))
    form.covariates.choices = [(o.name, o.label) for o in page.options]
    form.covariates.data = [o.name for o in page.options if o.checked]
    return render_template("analyst/model.html", wave=wave, page=page, form=form, choose=choose,
                           problem=errors[0] if errors else None,
                           saved=model_choice(db.session, wave.id, indicator)), (
        400 if errors else 200)
