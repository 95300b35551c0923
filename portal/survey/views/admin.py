"""Survey administration (blueprint ``admin``, under /admin): waves, the panel (admins only),
paper/phone imports (admins only) and exports.

Admins and analysts both reach this blueprint; views that change waves or touch panel members'
contact details also refuse analysts (403). Exports never contain panel identities or contact
details: they are built from responses alone (`portal.survey.frames`). Subject access and erasure,
also under /admin, are `portal.privacy.views`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from flask import Response as HttpResponse
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

import surveys
from analysis.errors import AnalysisError
from analysis.formatting import plural
from analysis.wave_weights import EXPORT_REPLICATES
from portal.areas.queries import neighbourhood_names
from portal.auth.access import requires, staff_blueprint
from portal.core import audit, jobs
from portal.core.clock import today, utcnow
from portal.core.extensions import db
from portal.core.links import public_url
from portal.core.refusals import refusals_to
from portal.core.request_checks import allow_upload
from portal.models import Role, Wave, WaveDesign, WaveState
from portal.questionnaires.versions import stored_versions, version_questionnaire
from portal.survey import fieldwork as monitor
from portal.survey import jobs as panel_jobs
from portal.survey import opt_out, queries
from portal.survey import panel as panel_rules
from portal.survey.forms import (
    ConfirmForm,
    DesignForm,
    FieldworkRemindersForm,
    ImportForm,
    OpenWaveForm,
    PanelUploadForm,
)
from portal.survey.frames import export_replicate_weights, export_weight_column, wave_frame
from portal.survey.queries import (
    DatasetError,
    response_counts,
    responses_by_language,
    responses_by_mode,
    wave_by_slug,
    wave_imports,
    waves_newest_first,
)
from portal.survey.responses import import_responses
from portal.survey.waves import open_wave, set_design, wave_questionnaire

bp = staff_blueprint("admin", __name__, roles=(Role.ADMIN, Role.ANALYST))

# An import's request carries the file plus the form around it (multipart headers, CSRF token).
IMPORT_FORM_OVERHEAD = 256 * 1024

EXPORT_TYPES: dict[str, tuple[str, Callable[..., bytes]]] = {
    "csv": ("text/csv; charset=utf-8", surveys.export_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", surveys.export_xlsx),
    "sav": ("application/x-spss-sav", surveys.export_sav),
}


def _wave_or_404(wave_slug: str) -> Wave:
    wave = wave_by_slug(db.session, wave_slug)
    if wave is None:
        abort(404)
    return wave


def _download(data: bytes, mimetype: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def waves():
    return render_template("survey/admin/waves.html", waves=waves_newest_first(db.session),
                           counts=response_counts(db.session), today=today())


@bp.route("/waves/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def new_wave():
    form = OpenWaveForm()
    versions = stored_versions(db.session)
    db.session.commit()  # the shipped versions stay loaded even if the wave below is refused
    form.questionnaire.choices = [(f"{row.slug}:{row.version}", row.label) for row in versions]
    if form.validate_on_submit():
        slug, version = form.questionnaire.data.rsplit(":", 1)
        opens_on, closes_on = form.opens_on.data, form.closes_on.data
        assert opens_on is not None and closes_on is not None  # required, and the form validated
        with refusals_to(form.form_errors) as attempt:
            wave = open_wave(db.session, slug=form.slug.data or "", name=form.name.data or "",
                             questionnaire_slug=slug, questionnaire_version=int(version),
                             opens_on=opens_on, closes_on=closes_on,
                             panel_mode=form.panel_mode.data, open_link_mode=form.open_link_mode.data,
                             design=WaveDesign(form.design.data))
        if attempt:
            flash(f"Wave {wave.name} has been set up.")
            return redirect(url_for("admin.wave", wave_slug=wave.slug))
    status = 400 if form.is_submitted() else 200  # here after a POST: invalid, or refused
    return render_template("survey/admin/wave_new.html", form=form, descriptions={
        f"{row.slug}:{row.version}": version_questionnaire(row).description
        for row in versions}), status


@bp.get("/waves/<wave_slug>")
def wave(wave_slug: str):
    wave = _wave_or_404(wave_slug)
    by_mode = responses_by_mode(db.session, wave)
    by_language = responses_by_language(db.session, wave)
    imports = wave_imports(db.session, wave)
    panel = queries.panel_counts(db.session, wave) if wave.panel_mode else None
    return render_template("survey/admin/wave.html", wave=wave, by_mode=by_mode, by_language=by_language,
                           total=sum(by_mode.values()),
                           imports=imports, panel=panel, state=wave.state_on(today()),
                           survey_link=public_url("survey.start", wave_slug=wave.slug),
                           replicates=EXPORT_REPLICATES,
                           design_form=DesignForm(design=wave.design.value))


@bp.post("/waves/<wave_slug>/design")
@requires(Role.ADMIN)
def change_design(wave_slug: str):
    wave = _wave_or_404(wave_slug)
    form = DesignForm()
    if not form.validate_on_submit():
        abort(400)
    if set_design(db.session, wave, WaveDesign(form.design.data)):
        db.session.commit()
        flash(f"{wave.name}: the sample is now “{wave.design.label.lower()}”. Its figures stay the "
              "same; their margins of error follow the new design.")
    return redirect(url_for(".wave", wave_slug=wave.slug))


@bp.get("/waves/<wave_slug>/template.csv")
def import_template(wave_slug: str):
    wave = _wave_or_404(wave_slug)
    questionnaire = wave_questionnaire(db.session, wave)
    data = surveys.csv_template(questionnaire, neighbourhood_names(db.session)).encode("utf-8-sig")
    return _download(data, "text/csv; charset=utf-8", f"voicebox-{wave.slug}-template.csv")


@bp.route("/waves/<wave_slug>/import", methods=["GET", "POST"])
@allow_upload(surveys.MAX_IMPORT_BYTES + IMPORT_FORM_OVERHEAD)
@requires(Role.ADMIN)
def import_file(wave_slug: str):
    wave = _wave_or_404(wave_slug)
    questionnaire = wave_questionnaire(db.session, wave)
    form = ImportForm()
    problems = ()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(surveys.MAX_IMPORT_BYTES + 1)
        filename = (upload.filename or "upload.csv").rsplit("/", 1)[-1]
        if len(data) > surveys.MAX_IMPORT_BYTES:
            form.file.errors.append("The file is larger than 5 MB; split it into smaller files")
        else:
            with refusals_to(form.form_errors) as attempt:
                survey_import = import_responses(db.session, wave, data, mode=form.mode.data,
                                                 filename=filename, imported_by_id=current_user.id)
            if attempt:
                imported = plural(survey_import.rows, f"{form.mode.data} response")
                flash(f"Imported {imported} from {filename}.")
                return redirect(url_for("admin.wave", wave_slug=wave.slug))
            problems = getattr(attempt.refusal, "problems", ())
    columns = surveys.import_columns(questionnaire, neighbourhood_names(db.session))
    return render_template("survey/admin/import.html", wave=wave, form=form, problems=problems,
                           columns=columns), 400 if form.form_errors else 200


@bp.get("/waves/<wave_slug>/export.csv")
def export_csv(wave_slug: str):
    return _export(wave_slug, "csv")


@bp.get("/waves/<wave_slug>/export.xlsx")
def export_xlsx(wave_slug: str):
    return _export(wave_slug, "xlsx")


@bp.get("/waves/<wave_slug>/export.sav")
def export_sav(wave_slug: str):
    return _export(wave_slug, "sav")


@bp.get("/waves/<wave_slug>/weighting.csv")
def export_weighting(wave_slug: str):
    """The weighting note of the CSV export: diagnostics and margins of the ``weight`` column."""
    wave = _wave_or_404(wave_slug)
    data = surveys.weighting_note_csv(export_weight_column(db.session, wave))
    return _download(data, "text/csv; charset=utf-8", f"voicebox-{wave.slug}-weighting.csv")


@bp.get("/waves/<wave_slug>/replicates.csv")
def export_replicates(wave_slug: str):
    """The dashboard's weight with bootstrap replicate weights (``repw_1..R``), by response id."""
    wave = _wave_or_404(wave_slug)
    try:
        data = export_replicate_weights(db.session, wave)
    except (AnalysisError, DatasetError) as error:
        flash(f"No replicate weights for {wave.name}: {error}")
        return redirect(url_for(".wave", wave_slug=wave.slug))
    audit.record(db.session, "survey_export", "wave", wave.slug, format="replicates")
    db.session.commit()
    return _download(data, "text/csv; charset=utf-8", f"voicebox-{wave.slug}-replicates.csv")


