"""A questionnaire as its document: the mapping a definition file holds, stored as data.

The portal keeps each published version as this document (the same shape as the YAML in
``surveys/definitions``), so a version exported to a file and imported again is the same version.
Here: reading a document from file bytes, every problem with one (not only the first), building the
questionnaire from it, writing it back out as YAML, and turning a loaded questionnaire back into one.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import yaml

from surveys.definition_checks import questionnaire_problems
from surveys.loading import _build, _condition, _read_raw, _schema_validator, _where
from surveys.questionnaire import Condition, Question, Questionnaire, QuestionnaireError


class DefinitionRefused(QuestionnaireError):
    """A definition with problems; ``problems`` names each one, where it is and what is wrong."""

    def __init__(self, source: str, problems: list[str]):
        count = len(problems)
        super().__init__(f"{source}: {count} problem{'s' if count != 1 else ''}: "
                         + "; ".join(problems))
        self.source = source
        self.problems = problems


def read_document(raw: bytes, source: str) -> dict[str, Any]:
    """The mapping a definition file holds; ``QuestionnaireError`` if it is not YAML or not a
    mapping (the shape is checked by :func:`document_problems`)."""
    return _read_raw(raw, source)


def schema_problems(document: dict[str, Any]) -> list[str]:
    """Every way the document breaks the JSON Schema, each as 'where: what'."""
    problems = []
    errors = sorted(_schema_validator().iter_errors(document),
                    key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        where, dotted = _where(document, error.absolute_path)
        problems.append(f"{where}: {dotted}: {error.message}" if dotted
                        else f"{where}: {error.message}")
    return problems


def document_problems(document: dict[str, Any], source: str = "questionnaire") -> list[str]:
    """Every problem with a document: its shape first, then (when the shape is sound) each rule
    of ``definition_checks``. Empty when the document would load."""
    problems = schema_problems(document)
    if problems:
        return problems
    try:
        questionnaire = _build(document, source)
    except QuestionnaireError as error:
        return [str(error).removeprefix(f"{source}: ")]
    return questionnaire_problems(questionnaire)


def questionnaire_from_document(document: dict[str, Any], source: str) -> Questionnaire:
    """The questionnaire a document defines; ``DefinitionRefused`` naming every problem."""
    problems = document_problems(document, source)
    if problems:
        raise DefinitionRefused(source, problems)
    return dataclasses.replace(_build(document, source), source=source)


def condition_words(raw: dict[str, Any]) -> str:
    """A ``show_if`` mapping in words (``car_use is no or bus_use is yes``), as it stands even
    when it does not load."""
    try:
        return _condition(raw, "draft", "show_if").describe()
    except (QuestionnaireError, KeyError, TypeError, AttributeError):
        return str(raw)


def document_yaml(document: dict[str, Any]) -> str:
    """The document as YAML text in the definitions' layout (keys in their written order).

    Strings YAML 1.1 would read as something else (``yes``, ``16_24``) come out quoted, so the
    file loads back as the same document."""
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)


def document_of(questionnaire: Questionnaire) -> dict[str, Any]:
    """The document that builds ``questionnaire`` (for versions stored before documents were)."""
    document: dict[str, Any] = {"id": questionnaire.id, "version": questionnaire.version,
                                "title": questionnaire.title}
    if questionnaire.description:
        document["description"] = questionnaire.description
    if questionnaire.minutes is not None:
        document["minutes"] = questionnaire.minutes
    document["pages"] = []
    for page in questionnaire.pages:
        raw_page: dict[str, Any] = {"id": page.id, "title": page.title}
        if page.intro:
            raw_page["intro"] = page.intro
        if page.show_if:
            raw_page["show_if"] = condition_document(page.show_if)
        raw_page["questions"] = [question_document(q) for q in page.questions]
        document["pages"].append(raw_page)
    return document


def question_document(question: Question) -> dict[str, Any]:
    raw: dict[str, Any] = {"id": question.id, "type": question.type, "text": question.text}
    for key in ("hint", "error_message"):
        if getattr(question, key):
            raw[key] = getattr(question, key)
    if question.required:
        raw["required"] = True
    if question.options_from:
        raw["options_from"] = question.options_from
    elif question.options:
        raw["options"] = [{"code": o.code, "label": o.label, **({"exclusive": True}
                                                                if o.exclusive else {})}
                          for o in question.options]
    if question.rows:
        raw["rows"] = [{"id": r.id, "text": r.text} for r in question.rows]
    for key in ("min", "max", "max_length"):
        if getattr(question, key) is not None:
            raw[key] = getattr(question, key)
    if question.show_if:
        raw["show_if"] = condition_document(question.show_if)
    return raw


def condition_document(condition: Condition) -> dict[str, Any]:
    if condition.kind in ("all", "any"):
        return {condition.kind: [condition_document(c) for c in condition.conditions]}
    codes: Any = list(condition.codes) if condition.kind == "in" else condition.codes[0]
    return {"question": condition.question, condition.kind: codes}
