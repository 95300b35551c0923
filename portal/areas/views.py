"""Set-up pages for admins: the partnership's profile and logo (`portal.areas.profile`, as
`flask --app portal partnership set` does) and the partner agencies (added, renamed, retired,
as `flask --app portal agencies ...` does, through the same rules: `portal.areas.agencies`), the
ONS files of the areas and the area covariates of the small-area model."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.areas.agencies import (
    RESTORED,
    RETIRED,
    add_agency,
    rename_agency,
    restore_agency,
    retire_agency,
)
from portal.areas.checklist import setup_steps
from portal.areas.covariate_files import read_covariate_table, read_deprivation
from portal.areas.covariates import import_covariates, remove_covariate
from portal.areas.files import (
    AreaFileError,
    read_ethnicity,
    read_neighbourhood_lookup,
    read_population,
    read_rural_urban,
)
from portal.areas.forms import (
    AgencyForm,
    AreaClassForm,
    ButtonForm,
    CovariateFileForm,
    LogoForm,
    NeighbourhoodFilesForm,
    PopulationFileForm,
    PostcodeFileForm,
    ProfileForm,
)
from portal.areas.importing import (
    ethnicity_source,
    import_neighbourhoods,
    import_population,
    partnership_lsoas,
    questionnaire_age_bands,
    set_area_class,
)
from portal.areas.jobs import queue_postcode_import, start_postcode_import
from portal.areas.profile import LABELS, LOGO_MAX_BYTES, current_profile, save_logo, save_profile
from portal.areas.queries import (
    agency_by_slug,
    all_neighbourhoods,
    every_agency,
    loaded_covariates,
    neighbourhood_or_404,
    population_sources,
)
from portal.auth.access import staff_blueprint
from portal.core import audit
from portal.core.clock import utcnow
from portal.core.extensions import db
from portal.core.mail import SIGN_OFF
from portal.core.refusals import refusals_to
from portal.core.request_checks import allow_upload
from portal.models import Agency, CovariateFile, PostcodeImport, Role

bp = staff_blueprint("setup", __name__, roles=(Role.ADMIN,))


@bp.record_once
def _sign_mail(state) -> None:
    """Every e-mail ends with the partnership's name and contacts (`portal.core.mail.SIGN_OFF`)."""
    state.app.extensions[SIGN_OFF] = lambda: current_profile().sign_off


@bp.app_context_processor
def _partnership() -> dict:
    """`partnership` on every page and e-mail: its names and contacts (`portal.areas.profile`)."""
    return {"partnership": current_profile()}


# A lookup or the estimates are a few MB; a region's postcode file tens of MB (the national file,
# about 1 GB, is the command line's: flask --app portal areas import-postcodes).
AREA_FILE_BYTES = 20 * 1024 * 1024
POSTCODE_FILE_BYTES = 1536 * 1024 * 1024  # the national NSPL CSV is about 1 GB


def _text(upload) -> io.TextIOWrapper:
    """An uploaded file as the readers take it: UTF-8 (a byte-order mark allowed), read as needed."""
    return io.TextIOWrapper(upload.stream, encoding="utf-8-sig", newline="")


def _filename(upload, default: str) -> str:
    return (upload.filename or default).rsplit("/", 1)[-1][:120]


def _areas_page(problems=(), status: int = 200, **forms):
    forms = {"files": NeighbourhoodFilesForm(formdata=None), "postcodes": PostcodeFileForm(formdata=None),
             "population": PopulationFileForm(formdata=None), **forms}
    return render_template("areas/areas.html", problems=problems, steps=setup_steps(db.session),
                           places=all_neighbourhoods(db.session), class_form=AreaClassForm,
                           sources=population_sources(db.session), **forms), status


@bp.get("/areas")
def areas():
    return _areas_page()


def _import(form, run, key: str):
    """Run an import from the form's files: a flash and back to the page, or its problems (400)."""
    if not form.validate_on_submit():
        return _areas_page(status=400, **{key: form})
    try:
        outcome = run()
    except AreaFileError as error:
        db.session.rollback()
        form.form_errors.append("Nothing was imported: fix the problems below and upload the "
                                "whole file again.")
        return _areas_page(error.problems, 400, **{key: form})
    db.session.commit()
    flash(outcome.describe())
    return redirect(url_for(".areas"))


@bp.post("/areas/neighbourhoods")
@allow_upload(2 * AREA_FILE_BYTES, fields=("lookup", "rural_urban"))
def upload_neighbourhoods():
    form = NeighbourhoodFilesForm()

    def run():
        lookup = read_neighbourhood_lookup(_text(form.lookup.data),
                                           _filename(form.lookup.data, "lookup.csv"))
        extra = form.rural_urban.data
        rural = (read_rural_urban(_text(extra), _filename(extra, "rural-urban.csv"))
                 if extra and extra.filename else None)
        return import_neighbourhoods(db.session, lookup, rural)
    return _import(form, run, "files")


