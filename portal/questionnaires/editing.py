"""Drafts of a new version: made from a published one, changed question by question, checked with
every rule, and published as the next version (the draft then goes). Each change is audited."""

from __future__ import annotations

import copy

from sqlalchemy.orm import Session

from portal.core import audit
from portal.core.refusals import Refusal
from portal.models import Questionnaire, QuestionnaireDraft
from portal.questionnaires.translations import carry_forward
from portal.questionnaires.versions import add_version
from surveys.definition_checks import snake_case


class DraftError(Refusal):
    """A change to a draft that cannot be made as asked."""


def start_draft(session: Session, row: Questionnaire, actor=None) -> QuestionnaireDraft:
    draft = QuestionnaireDraft(slug=row.slug, based_on=row, document=copy.deepcopy(row.definition),
                               created_by_id=getattr(actor, "id", None))
    session.add(draft)
    session.flush()
    audit.record(session, "questionnaire_draft_started", "questionnaire_draft", draft.id,
                 actor=actor, based_on=row.id)
    return draft


def _page(document: dict, page_id: str) -> dict:
    for page in document["pages"]:
        if page["id"] == page_id:
            return page
    raise DraftError(f"The draft has no page {page_id}")


def option_lines(text: str) -> list[dict]:
    """'Label' or 'code = Label' per line -> options (the code defaults to the label's snake_case)."""
    options = []
    for line in text.splitlines():
        if not line.strip():
            continue
        code, _, label = line.partition("=") if "=" in line else ("", "", line)
        label = label.strip()
        options.append({"code": code.strip() or snake_case(label), "label": label})
    return options


def add_question(session: Session, draft: QuestionnaireDraft, page_id: str, question: dict,
                 actor=None) -> None:
    """Add ``question`` (a document's question mapping) at the end of the page."""
    document = copy.deepcopy(draft.document)
    ids = {q["id"] for p in document["pages"] for q in p["questions"]}
    if question["id"] in ids:
        raise DraftError(f"There is already a question {question['id']}; choose another id")
    _page(document, page_id)["questions"].append(question)
    draft.document = document
    audit.record(session, "questionnaire_draft_changed", "questionnaire_draft", draft.id,
                 actor=actor, added=question["id"], page=page_id)


def delete_question(session: Session, draft: QuestionnaireDraft, question_id: str,
                    actor=None) -> None:
    document = copy.deepcopy(draft.document)
    for page in document["pages"]:
        page["questions"] = [q for q in page["questions"] if q["id"] != question_id]
    document["pages"] = [p for p in document["pages"] if p["questions"]]
    draft.document = document
    audit.record(session, "questionnaire_draft_changed", "questionnaire_draft", draft.id,
                 actor=actor, deleted=question_id)


def publish_draft(session: Session, draft: QuestionnaireDraft, note: str,
                  actor=None) -> Questionnaire:
    """The draft as the next version (``VersionRefused`` naming each problem); the draft goes.
    The translations of the version it was based on carry over where the English is identical."""
    if not note.strip():
        raise DraftError("Say what this version changes, for the version history")
    row = add_version(session, draft.document, based_on=draft.based_on, note=note, actor=actor)
    carry_forward(session, draft.based_on, row, actor=actor)
    session.delete(draft)
    return row


def earlier_choice_questions(document: dict, page_id: str) -> list[tuple[str, str]]:
    """(id, 'id: text') of the single-choice questions on pages before ``page_id`` and on it:
    what a new question there may be routed on."""
    found = []
    for page in document["pages"]:
        for question in page["questions"]:
            if question["type"] == "single_choice" and "options" in question:
                found.append((question["id"], f"{question['id']}: {question['text'][:60]}"))
        if page["id"] == page_id:
            break
    return found


def question_from_form(form) -> dict:
    """A document's question mapping from the new-question form's fields."""
    question: dict = {"id": form.id.data, "type": form.type.data, "text": form.text.data}
    if form.hint.data:
        question["hint"] = form.hint.data
    if form.required.data:
        question["required"] = True
    if form.options.data:
        question["options"] = option_lines(form.options.data)
    if form.rows.data:
        question["rows"] = [{"id": (line.partition("=")[0].strip()),
                             "text": line.partition("=")[2].strip()}
                            for line in form.rows.data.splitlines() if line.strip()]
    if form.show_if_question.data:
        codes = [c.strip() for c in (form.show_if_codes.data or "").split(",") if c.strip()]
        if not codes:
            raise DraftError("Enter the codes that show the question, separated by commas")
        question["show_if"] = ({"question": form.show_if_question.data, "equals": codes[0]}
                               if len(codes) == 1
                               else {"question": form.show_if_question.data, "in": codes})
    return question
