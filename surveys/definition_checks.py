"""Rules about a questionnaire that a JSON Schema cannot express.

The schema checks shape; these check meaning: ids unique across pages and grid rows, codes equal the
snake_case of their labels (the contract's rule, so data files read the same as the form), routing
only looks back at questions already answered and uses real codes, and bounds make sense.
"""

from __future__ import annotations

import re

from surveys.questionnaire import Condition, Question, Questionnaire, QuestionnaireError

# Wide-format columns that are not questions (``neighbourhood`` is both: see wide_format.py).
METADATA_COLUMNS = ("response_id", "wave", "neighbourhood", "mode", "language", "submitted_at")
RUNTIME_OPTION_SOURCES = ("neighbourhoods",)
SPSS_NAME_LIMIT = 64
# SPSS cannot use these as variable names, and every column becomes an SPSS variable.
SPSS_RESERVED = {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}


def snake_case(label: str) -> str:
    """The contract's code for a label: ``Don't know`` -> ``dont_know``, ``75+`` -> ``75_plus``."""
    text = label.replace("+", " plus ").replace("&", " and ")
    text = re.sub(r"['\u2018\u2019]", "", text)
    return re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").lower()


def check_questionnaire(questionnaire: Questionnaire, source: str) -> None:
    """Raise ``QuestionnaireError`` naming ``source``, the question and the (first) problem."""
    problems = questionnaire_problems(questionnaire)
    if problems:
        raise QuestionnaireError(f"{source}: {problems[0]}")


def _fail(where: str, problem: str) -> QuestionnaireError:
    return QuestionnaireError(f"{where}: {problem}")


def questionnaire_problems(questionnaire: Questionnaire) -> list[str]:
    """Every problem, each as 'page X: ...' or 'question Y: ...', in the order of the questionnaire:
    one per page id, per question's ids, per question's options and limits, and per routing rule."""
    problems: list[str] = []
    page_ids: set[str] = set()
    for page in questionnaire.pages:
        if page.id in page_ids:
            problems.append(f"page {page.id}: page id is used twice")
        page_ids.add(page.id)

    seen: dict[str, str] = {}  # id -> what it is, for messages
    for question in questionnaire.questions:
        try:
            _check_names(question, seen, _fail)
        except QuestionnaireError as error:
            problems.append(str(error))
        try:
            _check_question(question, _fail)
        except QuestionnaireError as error:
            problems.append(str(error))

    problems.extend(_routing_problems(questionnaire, _fail))
    return problems


def _check_names(question: Question, seen: dict[str, str], fail) -> None:
    """The question's id and its grid rows' ids: unused so far, not a wide-format column or an
    SPSS word."""
    names = [(question.id, "question")] + [(row.id, f"row of {question.id}")
                                           for row in question.rows]
    for name, what in names:
        if name in seen:
            raise fail(f"question {question.id}", f"id {name} is already used by {seen[name]}")
        if name in METADATA_COLUMNS and name != "neighbourhood":
            raise fail(f"question {question.id}",
                       f"id {name} is reserved for a column of the wide format")
        if name in SPSS_RESERVED:
            raise fail(f"question {question.id}",
                       f"id {name} is a reserved word in SPSS; choose another")
        seen[name] = what if what != "question" else f"question {name}"


def _check_question(question: Question, fail) -> None:
    """Options, rows and limits fit the question type; option codes are well formed."""
    where = f"question {question.id}"
    _check_options_source(question, where, fail)
    _check_limits(question, where, fail)
    _check_options(question, where, fail)


def _check_options_source(question: Question, where: str, fail) -> None:
    """Choice questions have options or options_from (only the neighbourhood question's)."""
    kind = question.type
    if question.id == "neighbourhood" and (kind != "single_choice"
                                           or question.options_from != "neighbourhoods"):
        raise fail(where, "the neighbourhood question must be single_choice with "
                   "options_from: neighbourhoods (slugs are supplied by the portal)")
    if question.options_from and kind != "single_choice":
        raise fail(where, "options_from is only allowed on single_choice questions")
    if question.options_from and question.options:
        raise fail(where, "give either options or options_from, not both")
    if question.is_choice and not question.options and not question.options_from:
        raise fail(where, f"{kind} questions need options")
    if not question.is_choice and question.options:
        raise fail(where, f"{kind} questions cannot have options")