def _export(wave_slug: str, kind: str):
    wave = _wave_or_404(wave_slug)
    questionnaire = wave_questionnaire(db.session, wave)
    frame = wave_frame(db.session, wave, questionnaire)
    weights = export_weight_column(db.session, wave, frame)
    mimetype, writer = EXPORT_TYPES[kind]
    if kind == "csv":
        data = writer(questionnaire, frame, weights=weights)
    else:
        data = writer(questionnaire, frame, neighbourhood_names(db.session), weights=weights)
    audit.record(db.session, "survey_export", "wave", wave.slug, format=kind, rows=len(frame))
    db.session.commit()
    return _download(data, mimetype, f"voicebox-{wave.slug}.{kind}")


def _invitation_link(wave: Wave) -> str:
    """The absolute invitation URL (from PUBLIC_BASE_URL, never the request's Host) with
    `TOKEN_SLOT` where each member's token goes."""
    return public_url("survey.invitation", wave_slug=wave.slug, token=panel_jobs.TOKEN_SLOT)


@bp.route("/waves/<wave_slug>/panel", methods=["GET", "POST"])
@allow_upload(panel_rules.MAX_PANEL_BYTES + IMPORT_FORM_OVERHEAD)
@requires(Role.ADMIN)
def panel(wave_slug: str):
    wave = _wave_or_404(wave_slug)
    if not wave.panel_mode:
        abort(404)
    form = PanelUploadForm()
    problems: list = []
    if form.validate_on_submit():
        refused = _upload_panel(form, wave)
        if refused is None:
            return redirect(url_for("admin.panel", wave_slug=wave.slug))
        problems = refused
    counts = queries.panel_counts(db.session, wave)
    members = queries.member_page(db.session, wave, request.args.get("page", 1, type=int))
    bands = panel_rules.age_bands(wave_questionnaire(db.session, wave))
    return render_template("survey/admin/panel.html", wave=wave, form=form, problems=problems, counts=counts,
                           members=members, confirm=ConfirmForm(), state=wave.state_on(today()),
                           age_bands=bands, languages=current_app.config["LANGUAGES"]), \
        400 if form.form_errors else 200


