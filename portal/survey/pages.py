"""What a question page shows, as plain values for the templates (they present; they do not decide).

``page_view`` turns a questionnaire page, the resident's values (saved answers, or what they just
typed when the page comes back with errors) and the error messages into view objects: one per
question, with the id the error summary links to, the options with their checked state, the hint
and the error next to the question.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import surveys
from surveys.routing import condition_holds


@dataclass(frozen=True)
class OptionView:
    id: str
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class FieldView:
    """One fieldset (a choice question, or one row of a grid) or one text input."""

    name: str  # form field name = answer field id
    id: str  # the id of the first input (error summary links here)
    legend: str
    kind: str  # radios, checkboxes, input, textarea
    hint: str | None = None
    error: str | None = None
    options: tuple[OptionView, ...] = ()
    value: str = ""
    autocomplete: str = "off"
    inputmode: str | None = None
    width: str | None = None

    @property
    def described_by(self) -> str:
        parts = []
        if self.hint:
            parts.append(f"{self.id}-hint")
        if self.error:
            parts.append(f"{self.id}-error")
        return " ".join(parts)


@dataclass(frozen=True)
class QuestionView:
    id: str
    text: str  # heading for a grid; for other types the legend/label of its single field
    kind: str  # single or grid
    fields: tuple[FieldView, ...] = field(default_factory=tuple)
    hint: str | None = None
    condition_note: str | None = None


def _values(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, (list, tuple)):
        return [str(value) for value in raw]
    return [str(raw)]


def _condition_note(questionnaire: surveys.Questionnaire, page: surveys.Page,
                    question: surveys.Question) -> str | None:
    """For a question shown only after an answer on the same page (no JavaScript to hide it)."""
    rule = question.show_if
    if rule is None or rule.kind not in ("equals", "in", "includes"):
        return None
    on_page = {f for q in page.questions for f in q.fields}
    if rule.question not in on_page:
        return None
    labels = [surveys.option_label(questionnaire, rule.question, code) for code in rule.codes]
    said = " or ".join(f"‘{label}’" for label in labels)
    asked = questionnaire.question(rule.question).text
    return f"Answer this only if you said {said} to ‘{asked}’"


def _choice_field(question: surveys.Question, name: str, legend: str, hint: str | None,
                  chosen: list[str], error: str | None, kind: str) -> FieldView:
    options = tuple(
        OptionView(id=name if position == 0 else f"{name}-{option.code}", value=option.code,
                   label=option.label, checked=option.code in chosen)
        for position, option in enumerate(question.options))
    return FieldView(name=name, id=name, legend=legend, kind=kind, hint=hint, error=error,
                     options=options)


def page_questions(questionnaire: surveys.Questionnaire, page: surveys.Page,
                   prior_answers: Mapping[str, Any], values: Mapping[str, Any],
                   errors: Mapping[str, str]) -> list[QuestionView]:
    """Questions on ``page`` the resident is asked, given earlier pages' answers. A question that
    depends on an answer on the same page is shown with a note saying when to answer it."""
    page_fields = {f for q in page.questions for f in q.fields}
    earlier = {k: v for k, v in prior_answers.items() if k not in page_fields}
    views = []
    for question in page.questions:
        rule = question.show_if
        if rule is not None:
            referenced = set(rule.referenced_fields())
            if not referenced & page_fields and not condition_holds(rule, earlier):
                continue
        note = _condition_note(questionnaire, page, question)
        if question.options_from == "neighbourhoods" and any(q.type == "postcode" for q in page.questions):
            note = "If you are not sure, leave this blank and give your postcode below: we will find it"
        hint = " ".join(part for part in (question.hint, note) if part) or None
        if question.type == "grid":
            fields = tuple(_choice_field(question, row.id, row.text, None, _values(values.get(row.id)),
                                         errors.get(row.id), "radios") for row in question.rows)
            views.append(QuestionView(question.id, question.text, "grid", fields, hint=hint))
            continue
        chosen = _values(values.get(question.id))
        error = errors.get(question.id)
        if question.type in ("single_choice", "multiple_choice"):
            kind = "radios" if question.type == "single_choice" else "checkboxes"
            view = _choice_field(question, question.id, question.text, hint, chosen, error, kind)
        else:
            value = chosen[0] if chosen else ""
            view = FieldView(
                name=question.id, id=question.id, legend=question.text,
                kind="textarea" if question.type == "long_text" else "input", hint=hint, error=error,
                value=value,
                autocomplete="postal-code" if question.type == "postcode" else "off",
                inputmode="numeric" if question.type == "integer" else None,
                width={"postcode": "10", "integer": "5"}.get(question.type))
        views.append(QuestionView(question.id, question.text, "single", (view,), hint=hint))
    return views


def form_values(form: Any, page: surveys.Page) -> dict[str, list[str]]:
    """What the resident sent for this page's fields, as lists of strings (to show it back)."""
    return {f: form.getlist(f) for q in page.questions for f in q.fields}


def error_items(errors: Mapping[str, str]) -> dict[str, str]:
    """Error summary entries: the link target is the field's first input, whose id is the field."""
    return dict(errors)


def merge_page_answers(questionnaire: surveys.Questionnaire, page: surveys.Page,
                       answers: Mapping[str, Any], clean: Mapping[str, Any]) -> dict[str, Any]:
    """The draft's answers with this page's replaced by what was just accepted, and the answers to
    questions the new answers hide removed. The postcode only finds the neighbourhood: it is
    never kept."""
    page_fields = {f for q in page.questions for f in q.fields}
    merged = {k: v for k, v in answers.items() if k not in page_fields}
    merged.update({k: v for k, v in clean.items() if k != "postcode"})
    return surveys.prune_hidden(questionnaire, merged)


def page_errors(page: surveys.Page, errors: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    """The validation `errors` with the `extra` ones (postcode checks) for fields that have none,
    in the order the fields appear on the page, so the error summary reads top to bottom."""
    combined = {**errors, **{k: v for k, v in extra.items() if k not in errors}}
    order = {f: n for n, f in enumerate(f for q in page.questions for f in q.fields)}
    return dict(sorted(combined.items(), key=lambda item: order.get(item[0], 0)))
