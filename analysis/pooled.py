"""Pooled ("last two years") estimates: several waves stacked and raked as one stratified design.

A pooled figure is not the average of the waves' percentages: averaging ignores the bases and
gives no honest standard error. The waves' responses are stacked and estimated as one sample.

Weighting: each wave is raked to its own population margins (``PooledWave.margins``, else the
period's margins), then its weights are scaled so that it counts by its share of the period
(equal shares: waves are equal periods, e.g. two survey years), so the weights of the stack sum
to the period's population. This is how the police confidence surveys' rolling 12-month figures
are made (each quarter's sample weighted to the population, then the quarters combined), and it
keeps each wave exactly as published on its own. Scaling a wave's weights after raking is raking
it to margins scaled by the same factor, so the stack is one raking to margins crossed with the
wave (wave x age band, wave x sex, wave x neighbourhood): in R
``rake(svydesign(ids = ~1, strata = ~wave, data = stacked), list(~wave + age_band, ...), pops)``
with each wave's populations multiplied by share x period total / wave total
(``tests/analysis/reference/make_pooled.R``). Respondents who did not give a weighting variable
get the mean adjustment of the stacked sample on it (the engine's rule; R has none).

Design: the waves are independent samples, so each wave is a stratum; SEs are the stratified
linearised SEs after raking, df and intervals as :mod:`analysis.estimates` gives them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.catalogue import CATALOGUE, Indicator, get_indicator, incomparable_indicators
from analysis.designs import sample_design
from analysis.errors import IndicatorError, InputError, MarginsError
from analysis.estimates import DEFAULT_DISCLOSURE, DisclosureRules, estimate_indicators
from analysis.margins import NOT_GIVEN, check_totals, validate_margins
from analysis.weighting import RakedDesign, WeightingResult, rake_weights, weighting_variables

WAVE = "wave"
CROSS = "{variable}__by_wave"  # the stacked frame's wave-crossed weighting columns


@dataclass(frozen=True)
class PooledWave:
    """One wave to pool: its name, responses and (optionally) its own population margins.

    ``questionnaire`` names the questionnaire asked (waves of different ones are refused);
    ``not_comparable`` the standard questions reworded or recoded in this wave (its indicators
    reading them are withheld, so they cannot be pooled either).
    """

    name: str
    responses: pd.DataFrame
    margins: pd.DataFrame | None = None
    questionnaire: str | None = None
    not_comparable: frozenset[str] = field(default_factory=frozenset)


@dataclass
class PooledDesign:
    """The stacked responses (``wave`` column = wave name) and their stratified raked design."""

    waves: tuple[str, ...]
    responses: pd.DataFrame
    weighting: WeightingResult
    design: RakedDesign
    shares: dict[str, float]

    def diagnostics(self) -> dict:
        """The weighting's diagnostics, named by the weighting variables (not their crossing)."""
        diag = self.weighting.diagnostics()
        plain = {CROSS.format(variable=v): v for v in _plain(diag["variables"])}
        diag["variables"] = [plain[v] for v in diag["variables"]]
        diag["missing"] = {plain[k]: n for k, n in diag["missing"].items()}
        return diag


def _plain(crossed: list[str]) -> list[str]:
    suffix = CROSS.format(variable="")
    return [v.removesuffix(suffix) for v in crossed]


def _check_waves(waves: Sequence[PooledWave]) -> None:
    if len(waves) < 2:
        raise InputError("pooling needs two or more waves; one wave's figure is its own estimate")
    names = [w.name for w in waves]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise InputError(f"wave {dup!r} is given twice; pool each wave once")
    asked = {w.questionnaire for w in waves if w.questionnaire is not None}
    if len(asked) > 1:
        first = waves[0]
        other = next(w for w in waves if w.questionnaire != first.questionnaire)
        raise InputError(
            f"wave {other.name!r} asked questionnaire {other.questionnaire!r}, wave "
            f"{first.name!r} asked {first.questionnaire!r}: only waves of the same questionnaire "
            "can be pooled")
    for w in waves:
        if len(w.responses) == 0:
            raise InputError(f"wave {w.name!r} has no responses")


def _reads(indicator: Indicator, catalogue: dict[str, Indicator]) -> set[str]:
    cols = set(indicator.questions) | ({indicator.routing[0]} if indicator.routing else set())
    for comp in indicator.components:
        cols |= _reads(get_indicator(comp, catalogue), catalogue)
    return cols


def pooled_indicator_ids(waves: Sequence[PooledWave], indicators: Sequence[str] | None = None,
                         catalogue: dict[str, Indicator] | None = None) -> list[str]:
    """The indicators to pool, refusing by name a wave that withholds one or lacks its questions.

    Default: every catalogue indicator whose questions some wave has; a question that one wave
    has and another lacks means the questions differ, and is refused.
    """
    cat = CATALOGUE if catalogue is None else catalogue
    ids = list(cat) if indicators is None else list(indicators)
    chosen = []
    for ind_id in ids:
        reads = _reads(get_indicator(ind_id, cat), cat)
        having = [w for w in waves if reads <= set(w.responses.columns)]
        if indicators is None and not having:
            continue
        lacking = [w for w in waves if w not in having]
        if lacking:
            w = lacking[0]
            gone = sorted(reads - set(w.responses.columns))
            raise IndicatorError(
                f"wave {w.name!r} has no {', '.join(gone)} ({ind_id}), which "
                f"{'the other waves ask' if having else 'it needs'}: the waves' questions "
                "differ, so they cannot be pooled")
        for w in waves:
            if ind_id in incomparable_indicators(w.not_comparable, cat):
                raise IndicatorError(
                    f"{ind_id} is withheld in wave {w.name!r} (its question was changed: "
                    f"{', '.join(sorted(w.not_comparable))}), so it cannot be pooled with the "
                    "other waves")
        chosen.append(ind_id)
    if not chosen:
        raise IndicatorError("the waves hold none of the catalogue's questions")
    return chosen


