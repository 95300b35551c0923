"""Interval methods for a proportion against R: svyciprop(method = "beta") (Korn-Graubard) and the
Wilson score interval on the effective base (make_intervals.R), on the simple and the stratified,
clustered design of the ``design`` fixture."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.designs import sample_design
from analysis.errors import InputError
from analysis.estimates import DisclosureRules, estimate_indicators
from analysis.weighting import rake_weights
from tests.analysis.conftest import REFERENCE, reference_case


@pytest.fixture(scope="module")
def designs():
    d, m, _ref, _gap, _w, control = reference_case("design")
    r = rake_weights(d, m, **control)
    clustered = sample_design(r, d, "stratum", "cluster", "fpc_clusters")
    return d, {"simple": r, "clustered": clustered}


@pytest.mark.parametrize("design", ["simple", "clustered"])
@pytest.mark.parametrize("method, prefix", [("korn-graubard", "kg"), ("wilson", "wilson")])
def test_intervals_match_r(designs, design, method, prefix):
    d, by_name = designs
    ref = pd.read_csv(REFERENCE / "design_intervals.csv", keep_default_na=False)
    ref = ref[ref["design"] == design]
    table = estimate_indicators(d, by_name[design], by="neighbourhood",
                                indicators=["ni21", "ni4", "ni41"], ci=method,
                                disclosure=DisclosureRules(suppress=False))
    table["grp"] = table["group"].map(lambda g: g["neighbourhood"] if g else "")
    merged = ref.assign(grp=ref["group"].astype(str)).merge(table, on=["indicator", "grp"],
                                                            suffixes=("_r", ""))
    assert len(merged) == len(ref) == 39
    assert (merged["ci_method"] == method).all()
    assert (merged["df"] == merged["df_r"]).all()
    for ours, theirs in (("ci_lower", f"{prefix}_lower"), ("ci_upper", f"{prefix}_upper")):
        np.testing.assert_allclose(merged[ours], merged[theirs], rtol=0, atol=1e-8)
    np.testing.assert_allclose(merged["se"], merged["se_r"], rtol=1e-10)


def test_methods_differ_and_logit_is_the_default(designs):
    d, by_name = designs
    r = by_name["simple"]
    rows = {m: estimate_indicators(d, r, indicators=["ni21"], ci=m).iloc[0]
            for m in ("logit", "korn-graubard", "wilson")}
    default = estimate_indicators(d, r, indicators=["ni21"]).iloc[0]
    assert default.ci_lower == rows["logit"].ci_lower and default.ci_method == "logit"
    assert len({round(row.ci_lower, 12) for row in rows.values()}) == 3


def test_an_unknown_method_is_refused(designs):
    d, by_name = designs
    with pytest.raises(InputError, match="unknown interval method 'exact'"):
        estimate_indicators(d, by_name["simple"], indicators=["ni21"], ci="exact")


def test_auto_is_korn_graubard_on_small_bases_and_logit_elsewhere(designs):
    """The portal's ``auto``: each row takes R's beta interval below the low-base flag and the
    logit interval at or above it, and says which it used. (The fixture's bases are all over
    100, so the flag is put at their median.)"""
    d, by_name = designs
    r = by_name["simple"]
    bases = estimate_indicators(d, r, by="neighbourhood", indicators=["ni21"])["n"]
    rules = DisclosureRules(suppress=False, flag_below=int(bases.median()))
    kwargs = dict(by="neighbourhood", indicators=["ni21", "ni4"], disclosure=rules)
    auto = estimate_indicators(d, r, ci="auto", **kwargs)
    logit = estimate_indicators(d, r, ci="logit", **kwargs)
    kg = estimate_indicators(d, r, ci="korn-graubard", **kwargs)
    small = auto["n"] < rules.flag_below
    assert small.any() and (~small).any()  # the fixture has both kinds of base
    assert (auto.loc[small, "ci_method"] == "korn-graubard").all()
    assert (auto.loc[~small, "ci_method"] == "logit").all()
    for col in ("ci_lower", "ci_upper"):
        np.testing.assert_array_equal(auto.loc[small, col], kg.loc[small, col])
        np.testing.assert_array_equal(auto.loc[~small, col], logit.loc[~small, col])
    np.testing.assert_array_equal(auto["se"], logit["se"])


def test_auto_follows_the_low_base_threshold_it_is_given(designs):
    d, by_name = designs
    everything_small = DisclosureRules(suppress=False, flag_below=10**9)
    table = estimate_indicators(d, by_name["simple"], indicators=["ni21"], ci="auto",
                                disclosure=everything_small)
    assert (table["ci_method"] == "korn-graubard").all()


def test_auto_uses_korn_graubard_at_0_and_100_percent_whatever_the_base():
    from types import SimpleNamespace

    from analysis.estimates import auto_methods
    lin = SimpleNamespace(p=np.array([0.0, 0.4, 1.0, 0.4]), n=np.array([500, 500, 500, 99]))
    assert list(auto_methods(lin)) == ["korn-graubard", "logit", "korn-graubard", "korn-graubard"]
