"""The questionnaire as plain frozen data.

Definitions live in versioned YAML files (see ``loading.py``); everything else in the package
(routing, validation, import, export) works from these immutable objects, so a loaded questionnaire
can be shared safely between requests and cached by the portal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

QUESTION_TYPES = (
    "single_choice",
    "multiple_choice",
    "grid",
    "integer",
    "text",
    "long_text",
    "postcode",
)
CHOICE_TYPES = ("single_choice", "multiple_choice", "grid")
# A closed question read and answered on a phone or on paper takes about 15 seconds.
SECONDS_PER_ANSWER = 15


class QuestionnaireError(Exception):
    """A questionnaire definition is broken, or a frozen version no longer matches its checksum.

    The message names the file, the question (or page) and the problem, so the person editing the
    YAML can fix it without reading code.
    """


@dataclass(frozen=True)
class Option:
    """One answer option: ``code`` is stored in the data, ``label`` is shown to residents."""

    code: str
    label: str
    exclusive: bool = False  # multiple_choice only: cannot be combined with other options


@dataclass(frozen=True)
class GridRow:
    """One row of a grid; its ``id`` is a column of the wide format (e.g. ``asb_drugs``)."""

    id: str
    text: str


@dataclass(frozen=True)
class Condition:
    """A ``show_if`` rule.

    ``kind`` is ``equals`` / ``in`` (single-choice or grid-row answer is one of ``codes``),
    ``includes`` (multiple-choice answer contains any of ``codes``), or ``all`` / ``any`` over
    ``conditions``.
    """

    kind: str
    question: str | None = None
    codes: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()

    def referenced_fields(self) -> tuple[str, ...]:
        """Answer fields (question or grid-row ids) this rule reads, in order."""
        if self.kind in ("all", "any"):
            return tuple(f for c in self.conditions for f in c.referenced_fields())
        return (self.question,) if self.question else ()

    def describe(self) -> str:
        """Plain-English form, for import problems: ``car_use is yes``."""
        if self.kind == "all":
            return " and ".join(c.describe() for c in self.conditions)
        if self.kind == "any":
            return " or ".join(c.describe() for c in self.conditions)
        codes = ", ".join(self.codes)
        if self.kind == "includes":
            which = codes if len(self.codes) == 1 else f"any of {codes}"
            return f"{self.question} includes {which}"
        if len(self.codes) == 1:
            return f"{self.question} is {codes}"
        return f"{self.question} is one of {codes}"


@dataclass(frozen=True)
class Question:
    """One question. ``fields`` are the answer keys (and wide-format columns) it produces."""

    id: str
    type: str
    text: str
    hint: str | None = None
    required: bool = False
    options: tuple[Option, ...] = ()
    options_from: str | None = None  # e.g. "neighbourhoods": options supplied at run time
    rows: tuple[GridRow, ...] = ()
    min: int | None = None
    max: int | None = None
    max_length: int | None = None
    show_if: Condition | None = None
    error_message: str | None = None

    # Derived lookups are cached on the instance (frozen dataclasses allow cached_property):
    # imports and exports call them once per cell.
    @cached_property
    def fields(self) -> tuple[str, ...]:
        if self.type == "grid":
            return tuple(row.id for row in self.rows)
        return (self.id,)

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    @cached_property
    def _options_by_code(self) -> dict[str, Option]:
        return {option.code: option for option in self.options}

    def option(self, code: str) -> Option | None:
        return self._options_by_code.get(code)

    @cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)

    @cached_property
    def codes_by_lower_case(self) -> dict[str, str]:
        return {option.code.lower(): option.code for option in self.options}

    def row(self, row_id: str) -> GridRow | None:
        for row in self.rows:
            if row.id == row_id:
                return row
        return None


@dataclass(frozen=True)
class Page:
    """One topic; the web form shows one page at a time. ``intro`` is optional preamble text."""

    id: str
    title: str
    questions: tuple[Question, ...]
    intro: str | None = None
    show_if: Condition | None = None


@dataclass(frozen=True)
class Questionnaire:
    """A loaded, validated questionnaire version. ``source`` is the file it came from."""

    id: str
    version: int
    title: str
    pages: tuple[Page, ...]
    description: str | None = None
    source: str | None = field(default=None, compare=False)
    minutes: int | None = None  # the definition's estimated completion time, if it states one

    @property
    def estimated_minutes(self) -> int:
        """Minutes a resident should expect to spend: the definition's ``minutes`` or, when it
        states none, a plain estimate of ``SECONDS_PER_ANSWER`` per answer field (a grid row
        counts as one answer), rounded up. The home page, the survey's start page and the
        invitation e-mail all print this one figure."""
        if self.minutes is not None:
            return self.minutes
        return max(1, math.ceil(len(self.field_ids) * SECONDS_PER_ANSWER / 60))

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(question for page in self.pages for question in page.questions)

    @cached_property
    def field_ids(self) -> tuple[str, ...]:
        return tuple(f for question in self.questions for f in question.fields)

    @cached_property
    def _index(self) -> dict[str, tuple[Page, Question]]:
        """Question ids and grid row ids -> (page, question); the first wins on a clash, which
        the definition checks reject anyway."""
        index: dict[str, tuple[Page, Question]] = {}
        for page in self.pages:
            for question in page.questions:
                for key in (question.id, *question.fields):
                    index.setdefault(key, (page, question))
        return index

    def page(self, page_id: str) -> Page:
        for page in self.pages:
            if page.id == page_id:
                return page
        raise KeyError(f"{self.id} v{self.version} has no page {page_id!r}")

    def question(self, question_id: str) -> Question:
        """The question with this id, or the grid that owns this row id."""
        try:
            return self._index[question_id][1]
        except KeyError:
            raise KeyError(f"{self.id} v{self.version} has no question {question_id!r}") from None

    def page_of(self, question_id: str) -> Page:
        try:
            return self._index[question_id][0]
        except KeyError:
            raise KeyError(f"{self.id} v{self.version} has no question {question_id!r}") from None

    @property
    def label(self) -> str:
        return f"{self.id} v{self.version}"
