"""Pooled estimates: two waves stacked, raked per wave and stratified by wave, against R survey
(``reference/make_pooled.R``), and the refusals of waves that cannot be pooled."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import IndicatorError, InputError, MarginsError
from analysis.estimates import estimate_indicators
from analysis.margins import load_margins
from analysis.pooled import PooledWave, pooled_indicators, stack_waves, wave_totals
from analysis.responses import read_responses
from analysis.weighting import rake_weights
from tests.analysis.conftest import REFERENCE, TIGHT

WAVES = ("2009-10", "2010-11")


@pytest.fixture(scope="module")
def fixture():
    d = read_responses(REFERENCE / "design_responses.csv.gz")
    a = d.iloc[::2].reset_index(drop=True)
    b = d.iloc[1::2].reset_index(drop=True)
    own = {WAVES[0]: load_margins(REFERENCE / "design_margins.csv"),
           WAVES[1]: load_margins(REFERENCE / "pooled_margins_2010-11.csv")}
    period = load_margins(REFERENCE / "pooled_margins.csv")
    ref = pd.read_csv(REFERENCE / "pooled_reference.csv", keep_default_na=False)
    weights = pd.read_csv(REFERENCE / "pooled_weights.csv")
    return (a, b), own, period, ref, weights


def _waves(fixture, scheme):
    (a, b), own, _, _, _ = fixture
    if scheme == "own":
        return [PooledWave(WAVES[0], a, own[WAVES[0]]), PooledWave(WAVES[1], b, own[WAVES[1]])]
    return [PooledWave(WAVES[0], a), PooledWave(WAVES[1], b)]


@pytest.mark.parametrize("scheme", ["own", "period"])
def test_weights_are_rs(fixture, scheme):
    pooled = stack_waves(_waves(fixture, scheme), fixture[2], **TIGHT)
    np.testing.assert_allclose(pooled.weighting.weights, fixture[4][scheme], rtol=1e-8)


@pytest.mark.parametrize("scheme", ["own", "period"])
def test_estimates_ses_and_intervals_match_r(fixture, scheme):
    table, _ = pooled_indicators(_waves(fixture, scheme), fixture[2], by="neighbourhood",
                                 indicators=["ni21", "ni4"], **TIGHT)
    ref = fixture[3]
    ref = ref[ref["margins"] == scheme]
    assert len(ref) == 2 * 13
    for r in ref.itertuples():
        group = None if r.by == "" else {"neighbourhood": r.group}
        row = table[(table["indicator"] == r.indicator)
                    & (table["group"].map(lambda g, want=group: g == want))].iloc[0]
        assert row["n"] == int(r.n) and row["df"] == int(r.df), (r.indicator, r.group)
        for col in ("estimate", "se", "ci_lower", "ci_upper"):
            assert row[col] == pytest.approx(float(getattr(r, col)), rel=1e-8, abs=1e-12), \
                (r.indicator, r.group, col)
        assert row["waves"] == list(WAVES)


def test_each_wave_counts_by_its_share_of_the_period(fixture):
    pooled = stack_waves(_waves(fixture, "own"), fixture[2], **TIGHT)
    total = fixture[2].query("variable == 'sex'")["population"].sum()
    assert wave_totals(pooled) == pytest.approx({w: total / 2 for w in WAVES}, rel=1e-12)


def test_pooled_is_not_the_mean_of_the_waves(fixture):
    """The stacked design's SE is below either wave's (twice the sample), and the estimate
    weights each wave by its weighted base, not 50:50."""
    waves = _waves(fixture, "own")
    pooled, _ = pooled_indicators(waves, fixture[2], indicators=["ni21"], **TIGHT)
    singles = []
    for w in waves:
        weighting = rake_weights(w.responses, w.margins, base_weights="base_weight", **TIGHT)
        singles.append(estimate_indicators(w.responses, weighting, indicators=["ni21"]).iloc[0])
    assert pooled.iloc[0]["se"] < min(s["se"] for s in singles)
    mean = (singles[0]["estimate"] + singles[1]["estimate"]) / 2
    assert abs(pooled.iloc[0]["estimate"] - mean) > 1e-6


def test_refuses_one_wave_and_a_wave_twice(fixture):
    (a, _b), *_ = fixture
    with pytest.raises(InputError, match="two or more waves"):
        stack_waves([PooledWave("2009-10", a)], fixture[2])
    with pytest.raises(InputError, match="'2009-10' is given twice"):
        stack_waves([PooledWave("2009-10", a), PooledWave("2009-10", a)], fixture[2])


def test_refuses_waves_of_different_questionnaires(fixture):
    (a, b), *_ = fixture
    waves = [PooledWave("2009-10", a, questionnaire="residents-v1"),
             PooledWave("2010-11", b, questionnaire="residents-v2")]
    with pytest.raises(InputError, match="wave '2010-11' asked questionnaire 'residents-v2'"):
        pooled_indicators(waves, fixture[2], indicators=["ni21"])


def test_refuses_a_wave_whose_indicator_is_withheld(fixture):
    (a, b), *_ = fixture
    waves = [PooledWave("2009-10", a),
             PooledWave("2010-11", b, not_comparable=frozenset({"police_council_dealing"}))]
    with pytest.raises(IndicatorError, match="ni21 is withheld in wave '2010-11'"):
        pooled_indicators(waves, fixture[2], indicators=["ni21"])
    table, _ = pooled_indicators(waves, fixture[2], indicators=["ni4"])  # the others still pool
    assert list(table["indicator"]) == ["ni4"]


def test_refuses_waves_whose_questions_differ(fixture):
    (a, b), *_ = fixture
    waves = [PooledWave("2009-10", a),
             PooledWave("2010-11", b.drop(columns=["police_council_dealing"]))]
    with pytest.raises(IndicatorError, match="wave '2010-11' has no police_council_dealing"):
        pooled_indicators(waves, fixture[2])


def test_refuses_a_wave_margins_without_a_variable(fixture):
    (a, b), own, period, *_ = fixture
    no_sex = own[WAVES[1]].query("variable != 'sex'")
    with pytest.raises(MarginsError, match="margins of wave '2010-11' have no sex"):
        stack_waves([PooledWave(WAVES[0], a), PooledWave(WAVES[1], b, no_sex)], period)
