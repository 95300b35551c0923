"""The editor (admins): a draft of a new version, changed one thing per page without
JavaScript: questions added, changed in place, copied, moved and deleted; pages added, renamed,
moved and deleted; "Check your questionnaire" (the draft's page) lists everything with a Change
link for each, and the problems to fix before publishing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.auth.access import requires
from portal.core.extensions import db
from portal.core.refusals import refusals_to
from portal.models import QuestionnaireDraft, Role
from portal.questionnaires.editing import (
    CONDITION_SLOTS,
    ConfirmationNeeded,
    DraftError,
    QuestionRefused,
    add_page,
    add_question,
    change_question,
    condition_fields,
    condition_from_form,
    copy_question,
    delete_page,
    delete_question,
    earlier_choice_fields,
    earlier_page_choice_fields,
    find_question,
    form_shows_routing,
    move_page,
    move_question,
    move_question_to_page,
    publish_draft,
    question_form_data,
    question_from_form,
    rename_page,
    routing_form_data,
    set_page_routing,
    start_draft,
)
from portal.questionnaires.forms import (
    DeletePageForm,
    MoveForm,
    PageForm,
    PageRoutingForm,
    PublishForm,
    QuestionForm,
    QuestionPageForm,
)
from portal.questionnaires.pages import draft_summary
from portal.questionnaires.views import bp, draft_or_404, version_or_404
from surveys.documents import condition_words, document_problems


@bp.post("/<int:version_id>/draft")
@requires(Role.ADMIN)
def start(version_id: int):
    row = version_or_404(version_id)
    draft = start_draft(db.session, row, actor=current_user)
    db.session.commit()
    return redirect(url_for("questionnaires.draft", draft_id=draft.id))


def _problem_link(problem: str) -> str:
    """Where to fix a problem: the question or page it names, on the check page."""
    what, _, _ = problem.partition(":")
    kind, _, name = what.partition(" ")
    return f"#{kind}-{name}" if kind in ("page", "question") and name else "#pages"


@bp.get("/drafts/<int:draft_id>", endpoint="draft")
@requires(Role.ADMIN)
def check_questionnaire(draft_id: int, form: PublishForm | None = None, refused: list[str] | None = None):
    """Check your questionnaire: every page and question with Change links, the problems to fix,
    the preview link and publishing."""
    draft = draft_or_404(draft_id)
    found = document_problems(draft.document, "draft")
    status = 400 if refused or form is not None else 200  # a form is passed back refused
    return render_template("questionnaires/draft.html", draft=draft, form=form or PublishForm(),
                           pages=draft_summary(draft.document), refused=refused or [],
                           problems=[(p, _problem_link(p)) for p in found]), status


def _refused_on_draft(draft: QuestionnaireDraft, errors: list[str]):
    return check_questionnaire(draft.id, refused=errors)


def _after(draft: QuestionnaireDraft, message: str, anchor: str = ""):
    flash(message)
    return redirect(url_for("questionnaires.draft", draft_id=draft.id) + anchor)


def _question_form(draft: QuestionnaireDraft, page_id: str, before: str | None,
                   data: dict | None = None) -> tuple[QuestionForm, dict[str, str]]:
    form = QuestionForm(data=data)
    fields = earlier_choice_fields(draft.document, page_id, before)
    form.route_on(fields)
    return form, {field: kind for field, kind, _ in fields}


def _render_question(draft: QuestionnaireDraft, form: QuestionForm, page_id: str,
                     editing: dict | None):
    conditions = [condition_fields(form, slot) for slot in range(1, CONDITION_SLOTS + 1)]
    nested = (condition_words(editing["show_if"]) if editing and editing.get("show_if")
              and not form_shows_routing(editing["show_if"]) else "")
    return render_template("questionnaires/question.html", draft=draft, page_id=page_id,
                           form=form, editing=editing["id"] if editing else None,
                           conditions=conditions, nested=nested), \
        400 if form.is_submitted() else 200


def _with_problems(form: QuestionForm | PageRoutingForm, attempt) -> None:
    if isinstance(attempt.refusal, QuestionRefused):
        form.form_errors.extend(attempt.refusal.problems[1:])


@bp.route("/drafts/<int:draft_id>/pages/<page_id>/questions/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def new_question(draft_id: int, page_id: str):
    draft = draft_or_404(draft_id)
    _page_or_404(draft, page_id)
    form, kinds = _question_form(draft, page_id, None)
    if form.validate_on_submit():
        with refusals_to(form.form_errors) as attempt:
            add_question(db.session, draft, page_id, question_from_form(form, kinds),
                         actor=current_user)
        if attempt:
            return _after(draft, f"Question {form.id.data} added. Check the questionnaire below.",
                          f"#question-{form.id.data}")
        _with_problems(form, attempt)
    return _render_question(draft, form, page_id, None)


@bp.route("/drafts/<int:draft_id>/questions/<question_id>/edit", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit_question(draft_id: int, question_id: str):
    """The new-question form filled with the question; a new id is followed by the routing of
    the questions that route on it."""
    draft = draft_or_404(draft_id)
    page_id, question = _found(draft, question_id)
    form, kinds = _question_form(draft, page_id, question_id, question_form_data(question))
    if form.validate_on_submit():
        with refusals_to(form.form_errors) as attempt:
            change_question(db.session, draft, question_id, question_from_form(form, kinds),
                            actor=current_user)
        if attempt:
            return _after(draft, f"Question {form.id.data} changed.", f"#question-{form.id.data}")
        _with_problems(form, attempt)
    return _render_question(draft, form, page_id, question)


def _found(draft: QuestionnaireDraft, question_id: str) -> tuple[str, dict]:
    try:
        return find_question(draft.document, question_id)
    except DraftError:
        abort(404)


def _page_or_404(draft: QuestionnaireDraft, page_id: str) -> dict:
    for page in draft.document["pages"]:
        if page["id"] == page_id:
            return page
    abort(404)


@bp.post("/drafts/<int:draft_id>/questions/<question_id>/copy")
@requires(Role.ADMIN)
def copy(draft_id: int, question_id: str):
    draft = draft_or_404(draft_id)
    _found(draft, question_id)
    errors: list[str] = []
    with refusals_to(errors) as attempt:
        copied = copy_question(db.session, draft, question_id, actor=current_user)
    if attempt:
        return _after(draft, f"Question {question_id} copied as {copied}: change its id and "
                      "text.", f"#question-{copied}")
    return _refused_on_draft(draft, errors)


@bp.post("/drafts/<int:draft_id>/questions/<question_id>/move")
@requires(Role.ADMIN)
def move(draft_id: int, question_id: str):
    draft = draft_or_404(draft_id)
    _found(draft, question_id)
    return _moved(draft, "question", question_id, move_question)


@bp.route("/drafts/<int:draft_id>/questions/<question_id>/page", methods=["GET", "POST"])
@requires(Role.ADMIN)
def question_page(draft_id: int, question_id: str):
    """Move a question to the end of another page, unless routing would then look forward."""
    draft = draft_or_404(draft_id)
    page_id, question = _found(draft, question_id)
    form = QuestionPageForm()
    form.page.choices = [(p["id"], f"{p['title']} ({p['id']})") for p in draft.document["pages"]
                         if p["id"] != page_id]
    if form.validate_on_submit():
        with refusals_to(form.form_errors) as attempt:
            move_question_to_page(db.session, draft, question_id, form.page.data or "",
                                  actor=current_user)
        if attempt:
            return _after(draft, f"Question {question_id} moved to page {form.page.data}.",
                          f"#question-{question_id}")
    return render_template("questionnaires/question_page.html", draft=draft, page_id=page_id,
                           question=question, form=form), 400 if form.is_submitted() else 200


@bp.post("/drafts/<int:draft_id>/questions/<question_id>/delete")
@requires(Role.ADMIN)
def delete(draft_id: int, question_id: str):
    draft = draft_or_404(draft_id)
    _found(draft, question_id)
    errors: list[str] = []
    with refusals_to(errors) as attempt:
        delete_question(db.session, draft, question_id, actor=current_user)
    if attempt:
        return _after(draft, f"Question {question_id} deleted.")
    return _refused_on_draft(draft, errors)


@bp.route("/drafts/<int:draft_id>/pages/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def new_page(draft_id: int):
    draft = draft_or_404(draft_id)
    form = PageForm()
    if form.validate_on_submit():
        with refusals_to(form.form_errors) as attempt:
            add_page(db.session, draft, form.id.data or "", form.title.data or "",
                     actor=current_user)
        if attempt:
            return _after(draft, f"Page {form.id.data} added: now add its questions.",
                          f"#page-{form.id.data}")
    return render_template("questionnaires/page_form.html", draft=draft, form=form,
                           editing=None), 400 if form.is_submitted() else 200


@bp.route("/drafts/<int:draft_id>/pages/<page_id>/edit", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit_page(draft_id: int, page_id: str):
    draft = draft_or_404(draft_id)
    page = _page_or_404(draft, page_id)
    form = PageForm(data={"id": page["id"], "title": page["title"]})
    if form.validate_on_submit():
        with refusals_to(form.form_errors) as attempt:
            rename_page(db.session, draft, page_id, form.id.data or "", form.title.data or "",
                        actor=current_user)
        if attempt:
            return _after(draft, f"Page {form.id.data} changed.", f"#page-{form.id.data}")
    return render_template("questionnaires/page_form.html", draft=draft, form=form,
                           editing=page_id), 400 if form.is_submitted() else 200


@bp.route("/drafts/<int:draft_id>/pages/<page_id>/routing", methods=["GET", "POST"])
@requires(Role.ADMIN)
def page_routing(draft_id: int, page_id: str):
    """When to show a page: conditions on the choice answers of the pages before it."""
    draft = draft_or_404(draft_id)
    page = _page_or_404(draft, page_id)
    form = PageRoutingForm(data=routing_form_data(page.get("show_if")))
    fields = earlier_page_choice_fields(draft.document, page_id)
    form.route_on(fields)
    if form.validate_on_submit():
        with refusals_to(form.form_errors) as attempt:
            set_page_routing(db.session, draft, page_id,
                             condition_from_form(form, {f: kind for f, kind, _ in fields}, "page"),
                             actor=current_user)
        if attempt:
            return _after(draft, f"The routing of page {page_id} is saved.", f"#page-{page_id}")
        _with_problems(form, attempt)
    conditions = [condition_fields(form, slot) for slot in range(1, CONDITION_SLOTS + 1)]
    nested = (condition_words(page["show_if"]) if page.get("show_if")
              and not form_shows_routing(page["show_if"]) else "")
    return render_template("questionnaires/page_routing.html", draft=draft, page=page, form=form,
                           conditions=conditions, nested=nested, offered=bool(fields)), \
        400 if form.is_submitted() else 200


@bp.route("/drafts/<int:draft_id>/pages/<page_id>/delete", methods=["GET", "POST"])
@requires(Role.ADMIN)
def remove_page(draft_id: int, page_id: str):
    """Are you sure? for a page with questions; refused while later questions route on them."""
    draft = draft_or_404(draft_id)
    page = _page_or_404(draft, page_id)
    form = DeletePageForm()
    if form.validate_on_submit():
        with refusals_to(form.form_errors) as attempt:
            delete_page(db.session, draft, page_id, bool(form.confirm.data), actor=current_user)
        if attempt:
            return _after(draft, f"Page {page_id} deleted.")
        if isinstance(attempt.refusal, ConfirmationNeeded):
            form.form_errors.clear()
            form.confirm.errors = [attempt.refusal.message]
    return render_template("questionnaires/page_delete.html", draft=draft, page=page,
                           form=form), 400 if form.is_submitted() else 200


@bp.post("/drafts/<int:draft_id>/pages/<page_id>/move")
@requires(Role.ADMIN)
def move_a_page(draft_id: int, page_id: str):
    draft = draft_or_404(draft_id)
    _page_or_404(draft, page_id)
    return _moved(draft, "page", page_id, move_page)


def _moved(draft: QuestionnaireDraft, kind: str, name: str, mover):
    """Move a question or page up or down (``mover`` is ``move_question`` or ``move_page``),
    back to the check page, or the refusal on it."""
    form = MoveForm()
    errors: list[str] = []
    if form.validate_on_submit():
        with refusals_to(errors) as attempt:
            mover(db.session, draft, name, form.direction.data or "", actor=current_user)
        if attempt:
            return _after(draft, f"{kind.capitalize()} {name} moved {form.direction.data}.",
                          f"#{kind}-{name}")
    else:
        errors.append(f"Choose to move the {kind} up or down")
    return _refused_on_draft(draft, errors)


@bp.post("/drafts/<int:draft_id>/publish")
@requires(Role.ADMIN)
def publish(draft_id: int):
    draft_row = draft_or_404(draft_id)
    form = PublishForm()
    if form.validate_on_submit():
        with refusals_to(form.form_errors) as attempt:
            row = publish_draft(db.session, draft_row, form.note.data or "", actor=current_user)
        if attempt:
            flash(f"{row.label} is published.")
            return redirect(url_for("questionnaires.version", version_id=row.id))
    return check_questionnaire(draft_id, form=form)
