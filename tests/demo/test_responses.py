"""The response generator (demo/responses.py) has the properties the analysis and the demo rely on."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.estimates import estimate_indicators
from analysis.weighting import rake_weights
from demo.responses import (
    NEIGHBOURHOODS,
    generate_responses,
    generate_waves,
    population_margins,
)


@pytest.fixture(scope="module")
def big():
    return generate_responses(40_000, seed=5, wave="2008-09", categorical=True)


def test_population_and_margins():
    assert len(NEIGHBOURHOODS) == 12
    m = population_margins()
    totals = m.groupby("variable")["population"].sum()
    assert set(totals.index) == {"age_band", "sex", "neighbourhood", "ethnicity"}
    assert totals.nunique() == 1 and 140_000 < totals.iloc[0] < 150_000
    eth = m[m.variable == "ethnicity"].set_index("category")["population"]
    assert 0.88 < eth["white_british"] / eth.sum() < 0.93


def test_deterministic_and_unique_ids():
    a = generate_responses(500, seed=3, wave="2009-10")
    b = generate_responses(500, seed=3, wave="2009-10")
    assert a.equals(b)
    assert a["response_id"].is_unique
    assert a["submitted_at"].str.startswith(("2009", "2010")).all()
    assert set(a["mode"]) <= {"online", "paper", "phone"}


def test_routing_and_item_nonresponse(big):
    no_car = big["car_use"] != "yes"
    assert big.loc[no_car, ["worry_car_crime", "victim_car_crime"]].isna().all().all()
    assert 0.01 < big["police_council_dealing"].isna().mean() < 0.05
    assert 0.01 < (big["age_band"] == "prefer_not_to_say").mean() < 0.03


def test_weighted_ni21_near_plan_and_differs_from_unweighted(big):
    r = rake_weights(big, population_margins())
    weighted = estimate_indicators(big, r, indicators=["ni21"]).iloc[0]
    flat = estimate_indicators(big, np.ones(len(big)), indicators=["ni21"]).iloc[0]
    assert weighted.estimate == pytest.approx(0.255, abs=0.012)
    assert flat.estimate - weighted.estimate > 0.02
    by = estimate_indicators(big, r, by="neighbourhood", indicators=["ni21", "ni41"])
    est = {(row.indicator, row.group["neighbourhood"]): row.estimate
           for row in by.itertuples() if row.group}
    assert est[("ni21", "twerton")] < weighted.estimate < est[("ni21", "chew-valley")]
    assert 0.51 <= est[("ni41", "bath-city-centre")] <= 0.71


def test_ni21_drifts_up_and_small_neighbourhood():
    waves = generate_waves(1500, seed=2)
    assert set(waves["wave"]) == {"2008-09", "2009-10", "2010-11"}
    margins = population_margins()
    est = {}
    for wave, d in waves.groupby("wave"):
        d = d.reset_index(drop=True)
        est[wave] = estimate_indicators(d, rake_weights(d, margins),
                                        indicators=["ni21"]).iloc[0].estimate
        assert (d["neighbourhood"] == "whiteway").sum() < 100
    assert est["2008-09"] < est["2010-11"]
