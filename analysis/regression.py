"""Key drivers: survey-weighted logistic regression of an indicator on answers (R ``svyglm``).

Reference: R ``survey`` 4.1 ``svyglm(y ~ a + b, design, family = quasibinomial())`` on a raked
(optionally stratified and clustered) design. The outcome is an indicator of the catalogue (1 =
a positive answer, its base as the indicator's); each predictor is an answer used as a factor
whose reference level is its first code (the scale's order, as the catalogue lists it). Rows out
of the outcome's base or with a blank predictor are dropped as R's ``na.action`` does: the design
keeps them with zero weight, so their PSUs still count in neither the fit nor ``degf``.

The coefficients maximise the weighted quasi-likelihood, found by Newton (IRLS) steps until the
largest change is below 1e-12 (R's ``glm`` default ``epsilon = 1e-8`` on the deviance stops
earlier; the R fixtures use 1e-12). The covariance is R's sandwich ``svy.varcoef``: the
estimating functions X w (y - mu) times the inverse information, as influence values, through
:func:`analysis.sandwich.design_vcov` (raking taken into account). t statistics and intervals
use the residual df, degf of the fitted rows + 1 - coefficients (R's ``df.residual`` and
``confint.svyglm``); odds ratios are exp of the coefficient and its interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

from analysis.catalogue import CATALOGUE, Indicator
from analysis.codes import CodedFrame
from analysis.errors import InputError
from analysis.sandwich import design_df, design_vcov, raked_design
from analysis.tables import answer_codes
from analysis.weighting import RakedDesign, WeightingResult

TOLERANCE = 1e-12
MAX_ITERATIONS = 100
FITTED_EDGE = 1e-10  # a fitted probability this near 0 or 1 means separation


class ModelError(InputError):
    """A model cannot be fitted: unknown column, a predictor with one level, separation."""


@dataclass
class Drivers:
    """A fitted key-drivers model."""

    outcome: str
    predictors: list[str]
    terms: list[str]  # "(Intercept)", then "<predictor>=<level>"
    reference: dict[str, str]  # predictor -> its reference level
    coef: np.ndarray
    vcov: np.ndarray
    df: int  # residual df (t and intervals)
    n: int  # rows fitted
    iterations: int

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.vcov))

    def table(self, level: float = 0.95) -> pd.DataFrame:
        """One row per term: estimate, se, t, p, interval, odds ratio with its interval."""
        se = self.se
        t = self.coef / se
        q = stats.t.ppf(0.5 + level / 2, self.df)
        lo, hi = self.coef - q * se, self.coef + q * se
        predictor = ["" if term == "(Intercept)" else term.split("=", 1)[0]
                     for term in self.terms]
        return pd.DataFrame({
            "term": self.terms, "predictor": predictor,
            "level": [term.split("=", 1)[1] if "=" in term else "" for term in self.terms],
            "estimate": self.coef, "se": se, "t": t, "p": 2 * stats.t.sf(np.abs(t), self.df),
            "df": self.df, "ci_lower": lo, "ci_upper": hi, "odds_ratio": np.exp(self.coef),
            "or_lower": np.exp(lo), "or_upper": np.exp(hi)})


def outcome_values(coded: CodedFrame, indicator: Indicator) -> tuple[np.ndarray, np.ndarray]:
    """(y, in base) of a single-question indicator."""
    if indicator.kind != "single":
        raise ModelError(f"the outcome must be a single-question indicator; {indicator.id} is "
                         f"a {indicator.kind} indicator")
    question = indicator.questions[0]
    if not coded.has(question):
        raise ModelError(f"the outcome's question {question!r} is not a column of the responses")
    base = coded.answered(question) & ~coded.isin(question, indicator.base_excluded)
    if indicator.routing is not None:
        base &= coded.isin(*indicator.routing)
    return base & coded.isin(question, indicator.positive), base


def key_drivers(responses, weighting: WeightingResult | RakedDesign, predictors: list[str],
                outcome: str = "ni21") -> Drivers:
    """Fit ``outcome ~ predictors`` (factors) as R svyglm(family = quasibinomial())."""
    design = raked_design(weighting)
    coded = responses if isinstance(responses, CodedFrame) else CodedFrame(responses)
    if len(coded) != design.n:
        raise ModelError(f"{design.n:,} weights for {len(coded):,} responses")
    indicator = _checked_request(outcome, predictors)
    y, use = outcome_values(coded, indicator)
    answers = {}
    for name in predictors:
        if not coded.has(name):
            raise ModelError(f"the predictor {name!r} is not a column of the responses")
        answers[name] = answer_codes(coded, name, "predictor")
        use &= answers[name][0] >= 0
    columns = [np.ones(design.n)]
    terms = ["(Intercept)"]
    reference = {}
    for name, (code, levels) in answers.items():
        present = [int(k) for k in np.unique(code[use]) if k >= 0]
        if len(present) < 2:
            only = f" ({levels[present[0]]})" if present else ""
            raise ModelError(f"the predictor {name!r} has only {len(present)} answer{only} "
                             "among the rows fitted; a factor needs two or more: drop it")
        reference[name] = levels[present[0]]
        for k in present[1:]:
            columns.append((code == k).astype(float))
            terms.append(f"{name}={levels[k]}")
    X = np.column_stack(columns)
    n = int(use.sum())
    if n <= X.shape[1]:
        raise ModelError(f"{n} rows answered the outcome and every predictor, too few to fit "
                         f"{X.shape[1]} coefficients")
    for name, (code, levels) in answers.items():
        _separation_check(name, levels, code, y, use)
    w = np.where(use, design.weights, 0.0)
    coef, mu, info, iterations = _fit(X[use], y[use].astype(float), w[use])
    estfun = np.zeros_like(X)
    estfun[use] = X[use] * (w[use] * (y[use] - mu))[:, None]
    inv = np.linalg.inv(info)
    vcov = design_vcov(design, estfun @ inv)
    df = design_df(design, use) + 1 - X.shape[1]
    if df < 1:
        raise ModelError(f"the design leaves {df} residual degrees of freedom for "
                         f"{X.shape[1]} coefficients; too few PSUs for this model")
    return Drivers(outcome, list(predictors), terms, reference, coef, vcov, df, n, iterations)


def _checked_request(outcome: str, predictors: list[str]) -> Indicator:
    """The outcome's indicator, once the outcome and predictor names make sense together."""
    if outcome not in CATALOGUE:
        raise ModelError(f"unknown outcome indicator {outcome!r}")
    indicator = CATALOGUE[outcome]
    if not predictors:
        raise ModelError("give at least one predictor")
    repeated = sorted({p for p in predictors if predictors.count(p) > 1})
    if repeated:
        raise ModelError(f"predictor {repeated[0]!r} is given twice")
    if indicator.questions[0] in predictors:
        raise ModelError(f"{indicator.questions[0]!r} is the outcome's own question; it cannot "
                         "be a predictor")
    return indicator


