"""Indicator estimates: agreement with R survey (svymean / svyby / svyciprop logit), definitions,
disclosure rules, and the cell algebra against a row-level port of svyrecvar."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.catalogue import CATALOGUE, with_settings
from analysis.codes import CodedFrame
from analysis.errors import AreaClassError, IndicatorError, InputError
from analysis.estimates import DisclosureRules, estimate_indicators, indicator_vectors
from analysis.weighting import rake_weights
from demo.responses import DEMO_AREA_CLASS
from tests.analysis.conftest import brute_force_variance


@pytest.fixture(scope="module")
def engine_tables(reference):
    name, (d, m, ref, _gap, _w, control) = reference
    r = rake_weights(d, m, **control)
    ids = sorted(set(ref["indicator"]))
    table = estimate_indicators(d, r, by=["neighbourhood", "age_band"], indicators=ids,
                                disclosure=DisclosureRules(suppress=False))
    return name, table, ref


def _key(group):
    if group is None:
        return ("", "")
    (k, v), = group.items()
    return (k, v)


def test_every_estimate_matches_r(engine_tables):
    name, table, ref = engine_tables
    ours = table.assign(by=table["group"].map(lambda g: _key(g)[0]),
                        grp=table["group"].map(lambda g: _key(g)[1]))
    ref = ref.assign(grp=ref["group"].astype(str), by=ref["by"].astype(str))
    merged = ref.merge(ours, on=["indicator", "by", "grp"], suffixes=("_r", ""))
    assert len(merged) == len(ref), "every R row has an engine row"
    assert (merged["n_r"] == merged["n"]).all()
    assert (merged["df_r"] == merged["df"]).all()
    np.testing.assert_allclose(merged["estimate"], merged["estimate_r"], atol=1e-9)
    np.testing.assert_allclose(merged["se"], merged["se_r"], rtol=1e-6)
    np.testing.assert_allclose(merged["ci_lower"], merged["ci_lower_r"], atol=1e-6)
    np.testing.assert_allclose(merged["ci_upper"], merged["ci_upper_r"], atol=1e-6)
    assert (merged["n"] < 100).any() or name != "biased", "a neighbourhood under 100"


def test_cell_algebra_equals_row_level_svyrecvar(responses, margins):
    # prefer-not-to-say and base weights: cases R cannot check
    rng = np.random.default_rng(1)
    base = rng.uniform(0.5, 2, len(responses))
    r = rake_weights(responses, margins, base_weights=base)
    design = r.design
    steps = [(s.group[design.cell], design.base * s.factor[design.cell]) for s in design.steps]
    coded = CodedFrame(responses)
    for ind_id in ("ni21", "ni17", "victim_any", "worry_car_crime"):
        y, valid = indicator_vectors(coded, CATALOGUE[ind_id])
        table = estimate_indicators(coded, r, by="neighbourhood", indicators=[ind_id],
                                    disclosure=DisclosureRules(suppress=False))
        p, var, _ = brute_force_variance(r.weights, y.astype(float), valid, steps)
        whole = table[table.group.isna()].iloc[0]
        assert whole.estimate == pytest.approx(p, abs=1e-12)
        assert whole.se == pytest.approx(np.sqrt(var), rel=1e-9)
        nb = responses["neighbourhood"].to_numpy() == "twerton"
        p, var, _ = brute_force_variance(r.weights, y.astype(float), valid & nb, steps)
        row = table[table.group == {"neighbourhood": "twerton"}].iloc[0]
        assert row.estimate == pytest.approx(p, abs=1e-12)
        assert row.se == pytest.approx(np.sqrt(var), rel=1e-9)


def test_output_columns_and_proportions(responses, margins):
    r = rake_weights(responses, margins)
    t = estimate_indicators(responses, r, by="neighbourhood")
    for col in ("indicator", "group", "estimate", "se", "ci_lower", "ci_upper", "n",
                "effective_n", "design_effect", "flag"):
        assert col in t.columns
    vals = t["estimate"].dropna().astype(float)
    assert ((vals >= 0) & (vals <= 1)).all()
    assert set(CATALOGUE) == set(t["indicator"])
    assert t.iloc[0]["group"] is None and t.iloc[0]["indicator"] == "ni21"


def test_disclosure_flags_and_suppresses(responses, margins):
    r = rake_weights(responses, margins)
    t = estimate_indicators(responses, r, by="neighbourhood", indicators=["ni21"])
    small = t[t["n"] < 30]
    low = t[(t["n"] >= 30) & (t["n"] < 100)]
    assert len(low) and (low["flag"] == "low_base").all()
    assert (low["note"] == "low base: treat with caution").all()
    assert low["estimate"].notna().all()
    t2 = estimate_indicators(responses, r, by="neighbourhood", indicators=["ni21"],
                             disclosure=DisclosureRules(suppress_below=90, flag_below=100))
    hidden = t2[t2["n"] < 90]
    assert len(hidden) and (hidden["flag"] == "suppressed").all()
    assert hidden["estimate"].isna().all() and hidden["se"].isna().all()
    assert (hidden["note"] == "fewer than 90 responses").all()
    assert small.empty or (small["flag"] == "suppressed").all()


def test_dont_know_in_base_setting(responses, margins):
    r = rake_weights(responses, margins)
    default = estimate_indicators(responses, r, indicators=["ni21"]).iloc[0]
    cat = with_settings(ni21={"dont_know_in_base": True})
    wider = estimate_indicators(responses, r, cat, indicators=["ni21"]).iloc[0]
    dk = (responses["police_council_dealing"] == "dont_know").sum()
    assert wider["n"] == default["n"] + dk
    assert wider["estimate"] < default["estimate"]


def _frame(**cols):
    n = len(next(iter(cols.values())))
    base = {"neighbourhood": ["twerton"] * n}
    base.update(cols)
    return CodedFrame(pd.DataFrame(base))


def test_ni17_scoring_and_blank_strands():
    strands = CATALOGUE["ni17"].questions
    rows = {
        # 3+3+3+2+0+0+0 = 11 -> positive
        "a": ["very_big_problem"] * 3 + ["fairly_big_problem"] + ["not_a_problem_at_all"] * 3,
        # 10 -> not positive (no_opinion scores 0)
        "b": ["very_big_problem"] * 3 + ["not_a_very_big_problem"] + ["no_opinion"] * 3,
        # a blank strand -> out of the base
        "c": ["very_big_problem"] * 6 + [None],
    }
    cols = {s: [rows[k][i] for k in "abc"] for i, s in enumerate(strands)}
    y, valid = indicator_vectors(_frame(**cols), CATALOGUE["ni17"])
    assert list(valid) == [True, True, False]
    assert list(y) == [True, False, False]


def test_routing_and_any():
    f = _frame(
        car_use=["yes", "no", "yes", None],
        victim_burglary=["no", "no", "no", "yes"],
        victim_car_crime=["yes", None, None, None],
        victim_violent_crime=["no", "yes", "no", "no"],
    )
    y, valid = indicator_vectors(f, CATALOGUE["victim_car_crime"])
    assert list(valid) == [True, False, False, False]
    cat = dict(CATALOGUE)
    y, valid = indicator_vectors(f, cat["victim_any"], cat)
    # row 3 was asked about car crime and left it blank -> out; row 4: not asked (car_use blank)
    assert list(valid) == [True, True, False, True]
    assert list(y) == [True, True, False, True]


def test_unknown_indicator_and_missing_question(responses, margins):
    r = rake_weights(responses, margins)
    with pytest.raises(IndicatorError, match="unknown indicator 'ni99'"):
        estimate_indicators(responses, r, indicators=["ni99"])
    with pytest.raises(IndicatorError, match="police_council_dealing"):
        estimate_indicators(responses.drop(columns=["police_council_dealing"]), r,
                            indicators=["ni21"])
    with pytest.raises(InputError, match="no such column"):
        estimate_indicators(responses, r, by="postcode", indicators=["ni21"])


def test_plain_weights_without_raking(responses):
    w = np.ones(len(responses))
    t = estimate_indicators(responses, w, indicators=["ni21"]).iloc[0]
    x = responses["police_council_dealing"]
    base = x.notna() & (x != "dont_know")
    p = x[base].isin(["strongly_agree", "tend_to_agree"]).mean()
    assert t["estimate"] == pytest.approx(p)
    # R: domain of the whole sample, N/(N-1) with N all responses (svyrecvar pads with zeros)
    big_n = len(responses)
    assert t["se"] == pytest.approx(np.sqrt(big_n / (big_n - 1) * p * (1 - p) / base.sum()),
                                    rel=1e-9)


def test_area_class_breakdown(responses, margins):
    r = rake_weights(responses, margins)
    t = estimate_indicators(responses, r, by="area_class", indicators=["ni21"],
                            area_class=DEMO_AREA_CLASS)
    groups = [g for g in t["group"] if g]
    assert groups == [{"area_class": "rural"}, {"area_class": "urban"}]


def test_area_class_from_a_column(responses, margins):
    r = rake_weights(responses, margins)
    with_column = responses.assign(area_class=responses["neighbourhood"].map(DEMO_AREA_CLASS))
    by_column = estimate_indicators(with_column, r, by="area_class", indicators=["ni21"])
    by_map = estimate_indicators(responses, r, by="area_class", indicators=["ni21"],
                                 area_class=DEMO_AREA_CLASS)
    pd.testing.assert_frame_equal(by_column, by_map)


@pytest.mark.parametrize("area_class, message", [
    (None, "no area_class column"),
    ({}, "no area_class column"),
    ({"elsewhere": "urban"}, "none of the neighbourhoods in the responses"),
])
def test_area_class_without_classes_is_refused(responses, margins, area_class, message):
    """No demo map in the engine: another authority's file gets an error, not blank rows."""
    r = rake_weights(responses, margins)
    with pytest.raises(AreaClassError, match=message):
        estimate_indicators(responses, r, by="area_class", indicators=["ni21"],
                            area_class=area_class)


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_a_share_of_0_or_100_gets_an_interval_not_a_certainty(responses, margins, share):
    """At 0% or 100% the logit interval collapses ("0.0% to 0.0%"); the engine gives Korn and
    Graubard's Clopper-Pearson interval on the effective base, df-adjusted, instead."""
    from scipy import stats

    from analysis.estimates import weighted_proportion

    weighting = rake_weights(responses, margins, epsilon=1e-9, maxit=100)
    valid = np.ones(len(responses), dtype=bool)
    y = np.full(len(responses), share == 1.0)
    domain = (responses["neighbourhood"] == responses["neighbourhood"].iloc[0]).to_numpy()
    r = weighted_proportion(y, valid, weighting, domain=domain)
    assert r["estimate"] == share
    size = r["effective_n"] * (stats.norm.ppf(0.975) / stats.t.ppf(0.975, r["n"] - 1)) ** 2
    if share == 0.0:
        assert r["ci_lower"] == 0.0
        assert r["ci_upper"] == pytest.approx(stats.beta.ppf(0.975, 1, size))
        assert 0.005 < r["ci_upper"] < 0.2
    else:
        assert r["ci_upper"] == 1.0
        assert r["ci_lower"] == pytest.approx(stats.beta.ppf(0.025, size, 1))
        assert 0.8 < r["ci_lower"] < 0.995
