"""`flask --app portal crime import | rates` on the real file layout (after the neighbourhoods'
lookup)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.models import CrimeCount, PopulationEstimate

FIXTURES = Path(__file__).parent / "fixtures"
STREET = FIXTURES / "2010-12-avon-and-somerset-street.csv"


@pytest.fixture
def loaded(runner, db_session, neighbourhoods):
    for slug, adults, households in (("twerton", 2000, 900), ("keynsham", 4000, None),
                                     ("chew-valley", 1000, None)):
        nb = neighbourhoods[slug]
        db_session.add(PopulationEstimate(neighbourhood_id=nb.id, variable="age_band",
                                          category="16_24", population=adults // 2))
        db_session.add(PopulationEstimate(neighbourhood_id=nb.id, variable="age_band",
                                          category="25_34", population=adults // 2))
        if households:
            db_session.add(PopulationEstimate(neighbourhood_id=nb.id, variable="households",
                                              category="all", population=households))
    db_session.commit()
    result = runner.invoke(args=["areas", "import-neighbourhoods", str(FIXTURES / "lookup.csv")])
    assert result.exit_code == 0, result.output
    assert "Loaded 3 LSOAs in 2 neighbourhoods." in result.output
    result = runner.invoke(args=["crime", "import", str(STREET)])
    assert result.exit_code == 0, result.output
    return result


def test_import_reports_what_was_kept_and_outside(loaded):
    assert ("Imported 7 rows for 1 month (2010-12): 5 crimes in the partnership's neighbourhoods. "
            "1 row in LSOAs outside the lookup were counted but not kept (e.g. E01014540). "
            "1 row had no location") in loaded.output


def test_import_again_replaces_the_month(runner, loaded, db_session):
    result = runner.invoke(args=["crime", "import", str(STREET)])
    assert result.exit_code == 0, result.output
    assert "Replaced the earlier import of 2010-12 (Avon and Somerset Constabulary)." in result.output
    assert db_session.scalar(select(func.sum(CrimeCount.count))) == 5


def test_a_malformed_file_exits_with_the_line(runner, loaded, db_session, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(STREET.read_bytes().replace(b"2010-12,Avon", b"Dec 2010,Avon", 1))
    result = runner.invoke(args=["crime", "import", str(STREET), str(bad)])
    assert result.exit_code == 2
    assert "Nothing was imported. bad.csv, line 2: month 'Dec 2010' is not written YYYY-MM" \
        in result.output
    assert db_session.scalar(select(func.sum(CrimeCount.count))) == 5


def test_rates_csv(runner, loaded):
    result = runner.invoke(args=["crime", "rates", "--from", "2010-04", "--to", "2011-03"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0])[:5] == ["neighbourhood", "crime_type", "count", "population", "rate_per_1000"]
    by = {(r["neighbourhood"], r["crime_type"]): r for r in rows}
    assert {r["neighbourhood"] for r in rows} == {"twerton", "keynsham", "chew-valley", "authority"}
    burglary = by[("twerton", "Burglary")]
    assert (burglary["count"], burglary["rate_per_1000"], burglary["rate_per_1000_households"]) == \
        ("2", "1.0", "2.22")
    assert by[("authority", "Burglary")]["rate_per_1000"] == "0.29"  # 2 in 7,000
    assert by[("chew-valley", "Vehicle crime")]["count"] == "0"


def test_rates_csv_keeps_formula_like_text_as_text(runner, loaded, db_session):
    """A crime type read from a file that starts with "=" used to reach the CSV as a formula."""
    db_session.execute(CrimeCount.__table__.update().where(CrimeCount.crime_type == "Burglary")
                       .values(crime_type="=HYPERLINK(\"http://x.example\")"))
    db_session.commit()
    result = runner.invoke(args=["crime", "rates", "--from", "2010-04", "--to", "2011-03"])
    assert result.exit_code == 0, result.output
    types = {r["crime_type"] for r in csv.DictReader(io.StringIO(result.output))}
    assert "'=HYPERLINK(\"http://x.example\")" in types and not any(t.startswith("=") for t in types)


def test_rates_json_defaults_to_the_latest_year(runner, loaded):
    result = runner.invoke(args=["crime", "rates", "--format", "json"])
    rows = json.loads(result.output)
    keynsham = next(r for r in rows if r["neighbourhood"] == "keynsham"
                    and r["crime_type"] == "Violence and sexual offences")
    assert (keynsham["count"], keynsham["rate_per_1000"], keynsham["households"]) == (1, 0.25, None)


@pytest.mark.parametrize("args, message", [
    (["--from", "2010-4"], "--from '2010-4' is not a month written YYYY-MM"),
    (["--from", "2011-01", "--to", "2010-12"], "the period starts (2011-01) after it ends"),
])
def test_rates_bad_periods(runner, loaded, args, message):
    result = runner.invoke(args=["crime", "rates", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_rates_with_nothing_loaded(runner, neighbourhoods):
    result = runner.invoke(args=["crime", "rates"])
    assert result.exit_code == 2
    assert "No recorded crime is loaded" in result.output


def test_a_header_only_file_exits_with_a_sentence(runner, loaded, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(STREET.read_bytes().splitlines()[0] + b"\n")
    result = runner.invoke(args=["crime", "import", str(empty)])
    assert result.exit_code == 2
    assert "empty.csv holds only its header line" in result.output
    assert "Traceback" not in result.output
