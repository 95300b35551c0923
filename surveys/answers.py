"""Check answers: one page of the web form, or a whole response (CSV import, tests).

The web form and the paper/phone import share one set of rules so an online response and a keyed-in
paper response can never disagree about what is valid. Page errors are GOV.UK-style sentences for a
resident, in their language (Flask-Babel's gettext; English outside a request, so imports read
English); whole-response problems name the field and the allowed codes for the staff member fixing a
spreadsheet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext

from surveys.definition_checks import METADATA_COLUMNS
from surveys.postcodes import normalise_postcode
from surveys.questionnaire import Question, Questionnaire, QuestionnaireError
from surveys.routing import condition_holds, is_answered, shown_question_ids

MULTIPLE_CHOICE_SEPARATOR = ";"


@dataclass(frozen=True)
class ProblemDetail:
    """One problem with a whole response.

    ``kind`` is ``unknown_question``, ``invalid_answer``, ``routing_violation`` (an answer to a
    question the routing does not ask) or ``missing_required``.
    """

    field: str
    kind: str
    message: str


class InvalidAnswer(ValueError):
    """A value that is not a valid answer; ``form_message`` for residents, ``import_message`` for
    staff."""

    def __init__(self, form_message: str, import_message: str):
        super().__init__(import_message)
        self.form_message = form_message
        self.import_message = import_message


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def missing_message(question: Question, field: str) -> str:
    """The GOV.UK-style error for a required question left blank."""
    if question.type == "grid":
        row = question.row(field)
        message = question.error_message or gettext("Select an answer")
        return f"{row.text}: {_lower_first(message)}" if row else message
    if question.error_message:
        return question.error_message
    if question.type == "single_choice":
        return gettext("Select an answer")
    if question.type == "multiple_choice":
        return gettext("Select at least one option")
    if question.type == "integer":
        return gettext("Enter a whole number")
    if question.type == "postcode":
        return gettext("Enter a postcode")
    return gettext("Enter an answer")


def _integer_error(question: Question) -> str:
    """`_integer_message` in the resident's language (the page's; English outside a request)."""
    low, high = question.min, question.max
    if low is not None and high is not None:
        return gettext("Enter a whole number between %(low)s and %(high)s", low=low, high=high)
    if low is not None:
        return gettext("Enter a whole number of %(low)s or more", low=low)
    if high is not None:
        return gettext("Enter a whole number of %(high)s or fewer", high=high)
    return gettext("Enter a whole number")


def _integer_message(question: Question) -> str:
    low, high = question.min, question.max
    if low is not None and high is not None:
        return f"Enter a whole number between {low} and {high}"
    if low is not None:
        return f"Enter a whole number of {low} or more"
    if high is not None:
        return f"Enter a whole number of {high} or fewer"
    return "Enter a whole number"


def _option_codes(question: Question) -> tuple[str, ...]:
    if question.options_from and not question.options:
        raise QuestionnaireError(
            f"{question.id}: its options come from {question.options_from} at run time; call "
            f"bind_options(questionnaire, {question.options_from}=...) first")
    return question.codes


def clean_answer(question: Question, field: str, raw: Any, *, lenient: bool = False) -> Any:
    """Turn a raw value into a stored answer (None if blank) or raise ``InvalidAnswer``.

    ``raw`` may be a string, a list of strings (form checkboxes; ``;``-joined text also works for
    multiple choice), an int, or a stored value. ``lenient`` (imports) accepts codes in any case.
    """
    kind = question.type
    if kind in ("single_choice", "grid") and isinstance(raw, str) and question.option(raw):
        return raw  # the common case, kept fast for imports and exports of thousands of rows
    values = _raw_values(question, raw)
    if not values:
        return None
    if kind in ("single_choice", "grid", "multiple_choice"):
        return _clean_choice(question, field, values, lenient)
    if len(values) != 1:
        raise InvalidAnswer(gettext("Enter one answer"), f"{field} takes one answer, not {len(values)}")
    if kind == "integer":
        return _clean_integer(question, values[0])
    if kind == "postcode":
        return _clean_postcode(values[0])
    return _clean_text(question, values[0])


def _chosen_codes(question: Question, field: str, values: list[str], lenient: bool) -> list[str]:
    """The option codes of ``values``, each once, in the order given; unknown values refused."""
    codes = _option_codes(question)
    by_key = question.codes_by_lower_case if lenient else {c: c for c in codes}
    chosen: list[str] = []
    for value in values:
        code = by_key.get(value.lower() if lenient else value)
        if code is None:
            what = ("one of the neighbourhoods" if question.options_from
                    else f"an answer code for {field}")
            raise InvalidAnswer(missing_message(question, field),
                                f"'{value}' is not {what}: use one of {', '.join(codes)}")
        if code not in chosen:
            chosen.append(code)
    return chosen


def _clean_choice(question: Question, field: str, values: list[str], lenient: bool) -> Any:
    """One code (single choice, grid row), or a tuple of codes in option order (multiple choice)
    where an exclusive option ("none of these") stands alone."""
    chosen = _chosen_codes(question, field, values, lenient)
    if question.type != "multiple_choice":
        if len(chosen) > 1:
            raise InvalidAnswer(missing_message(question, field),
                                f"{field} takes one answer, not {len(chosen)}")
        return chosen[0]
    options = [option for option in map(question.option, chosen) if option is not None]
    exclusive = [option for option in options if option.exclusive]
    if exclusive and len(chosen) > 1:
        raise InvalidAnswer(gettext("Select either '%(option)s' or other options, not both",
                                    option=exclusive[0].label),
                            f"{exclusive[0].code} cannot be combined with other answers")
    order = {code: position for position, code in enumerate(question.codes)}
    return tuple(sorted(chosen, key=order.__getitem__))


def _clean_integer(question: Question, text: str) -> int:
    """A whole number (thousands separators and spaces allowed) within the question's limits."""
    digits = text.replace(",", "").replace(" ", "")
    try:
        number: int | None = int(digits)
    except ValueError:
        number = None
    if (number is None or not digits.lstrip("+-").isdigit()
            or (question.min is not None and number < question.min)
            or (question.max is not None and number > question.max)):
        raise InvalidAnswer(_integer_error(question),
                            f"'{text}' is not {_lower_first(_integer_message(question)[6:])}")
    return number


