"""Fear against risk over plain frames: the YAML mapping, the ratio and the rows."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.fear_risk import fear_and_risk, fear_risk_rows, load_crime_mapping, worry_to_risk
from analysis.report import Figure


def test_the_shipped_mapping_is_the_issue_s():
    mapping = load_crime_mapping()
    assert {k: c.police_types for k, c in mapping.items()} == {
        "burglary": ("Burglary",), "car_crime": ("Vehicle crime",),
        "violent_crime": ("Violence and sexual offences", "Robbery")}


@pytest.mark.parametrize("text, message", [
    ("theft: {police_uk: [Shoplifting]}", "unknown survey crime 'theft'; choose from: burglary"),
    ("burglary: {label: Burglary}", "burglary needs police_uk, a list of police.uk crime types"),
    ("burglary: [", "cannot read the crime mapping"),
    ("", "expected survey crimes"),
])
def test_a_bad_mapping_is_named(tmp_path, text, message):
    path = tmp_path / "mapping.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_crime_mapping(path)
    assert message in str(caught.value)


def test_worry_to_risk():
    assert worry_to_risk(0.30, 6.0) == pytest.approx(50.0)  # 30% worried, 0.6% recorded
    assert worry_to_risk(None, 6.0) is None
    assert worry_to_risk(0.3, 0.0) is None


RECORDED = pd.DataFrame([("twerton", "burglary", 12, 2000, 6.0), ("authority", "burglary", 30, 10000, 3.0),
                         ("twerton", "car_crime", 0, 2000, 0.0)],
                        columns=["neighbourhood", "key", "count", "population", "rate_per_1000"])


def test_rows_of_an_area():
    figures = {"worry_burglary": Figure("w", 0.4, 0.3, 0.5, 80),
               "victim_burglary": Figure("v", 0.02, 0.01, 0.05, 80)}

    def survey(indicator, label):
        return figures.get(indicator, Figure(label, None, None, None, 12, "suppressed"))

    mapping = load_crime_mapping()
    rows = {r.crime: r for r in fear_risk_rows(survey, RECORDED, "twerton", mapping)}
    burglary = rows["burglary"]
    assert (burglary.recorded_count, burglary.rate_per_1000) == (12, 6.0)
    assert burglary.worry_to_risk == pytest.approx(0.4 / 0.006)
    assert burglary.recorded_share == pytest.approx(0.006)
    assert rows["car_crime"].worry_to_risk is None  # worry suppressed, nothing recorded
    assert rows["violent_crime"].recorded_count is None  # no recorded row at all
    authority = {r.crime: r for r in fear_risk_rows(survey, RECORDED, None, mapping)}
    assert authority["burglary"].rate_per_1000 == 3.0


def test_fear_and_risk_table():
    survey = pd.DataFrame({"neighbourhood": ["twerton", None], "crime": ["burglary", "burglary"],
                           "worried": [0.4, 0.3], "victim": [0.02, 0.03]})
    table = fear_and_risk(survey, RECORDED)
    assert list(table["worry_to_risk"]) == [pytest.approx(0.4 / 0.006), pytest.approx(100.0)]
    assert table["neighbourhood"].tolist() == ["twerton", None]
