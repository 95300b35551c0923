"""The readers of area covariates: IoD File 7 (2019 and 2025 headers), WIMD 2019, any table of
numbers by LSOA or neighbourhood; every bad input named with its line; the weighted means."""

from __future__ import annotations

import pytest

from portal.areas.covariate_files import (
    read_covariate_table,
    read_deprivation,
    snake_name,
    weighted_means,
)
from portal.areas.files import AreaFileError
from portal.models import CovariateFile, CovariateLevel
from tests.portal.areas.test_files import _stream

IOD_COLUMNS = ("{code},{name},Local Authority District code ({lad}),Local Authority District name ({lad}),"
               "Index of Multiple Deprivation (IMD) Score,"
               "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
               "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs),"
               "Income Score (rate),Income Rank (where 1 is most deprived),Crime Score")


def iod(year: int, rows: list[tuple[str, str, str]]) -> str:
    """A File 7 of IoD2019 (LSOA 2011 codes) or IoD2025 (2021 codes): (code, IMD, income) rows."""
    lsoa, lad = ("2011", "2019") if year == 2019 else ("2021", "2024")
    header = IOD_COLUMNS.format(code=f"LSOA code ({lsoa})", name=f"LSOA name ({lsoa})", lad=lad)
    lines = [f"{code},Kennet {n:03d}A,E06000054,Wiltshire,{imd},{n},1,{income},{n},0.5"
             for n, (code, imd, income) in enumerate(rows, 1)]
    return "\r\n".join([header, *lines]) + "\r\n"


ROWS = [("E01014370", "10.0", "0.1"), ("E01014371", "30", "0.3"), ("E01014372", "5", "0.05"),
        ("E01000001", "44.4", "0.4")]  # the last is another authority's


@pytest.mark.parametrize("year, heading", [(2019, "LSOA code (2011)"), (2025, "LSOA code (2021)")])
def test_iod_file_7_gives_the_imd_score_by_default(year, heading):
    table = read_deprivation(_stream(iod(year, ROWS)), "File_7.csv", CovariateFile.IOD)
    assert table.level is CovariateLevel.LSOA and table.code_heading == heading
    assert table.labels == {"imd_score": "Index of Multiple Deprivation (IMD) Score"}
    assert table.values["E01014370"] == {"imd_score": 10.0}
    assert len(table.values) == 4


def test_iod_another_score_column_by_heading_or_name():
    for column in ("Income Score (rate)", "income score (RATE)", "income_score_rate"):
        table = read_deprivation(_stream(iod(2025, ROWS)), "f7.csv", CovariateFile.IOD, column)
        assert table.labels == {"income_score_rate": "Income Score (rate)"}
        assert table.values["E01014371"] == {"income_score_rate": 0.3}
    with pytest.raises(AreaFileError, match=r"f7.csv, line 1: no column 'Rank'. Choose one of: "
                                            r"Index of Multiple Deprivation \(IMD\) Score; Income"):
        read_deprivation(_stream(iod(2025, ROWS)), "f7.csv", CovariateFile.IOD, "Rank")


def test_wimd_2019_scores():
    text = ("LSOA code,LSOA name (Eng),Local authority name (Eng),WIMD 2019,Income,Employment\r\n"
            "W01000001,Aberdaron,Gwynedd,12.5,10.1,9.9\r\nw01000002,Abersoch,Gwynedd,20,11,8\r\n")
    table = read_deprivation(_stream(text), "wimd.csv", CovariateFile.WIMD)
    assert table.labels == {"wimd_score": "WIMD 2019"}
    assert table.values == {"W01000001": {"wimd_score": 12.5}, "W01000002": {"wimd_score": 20.0}}
    income = read_deprivation(_stream(text), "wimd.csv", CovariateFile.WIMD, "Income")
    assert income.labels == {"income": "Income"}


