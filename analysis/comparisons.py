"""Comparisons: change between two waves, and a neighbourhood against the rest of the authority.

Between waves (independent samples): difference = later - earlier, SE = sqrt(SE1^2 + SE2^2) from
the design-based (linearised) SEs, 95% interval difference +/- z SE, two-sided z-test (scipy).
Neighbourhood against the rest of the authority (same wave, same weighting, so not independent):
SE of the difference from the linearised variances and covariance of the two domain estimates
under the raked design (as R ``svyby(..., covmat = TRUE)`` + ``svycontrast``). A table of many
neighbourhoods is adjusted for multiple comparisons (Holm by default; Bonferroni or none on
request) and every row says which method. Verdicts are plain English and know whether higher is
better.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.catalogue import CATALOGUE, get_indicator, target_status
from analysis.codes import CodedFrame
from analysis.estimates import _domains, as_design, indicator_vectors
from analysis.formatting import interval, percent, plural
from analysis.linearisation import DomainSums, covariance, domain_sums, linearise

ADJUSTMENTS = ("holm", "bonferroni", "none")


def adjust_pvalues(p, method: str = "holm") -> np.ndarray:
    """Holm (step-down) or Bonferroni adjusted p-values (NaN kept), as R ``p.adjust``."""
    p = np.asarray(p, dtype=float)
    if method not in ADJUSTMENTS:
        raise ValueError(f"unknown adjustment {method!r}; use one of {', '.join(ADJUSTMENTS)}")
    out = p.copy()
    ok = np.isfinite(p)
    m = int(ok.sum())
    if method == "none" or m == 0:
        return out
    q = p[ok]
    if method == "bonferroni":
        out[ok] = np.minimum(1.0, q * m)
        return out
    order = np.argsort(q, kind="stable")
    adj = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * q[order]))
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out


def _test(diff, se, level):
    from scipy import stats

    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = diff / se
    p = 2 * stats.norm.sf(np.abs(stat))
    return diff - z * se, diff + z * se, stat, p


def _direction(diff, higher_is_better):
    better = (diff > 0) == bool(higher_is_better)
    return ("higher" if diff > 0 else "lower"), ("better" if better else "worse")


def compare_waves(before: pd.DataFrame, after: pd.DataFrame, *, before_label: str = "before",
                  after_label: str = "after", level: float = 0.95,
                  alpha: float = 0.05) -> pd.DataFrame:
    """Change between two waves' :func:`estimate_indicators` tables, row by row.

    Rows are matched on indicator and group. Columns: indicator, group, before, after,
    difference, se, ci_lower, ci_upper, z, p_value, significant, verdict.
    """
    def key(frame):
        return frame.assign(_g=frame["group"].map(lambda g: None if g is None or g != g
                                                   else tuple(sorted(g.items()))))

    a, b = key(before), key(after)
    merged = a.merge(b, on=["indicator", "_g"], suffixes=("_a", "_b"))
    diff = merged["estimate_b"].astype(float) - merged["estimate_a"].astype(float)
    se = np.sqrt(merged["se_a"].astype(float) ** 2 + merged["se_b"].astype(float) ** 2)
    lo, hi, z, p = _test(diff.to_numpy(), se.to_numpy(), level)
    rows = []
    for i, r in merged.iterrows():
        d, pv = diff[i], p[i]
        hib = r.get("higher_is_better_b", True)
        if not np.isfinite(pv):
            verdict = "cannot compare (an estimate is suppressed or missing)"
        elif pv < alpha:
            _, judge = _direction(d, hib)
            verdict = (f"{'up' if d > 0 else 'down'} significantly since {before_label} "
                       f"({percent(r['estimate_a'])} to {percent(r['estimate_b'])}, p = {pv:.3f}; "
                       f"{judge})")
        else:
            verdict = (f"no significant change since {before_label} ({percent(r['estimate_a'])} "
                       f"to {percent(r['estimate_b'])}, p = {pv:.2f})")
        rows.append({
            "indicator": r["indicator"], "group": r["group_b"], "before": r["estimate_a"],
            "after": r["estimate_b"], "difference": _f(d), "se": _f(se[i]), "ci_lower": _f(lo[i]),
            "ci_upper": _f(hi[i]), "z": _f(z[i]), "p_value": _f(pv),
            "significant": bool(np.isfinite(pv) and pv < alpha), "verdict": verdict,
            "test": "two-sided z-test, independent samples, design-based SEs",
            "before_label": before_label, "after_label": after_label,
        })
    return pd.DataFrame(rows)


def _f(x):
    return None if x is None or not np.isfinite(x) else float(x)


def compare_to_rest(responses, weighting, indicator: str, by: str = "neighbourhood", *,
                    catalogue=None, adjust: str = "holm", level: float = 0.95,
                    alpha: float = 0.05, area_class: dict | None = None) -> pd.DataFrame:
    """Each group of ``by`` against the rest of the authority for one indicator.

    Columns: group, estimate, rest_estimate, difference, se, ci_lower, ci_upper, z, p_value,
    p_adjusted, adjustment, significant, verdict. The interval is unadjusted; significance uses
    the adjusted p-value.
    """
    coded = responses if isinstance(responses, CodedFrame) else CodedFrame(responses)
    design = as_design(weighting)
    cat = CATALOGUE if catalogue is None else catalogue
    ind = get_indicator(indicator, cat)
    y, valid = indicator_vectors(coded, ind, cat)
    dom, labels = _domains(coded, by, area_class)
    G = len(labels)
    sums = domain_sums(design, y, valid, np.where(dom < 0, G, dom), G + 1)
    total = [a.sum(axis=0, keepdims=True) for a in sums._arrays()]
    groups = DomainSums(*(a[:G] for a in sums._arrays()))
    rest = DomainSums(*(t - a[:G] for t, a in zip(total, sums._arrays(), strict=True)))
    lg, lr = linearise(design, groups), linearise(design, rest)
    diff = lg.p - lr.p
    cov = np.array([covariance(design, lg, k, lr, k, 0.0) for k in range(G)])
    se = np.sqrt(np.maximum(lg.var + lr.var - 2 * cov, 0.0))
    lo, hi, z, p = _test(diff, se, level)
    p_adj = adjust_pvalues(p, adjust)
    method = {"holm": "Holm", "bonferroni": "Bonferroni", "none": "no"}[adjust]
    rows = []
    for k, label in enumerate(labels):
        if not np.isfinite(p_adj[k]):
            verdict = "cannot compare (no responses in the base)"
        elif p_adj[k] < alpha:
            word, judge = _direction(diff[k], ind.higher_is_better)
            verdict = (f"{label}: {percent(lg.p[k])} against {percent(lr.p[k])} in the rest of the "
                       f"authority, significantly {word} ({judge}; p = {p_adj[k]:.3f}, "
                       f"{method}-adjusted for {plural(G, 'comparison')})")
        else:
            verdict = (f"{label}: {percent(lg.p[k])} against {percent(lr.p[k])} in the rest of the "
                       f"authority, not significantly different (p = {p_adj[k]:.2f}, "
                       f"{method}-adjusted for {plural(G, 'comparison')})")
        rows.append({
            "indicator": indicator, "group": {by: label}, "estimate": _f(lg.p[k]),
            "rest_estimate": _f(lr.p[k]), "difference": _f(diff[k]), "se": _f(se[k]),
            "ci_lower": _f(lo[k]), "ci_upper": _f(hi[k]), "z": _f(z[k]), "p_value": _f(p[k]),
            "p_adjusted": _f(p_adj[k]), "adjustment": adjust,
            "significant": bool(np.isfinite(p_adj[k]) and p_adj[k] < alpha), "n": int(lg.n[k]),
            "verdict": verdict,
        })
    return pd.DataFrame(rows)


def describe(result: dict, *, name: str = "", wave: str | None = None, change: dict | None = None,
             catalogue=None) -> str:
    """A plain-English sentence for one estimate, its change and its target, e.g.
    "confidence in Twerton is 24% (95% CI 19% to 30%), up significantly since 2008-09, and
    still short of the 32.5% target"."""
    cat = CATALOGUE if catalogue is None else catalogue
    ind = get_indicator(result["indicator"], cat)
    if result.get("estimate") is None:
        return f"{ind.label}{' in ' + name if name else ''}: fewer responses than can be shown"
    text = (f"{ind.label}{' in ' + name if name else ''}: {percent(result['estimate'])} "
            f"(95% CI {interval(result['ci_lower'], result['ci_upper'])})")
    if change is not None:
        text += ", " + change["verdict"]
    if wave is not None:
        status = target_status(ind, result["estimate"], wave, result.get("ci_lower"),
                               result.get("ci_upper"))
        if status is not None:
            target = f"{percent(status['target'])} target for {status['target_wave']}"
            text += f"; {status['label'].lower()} against the {target}"
    return text
