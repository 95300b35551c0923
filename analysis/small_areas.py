"""Small-area estimates: the Fay-Herriot area-level model, fitted by REML, with its EBLUP and MSE.

Each area ``i`` has a direct estimate ``y_i`` (from the raked design) with a sampling variance
``D_i`` taken as known, and covariates ``x_i`` (an intercept is added). The model is

    y_i = x_i'beta + u_i + e_i,    u_i ~ N(0, sigma2_u),    e_i ~ N(0, D_i),

(Fay and Herriot 1979; Rao and Molina 2015, ch. 6). ``sigma2_u`` is estimated by restricted
maximum likelihood with Fisher scoring, iterated until the step is below ``1e-10`` times the scale
of the sampling variances (R ``sae`` stops at 1e-4); ``beta`` by generalised least squares given
``sigma2_u``. The EBLUP shrinks each direct estimate towards its regression (synthetic) estimate:

    eblup_i = gamma_i y_i + (1 - gamma_i) x_i'beta,    gamma_i = sigma2_u / (sigma2_u + D_i).

Its mean squared error is the Prasad-Rao estimator under REML, ``g1 + g2 + 2 g3`` (Datta and
Lahiri 2000), as R ``sae::mseFH(method = "REML")``. An area with covariates but no direct
estimate (out of sample) gets the synthetic estimate ``x_i'beta`` with MSE
``sigma2_u + x_i' var(beta) x_i``.

**When sigma2_u is estimated at 0.** REML has its maximum on the boundary: the areas differ no
more than their sampling errors explain. The model then gives every area its synthetic estimate
(gamma = 0), and the fit says so: ``zero_variance`` is true, each area is labelled
``synthetic`` and a warning is returned. The MSE is then ``g2 + 2 g3`` (g1 is 0), which is known
to understate the error; the warning says that too. No adjusted likelihood is used, so the
figures stay those of the published REML method.

**Variances.** ``variances="direct"`` takes the ``D_i`` as given. ``"smoothed"`` replaces them by
a generalised variance function, ``deff * p(1 - p) / n_i``, with ``p`` the pooled share (the
estimates averaged with weights ``n_i``) and ``deff`` the mean design effect of the areas
(``D_i`` over ``y_i(1 - y_i)/n_i``, over the areas whose estimate is strictly between 0 and 1):
a small area's own variance is as noisy as its estimate, and an area with 0% has a variance of
0. The fit records which were used.

**Arcsine transformation** (``transform="arcsin"``, proportions only): the model is fitted to
``asin(sqrt(y_i))`` with variance ``deff / (4 n_i)``, where the design effect is each area's own
(``D_i`` over ``y_i(1 - y_i)/n_i``) or, with smoothed variances, the mean one (on this scale the
variance of a share does not depend on the share, which is the point of it); the estimate
is brought back as ``E[sin^2(theta) | y]`` for ``theta ~ N(eblup, g1)``, which is
``(1 - cos(2 eblup) exp(-2 g1)) / 2`` (a bias-corrected back-transformation), its interval as the
back-transformed interval ends (the transformation is monotone on [0, pi/2]), and its MSE by the
delta method. The default is **no transformation**: the published method, whose MSE is analytic
and whose benchmarking is exact on the reported scale, for any kind of estimate (shares, means,
rates). For shares from small bases choose the arcsine with smoothed variances: in the
design-based simulation (``bench/bench_small_areas.py``) its RMSE was equal or lower in every
population tried and its coverage better where the untransformed fit did worst.

**Benchmarking** (``benchmark=B``, with each area's population): ratio benchmarking multiplies
every estimate by ``B / sum_i w_i eblup_i``, ``w_i`` the population shares, so that the
population-weighted mean of the area estimates equals the authority's direct estimate exactly.
The MSE is adjusted: ``mse_i + (benchmarked_i - eblup_i)^2``, the second-order approximation of
Steorts and Ghosh (2013).

Every fit returns its diagnostics (see :class:`Diagnostics`). Pure numpy and scipy; no Flask.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import SmallAreaError

TOLERANCE = 1e-10
MAX_ITERATIONS = 100
FEW_AREAS = 10
CV_THRESHOLD = 0.20
Z95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975), written out: scipy.stats is imported where used
DIRECT_COLUMNS = ("area", "estimate", "variance", "n")
ZERO_VARIANCE_RULE = ("when sigma2_u is estimated at 0 every area gets its synthetic (regression) "
                      "estimate, labelled 'synthetic'")
MSE_NOTE = "Prasad-Rao under REML: g1 + g2 + 2 g3"


class Transform(StrEnum):
    NONE = "none"
    ARCSIN = "arcsin"


class Variances(StrEnum):
    DIRECT = "direct"
    SMOOTHED = "smoothed"


class AreaKind(StrEnum):
    """What an area's model estimate is."""

    EBLUP = "eblup"
    SYNTHETIC = "synthetic"  # sigma2_u estimated at 0: the regression estimate
    OUT_OF_SAMPLE = "out_of_sample"  # no direct estimate: the regression estimate


