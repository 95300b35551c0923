"""A draft previewed exactly as a resident sees it (analysts and admins): every page with routing
and validation live, then the answers given with a Change link for each. The answers stay in the
signed-in person's session; nothing is stored."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for

import surveys
from portal.core.extensions import db
from portal.models import QuestionnaireDraft
from portal.questionnaires.views import bp, draft_or_404
from portal.survey.pages import form_values, merge_page_answers, page_errors, page_questions
from portal.survey.postcodes import apply_postcode
from portal.survey.queries import neighbourhood_pairs
from surveys.documents import questionnaire_from_document

PREVIEW = "questionnaire_preview"  # {draft id: answers so far}: the preview stores nothing else


def _preview_answers(draft_id: int) -> dict:
    return dict((session.get(PREVIEW) or {}).get(str(draft_id), {}))


def _keep_preview(draft_id: int, answers: dict) -> None:
    kept = dict(session.get(PREVIEW) or {})
    kept[str(draft_id)] = answers
    session[PREVIEW] = kept


def _previewed(draft: QuestionnaireDraft) -> surveys.Questionnaire | None:
    try:
        return surveys.bind_options(questionnaire_from_document(draft.document, "draft"),
                                    neighbourhoods=neighbourhood_pairs(db.session))
    except surveys.QuestionnaireError:
        flash("Fix the problems listed before previewing the questionnaire.")
        return None


@bp.route("/drafts/<int:draft_id>/preview/<page_id>", methods=["GET", "POST"])
def preview(draft_id: int, page_id: str):
    """A draft's page exactly as a resident sees it, routing and validation live."""
    draft = draft_or_404(draft_id)
    questionnaire = _previewed(draft)
    if questionnaire is None:
        return redirect(url_for("questionnaires.draft", draft_id=draft.id))
    try:
        page = questionnaire.page(page_id)
    except KeyError:
        abort(404)
    changing = request.args.get("change") == "1"
    answers = _preview_answers(draft.id) if page_id != questionnaire.pages[0].id or \
        request.method == "POST" or changing else {}
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
            if following is None or changing:
                return redirect(url_for("questionnaires.preview_answers", draft_id=draft.id))
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


@bp.get("/drafts/<int:draft_id>/preview-answers")
def preview_answers(draft_id: int):
    """The preview's check-answers page: what the previewer answered, page by page, each with a
    Change link back to its page; nothing is sent or stored."""
    draft = draft_or_404(draft_id)
    questionnaire = _previewed(draft)
    if questionnaire is None:
        return redirect(url_for("questionnaires.draft", draft_id=draft.id))
    answers = _preview_answers(draft.id)
    # As on the resident's check page, the postcode (only used to find the neighbourhood) is not listed.
    rows = [row for row in surveys.answer_summary(questionnaire, answers)
            if questionnaire.question(row.field).type != "postcode"]
    visible = surveys.visible_pages(questionnaire, answers)
    sections = [(page, [row for row in rows if row.page_id == page.id]) for page in visible]
    return render_template("questionnaires/preview_answers.html", draft=draft,
                           questionnaire=questionnaire, sections=sections,
                           missing=sorted({p.field for p in
                                           surveys.validate_response(questionnaire, answers)}),
                           back=url_for("questionnaires.preview", draft_id=draft.id,
                                        page_id=visible[-1].id if visible
                                        else questionnaire.pages[0].id))
