"""Which pages and questions a resident sees, given the answers so far.

``show_if`` rules only look back (checked at load), so one pass in questionnaire order decides
everything. An answer to a hidden question never counts: if a resident goes back and changes
``car_use`` to no, a stale ``worry_car_crime`` answer cannot keep later routing alive.

Answers are a mapping of field id (question id, or grid row id) to a value: a code string for
single choice and grid rows, a tuple/list of codes for multiple choice, an int for integer, a string
for text and postcode. Missing, ``None``, ``""`` and empty lists all mean "no answer".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveys.questionnaire import Condition, Page, Question, Questionnaire


def is_answered(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and value != value:  # NaN from a data frame
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return len(value) > 0
    return True


def condition_holds(condition: Condition, answers: Mapping[str, Any]) -> bool:
    """Evaluate a ``show_if`` rule; an unanswered question satisfies no test."""
    if condition.kind == "all":
        return all(condition_holds(c, answers) for c in condition.conditions)
    if condition.kind == "any":
        return any(condition_holds(c, answers) for c in condition.conditions)
    if condition.question is None:  # a leaf rule always names its question (schema)
        return False
    value: Any = answers.get(condition.question)
    if not is_answered(value):
        return False
    if condition.kind == "includes":
        chosen = value.split(";") if isinstance(value, str) else value
        return any(code in chosen for code in condition.codes)
    return value in condition.codes


def _walk(questionnaire: Questionnaire,
          answers: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """(ids of shown pages, ids of shown questions), counting only answers to shown questions."""
    effective: dict[str, Any] = {}
    shown_pages: set[str] = set()
    shown_questions: set[str] = set()
    for page in questionnaire.pages:
        if page.show_if and not condition_holds(page.show_if, effective):
            continue
        shown_pages.add(page.id)
        for question in page.questions:
            if question.show_if and not condition_holds(question.show_if, effective):
                continue
            shown_questions.add(question.id)
            for field in question.fields:
                if field in answers:
                    effective[field] = answers[field]
    return shown_pages, shown_questions


def shown_question_ids(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> set[str]:
    """Ids of the questions asked given ``answers`` (grid ids, not row ids)."""
    return _walk(questionnaire, answers)[1]


def visible_pages(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[Page]:
    """Pages to show, in order. A page whose questions are all hidden is left out too."""
    shown_pages, shown_questions = _walk(questionnaire, answers)
    return [page for page in questionnaire.pages if page.id in shown_pages
            and any(question.id in shown_questions for question in page.questions)]


def is_question_shown(questionnaire: Questionnaire, question: Question | str,
                      answers: Mapping[str, Any]) -> bool:
    """Whether ``question`` (a Question, a question id or a grid row id) is asked."""
    if isinstance(question, str):
        question = questionnaire.question(question)
    return question.id in _walk(questionnaire, answers)[1]


def shown_questions(questionnaire: Questionnaire, answers: Mapping[str, Any],
                    page: Page | str | None = None) -> list[Question]:
    """Questions asked given ``answers``, in order; only those on ``page`` if given."""
    if isinstance(page, str):
        page = questionnaire.page(page)
    _, shown = _walk(questionnaire, answers)
    questions = page.questions if page else questionnaire.questions
    return [question for question in questions if question.id in shown]


def prune_hidden(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers to questions that are still asked; answers routing now hides (and unknown or
    blank fields) are dropped. Use after a resident goes back and changes an answer."""
    _, shown = _walk(questionnaire, answers)
    kept = {}
    for question in questionnaire.questions:
        if question.id not in shown:
            continue
        for field in question.fields:
            if field in answers and is_answered(answers[field]):
                kept[field] = answers[field]
    return kept


def next_page(questionnaire: Questionnaire, page_id: str | None,
              answers: Mapping[str, Any]) -> Page | None:
    """The visible page after ``page_id`` (the first page if None); None at the end."""
    pages = visible_pages(questionnaire, answers)
    if page_id is None:
        return pages[0] if pages else None
    order = [page.id for page in questionnaire.pages]
    position = order.index(questionnaire.page(page_id).id)
    later = [page for page in pages if order.index(page.id) > position]
    return later[0] if later else None


def previous_page(questionnaire: Questionnaire, page_id: str,
                  answers: Mapping[str, Any]) -> Page | None:
    """The visible page before ``page_id``, for a Back link; None on the first page."""
    order = [page.id for page in questionnaire.pages]
    position = order.index(questionnaire.page(page_id).id)
    earlier = [page for page in visible_pages(questionnaire, answers)
               if order.index(page.id) < position]
    return earlier[-1] if earlier else None
