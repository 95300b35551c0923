"""Stratified and clustered sample designs with finite-population corrections, under raking.

Reference: R ``survey``: ``svydesign(ids = ~cluster, strata = ~strata, fpc = ~fpc,
weights = ~base_weight, nest = TRUE)``, then ``rake()``, then ``svymean`` -> ``svyrecvar`` ->
``multistage``/``onestrat``. The influence values are residualised on the raking margins exactly
as for the simple design (see :mod:`analysis.linearisation`); then, instead of the
with-replacement variance over respondents, they are summed per cluster (PSU) and the variance is
sum over strata h of f_h n_h/(n_h - 1) sum over the stratum's PSUs (Z_k - mean_h Z)^2, with n_h
the PSUs sampled in the stratum and f_h = (N_h - n_h)/N_h its finite-population correction
(``fpc`` holds N_h, the PSUs in the stratum's population, or, if every value is at most 1, the
sampling fraction n_h/N_h, as R reads it). Without ``cluster`` every respondent is a PSU; without
``strata`` the sample is one stratum. Degrees of freedom are R's ``degf``: PSUs with a respondent in
the (domain's) base minus strata with one.

Clusters are identified within their stratum (R's ``nest = TRUE``). The base weights are the
``base_weight`` column or 1; the fpc enters the variance only (as ``svydesign`` with ``weights``).

A stratum with one PSU has no variance of its own. R stops by default
(``options(survey.lonely.psu = "fail")``: "Stratum (x) has only one PSU at stage 1"), and so does
the engine unless ``lonely_psu`` says otherwise, with R's meanings: ``certainty`` and
``remove`` (the stratum adds nothing; R's survey 4.1 treats them alike), ``adjust`` (its PSU is
compared with 0, the mean of the influence values, not with its stratum mean), ``average`` (the
other strata's variance scaled up by strata / strata with more than one PSU).

The work stays on cell totals: the cells of the raking cross-table are split by PSU (or, without
clusters, by stratum), so a clustered design costs bincounts over (domain, cell, PSU) and a
stratified one over (domain, cell, stratum), never a pass per respondent per domain.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from analysis.codes import CodedFrame
from analysis.errors import DesignError
from analysis.formatting import plural
from analysis.weighting import Calibration, MarginStep, RakedDesign, WeightingResult

if TYPE_CHECKING:  # scipy.sparse is imported where used: the simple design never needs it
    from scipy import sparse

LONELY_PSU = ("fail", "certainty", "remove", "adjust", "average")


@dataclass(frozen=True)
class SampleDesign:
    """Strata, PSUs and fpc of a design, mapped onto the (split) cells of a RakedDesign."""

    strata_column: str | None
    cluster_column: str | None
    fpc_column: str | None
    lonely_psu: str
    strata: list[str]  # stratum labels
    n_psu: np.ndarray  # (S,) PSUs sampled per stratum
    popsize: np.ndarray | None  # (S,) PSUs in the stratum's population (fpc), None: infinite
    cell_stratum: np.ndarray  # (C,) stratum of each cell
    cell_psu: np.ndarray | None  # (C,) PSU of each cell (clustered designs)
    psu_stratum: np.ndarray | None  # (K,) stratum of each PSU (clustered designs)

    @property
    def clustered(self) -> bool:
        return self.cell_psu is not None

    @property
    def fpc(self) -> np.ndarray:
        """(N_h - n_h)/N_h per stratum (1 without an fpc), as R's onestrat."""
        if self.popsize is None:
            return np.ones(len(self.strata))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(np.isinf(self.popsize), 1.0,
                            (self.popsize - self.n_psu) / self.popsize)

    @property
    def lonely(self) -> np.ndarray:
        return self.n_psu < 2

    def scale(self) -> np.ndarray:
        """Per stratum f_h n_h/(n_h - 1) (f_h for a lonely stratum; 0 if fully enumerated)."""
        f = self.fpc
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.where(self.n_psu > 1, f * self.n_psu / (self.n_psu - 1), f)
        s = np.where(f < 1e-7, 0.0, s)
        if self.lonely_psu in ("certainty", "remove"):
            s = np.where(self.lonely, 0.0, s)
        elif self.lonely_psu == "average":
            s = np.where(self.lonely, 0.0, s) * self.average_factor()
        return s

    def average_factor(self) -> float:
        """R's nstrat/nokstrat for ``average`` (1 otherwise)."""
        if self.lonely_psu != "average":
            return 1.0
        ok = int((~self.lonely).sum())
        return len(self.strata) / ok if ok else np.nan

    def describe(self) -> dict:
        """The ``design`` object of the JSON output."""
        return {
            "strata": self.strata_column, "cluster": self.cluster_column, "fpc": self.fpc_column,
            "n_strata": len(self.strata), "n_psu": int(self.n_psu.sum()),
            "lonely_psu": self.lonely_psu,
            "lonely_strata": [s for s, lone in zip(self.strata, self.lonely, strict=True)
                              if lone],
        }


