"""Weighted indicator estimates with design-based standard errors and logit intervals.

Reference: R ``survey``. For an indicator with base ``valid`` and positive answers ``y`` the
estimate and SE are ``svymean(~y, subset(design, valid))`` on the raked design (subgroups:
``svyby(~y, ~group, subset(design, valid), svymean)``: domains of the whole weighted sample), and
the 95% interval is ``svyciprop(~y, ..., method = "logit")``: expit(logit(p) +/- t * SE/(p(1-p)))
(the default; ``ci="korn-graubard"`` is ``svyciprop(method = "beta")`` and ``ci="wilson"`` Wilson's
score interval on the effective base p(1-p)/var, both matched to R in the tests) with t on ``degf`` of
the subset design, i.e. respondents in the (domain's) base minus 1 (for a
stratified or clustered design, see :mod:`analysis.designs`: PSUs minus strata in the base). Also
reported: the unweighted base n, the effective base (sum w)^2/sum w^2 and the design effect due to
weighting n.sum w^2/(sum w)^2 over the base. Disclosure rules (methodology: suppress below 30,
flag below 100) are applied to every row and shown in its ``flag`` and ``note``.

This module is the one place an indicator is computed: the CLI, the dashboard and the reports
all call :func:`estimate_indicators`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.catalogue import CATALOGUE, HEADLINE, Indicator, get_indicator
from analysis.codes import CodedFrame
from analysis.errors import AreaClassError, IndicatorError, InputError
from analysis.formatting import plural, small_base
from analysis.linearisation import DomainSums, Linearised, domain_sums, linearise
from analysis.weighting import RakedDesign, WeightingResult, unraked_design


@dataclass(frozen=True)
class DisclosureRules:
    """Small-base rules (methodology): suppress below ``suppress_below``, flag below ``flag_below``.

    With ``suppress=False`` suppressed cells keep their numbers (for analysts) but stay flagged.
    """

    suppress_below: int = 30
    flag_below: int = 100
    suppress: bool = True

    def flag(self, n: float) -> tuple[str | None, str | None]:
        if n < self.suppress_below:
            return "suppressed", small_base(int(n), self.suppress_below)
        if n < self.flag_below:
            return "low_base", "low base: treat with caution"
        return None, None


DEFAULT_DISCLOSURE = DisclosureRules()


def as_design(weighting) -> RakedDesign:
    """A design from a WeightingResult, a RakedDesign, or plain weights (no raking)."""
    if isinstance(weighting, WeightingResult):
        if weighting.design is None:  # built by hand, not by rake_weights: no raking steps
            return unraked_design(weighting.weights)
        return weighting.design
    if isinstance(weighting, RakedDesign):
        return weighting
    return unraked_design(weighting)


def indicator_vectors(coded: CodedFrame, indicator: Indicator,
                      catalogue: dict[str, Indicator] | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(y, valid) boolean arrays over the rows for one indicator (see catalogue)."""
    for q in indicator.questions + ((indicator.routing[0],) if indicator.routing else ()):
        if not coded.has(q):
            raise IndicatorError(f"indicator {indicator.id} needs the question {q!r}, "
                                 "which is not a column of the responses")
    if indicator.kind == "single":
        return _single_vectors(coded, indicator)
    if indicator.kind == "score":
        return _score_vectors(coded, indicator)
    if indicator.kind == "any":
        return _any_vectors(coded, indicator, catalogue)
    raise IndicatorError(f"indicator {indicator.id}: unknown kind {indicator.kind!r}")


def _single_vectors(coded: CodedFrame, indicator: Indicator) -> tuple[np.ndarray, np.ndarray]:
    """One question: positive answers among the valid ones (answered, not excluded, routed)."""
    q = indicator.questions[0]
    valid = coded.answered(q)
    if indicator.base_excluded:
        valid &= ~coded.isin(q, indicator.base_excluded)
    if indicator.routing:
        valid &= coded.isin(indicator.routing[0], indicator.routing[1])
    y = coded.isin(q, indicator.positive) & valid
    return y, valid


