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

from analysis.catalogue import CATALOGUE, Indicator, get_indicator
from analysis.codes import CodedFrame
from analysis.estimates import (
    DEFAULT_DISCLOSURE,
    DisclosureRules,
    _domains,
    as_design,
    indicator_vectors,
    normal_quantile,
)
from analysis.linearisation import (
    DomainSums,
    Linearised,
    covariance,
    cross_sum,
    domain_sums,
    linearise,
)
from analysis.weighting import RakedDesign, WeightingResult

GAP_CRIMES = ("burglary", "car_crime", "violent_crime", "any")


def _linearise_pair(design: RakedDesign, worried: tuple[np.ndarray, np.ndarray],
                    victim: tuple[np.ndarray, np.ndarray], dom: np.ndarray, n_groups: int,
                    by_group: bool) -> tuple[Linearised, Linearised]:
    """Both estimates linearised: the whole sample first, then each group (when ``by_group``)."""
    dom2 = np.where(dom < 0, n_groups, dom)
    if by_group:
        keep = [n_groups + 1, *range(n_groups)]
        sums = [domain_sums(design, y, valid, dom2, n_groups + 1).with_total()
                for y, valid in (worried, victim)]
    else:
        keep = [0]
        sums = [domain_sums(design, y, valid, dom2, 1) for y, valid in (worried, victim)]
    lw, lv = (linearise(design, DomainSums(*(a[keep] for a in s._arrays()))) for s in sums)
    return lw, lv


def _cross_sums(design: RakedDesign, worried: tuple[np.ndarray, np.ndarray],
                victim: tuple[np.ndarray, np.ndarray], lw: Linearised, lv: Linearised,
                dom: np.ndarray, n_groups: int, by_group: bool) -> np.ndarray:
    """Cross sums of the two estimates' influence functions, in the order of ``lw``/``lv``."""
    (yw, vw), (yv, vv) = worried, victim
    whole_sample = np.zeros(len(dom), np.int64)
    if not by_group:
        return cross_sum(design, yw, vw, lw.p, lw.weighted_base, yv, vv, lv.p, lv.weighted_base,
                         whole_sample, 1)
    total = cross_sum(design, yw, vw, lw.p[:1], lw.weighted_base[:1], yv, vv, lv.p[:1],
                      lv.weighted_base[:1], whole_sample, 1)
    groups = cross_sum(design, yw, vw, lw.p[1:], lw.weighted_base[1:], yv, vv, lv.p[1:],
                       lv.weighted_base[1:], dom, max(n_groups, 1))
    return np.concatenate([total, groups])


def _shown(x: float | None, hide: bool) -> float | None:
    """A published number: None when suppressed or not finite."""
    return None if hide or x is None or not np.isfinite(x) else float(x)


def _gap_row(crime: str, group: dict | None, lw: Linearised, lv: Linearised, k: int,
             cov: float, z: float, disclosure: DisclosureRules) -> dict:
    """One output row: worried, victim, their difference and ratio (delta method on log)."""
    pw, pv = lw.p[k], lv.p[k]
    var_w, var_v = lw.var[k], lv.var[k]
    diff = pw - pv
    se_diff = float(np.sqrt(max(var_w + var_v - 2 * cov, 0.0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = pw / pv
        var_log = var_w / pw**2 + var_v / pv**2 - 2 * cov / (pw * pv)
        se_log = float(np.sqrt(max(var_log, 0.0))) if np.isfinite(var_log) else np.nan
    ok = bool(np.isfinite(ratio) and ratio > 0 and np.isfinite(se_log))
    flag, note = disclosure.flag(int(min(lw.n[k], lv.n[k])))
    hide = flag == "suppressed" and disclosure.suppress
    return {
        "crime": crime,
        "group": group,
        "worried": _shown(pw, hide),
        "worried_se": _shown(lw.se[k], hide),
        "victim": _shown(pv, hide),
        "victim_se": _shown(lv.se[k], hide),
        "difference": _shown(diff, hide),
        "difference_se": _shown(se_diff, hide),
        "difference_ci_lower": _shown(diff - z * se_diff, hide),
        "difference_ci_upper": _shown(diff + z * se_diff, hide),
        "ratio": _shown(ratio, hide) if ok else None,
        "log_ratio_se": _shown(se_log, hide) if ok else None,
        "ratio_ci_lower": _shown(np.exp(np.log(ratio) - z * se_log), hide) if ok else None,
        "ratio_ci_upper": _shown(np.exp(np.log(ratio) + z * se_log), hide) if ok else None,
        "n_worried": int(lw.n[k]),
        "n_victim": int(lv.n[k]),
        "flag": flag,
        "note": note if ok or hide else "no victims in the base: ratio undefined",
    }


def perception_gap(
    responses: pd.DataFrame | CodedFrame,
    weighting: WeightingResult | RakedDesign | np.ndarray | pd.Series,
    catalogue: dict[str, Indicator] | None = None,
    by: str | None = None,
    *,
    crimes: tuple[str, ...] | list[str] = GAP_CRIMES,
    disclosure: DisclosureRules = DEFAULT_DISCLOSURE,
    level: float = 0.95,
    area_class: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One row per crime (x group): worried, victim, difference, ratio and their intervals.

    ``group`` is None for the whole sample (first), else ``{by: value}``. Proportions in 0..1.
    """
    coded = responses if isinstance(responses, CodedFrame) else CodedFrame(responses)
    design = as_design(weighting)
    cat = CATALOGUE if catalogue is None else catalogue
    dom, labels = _domains(coded, by, area_class)
    by_group = by is not None
    groups = [None, *labels] if by_group else [None]
    z = float(normal_quantile(0.5 + level / 2))
    rows = []
    for crime in crimes:
        wi, vi = get_indicator(f"worry_{crime}", cat), get_indicator(f"victim_{crime}", cat)
        worried, victim = indicator_vectors(coded, wi, cat), indicator_vectors(coded, vi, cat)
        lw, lv = _linearise_pair(design, worried, victim, dom, len(labels), by_group)
        cross = _cross_sums(design, worried, victim, lw, lv, dom, len(labels), by_group)
        for k, group in enumerate(groups):
            cov = covariance(design, lw, k, lv, k, cross[k])
            row_group = None if group is None else {by: group}
            rows.append(_gap_row(crime, row_group, lw, lv, k, cov, z, disclosure))
    return pd.DataFrame(rows)