def _column(coded: CodedFrame, column: str, what: str) -> tuple[np.ndarray, list[str]]:
    if not coded.has(column):
        raise DesignError(f"the {what} column {column!r} is not a column of the responses")
    codes, labels = coded.codes(column)
    blank = int((codes < 0).sum())
    if blank:
        raise DesignError(f"{plural(blank, 'response')} {'has' if blank == 1 else 'have'} no "
                          f"{what} ({column!r} is blank); every response needs one, as in R's "
                          "svydesign")
    return codes, labels


def _fpc_per_stratum(coded: CodedFrame, column: str, stratum: np.ndarray, S: int,
                     n_psu: np.ndarray, labels: list[str]) -> np.ndarray:
    """N_h per stratum from an fpc column of population sizes or sampling fractions."""
    if not coded.has(column):
        raise DesignError(f"the fpc column {column!r} is not a column of the responses")
    values = np.asarray(coded.frame[column].astype(str).str.strip(), dtype=object)
    try:
        fpc = np.array([float(v) for v in values])
    except ValueError as exc:
        raise DesignError(f"the fpc column {column!r} must hold numbers (population sizes or "
                          f"sampling fractions): {exc}") from None
    if not np.all(np.isfinite(fpc)) or (fpc <= 0).any():
        raise DesignError(f"the fpc column {column!r} must be a positive number on every row")
    lo = np.full(S, np.inf)
    hi = np.full(S, -np.inf)
    np.minimum.at(lo, stratum, fpc)
    np.maximum.at(hi, stratum, fpc)
    varies = np.flatnonzero(lo != hi)
    if len(varies):
        raise DesignError(f"the fpc ({column!r}) varies within stratum {labels[varies[0]]!r}; "
                          "give one value per stratum")
    per = lo
    if (fpc > 1).any() != (fpc >= 1).all():
        raise DesignError(f"the fpc column {column!r} mixes population sizes (above 1) and "
                          "sampling fractions (at most 1); R refuses this too: use one or the other")
    popsize = per if (fpc > 1).any() else n_psu / per
    over = np.flatnonzero(popsize < n_psu)
    if len(over):
        k = over[0]
        raise DesignError(f"the fpc implies more than 100% sampling in stratum {labels[k]!r} "
                          f"({n_psu[k]:.0f} PSUs sampled of {popsize[k]:g})")
    return popsize