@dataclass(frozen=True)
class Reml:
    """The REML fit on the modelled scale (arrays in the order of the rows given)."""

    sigma2_u: float
    beta: np.ndarray
    beta_cov: np.ndarray  # (X' V^-1 X)^-1
    iterations: int
    restricted_loglik: float
    loglik: float  # the normal log-likelihood at the REML estimates (as R sae's goodness)


@dataclass(frozen=True)
class Coefficient:
    name: str
    estimate: float
    se: float
    z: float
    p_value: float


@dataclass(frozen=True)
class AreaEstimate:
    """One area. ``direct``/``variance`` are None out of sample; ``variance_used`` is what the
    model took (smoothed or as given), and ``cv_direct`` is computed with it. ``eblup``, ``mse``,
    the interval and the benchmarked figures are on the reported scale; ``g1``, ``g2``, ``g3``
    and ``residual`` on the modelled scale (the arcsine scale under that transformation)."""

    area: str
    n: int | None
    direct: float | None
    variance: float | None
    variance_used: float | None
    kind: AreaKind
    gamma: float
    synthetic: float
    eblup: float
    mse: float
    g1: float
    g2: float
    g3: float
    ci_lower: float
    ci_upper: float
    cv_direct: float | None
    cv_model: float
    residual: float | None  # standardised: (y - x'beta) / sqrt(sigma2_u + D)
    benchmarked: float | None = None
    mse_benchmarked: float | None = None


@dataclass(frozen=True)
class Diagnostics:
    """What every fit reports beside its estimates (Brown et al. 2001 for bias and coverage)."""

    n_areas: int
    areas_over_cv_direct: int  # direct CV over 20%
    areas_over_cv_model: int  # model CV over 20%
    shapiro_w: float | None  # standardised residuals; None under 3 areas
    shapiro_p: float | None
    bias_intercept: float | None  # direct = a + b * model, OLS
    bias_slope: float | None
    bias_p_value: float | None  # F test of a = 0 and b = 1
    coverage: float  # share of areas whose adjusted 95% direct and model intervals overlap
    coverage_expected: float  # 0.95 by construction of the adjusted intervals
    aic: float
    bic: float
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class SmallAreaFit:
    method: str
    transform: Transform
    variances: Variances
    variance_note: str
    sigma2_u: float
    zero_variance: bool
    iterations: int
    tolerance: float
    coefficients: tuple[Coefficient, ...]
    loglik: float
    restricted_loglik: float
    benchmark: float | None
    benchmark_ratio: float | None
    mse_adjusted_for_benchmark: bool
    diagnostics: Diagnostics
    areas: tuple[AreaEstimate, ...]


# ---------------------------------------------------------------------------------------------
# The model on arrays


