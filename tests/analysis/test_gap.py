"""Perception gap: worried vs victimised, difference and ratio with delta-method intervals."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.catalogue import CATALOGUE
from analysis.codes import CodedFrame
from analysis.estimates import estimate_indicators, indicator_vectors
from analysis.gap import perception_gap
from analysis.weighting import rake_weights
from tests.analysis.conftest import brute_force_variance


def test_gap_matches_r_svycontrast(reference):
    _name, (d, m, _ref, gap_ref, _w, control) = reference
    r = rake_weights(d, m, **control)
    gap = perception_gap(d, r).set_index("crime")
    for row in gap_ref.itertuples():
        ours = gap.loc[row.crime]
        assert ours.worried == pytest.approx(row.worried, abs=1e-9)
        assert ours.victim == pytest.approx(row.victim, abs=1e-9)
        assert ours.difference == pytest.approx(row.difference, abs=1e-9)
        assert ours.difference_se == pytest.approx(row.difference_se, rel=1e-6)
        assert ours.ratio == pytest.approx(row.ratio, rel=1e-9)
        assert ours.log_ratio_se == pytest.approx(row.log_ratio_se, rel=1e-6)
        assert ours.ratio_ci_lower == pytest.approx(row.ratio_ci_lower, rel=1e-6)
        assert ours.ratio_ci_upper == pytest.approx(row.ratio_ci_upper, rel=1e-6)


def test_gap_by_group_uses_the_same_estimates(responses, margins):
    r = rake_weights(responses, margins)
    gap = perception_gap(responses, r, by="neighbourhood")
    table = estimate_indicators(responses, r, by="neighbourhood",
                                indicators=["worry_burglary", "victim_burglary"])
    assert gap.iloc[0]["group"] is None
    row = gap[(gap.crime == "burglary") & (gap.group == {"neighbourhood": "twerton"})].iloc[0]
    w = table[(table.indicator == "worry_burglary")
              & (table.group == {"neighbourhood": "twerton"})].iloc[0]
    assert row.worried == pytest.approx(w.estimate)
    assert row.worried_se == pytest.approx(w.se)


def test_gap_covariance_against_row_level(responses, margins):
    r = rake_weights(responses, margins)
    design = r.design
    steps = [(s.group[design.cell], s.factor[design.cell]) for s in design.steps]
    coded = CodedFrame(responses)
    yw, vw = indicator_vectors(coded, CATALOGUE["worry_any"], CATALOGUE)
    yv, vv = indicator_vectors(coded, CATALOGUE["victim_any"], CATALOGUE)
    pw, var_w, zw = brute_force_variance(r.weights, yw.astype(float), vw, steps)
    pv, var_v, zv = brute_force_variance(r.weights, yv.astype(float), vv, steps)
    n = len(zw)
    cov = n / (n - 1) * ((zw - zw.mean()) * (zv - zv.mean())).sum()
    se_log = np.sqrt(var_w / pw**2 + var_v / pv**2 - 2 * cov / (pw * pv))
    row = perception_gap(responses, r).set_index("crime").loc["any"]
    assert row.ratio == pytest.approx(pw / pv)
    assert row.log_ratio_se == pytest.approx(se_log, rel=1e-9)


def test_seed_figures_roughly_reproduced():
    from demo.responses import generate_responses, population_margins
    d = generate_responses(20_000, seed=8, categorical=True)
    r = rake_weights(d, population_margins())
    gap = perception_gap(d, r).set_index("crime")
    assert 0.29 < gap.loc["any", "worried"] < 0.37
    assert 0.13 < gap.loc["any", "victim"] < 0.19
    assert 4.5 < gap.loc["burglary", "ratio"] < 8
    assert gap.loc["burglary", "ratio_ci_lower"] < gap.loc["burglary", "ratio"]