def _lonely_check(design: SampleDesign) -> None:
    if design.lonely_psu not in LONELY_PSU:
        raise DesignError(f"unknown lonely-PSU rule {design.lonely_psu!r}; choose one of "
                          + ", ".join(LONELY_PSU))
    alone = [s for s, lone in zip(design.strata, design.lonely, strict=True) if lone]
    if alone and design.lonely_psu == "fail":
        unit = "cluster" if design.clustered else "respondent"
        raise DesignError(
            f"stratum {alone[0]!r} has only one {unit} (PSU)"
            + (f", and {len(alone) - 1:,} other {'stratum' if len(alone) == 2 else 'strata'} too"
               if len(alone) > 1 else "")
            + ", so its variance cannot be estimated; R survey stops here as well "
            "(survey.lonely.psu = \"fail\", its default). Merge it with a similar stratum, or "
            "choose a rule as R's option: --lonely-psu certainty (or remove: it adds nothing), "
            "adjust (its PSU compared with the overall mean) or average"
        )


def sample_design(weighting: WeightingResult | RakedDesign, responses,
                  strata: str | None = None, cluster: str | None = None, fpc: str | None = None,
                  lonely_psu: str = "fail") -> RakedDesign:
    """The raked design of ``weighting`` with strata, clusters and fpc from columns of
    ``responses`` (R ``svydesign(ids = ~cluster, strata = ~strata, fpc = ~fpc, nest = TRUE)``
    before ``rake``). The weights and estimates do not change; variances and df do."""
    raked = weighting.design if isinstance(weighting, WeightingResult) else weighting
    if raked is None:
        raise DesignError("these weights were not made by rake_weights; rake them first")
    coded = responses if isinstance(responses, CodedFrame) else CodedFrame(responses)
    if len(coded) != raked.n:
        raise DesignError(f"{plural(raked.n, 'weight')} for {plural(len(coded), 'response')}")
    n = raked.n
    if strata is not None:
        stratum, labels = _column(coded, strata, "strata")
        used = np.unique(stratum)  # strata present, in label order
        remap = np.full(len(labels), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        stratum, labels = remap[stratum], [labels[i] for i in used]
    else:
        stratum, labels = np.zeros(n, dtype=np.int64), ["all"]
    S = len(labels)
    psu_stratum = None
    if cluster is not None:
        ccodes, _ = _column(coded, cluster, "cluster")
        key = stratum * (int(ccodes.max()) + 1) + ccodes  # nested within strata
        keys, psu = np.unique(key, return_inverse=True)
        psu_stratum = keys // (int(ccodes.max()) + 1)
        n_psu = np.bincount(psu_stratum, minlength=S).astype(float)
        unit, n_units = psu, len(keys)
    else:
        n_psu = np.bincount(stratum, minlength=S).astype(float)
        unit, n_units = stratum, S
    popsize = None if fpc is None else _fpc_per_stratum(coded, fpc, stratum, S, n_psu, labels)
    split, _parent, cell_unit = _split_cells(raked, unit, n_units)
    design = SampleDesign(
        strata, cluster, fpc, lonely_psu, labels, n_psu, popsize,
        cell_stratum=psu_stratum[cell_unit] if psu_stratum is not None else cell_unit,
        cell_psu=cell_unit if cluster is not None else None, psu_stratum=psu_stratum)
    _lonely_check(design)
    return replace(split, sample=design)


def _split_cells(raked: RakedDesign, unit: np.ndarray, n_units: int):
    """The raked design on cells split by ``unit`` (PSU or stratum): same weights, finer cells."""
    key = raked.cell.astype(np.int64) * n_units + unit
    if raked.n_cells * n_units <= 4 * raked.n + 1024:
        present = np.bincount(key, minlength=raked.n_cells * n_units) > 0
        cell = (np.cumsum(present) - 1)[key]
        keys = np.flatnonzero(present)
    else:
        keys, cell = np.unique(key, return_inverse=True)
    parent, cell_unit = keys // n_units, keys % n_units
    C = len(keys)
    count = np.bincount(cell, minlength=C).astype(float)
    if raked.base is None:
        bsum, bsq = count, count
    else:
        b = raked.base
        bsum = np.bincount(cell, weights=b, minlength=C)
        bsq = np.bincount(cell, weights=b * b, minlength=C)
    steps = [MarginStep(s.variable, s.categories, s.group[parent], s.n_groups, s.factor[parent])
             for s in raked.steps]
    cal = raked.calibration
    if cal is not None:
        cal = Calibration(cal.x[parent], cal.g[parent], cal.hscale[parent], cal.M)
    split = RakedDesign(raked.n, cell, C, count, raked.base, bsum, bsq, raked.factor[parent],
                        steps, raked.backfit_sweeps, calibration=cal)
    return split, parent, cell_unit


def _onehot(index: np.ndarray, size: int) -> sparse.csr_matrix:
    from scipy import sparse

    n = len(index)
    return sparse.csr_matrix((np.ones(n), (np.arange(n), index)), shape=(n, size))


@dataclass
class DesignUnits:
    """What covariances need: per PSU scaled deviations, or per stratum sums (unclustered)."""

    psu_dev: np.ndarray | None  # (D, K) sqrt(scale_h) (Z_k - mean_h), clustered designs
    stratum_sum: np.ndarray | None  # (D, S) sum of influence values per stratum, unclustered


def design_variance(sample: SampleDesign, Zc: np.ndarray, Qc: np.ndarray, c0: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, DesignUnits]:
    """Variance, degrees of freedom and units per domain from per-cell sums.

    ``Zc`` (D, C): sum of the residualised influence values z over each cell; ``Qc``: sum of z^2;
    ``c0``: respondents in the base per (domain, cell).
    """
    S = len(sample.strata)
    scale = sample.scale()
    to_stratum = _onehot(sample.cell_stratum, S)
    strata_present = ((to_stratum.T @ c0.T).T > 0).sum(axis=1)
    if sample.clustered:
        assert sample.cell_psu is not None and sample.psu_stratum is not None
        K = len(sample.psu_stratum)
        Zk = (_onehot(sample.cell_psu, K).T @ Zc.T).T  # (D, K)
        ps = _onehot(sample.psu_stratum, S)
        mean = (ps.T @ Zk.T).T / sample.n_psu
        centre = np.where(sample.lonely & (sample.lonely_psu == "adjust"), 0.0, mean)
        dev = (Zk - centre[:, sample.psu_stratum]) * np.sqrt(scale)[sample.psu_stratum]
        var = (dev * dev).sum(axis=1)
        psus_present = ((_onehot(sample.cell_psu, K).T @ c0.T).T > 0).sum(axis=1)
        return var, psus_present - strata_present, DesignUnits(dev, None)
    Ss = (to_stratum.T @ Zc.T).T  # (D, S)
    S2 = (to_stratum.T @ Qc.T).T
    n_s = sample.n_psu
    adjust = sample.lonely & (sample.lonely_psu == "adjust")
    within = np.where(adjust, S2, S2 - Ss * Ss / n_s)
    var = (within * scale).sum(axis=1)
    return var, c0.sum(axis=1) - strata_present, DesignUnits(None, Ss)


def design_covariance(sample: SampleDesign, ua: DesignUnits, i: int, ub: DesignUnits, j: int,
                      within: np.ndarray | None) -> float:
    """Covariance of domain i of one estimate and j of another.

    Unclustered designs need ``within``: per stratum sum over respondents of z_a z_b.
    """
    if sample.clustered:
        assert ua.psu_dev is not None and ub.psu_dev is not None
        return float(ua.psu_dev[i] @ ub.psu_dev[j])
    assert ua.stratum_sum is not None and ub.stratum_sum is not None and within is not None
    adjust = sample.lonely & (sample.lonely_psu == "adjust")
    centred = np.where(adjust, within,
                       within - ua.stratum_sum[i] * ub.stratum_sum[j] / sample.n_psu)
    return float(centred @ sample.scale())


def cell_groups(design: RakedDesign) -> sparse.csr_matrix | None:
    """(C, S) cell -> stratum matrix of an unclustered stratified design (None otherwise)."""
    sample = design.sample
    if sample is None or sample.clustered:
        return None
    return _onehot(sample.cell_stratum, len(sample.strata))
