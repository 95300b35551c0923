"""Checking answer columns against the codes they may hold, before anything is counted.

Why: the engine counts a respondent as positive when the answer is one of the indicator's
positive codes, so a column holding labels ("Strongly agree") or a typo would silently give
NI 21 = 0.0%. Every column the engine reads is checked first against its expected codes: the
indicator catalogue's answer scales (the CLI), the questionnaire's options (the portal) and the
margins' categories for the weighting variables. A blank (empty, whitespace, NaN) is no answer
and always allowed.

:func:`check_codes` is pure (frames and mappings in, a frame out) and raises
:class:`UnknownCodesError`, an :class:`~analysis.errors.InputError`, naming each column, up to five
offending values with their counts and the expected codes. With ``lenient=True`` it returns a
copy in which unknown values are blank, and how many it dropped per column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.catalogue import CATALOGUE, QUESTION_CODES, Indicator, get_indicator
from analysis.codes import column_codes
from analysis.errors import IndicatorError, InputError
from analysis.margins import NOT_GIVEN, validate_margins

SHOWN_VALUES = 5  # offending values named per column; the rest are counted


@dataclass(frozen=True)
class UnknownValues:
    """The values of one column that are not among its expected codes."""

    column: str
    values: tuple[tuple[str, int], ...]  # (value, rows), most frequent first
    expected: tuple[str, ...]

    @property
    def rows(self) -> int:
        """Cells holding an unknown value (what ``lenient`` turns into no answer)."""
        return sum(count for _value, count in self.values)

    def describe(self) -> str:
        """One line: the column, up to five values with their counts, the expected codes."""
        shown = ", ".join(f"{value!r} ({count:,})" for value, count in
                          self.values[:SHOWN_VALUES])
        rest = len(self.values) - SHOWN_VALUES
        more = f" and {rest:,} more value{'s' if rest != 1 else ''}" if rest > 0 else ""
        return f"{self.column}: {shown}{more}; expected one of: {', '.join(self.expected)}"


class UnknownCodesError(InputError):
    """Answer columns hold values that are not their expected codes (nothing was computed)."""

    def __init__(self, problems: list[UnknownValues]):
        self.problems = problems
        count = len(problems)
        head = (f"{count} column{'s' if count != 1 else ''} hold{'s' if count == 1 else ''} "
                "values that are not answer codes (a blank cell is no answer):")
        super().__init__("\n".join([head, *(f"  {p.describe()}" for p in problems)]))


def unknown_values(frame: pd.DataFrame,
                   expected: Mapping[str, Iterable[str]]) -> list[UnknownValues]:
    """The unknown values of each column of ``expected`` that ``frame`` holds, in that order.

    Columns absent from ``frame`` are skipped (a missing question is the estimator's error).
    One factorisation per column, so a million rows cost milliseconds.
    """
    problems = []
    for column, codes in expected.items():
        if column not in frame.columns:
            continue
        codes = tuple(codes)
        allowed = set(codes)
        row_codes, labels = column_codes(frame[column])
        bad = [i for i, label in enumerate(labels) if label not in allowed]
        if not bad:
            continue
        counts = np.bincount(row_codes[row_codes >= 0], minlength=len(labels))
        found = sorted(((labels[i], int(counts[i])) for i in bad if counts[i]),
                       key=lambda pair: (-pair[1], pair[0]))
        if found:
            problems.append(UnknownValues(column, tuple(found), codes))
    return problems


def check_codes(frame: pd.DataFrame, expected: Mapping[str, Iterable[str]], *,
                lenient: bool = False) -> tuple[pd.DataFrame, dict[str, int]]:
    """``frame`` checked against ``expected`` (column -> codes).

    Strict (default): returns ``(frame, {})`` unchanged, or raises UnknownCodesError listing every
    offending column. Lenient: returns a copy with unknown values blanked (no answer) and the
    number of values dropped per column (only columns that lost any).
    """
    problems = unknown_values(frame, expected)
    if not problems:
        return frame, {}
    if not lenient:
        raise UnknownCodesError(problems)
    out = frame.copy()
    for problem in problems:
        out[problem.column] = _blank_values(out[problem.column], [v for v, _ in problem.values])
    return out, {p.column: p.rows for p in problems}


def _blank_values(series: pd.Series, values: list[str]) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype):
        drop = [c for c in series.cat.categories if str(c) in set(values)]
        return series.cat.remove_categories(drop)
    return series.where(~series.astype(str).isin(values))


def catalogue_codes(indicators: Iterable[str | Indicator] | None = None,
                    catalogue: Mapping[str, Indicator] | None = None
                    ) -> dict[str, tuple[str, ...]]:
    """Question -> answer codes for every question (and routing question) the indicators read.

    Default: every indicator of the catalogue. IndicatorError if a question has no declared scale
    in ``QUESTION_CODES``, since an unchecked column could hide labels.
    """
    cat = CATALOGUE if catalogue is None else catalogue
    chosen = list(cat.values()) if indicators is None else [
        i if isinstance(i, Indicator) else get_indicator(i, dict(cat)) for i in indicators]
    expected: dict[str, tuple[str, ...]] = {}
    for ind in chosen:
        questions = [*ind.questions, *([ind.routing[0]] if ind.routing else [])]
        for question in questions:
            if question not in QUESTION_CODES:
                raise IndicatorError(f"indicator {ind.id}: the catalogue declares no answer "
                                     f"codes for question {question!r}; add them to "
                                     "QUESTION_CODES")
            expected[question] = QUESTION_CODES[question]
    return expected


def margin_codes(margins: pd.DataFrame, variables: Iterable[str] | None = None
                 ) -> dict[str, tuple[str, ...]]:
    """Weighting variable -> its margin's categories plus the "not given" codes."""
    margins = validate_margins(margins)
    wanted = None if variables is None else set(variables)
    expected = {}
    for variable, group in margins.groupby("variable", sort=False):
        if wanted is None or variable in wanted:
            expected[str(variable)] = (*map(str, group["category"]), *NOT_GIVEN)
    return expected