def _score_vectors(coded: CodedFrame, indicator: Indicator) -> tuple[np.ndarray, np.ndarray]:
    """A summed score over several questions at or above the threshold (e.g. the ASB scale)."""
    if indicator.threshold is None:
        raise IndicatorError(f"indicator {indicator.id}: a score indicator needs a threshold")
    total = np.zeros(len(coded))
    valid = np.ones(len(coded), dtype=bool)
    scores = dict(indicator.scores)
    for q in indicator.questions:
        codes, labels = coded.codes(q)
        table = np.array([np.nan] + [scores.get(lab, np.nan) for lab in labels])
        s = table[codes + 1]
        known = ~np.isnan(s)
        if indicator.blank_strand_excludes:
            valid &= known
        total += np.where(known, s, 0.0)
    return (total >= indicator.threshold) & valid, valid


def _any_vectors(coded: CodedFrame, indicator: Indicator,
                 catalogue: dict[str, Indicator] | None) -> tuple[np.ndarray, np.ndarray]:
    """Positive on any component; valid where every asked component is valid."""
    valid = np.ones(len(coded), dtype=bool)
    y = np.zeros(len(coded), dtype=bool)
    for comp_id in indicator.components:
        comp = get_indicator(comp_id, catalogue)
        cy, cv = indicator_vectors(coded, comp, catalogue)
        if comp.routing:
            asked = coded.isin(comp.routing[0], comp.routing[1])
            valid &= cv | ~asked
        else:
            valid &= cv
        y |= cy
    return y & valid, valid


def _area_class_domains(coded: CodedFrame, area_class: dict[str, str] | None):
    """Domains ``area_class`` from the neighbourhood, by the caller's neighbourhood -> class map.

    The engine knows no authority's neighbourhoods: without the map (and without an
    ``area_class`` column) it refuses rather than return blank rows.
    """
    if not area_class:
        raise AreaClassError(
            "cannot break down by 'area_class': the responses have no area_class column and no "
            "area class was given for their neighbourhoods; add an area_class column "
            "(e.g. urban or rural per response) or break down by neighbourhood"
        )
    if not coded.has("neighbourhood"):
        raise InputError("cannot break down by 'area_class': the responses have no neighbourhood "
                         "column to classify")
    codes, labels = coded.codes("neighbourhood")
    classes = sorted(set(area_class.values()))
    lut = np.array([-1] + [classes.index(area_class[lab]) if lab in area_class else -1
                           for lab in labels])
    domains = lut[codes + 1]
    if len(domains) and (domains < 0).all():
        raise AreaClassError(
            "cannot break down by 'area_class': none of the neighbourhoods in the responses ("
            + ", ".join(sorted(labels)[:5]) + (", ..." if len(labels) > 5 else "")
            + ") has an area class; give the area class of these neighbourhoods"
        )
    return domains, classes


def _domains(coded: CodedFrame, by: str | None, area_class: dict[str, str] | None):
    """Domain code per row (-1: blank), the group labels."""
    if by is None:
        return np.zeros(len(coded), dtype=np.int64), []
    if by == "area_class" and not coded.has("area_class"):
        return _area_class_domains(coded, area_class)
    if not coded.has(by):
        raise InputError(f"cannot break down by {by!r}: no such column in the responses")
    codes, labels = coded.codes(by)
    order = sorted(range(len(labels)), key=lambda i: labels[i])
    rank = np.empty(len(labels), dtype=np.int64)
    rank[order] = np.arange(len(labels))
    lut = np.concatenate([[-1], rank])
    return lut[codes + 1], [labels[i] for i in order]