def _projection(w: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P = V^-1 - V^-1 X (X'V^-1X)^-1 X'V^-1 for V = diag(1/w), and (X'V^-1X)^-1."""
    xtwx_inv = np.linalg.inv(X.T @ (w[:, None] * X))
    wx = w[:, None] * X
    return np.diag(w) - wx @ xtwx_inv @ wx.T, xtwx_inv


def restricted_loglik(sigma2_u: float, y: np.ndarray, X: np.ndarray, D: np.ndarray) -> float:
    """The REML log-likelihood of sigma2_u, up to a constant not depending on it."""
    w = 1.0 / (sigma2_u + D)
    P, xtwx_inv = _projection(w, X)
    _, logdet = np.linalg.slogdet(xtwx_inv)
    return float(-0.5 * (np.sum(np.log(sigma2_u + D)) - logdet + y @ P @ y))


def fit_reml(y: np.ndarray, X: np.ndarray, D: np.ndarray, tol: float = TOLERANCE,
             maxit: int = MAX_ITERATIONS) -> Reml:
    """Fisher scoring for sigma2_u on the REML likelihood, kept at 0 or above.

    Score ``-tr(P)/2 + y'PPy/2``, information ``tr(PP)/2``; starts at the median of D (as R
    sae). Stops when a step is below ``tol`` times the median of D (scale-free); a step below 0
    is set to 0, so a maximum on the boundary ends there.
    """
    scale = float(np.median(D))
    sigma2, iterations, step = scale, 0, math.inf
    while iterations < maxit:
        iterations += 1
        P, _ = _projection(1.0 / (sigma2 + D), X)
        Py = P @ y
        score = -0.5 * np.trace(P) + 0.5 * Py @ Py
        information = 0.5 * np.sum(P * P)
        new = max(0.0, sigma2 + score / information)
        step, sigma2 = abs(new - sigma2), new
        if step <= tol * scale:
            break
    if step > tol * scale:
        raise SmallAreaError(f"the REML fit did not converge in {maxit} iterations (last step "
                             f"{step:.3g}); check the variances are on the scale of the estimates")
    w = 1.0 / (sigma2 + D)
    beta_cov = np.linalg.inv(X.T @ (w[:, None] * X))
    beta = beta_cov @ (X.T @ (w * y))
    resid = y - X @ beta
    loglik = -0.5 * float(np.sum(np.log(2 * np.pi * (sigma2 + D)) + resid ** 2 * w))
    return Reml(sigma2, beta, beta_cov, iterations, restricted_loglik(sigma2, y, X, D), loglik)


@dataclass(frozen=True)
class _Predictions:
    gamma: np.ndarray
    synthetic: np.ndarray
    eblup: np.ndarray
    g1: np.ndarray
    g2: np.ndarray
    g3: np.ndarray

    @property
    def mse(self) -> np.ndarray:
        return self.g1 + self.g2 + 2 * self.g3


def predict(fit: Reml, y: np.ndarray, X: np.ndarray, D: np.ndarray) -> _Predictions:
    """EBLUP and Prasad-Rao MSE under REML (Rao and Molina 2015, eq. 6.2.18)."""
    A = fit.sigma2_u
    gamma = A / (A + D)
    synthetic = X @ fit.beta
    var_a = 2.0 / np.sum(1.0 / (A + D) ** 2)  # asymptotic variance of the REML sigma2_u
    g1 = gamma * D
    g2 = (1 - gamma) ** 2 * np.einsum("ij,jk,ik->i", X, fit.beta_cov, X)
    g3 = D ** 2 / (A + D) ** 3 * var_a
    return _Predictions(gamma, synthetic, gamma * y + (1 - gamma) * synthetic, g1, g2, g3)


def predict_out_of_sample(fit: Reml, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic estimate and its MSE, sigma2_u + x'var(beta)x, for areas with no sample."""
    return X @ fit.beta, fit.sigma2_u + np.einsum("ij,jk,ik->i", X, fit.beta_cov, X)


# ---------------------------------------------------------------------------------------------
# Variances and transformation


def smoothed_variances(estimate: np.ndarray, variance: np.ndarray, n: np.ndarray
                       ) -> tuple[np.ndarray, float, float]:
    """GVF variances deff * p(1-p)/n from the pooled share p and the mean design effect."""
    _check_shares(estimate, "variance smoothing")
    pooled = float(np.sum(n * estimate) / np.sum(n))
    inner = (estimate > 0) & (estimate < 1)
    if not inner.any() or not 0 < pooled < 1:
        raise SmallAreaError("variance smoothing needs at least one area with an estimate "
                             "strictly between 0 and 1")
    deff = float(np.mean(variance[inner] / (estimate[inner] * (1 - estimate[inner]) / n[inner])))
    if deff <= 0:
        raise SmallAreaError("variance smoothing needs positive variances: every area between 0 "
                             "and 1 has a variance of 0")
    return deff * pooled * (1 - pooled) / n, pooled, deff


def _check_shares(estimate: np.ndarray, what: str) -> None:
    if np.any((estimate < 0) | (estimate > 1)):
        raise SmallAreaError(f"{what} is for shares between 0 and 1; some estimates are outside")


def _arcsin_variances(estimate: np.ndarray, variance: np.ndarray, n: np.ndarray) -> np.ndarray:
    """1/(4 n_eff) with n_eff = n / deff_i; an area at 0 or 1 takes the mean design effect."""
    inner = (estimate > 0) & (estimate < 1)
    deff = np.ones_like(estimate)
    deff[inner] = variance[inner] / (estimate[inner] * (1 - estimate[inner]) / n[inner])
    if inner.any():
        deff[~inner] = float(np.mean(deff[inner]))
    return deff / (4 * n)


# ---------------------------------------------------------------------------------------------
# The fit on frames


def fit_small_areas(direct: pd.DataFrame, covariates: pd.DataFrame, *,
                    transform: Transform | str = Transform.NONE,
                    variances: Variances | str = Variances.DIRECT,
                    benchmark: float | None = None,
                    populations: dict[str, float] | None = None) -> SmallAreaFit:
    """Fit the Fay-Herriot model to checked frames (see :func:`check_direct`,
    :func:`check_covariates`); areas in the covariates only are predicted out of sample.
    ``populations`` (every area's, in sample or not) weight the benchmark instead of the direct
    file's ``population`` column, so that out-of-sample areas are benchmarked too."""
    transform, variances = Transform(transform), Variances(variances)
    direct = check_direct(direct, variances)
    covariates = check_covariates(covariates, direct)
    names = ["intercept", *(c for c in covariates.columns if c != "area")]
    cov = covariates.set_index("area")
    X = np.column_stack([np.ones(len(direct)), cov.loc[direct["area"]].to_numpy(float)])
    _check_rank(X, names)
    y_share = direct["estimate"].to_numpy(float)
    D_given = direct["variance"].to_numpy(float)
    n = direct["n"].to_numpy(float)
    D_used, deff, note = _variances_used(variances, y_share, D_given, n)
    y, D = y_share, D_used
    if transform is Transform.ARCSIN:
        _check_shares(y_share, "the arcsine transformation")
        y = np.arcsin(np.sqrt(y_share))
        D = deff / (4 * n) if deff is not None else _arcsin_variances(y_share, D_given, n)
    fit = fit_reml(y, X, D)
    pred = predict(fit, y, X, D)
    zero = fit.sigma2_u == 0.0
    areas = _in_sample(direct, D_used, pred, fit, y, D, transform, zero)
    outside = cov.index.difference(pd.Index(direct["area"]), sort=False)
    if len(outside):
        X_out = np.column_stack([np.ones(len(outside)), cov.loc[outside].to_numpy(float)])
        areas += _out_of_sample(list(outside), X_out, fit, transform)
    ratio = None
    if benchmark is not None:
        weights = populations if populations is not None else _direct_populations(
            direct, bool(len(outside)))
        areas, ratio = _benchmarked(areas, weights, benchmark)
    return SmallAreaFit(
        method="REML", transform=transform, variances=variances, variance_note=note,
        sigma2_u=fit.sigma2_u, zero_variance=zero, iterations=fit.iterations,
        tolerance=TOLERANCE, coefficients=_coefficients(names, fit), loglik=fit.loglik,
        restricted_loglik=fit.restricted_loglik, benchmark=benchmark, benchmark_ratio=ratio,
        mse_adjusted_for_benchmark=benchmark is not None,
        diagnostics=_diagnostics(areas, fit, len(names), zero, transform),
        areas=tuple(areas))


def _variances_used(variances: Variances, y: np.ndarray, D: np.ndarray, n: np.ndarray
                    ) -> tuple[np.ndarray, float | None, str]:
    """(variances on the share scale, the mean design effect if smoothed, what was done)."""
    if variances is Variances.DIRECT:
        return D, None, "direct: the sampling variances as given"
    smoothed, pooled, deff = smoothed_variances(y, D, n)
    return smoothed, deff, (f"smoothed: deff * p(1 - p) / n with pooled share p = {pooled:.4f} "
                            f"and mean design effect deff = {deff:.4f} (on the arcsine scale "
                            "deff / (4 n))")


def _coefficients(names: list[str], fit: Reml) -> tuple[Coefficient, ...]:
    from scipy import stats

    se = np.sqrt(np.diag(fit.beta_cov))
    z = fit.beta / se
    p = 2 * stats.norm.sf(np.abs(z))
    return tuple(Coefficient(nm, float(b), float(s), float(zz), float(pp))
                 for nm, b, s, zz, pp in zip(names, fit.beta, se, z, p, strict=True))


def _back(value: np.ndarray, transform: Transform) -> np.ndarray:
    if transform is Transform.NONE:
        return value
    return np.sin(np.clip(value, 0.0, np.pi / 2)) ** 2


def _report_scale(estimate: np.ndarray, mse: np.ndarray, g1: np.ndarray, transform: Transform
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(estimate, mse, ci_lower, ci_upper) on the reported scale."""
    half = Z95 * np.sqrt(mse)
    if transform is Transform.NONE:
        return estimate, mse, estimate - half, estimate + half
    theta = np.clip(estimate, 0.0, np.pi / 2)
    back = (1 - np.cos(2 * theta) * np.exp(-2 * g1)) / 2
    return back, np.sin(2 * theta) ** 2 * mse, _back(estimate - half, transform), \
        _back(estimate + half, transform)


def _cv(estimate: float, mse: float) -> float:
    return math.sqrt(mse) / abs(estimate) if estimate != 0 else math.inf


def _in_sample(direct, D_used, pred: _Predictions, fit: Reml, y, D, transform: Transform,
               zero: bool) -> list[AreaEstimate]:
    est, mse, lo, hi = _report_scale(pred.eblup, pred.mse, pred.g1, transform)
    synthetic = _back(pred.synthetic, transform)
    resid = (y - pred.synthetic) / np.sqrt(fit.sigma2_u + D)
    kind = AreaKind.SYNTHETIC if zero else AreaKind.EBLUP
    out = []
    for i, r in enumerate(direct.itertuples(index=False)):
        out.append(AreaEstimate(
            area=str(r.area), n=int(r.n), direct=float(r.estimate), variance=float(r.variance),
            variance_used=float(D_used[i]), kind=kind, gamma=float(pred.gamma[i]),
            synthetic=float(synthetic[i]), eblup=float(est[i]), mse=float(mse[i]),
            g1=float(pred.g1[i]), g2=float(pred.g2[i]), g3=float(pred.g3[i]),
            ci_lower=float(lo[i]), ci_upper=float(hi[i]),
            cv_direct=_cv(float(r.estimate), float(D_used[i])), cv_model=_cv(est[i], mse[i]),
            residual=float(resid[i])))
    return out


def _out_of_sample(names: list[str], X: np.ndarray, fit: Reml, transform: Transform
                   ) -> list[AreaEstimate]:
    synthetic, mse_t = predict_out_of_sample(fit, X)
    est, mse, lo, hi = _report_scale(synthetic, mse_t, np.full(len(names), fit.sigma2_u),
                                     transform)
    return [AreaEstimate(
        area=str(a), n=None, direct=None, variance=None, variance_used=None,
        kind=AreaKind.OUT_OF_SAMPLE, gamma=0.0, synthetic=float(est[i]), eblup=float(est[i]),
        mse=float(mse[i]), g1=0.0, g2=float(mse_t[i] - fit.sigma2_u), g3=0.0,
        ci_lower=float(lo[i]), ci_upper=float(hi[i]), cv_direct=None,
        cv_model=_cv(est[i], mse[i]), residual=None) for i, a in enumerate(names)]


def _direct_populations(direct: pd.DataFrame, outside: bool) -> dict[str, float]:
    if "population" not in direct.columns:
        raise SmallAreaError("--benchmark needs a population column in the direct file (the "
                             "16+ population of each area, to weight the areas)")
    if outside:
        raise SmallAreaError("--benchmark needs every area's direct row and population; some "
                             "areas are in the covariates only")
    return dict(zip(direct["area"].astype(str), direct["population"].astype(float), strict=True))


def _benchmarked(areas: list[AreaEstimate], populations: dict[str, float], benchmark: float
                 ) -> tuple[list[AreaEstimate], float]:
    """Ratio benchmarking: sum of w_i * estimate_i equals the benchmark, w the population shares."""
    if not math.isfinite(benchmark):
        raise SmallAreaError("the benchmark must be a number")
    missing = [a.area for a in areas if not populations.get(a.area, 0) > 0]
    if missing:
        raise SmallAreaError(f"the benchmark needs a positive population for every area; "
                             f"missing for: {', '.join(missing[:5])}")
    w = np.array([populations[a.area] for a in areas], dtype=float)
    w = w / w.sum()
    eblup = np.array([a.eblup for a in areas])
    total = float(w @ eblup)
    if total == 0:
        raise SmallAreaError("the area estimates sum to 0: ratio benchmarking is not defined")
    ratio = benchmark / total
    out = []
    for a in areas:
        b = a.eblup * ratio
        out.append(replace(a, benchmarked=b, mse_benchmarked=a.mse + (b - a.eblup) ** 2))
    return out, ratio


# ---------------------------------------------------------------------------------------------
# Diagnostics


def _diagnostics(areas: list[AreaEstimate], fit: Reml, p: int, zero: bool,
                 transform: Transform) -> Diagnostics:
    sampled = [a for a in areas if a.direct is not None]
    m = len(sampled)
    direct = np.array([a.direct for a in sampled], dtype=float)
    model = np.array([a.eblup for a in sampled])
    se_direct = np.sqrt(np.array([a.variance_used for a in sampled], dtype=float))
    se_model = np.sqrt(np.array([a.mse for a in sampled]))
    resid = np.array([a.residual for a in sampled], dtype=float)
    w, sp = (None, None)
    if m >= 3:
        from scipy import stats

        res = stats.shapiro(resid)
        w, sp = float(res.statistic), float(res.pvalue)
    a, b, bp = _bias_regression(direct, model)
    return Diagnostics(
        n_areas=m,
        areas_over_cv_direct=sum(1 for x in sampled if (x.cv_direct or 0) > CV_THRESHOLD),
        areas_over_cv_model=sum(1 for x in sampled if x.cv_model > CV_THRESHOLD),
        shapiro_w=w, shapiro_p=sp, bias_intercept=a, bias_slope=b, bias_p_value=bp,
        coverage=_coverage(direct, se_direct, model, se_model), coverage_expected=0.95,
        aic=-2 * fit.loglik + 2 * (p + 1), bic=-2 * fit.loglik + (p + 1) * math.log(m),
        warnings=_warnings(m, zero, transform))


def _bias_regression(direct: np.ndarray, model: np.ndarray
                     ) -> tuple[float | None, float | None, float | None]:
    """OLS of direct on model estimates; F test of intercept 0 and slope 1 (Brown et al.)."""
    m = len(direct)
    if m < 3 or np.ptp(model) == 0:
        return None, None, None
    Z = np.column_stack([np.ones(m), model])
    coef, *_ = np.linalg.lstsq(Z, direct, rcond=None)
    resid = direct - Z @ coef
    s2 = float(resid @ resid) / (m - 2)
    if s2 == 0:
        return float(coef[0]), float(coef[1]), None
    d = coef - np.array([0.0, 1.0])
    f = float(d @ (Z.T @ Z) @ d) / (2 * s2)
    from scipy import stats

    return float(coef[0]), float(coef[1]), float(stats.f.sf(f, 2, m - 2))


def _coverage(direct, se_direct, model, se_model) -> float:
    """Share of areas whose direct and model intervals overlap, each interval +-z*se with
    z = 1.96 sqrt(s_d^2 + s_m^2) / (s_d + s_m), so that independent unbiased estimates overlap
    95% of the time (Brown et al. 2001, as ONS small-area diagnostics)."""
    z = Z95 * np.sqrt(se_direct ** 2 + se_model ** 2) / (se_direct + se_model)
    overlap = np.abs(direct - model) <= z * (se_direct + se_model)
    return float(np.mean(overlap))


def _warnings(m: int, zero: bool, transform: Transform) -> tuple[str, ...]:
    out = []
    if m < FEW_AREAS:
        out.append(f"only {m} areas: with fewer than {FEW_AREAS} the random-effect variance and "
                   "its MSE term are poorly estimated; treat the model figures with caution")
    if zero:
        out.append("sigma2_u was estimated at 0: every area gets its synthetic (regression) "
                   "estimate, labelled 'synthetic'; its MSE (g2 + 2 g3) is likely to understate "
                   "the error")
    if transform is Transform.ARCSIN:
        out.append("arcsine scale: estimates back-transformed with a bias correction; MSE by "
                   "the delta method, intervals from the transformed scale")
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Reading and checking input


def read_csv_file(path: str | Path, what: str) -> pd.DataFrame:
    """Every cell as text, so each value is checked here with its line named."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError as exc:
        raise SmallAreaError(f"{what} file not found: {path}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise SmallAreaError(f"{what} file {path} is not a readable CSV: "
                             f"{str(exc).strip() or 'it is empty'}") from exc


def _numbers(frame: pd.DataFrame, column: str, what: str) -> pd.Series:
    if pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(
            frame[column]):
        text = frame[column]  # already numbers (a caller's frame): only NaN and inf to refuse
        values = text.astype(float)
    else:
        text = frame[column].astype(str).str.strip()
        values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() | ~np.isfinite(values.fillna(0))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise SmallAreaError(f"{what} line {i + 2} (area {frame['area'].iloc[i]}): {column} "
                             f"{str(text.iloc[i])!r} is not a number")
    return values.astype(float)


def _areas(frame: pd.DataFrame, what: str) -> pd.Series:
    areas = frame["area"].astype(str).str.strip()
    if (areas == "").any():
        i = int(np.flatnonzero((areas == "").to_numpy())[0])
        raise SmallAreaError(f"{what} line {i + 2}: the area is blank")
    dup = areas.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise SmallAreaError(f"{what} line {i + 2}: area {areas.iloc[i]} appears more than once")
    return areas


def check_direct(direct: pd.DataFrame, variances: Variances | str = Variances.DIRECT
                 ) -> pd.DataFrame:
    """``area,estimate,variance,n`` (and ``population`` for benchmarking), checked line by line."""
    what = "direct file"
    missing = [c for c in DIRECT_COLUMNS if c not in direct.columns]
    if missing:
        raise SmallAreaError(f"the {what} needs the columns {','.join(DIRECT_COLUMNS)}; "
                             f"missing: {', '.join(missing)}")
    if direct.empty:
        raise SmallAreaError(f"the {what} has no areas")
    out = pd.DataFrame({"area": _areas(direct, what)})
    for column in ("estimate", "variance", "n", *(["population"] if "population" in direct
                                                   else [])):
        out[column] = _numbers(direct.assign(area=out["area"]), column, what)
    _refuse(out, out["variance"] < 0, what, "variance {v} is negative")
    if Variances(variances) is Variances.DIRECT:
        _refuse(out, out["variance"] == 0, what, "variance is 0 (a share of 0% or 100% has no "
                "sampling variance): rerun with --variances smoothed")
    _refuse(out, (out["n"] < 1) | (out["n"] != out["n"].round()), what,
            "n {n} is not a whole number of responses, 1 or more")
    if "population" in out:
        _refuse(out, out["population"] <= 0, what, "population {population} is not positive")
    return out.reset_index(drop=True)


def _refuse(frame: pd.DataFrame, bad: pd.Series, what: str, message: str) -> None:
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        row = frame.iloc[i]
        text = message.format(v=row["variance"], **{str(k): v for k, v in row.items()})
        raise SmallAreaError(f"{what} line {i + 2} (area {row['area']}): {text}")


def check_covariates(covariates: pd.DataFrame, direct: pd.DataFrame) -> pd.DataFrame:
    """``area`` and numeric columns; every area of the direct file must be there."""
    what = "covariates file"
    if "area" not in covariates.columns:
        raise SmallAreaError(f"the {what} needs an area column")
    out = pd.DataFrame({"area": _areas(covariates, what)})
    for column in covariates.columns:
        if column != "area":
            out[str(column)] = _numbers(covariates.assign(area=out["area"]), column, what)
    known = set(out["area"])
    absent = [a for a in direct["area"] if a not in known]
    if absent:
        listing = ", ".join(absent[:10]) + (f" and {len(absent) - 10} more" if len(absent) > 10
                                            else "")
        raise SmallAreaError(f"areas in the direct file without covariates: {listing}")
    return out.reset_index(drop=True)


def _check_rank(X: np.ndarray, names: list[str]) -> None:
    m, p = X.shape
    if m <= p:
        raise SmallAreaError(f"{m} areas cannot fit {p} coefficients (the intercept and "
                             f"{p - 1} covariates): give more areas or fewer covariates")
    for j in range(1, p + 1):
        if np.linalg.matrix_rank(X[:, :j]) < j:
            raise SmallAreaError(f"covariate {names[j - 1]} is collinear with the intercept and "
                                 "the covariates before it (a constant, a copy or a sum of "
                                 "others): drop it")


def run_small_area_files(direct_path: str | Path, covariates_path: str | Path, *,
                         transform: Transform | str = Transform.NONE,
                         variances: Variances | str = Variances.DIRECT,
                         benchmark: float | None = None) -> SmallAreaFit:
    """Read both files and fit (what ``python -m analysis small-areas`` runs)."""
    return fit_small_areas(read_csv_file(direct_path, "direct"),
                           read_csv_file(covariates_path, "covariates"),
                           transform=transform, variances=variances, benchmark=benchmark)


# ---------------------------------------------------------------------------------------------
# Output


def small_area_records(fit: SmallAreaFit) -> dict:
    """The JSON document: ``{"model": {...fit and diagnostics}, "areas": [...]}``."""
    d = asdict(fit.diagnostics)
    d["warnings"] = list(fit.diagnostics.warnings)
    model = {
        "method": fit.method, "sigma2_u": fit.sigma2_u, "zero_variance": fit.zero_variance,
        "zero_variance_rule": ZERO_VARIANCE_RULE,
        "beta": {c.name: c.estimate for c in fit.coefficients},
        "beta_se": {c.name: c.se for c in fit.coefficients},
        "coefficients": [asdict(c) for c in fit.coefficients],
        "transform": fit.transform.value, "variances": fit.variances.value,
        "variances_used": fit.variance_note, "iterations": fit.iterations,
        "tolerance": fit.tolerance, "loglik": fit.loglik,
        "restricted_loglik": fit.restricted_loglik, "mse": MSE_NOTE,
        "benchmark": fit.benchmark, "benchmark_ratio": fit.benchmark_ratio,
        "mse_adjusted_for_benchmark": fit.mse_adjusted_for_benchmark, **d,
    }
    areas = []
    for a in fit.areas:
        row = asdict(a)
        row["kind"] = a.kind.value
        areas.append(row)
    return {"model": model, "areas": areas}


def small_area_table(fit: SmallAreaFit) -> pd.DataFrame:
    """One row per area (the CSV output); the model's figures repeat on every row."""
    table = pd.DataFrame([asdict(a) for a in fit.areas])
    table["kind"] = [a.kind.value for a in fit.areas]
    table["sigma2_u"] = fit.sigma2_u
    table["transform"] = fit.transform.value
    table["variances"] = fit.variances.value
    return table