@bp.post("/areas/postcodes")
@allow_upload(POSTCODE_FILE_BYTES, fields=("postcodes",))
def upload_postcodes():
    """The postcode file is saved and read by a background job (the national file is a
    gigabyte); the next page shows how far it has got."""
    form = PostcodeFileForm()
    if not form.validate_on_submit():
        return _areas_page(status=400, postcodes=form)
    if not partnership_lsoas(db.session):
        form.postcodes.errors = ["No neighbourhoods are set up yet: load the LSOA lookup first "
                                 "(step 1), so the postcodes can be matched to them."]
        return _areas_page(status=400, postcodes=form)
    upload = form.postcodes.data
    run = start_postcode_import(db.session, upload, _filename(upload, "postcodes.csv"),
                                current_app.config["UPLOADS_DIR"], current_user.id)
    audit.record(db.session, "areas_postcodes_uploaded", "areas", "postcodes",
                 filename=run.filename, size=run.bytes_total)
    db.session.commit()
    queue_postcode_import(run.id)
    return redirect(url_for(".postcode_import", run_id=run.id))


# Nothing written for this long: the job's process stopped (a restart, or no worker running).
STALLED = timedelta(minutes=10)


@bp.get("/areas/postcodes/<int:run_id>")
def postcode_import(run_id: int):
    run = db.session.get(PostcodeImport, run_id)
    if run is None:
        abort(404)
    stalled = not run.finished and utcnow() - run.updated_at > STALLED
    response = Response(render_template("areas/postcode_import.html", run=run, stalled=stalled))
    if not run.finished and not stalled:
        response.headers["Refresh"] = "2"  # the page follows the job by itself, without script
    return response


@bp.post("/areas/population")
@allow_upload(2 * AREA_FILE_BYTES, fields=("population", "ethnicity"))
def upload_population():
    form = PopulationFileForm()

    def run():
        upload = form.population.data
        name = _filename(upload, "population.csv")
        populations, column = read_population(_text(upload), name)
        census = form.ethnicity.data
        ethnicity, census_name = None, ""
        if census and census.filename:
            census_name = _filename(census, "ethnicity.csv")
            ethnicity = read_ethnicity(_text(census), census_name)
        return import_population(db.session, populations, questionnaire_age_bands(db.session),
                                 f"ONS mid-year population estimates by LSOA ({name}, {column})",
                                 ethnicity, ethnicity_source(census_name))
    return _import(form, run, "population")


def _covariates_page(form: CovariateFileForm, problems=(), status: int = 200):
    return render_template("areas/covariates.html", form=form, problems=problems,
                           covariates=loaded_covariates(db.session),
                           button=ButtonForm(formdata=None)), status


@bp.get("/areas/covariates")
def covariates():
    return _covariates_page(CovariateFileForm(formdata=None))


@bp.post("/areas/covariates")
@allow_upload(AREA_FILE_BYTES, fields=("covariate",))
def upload_covariate():
    form = CovariateFileForm()
    if not form.validate_on_submit():
        return _covariates_page(form, status=400)
    upload, when = form.covariate.data, form.source_date.data
    assert when is not None  # DataRequired
    name, kind = _filename(upload, "covariate.csv"), CovariateFile(form.kind.data)
    try:
        table = (read_covariate_table(_text(upload), name, form.column.data or None)
                 if kind is CovariateFile.TABLE
                 else read_deprivation(_text(upload), name, kind, form.column.data or None))
        outcome = import_covariates(db.session, table, form.source.data or "", when,
                                    name, current_user)
    except AreaFileError as error:
        db.session.rollback()
        form.form_errors.append("Nothing was loaded: fix the problems below and upload the whole "
                                "file again.")
        return _covariates_page(form, error.problems, 400)
    db.session.commit()
    flash(outcome.describe())
    return redirect(url_for(".covariates"))


@bp.post("/areas/covariates/<covariate>/remove")
def remove_covariate_view(covariate: str):
    return _on_button(lambda: remove_covariate(db.session, covariate, current_user),
                      lambda: f"Removed the covariate {covariate}.", ".covariates")


@bp.post("/areas/<slug>/class")
def area_class(slug: str):
    place = neighbourhood_or_404(db.session, slug)
    form = AreaClassForm()
    errors: list[str] = []
    if form.validate_on_submit():
        chosen = None if form.area_class.data == "ons" else form.area_class.data
        with refusals_to(errors) as attempt:
            set_area_class(db.session, place, chosen)
        if attempt:
            flash(f"{place.name} is {place.area_class}"
                  + (" (set here, kept over imports)." if chosen else
                     "; the next import of the rural-urban file classes it."))
    for error in errors + [e for field in form for e in field.errors]:
        flash(error)
    return redirect(url_for(".areas"))