def _check_limits(question: Question, where: str, fail) -> None:
    """Rows only on grids, min/max only on integers (in order), max_length only on text."""
    kind = question.type
    if kind == "grid" and not question.rows:
        raise fail(where, "a grid question needs rows")
    if kind != "grid" and question.rows:
        raise fail(where, f"{kind} questions cannot have rows")
    if kind != "integer" and (question.min is not None or question.max is not None):
        raise fail(where, f"min and max are only allowed on integer questions, not {kind}")
    if (question.min is not None and question.max is not None and question.min > question.max):
        raise fail(where, f"min ({question.min}) is greater than max ({question.max})")
    if question.max_length is not None and kind not in ("text", "long_text"):
        raise fail(where, f"max_length is only allowed on text and long_text, not {kind}")


def _check_options(question: Question, where: str, fail) -> None:
    """Option codes unique, the snake_case of their labels, and short enough for SPSS."""
    kind = question.type
    codes: set[str] = set()
    for option in question.options:
        if option.code in codes:
            raise fail(where, f"option code {option.code} is used twice")
        codes.add(option.code)
        expected = snake_case(option.label)
        if option.code != expected:
            raise fail(where, f"option code {option.code} should be {expected}, the snake_case "
                       f"of its label {option.label!r}")
        if option.exclusive and kind != "multiple_choice":
            raise fail(where, "exclusive options are only meaningful in multiple_choice")
        if kind == "multiple_choice" and len(f"{question.id}__{option.code}") > SPSS_NAME_LIMIT:
            raise fail(where, f"{question.id}__{option.code} is longer than {SPSS_NAME_LIMIT} "
                       "characters, too long for an SPSS variable name; shorten the id")


def _routing_problems(questionnaire: Questionnaire, fail) -> list[str]:
    problems: list[str] = []
    answered_before_page: set[str] = set()
    question_by_field: dict[str, Question] = {}
    all_fields = set(questionnaire.field_ids)

    def check(condition: Condition, earlier: set[str], where: str, earlier_what: str) -> None:
        try:
            _check_condition(condition, earlier, question_by_field, fail, where, earlier_what,
                             all_fields)
        except QuestionnaireError as error:
            problems.append(str(error))

    for page in questionnaire.pages:
        if page.show_if:
            check(page.show_if, answered_before_page, f"page {page.id}", "on an earlier page")
        answered_so_far = set(answered_before_page)
        for question in page.questions:
            if question.show_if:
                check(question.show_if, answered_so_far, f"question {question.id}",
                      "an earlier question")
            for field in question.fields:
                answered_so_far.add(field)
                question_by_field.setdefault(field, question)
        answered_before_page = answered_so_far
    return problems


def _check_condition(condition: Condition, earlier: set[str],
                     question_by_field: dict[str, Question], fail, where: str,
                     earlier_what: str, all_fields: set[str]) -> None:
    if condition.kind in ("all", "any"):
        for inner in condition.conditions:
            _check_condition(inner, earlier, question_by_field, fail, where, earlier_what,
                             all_fields)
        return
    field = condition.question
    if field not in all_fields:
        raise fail(where, f"show_if refers to {field}, which is not a question in this file")
    if field not in earlier:
        # Routing may only look back: the answer must exist before the question is shown.
        raise fail(where, f"show_if refers to {field}, which is not {earlier_what}")
    source = question_by_field[field]
    if source.options_from:
        raise fail(where, f"show_if cannot route on {field}: its options are supplied at run time")
    if not source.is_choice:
        raise fail(where, f"show_if can only route on choice questions; {field} is {source.type}")
    if condition.kind == "includes" and source.type != "multiple_choice":
        raise fail(where, f"'includes' needs a multiple_choice question; {field} is {source.type}")
    if condition.kind in ("equals", "in") and source.type == "multiple_choice":
        raise fail(where, f"{field} is multiple_choice: use 'includes', not '{condition.kind}'")
    for code in condition.codes:
        if code not in source.codes:
            raise fail(where, f"show_if uses code {code}, which is not an option of {field} "
                       f"({', '.join(source.codes)})")