def _upload_panel(form: PanelUploadForm, wave: Wave) -> list | None:
    """Add the uploaded file's members (all or nothing): None once added, else the problems found
    (the reason is on the form)."""
    data = form.file.data.read(panel_rules.MAX_PANEL_BYTES + 1)
    rows, problems = panel_rules.parse_panel_csv(
        data, neighbourhood_names(db.session), panel_rules.age_bands(wave_questionnaire(db.session, wave)),
        current_app.config["LANGUAGES"])
    if problems:
        form.form_errors.append("Nothing was added: fix the problems below and upload the whole file again.")
        return problems
    with refusals_to(form.form_errors) as attempt:
        added = panel_rules.add_panel_members(db.session, wave, rows, _address_key())
        audit.record(db.session, "panel_upload", "wave", wave.slug, added=added.added,
                     left_panel=added.left_panel)
    if attempt:
        flash(added.message())
        return None
    return getattr(attempt.refusal, "problems", [])


@bp.post("/waves/<wave_slug>/panel/invitations")
@requires(Role.ADMIN)
def send_invitations(wave_slug: str):
    wave = _wave_or_404(wave_slug)
    if not wave.panel_mode or not ConfirmForm().validate_on_submit():
        abort(400)
    count = queries.uninvited_count(db.session, wave)
    if not count:
        flash("Every panel member has already been invited.")
        return redirect(url_for("admin.panel", wave_slug=wave.slug))
    audit.record(db.session, "panel_invitations_sent", "wave", wave.slug, count=count)
    db.session.commit()
    jobs.enqueue("panel_invitations", wave.id, _invitation_link(wave))
    flash(f"Sending {plural(count, 'invitation')}. The counts below go up as they are sent.")
    return redirect(url_for("admin.panel", wave_slug=wave.slug))


@bp.get("/waves/<wave_slug>/panel/non-responders")
@requires(Role.ADMIN)
def non_responders(wave_slug: str):
    wave = _wave_or_404(wave_slug)
    if not wave.panel_mode:
        abort(404)
    if request.args.get("format") == "csv":
        return _non_responders_csv(wave)
    page = queries.member_page(db.session, wave, request.args.get("page", 1, type=int),
                                   only_non_responders=True)
    return render_template("survey/admin/non_responders.html", wave=wave, members=page,
                           to_remind=queries.non_responder_count(db.session, wave),
                           confirm=ConfirmForm(), state=wave.state_on(today()))


