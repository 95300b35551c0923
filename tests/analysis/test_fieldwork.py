"""The fieldwork monitor's figures against numbers worked by hand (no database)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis.fieldwork import (
    PLANNING_P,
    achieved_shares,
    days_so_far,
    design_effect_now,
    projected_half_widths,
)

MARGINS = pd.DataFrame({
    "variable": ["sex", "sex", "neighbourhood", "neighbourhood", "neighbourhood"],
    "category": ["male", "female", "abbey", "bathwick", "combe"],
    "population": [60, 40, 30, 50, 20],
})

# 10 responses: sex 3 male, 5 female, 1 blank, 1 prefer not to say; abbey 6, bathwick 4, combe 0.
RESPONSES = pd.DataFrame({
    "sex": ["male", "male", "male", "female", "female", "female", "female", "female", "",
            "prefer_not_to_say"],
    "neighbourhood": ["abbey"] * 6 + ["bathwick"] * 4,
    # abbey: base 4 (one positive), a dont_know and a blank left out; bathwick: base 3
    "police_council_dealing": ["strongly_agree", "tend_to_disagree", "strongly_disagree",
                               "tend_to_disagree", "dont_know", "", "tend_to_agree",
                               "strongly_disagree", "strongly_agree", "dont_know"],
})


def test_shares_among_those_who_gave_the_variable_furthest_below_first():
    male, female = achieved_shares(RESPONSES, MARGINS, "sex")
    # 8 gave their sex: 3/8 male against 60/100 in the population
    assert (male.category, male.responses, male.share, male.population_share) == ("male", 3, 0.375, 0.6)
    assert male.gap == pytest.approx(-0.225)
    assert (female.category, female.responses, female.share) == ("female", 5, 0.625)
    assert female.gap == pytest.approx(0.225)


def test_a_neighbourhood_with_no_responses_is_listed_first():
    rows = achieved_shares(RESPONSES, MARGINS, "neighbourhood")
    assert [(r.category, r.responses) for r in rows] == [("combe", 0), ("bathwick", 4), ("abbey", 6)]
    assert [r.gap for r in rows] == pytest.approx([-0.2, -0.1, 0.3])


def test_design_effect_is_kish_of_the_raked_weights():
    margins = MARGINS[MARGINS.variable == "sex"]
    given = RESPONSES[RESPONSES.sex.isin(["male", "female"])]
    now = design_effect_now(given, margins)
    # men weigh 60/3 = 20, women 40/5 = 8: 8 x (3 x 400 + 5 x 64) / 100^2 = 1.216
    assert now.reason is None and now.value == pytest.approx(1.216)


def test_design_effect_says_why_when_raking_cannot_be_done_yet():
    now = design_effect_now(RESPONSES, MARGINS)  # nobody from combe yet
    assert now.value is None and now.weights is None
    assert "no respondents in neighbourhood=combe" in (now.reason or "")
    assert design_effect_now(RESPONSES.iloc[:0], MARGINS).reason == "there are no responses yet"


def test_blank_sex_does_not_stop_the_design_effect():
    margins = MARGINS[MARGINS.variable == "sex"]
    assert design_effect_now(RESPONSES, margins).value is not None


def test_days_so_far_count_today_and_stop_at_the_dates():
    opens, closes = date(2026, 12, 1), date(2026, 12, 30)
    assert days_so_far(opens, closes, date(2026, 12, 10)) == (10, 30)
    assert days_so_far(opens, closes, date(2026, 11, 20)) == (0, 30)
    assert days_so_far(opens, closes, date(2027, 1, 5)) == (30, 30)


def test_projected_half_widths_by_hand():
    abbey, bathwick, combe = projected_half_widths(
        RESPONSES, ["abbey", "bathwick", "combe"], opens_on=date(2026, 12, 1),
        closes_on=date(2026, 12, 30), today=date(2026, 12, 10), design_effect=1.44, min_base=4)
    # abbey: base 4 in 10 days of 30 -> 12 at the close; p = 1/4
    assert (abbey.base_now, abbey.per_day, abbey.base_at_close) == (4, 0.4, 12)
    assert abbey.p == 0.25 and abbey.p_is_estimate
    # 1.96 x sqrt(1.44 x 0.25 x 0.75 / 12) = 1.96 x 1.2 x 0.125
    assert abbey.half_width == pytest.approx(0.294)
    # bathwick: base 3 < 4, so p = 0.5; 9 at the close: 1.96 x 1.2 x sqrt(0.25 / 9) = 0.392
    assert bathwick.p == PLANNING_P and not bathwick.p_is_estimate
    assert bathwick.base_at_close == 9 and bathwick.half_width == pytest.approx(0.392)
    # combe: nobody yet, so no projection
    assert (combe.base_now, combe.base_at_close, combe.half_width) == (0, 0, None)


def test_p_is_weighted_and_no_design_effect_counts_as_one():
    weights = np.ones(len(RESPONSES))
    weights[0] = 3.0  # abbey's one positive weighs 3: p = 3 / (3 + 1 + 1 + 1) = 0.5
    (abbey,) = projected_half_widths(
        RESPONSES, ["abbey"], opens_on=date(2026, 12, 1), closes_on=date(2026, 12, 30),
        today=date(2026, 12, 10), design_effect=None, weights=weights, min_base=4)
    assert abbey.p == 0.5
    # 1.96 x sqrt(0.25 / 12)
    assert abbey.half_width == pytest.approx(1.96 * 0.5 / np.sqrt(12))


def test_before_the_wave_opens_nothing_is_projected():
    (abbey,) = projected_half_widths(
        RESPONSES, ["abbey"], opens_on=date(2026, 12, 1), closes_on=date(2026, 12, 30),
        today=date(2026, 11, 30), design_effect=1.0)
    assert abbey.per_day == 0 and abbey.half_width is None


def test_responses_without_the_ni21_question_are_outside_its_base():
    (abbey,) = projected_half_widths(
        RESPONSES.drop(columns=["police_council_dealing"]), ["abbey"], opens_on=date(2026, 12, 1),
        closes_on=date(2026, 12, 30), today=date(2026, 12, 10), design_effect=1.0)
    assert abbey.base_now == 0 and abbey.half_width is None