def _clean_postcode(text: str) -> str:
    """A real UK postcode in its normal form."""
    postcode = normalise_postcode(text)
    if postcode is None:
        raise InvalidAnswer(gettext("Postcode must be a real UK postcode, like BA1 1AA"),
                            f"'{text}' is not a UK postcode, like BA1 1AA")
    return postcode


def _clean_text(question: Question, text: str) -> str:
    """Text and long text: count characters as the resident sees them (one per line break)."""
    text = text.replace("\r\n", "\n")
    limit = question.max_length
    if limit is not None and len(text) > limit:
        raise InvalidAnswer(gettext("Answer must be %(limit)s characters or fewer", limit=limit),
                            f"answer is {len(text)} characters; the limit is {limit}")
    return text


def _raw_values(question: Question, raw: Any) -> list[str]:
    if not is_answered(raw):
        return []
    if isinstance(raw, bool):
        raise InvalidAnswer(missing_message(question, question.id), f"{raw!r} is not an answer")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # integer columns come back from pandas as floats
    if isinstance(raw, (int, float)):
        raw = [str(raw)]
    elif isinstance(raw, str):
        raw = [raw]
    values: list[str] = []
    for item in raw:
        text = str(item)
        parts = (text.split(MULTIPLE_CHOICE_SEPARATOR) if question.type == "multiple_choice"
                 else [text])
        values.extend(part.strip() for part in parts)
    return [value for value in values if value]


