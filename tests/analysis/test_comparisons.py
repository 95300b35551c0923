"""Comparisons between waves and against the rest of the authority; multiple-comparison adjustment."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.catalogue import CATALOGUE
from analysis.codes import CodedFrame
from analysis.comparisons import adjust_pvalues, compare_to_rest, compare_waves, describe
from analysis.estimates import estimate_indicators, indicator_vectors
from analysis.weighting import rake_weights
from demo.responses import generate_responses, population_margins
from tests.analysis.conftest import brute_force_variance


def test_holm_and_bonferroni_match_r_p_adjust():
    p = [0.01, 0.04, 0.03, 0.005, 0.5]
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.5), "holm") -> 0.04 0.09 0.09 0.025 0.5
    np.testing.assert_allclose(adjust_pvalues(p, "holm"), [0.04, 0.09, 0.09, 0.025, 0.5])
    np.testing.assert_allclose(adjust_pvalues(p, "bonferroni"), [0.05, 0.2, 0.15, 0.025, 1.0])
    np.testing.assert_allclose(adjust_pvalues(p, "none"), p)
    with pytest.raises(ValueError, match="unknown adjustment"):
        adjust_pvalues(p, "sidak")


@pytest.fixture(scope="module")
def three_waves():
    margins = population_margins()
    tables = {}
    for wave in ("2008-09", "2009-10", "2010-11"):
        d = generate_responses(6000, seed=21, wave=wave)
        tables[wave] = estimate_indicators(d, rake_weights(d, margins), by="neighbourhood",
                                           indicators=["ni21", "ni41"])
    return tables


def test_ni21_rises_significantly_over_the_plan(three_waves):
    result = compare_waves(three_waves["2008-09"], three_waves["2010-11"],
                           before_label="2008-09", after_label="2010-11")
    whole = result[(result.indicator == "ni21") & result.group.isna()].iloc[0]
    assert whole.difference > 0.02 and whole.significant
    assert whole.verdict.startswith("up significantly since 2008-09")
    assert whole.se == pytest.approx(np.hypot(
        three_waves["2008-09"].iloc[0].se, three_waves["2010-11"].iloc[0].se))
    assert whole.ci_lower < whole.difference < whole.ci_upper
    assert result.test.iloc[0].startswith("two-sided z-test")


def test_compare_to_rest_uses_linearised_covariance(responses, margins):
    r = rake_weights(responses, margins)
    out = compare_to_rest(responses, r, "ni21")
    assert set(out.adjustment) == {"holm"}
    assert all("Holm-adjusted" in v for v in out.verdict)
    tw = out[out.group == {"neighbourhood": "twerton"}].iloc[0]
    # row level: difference of the twerton domain and its complement
    design = r.design
    steps = [(s.group[design.cell], s.factor[design.cell]) for s in design.steps]
    y, valid = indicator_vectors(CodedFrame(responses), CATALOGUE["ni21"])
    nb = responses["neighbourhood"].to_numpy() == "twerton"
    p1, _, z1 = brute_force_variance(r.weights, y.astype(float), valid & nb, steps)
    p2, _, z2 = brute_force_variance(r.weights, y.astype(float), valid & ~nb, steps)
    n = len(z1)
    dz = z1 - z2
    se = np.sqrt(n / (n - 1) * ((dz - dz.mean()) ** 2).sum())
    assert tw.difference == pytest.approx(p1 - p2)
    assert tw.se == pytest.approx(se, rel=1e-9)
    assert tw.p_adjusted >= tw.p_value


def test_describe_gives_the_analyst_sentence(three_waves, plan_catalogue):
    after = three_waves["2010-11"]
    change = compare_waves(three_waves["2009-10"], after, before_label="2009-10",
                           after_label="2010-11")
    row = after[after.group == {"neighbourhood": "twerton"}].iloc[0].to_dict()
    ch = change[(change.indicator == "ni21")
                & (change.group == {"neighbourhood": "twerton"})].iloc[0].to_dict()
    text = describe(row, name="Twerton", wave="2010-11", change=ch, catalogue=plan_catalogue)
    assert "Twerton" in text and "95% CI" in text and "32.5% target for 2010-11" in text
    assert "target" not in describe(row, name="Twerton", wave="2010-11", change=ch)


def test_summarise_three_demo_waves(plan_catalogue):
    from analysis.summary import summarise_waves
    from demo.responses import generate_waves

    waves = generate_waves(1500, seed=9)
    s = summarise_waves(waves, population_margins(), catalogue=plan_catalogue)
    assert list(s.waves) == ["2008-09", "2009-10", "2010-11"]
    first = s.waves["2008-09"]
    ni21 = first.indicators[(first.indicators.indicator == "ni21") & first.indicators.group.isna()]
    assert 0.18 < ni21.iloc[0].estimate < 0.33
    assert {"burglary", "any"} <= set(first.gap.crime)
    assert len(first.against_rest) == 12
    assert first.targets[0]["indicator"] == "ni21"
    assert set(s.changes) == {("2008-09", "2009-10"), ("2009-10", "2010-11")}
    small = first.indicators[first.indicators.group == {"neighbourhood": "whiteway"}]
    assert (small.flag.isin(["low_base", "suppressed"])).all()


@pytest.mark.parametrize("estimate, wave, status", [
    (0.26, "2008-09", "on track"),
    (0.27, "2009-10", "behind, within the interval"),
    (0.20, "2009-10", "off track"),
    (0.33, "2010-11", "met"),
])
def test_ni21_target_status(estimate, wave, status, plan_catalogue):
    from analysis.catalogue import target_status

    ni21 = plan_catalogue["ni21"]
    result = target_status(ni21, estimate, wave, estimate - 0.03, estimate + 0.03)
    assert result["status"] == status
    assert result["target"] == 0.325 and ni21.baseline == 0.255
    assert target_status(CATALOGUE["ni41"], 0.5, "2009-10") is None
    assert target_status(ni21, 0.3, "spring") is None
    assert target_status(CATALOGUE["ni21"], 0.3, "2009-10") is None  # no partnership's target
