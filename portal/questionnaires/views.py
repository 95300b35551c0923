"""Questionnaire versions in the admin pages (blueprint ``questionnaires``, /admin/questionnaires):
every published version, its questions, what changed from the version before, its YAML file; a
file uploaded as a new version (admins); a changed standard question marked comparable (analysts
and admins)."""

from __future__ import annotations

from flask import Response as HttpResponse
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

import surveys
from portal.auth.access import requires, staff_blueprint
from portal.core.extensions import db
from portal.core.refusals import refusals_to
from portal.core.request_checks import allow_upload
from portal.models import Questionnaire, QuestionnaireDraft, Role
from portal.questionnaires import queries
from portal.questionnaires.editing import (
    add_question,
    delete_question,
    earlier_choice_questions,
    publish_draft,
    question_from_form,
    start_draft,
)
from portal.questionnaires.forms import (
    MAX_DEFINITION_BYTES,
    ComparableForm,
    DefinitionUploadForm,
    PublishForm,
    QuestionForm,
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
from portal.survey.pages import form_values, merge_page_answers, page_errors, page_questions
from portal.survey.postcodes import apply_postcode
from portal.survey.queries import neighbourhood_pairs
from surveys.documents import document_problems, document_yaml, questionnaire_from_document
from surveys.translations import header_language, strings_csv

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
                           form=_comparable_form(row), coverage=_coverage(row))


def _coverage(row: Questionnaire):
    return coverage(db.session, row, tuple(current_app.config["LANGUAGES"]))


@bp.get("/<int:version_id>/strings.<language>.csv")
def strings_download(version_id: int, language: str):
    row = _version_or_404(version_id)
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
    row = _version_or_404(version_id)
    form = TranslationUploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_DEFINITION_BYTES + 1)
        filename = (upload.filename or "strings.csv").rsplit("/", 1)[-1]
        if len(data) > MAX_DEFINITION_BYTES:
            form.file.errors.append("The file is larger than 512 KB")
        else:
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


# ----------------------------------------------------------------------------------- the editor


def _draft_or_404(draft_id: int) -> QuestionnaireDraft:
    draft = queries.draft_by_id(db.session, draft_id)
    if draft is None:
        abort(404)
    return draft


@bp.post("/<int:version_id>/draft")
@requires(Role.ADMIN)
def start(version_id: int):
    row = _version_or_404(version_id)
    draft = start_draft(db.session, row, actor=current_user)
    db.session.commit()
    return redirect(url_for("questionnaires.draft", draft_id=draft.id))


def _problem_link(draft: QuestionnaireDraft, problem: str) -> str:
    """Where to fix a problem: the question or page it names, on the check page."""
    what, _, _ = problem.partition(":")
    kind, _, name = what.partition(" ")
    return f"#{kind}-{name}" if kind in ("page", "question") and name else "#pages"


@bp.get("/drafts/<int:draft_id>")
@requires(Role.ADMIN)
def draft(draft_id: int, form: PublishForm | None = None, problems: list[str] | None = None):
    draft = _draft_or_404(draft_id)
    found = document_problems(draft.document, "draft") if problems is None else problems
    return render_template("questionnaires/draft.html", draft=draft, form=form or PublishForm(),
                           problems=[(p, _problem_link(draft, p)) for p in found])