@bp.get("/")
def checklist():
    return render_template("areas/checklist.html", steps=setup_steps(db.session))


def _profile_page(form: ProfileForm, logo_form: LogoForm, errors: list[str], status: int = 200):
    return render_template("areas/partnership.html", form=form, logo_form=logo_form,
                           errors=errors, button=ButtonForm(formdata=None)), status


@bp.route("/partnership", methods=["GET", "POST"])
def partnership():
    form = ProfileForm()
    errors: list[str] = []
    if form.validate_on_submit():
        with refusals_to(errors) as attempt:
            save_profile(db.session, {name: getattr(form, name).data for name in LABELS})
        if attempt:
            flash("Saved the partnership's profile: every page, e-mail, report and feed uses it.")
            return redirect(url_for(".partnership"))
        field = getattr(attempt.refusal, "field", None)
        if field:  # the message goes beside its field, as the form's own checks' do
            getattr(form, field).errors = [errors.pop()]
    elif not form.is_submitted():
        current = current_profile()
        form = ProfileForm(formdata=None, data={name: getattr(current, name) for name in LABELS}
                           if current.set_up else None)
    return _profile_page(form, LogoForm(formdata=None), errors,
                         400 if errors or form.errors else 200)


@bp.post("/partnership/logo")
@allow_upload(LOGO_MAX_BYTES + 16 * 1024, fields=("logo",))
def upload_logo():
    form = LogoForm()
    errors: list[str] = []
    if form.validate_on_submit():
        with refusals_to(errors) as attempt:
            save_logo(db.session, form.logo.data.read(LOGO_MAX_BYTES + 1))
        if attempt:
            flash("Saved the logo.")
            return redirect(url_for(".partnership"))
    current = current_profile()
    profile_form = ProfileForm(formdata=None, data={name: getattr(current, name) for name in LABELS})
    return _profile_page(profile_form, form, errors, 400)


@bp.post("/partnership/logo/remove")
def remove_logo():
    return _on_button(lambda: save_logo(db.session, None), lambda: "Removed the logo.",
                      ".partnership")


def _agency_or_404(slug: str) -> Agency:
    agency = agency_by_slug(db.session, slug)
    if agency is None:
        abort(404)
    return agency


def _agencies_page(form: AgencyForm, renaming: Agency | None = None,
                   rename_form: AgencyForm | None = None, status: int = 200):
    return render_template("areas/agencies.html", agencies=every_agency(db.session), form=form,
                           renaming=renaming, rename_form=rename_form,
                           button=ButtonForm(formdata=None)), status


@bp.route("/agencies", methods=["GET", "POST"])
def agencies():
    form = AgencyForm()
    if form.validate_on_submit():
        with refusals_to(form.name.errors) as attempt:
            agency = add_agency(db.session, form.name.data or "")
        if attempt:
            flash(f"Added {agency.name}.")
            return redirect(url_for(".agencies"))
    elif not form.is_submitted():
        form = AgencyForm(formdata=None)
    return _agencies_page(form, status=400 if form.errors else 200)


@bp.route("/agencies/<slug>/rename", methods=["GET", "POST"])
def rename(slug: str):
    agency = _agency_or_404(slug)
    form = AgencyForm()
    if form.validate_on_submit():
        with refusals_to(form.name.errors) as attempt:
            rename_agency(db.session, agency, form.name.data or "")
        if attempt:
            flash(f"{slug} is now called {agency.name}.")
            return redirect(url_for(".agencies"))
    elif not form.is_submitted():
        form = AgencyForm(formdata=None, name=agency.name)
    return _agencies_page(AgencyForm(formdata=None), agency, form,
                          status=400 if form.errors else 200)


@bp.post("/agencies/<slug>/retire")
def retire(slug: str):
    agency = _agency_or_404(slug)
    return _on_button(lambda: retire_agency(db.session, agency),
                      lambda: RETIRED.format(name=agency.name), ".agencies")


@bp.post("/agencies/<slug>/restore")
def restore(slug: str):
    agency = _agency_or_404(slug)
    return _on_button(lambda: restore_agency(db.session, agency),
                      lambda: RESTORED.format(name=agency.name), ".agencies")


def _on_button(change: Callable[[], object], done: Callable[[], str], back: str):
    """A button-only POST: run `change` in one transaction, flash what was done (or the refusal)
    and go back to the page."""
    errors: list[str] = []
    if ButtonForm().validate_on_submit():
        with refusals_to(errors) as attempt:
            change()
        if attempt:
            flash(done())
    for error in errors:
        flash(error)
    return redirect(url_for(back))
