"""Taylor-linearised variances of weighted proportions under a raked design, on cell totals.

Reference: R ``survey`` (``svymean`` -> ``svyrecvar``) for a design made by ``rake()``. The
influence values of a domain proportion, z_i = w_i 1[i in base] (y_i - p) / sum(w over base), are
residualised on the raking margins exactly as ``svyrecvar`` does for a ``raking`` postStrata:
ten sweeps over the margins of the last raking iteration, each replacing z by
z - psw * ave(z / psw, margin) with psw the weights just after that post-stratification. The
variance is then the with-replacement one, n/(n-1) sum (z - mean z)^2 over all n responses
(domains are subsets of the whole sample: rows outside the base keep z = 0, as R's
``subset()`` of a calibrated design keeps them with zero weight).

Every row of a cell of the cross-table of the weighting variables shares its raking factors
(weights = base weight x cell factor), so the ten sweeps and the sums of squares reduce to a few
per-cell totals: sum of 1, y, b, b y, b^2, b^2 y over each (domain, cell). The result is
algebraically identical to R's row-level computation (agreement to ~1e-12), and computing a
table of indicators by neighbourhood for a million responses costs one bincount per indicator.

After ``calibrate()`` (linear or logit, :mod:`analysis.calibration`) the residualisation is R's
``greg_calibration`` one instead of the sweeps: z - d g x'beta, the residual of the regression of
z / g on the calibration's dummies weighted by the base weights (see ``Calibration``).

Outside R's reach: respondents who did not give a weighting variable form one more group of that
margin in the sweeps (as if their total were a margin); trimmed weights enter as base weights of
the last re-raking. Both are approximations, documented as such.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.designs import DesignUnits, cell_groups, design_covariance, design_variance
from analysis.weighting import RakedDesign


@dataclass
class DomainSums:
    """Per (domain, cell) totals over the base rows of an indicator: shape (D, C) each."""

    c0: np.ndarray  # rows in base
    c1: np.ndarray  # rows in base with a positive answer
    s0: np.ndarray  # sum of base weights
    s1: np.ndarray
    q0: np.ndarray  # sum of squared base weights
    q1: np.ndarray

    def with_total(self) -> DomainSums:
        """Append a last domain that is the union of all domains (the whole sample)."""
        return DomainSums(*(np.vstack([a, a.sum(axis=0, keepdims=True)]) for a in self._arrays()))

    def _arrays(self):
        return self.c0, self.c1, self.s0, self.s1, self.q0, self.q1


def domain_sums(design: RakedDesign, y: np.ndarray, valid: np.ndarray, domain: np.ndarray,
                n_domains: int) -> DomainSums:
    """Totals per (domain, cell); ``domain`` is -1 for rows in no domain."""
    C = design.n_cells
    size = n_domains * C
    sel = valid & (domain >= 0)
    key = domain * C + design.cell
    if design.base is None:
        # one bincount over (domain, cell, y); rows out of the base go to a spare last bin
        k = np.where(sel, key * 2 + y, 2 * size)
        both = np.bincount(k, minlength=2 * size + 1)[: 2 * size].astype(float)
        c1 = both[1::2].copy()
        c0 = both[0::2] + c1
        s0, s1, q0, q1 = c0, c1, c0, c1
    else:
        k = np.where(sel, key, size)
        yk = np.where(sel & y, key, size)
        b = design.base
        c0 = np.bincount(k, minlength=size + 1)[:size].astype(float)
        c1 = np.bincount(yk, minlength=size + 1)[:size].astype(float)
        s0 = np.bincount(k, weights=b, minlength=size + 1)[:size]
        s1 = np.bincount(yk, weights=b, minlength=size + 1)[:size]
        b2 = b * b
        q0 = np.bincount(k, weights=b2, minlength=size + 1)[:size]
        q1 = np.bincount(yk, weights=b2, minlength=size + 1)[:size]
    shape = (n_domains, C)
    return DomainSums(*(a.reshape(shape) for a in (c0, c1, s0, s1, q0, q1)))


@dataclass
class Linearised:
    """Weighted proportions of D domains with their linearised variances and what covariances need."""

    p: np.ndarray  # (D,) weighted proportion (NaN if the base is empty)
    var: np.ndarray  # (D,) linearised variance
    n: np.ndarray  # (D,) unweighted base
    weighted_base: np.ndarray  # (D,) sum of weights over the base
    sum_w2: np.ndarray  # (D,) sum of squared weights over the base
    h: np.ndarray  # (D, C) residualisation per cell (z_i = z0_i - b_i h_c)
    B: np.ndarray  # (D, C) sum over cell of b_i z0_i
    Sz: np.ndarray  # (D,) sum of residualised z
    design_n: int
    df: np.ndarray  # (D,) degrees of freedom, R's degf of the domain's subset
    units: DesignUnits | None = None  # per PSU / stratum totals of a stratified or clustered design

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(self.var)

    @property
    def effective_n(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.weighted_base**2 / self.sum_w2


def _group_matrix(group: np.ndarray, n_groups: int) -> np.ndarray:
    m = np.zeros((len(group), n_groups))
    m[np.arange(len(group)), group] = 1.0
    return m


def linearise(design: RakedDesign, sums: DomainSums) -> Linearised:
    """Proportions and variances for every domain in ``sums`` (R svymean on a raked design)."""
    f = design.factor
    W = sums.s0 @ f
    T = sums.s1 @ f
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(W > 0, T / W, np.nan)
        pz = np.nan_to_num(p)[:, None]
        invW = np.where(W > 0, 1.0 / W, 0.0)[:, None]
    A = f * (sums.c1 - pz * sums.c0) * invW  # sum over cell of z0 / b
    B = f * (sums.q1 - pz * sums.q0) * invW  # sum over cell of b z0
    Q = ((sums.q1 * (1 - 2 * pz) + pz * pz * sums.q0) @ (f * f)) * invW[:, 0] ** 2
    Z0 = ((sums.s1 - pz * sums.s0) @ f) * invW[:, 0]
    D, C = A.shape
    h = np.zeros((D, C))
    if design.calibration is not None:
        cal = design.calibration
        Zcell = f * (sums.s1 - pz * sums.s0) * invW  # sum over cell of z0
        beta = np.linalg.solve(cal.M, ((Zcell / cal.g) @ cal.x).T).T  # (D, K)
        h = cal.hscale * (beta @ cal.x.T)
    elif design.steps:
        mats = [(_group_matrix(s.group, s.n_groups), s.factor) for s in design.steps]
        counts = [design.cell_count @ m for m, _ in mats]
        for _ in range(design.backfit_sweeps):
            for (m, F), N in zip(mats, counts, strict=True):
                u = (A - design.cell_count * h) / F
                with np.errstate(divide="ignore", invalid="ignore"):
                    mean = np.where(N > 0, (u @ m) / N, 0.0)
                h += F * (mean @ m.T)
    n = design.n
    sum_w2 = sums.q0 @ (f * f)
    if design.sample is not None:
        return _designed(design, sums, p, pz, invW, h, B, W, sum_w2)
    Sz = Z0 - h @ design.base_sum
    Sz2 = Q - 2 * (h * B).sum(axis=1) + (h * h) @ design.base_sq_sum
    var = (Sz2 - Sz * Sz / n) * n / (n - 1) if n > 1 else np.full(D, np.nan)
    var = np.maximum(var, 0.0)
    n_base = sums.c0.sum(axis=1)
    return Linearised(p, var, n_base, W, sum_w2, h, B, Sz, n, np.maximum(n_base - 1, 0))


def _designed(design: RakedDesign, sums: DomainSums, p, pz, invW, h, B, W, sum_w2) -> Linearised:
    """The variance of a stratified or clustered design, from the same residualisation."""
    assert design.sample is not None
    f = design.factor
    Zc = f * (sums.s1 - pz * sums.s0) * invW - h * design.base_sum
    Qc = ((sums.q1 * (1 - 2 * pz) + pz * pz * sums.q0) * (f * f) * invW**2
          - 2 * h * B + h * h * design.base_sq_sum)
    var, df, units = design_variance(design.sample, Zc, Qc, sums.c0)
    return Linearised(p, np.maximum(var, 0.0), sums.c0.sum(axis=1), W, sum_w2, h, B,
                      Zc.sum(axis=1), design.n, np.maximum(df, 0), units)


def covariance(design: RakedDesign, a: Linearised, i: int, b: Linearised, j: int,
               cross) -> float:
    """Linearised covariance of domain i of ``a`` and domain j of ``b``.

    ``cross`` is sum_i z0a_i z0b_i over rows in both bases (0 for disjoint domains); see
    :func:`cross_sum` (for a stratified design without clusters: one sum per stratum).
    """
    if design.sample is not None:
        return _designed_covariance(design, a, i, b, j, cross)
    n = design.n
    s = (cross - a.h[i] @ b.B[j] - b.h[j] @ a.B[i] + (a.h[i] * b.h[j]) @ design.base_sq_sum
         - a.Sz[i] * b.Sz[j] / n)
    return float(s * n / (n - 1))


def _designed_covariance(design: RakedDesign, a: Linearised, i: int, b: Linearised, j: int,
                         cross) -> float:
    assert design.sample is not None and a.units is not None and b.units is not None
    within = None
    if not design.sample.clustered:
        groups = cell_groups(design)
        assert groups is not None
        # per stratum sum of z_a z_b = cross - h_a B_b - h_b B_a + h_a h_b sum b^2
        per_cell = (-a.h[i] * b.B[j] - b.h[j] * a.B[i] + a.h[i] * b.h[j] * design.base_sq_sum)
        within = np.broadcast_to(np.asarray(cross, float), (groups.shape[1],)) \
            + groups.T @ per_cell
    return design_covariance(design.sample, a.units, i, b.units, j, within)


def cross_sum(design: RakedDesign, ya, va, pa, Wa, yb, vb, pb, Wb, domain: np.ndarray,
              n_domains: int) -> np.ndarray:
    """sum of z0a z0b per domain, for two indicators over the same domains (rows in both bases).

    ``pa``/``Wa`` (and b) are per-domain proportions and weighted bases, shape (n_domains,).
    """
    sel = va & vb & (domain >= 0)
    d = np.where(sel, domain, 0)
    w = design.factor[design.cell]
    if design.base is not None:
        w = w * design.base
    ra = ya - np.nan_to_num(pa)[d]
    rb = yb - np.nan_to_num(pb)[d]
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where((Wa > 0) & (Wb > 0), 1.0 / (Wa * Wb), 0.0)
    terms = np.where(sel, w * w * ra * rb, 0.0)
    sample = design.sample
    if sample is not None and not sample.clustered:
        # per (domain, stratum): a stratified design's variance is within strata
        S = len(sample.strata)
        stratum = sample.cell_stratum[design.cell]
        total = np.bincount(d * S + stratum, weights=terms, minlength=n_domains * S)
        return total[: n_domains * S].reshape(n_domains, S) * scale[:, None]
    total = np.bincount(d, weights=terms, minlength=n_domains)
    return total[:n_domains] * scale
