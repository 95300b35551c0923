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