def _ci_logit(p, se, dfree, level=0.95, effective_n=None):
    """svyciprop(method="logit"): expit(logit p +/- qt(level, df) * se / (p (1-p))).

    At 0% or 100% the logit interval is undefined (R's collapses on the estimate, which would
    print a certainty such as "0.0% to 0.0%"); there the interval is Korn and Graubard's (1998):
    Clopper-Pearson on the effective base (sum w)^2 / sum w^2, scaled by (z / t_df)^2, e.g. 0 of
    an effective 50 on 49 df gives 0.0% to 7.5%. (R's ``svyciprop(method = "beta")`` is this interval, but
    its effective base comes from the variance, which is 0 at the edges.) Without
    ``effective_n`` the edges stay collapsed.
    """
    p, se, dfree = np.asarray(p, float), np.asarray(se, float), np.asarray(dfree, float)
    lo = np.full(p.shape, np.nan)
    hi = np.full(p.shape, np.nan)
    ok = np.isfinite(p) & (dfree > 0)
    inner = ok & (p > 0) & (p < 1)
    t = t_quantile(0.5 + level / 2, np.where(ok, dfree, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.log(p / (1 - p))
        half = t * se / (p * (1 - p))
    lo[inner] = 1 / (1 + np.exp(-(beta[inner] - half[inner])))
    hi[inner] = 1 / (1 + np.exp(-(beta[inner] + half[inner])))
    edge = ok & ~inner
    lo[edge] = p[edge]
    hi[edge] = p[edge]
    if effective_n is not None:
        lo, hi = _edge_intervals(p, np.asarray(effective_n, float), t, edge, level, lo, hi)
    return lo, hi


def _edge_intervals(p, effective_n, t, edge, level, lo, hi):
    """Korn-Graubard bounds at p = 0 or 1 (see _ci_logit)."""
    z = normal_quantile(0.5 + level / 2)
    alpha = 1 - level
    size = effective_n * (z / t) ** 2
    usable = edge & np.isfinite(size) & (size > 0)
    if not usable.any():
        return lo, hi
    from scipy import stats

    zero = usable & (p == 0)
    one = usable & (p == 1)
    hi[zero] = stats.beta.ppf(1 - alpha / 2, 1, size[zero])
    lo[one] = stats.beta.ppf(alpha / 2, size[one], 1)
    return lo, hi


CI_METHODS = ("logit", "korn-graubard", "wilson", "auto")
# ``auto`` (the portal's): Korn-Graubard where the base is under this many responses (the low-base
# flag) or the estimate is 0% or 100%, where the logit interval is too narrow; logit elsewhere.
AUTO_SMALL_BASE = 100


def t_quantile(q, df):
    """``scipy.stats.t.ppf(q, df)`` for q in (0, 1) and df > 0, bit for bit: the special function it
    calls, without importing scipy.stats (seconds of start-up the simple design does not need)."""
    from scipy.special import stdtrit

    return stdtrit(df, q)


def normal_quantile(q):
    """``scipy.stats.norm.ppf(q)`` for q in (0, 1), bit for bit (see :func:`t_quantile`)."""
    from scipy.special import ndtri

    return ndtri(q)


def _ci_korn_graubard(p, se, dfree, level, design_n):
    """svyciprop(method = "beta"): Clopper-Pearson on n* = p(1-p)/var, scaled by
    (qt(alpha/2, n - 1) / qt(alpha/2, df))^2 with n the rows of the design (R's ``nrow``)."""
    from scipy import stats

    alpha = 1 - level
    ok = np.isfinite(p) & (dfree > 0) & (p > 0) & (p < 1) & (se > 0)
    df = np.where(ok, dfree, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        size = p * (1 - p) / se**2 * (stats.t.ppf(alpha / 2, max(design_n - 1, 1))
                                      / stats.t.ppf(alpha / 2, df)) ** 2
        lo = np.where(ok, stats.beta.ppf(alpha / 2, size * p, size * (1 - p) + 1), np.nan)
        hi = np.where(ok, stats.beta.ppf(1 - alpha / 2, size * p + 1, size * (1 - p)), np.nan)
    return lo, hi


def _ci_wilson(p, se, dfree, level):
    """Wilson's score interval on the effective base n* = p(1-p)/var, t quantile on df."""
    ok = np.isfinite(p) & (dfree > 0) & (p > 0) & (p < 1) & (se > 0)
    t = t_quantile(0.5 + level / 2, np.where(ok, dfree, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        n = p * (1 - p) / se**2
        centre = (p + t * t / (2 * n)) / (1 + t * t / n)
        half = t / (1 + t * t / n) * np.sqrt(p * (1 - p) / n + t * t / (4 * n * n))
    return np.where(ok, centre - half, np.nan), np.where(ok, centre + half, np.nan)


def auto_methods(lin: Linearised, small_base: int = AUTO_SMALL_BASE) -> np.ndarray:
    """The method ``auto`` uses for each domain: ``korn-graubard`` where the base is under
    ``small_base`` or the estimate is 0% or 100% (no variance), ``logit`` elsewhere."""
    edge = ~(np.isfinite(lin.p) & (lin.p > 0) & (lin.p < 1))
    return np.where((lin.n < small_base) | edge, "korn-graubard", "logit")


def proportion_ci(lin: Linearised, level: float = 0.95, method: str = "logit",
                  small_base: int = AUTO_SMALL_BASE):
    """Interval bounds for every domain of ``lin`` by ``method`` (see CI_METHODS).

    At 0% or 100% (no variance) every method gives the logit method's edge interval: Korn and
    Graubard's on the Kish effective base (see :func:`_ci_logit`), where R's would be undefined.
    ``auto`` takes Korn-Graubard's bounds where :func:`auto_methods` says so, logit's elsewhere.
    """
    if method not in CI_METHODS:
        raise InputError(f"unknown interval method {method!r}; choose one of "
                         + ", ".join(CI_METHODS))
    lo, hi = _ci_logit(lin.p, lin.se, lin.df, level, lin.effective_n)
    if method == "logit":
        return lo, hi
    if method == "wilson":
        klo, khi = _ci_wilson(lin.p, lin.se, lin.df, level)
    else:
        klo, khi = _ci_korn_graubard(lin.p, lin.se, lin.df, level, lin.design_n)
    inner = np.isfinite(klo)
    if method == "auto":
        inner &= auto_methods(lin, small_base) == "korn-graubard"
    return np.where(inner, klo, lo), np.where(inner, khi, hi)


def _rows(ind: Indicator, lin: Linearised, groups, by, disclosure, level, ci="logit"):
    lo, hi = proportion_ci(lin, level, ci, disclosure.flag_below)
    methods = auto_methods(lin, disclosure.flag_below) if ci == "auto" else np.full(len(groups), ci)
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = lin.n * lin.sum_w2 / lin.weighted_base**2
    out = []
    for k, label in enumerate(groups):
        n = int(lin.n[k])
        flag, note = disclosure.flag(n)
        hide = flag == "suppressed" and disclosure.suppress

        def num(x, hide=hide):
            return None if hide or not np.isfinite(x) else float(x)

        out.append({
            "indicator": ind.id,
            "group": None if label is None else {by: label},
            "estimate": num(lin.p[k]),
            "se": num(lin.se[k]),
            "ci_lower": num(lo[k]),
            "ci_upper": num(hi[k]),
            "n": n,
            "effective_n": num(lin.effective_n[k]),
            "design_effect": num(deff[k]),
            "weighted_base": num(lin.weighted_base[k]),
            "df": int(lin.df[k]),
            "ci_method": str(methods[k]),
            "flag": flag,
            "note": note,
            "higher_is_better": ind.higher_is_better,
        })
    return out


def estimate_indicators(
    responses: pd.DataFrame | CodedFrame,
    weighting,
    catalogue: dict[str, Indicator] | None = None,
    by: str | list[str] | None = None,
    *,
    indicators: list[str] | tuple[str, ...] | None = None,
    disclosure: DisclosureRules = DEFAULT_DISCLOSURE,
    include_total: bool = True,
    area_class: dict | None = None,
    level: float = 0.95,
    ci: str = "logit",
) -> pd.DataFrame:
    """Every indicator (default: the whole catalogue) for the whole sample and by group.

    ``weighting`` is a WeightingResult (raked design; R-exact SEs), or plain weights.
    ``by`` is a column (neighbourhood, age_band, sex, ethnicity, disability) or ``area_class``
    (an ``area_class`` column, else the ``area_class`` map of neighbourhood -> class; neither:
    AreaClassError), or a list of them. Returns one row per indicator x
    group: indicator, group (None or {by: value}), estimate, se, ci_lower, ci_upper, n,
    effective_n, design_effect, weighted_base, df, ci_method, flag, note (proportions in 0..1).
    ``ci``: the interval method, ``logit`` (R's svyciprop default), ``korn-graubard`` (svyciprop
    method "beta"), ``wilson``, or ``auto`` (the portal's: Korn-Graubard below the low-base flag
    or at 0% or 100%, logit elsewhere; each row's ``ci_method`` says which).
    """
    coded = responses if isinstance(responses, CodedFrame) else CodedFrame(responses)
    design = as_design(weighting)
    if design.n != len(coded):
        raise InputError(f"{plural(design.n, 'weight')} for {plural(len(coded), 'response')}: "
                         "weight these responses")
    cat = CATALOGUE if catalogue is None else catalogue
    ids = list(cat) if indicators is None else list(indicators)
    bys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    breakdowns = [(b, *_domains(coded, b, area_class)) for b in bys]
    if ci not in CI_METHODS:
        raise InputError(f"unknown interval method {ci!r}; choose one of " + ", ".join(CI_METHODS))
    rows = []
    for ind_id in ids:
        ind = get_indicator(ind_id, cat)
        y, valid = indicator_vectors(coded, ind, cat)
        if not breakdowns:
            lin = linearise(design, domain_sums(design, y, valid, np.zeros(len(coded), np.int64), 1))
            rows += _rows(ind, lin, [None], None, disclosure, level, ci)
        for k, (b, dom, labels) in enumerate(breakdowns):
            # one pass gives every group plus (last domain) the whole sample
            G = len(labels)
            dom2 = np.where(dom < 0, G, dom)
            sums = domain_sums(design, y, valid, dom2, G + 1).with_total()
            keep = list(range(G)) + ([G + 1] if include_total and k == 0 else [])
            lin = linearise(design, _take(sums, keep))
            groups = labels + ([None] if include_total and k == 0 else [])
            rows += _rows(ind, lin, groups, b, disclosure, level, ci)
    frame = pd.DataFrame(rows)
    if len(frame):
        total_first = frame["group"].isna().map({True: 0, False: 1})
        frame = (frame.assign(_o=total_first, _i=frame["indicator"].map(ids.index))
                 .sort_values(["_i", "_o"], kind="stable").drop(columns=["_o", "_i"])
                 .reset_index(drop=True))
    return frame


def _take(sums: DomainSums, keep) -> DomainSums:
    return DomainSums(*(a[keep] for a in sums._arrays()))


def weighted_proportion(y, valid, weighting, domain=None, level: float = 0.95,
                        ci: str = "logit") -> dict:
    """One weighted proportion: ``y``/``valid`` boolean arrays, optional boolean ``domain``."""
    design = as_design(weighting)
    y = np.asarray(y, bool)
    valid = np.asarray(valid, bool)
    dom = np.zeros(design.n, np.int64) if domain is None else np.where(domain, 0, -1)
    lin = linearise(design, domain_sums(design, y & valid, valid, dom, 1))
    lo, hi = proportion_ci(lin, level, ci)
    return {"estimate": float(lin.p[0]), "se": float(lin.se[0]), "ci_lower": float(lo[0]),
            "ci_upper": float(hi[0]), "n": int(lin.n[0]),
            "effective_n": float(lin.effective_n[0])}


__all__ = ["CI_METHODS", "HEADLINE", "DisclosureRules", "estimate_indicators", "proportion_ci",
           "weighted_proportion"]
