"""Recorded crime rates and NI 16 over plain frames (no database)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.recorded_crime import (
    AUTHORITY,
    RATE_COLUMNS,
    crime_rates,
    month_span,
    ni16_by_financial_year,
    type_rates,
)

COUNTS = pd.DataFrame([
    ("2010-03", "twerton", "Burglary", 9),  # before the period
    ("2010-04", "twerton", "Burglary", 4),
    ("2010-05", "twerton", "Burglary", 2),
    ("2010-05", "twerton", "Robbery", 1),
    ("2010-06", "keynsham", "Vehicle crime", 5),
], columns=["month", "neighbourhood", "crime_type", "count"])
POPULATION = pd.DataFrame({"neighbourhood": ["keynsham", "twerton"], "population": [10000, 2000],
                           "households": [4000, 1000]})


def _row(table, place, kind):
    return table[(table.neighbourhood == place) & (table.crime_type == kind)].iloc[0]


def test_rates_per_1000_with_zeros_and_the_authority_total():
    table = crime_rates(COUNTS, POPULATION, "2010-04", "2011-03")
    assert list(table.columns) == RATE_COLUMNS
    assert len(table) == 9  # 3 places (2 + authority) x 3 types, zeros included
    burglary = _row(table, "twerton", "Burglary")
    assert (burglary["count"], burglary["population"]) == (6, 2000)
    assert burglary["rate_per_1000"] == pytest.approx(3.0)
    assert burglary["rate_per_1000_households"] == pytest.approx(6.0)
    assert _row(table, "keynsham", "Burglary")["count"] == 0
    total = _row(table, AUTHORITY, "Burglary")
    assert (total["count"], total["population"]) == (6, 12000)
    assert total["rate_per_1000"] == pytest.approx(0.5)
    assert total["rate_per_1000_households"] == pytest.approx(6 / 5)
    assert pd.isna(_row(table, "twerton", "Robbery")["rate_per_1000_households"])


def test_rates_without_households_leave_them_empty():
    table = crime_rates(COUNTS, POPULATION.drop(columns="households"), "2010-04", "2010-06")
    assert table["rate_per_1000_households"].isna().all()


@pytest.mark.parametrize("start, end, message", [
    ("2010/04", "2011-03", "--from '2010/04' is not a month written YYYY-MM"),
    ("2011-04", "2011-03", "the period starts (2011-04) after it ends (2011-03)"),
])
def test_bad_periods(start, end, message):
    with pytest.raises(InputError) as caught:
        crime_rates(COUNTS, POPULATION, start, end)
    assert message in str(caught.value)


def test_type_groups_sum_their_types():
    table = type_rates(COUNTS, POPULATION, "2010-04", "2011-03",
                       {"violent": ("Robbery", "Violence and sexual offences")})
    row = table[table.neighbourhood == "twerton"].iloc[0]
    assert (row["count"], row["rate_per_1000"]) == (1, pytest.approx(0.5))


def test_ni16_needs_a_whole_financial_year():
    months = month_span("2010-04", "2011-03")
    full = pd.DataFrame([(m, "twerton", "Burglary", 1) for m in months]
                        + [("2010-04", "keynsham", "Shoplifting", 50)],
                        columns=["month", "neighbourhood", "crime_type", "count"])
    table = ni16_by_financial_year(pd.concat([COUNTS, full]), POPULATION)
    by_year = table.set_index("label")
    assert pd.isna(by_year.loc["2009/10", "rate_per_1000"])  # only March 2010 loaded
    assert by_year.loc["2010/11", "count"] == 4 + 2 + 1 + 5 + 12  # shoplifting not counted
    assert by_year.loc["2010/11", "rate_per_1000"] == pytest.approx(24 / 12000 * 1000)


def test_month_span_crosses_the_year():
    assert month_span("2010-11", "2011-02") == ["2010-11", "2010-12", "2011-01", "2011-02"]
