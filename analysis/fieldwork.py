"""The fieldwork monitor's figures, while a wave is still in the field.

Why: a partnership can still steer a wave before it closes (remind the neighbourhoods and groups
that are short), but only if it sees, today, who has answered against the population and what
that will mean for NI 21's intervals at the close. Three pure calculations:

- :func:`achieved_shares`: responses per category of a weighting variable against the population
  share from the raking margins (shares among those who gave the variable); gap = achieved share
  - population share, so the most negative gap is the group furthest below its share.
- :func:`design_effect_now`: Kish design effect 1 + CV^2 = n.sum(w^2)/sum(w)^2 of the weights the
  dashboard's raking (`analysis.report.weigh_wave`) gives what has come in so far; when the raking
  cannot be done yet (an empty category, no convergence) the reason, never an exception.
- :func:`projected_half_widths`: per neighbourhood, NI 21's base extrapolated at the current rate
  per day to the closing date, n_close = n_now x days_open / days_so_far (the opening day and today
  both count as days so far), and the 95% half-width 1.96 sqrt(deff p (1-p) / n_close), with p the
  current (weighted, if weights exist) NI 21 estimate in the neighbourhood, or 0.5 when its base is
  below ``min_base``. A normal-approximation planning figure, not the logit interval of the reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analysis.catalogue import CATALOGUE
from analysis.codes import CodedFrame
from analysis.errors import AnalysisError
from analysis.estimates import indicator_vectors
from analysis.margins import NOT_GIVEN, validate_margins
from analysis.report import weigh_wave

Z95 = 1.96
PLANNING_P = 0.5  # the widest interval: used until a neighbourhood has a base to estimate p from
MIN_BASE_FOR_P = 30  # the disclosure rule's smallest published base


@dataclass(frozen=True)
class ShareRow:
    """One category of a weighting variable: responses so far against the population."""

    variable: str
    category: str
    responses: int
    share: float  # of the responses that gave the variable (0 when none has)
    population: float
    population_share: float

    @property
    def gap(self) -> float:
        """Achieved share - population share (negative: below its share)."""
        return self.share - self.population_share


def achieved_shares(responses: pd.DataFrame, margins: pd.DataFrame, variable: str) -> list[ShareRow]:
    """Every margin category of ``variable`` with its responses, share and population share,
    furthest below its share first (ties in margin order). Blanks, ``prefer_not_to_say`` and
    answers with no margin are left out of the shares."""
    margins = validate_margins(margins)
    rows = margins[margins["variable"] == variable]
    if rows.empty:
        raise AnalysisError(f"no population margin for {variable!r}")
    categories = [str(c) for c in rows["category"]]
    given = (responses[variable].astype(str).str.strip() if variable in responses.columns
             else pd.Series([], dtype=str))
    counts = given[given.isin(categories) & ~given.isin(NOT_GIVEN)].value_counts()
    known = int(counts.sum())
    population = rows["population"].to_numpy(float)
    total = float(population.sum())
    result = [ShareRow(variable, c, int(counts.get(c, 0)), int(counts.get(c, 0)) / known if known else 0.0,
                       float(p), float(p) / total if total else 0.0)
              for c, p in zip(categories, population, strict=True)]
    return sorted(result, key=lambda row: row.gap)


@dataclass(frozen=True)
class DesignEffectNow:
    """The design effect the raking would give now, or why it cannot be worked out yet."""

    value: float | None
    weights: np.ndarray | None
    reason: str | None = None


def design_effect_now(responses: pd.DataFrame, margins: pd.DataFrame) -> DesignEffectNow:
    """Rake what has come in (as the dashboard does) and return 1 + CV^2 of the weights; with no
    responses, or raking that is refused or does not converge yet, ``value`` is None and
    ``reason`` says why (e.g. no respondents yet in one age band)."""
    if len(responses) == 0:
        return DesignEffectNow(None, None, "there are no responses yet")
    try:
        result = weigh_wave(responses, margins)
    except AnalysisError as error:
        return DesignEffectNow(None, None, str(error))
    return DesignEffectNow(result.design_effect, result.weights)


@dataclass(frozen=True)
class Projection:
    """NI 21 in one neighbourhood at the closing date, if responses keep coming at today's rate."""

    neighbourhood: str
    base_now: int  # respondents in NI 21's base so far
    per_day: float  # of them, per day so far
    base_at_close: float
    p: float
    p_is_estimate: bool  # False: PLANNING_P, the base is below min_base
    half_width: float | None  # 95%, as a proportion; None: nobody in the base yet


def days_so_far(opens_on: date, closes_on: date, today: date) -> tuple[int, int]:
    """(days in the field up to and including today, days the wave is open in all); today is
    held to the fieldwork dates, so before opening no day has passed and after closing all have."""
    total = (closes_on - opens_on).days + 1
    elapsed = min(max((today - opens_on).days + 1, 0), total)
    return elapsed, total


def projected_half_widths(responses: pd.DataFrame, neighbourhoods: list[str], *, opens_on: date,
                          closes_on: date, today: date, design_effect: float | None,
                          weights: np.ndarray | None = None,
                          min_base: int = MIN_BASE_FOR_P) -> list[Projection]:
    """One :class:`Projection` per neighbourhood (in the order given). ``design_effect`` None
    (raking not possible yet) is taken as 1, i.e. no loss to weighting; ``weights`` (row order)
    make p the weighted estimate. Responses without the NI 21 question count as outside its base."""
    elapsed, total = days_so_far(opens_on, closes_on, today)
    deff = 1.0 if design_effect is None else design_effect
    y, valid = _ni21_vectors(responses)
    w = np.ones(len(responses)) if weights is None else np.asarray(weights, dtype=float)
    area = (responses["neighbourhood"].astype(str).to_numpy() if "neighbourhood" in responses.columns
            else np.full(len(responses), "", dtype=object))
    result = []
    for slug in neighbourhoods:
        inside = valid & (area == slug)
        base = int(inside.sum())
        per_day = base / elapsed if elapsed else 0.0
        at_close = base * total / elapsed if elapsed else 0.0
        estimated = base >= min_base
        p = float((w * y)[inside].sum() / w[inside].sum()) if estimated else PLANNING_P
        half = Z95 * math.sqrt(deff * p * (1 - p) / at_close) if at_close > 0 else None
        result.append(Projection(slug, base, per_day, at_close, p, estimated, half))
    return result


def _ni21_vectors(responses: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(positive, in base) for NI 21 over the rows; nobody is in the base without the question."""
    indicator = CATALOGUE["ni21"]
    if not set(indicator.questions) <= set(responses.columns):
        empty = np.zeros(len(responses), dtype=bool)
        return empty, empty
    return indicator_vectors(CodedFrame(responses), indicator)
