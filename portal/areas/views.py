"""Set-up pages for admins: the partnership's profile and logo (`portal.areas.profile`, as
`flask --app portal partnership set` does) and the partner agencies (added, renamed, retired,
as `flask --app portal agencies ...` does, through the same rules: `portal.areas.agencies`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from portal.areas.agencies import add_agency, rename_agency, restore_agency, retire_agency
from portal.areas.checklist import setup_steps
from portal.areas.forms import AgencyForm, ButtonForm, LogoForm, ProfileForm
from portal.areas.profile import LABELS, LOGO_MAX_BYTES, current_profile, save_logo, save_profile
from portal.areas.queries import agency_by_slug, every_agency
from portal.auth.access import staff_blueprint
from portal.core.extensions import db
from portal.core.mail import SIGN_OFF
from portal.core.refusals import refusals_to
from portal.core.request_checks import allow_upload
from portal.models import Agency, Role

bp = staff_blueprint("setup", __name__, roles=(Role.ADMIN,))


@bp.record_once
def _sign_mail(state) -> None:
    """Every e-mail ends with the partnership's name and contacts (`portal.core.mail.SIGN_OFF`)."""
    state.app.extensions[SIGN_OFF] = lambda: current_profile().sign_off


@bp.app_context_processor
def _partnership() -> dict:
    """`partnership` on every page and e-mail: its names and contacts (`portal.areas.profile`)."""
    return {"partnership": current_profile()}


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
    errors: list[str] = []
    if ButtonForm().validate_on_submit():
        with refusals_to(errors) as attempt:
            save_logo(db.session, None)
        if attempt:
            flash("Removed the logo.")
    for error in errors:
        flash(error)
    return redirect(url_for(".partnership"))


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
    errors: list[str] = []
    if ButtonForm().validate_on_submit():
        with refusals_to(errors) as attempt:
            retire_agency(db.session, agency)
        if attempt:
            flash(f"Retired {agency.name}: it is no longer offered for new issues and priorities.")
    for error in errors:
        flash(error)
    return redirect(url_for(".agencies"))


@bp.post("/agencies/<slug>/restore")
def restore(slug: str):
    agency = _agency_or_404(slug)
    errors: list[str] = []
    if ButtonForm().validate_on_submit():
        with refusals_to(errors) as attempt:
            restore_agency(db.session, agency)
        if attempt:
            flash(f"Restored {agency.name}.")
    for error in errors:
        flash(error)
    return redirect(url_for(".agencies"))