def _form_values(form_data: Mapping[str, Any], field: str) -> list[str]:
    if hasattr(form_data, "getlist"):  # werkzeug MultiDict
        return list(form_data.getlist(field))
    value = form_data.get(field)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def validate_page(
    questionnaire: Questionnaire, page_id: str, form_data: Mapping[str, Any],
    answers: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check one submitted page.

    ``form_data`` maps field names (question ids; grid row ids) to a string or list of strings, or
    is a werkzeug MultiDict. ``answers`` are the resident's earlier answers, needed for routing.
    Returns ``(clean_answers, errors)``: clean answers for this page's asked questions that are
    valid (kept even when other fields have errors), and GOV.UK-style messages keyed by field id in
    page order. Answers to questions hidden by a same-page condition (e.g. car crime worry after
    car_use = no, where the browser had no JavaScript) are dropped, not errors. A page hidden by
    routing returns ``({}, {})``: the view should move on to ``next_page``.
    """
    page = questionnaire.page(page_id)
    page_fields = {field for question in page.questions for field in question.fields}
    prior = {k: v for k, v in (answers or {}).items() if k not in page_fields}
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in page.questions:
        if question.id not in shown_question_ids(questionnaire, {**prior, **clean}):
            continue
        for field in question.fields:
            try:
                value = clean_answer(question, field, _form_values(form_data, field))
            except InvalidAnswer as problem:
                errors[field] = problem.form_message
                continue
            if value is None:
                if question.required:
                    errors[field] = missing_message(question, field)
            else:
                clean[field] = value
    return clean, errors


def validate_response(questionnaire: Questionnaire, answers: Mapping[str, Any], *,
                      lenient: bool = False) -> list[ProblemDetail]:
    """Every problem with a whole response, in questionnaire order: unknown fields, invalid
    answers, answers to questions the routing does not ask, and required questions left blank.
    An empty list means the response is valid. ``answers`` may be a wide-format row: its metadata
    columns are ignored (``lenient`` then accepts codes in any case)."""
    known = set(questionnaire.field_ids) | set(METADATA_COLUMNS)
    problems = [ProblemDetail(field, "unknown_question",
                              f"{field} is not a question in {questionnaire.label}")
                for field in answers if field not in known]
    clean, invalid = _clean_for_checks(questionnaire, answers, lenient, problems)
    problems += _routing_problems(questionnaire, clean, invalid)
    return problems


def _clean_for_checks(questionnaire: Questionnaire, answers: Mapping[str, Any], lenient: bool,
                      problems: list[ProblemDetail]) -> tuple[dict[str, Any], set[str]]:
    """Clean answers (invalid ones kept raw, still answered for routing), the invalid fields;
    each invalid answer is added to ``problems``."""
    clean: dict[str, Any] = {}
    invalid: set[str] = set()
    for question in questionnaire.questions:
        for field in question.fields:
            try:
                value = clean_answer(question, field, answers.get(field), lenient=lenient)
            except InvalidAnswer as problem:
                problems.append(ProblemDetail(field, "invalid_answer", problem.import_message))
                clean[field] = answers.get(field)  # still answered, for the routing checks
                invalid.add(field)
                continue
            if value is not None:
                clean[field] = value
    return clean, invalid


def _routing_problems(questionnaire: Questionnaire, clean: Mapping[str, Any],
                      invalid: set[str]) -> list[ProblemDetail]:
    """Answers to questions the routing does not ask, and asked required questions left blank."""
    problems: list[ProblemDetail] = []
    shown = shown_question_ids(questionnaire, clean)
    for page in questionnaire.pages:
        for question in page.questions:
            for field in question.fields:
                answered = is_answered(clean.get(field))
                if question.id not in shown and answered:
                    if _routing_fields(page, question) & invalid:
                        continue  # routing on an invalid answer cannot be judged; fix that first
                    problems.append(ProblemDetail(field, "routing_violation", _routing_message(
                        questionnaire, question, field, clean)))
                elif question.id in shown and question.required and not answered:
                    problems.append(ProblemDetail(
                        field, "missing_required", f"{field} is required but has no answer"))
    return problems


def _routing_fields(page, question: Question) -> set[str]:
    rules = (page.show_if, question.show_if)
    return {field for rule in rules if rule for field in rule.referenced_fields()}


def _routing_message(questionnaire: Questionnaire, question: Question, field: str,
                     answers: Mapping[str, Any]) -> str:
    page = questionnaire.page_of(question.id)
    rule = question.show_if
    if page.show_if and not condition_holds(page.show_if, answers):
        rule = page.show_if
    if rule is None:  # hidden only because the question it depends on was itself hidden
        return f"{field} is answered but was not asked; leave it blank"
    return f"{field} is only asked when {rule.describe()}; leave it blank or correct the answers " \
           f"it depends on"


def clean_answers(questionnaire: Questionnaire, answers: Mapping[str, Any], *,
                  lenient: bool = False) -> dict[str, Any]:
    """Answers in stored form (codes checked, multiple choice as tuples in option order, ints,
    normalised postcodes), blanks dropped. Raises ``InvalidAnswer`` on the first bad value; call
    ``validate_response`` first to list every problem."""
    clean = {}
    for question in questionnaire.questions:
        for field in question.fields:
            value = clean_answer(question, field, answers.get(field), lenient=lenient)
            if value is not None:
                clean[field] = value
    return clean


def as_list(value: Any) -> Sequence[str]:
    """A multiple-choice answer as a sequence of codes, whether stored as a tuple or ``;`` text."""
    if not is_answered(value):
        return ()
    if isinstance(value, str):
        return tuple(part for part in value.split(MULTIPLE_CHOICE_SEPARATOR) if part)
    return tuple(value)