def _crossed(value, wave: str):
    """A weighting answer crossed with its wave; blanks and "not given" stay as they are."""
    if pd.isna(value) or str(value).strip() == "" or str(value) in NOT_GIVEN:
        return value
    return f"{wave}|{value}"


def _wave_margins(wave: PooledWave, period: pd.DataFrame, variables: tuple[str, ...]
                  ) -> pd.DataFrame:
    own = period if wave.margins is None else validate_margins(wave.margins)
    missing = [v for v in variables if v not in set(own["variable"])]
    if missing:
        raise MarginsError(f"the margins of wave {wave.name!r} have no {', '.join(missing)}")
    try:
        check_totals(own, variables)
    except MarginsError as exc:
        raise MarginsError(f"wave {wave.name!r}: {exc}") from None
    return own[own["variable"].isin(variables)]


def stack_waves(waves: Sequence[PooledWave], margins: pd.DataFrame,
                variables: Sequence[str] | None = None, *, epsilon: float = 1.0,
                maxit: int = 10) -> PooledDesign:
    """Stack ``waves`` and rake them as one design stratified by wave (see the module docstring).

    ``margins`` are the period's (``variable,category,population``): their total is the
    population the pooled weights sum to, and a wave without margins of its own is raked to
    them. ``epsilon``/``maxit`` as :func:`analysis.weighting.rake_weights` (R's rake()).
    """
    _check_waves(waves)
    period = validate_margins(margins)
    chosen = weighting_variables(period, None if variables is None else list(variables))
    total = check_totals(period, chosen)
    share = 1.0 / len(waves)
    parts, crossed = [], []
    for w in waves:
        own = _wave_margins(w, period, chosen)
        scale = share * total / check_totals(own, chosen)
        crossed.append(own.assign(
            variable=own["variable"].map(lambda v: CROSS.format(variable=v)),
            category=[f"{w.name}|{c}" for c in own["category"]],
            population=own["population"] * scale))
        frame = w.responses.copy()
        for v in chosen:
            if v not in frame.columns:
                raise MarginsError(f"wave {w.name!r}: weighting variable {v!r} is not a column "
                                   "of its responses")
            frame[CROSS.format(variable=v)] = frame[v].astype(object).map(
                lambda x, name=w.name: _crossed(x, name))
        frame[WAVE] = w.name
        parts.append(frame)
    stacked = _stack(parts)
    cross_vars = [CROSS.format(variable=v) for v in chosen]
    base = "base_weight" if "base_weight" in stacked.columns else None
    if base is not None and stacked[base].isna().any():
        raise InputError("some waves have base weights and others do not: give every wave "
                         "a base_weight column, or none")
    weighting = rake_weights(stacked, pd.concat(crossed, ignore_index=True), cross_vars,
                             base_weights=base, epsilon=epsilon, maxit=maxit)
    design = sample_design(weighting, stacked, strata=WAVE)
    return PooledDesign(tuple(w.name for w in waves), stacked, weighting, design,
                        {w.name: share for w in waves})


def _stack(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate the waves; answer columns back to categoricals (the engine's fast path)."""
    stacked = pd.concat([p.astype({c: object for c in p.columns
                                   if isinstance(p[c].dtype, pd.CategoricalDtype)})
                         for p in parts], ignore_index=True)
    for col in stacked.columns:
        if stacked[col].dtype == object:
            stacked[col] = stacked[col].astype("category")
    return stacked


def pooled_indicators(waves: Sequence[PooledWave], margins: pd.DataFrame, *,
                      by: str | None = None, indicators: Sequence[str] | None = None,
                      variables: Sequence[str] | None = None,
                      catalogue: dict[str, Indicator] | None = None,
                      disclosure: DisclosureRules = DEFAULT_DISCLOSURE,
                      epsilon: float = 1.0, maxit: int = 10, level: float = 0.95,
                      ci: str = "logit") -> tuple[pd.DataFrame, PooledDesign]:
    """Each indicator pooled over ``waves`` (whole area and by ``by``), as
    :func:`analysis.estimates.estimate_indicators` gives it, with a ``waves`` column.

    Refuses (by wave name) waves of different questionnaires, a wave withholding an indicator
    asked for, and waves whose questions differ.
    """
    _check_waves(waves)
    ids = pooled_indicator_ids(waves, indicators, catalogue)
    pooled = stack_waves(waves, margins, variables, epsilon=epsilon, maxit=maxit)
    table = estimate_indicators(pooled.responses, pooled.design, catalogue, by=by,
                                indicators=ids, disclosure=disclosure, level=level, ci=ci)
    table["waves"] = [list(pooled.waves)] * len(table)
    return table, pooled


def wave_totals(pooled: PooledDesign) -> dict[str, float]:
    """Sum of the pooled weights per wave (each wave's share of the period's population)."""
    w = pooled.weighting.weights
    names = pooled.responses[WAVE].astype(str).to_numpy()
    return {name: float(w[names == name].sum()) for name in pooled.waves}


__all__ = ["PooledDesign", "PooledWave", "pooled_indicator_ids", "pooled_indicators",
           "stack_waves", "wave_totals"]

