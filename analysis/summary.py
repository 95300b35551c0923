"""Several waves at once, for the dashboard, the reports and the demo: one call, same functions.

Each wave is weighted separately to the margins (``rake_weights``), then
``estimate_indicators``, ``perception_gap`` and ``compare_to_rest`` run on it; consecutive waves
are compared with ``compare_waves`` and NI 21 gets its target status. Nothing here computes an
indicator itself.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.catalogue import CATALOGUE, Indicator, target_status
from analysis.codes import CodedFrame
from analysis.comparisons import compare_to_rest, compare_waves
from analysis.estimates import DEFAULT_DISCLOSURE, DisclosureRules, estimate_indicators
from analysis.gap import perception_gap
from analysis.weighting import WeightingResult, rake_weights


@dataclass
class WaveResult:
    """Everything computed for one wave."""

    wave: str
    weighting: WeightingResult
    indicators: pd.DataFrame
    gap: pd.DataFrame
    against_rest: pd.DataFrame
    targets: list[dict] = field(default_factory=list)


@dataclass
class WavesSummary:
    """Per-wave results and the changes between consecutive waves."""

    waves: dict[str, WaveResult]
    changes: dict[tuple[str, str], pd.DataFrame]


def _targets(table: pd.DataFrame, catalogue: dict[str, Indicator], wave: str) -> list[dict]:
    """Target status of every estimated row whose indicator has a target."""
    targets = []
    row: Any  # a row of the estimates table; pandas-stubs cannot know its column types
    for row in table.itertuples():
        ind = catalogue[row.indicator]
        if ind.target is not None and row.estimate is not None and row.estimate == row.estimate:
            status = target_status(ind, row.estimate, wave, row.ci_lower, row.ci_upper)
            if status is not None:
                targets.append({"indicator": row.indicator, "group": row.group, **status})
    return targets


def summarise_waves(
    responses: pd.DataFrame,
    margins: pd.DataFrame,
    *,
    by: str = "neighbourhood",
    rest_indicator: str = "ni21",
    disclosure: DisclosureRules = DEFAULT_DISCLOSURE,
    catalogue=None,
    **rake_options,
) -> WavesSummary:
    """Weight and analyse each wave of ``responses`` (column ``wave``), in wave order."""
    cat = CATALOGUE if catalogue is None else catalogue
    results: dict[str, WaveResult] = {}
    for wave in sorted(str(w) for w in pd.unique(responses["wave"].dropna())):
        frame = responses[responses["wave"].astype(str) == wave].reset_index(drop=True)
        coded = CodedFrame(frame)
        weighting = rake_weights(coded, margins, **rake_options)
        table = estimate_indicators(coded, weighting, cat, by=by, disclosure=disclosure)
        targets = _targets(table, cat, wave)
        results[wave] = WaveResult(
            wave=wave,
            weighting=weighting,
            indicators=table,
            gap=perception_gap(coded, weighting, cat, by=by, disclosure=disclosure),
            against_rest=compare_to_rest(coded, weighting, rest_indicator, by=by, catalogue=cat),
            targets=targets,
        )
    names = list(results)
    changes = {
        (a, b): compare_waves(results[a].indicators, results[b].indicators, before_label=a,
                              after_label=b)
        for a, b in itertools.pairwise(names)
    }
    return WavesSummary(results, changes)
