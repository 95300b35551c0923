"""Stratified and clustered designs with fpc under raking: agreement with R survey
(svydesign(ids, strata, fpc, nest = TRUE) + rake + svymean / svyby / svyciprop logit / degf /
svycontrast) on the ``design`` fixture, every design of design_design.csv; and the refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.designs import sample_design
from analysis.errors import DesignError
from analysis.estimates import DisclosureRules, estimate_indicators
from analysis.gap import perception_gap
from analysis.weighting import rake_weights
from tests.analysis.conftest import REFERENCE, reference_case

DESIGNS = pd.read_csv(REFERENCE / "design_design.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def case():
    d, m, ref, gap, w, control = reference_case("design")
    return d, rake_weights(d, m, **control), ref, gap, w


def _design(case, name):
    d, r = case[0], case[1]
    spec = DESIGNS.set_index("design").loc[name]
    return sample_design(r, d, spec.strata or None, spec.cluster or None, spec.fpc or None,
                         spec.lonely_psu)


def test_weights_are_rs(case):
    np.testing.assert_allclose(case[1].weights, case[4], rtol=1e-10)


@pytest.mark.parametrize("name", list(DESIGNS["design"]))
def test_every_estimate_se_df_and_interval_match_r(case, name):
    d, _r, ref, _gap, _w = case
    table = estimate_indicators(d, _design(case, name), by=["neighbourhood", "age_band"],
                                indicators=sorted(set(ref["indicator"])),
                                disclosure=DisclosureRules(suppress=False))
    ours = table.assign(by=table["group"].map(lambda g: next(iter(g)) if g else ""),
                        grp=table["group"].map(lambda g: next(iter(g.values())) if g else ""))
    want = ref[ref["design"] == name].assign(grp=lambda x: x["group"].astype(str),
                                             by=lambda x: x["by"].astype(str))
    merged = want.merge(ours, on=["indicator", "by", "grp"], suffixes=("_r", ""))
    assert len(merged) == len(want) == 300
    assert (merged["df_r"] == merged["df"]).all()
    assert (merged["n_r"] == merged["n"]).all()
    for col in ("estimate", "se", "ci_lower", "ci_upper"):
        np.testing.assert_allclose(merged[col], merged[f"{col}_r"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(merged["se"], merged["se_r"], rtol=1e-10)


@pytest.mark.parametrize("name", list(DESIGNS["design"]))
def test_perception_gap_matches_svycontrast(case, name):
    d, _r, _ref, gap, _w = case
    ours = perception_gap(d, _design(case, name)).set_index("crime")
    want = gap[gap["design"] == name].set_index("crime")
    for col in ("difference", "difference_se", "ratio", "log_ratio_se", "ratio_ci_lower",
                "ratio_ci_upper"):
        np.testing.assert_allclose(ours.loc[want.index, col].astype(float), want[col],
                                   rtol=1e-10, atol=1e-12)


def test_the_design_changes_the_se_not_the_estimate(case):
    d, r = case[0], case[1]
    simple = estimate_indicators(d, r, indicators=["ni21"]).iloc[0]
    clustered = estimate_indicators(d, _design(case, "clustered"), indicators=["ni21"]).iloc[0]
    assert clustered.estimate == pytest.approx(simple.estimate, abs=1e-15)
    assert clustered.se != pytest.approx(simple.se, rel=1e-3)
    assert simple.df == simple.n - 1 and clustered.df < 100


@pytest.mark.parametrize("kwargs, message", [
    ({"strata": "district"}, "strata column 'district' is not a column"),
    ({"cluster": "block"}, "cluster column 'block' is not a column"),
    ({"strata": "stratum", "fpc": "nope"}, "fpc column 'nope' is not a column"),
    ({"strata": "stratum_lonely", "cluster": "cluster"},
     "stratum 'keynsham-oa01' has only one cluster (PSU)"),
    ({"strata": "stratum_lonely", "cluster": "cluster", "lonely_psu": "drop"},
     "unknown lonely-PSU rule 'drop'"),
    ({"strata": "sex", "fpc": "fpc_clusters"}, "varies within stratum"),
    ({"strata": "stratum", "fpc": "fpc_clusters"}, "more than 100% sampling"),
])
def test_bad_designs_are_refused(case, kwargs, message):
    d, r = case[0], case[1]
    with pytest.raises(DesignError) as err:
        sample_design(r, d, **kwargs)
    assert message in str(err.value)


def test_a_blank_stratum_is_refused(case):
    d, r = case[0].copy(), case[1]
    d["stratum"] = d["stratum"].astype(object)
    d.loc[3, "stratum"] = None
    with pytest.raises(DesignError, match="1 response has no strata"):
        sample_design(r, d, strata="stratum")


def test_fpc_mixing_sizes_and_fractions_is_refused(case):
    d, r = case[0].copy(), case[1]
    d["fpc_mixed"] = np.where(d["stratum"] == "bath", "0.5", "500")
    with pytest.raises(DesignError, match="mixes population sizes"):
        sample_design(r, d, strata="stratum", fpc="fpc_mixed")
