"""The codebook: what each wide-format column asks and what each code means.

Analysis and reports label codes through ``option_label`` rather than copying labels, so a chart,
a table and the SPSS file always use the questionnaire's own wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from surveys.answers import as_list
from surveys.questionnaire import GridRow, Question, Questionnaire, QuestionnaireError
from surveys.routing import is_answered, shown_questions
from surveys.wide_format import MODES, NEIGHBOURHOOD, answer_columns

METADATA_TEXT = {
    "response_id": "Response ID",
    "wave": "Survey wave",
    "neighbourhood": "Neighbourhood",
    "mode": "How the response was collected",
    "language": "Language the resident answered in (a code: en, cy); en for paper and phone unless given",
    "submitted_at": "Date and time the response was submitted (ISO 8601)",
}
MODE_LABELS = {"online": "Online", "paper": "Paper", "phone": "Phone"}


@dataclass(frozen=True)
class CodebookEntry:
    """One code of one column; ``value`` is the number used in the SPSS file (1..k), or None
    for a column without codes (its single entry has empty code and label)."""

    column: str
    question_text: str
    code: str
    label: str
    value: int | None


def _grid_row(question: Question, field: str) -> GridRow:
    """The row of a grid question answered in ``field``; a field of another question is a bug."""
    row = question.row(field)
    if row is None:
        raise QuestionnaireError(f"{field} is not a row of grid question {question.id}")
    return row


def column_text(questionnaire: Questionnaire, column: str) -> str:
    """The wording behind a column; a grid row puts its own text first, so a truncated label
    still says which row it is."""
    if column in METADATA_TEXT and (column != NEIGHBOURHOOD
                                    or NEIGHBOURHOOD not in questionnaire.field_ids):
        return METADATA_TEXT[column]
    question = questionnaire.question(column)
    if question.type == "grid":
        return f"{_grid_row(question, column).text} ({question.text})"
    return question.text


def option_label(questionnaire: Questionnaire, question_id: str, code: str) -> str:
    """The label for ``code`` of a question or grid row: ``option_label(q, 'asb_drugs',
    'very_big_problem') == 'Very big problem'``. ``mode`` works too. Raises ``KeyError`` for an
    unknown question or code (neighbourhoods need ``bind_options`` first)."""
    if question_id == "mode":
        return MODE_LABELS[code]
    option = questionnaire.question(question_id).option(code)
    if option is None:
        raise KeyError(f"{code!r} is not a code of {question_id} in {questionnaire.label}")
    return option.label


def option_labels(questionnaire: Questionnaire, question_id: str) -> dict[str, str]:
    """Code -> label for a question or grid row, in option order."""
    if question_id == "mode":
        return dict(MODE_LABELS)
    return {option.code: option.label for option in questionnaire.question(question_id).options}


def codebook(questionnaire: Questionnaire,
             neighbourhoods: Mapping[str, str] | None = None) -> list[CodebookEntry]:
    """Every column of the wide format with its codes, in column order. ``neighbourhoods``
    (slug -> name) adds the neighbourhood codes; without it the column is listed without codes."""
    entries: list[CodebookEntry] = []
    for column in METADATA_TEXT:
        text = column_text(questionnaire, column) if column == NEIGHBOURHOOD else \
            METADATA_TEXT[column]
        if column == "mode":
            entries += [CodebookEntry(column, text, code, MODE_LABELS[code], position)
                        for position, code in enumerate(MODES, start=1)]
        elif column == NEIGHBOURHOOD and neighbourhoods:
            entries += [CodebookEntry(column, text, slug, name, position)
                        for position, (slug, name) in enumerate(neighbourhoods.items(), start=1)]
        else:
            entries.append(CodebookEntry(column, text, "", "", None))
    for column in answer_columns(questionnaire):
        question: Question = questionnaire.question(column)
        text = column_text(questionnaire, column)
        if question.options:
            entries += [CodebookEntry(column, text, option.code, option.label, position)
                        for position, option in enumerate(question.options, start=1)]
        else:
            entries.append(CodebookEntry(column, text, "", "", None))
    return entries


@dataclass(frozen=True)
class AnswerSummaryRow:
    """One line of a "Check your answers" page. ``answer`` holds one string per chosen option
    (several for multiple choice), the typed text or number, or nothing if left blank."""

    page_id: str
    field: str
    question_text: str
    answer: tuple[str, ...]


def answer_text(questionnaire: Questionnaire, field: str, value: Any) -> tuple[str, ...]:
    """A stored answer as the resident would read it: labels for codes, text as typed."""
    if not is_answered(value):
        return ()
    question = questionnaire.question(field)
    if question.is_choice:
        codes = as_list(value) if question.type == "multiple_choice" else (value,)
        return tuple(option_label(questionnaire, field, code) for code in codes)
    return (str(value),)


def answer_summary(questionnaire: Questionnaire,
                   answers: Mapping[str, Any]) -> list[AnswerSummaryRow]:
    """Every question the resident was asked, in order, with their answer (blank ones too, so
    they can go back and answer). Neighbourhood labels need ``bind_options`` first."""
    rows = []
    for question in shown_questions(questionnaire, answers):
        page = questionnaire.page_of(question.id)
        for field in question.fields:
            text = _grid_row(question, field).text if question.type == "grid" else question.text
            rows.append(AnswerSummaryRow(page.id, field, text,
                                         answer_text(questionnaire, field, answers.get(field))))
    return rows
