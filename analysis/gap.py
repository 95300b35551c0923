"""The perception gap: % worried about a crime against % victimised by it, with intervals.

For each crime type (``burglary``, ``car_crime``, ``violent_crime``) and ``any``: the weighted %
worried (very or fairly; catalogue ``worry_<crime>``) and % victimised in the last 12 months
(``victim_<crime>``), each on its own base; their difference (points) and ratio (worried /
victim). Interval for the ratio: delta method on log(ratio) with the linearised covariance of the
two estimates under the raked design, normal quantile; this equals R's
``svycontrast(svytotal(~w1 + w0 + v1 + v0, design), quote(log(w1/w0) - log(v1/v0)))`` (the four
weighted totals: positives and bases of both questions). The difference gets the same treatment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.catalogue import CATALOGUE, get_indicator
from analysis.codes import CodedFrame
from analysis.estimates import (
    DEFAULT_DISCLOSURE,
    DisclosureRules,
    _domains,
    as_design,
    indicator_vectors,
)
from analysis.linearisation import DomainSums, covariance, cross_sum, domain_sums, linearise

GAP_CRIMES = ("burglary", "car_crime", "violent_crime", "any")


def perception_gap(
    responses: pd.DataFrame | CodedFrame,
    weighting,
    catalogue=None,
    by: str | None = None,
    *,
    crimes=GAP_CRIMES,
    disclosure: DisclosureRules = DEFAULT_DISCLOSURE,
    level: float = 0.95,
    area_class: dict | None = None,
) -> pd.DataFrame:
    """One row per crime (x group): worried, victim, difference, ratio and their intervals.

    ``group`` is None for the whole sample (first), else ``{by: value}``. Proportions in 0..1.
    """
    coded = responses if isinstance(responses, CodedFrame) else CodedFrame(responses)
    design = as_design(weighting)
    cat = CATALOGUE if catalogue is None else catalogue
    if by is None:
        dom, labels = np.zeros(len(coded), np.int64), []
    else:
        dom, labels = _domains(coded, by, area_class)
    G = len(labels)
    dom2 = np.where(dom < 0, G, dom)
    z = stats.norm.ppf(0.5 + level / 2)
    rows = []
    for crime in crimes:
        wi, vi = get_indicator(f"worry_{crime}", cat), get_indicator(f"victim_{crime}", cat)
        yw, vw = indicator_vectors(coded, wi, cat)
        yv, vv = indicator_vectors(coded, vi, cat)
        if by is None:
            sw = domain_sums(design, yw, vw, dom2, 1)
            sv = domain_sums(design, yv, vv, dom2, 1)
            keep, groups = [0], [None]
        else:
            sw = domain_sums(design, yw, vw, dom2, G + 1).with_total()
            sv = domain_sums(design, yv, vv, dom2, G + 1).with_total()
            keep, groups = [G + 1, *range(G)], [None, *labels]
        lw = linearise(design, DomainSums(*(a[keep] for a in sw._arrays())))
        lv = linearise(design, DomainSums(*(a[keep] for a in sv._arrays())))
        # cross sums: per group domain, plus the whole sample
        cross_g = cross_sum(design, yw, vw, lw.p[1:] if by else lw.p, lw.weighted_base[1:]
                            if by else lw.weighted_base, yv, vv, lv.p[1:] if by else lv.p,
                            lv.weighted_base[1:] if by else lv.weighted_base,
                            dom if by else np.zeros(len(coded), np.int64), max(G, 1))
        if by:
            cross_t = cross_sum(design, yw, vw, lw.p[:1], lw.weighted_base[:1], yv, vv,
                                lv.p[:1], lv.weighted_base[:1], np.zeros(len(coded), np.int64), 1)
            cross = np.concatenate([cross_t, cross_g])
        else:
            cross = cross_g
        for k, group in enumerate(groups):
            pw, pv = lw.p[k], lv.p[k]
            var_w, var_v = lw.var[k], lv.var[k]
            cov = covariance(design, lw, k, lv, k, float(cross[k]))
            diff = pw - pv
            se_diff = float(np.sqrt(max(var_w + var_v - 2 * cov, 0.0)))
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = pw / pv
                var_log = var_w / pw**2 + var_v / pv**2 - 2 * cov / (pw * pv)
                se_log = float(np.sqrt(max(var_log, 0.0))) if np.isfinite(var_log) else np.nan
            ok = np.isfinite(ratio) and ratio > 0 and np.isfinite(se_log)
            n_min = int(min(lw.n[k], lv.n[k]))
            flag, note = disclosure.flag(n_min)
            hide = flag == "suppressed" and disclosure.suppress

            def num(x, hide=hide):
                return None if hide or x is None or not np.isfinite(x) else float(x)

            rows.append({
                "crime": crime,
                "group": None if group is None else {by: group},
                "worried": num(pw),
                "worried_se": num(lw.se[k]),
                "victim": num(pv),
                "victim_se": num(lv.se[k]),
                "difference": num(diff),
                "difference_se": num(se_diff),
                "difference_ci_lower": num(diff - z * se_diff),
                "difference_ci_upper": num(diff + z * se_diff),
                "ratio": num(ratio) if ok else None,
                "log_ratio_se": num(se_log) if ok else None,
                "ratio_ci_lower": num(np.exp(np.log(ratio) - z * se_log)) if ok else None,
                "ratio_ci_upper": num(np.exp(np.log(ratio) + z * se_log)) if ok else None,
                "n_worried": int(lw.n[k]),
                "n_victim": int(lv.n[k]),
                "flag": flag,
                "note": note if ok or hide else "no victims in the base: ratio undefined",
            })
    return pd.DataFrame(rows)
