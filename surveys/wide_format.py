"""The contract's wide format: one row per response, one column per answer field.

Columns: ``response_id, wave, neighbourhood, mode, language, submitted_at``, then every answer field in
questionnaire order (grid rows each have their own column). Cells are text; blank = no answer.

Choices made here, and kept the same in the CSV template, import and CSV/XLSX export:

* multiple choice: ONE column named by the question id, the chosen codes joined with ``;`` in
  option order (``bus;train``). One column keeps "blank = not answered" true, which one yes/blank
  column per option cannot (an unticked box and an unasked question would look the same). The SPSS
  export alone spreads it into ``<question>__<code>`` 1/0 variables (a multiple-dichotomy set).
* integer: plain digits. Text: as typed (exports neutralise spreadsheet formulas).
* postcode questions are never in the wide format: they exist only to find the neighbourhood.
* the ``neighbourhood`` question's answer is the ``neighbourhood`` metadata column.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveys.answers import MULTIPLE_CHOICE_SEPARATOR, as_list, clean_answer
from surveys.definition_checks import METADATA_COLUMNS
from surveys.questionnaire import Question, Questionnaire
from surveys.routing import is_answered

MODES = ("online", "paper", "phone")
NEIGHBOURHOOD = "neighbourhood"

__all__ = [
    "METADATA_COLUMNS",
    "MODES",
    "MULTIPLE_CHOICE_SEPARATOR",
    "answer_codes",
    "answer_columns",
    "answer_to_cell",
    "answers_from_wide_row",
    "wide_columns",
    "wide_row_from_answers",
]


def _exported_questions(questionnaire: Questionnaire) -> list[Question]:
    return [question for question in questionnaire.questions
            if question.type != "postcode" and question.id != NEIGHBOURHOOD]


def answer_columns(questionnaire: Questionnaire) -> list[str]:
    """The answer columns after the metadata, in questionnaire order."""
    return [field for question in _exported_questions(questionnaire) for field in question.fields]


def answer_codes(questionnaire: Questionnaire) -> dict[str, tuple[str, ...]]:
    """Column -> the codes it may hold, for every single-choice and grid column, so analysis can
    refuse anything else. Multiple choice, integer and text columns are left out, and so is the
    neighbourhood (its options are bound at run time)."""
    return {field: tuple(option.code for option in question.options)
            for question in _exported_questions(questionnaire)
            if question.options and question.type != "multiple_choice"
            for field in question.fields}


def wide_columns(questionnaire: Questionnaire) -> list[str]:
    """Every column of the wide format, in order."""
    return list(METADATA_COLUMNS) + answer_columns(questionnaire)


def answer_to_cell(question: Question, value: Any) -> str:
    """One stored answer as wide-format text."""
    if not is_answered(value):
        return ""
    if question.type == "multiple_choice":
        return MULTIPLE_CHOICE_SEPARATOR.join(as_list(value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def wide_row_from_answers(questionnaire: Questionnaire, answers: Mapping[str, Any], *,
                          response_id: str, wave: str = "", mode: str = "online",
                          submitted_at: str = "", language: str = "en") -> dict[str, str]:
    """A wide-format row from a response's answers (as the web form stores them) and its
    metadata. Postcodes and anything that is not a question are left out."""
    row = {"response_id": str(response_id), "wave": wave or "",
           NEIGHBOURHOOD: answer_to_cell(questionnaire.question(NEIGHBOURHOOD),
                                         answers.get(NEIGHBOURHOOD))
           if NEIGHBOURHOOD in questionnaire.field_ids else "",
           "mode": mode, "language": language or "en", "submitted_at": submitted_at or ""}
    for question in _exported_questions(questionnaire):
        for field in question.fields:
            row[field] = answer_to_cell(question, answers.get(field))
    return row


def answers_from_wide_row(questionnaire: Questionnaire, row: Mapping[str, Any], *,
                          lenient: bool = False) -> dict[str, Any]:
    """The answers in a wide-format row, in stored form (codes, tuples, ints); blanks and
    metadata other than ``neighbourhood`` are dropped. Raises ``InvalidAnswer`` on a bad cell;
    ``parse_import`` reports every bad cell instead."""
    answers: dict[str, Any] = {}
    for question in questionnaire.questions:
        if question.type == "postcode":
            continue
        for field in question.fields:
            value = clean_answer(question, field, row.get(field), lenient=lenient)
            if value is not None:
                answers[field] = value
    return answers
