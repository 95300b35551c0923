"""Trimming of final weights to bounds, the excess spread over the untrimmed (R ``trimWeights``).

Method: R ``survey::trimWeights(design, lower, upper, strict)`` exactly. Weights outside
[lower, upper] are set to the bound and the total cut off (or added) is shared out *equally*
(not in proportion) over the respondents who were inside, so the sum of weights is kept. The
shared excess can push some of them past a bound; ``strict=True`` repeats until none is
(R: recursion), ``strict=False`` stops after one round.

Standard errors mirror R: ``trimWeights`` changes only the weights, and the design keeps the
residualisation of the calibration or raking before it (R's ``postStrata``: the calibration
regression with its g-weights, or the raking steps' weights). So the influence values use the
trimmed weights and are then residualised exactly as before trimming; R does not re-derive the
calibration. Trimmed weights are no longer a base weight times a cell factor, so the trimmed
design's cells are the groups of responses with the same old cell, base weight and trimmed weight
(single responses when the base weights all differ: the sums then cost one column per response).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from analysis.errors import WeightingError
from analysis.weighting import Calibration, MarginStep, RakedDesign, WeightingResult

MAX_ROUNDS = 1000  # strict trimming: each round trims at least one more response


def trim_to_bounds(w: np.ndarray, lower: float, upper: float, strict: bool) -> tuple[np.ndarray, int]:
    """R ``trimWeights`` on a weight vector: the trimmed weights and the rounds taken."""
    w = np.asarray(w, dtype=float)
    if strict and not len(w) * lower <= w.sum() <= len(w) * upper:
        raise WeightingError(
            f"strict trimming to {lower:g},{upper:g} cannot keep the total {w.sum():,.6g} of "
            f"{len(w):,} weights (it needs a mean weight between the bounds); widen the bounds")
    rounds = 0
    while True:
        outside = (w < lower) | (w > upper)
        if not outside.any():
            return w, rounds
        if outside.all():
            raise WeightingError(
                f"trimming to {lower:g},{upper:g}: every weight is outside the bounds, so the "
                "excess has nobody to go to; widen the bounds")
        rounds += 1
        new = np.maximum(lower, np.minimum(w, upper))
        new[~outside] += (w - new).sum() / (~outside).sum()
        w = new
        if not strict:
            return w, rounds
        if rounds >= MAX_ROUNDS:
            raise WeightingError(
                f"strict trimming to {lower:g},{upper:g} did not settle in {MAX_ROUNDS} rounds; "
                "widen the bounds")


def _row_design(design: RakedDesign, weights: np.ndarray) -> RakedDesign:
    """The design with given weights, keeping its residualisation.

    Its cells are the groups of responses sharing the old cell, base weight and trimmed weight
    (single responses at worst; few per cell when the base weights take few values).
    """
    n = design.n
    base = np.ones(n) if design.base is None else design.base
    keys, cell = np.unique(np.column_stack([design.cell, base, weights]), axis=0,
                           return_inverse=True)
    cell = cell.reshape(-1)
    parent, b, w = keys[:, 0].astype(np.int64), keys[:, 1], keys[:, 2]
    steps = [MarginStep(s.variable, s.categories, s.group[parent], s.n_groups,
                        s.factor[parent] * b) for s in design.steps]
    cal = design.calibration
    if cal is not None:
        cal = Calibration(cal.x[parent], cal.g[parent], cal.hscale[parent] * b, cal.M)
    count = np.bincount(cell, minlength=len(keys)).astype(float)
    return RakedDesign(n, cell, len(keys), count, None, count, count, w, steps,
                       design.backfit_sweeps, calibration=cal)


def trim_weights(weighting: WeightingResult, lower: float, upper: float,
                 strict: bool = False) -> WeightingResult:
    """Trim the weights of ``weighting`` (raked or calibrated) as R ``trimWeights``."""
    if not lower < upper:
        raise WeightingError(f"trimming bounds {lower:g},{upper:g}: the lower must be below "
                             "the upper")
    if weighting.design is None or weighting.design.sample is not None:
        raise WeightingError("trim the weights of rake_weights or calibrate_weights before "
                             "adding the sample design")
    weights, rounds = trim_to_bounds(weighting.weights, lower, upper, strict)
    if rounds == 0:
        return weighting
    note = (f"weights trimmed to {lower:g},{upper:g} with the excess shared over the untrimmed "
            f"({'strict, ' if strict else ''}{rounds} round(s))")
    return replace(weighting, weights=weights, notes=[*weighting.notes, note],
                   design=_row_design(weighting.design, weights))
