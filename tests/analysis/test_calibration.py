"""Calibration (linear, bounded linear, logit) and trimming against R ``calibrate`` and
``trimWeights`` (make_calibration.R) on the stratified, clustered ``design`` fixture: weights to
1e-10, estimates, SEs and interval bounds to 1e-8."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.calibration import calibrate_weights
from analysis.designs import sample_design
from analysis.errors import ConvergenceError, WeightingError
from analysis.estimates import DisclosureRules, estimate_indicators
from analysis.gap import perception_gap
from analysis.trimming import trim_to_bounds, trim_weights
from analysis.weighting import rake_weights
from tests.analysis.conftest import REFERENCE, reference_case

BOUNDS = {"linear": None, "linear_bounded": (0.35, 2.2), "logit": (0.3, 2.4)}
TRIM = {"trim": False, "trim_strict": True}
RAKING = {"raking": None, "raking_trim": True}


@pytest.fixture(scope="module")
def case():
    d, m, *_ = reference_case("design")
    base = d["base_weight"].to_numpy(float)
    return d, m, base * m[m["variable"] == "sex"]["population"].sum() / base.sum()


def _weighting(case, method):
    d, m, base = case
    if method in RAKING:
        raked = rake_weights(d, m, base_weights=base, epsilon=1e-9, maxit=100)
        return raked if RAKING[method] is None else trim_weights(raked, 8, 45, strict=True)
    if method in TRIM:
        linear = calibrate_weights(d, m, method="linear", base_weights=base)
        return trim_weights(linear, 8, 45, strict=TRIM[method])
    return calibrate_weights(d, m, method=method.split("_")[0], bounds=BOUNDS[method],
                             base_weights=base)


@pytest.fixture(scope="module")
def r_weights():
    return pd.read_csv(REFERENCE / "design_calibration_weights.csv")


METHODS = [*BOUNDS, *TRIM, *RAKING]


@pytest.mark.parametrize("method", METHODS)
def test_weights_match_r(case, r_weights, method):
    w = _weighting(case, method).weights
    np.testing.assert_allclose(w, r_weights[method].to_numpy(float), rtol=1e-10, atol=0)


@pytest.mark.parametrize("method", METHODS)
def test_estimates_and_ses_match_r(case, method):
    d = case[0]
    ref = pd.read_csv(REFERENCE / "design_calibration.csv", keep_default_na=False)
    ref = ref[(ref["method"] == method) & ref["indicator"].isin(["ni21", "ni4", "ni41"])]
    design = sample_design(_weighting(case, method), d, "stratum", "cluster", "fpc_clusters")
    table = estimate_indicators(d, design, by="neighbourhood", indicators=["ni21", "ni4", "ni41"],
                                disclosure=DisclosureRules(suppress=False))
    table["grp"] = table["group"].map(lambda g: g["neighbourhood"] if g else "")
    merged = ref.assign(grp=ref["group"].astype(str)).merge(table, on=["indicator", "grp"],
                                                            suffixes=("_r", ""))
    assert len(merged) == 39
    assert (merged["df"] == merged["df_r"]).all()
    for col in ("estimate", "se", "ci_lower", "ci_upper"):
        np.testing.assert_allclose(merged[col], merged[f"{col}_r"], rtol=0, atol=1e-8)


@pytest.mark.parametrize("method", METHODS)
def test_every_catalogue_indicator_matches_r(case, method):
    d = case[0]
    ref = pd.read_csv(REFERENCE / "design_calibration.csv", keep_default_na=False)
    ref = ref[(ref["method"] == method) & (ref["group"] == "")]
    design = sample_design(_weighting(case, method), d, "stratum", "cluster", "fpc_clusters")
    table = estimate_indicators(d, design, disclosure=DisclosureRules(suppress=False))
    merged = ref.merge(table, on="indicator", suffixes=("_r", ""))
    assert len(merged) == len(ref) == 15
    assert (merged["df"] == merged["df_r"]).all()
    for col in ("estimate", "se", "ci_lower", "ci_upper"):
        np.testing.assert_allclose(merged[col], merged[f"{col}_r"], rtol=0, atol=1e-8)


@pytest.mark.parametrize("method", METHODS)
def test_perception_gap_matches_svycontrast(case, method):
    d = case[0]
    gap = pd.read_csv(REFERENCE / "design_calibration_gap.csv")
    want = gap[gap["method"] == method].set_index("crime")
    design = sample_design(_weighting(case, method), d, "stratum", "cluster", "fpc_clusters")
    ours = perception_gap(d, design).set_index("crime")
    assert len(want) == 4
    for col in ("difference", "difference_se", "ratio", "log_ratio_se"):
        np.testing.assert_allclose(ours.loc[want.index, col].astype(float), want[col],
                                   rtol=0, atol=1e-8)


def test_bounds_hold_and_totals_are_met(case):
    base = case[2]
    for method in ("linear_bounded", "logit"):
        g = _weighting(case, method).weights / base
        lo, hi = BOUNDS[method]
        assert g.min() >= lo - 1e-12 and g.max() <= hi + 1e-12
    w = _weighting(case, "trim_strict").weights
    assert w.min() >= 8 - 1e-9 and w.max() <= 45 + 1e-9
    assert w.sum() == pytest.approx(base.sum(), rel=1e-12)


def test_tight_bounds_are_a_clear_error(case):
    d, m, base = case
    with pytest.raises(ConvergenceError, match=r"logit calibration with bounds 0.9,1.1 did not"):
        calibrate_weights(d, m, method="logit", bounds=(0.9, 1.1), base_weights=base)


@pytest.mark.parametrize("method, bounds, message", [
    ("logit", None, "logit calibration needs bounds"),
    ("linear", (1.2, 3.0), "linear calibration: bounds 1.2,3 must be finite with L < 1 < U"),
    ("raking", None, "raking is rake_weights"),
])
def test_bad_bounds_are_refused(case, method, bounds, message):
    d, m, base = case
    with pytest.raises(WeightingError, match=message):
        calibrate_weights(d, m, method=method, bounds=bounds, base_weights=base)


def test_missing_weighting_variable_is_refused(case):
    d, m, base = case
    d = d.copy()
    d.loc[:2, "sex"] = None
    with pytest.raises(WeightingError, match="3 respondents did not give sex"):
        calibrate_weights(d, m, base_weights=base)


def test_trim_one_round_and_strict():
    w = np.array([1.0, 1.0, 1.0, 10.0])
    once, rounds = trim_to_bounds(w, 0, 4, strict=False)
    assert rounds == 1 and once.tolist() == [3.0, 3.0, 3.0, 4.0]
    w = np.array([1.0, 1.0, 3.5, 3.5, 8.0])
    once, _ = trim_to_bounds(w, 0, 4, strict=False)
    assert once.max() > 4  # the shared excess pushed the others past the bound
    strict, rounds = trim_to_bounds(w, 0, 4, strict=True)
    assert rounds > 1 and strict.max() <= 4 and strict.sum() == pytest.approx(w.sum())
    with pytest.raises(WeightingError, match="every weight is outside"):
        trim_to_bounds(w, 9, 10, strict=False)
    with pytest.raises(WeightingError, match="cannot keep the total 17 of 5 weights"):
        trim_to_bounds(w, 0, 3, strict=True)


def test_iterations_are_reported(case):
    d, m, base = case
    assert calibrate_weights(d, m, base_weights=base).iterations == 0  # closed form
    logit = calibrate_weights(d, m, method="logit", bounds=(0.3, 2.4), base_weights=base)
    assert 1 < logit.iterations <= 50 and logit.design is not None
    assert logit.design.calibration is not None


def test_scale_base_leaves_unbounded_greg_alone(case):
    d, m, base = case
    raw = d["base_weight"].to_numpy(float)
    plain = calibrate_weights(d, m, base_weights=raw).weights
    scaled = calibrate_weights(d, m, base_weights=raw, scale_base=True).weights
    np.testing.assert_allclose(plain, scaled, rtol=1e-12)
    np.testing.assert_allclose(plain, calibrate_weights(d, m, base_weights=base).weights,
                               rtol=1e-12)
