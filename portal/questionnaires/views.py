"""Questionnaire versions in the admin pages (blueprint ``questionnaires``, /admin/questionnaires):
every published version, its questions, what changed from the version before, its YAML file; a
file uploaded as a new version (admins); a changed standard question marked comparable (analysts
and admins)."""

from __future__ import annotations

from flask import Response as HttpResponse
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.auth.access import requires, staff_blueprint
from portal.core.extensions import db
from portal.core.refusals import refusals_to
from portal.core.request_checks import allow_upload
from portal.models import Questionnaire, Role
from portal.questionnaires import queries
from portal.questionnaires.forms import MAX_DEFINITION_BYTES, ComparableForm, DefinitionUploadForm
from portal.questionnaires.pages import version_page
from portal.questionnaires.versions import (
    VersionRefused,
    import_file,
    mark_comparable,
    stored_versions,
)
from surveys.documents import document_yaml

bp = staff_blueprint("questionnaires", __name__, roles=(Role.ADMIN, Role.ANALYST))


def _version_or_404(version_id: int) -> Questionnaire:
    row = queries.version_by_id(db.session, version_id)
    if row is None:
        abort(404)
    return row


@bp.get("/")
def index():
    versions = stored_versions(db.session)
    db.session.commit()  # the shipped definitions, loaded on first use, stay loaded
    return render_template("questionnaires/index.html", versions=versions,
                           waves=queries.wave_counts(db.session), form=DefinitionUploadForm(),
                           problems=())


@bp.route("/import", methods=["POST"])
@allow_upload(MAX_DEFINITION_BYTES + 64 * 1024)
@requires(Role.ADMIN)
def upload():
    form = DefinitionUploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_DEFINITION_BYTES + 1)
        filename = (upload.filename or "questionnaire.yaml").rsplit("/", 1)[-1]
        if len(data) > MAX_DEFINITION_BYTES:
            form.file.errors.append("The file is larger than 512 KB")
        else:
            with refusals_to(form.form_errors) as attempt:
                row = import_file(db.session, data, filename, actor=current_user)
            if attempt:
                flash(f"{row.label} has been added.")
                if row.standard_changes:
                    flash("It changes standard questions (" + ", ".join(row.standard_changes)
                          + "): their figures will no longer compare with earlier waves or "
                          "national measures, and their indicators are withheld until an analyst "
                          "marks the change comparable.")
                return redirect(url_for("questionnaires.version", version_id=row.id))
            if isinstance(attempt.refusal, VersionRefused):
                problems = attempt.refusal.problems
    return render_template("questionnaires/index.html", versions=queries.versions(db.session),
                           waves=queries.wave_counts(db.session), form=form,
                           problems=problems), 400


@bp.get("/<int:version_id>")
def version(version_id: int):
    row = _version_or_404(version_id)
    return render_template("questionnaires/version.html", page=version_page(db.session, row),
                           form=_comparable_form(row))


def _comparable_form(row: Questionnaire) -> ComparableForm:
    form = ComparableForm()
    marked = {c.question_id for c in queries.comparable_changes(db.session, row.id)}
    form.question.choices = [(q, q) for q in row.standard_changes or [] if q not in marked]
    return form


@bp.post("/<int:version_id>/comparable")
def comparable(version_id: int):
    row = _version_or_404(version_id)
    form = _comparable_form(row)
    if form.validate_on_submit():
        with refusals_to(form.form_errors) as attempt:
            mark_comparable(db.session, row, form.question.data or "", form.reason.data or "",
                            actor=current_user)
        if attempt:
            flash(f"{form.question.data} is marked as comparable: its indicators are computed "
                  "for waves on this version.")
            return redirect(url_for("questionnaires.version", version_id=row.id))
    return render_template("questionnaires/version.html", page=version_page(db.session, row),
                           form=form), 400


@bp.get("/<int:version_id>/questionnaire.yaml")
def download(version_id: int):
    row = _version_or_404(version_id)
    response = HttpResponse(document_yaml(row.definition), mimetype="application/yaml")
    response.headers["Content-Disposition"] = (f'attachment; filename="{row.slug}.v{row.version}'
                                               '.yaml"')
    response.headers["Cache-Control"] = "no-store"
    return response
