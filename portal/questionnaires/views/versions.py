"""Questionnaire versions: every published version, its questions, what changed from the
version before, its YAML file; a file uploaded as a new version (admins); a translators' file
(admins); a changed standard question marked comparable (analysts and admins)."""

from __future__ import annotations

from flask import Response as HttpResponse
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.auth.access import requires
from portal.core.extensions import db
from portal.core.refusals import refusals_to
from portal.core.request_checks import allow_upload
from portal.models import Questionnaire, Role
from portal.questionnaires import queries
from portal.questionnaires.forms import (
    MAX_DEFINITION_BYTES,
    ComparableForm,
    DefinitionUploadForm,
    TranslationUploadForm,
)
from portal.questionnaires.pages import version_page
from portal.questionnaires.translations import TranslationFileRefused, coverage, store_file
from portal.questionnaires.versions import (
    VersionRefused,
    import_file,
    mark_comparable,
    stored_versions,
    version_questionnaire,
)
from portal.questionnaires.views import bp, version_or_404
from surveys.documents import document_yaml
from surveys.translations import header_language, strings_csv


def _uploaded(form: DefinitionUploadForm | TranslationUploadForm,
              default_name: str) -> tuple[bytes, str] | None:
    """The submitted file's bytes and name; None when the form was not submitted or is invalid,
    or (with the error on the field) when the file is over the limit."""
    if not form.validate_on_submit():
        return None
    upload = form.file.data
    data = upload.read(MAX_DEFINITION_BYTES + 1)
    if len(data) > MAX_DEFINITION_BYTES:
        form.file.errors.append("The file is larger than 512 KB")
        return None
    return data, (upload.filename or default_name).rsplit("/", 1)[-1]


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
    uploaded = _uploaded(form, "questionnaire.yaml")
    if uploaded:
        data, filename = uploaded
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
    row = version_or_404(version_id)
    return render_template("questionnaires/version.html", page=version_page(db.session, row),
                           form=_comparable_form(row), coverage=_coverage(row))


def _coverage(row: Questionnaire):
    return coverage(db.session, row, tuple(current_app.config["LANGUAGES"]))


@bp.get("/<int:version_id>/strings.<language>.csv")
def strings_download(version_id: int, language: str):
    row = version_or_404(version_id)
    if language == "en" or language not in current_app.config["LANGUAGES"]:
        abort(404)
    text = strings_csv(version_questionnaire(row), language,
                       queries.translations(db.session, row.id, language))
    response = HttpResponse(text.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Disposition"] = (f'attachment; filename="{row.slug}.v{row.version}'
                                               f'.{language}.csv"')
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:version_id>/translations", methods=["GET", "POST"])
@allow_upload(MAX_DEFINITION_BYTES + 64 * 1024)
@requires(Role.ADMIN)
def translations(version_id: int):
    row = version_or_404(version_id)
    form = TranslationUploadForm()
    problems: list[str] = []
    uploaded = _uploaded(form, "strings.csv")
    if uploaded:
        data, filename = uploaded
        language = header_language(data)
        with refusals_to(form.form_errors) as attempt:
            stored = store_file(db.session, row, language, data, filename,
                                tuple(current_app.config["LANGUAGES"]), actor=current_user)
        if attempt:
            flash(f"{stored} strings of {row.label} are stored in {language}.")
            return redirect(url_for("questionnaires.version", version_id=row.id))
        if isinstance(attempt.refusal, TranslationFileRefused):
            problems = attempt.refusal.problems
    status = 400 if request.method == "POST" else 200
    return render_template("questionnaires/translations.html", row=row, form=form,
                           problems=problems, coverage=_coverage(row)), status


def _comparable_form(row: Questionnaire) -> ComparableForm:
    form = ComparableForm()
    marked = {c.question_id for c in queries.comparable_changes(db.session, row.id)}
    form.question.choices = [(q, q) for q in row.standard_changes or [] if q not in marked]
    return form


@bp.post("/<int:version_id>/comparable")
def comparable(version_id: int):
    row = version_or_404(version_id)
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
    row = version_or_404(version_id)
    response = HttpResponse(document_yaml(row.definition), mimetype="application/yaml")
    response.headers["Content-Disposition"] = (f'attachment; filename="{row.slug}.v{row.version}'
                                               '.yaml"')
    response.headers["Cache-Control"] = "no-store"
    return response
