"""The weights an export carries are the dashboard's, and their note says what raking achieved."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.report import RAKE_OPTIONS, weigh_wave
from analysis.wave_weights import MARGIN_HEADER, NOT_GIVEN_LABEL, export_weights, margin_table
from analysis.weighting import rake_weights


def test_weights_are_the_dashboards(responses, margins):
    exported = export_weights(responses, margins, "2008-09")
    assert exported.reason is None
    np.testing.assert_array_equal(exported.weights, weigh_wave(responses, margins).weights)
    np.testing.assert_array_equal(exported.weights,
                                  rake_weights(responses, margins, **RAKE_OPTIONS).weights)


def test_margin_table_counts_respondents_and_weighted_totals(responses, margins):
    exported = export_weights(responses, margins, "2008-09")
    table = exported.margins
    assert list(table.columns) == MARGIN_HEADER
    for variable in ("age_band", "sex", "neighbourhood"):
        rows = table[table["variable"] == variable]
        assert rows["respondents"].sum() == len(responses)
        assert abs(rows["weighted"].sum() - exported.weights.sum()) < 1e-6
    given = table[(table["variable"] == "sex") & (table["category"] != NOT_GIVEN_LABEL)]
    share = given["weighted"] / given["weighted"].sum()
    # raked: the shares among those who gave sex are the population's (R's epsilon of 1 person)
    np.testing.assert_allclose(share, given["population_share"], atol=1e-4)
    not_given = table[table["category"] == NOT_GIVEN_LABEL]
    assert not_given["population"].isna().all() and (not_given["respondents"] > 0).all()


def test_note_rows_report_the_diagnostics(responses, margins):
    exported = export_weights(responses, margins, "2008-09")
    rows = {r[0]: r[1] for r in exported.note_rows() if len(r) == 2}
    d = exported.result.diagnostics()
    assert rows["status"] == "weighted" and rows["iterations"] == d["iterations"]
    assert rows["design effect due to weighting"] == d["design_effect"]
    assert rows["effective base"] == d["effective_n"]
    assert rows["minimum weight"] == d["weight_min"] and rows["maximum weight"] == d["weight_max"]
    assert "WEIGHT BY weight" in exported.label()


def test_a_wave_that_cannot_be_weighted_has_no_weights_and_a_reason(responses, margins):
    few = responses[responses["age_band"] != "16_24"].reset_index(drop=True)
    exported = export_weights(few, margins, "2008-09")
    assert exported.weights is None and "no respondents in age_band=16_24" in exported.reason
    rows = {r[0]: r[1] for r in exported.note_rows() if len(r) == 2}
    assert rows["status"].startswith("not weighted") and rows["reason"] == exported.reason
    assert exported.margins["weighted"].isna().all()
    assert "could not be weighted" in exported.label()
    missing = export_weights(responses, None, "2008-09", reason="no population loaded")
    assert missing.weights is None and missing.reason == "no population loaded"


def test_margin_table_without_weights():
    responses = pd.DataFrame({"sex": ["male", "female", "prefer_not_to_say", ""]})
    margins = pd.DataFrame({"variable": ["sex", "sex"], "category": ["female", "male"],
                            "population": [60.0, 40.0]})
    table = margin_table(responses, margins, None)
    assert table["category"].tolist() == ["female", "male", NOT_GIVEN_LABEL]
    assert table["respondents"].tolist() == [1, 1, 2]
    np.testing.assert_array_equal(table["population"], [60.0, 40.0, np.nan])
    np.testing.assert_array_equal(table["population_share"], [0.6, 0.4, np.nan])
    assert table["weighted"].isna().all()
