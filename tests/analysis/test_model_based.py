"""Model-based neighbourhood figures from a wave's direct estimates: every neighbourhood gets one,
suppressed ones from their covariates alone, benchmarked exactly to the authority."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis.model_based import FEWEST_AREAS, model_based, needs_model
from analysis.report import Place, WaveInput, analyse_waves
from demo.responses import NEIGHBOURHOOD_LIST, generate_responses, population_margins

PLACES = [Place(n.slug, n.name, n.area_class) for n in NEIGHBOURHOOD_LIST]
COVARIATES = pd.DataFrame({"area": [n.slug for n in NEIGHBOURHOOD_LIST],
                           "deprivation": [n.deprivation for n in NEIGHBOURHOOD_LIST],
                           "rural": [float(n.area_class == "rural") for n in NEIGHBOURHOOD_LIST]})
POPULATIONS = {n.slug: float(n.adults) for n in NEIGHBOURHOOD_LIST}


@pytest.fixture(scope="module")
def current():
    frame = generate_responses(1200, seed=5, wave="2009-10")
    whiteway = frame.index[frame.neighbourhood == "whiteway"]
    frame = frame.drop(whiteway[12:]).reset_index(drop=True)  # suppressed: under 30
    wave = WaveInput("2009-10", "Voicebox 2009-10", date(2009, 4, 1), date(2010, 3, 31), frame)
    return analyse_waves([wave], population_margins(ethnicity=False), PLACES).current


def _rows(current):
    return {n.slug: current.row("ni21", n.slug) for n in NEIGHBOURHOOD_LIST}


def test_every_neighbourhood_gets_a_benchmarked_figure(current):
    authority = current.row("ni21", None)["estimate"]
    model = model_based(_rows(current), authority, COVARIATES, POPULATIONS, "ni21", 100)
    assert model is not None and set(model.figures) == set(POPULATIONS)
    total = sum(POPULATIONS[a] * f.estimate for a, f in model.figures.items())
    assert total / sum(POPULATIONS.values()) == pytest.approx(authority, abs=1e-12)
    for figure in model.figures.values():
        assert 0 <= figure.ci_lower <= figure.estimate <= figure.ci_upper <= 1
        assert figure.rmse > 0
    whiteway = model.figures["whiteway"]
    assert whiteway.kind == "out_of_sample" and whiteway.needed  # from its covariates only
    assert model.covariates == ("deprivation", "rural")
    api = model.api("twerton")
    assert set(api) == {"estimate", "ci_lower", "ci_upper", "rmse", "method", "covariates"}
    assert model.api("nowhere") is None


def test_the_model_is_more_certain_than_the_direct_figure_where_the_base_is_small(current):
    """Against the direct figure's standard error as the model takes it (smoothed: a small area's
    own is as noisy as its estimate), benchmarking included."""
    rows = _rows(current)
    model = model_based(rows, current.row("ni21", None)["estimate"], COVARIATES, POPULATIONS,
                        "ni21", 100)
    used = {a.area: a.variance_used for a in model.fit.areas if a.variance_used is not None}
    small = [a for a, r in rows.items() if r and r["estimate"] == r["estimate"]  # not NaN
             and r["estimate"] is not None and r["n"] < 100]
    assert len(small) >= 3
    for area in small:
        assert model.figures[area].rmse < used[area] ** 0.5, area
        assert model.figures[area].needed


def test_direct_figures_that_need_a_model():
    assert needs_model(None, None, 12, 100)  # suppressed
    assert needs_model(0.3, 0.02, 80, 100)  # a low base
    assert needs_model(0.1, 0.03, 400, 100)  # CV 30%
    assert not needs_model(0.3, 0.03, 400, 100)


def test_too_few_published_figures_fit_no_model(current):
    rows = dict(list(_rows(current).items())[:FEWEST_AREAS - 1])
    assert model_based(rows, 0.3, COVARIATES, POPULATIONS, "ni21", 100) is None
    assert model_based(_rows(current), None, COVARIATES, POPULATIONS, "ni21", 100) is None
    collinear = COVARIATES.assign(twice=COVARIATES["deprivation"] * 2)
    assert model_based(_rows(current), 0.3, collinear, POPULATIONS, "ni21", 100) is None


def test_covariates_are_dropped_to_leave_areas_to_spare(current):
    """With few published figures the fit keeps three areas beyond its coefficients."""
    rows = {a: r for a, r in _rows(current).items()
            if a in ("midsomer-norton", "bathavon", "chew-valley", "keynsham", "larkhall")}
    model = model_based(rows, 0.3, COVARIATES, POPULATIONS, "ni21", 100)
    assert model is not None and model.covariates == ("deprivation",)
    assert set(model.figures) == set(POPULATIONS)  # the others out of sample
