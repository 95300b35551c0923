"""Replicate weights (JK1 and bootstrap) made from the design, raked in every replicate.

Reference: R ``survey``. JK1 is ``jk1weights``: one replicate per PSU (cluster, or respondent without
clusters), that PSU's base weights set to 0 and the others multiplied by K/(K-1), variance scale
(K-1)/K (times the fpc's (N-K)/N); it is for unstratified designs, as R's (R warns and ignores
strata; the engine refuses them). The bootstrap is ``bootweights`` (Canty and Davison): in every
replicate each stratum's n_h PSUs are drawn with replacement, n_h of them, and a PSU's base weights
are multiplied by the times it was drawn; scale h/((h-1)(R-1)) with h the harmonic mean of n_h. The
draws come from numpy's generator seeded by ``seed``, so a seed reproduces the weights (R's draws
differ: its random numbers are not numpy's). Every replicate is raked to the same margins as the
full sample, with the same epsilon and iteration limit, as ``rake()`` does on a replicate design.
The variance is scale sum_r (theta_r - mean theta)^2, R's default (``mse = FALSE``).

The weights can be written to a CSV (``response_id, weight, repw_1..repw_R`` and the method and
scale), which R reads with ``svrepdesign(weights = ~weight, repweights = "repw_[0-9]+",
type = <method>, scale = <scale>, rscales = 1, combined.weights = TRUE, mse = FALSE)`` and gives
the same standard errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.codes import CodedFrame
from analysis.errors import DesignError, WeightingError
from analysis.margins import check_totals, validate_margins
from analysis.weighting import (
    _base_weights,
    _build_cells,
    _check_inputs,
    _encode_margins,
    _raked_design,
    weighting_variables,
)

REPLICATE_METHODS = ("jk1", "bootstrap")
R_TYPE = {"jk1": "JK1", "bootstrap": "bootstrap"}


@dataclass
class Replicates:
    """Raked replicate weights (n, R), their method and the variance scale."""

    method: str
    weights: np.ndarray  # (n, R)
    full: np.ndarray  # (n,) the full-sample weights
    scale: float

    @property
    def count(self) -> int:
        return self.weights.shape[1]

    def variance(self, estimates: np.ndarray) -> np.ndarray:
        """scale sum_r (theta_r - mean_r theta)^2 for (..., R) replicate estimates."""
        centred = estimates - estimates.mean(axis=-1, keepdims=True)
        return self.scale * (centred * centred).sum(axis=-1)

    def frame(self, response_id) -> pd.DataFrame:
        """The weights as written for R: response_id, weight, repw_1..R, method, scale."""
        cols = {f"repw_{r + 1}": self.weights[:, r] for r in range(self.count)}
        out = pd.DataFrame({"response_id": response_id, "weight": self.full, **cols})
        out["replicate_type"] = R_TYPE[self.method]
        out["replicate_scale"] = self.scale
        return out


def _codes(coded: CodedFrame, column: str, what: str) -> np.ndarray:
    if not coded.has(column):
        raise DesignError(f"the {what} column {column!r} is not a column of the responses")
    codes, _ = coded.codes(column)
    if (codes < 0).any():
        raise DesignError(f"some responses have no {what} ({column!r} is blank)")
    return codes


def _multipliers(coded: CodedFrame, method: str, strata, cluster, fpc, replicates: int,
                 seed: int | None) -> tuple[np.ndarray, float]:
    """(n, R) base-weight multipliers and the variance scale, as R's jk1weights / bootweights."""
    n = len(coded)
    stratum = np.zeros(n, np.int64) if strata is None else _codes(coded, strata, "strata")
    ids = np.arange(n) if cluster is None else _codes(coded, cluster, "cluster")
    # clusters are numbered within their stratum (R's nest = TRUE)
    psu = np.unique(stratum * (int(ids.max()) + 1) + ids, return_inverse=True)[1]
    K = int(psu.max()) + 1
    if method == "jk1":
        if strata is not None:
            raise DesignError("JK1 replicates are for unstratified designs (R's as.svrepdesign "
                              "warns and ignores the strata): use --replicates bootstrap")
        if K < 2:
            raise DesignError("JK1 replicates need at least two clusters")
        f = 1.0
        if fpc is not None:
            values = pd.to_numeric(coded.frame[fpc], errors="coerce").to_numpy(float)
            if len(np.unique(values)) > 1 or not np.isfinite(values).all():
                raise DesignError(f"JK1 needs one fpc value for the whole sample ({fpc!r})")
            v = values[0]
            f = 1 - v if v <= 1 else (v - K) / v
        mult = np.full((n, K), K / (K - 1))
        mult[np.arange(n), psu] = 0.0
        return mult, f * (K - 1) / K
    if fpc is not None:
        raise DesignError("bootstrap replicates with an fpc are not supported; drop --fpc "
                          "(R's bootweights treats a small sampling fraction as zero)")
    psu_stratum = np.zeros(K, np.int64)
    psu_stratum[psu] = stratum
    rng = np.random.default_rng(seed)
    counts = np.zeros((K, replicates))
    sizes = []
    for s in np.unique(psu_stratum):
        members = np.flatnonzero(psu_stratum == s)
        sizes.append(len(members))
        if len(members) < 2:
            raise DesignError("a stratum with one cluster cannot be bootstrapped")
        draws = rng.integers(0, len(members), (replicates, len(members)))
        for r in range(replicates):
            counts[members, r] = np.bincount(draws[r], minlength=len(members))
    h = float(1 / np.mean(1 / np.asarray(sizes, float)))
    return counts[psu], h / ((h - 1) * (replicates - 1))


