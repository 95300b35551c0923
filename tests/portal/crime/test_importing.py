"""Importing police.uk street-level files: the real layout, month replacement, the lookup, and
every bad input the issue names (each imports nothing and names the line)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.areas.files import read_neighbourhood_lookup
from portal.areas.importing import import_neighbourhoods
from portal.crime.importing import CrimeDataError, import_street_files, read_street_file
from portal.models import CrimeCount, CrimeImport, LsoaNeighbourhood, Neighbourhood

FIXTURES = Path(__file__).parent / "fixtures"
STREET = (FIXTURES / "2010-12-avon-and-somerset-street.csv").read_bytes()
FORCE = "Avon and Somerset Constabulary"


@pytest.fixture
def lookup(db_session, neighbourhoods):
    with open(FIXTURES / "lookup.csv", encoding="utf-8", newline="") as stream:
        import_neighbourhoods(db_session, read_neighbourhood_lookup(stream, "lookup.csv"))
    db_session.commit()


def _crimes(session) -> dict[tuple[str, str], int]:
    rows = session.execute(select(CrimeCount.lsoa_code, CrimeCount.crime_type,
                                  func.sum(CrimeCount.count))
                           .group_by(CrimeCount.lsoa_code, CrimeCount.crime_type)).all()
    return {(lsoa, kind): n for lsoa, kind, n in rows}


def test_reads_the_published_layout():
    parsed = read_street_file(STREET, "street.csv")
    assert parsed.rows == 7
    assert parsed.counts[("2010-12", FORCE, "E01014421", "Burglary")] == 2
    assert parsed.counts[("2010-12", FORCE, "E01014421", "Anti-social behaviour")] == 1
    assert parsed.no_location == {("2010-12", FORCE): 1}
    assert parsed.months == {("2010-12", FORCE)}


def test_import_keeps_lookup_lsoas_and_counts_the_rest(db_session, lookup):
    outcome = import_street_files(db_session, [read_street_file(STREET, "street.csv")])
    db_session.commit()
    assert (outcome.rows, outcome.kept, outcome.outside_lookup, outcome.no_location) == (7, 5, 1, 1)
    assert outcome.outside_examples == ["E01014540"]
    assert "1 row in LSOAs outside the lookup were counted" in outcome.describe()
    assert _crimes(db_session) == {
        ("E01014421", "Anti-social behaviour"): 1, ("E01014421", "Burglary"): 2,
        ("E01014422", "Vehicle crime"): 1, ("E01014480", "Violence and sexual offences"): 1}
    record = db_session.scalar(select(CrimeImport))
    assert (record.month, record.force, record.rows, record.kept, record.outside_lookup,
            record.no_location) == ("2010-12", FORCE, 7, 5, 1, 1)


def test_importing_a_month_again_replaces_it(db_session, lookup):
    import_street_files(db_session, [read_street_file(STREET, "street.csv")])
    db_session.commit()
    fewer = b"\n".join(STREET.splitlines()[:3]) + b"\n"  # header, the ASB row and one burglary
    outcome = import_street_files(db_session, [read_street_file(fewer, "again.csv")])
    db_session.commit()
    assert outcome.replaced == [("2010-12", FORCE)]
    assert _crimes(db_session) == {("E01014421", "Anti-social behaviour"): 1,
                                   ("E01014421", "Burglary"): 1}
    assert db_session.scalar(select(func.count()).select_from(CrimeImport)) == 1


def test_the_same_month_twice_in_one_import_is_refused(db_session, lookup):
    one = read_street_file(STREET, "a.csv")
    with pytest.raises(CrimeDataError, match=r"a\.csv and b\.csv both hold 2010-12"):
        import_street_files(db_session, [one, read_street_file(STREET, "b.csv")])


def test_import_needs_a_lookup(db_session, neighbourhoods):
    with pytest.raises(CrimeDataError, match="No LSOA lookup is loaded"):
        import_street_files(db_session, [read_street_file(STREET, "street.csv")])


def _replace_line(number: int, old: bytes, new: bytes) -> bytes:
    lines = STREET.splitlines()
    lines[number - 1] = lines[number - 1].replace(old, new)
    return b"\n".join(lines) + b"\n"


@pytest.mark.parametrize("data, message", [
    (STREET.replace(b",Crime type,", b",Type,", 1),
     "street.csv, line 1: missing column Crime type; expected Crime ID, Month"),
    (_replace_line(4, b"2010-12", b"12/2010"),
     "street.csv, line 4: month '12/2010' is not written YYYY-MM"),
    (_replace_line(5, b"2010-12", b"2010-13"),
     "street.csv, line 5: month '2010-13' is not written YYYY-MM"),
    (_replace_line(3, b"Dominion Road", "Dominion R\u00f6ad".encode("latin-1")),
     "street.csv, line 3: byte 0xf6 is not UTF-8"),
    (_replace_line(6, b",Robbery,", b",Robbery,extra,"),
     "street.csv, line 6: 13 fields where the header has 12"),
    (_replace_line(2, b",Anti-social behaviour,", b",,"),
     "street.csv, line 2: Crime type is empty"),
    (b"", "street.csv is empty"),
])
def test_malformed_files_name_the_line_and_import_nothing(db_session, lookup, data, message):
    with pytest.raises(CrimeDataError) as caught:
        import_street_files(db_session, [read_street_file(data, "street.csv")])
    assert message in str(caught.value)
    assert str(caught.value).startswith("Nothing was imported.")
    assert db_session.scalar(select(func.count()).select_from(CrimeCount)) == 0


def test_crime_counts_by_the_neighbourhoods_lookup(db_session, lookup, neighbourhoods):
    """One definition of a neighbourhood's area: the areas import's lookup, with slugs or names
    (the fixture has both), renaming nothing."""
    rows = db_session.execute(select(LsoaNeighbourhood.lsoa_code, Neighbourhood.name)
                              .join(Neighbourhood).order_by(LsoaNeighbourhood.lsoa_code)).all()
    assert rows == [("E01014421", "Twerton"), ("E01014422", "Twerton"), ("E01014480", "Keynsham")]
