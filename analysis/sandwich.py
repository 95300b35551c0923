"""Design covariance of row-level influence values under a raked, stratified, clustered design.

R ``survey``'s ``svyrecvar`` for a design made by ``rake()``: the influence (estimating function)
matrix x, one row per response (zero outside the estimate's base, as R's ``subset()`` of a
calibrated design keeps those rows with zero weight), is first residualised on the raking
margins: ten sweeps over the margins of the last raking iteration, each replacing x by
x - psw * ave(x / psw, margin) with psw the weights just after that post-stratification. Then
the covariance is the with-replacement one over PSUs within strata, with the fpc and lonely-PSU
rule of :mod:`analysis.designs`. :mod:`analysis.linearisation` does the same for one proportion
at a time; models need whole matrices (one column per cell or coefficient) of row values.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from analysis.errors import DesignError
from analysis.weighting import RakedDesign, WeightingResult


def _onehot(index: np.ndarray, size: int) -> sparse.csr_matrix:
    n = len(index)
    return sparse.csr_matrix((np.ones(n), (np.arange(n), index)), shape=(n, size))


def raked_design(weighting: WeightingResult | RakedDesign) -> RakedDesign:
    """The RakedDesign of a weighting (a design made by :func:`analysis.designs.sample_design`
    passes through)."""
    raked = weighting.design if isinstance(weighting, WeightingResult) else weighting
    if raked is None:
        raise DesignError("these weights were not made by rake_weights; rake them first")
    return raked


def residualise(design: RakedDesign, x: np.ndarray) -> np.ndarray:
    """x less its projection on the raking margins, R's ten backfitting sweeps.

    Every row of a raking cell c has psw = b_i F_c, so each sweep changes x_i by b_i h_c: the
    sweeps run on per-cell totals of x / b (as :mod:`analysis.linearisation`), then one pass
    over the rows applies h.
    """
    x = np.array(x, dtype=float)
    if not design.steps:
        return x
    base = np.ones(design.n) if design.base is None else design.base
    to_cell = _onehot(design.cell, design.n_cells).T.tocsr()
    A = to_cell @ (x / base[:, None])  # (C, p) sum over the cell of x / b
    count = design.cell_count[:, None]
    h = np.zeros_like(A)
    steps = []
    for step in design.steps:
        groups = _onehot(step.group, step.n_groups)  # (C, G)
        steps.append((groups, step.factor[:, None], groups.T @ design.cell_count))
    for _ in range(design.backfit_sweeps):
        for groups, F, N in steps:
            sums = groups.T @ ((A - count * h) / F)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = np.where(N[:, None] > 0, sums / N[:, None], 0.0)
            h += F * (groups @ mean)
    return x - base[:, None] * h[design.cell]


def design_vcov(design: RakedDesign, x: np.ndarray) -> np.ndarray:
    """(p, p) covariance of the estimates whose influence values are the columns of x (n, p)."""
    z = residualise(design, x)
    sample = design.sample
    n = design.n
    if sample is None:
        if n < 2:
            return np.full((z.shape[1], z.shape[1]), np.nan)
        dev = z - z.mean(axis=0)
        return dev.T @ dev * n / (n - 1)
    scale = sample.scale()
    S = len(sample.strata)
    if sample.clustered:
        assert sample.cell_psu is not None and sample.psu_stratum is not None
        K = len(sample.psu_stratum)
        units = _onehot(sample.cell_psu[design.cell], K).T @ z
        unit_stratum = sample.psu_stratum
    else:
        units, unit_stratum = z, sample.cell_stratum[design.cell]
    totals = _onehot(unit_stratum, S).T @ units
    mean = totals / sample.n_psu[:, None]
    mean[sample.lonely & (sample.lonely_psu == "adjust")] = 0.0
    dev = (units - mean[unit_stratum]) * np.sqrt(scale)[unit_stratum][:, None]
    return dev.T @ dev


def design_df(design: RakedDesign, in_base: np.ndarray | None = None) -> int:
    """R's ``degf``: PSUs with a response in the base less strata with one (whole design if
    ``in_base`` is None)."""
    base = np.ones(design.n, dtype=bool) if in_base is None else in_base
    sample = design.sample
    if sample is None:
        return max(int(base.sum()) - 1, 0)
    cells = design.cell[base]
    strata = len(np.unique(sample.cell_stratum[cells]))
    if sample.clustered:
        assert sample.cell_psu is not None
        return max(len(np.unique(sample.cell_psu[cells])) - strata, 0)
    return max(int(base.sum()) - strata, 0)