def make_replicates(responses, margins: pd.DataFrame, variables=None, *, method: str = "jk1",
                    strata: str | None = None, cluster: str | None = None,
                    fpc: str | None = None, replicates: int = 50, seed: int | None = None,
                    base_weights=None, epsilon: float = 1.0, maxit: int = 10) -> Replicates:
    """Replicate weights of ``method`` from the design, each raked as the full sample."""
    if method not in REPLICATE_METHODS:
        raise DesignError(f"unknown replicate method {method!r}; choose "
                          + " or ".join(REPLICATE_METHODS))
    if method == "bootstrap" and replicates < 2:
        raise DesignError("the bootstrap needs at least 2 replicates")
    coded = responses if isinstance(responses, CodedFrame) else CodedFrame(responses)
    margins = validate_margins(margins)
    chosen = weighting_variables(margins, variables)
    _check_inputs(coded, margins, chosen)
    base = _base_weights(coded.frame, base_weights, len(coded))
    base = np.ones(len(coded)) if base is None else base
    encoded = _encode_margins(coded, margins, chosen)
    check_totals(margins, chosen)
    cells = _build_cells(len(coded), encoded)
    full, raking = _raked_design(cells, encoded, base, epsilon, maxit)
    if not raking.converged:
        raise WeightingError(f"raking did not converge within {maxit} iterations")
    mult, scale = _multipliers(coded, method, strata, cluster, fpc, replicates, seed)
    out = np.empty(mult.shape)
    for r in range(mult.shape[1]):
        design, raking = _raked_design(cells, encoded, base * mult[:, r], epsilon, maxit)
        if not raking.converged:
            raise WeightingError(f"replicate {r + 1}: raking did not converge within {maxit} "
                                 "iterations; raise --maxit")
        out[:, r] = design.weights
    return Replicates(method, out, full.weights, scale)


def replicate_proportions(reps: Replicates, y: np.ndarray, valid: np.ndarray,
                          domain: np.ndarray, n_domains: int) -> tuple[np.ndarray, np.ndarray]:
    """(D,) estimates and replicate SEs of a proportion in each domain (-1: none)."""
    from scipy import sparse  # here, not at import: the simple design never needs it

    sel = valid & (domain >= 0)
    rows = np.flatnonzero(sel)
    onehot = sparse.csr_matrix((np.ones(len(rows)), (domain[rows], rows)),
                               shape=(n_domains, len(y)))
    yf = y.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        est = (onehot @ (reps.full * yf)) / (onehot @ reps.full)
        theta = (onehot @ (reps.weights * yf[:, None])) / (onehot @ reps.weights)
    return est, np.sqrt(reps.variance(theta))


def with_replicate_se(table: pd.DataFrame, responses, reps: Replicates, by=None,
                      catalogue=None, area_class=None, level: float = 0.95) -> pd.DataFrame:
    """``table`` (estimate_indicators) with replicate SEs and logit intervals on R - 1 df.

    Suppressed cells stay suppressed; estimates are the full-sample weights' (unchanged). Each
    indicator's replicate estimates are computed once per breakdown, for all its groups together.
    """
    from analysis.catalogue import CATALOGUE, get_indicator
    from analysis.estimates import _ci_logit, _domains, indicator_vectors

    coded = responses if isinstance(responses, CodedFrame) else CodedFrame(responses)
    cat = CATALOGUE if catalogue is None else catalogue
    bys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    domains = {b: _domains(coded, b, area_class) for b in bys}
    domains[None] = (np.zeros(len(coded), np.int64), [None])
    vectors: dict = {}
    ses: dict = {}

    def replicate_se(indicator: str, b, label) -> float:
        if (indicator, b) not in ses:
            if indicator not in vectors:
                vectors[indicator] = indicator_vectors(coded, get_indicator(indicator, cat), cat)
            dom, labels = domains[b]
            y, valid = vectors[indicator]
            ses[indicator, b] = replicate_proportions(reps, y, valid, dom, len(labels))[1]
        return float(ses[indicator, b][domains[b][1].index(label)])

    out = table.copy()
    estimate = pd.to_numeric(out["estimate"], errors="coerce").to_numpy(float)
    shown = np.flatnonzero(np.isfinite(estimate))
    if not len(shown):
        return out
    indicators, groups = out["indicator"].tolist(), out["group"].tolist()
    se = np.array([replicate_se(indicators[i], *next(iter((groups[i] or {None: None}).items())))
                   for i in shown])
    df = np.full(len(shown), reps.count - 1)
    effective = pd.to_numeric(out["effective_n"].iloc[shown], errors="coerce").to_numpy(float)
    lo, hi = _ci_logit(estimate[shown], se, df, level, effective)
    index = out.index[shown]
    for column, values in (("se", se), ("ci_lower", lo), ("ci_upper", hi), ("df", df)):
        out.loc[index, column] = values
    out.loc[index, "ci_method"] = f"logit ({R_TYPE[reps.method]} replicates)"
    return out
