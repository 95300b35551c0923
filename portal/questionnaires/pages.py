"""What a questionnaire version's page shows, as plain values: its questions, who published it,
what changed from the version it was based on, and the standard questions it changed; and what
a draft's "Check your questionnaire" page lists."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

import surveys
from analysis.catalogue import incomparable_indicators
from portal.models import ComparableChange, Questionnaire
from portal.questionnaires import queries
from portal.questionnaires.versions import version_questionnaire
from surveys.changes import Change, differences
from surveys.documents import condition_words


@dataclass(frozen=True)
class StandardChange:
    question: str
    indicators: tuple[str, ...]
    judged: ComparableChange | None
    judged_by: str


@dataclass(frozen=True)
class VersionPage:
    row: Questionnaire
    questionnaire: surveys.Questionnaire
    published_by: str
    waves: int
    changes: list[Change]
    standard: list[StandardChange]
    history: list[Questionnaire]


def version_page(session: Session, row: Questionnaire) -> VersionPage:
    questionnaire = version_questionnaire(row)
    changes = (differences(version_questionnaire(row.based_on), questionnaire)
               if row.based_on is not None else [])
    marks = {c.question_id: c for c in queries.comparable_changes(session, row.id)}
    names = queries.staff_names(session, {i for i in [row.published_by_id,
                                                      *(c.marked_by_id for c in marks.values())]
                                          if i is not None})
    standard = [StandardChange(question, incomparable_indicators({question}), marks.get(question),
                               names.get(marks[question].marked_by_id or 0, "")
                               if question in marks else "")
                for question in row.standard_changes or []]
    return VersionPage(row, questionnaire, names.get(row.published_by_id or 0, ""),
                       queries.wave_counts(session).get(row.id, 0), changes, standard,
                       queries.history(session, row.slug))


QUESTION_TYPE_NAMES = {"single_choice": "single choice", "multiple_choice": "multiple choice",
                       "grid": "grid", "integer": "number", "postcode": "postcode",
                       "text": "short free text", "long_text": "long free text"}


@dataclass(frozen=True)
class QuestionSummary:
    id: str
    type: str
    text: str
    required: bool
    hint: str
    error_message: str
    choices: str  # 'code: label; ...' (grid rows too), or what supplies them
    routing: str  # 'Shown when car_use is no', or ''
    first: bool
    last: bool


@dataclass(frozen=True)
class PageSummary:
    id: str
    title: str
    routing: str
    questions: list[QuestionSummary]
    first: bool
    last: bool


def _choices(question: dict) -> str:
    parts = [f"{o['code']}: {o['label']}" + (" (clears the others)" if o.get("exclusive") else "")
             for o in question.get("options", ())]
    if question.get("options_from"):
        parts.append(f"options from {question['options_from']}")
    rows = "; ".join(f"{r['id']}: {r['text']}" for r in question.get("rows", ()))
    limits = [f"{word} {question[key]}" for key, word in (("min", "at least"), ("max", "at most"))
              if question.get(key) is not None]
    return "; ".join([*parts, *([f"rows {rows}"] if rows else []), *limits])


def draft_summary(document: dict) -> list[PageSummary]:
    """Every page of a draft, its questions, their types, whether required and their routing in
    words: what "Check your questionnaire" lists."""
    pages = document["pages"]
    summary = []
    for p_index, page in enumerate(pages):
        questions = page["questions"]
        summary.append(PageSummary(
            page["id"], page["title"],
            f"Shown when {condition_words(page['show_if'])}" if page.get("show_if") else "",
            [QuestionSummary(q["id"], QUESTION_TYPE_NAMES.get(q["type"], q["type"]), q["text"],
                             bool(q.get("required")), q.get("hint", ""),
                             q.get("error_message", ""), _choices(q),
                             f"Shown when {condition_words(q['show_if'])}" if q.get("show_if")
                             else "", index == 0, index == len(questions) - 1)
             for index, q in enumerate(questions)],
            p_index == 0, p_index == len(pages) - 1))
    return summary
