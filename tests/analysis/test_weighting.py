"""Rim weighting: agreement with R rake(), diagnostics, the missing-variable rule, trimming, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import ConvergenceError, MarginsError, WeightingError
from analysis.margins import load_margins, validate_margins
from analysis.weighting import rake_weights
from tests.analysis.conftest import TIGHT


def test_weights_agree_with_r_rake(reference):
    _name, (d, m, _ref, _gap, r_weights, control) = reference
    result = rake_weights(d, m, **control)
    assert result.converged
    np.testing.assert_allclose(result.weights, r_weights, rtol=1e-9)


def test_diagnostics_are_kish(complete_responses, margins):
    r = rake_weights(complete_responses, margins)
    w = r.weights
    assert r.design_effect == pytest.approx(len(w) * (w**2).sum() / w.sum() ** 2)
    assert r.effective_n == pytest.approx(w.sum() ** 2 / (w**2).sum())
    assert r.design_effect == pytest.approx(1 + (w.std() / w.mean()) ** 2)
    d = r.diagnostics()
    for key in ("n", "effective_n", "design_effect", "weight_min", "weight_max", "iterations"):
        assert key in d
    assert d["weight_min"] == w.min() and d["weight_max"] == w.max()


def test_margins_are_met(complete_responses, margins):
    r = rake_weights(complete_responses, margins, **TIGHT)
    for var, g in margins.groupby("variable"):
        got = pd.Series(r.weights).groupby(complete_responses[var].astype(str).to_numpy()).sum()
        want = g.set_index("category")["population"]
        np.testing.assert_allclose(got[want.index], want, rtol=1e-8)


def test_prefer_not_to_say_gets_mean_adjustment(responses, margins):
    r = rake_weights(responses, margins, **TIGHT)
    assert r.missing["age_band"] > 0 and r.missing["sex"] > 0
    assert any("mean weight adjustment" in note for note in r.notes)
    # said in words, for the reports' method note: never "respondent(s)" or a column name
    assert any(f"{r.missing['age_band']:,} respondents did not give their age band" in note
               for note in r.notes)
    assert not any("(s)" in note or "age_band" in note for note in r.notes)
    total = margins.groupby("variable")["population"].sum().iloc[0]
    assert r.weights.sum() == pytest.approx(total, rel=1e-8)
    for var in ("age_band", "sex"):
        known = responses[var].to_numpy() != "prefer_not_to_say"
        shares = pd.Series(r.weights[known]).groupby(
            responses[var].to_numpy()[known]).sum() / r.weights[known].sum()
        pop = margins[margins.variable == var].set_index("category")["population"]
        np.testing.assert_allclose(shares[pop.index], pop / pop.sum(), rtol=1e-7)
    # neighbourhood is given by everyone, so it holds exactly
    got = pd.Series(r.weights).groupby(responses["neighbourhood"].to_numpy()).sum()
    pop = margins[margins.variable == "neighbourhood"].set_index("category")["population"]
    np.testing.assert_allclose(got[pop.index], pop, rtol=1e-8)


def test_trimming_caps_and_reraking_keeps_margins(complete_responses, margins):
    plain = rake_weights(complete_responses, margins)
    cap = 0.8 * plain.weight_max / plain.weights.mean()
    r = rake_weights(complete_responses, margins, trim=cap, **TIGHT)
    assert r.trim_cap == pytest.approx(cap * plain.weights.mean())
    assert r.weight_max <= r.trim_cap * (1 + 1e-6)
    assert any("capped" in note for note in r.notes)
    got = pd.Series(r.weights).groupby(complete_responses["sex"].to_numpy()).sum()
    pop = margins[margins.variable == "sex"].set_index("category")["population"]
    np.testing.assert_allclose(got[pop.index], pop, rtol=1e-8)


def test_defaults_are_r_rake_defaults(complete_responses, margins):
    r = rake_weights(complete_responses, margins)
    assert (r.epsilon, r.maxit) == (1.0, 10)
    assert r.variables == ("age_band", "sex", "neighbourhood")
    reordered = margins.iloc[::-1].reset_index(drop=True)
    assert rake_weights(complete_responses, reordered).variables == r.variables


def test_epsilon_one_is_r_default_semantics(complete_responses, margins):
    loose = rake_weights(complete_responses, margins, epsilon=1, maxit=10)
    tight = rake_weights(complete_responses, margins, **TIGHT)
    assert loose.iterations <= tight.iterations
    np.testing.assert_allclose(loose.weights, tight.weights, rtol=1e-3)


def test_empty_category_is_named_with_a_suggestion(complete_responses, margins):
    d = complete_responses[complete_responses["age_band"] != "16_24"]
    with pytest.raises(WeightingError, match=r"no respondents in age_band=16_24.*collapse"):
        rake_weights(d, margins)


def test_totals_that_disagree(complete_responses, margins):
    m = margins.astype({"population": float})
    m.loc[m["variable"] == "sex", "population"] *= 1.1
    with pytest.raises(MarginsError, match="totals disagree"):
        rake_weights(complete_responses, m)


@pytest.mark.parametrize("blank", ["", "  ", np.nan])
def test_blank_weighting_answer_is_not_given(responses, margins, blank):
    """A blank age band ("" as the wide format writes it, or NaN) follows the missing rule, exactly
    as prefer_not_to_say does, instead of refusing the whole wave as an unknown category."""
    said = responses.assign(age_band=responses["age_band"].replace("prefer_not_to_say", blank))
    blank_result = rake_weights(said, margins, **TIGHT)
    refused_result = rake_weights(responses, margins, **TIGHT)
    assert blank_result.missing == refused_result.missing
    np.testing.assert_allclose(blank_result.weights, refused_result.weights, rtol=1e-12)


def test_category_missing_from_margins(complete_responses, margins):
    m = margins[~((margins.variable == "neighbourhood") & (margins.category == "twerton"))]
    with pytest.raises(MarginsError, match="'twerton' in the responses has no population margin"):
        rake_weights(complete_responses, m.assign(population=m.population))


def test_category_missing_from_margins_even_if_totals_fixed(complete_responses, margins):
    m = margins.copy()
    m.loc[m.category == "female", "category"] = "woman"
    with pytest.raises(MarginsError, match="'female'"):
        rake_weights(complete_responses, m)


def test_no_convergence(complete_responses, margins):
    with pytest.raises(ConvergenceError, match="did not converge within 2 iterations"):
        rake_weights(complete_responses, margins, maxit=2)


def test_missing_weighting_column(complete_responses, margins):
    with pytest.raises(MarginsError, match="not a column"):
        rake_weights(complete_responses.drop(columns=["sex"]), margins)


def test_margins_csv_errors(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("variable,category,count\nsex,male,1\n")
    with pytest.raises(MarginsError, match="population"):
        load_margins(p)
    p.write_text("variable,category,population\nsex,male,abc\n")
    with pytest.raises(MarginsError, match="not a number"):
        load_margins(p)
    with pytest.raises(MarginsError, match="not found"):
        load_margins(tmp_path / "nope.csv")
    with pytest.raises(MarginsError, match="more than once"):
        validate_margins(pd.DataFrame({"variable": ["sex", "sex"], "category": ["male", "male"],
                                       "population": [1, 2]}))


def test_population_zero_with_respondents(complete_responses, margins):
    m = margins.copy()
    m.loc[m.category == "whiteway", "population"] = 0
    m.loc[m.category == "bathavon", "population"] += margins.loc[
        margins.category == "whiteway", "population"].to_numpy()
    with pytest.raises(MarginsError, match="population of 0"):
        rake_weights(complete_responses, m)


def test_base_weights_must_be_positive(complete_responses, margins):
    with pytest.raises(WeightingError, match="base weights"):
        rake_weights(complete_responses, margins, base_weights=np.zeros(len(complete_responses)))


def test_many_rows_rake():
    from demo.responses import generate_responses, population_margins
    d = generate_responses(100_000, seed=3, categorical=True)
    r = rake_weights(d, population_margins())
    assert r.converged and r.n == 100_000


def test_margins_from_stored_cells(margins):
    from analysis.margins import margins_from_cells
    from demo.responses import population_cells

    built = margins_from_cells(population_cells())
    np.testing.assert_allclose(built["population"], margins["population"])
    with pytest.raises(MarginsError, match="lack the column"):
        margins_from_cells(population_cells().drop(columns=["sex"]))


def test_infeasible_trimming_cap_is_explained(complete_responses, margins):
    with pytest.raises(ConvergenceError, match=r"cannot be met together with the margins"):
        rake_weights(complete_responses, margins, trim=1.2)