def test_a_table_by_lsoa_loads_each_numeric_column():
    text = ("lsoa_code,LSOA21NM,LAD24CD,Median age,Households (2021)\r\n"
            "E01014370,Kennet 001A,E06000054,41.5,\"1,204\"\r\ne01014371,Kennet 001B,E06000054,39,800\r\n")
    table = read_covariate_table(_stream(text), "t.csv")
    assert table.level is CovariateLevel.LSOA
    assert table.labels == {"median_age": "Median age", "households_2021": "Households (2021)"}
    assert table.values["E01014370"] == {"median_age": 41.5, "households_2021": 1204.0}
    assert set(table.values) == {"E01014370", "E01014371"}
    one = read_covariate_table(_stream(text), "t.csv", "median_age")
    assert one.labels == {"median_age": "Median age"}


def test_a_table_by_neighbourhood():
    table = read_covariate_table(_stream("Neighbourhood,Footfall\r\nAbbey & St. Mary's,3\r\n"
                                         "vale-villages,4\r\n"), "n.csv")
    assert table.level is CovariateLevel.NEIGHBOURHOOD
    assert table.values == {"Abbey & St. Mary's": {"footfall": 3.0}, "vale-villages": {"footfall": 4.0}}


@pytest.mark.parametrize("text, message", [
    ("", "t.csv is empty."),
    ("code,score\r\nE01014370,1\r\n", "t.csv, line 1: no lsoa, lsoa_code, LSOA21CD or neighbourhood "
                                      "column (the columns are: code, score)."),
    ("lsoa,LSOA21NM\r\nE01014370,Kennet\r\n", "line 1: there is no column of numbers beside lsoa."),
    ("lsoa,score\r\nE01014370,high\r\nE01014371,2\r\nE01014372,\r\n",
     "t.csv, line 2: score: 'high' is not a number. t.csv, line 4: score: a value is missing."),
    ("lsoa,score\r\nE01014370,1\r\ne01014370,2\r\n", "line 3: E01014370 is listed twice (also on line 2)"),
    ("lsoa,score\r\nE0101437,1\r\n", "line 2: 'E0101437' is not an LSOA code"),
    ("lsoa,score\r\nE01014370,nan\r\n", "line 2: score: 'nan' is not a number"),
    ("lsoa,rural\r\nE01014370,1\r\n", "would replace the model's own covariate rural"),
    ("lsoa,Score,score!\r\nE01014370,1,2\r\n", "the columns 'Score' and 'score!' would both be named score"),
    ("lsoa,score\r\n", "t.csv lists no area."),
    ("neighbourhood,score\r\nAbbey,1\r\nABBEY,2\r\n", "line 3: ABBEY is listed twice (also on line 2)"),
])
def test_a_bad_table_names_every_problem(text, message):
    with pytest.raises(AreaFileError) as caught:
        read_covariate_table(_stream(text), "t.csv")
    assert message in str(caught.value)
    assert str(caught.value).startswith("Nothing was imported.")


def test_a_bad_deprivation_file():
    with pytest.raises(AreaFileError, match=r"no 'LSOA code \(2011\)' or 'LSOA code \(2021\)' column"):
        read_deprivation(_stream("lsoa,IMD\r\nE01014370,1\r\n"), "f.csv", CovariateFile.IOD)
    bad = iod(2019, [("E01014370", "ten", "0.1")])
    with pytest.raises(AreaFileError, match=r"f.csv, line 2: Index of Multiple Deprivation \(IMD\) "
                                            "Score: 'ten' is not a number"):
        read_deprivation(_stream(bad), "f.csv", CovariateFile.IOD)
    with pytest.raises(AreaFileError, match=r"no default score column\. Choose one of: Income"):
        read_deprivation(_stream("LSOA code,Income\r\nW01000001,1\r\n"), "f.csv", CovariateFile.WIMD)


def test_snake_names():
    assert snake_name("Income Score (rate)") == "income_score_rate"
    assert snake_name(" 2021 households ") == "x_2021_households"


def test_weighted_means_by_residents_16_plus():
    lookup = {"A": "abbey", "B": "abbey", "C": "vale", "D": "vale", "E": "west"}
    adults = {"A": 75, "B": 225, "C": 150, "D": 0}
    means = weighted_means({"A": 10.0, "B": 30.0, "C": 5.0, "D": 99.0, "E": 1.0, "Z": 7.0},
                           lookup, adults)
    # abbey: (75 x 10 + 225 x 30) / 300; vale: D has no residents; west: E has no population
    assert means == {"abbey": pytest.approx(25.0), "vale": pytest.approx(5.0)}
