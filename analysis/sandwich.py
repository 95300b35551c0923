"""Design covariance of row-level influence values under a raked, stratified, clustered design.

R ``survey``'s ``svyrecvar`` for a design made by ``rake()``: the influence (estimating function)
matrix x, one row per response (zero outside the estimate's base, as R's ``subset()`` of a
calibrated design keeps those rows with zero weight), is first residualised on the raking
margins: ten sweeps over the margins of the last raking iteration, each replacing x by
x - psw * ave(x / psw, margin) with psw the weights just after that post-stratification. Then
the covariance is the with-replacement one over PSUs within strata, with the fpc and lonely-PSU
rule of :mod:`analysis.designs`. :mod:`analysis.linearisation` does the same for proportions on
cell totals; models need whole matrices (one column per cell or coefficient), so this works on
rows: n x p, cheap for a survey's size.
"""

from __future__ import annotations

import numpy as np

from analysis.errors import DesignError
from analysis.weighting import RakedDesign, WeightingResult


def raked_design(weighting: WeightingResult | RakedDesign) -> RakedDesign:
    """The RakedDesign of a weighting (a design made by :func:`analysis.designs.sample_design`
    passes through)."""
    raked = weighting.design if isinstance(weighting, WeightingResult) else weighting
    if raked is None:
        raise DesignError("these weights were not made by rake_weights; rake them first")
    return raked


def residualise(design: RakedDesign, x: np.ndarray) -> np.ndarray:
    """x less its projection on the raking margins, R's ten backfitting sweeps."""
    x = np.array(x, dtype=float)
    if not design.steps:
        return x
    base = np.ones(design.n) if design.base is None else design.base
    sweeps = []
    for step in design.steps:
        group = step.group[design.cell]
        count = np.bincount(group, minlength=step.n_groups).astype(float)
        sweeps.append((group, base * step.factor[design.cell], count))
    p = x.shape[1]
    for _ in range(design.backfit_sweeps):
        for group, psw, count in sweeps:
            u = x / psw[:, None]
            sums = np.zeros((len(count), p))
            np.add.at(sums, group, u)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = np.where(count[:, None] > 0, sums / count[:, None], 0.0)
            x -= psw[:, None] * mean[group]
    return x


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
        units = np.zeros((K, z.shape[1]))
        np.add.at(units, sample.cell_psu[design.cell], z)
        unit_stratum = sample.psu_stratum
    else:
        units, unit_stratum = z, sample.cell_stratum[design.cell]
    totals = np.zeros((S, z.shape[1]))
    np.add.at(totals, unit_stratum, units)
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