def _separation_check(name, levels, code, y, use) -> None:
    """A level whose fitted rows are all positive or all not: its odds ratio is infinite."""
    for k in np.unique(code[use]):
        rows = use & (code == k)
        share = y[rows].mean()
        if share in (0.0, 1.0):
            raise ModelError(
                f"perfect separation: every response with {name} = {levels[k]!r} "
                f"({int(rows.sum())}) is {'positive' if share == 1 else 'negative'}, so its "
                "odds ratio is infinite; merge that answer with a neighbouring one or drop "
                "the predictor")


def _fit(X: np.ndarray, y: np.ndarray, w: np.ndarray):
    """Newton-Raphson for the weighted logistic likelihood; (coef, mu, information at the
    given weights' scale, steps)."""
    scale = w.mean()
    w = w / scale  # as svyglm: the scale of the weights changes nothing but rounding
    mu0 = (w * y + 0.5) / (w + 1)  # R's binomial start
    eta = np.log(mu0 / (1 - mu0))
    coef = np.linalg.lstsq(X * np.sqrt(w * mu0 * (1 - mu0))[:, None],
                           (eta + (y - mu0) / (mu0 * (1 - mu0))) * np.sqrt(w * mu0 * (1 - mu0)),
                           rcond=None)[0]
    for step in range(1, MAX_ITERATIONS + 1):
        mu = expit(X @ coef)
        info = X.T @ (X * (w * mu * (1 - mu))[:, None])
        change = np.linalg.solve(info, X.T @ (w * (y - mu)))
        coef = coef + change
        if np.max(np.abs(change)) < TOLERANCE * (1 + np.max(np.abs(coef))):
            mu = expit(X @ coef)
            if np.any((mu < FITTED_EDGE) | (mu > 1 - FITTED_EDGE)):
                break
            info = X.T @ (X * (w * mu * (1 - mu))[:, None])
            return coef, mu, info * scale, step
    raise ModelError("the model did not converge: fitted probabilities reach 0 or 1 "
                     "(perfect separation by a combination of answers); drop a predictor or "
                     "merge answers")