@bp.route("/drafts/<int:draft_id>/pages/<page_id>/questions/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def new_question(draft_id: int, page_id: str):
    draft = _draft_or_404(draft_id)
    form = QuestionForm()
    form.show_if_question.choices = [("", "Always show it"),
                                     *earlier_choice_questions(draft.document, page_id)]
    if form.validate_on_submit():
        with refusals_to(form.form_errors) as attempt:
            add_question(db.session, draft, page_id, question_from_form(form),
                         actor=current_user)
        if attempt:
            flash(f"Question {form.id.data} added. Check the questionnaire below.")
            return redirect(url_for("questionnaires.draft", draft_id=draft.id))
    status = 400 if form.is_submitted() else 200
    return render_template("questionnaires/question_new.html", draft=draft, page_id=page_id,
                           form=form), status


@bp.post("/drafts/<int:draft_id>/questions/<question_id>/delete")
@requires(Role.ADMIN)
def delete(draft_id: int, question_id: str):
    draft = _draft_or_404(draft_id)
    delete_question(db.session, draft, question_id, actor=current_user)
    db.session.commit()
    flash(f"Question {question_id} deleted.")
    return redirect(url_for("questionnaires.draft", draft_id=draft.id))


@bp.post("/drafts/<int:draft_id>/publish")
@requires(Role.ADMIN)
def publish(draft_id: int):
    draft_row = _draft_or_404(draft_id)
    form = PublishForm()
    if form.validate_on_submit():
        with refusals_to(form.form_errors) as attempt:
            row = publish_draft(db.session, draft_row, form.note.data or "", actor=current_user)
        if attempt:
            flash(f"{row.label} is published.")
            return redirect(url_for("questionnaires.version", version_id=row.id))
    return draft(draft_id, form=form), 400


PREVIEW = "questionnaire_preview"  # {draft id: answers so far}: the preview stores nothing else


def _preview_answers(draft_id: int) -> dict:
    return dict((session.get(PREVIEW) or {}).get(str(draft_id), {}))


def _keep_preview(draft_id: int, answers: dict) -> None:
    kept = dict(session.get(PREVIEW) or {})
    kept[str(draft_id)] = answers
    session[PREVIEW] = kept


@bp.route("/drafts/<int:draft_id>/preview/<page_id>", methods=["GET", "POST"])
def preview(draft_id: int, page_id: str):
    """A draft's page exactly as a resident sees it, routing and validation live; the answers
    stay in the signed-in person's session and nothing is stored."""
    draft = _draft_or_404(draft_id)
    try:
        questionnaire = surveys.bind_options(
            questionnaire_from_document(draft.document, "draft"),
            neighbourhoods=neighbourhood_pairs(db.session))
        page = questionnaire.page(page_id)
    except surveys.QuestionnaireError:
        flash("Fix the problems listed before previewing the questionnaire.")
        return redirect(url_for("questionnaires.draft", draft_id=draft.id))
    except KeyError:
        abort(404)
    answers = _preview_answers(draft.id) if page_id != questionnaire.pages[0].id or \
        request.method == "POST" else {}
    errors: dict[str, str] = {}
    values = answers
    if request.method == "POST":
        sent = form_values(request.form, page)
        sent, extra = apply_postcode(db.session, page, sent)
        clean, errors = surveys.validate_page(questionnaire, page.id, sent, answers)
        errors = page_errors(page, errors, extra)
        if not errors:
            merged = merge_page_answers(questionnaire, page, answers, clean)
            _keep_preview(draft.id, merged)
            following = surveys.next_page(questionnaire, page.id, merged)
            if following is None:
                flash("That was the last page of the preview: nothing was stored.")
                return redirect(url_for("questionnaires.draft", draft_id=draft.id))
            return redirect(url_for("questionnaires.preview", draft_id=draft.id,
                                    page_id=following.id))
        values = sent
    visible = surveys.visible_pages(questionnaire, answers)
    ids = [p.id for p in visible]
    previous = surveys.previous_page(questionnaire, page.id, answers)
    return render_template(
        "questionnaires/preview.html", questionnaire=questionnaire, page=page,
        questions=page_questions(questionnaire, page, answers, values, errors), errors=errors,
        back=(url_for("questionnaires.preview", draft_id=draft.id, page_id=previous.id)
              if previous else url_for("questionnaires.draft", draft_id=draft.id)),
        position=(ids.index(page.id) + 1) if page.id in ids else 1, total=len(visible),
        error_links=[(f"#{field}", message) for field, message in errors.items()],
    ), 400 if errors else 200