def _non_responders_csv(wave: Wave):
    """The members a reminder would go to (those who left the panel are not in it), as CSV."""
    members = queries.non_responders(db.session, wave)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["id", "email", "neighbourhood", "invited_at", "reminded_at"])
    for member in members:
        invitation = member.invitation
        assert invitation is not None  # non_responders joins each member's invitation
        writer.writerow([surveys.neutralise_formula(member.external_id),
                         surveys.neutralise_formula(member.email), member.neighbourhood.slug,
                         _iso(invitation.sent_at), _iso(invitation.reminded_at)])
    audit.record(db.session, "panel_non_responders_downloaded", "wave", wave.slug, count=len(members))
    db.session.commit()
    return _download(("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv; charset=utf-8",
                     f"voicebox-{wave.slug}-non-responders.csv")


def _iso(value) -> str:
    return value.isoformat() if value else ""


@bp.post("/waves/<wave_slug>/panel/reminders")
@requires(Role.ADMIN)
def send_reminders(wave_slug: str):
    wave = _wave_or_404(wave_slug)
    if not wave.panel_mode or not ConfirmForm().validate_on_submit():
        abort(400)
    if wave.state_on(today()) != WaveState.IN_FIELD:
        flash("Reminders can only be sent while the wave is open.")
        return redirect(url_for("admin.non_responders", wave_slug=wave.slug))
    count = queries.non_responder_count(db.session, wave)
    audit.record(db.session, "panel_reminders_sent", "wave", wave.slug, count=count)
    db.session.commit()
    jobs.enqueue("panel_reminders", wave.id, _invitation_link(wave), utcnow().isoformat())
    flash(f"Sending {plural(count, 'reminder')}. Each has a new link; the earlier links no longer work.")
    return redirect(url_for("admin.non_responders", wave_slug=wave.slug))


@bp.get("/waves/<wave_slug>/fieldwork")
def fieldwork(wave_slug: str):
    """The fieldwork monitor: responses against the population, and the projection to the close."""
    wave = _wave_or_404(wave_slug)
    page = monitor.fieldwork_page(db.session, wave, today())
    form = _reminders_form(page)
    return render_template("survey/admin/fieldwork.html", page=page, wave=wave, form=form,
                           will_send=_will_send(page, form))


def _reminders_form(page: monitor.FieldworkPage) -> FieldworkRemindersForm:
    """The reminders form, the neighbourhoods (and age bands) furthest below their share ticked
    unless posted."""
    form = FieldworkRemindersForm()
    form.neighbourhoods.choices = page.places
    form.age_bands.choices = list(page.bands.items()) if page.panel_has_bands else []
    if not form.is_submitted():
        form.neighbourhoods.data = [slug for slug, _ in page.places
                                    if slug in page.below_share and page.to_remind.get(slug)]
        form.age_bands.data = [band for band in page.below_share_bands
                               if page.panel_has_bands and page.to_remind_by_band.get(band)]
    return form


def _will_send(page: monitor.FieldworkPage, form: FieldworkRemindersForm) -> int:
    """The reminders the ticked choice would send, as the page shows it before sending."""
    return page.reminders_for(list(form.neighbourhoods.data or []), list(form.age_bands.data or []))


@bp.post("/waves/<wave_slug>/fieldwork/reminders")
@requires(Role.ADMIN)
def fieldwork_reminders(wave_slug: str):
    """Remind only the non-responders in the neighbourhoods (and age bands) chosen on the monitor;
    the "Count the reminders" button shows how many that would be and sends nothing."""
    wave = _wave_or_404(wave_slug)
    page = monitor.fieldwork_page(db.session, wave, today())
    form = _reminders_form(page)
    if form.validate_on_submit() and form.count.data:
        return _count_reminders(page, form)
    if form.validate_on_submit():
        with refusals_to(form.form_errors) as attempt:
            sent = monitor.targeted_reminders(db.session, wave, list(form.neighbourhoods.data or []),
                                              today(), list(form.age_bands.data or []))
        if attempt:
            db.session.commit()
            jobs.enqueue("panel_reminders", wave.id, _invitation_link(wave), utcnow().isoformat(),
                         sent.neighbourhood_ids, sent.age_bands)
            flash(monitor.round_message(sent, page.bands))
            return redirect(url_for("admin.fieldwork", wave_slug=wave.slug))
    return render_template("survey/admin/fieldwork.html", page=page, wave=wave, form=form,
                           will_send=_will_send(page, form)), 400


def _count_reminders(page: monitor.FieldworkPage, form: FieldworkRemindersForm):
    """The monitor again with the count of the posted choice, checked as sending checks it."""
    with refusals_to(form.form_errors) as attempt:
        will_send = monitor.reminders_preview(db.session, page, list(form.neighbourhoods.data or []),
                                              list(form.age_bands.data or []), today())
    if not attempt:
        will_send = _will_send(page, form)
    return render_template("survey/admin/fieldwork.html", page=page, wave=page.wave, form=form,
                           will_send=will_send, counted=bool(attempt)), 200 if attempt else 400


def _address_key() -> str:
    """The key of the panel's address hashes (who left the panel)."""
    return opt_out.Keys.from_config(current_app.config).address
