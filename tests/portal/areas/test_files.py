"""The readers of ONS files: the real layouts and their header variants, and every bad input
named with its line (each reader returns all rows or raises, so nothing is half-imported)."""

from __future__ import annotations

import io
import re

import pytest

from portal.areas.files import (
    AreaFileError,
    age_band_range,
    ethnicity_margins,
    neighbourhood_margins,
    read_ethnicity,
    read_neighbourhood_lookup,
    read_population,
    read_postcodes,
    read_rural_urban,
)


def _stream(text: str) -> io.TextIOWrapper:
    """A file as an upload or `open(..., newline="")` gives it: bytes decoded as UTF-8 with a BOM."""
    return io.TextIOWrapper(io.BytesIO(text.encode("utf-8-sig")), encoding="utf-8-sig", newline="")


# ONS's LSOA (2021) to ward to local authority best-fit lookup, plus the column we ask for.
BEST_FIT = ("LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM,neighbourhood\r\n"
            "E01014370,Kennet 001A,E05008357,Abbey,E06000054,Wiltshire,Abbey & St. Mary's\r\n"
            "E01014371,Kennet 001B,E05008357,Abbey,E06000054,Wiltshire,Abbey & St. Mary's\r\n"
            "E01014372,Kennet 002A,E05008358,Vale,E06000054,Wiltshire,Vale Villages\r\n")


def test_the_best_fit_lookup_is_read_by_column_name():
    lookup = read_neighbourhood_lookup(_stream(BEST_FIT), "lookup.csv")
    assert lookup == {"E01014370": "Abbey & St. Mary's", "E01014371": "Abbey & St. Mary's",
                      "E01014372": "Vale Villages"}
    short = read_neighbourhood_lookup(_stream("lsoa_code,Neighbourhood\ne01014370, Abbey  Vale \n"),
                                      "short.csv")
    assert short == {"E01014370": "Abbey Vale"}


@pytest.mark.parametrize("text, message", [
    ("", "lookup.csv is empty."),
    ("LSOA21NM,neighbourhood\nKennet 001A,Abbey\n",
     "lookup.csv, line 1: no column LSOA21CD or lsoa_code (the columns are: LSOA21NM, neighbourhood)."),
    ("LSOA21CD,ward\nE01014370,Abbey\n", "line 1: no column neighbourhood"),
    ("LSOA21CD,neighbourhood\nE0101437,Abbey\n", "lookup.csv, line 2: 'E0101437' is not an LSOA code"),
    ("LSOA21CD,neighbourhood\nE01014370,\n", "line 2: E01014370 has no neighbourhood"),
    ("LSOA21CD,neighbourhood\nE01014370,Abbey\n\nE01014370,Vale\n",
     "line 4: E01014370 is in Abbey on line 2 and in Vale here"),
    ("LSOA21CD,neighbourhood\n", "lookup.csv lists no LSOA."),
    ("LSOA21CD,neighbourhood\n\"E01014370,Abbey\n" + "x" * 140_000,
     "line 2: a field is longer than 131,072 characters"),
])
def test_a_bad_lookup_names_the_problem(text, message):
    with pytest.raises(AreaFileError) as caught:
        read_neighbourhood_lookup(_stream(text), "lookup.csv")
    assert message in str(caught.value)
    assert str(caught.value).startswith("Nothing was imported.")


def test_a_file_that_is_not_utf8_is_named():
    stream = io.TextIOWrapper(io.BytesIO("LSOA21CD,neighbourhood\nE01014370,Ab\u00e9y\n"
                                         .encode("latin-1")), encoding="utf-8", newline="")
    with pytest.raises(AreaFileError, match="is not UTF-8 text; save it as 'CSV UTF-8'"):
        read_neighbourhood_lookup(stream, "lookup.csv")


def test_rural_urban_classes():
    text = ("LSOA21CD,LSOA21NM,RUC21CD,RUC21NM,Urban_rura\n"
            "E01014370,Kennet 001A,UN1,Urban: Nearer to a major town or city,Urban\n"
            "E01014372,Kennet 002A,RLF1,Larger rural: Further from a major town or city,Rural\n")
    assert read_rural_urban(_stream(text), "ruc.csv") == {"E01014370": False, "E01014372": True}
    with pytest.raises(AreaFileError, match=r"ruc.csv, line 2: 'X1' is not a rural-urban class"):
        read_rural_urban(_stream("LSOA21CD,RUC21CD\nE01014370,X1\n"), "ruc.csv")


NSPL_HEADER = ("pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa21,cty,ced,laua,"
               "ward,nhser,ctry,rgn,pcon,ttwa,itl,park,lsoa21,msoa21,wz11,sicbl,bua24,ruc21,oac11,"
               "lat,long,lep1,lep2,pfa,imd,icb\r\n")


def _nspl_row(postcode: str, lsoa: str, doterm: str = "") -> str:
    cells = [""] * 35
    cells[0], cells[2], cells[4], cells[12], cells[21] = postcode, postcode, doterm, "E06000054", lsoa
    return ",".join(cells) + "\r\n"


def test_the_postcode_lookup_keeps_live_postcodes_in_the_partnership():
    text = (NSPL_HEADER + _nspl_row("SN8 1AA", "E01014370") + _nspl_row("sn81ab", "E01014371")
            + _nspl_row("SN8 1AD", "E01014370", doterm="202106") + _nspl_row("SW1A 1AA", "E01004736")
            + _nspl_row("ZZ99 3WZ", ""))
    seen = []
    read = read_postcodes(_stream(text), "nspl.csv", {"E01014370", "E01014371"}, seen.append)
    assert read.postcodes == {"SN8 1AA": "E01014370", "SN8 1AB": "E01014371"}
    assert (read.rows, read.terminated, read.outside, read.no_lsoa) == (5, 1, 1, 1)
    # ONSPD and later NSPL releases call the column lsoa21cd
    onspd = NSPL_HEADER.replace(",lsoa21,", ",lsoa21cd,") + _nspl_row("SN8 1AA", "E01014370")
    assert read_postcodes(_stream(onspd), "onspd.csv", {"E01014370"}).postcodes == {
        "SN8 1AA": "E01014370"}


def test_a_postcode_file_without_its_columns_or_rows_is_refused():
    with pytest.raises(AreaFileError, match=r"nspl\.csv, line 1: no column doterm"):
        read_postcodes(_stream("pcds,lsoa21\nSN8 1AA,E01014370\n"), "nspl.csv", {"E01014370"})
    with pytest.raises(AreaFileError, match=r"nspl\.csv holds no postcodes"):
        read_postcodes(_stream(NSPL_HEADER), "nspl.csv", {"E01014370"})
    with pytest.raises(AreaFileError, match=r"nspl\.csv, line 3: 3 fields where the header needs 22"):
        read_postcodes(_stream(NSPL_HEADER + _nspl_row("SN8 1AA", "E01014370") + "a,b,c\r\n"),
                       "nspl.csv", {"E01014370"})


def _mye(header_lsoa: str = "LSOA 2021 Code", ninety: str = "90") -> str:
    ages = [f"F{a}" for a in range(90)] + [f"F{ninety}"] + [f"M{a}" for a in range(90)] + [f"M{ninety}"]
    header = ",".join(["LAD 2021 Code", "LAD 2021 Name", header_lsoa, "LSOA 2021 Name", "Total", *ages])
    women = [str(a % 7) for a in range(91)]
    men = ["1"] * 91
    rows = [",".join(["E06000054", "Wiltshire", code, "Kennet", str(sum(map(int, women)) + 91),
                      *women, *men]) for code in ("E01014370", "E01014371", "E01014372")]
    return header + "\r\n" + "\r\n".join(rows) + "\r\n"


@pytest.mark.parametrize("header_lsoa, ninety", [("LSOA 2021 Code", "90"), ("LSOA21CD", "90+"),
                                                 ("lsoa 2021 code", "90")])
def test_population_estimates_and_their_header_variants(header_lsoa, ninety):
    people, column = read_population(_stream(_mye(header_lsoa, ninety)), "mye.csv")
    assert column == header_lsoa and sorted(people) == ["E01014370", "E01014371", "E01014372"]
    assert people["E01014370"].female[:8] == (0, 1, 2, 3, 4, 5, 6, 0)
    assert len(people["E01014370"].male) == 91


def test_population_sums_to_each_neighbourhood_by_band_and_sex():
    people, _ = read_population(_stream(_mye()), "mye.csv")
    lookup = {"E01014370": "Abbey", "E01014371": "Abbey", "E01014372": "Vale"}
    bands = ["16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus"]
    margins = neighbourhood_margins(people, lookup, bands)
    women_16_24 = sum(a % 7 for a in range(16, 25))
    assert margins["Abbey"][("age_band", "16_24")] == 2 * (women_16_24 + 9)
    assert margins["Vale"][("sex", "male")] == 75  # ages 16 to 90+
    assert sum(margins["Vale"][("age_band", b)] for b in bands) == (
        margins["Vale"][("sex", "male")] + margins["Vale"][("sex", "female")])
    with pytest.raises(ValueError, match="must cover every age from 16 up, once"):
        neighbourhood_margins(people, lookup, ["16_24", "35_44", "45_plus"])


@pytest.mark.parametrize("text, message", [
    ("LAD 2021 Code,Total\nE06000054,10\n", "mye.csv, line 1: there is no LSOA code column"),
    (_mye().replace(",F45,", ",F45x,", 1), "line 1: there is no column F45."),
    (_mye().replace(",E01014371,", ",E01014370,"), "line 3: E01014370 is listed twice"),
    (_mye().replace(",Kennet,", ",Kennet,-", 1).replace(",Kennet,-", ",Kennet,", 1)
     .replace("E01014372,Kennet,", "E01014372,Kennet,", 1).replace(",6,0,1,", ",six,0,1,", 1),
     "line 2: 'six' is not a number of people"),
])
def test_a_bad_population_file_names_the_problem(text, message):
    with pytest.raises(AreaFileError) as caught:
        read_population(_stream(text), "mye.csv")
    assert message in str(caught.value)


def test_age_band_ranges():
    assert age_band_range("16_24") == range(16, 25)
    assert age_band_range("75_plus") == range(75, 91)
    with pytest.raises(ValueError):
        age_band_range("prefer_not_to_say")


TS021_COLUMNS = [
    "Ethnic group: Total: All usual residents",
    "Ethnic group: Asian, Asian British or Asian Welsh",
    "Ethnic group: Asian, Asian British or Asian Welsh: Indian",
    "Ethnic group: Black, Black British, Black Welsh, Caribbean or African",
    "Ethnic group: Mixed or Multiple ethnic groups",
    "Ethnic group: White",
    "Ethnic group: White: English, Welsh, Scottish, Northern Irish or British",
    "Ethnic group: White: Irish",
    "Ethnic group: Other ethnic group",
]


def _ts021(rows: dict[str, tuple[int, ...]] | None = None, suffix: str = "") -> str:
    """Census 2021 TS021 by LSOA as Nomis's bulk CSV heads it; a row gives total, Asian, Indian,
    Black, Mixed, White, White British, Irish and Other."""
    rows = rows or {"E01014370": (1000, 50, 30, 20, 30, 880, 800, 10, 20),
                    "E01014371": (800, 0, 0, 0, 0, 800, 800, 0, 0),
                    "E01014372": (500, 5, 5, 5, 10, 470, 400, 20, 10)}
    header = ",".join(["date", "geography", "geography code", *(f'"{c}{suffix}"' for c in TS021_COLUMNS)])
    lines = [",".join(["2021", f"Kennet {code[-1]}", code, *map(str, counts)])
             for code, counts in rows.items()]
    return header + "\r\n" + "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("suffix", ["", "; measures: Value"])
def test_census_ethnicity_by_lsoa_and_its_header_variants(suffix):
    groups = read_ethnicity(_stream(_ts021(suffix=suffix)), "ts021.csv")
    assert groups["E01014370"] == {"white_british": 800, "white_other": 80, "mixed": 30,
                                   "asian_or_asian_british": 50, "black_or_black_british": 20,
                                   "other_ethnic_group": 20}
    assert set(groups) == {"E01014370", "E01014371", "E01014372"}


@pytest.mark.parametrize("text, message", [
    ("geography code,Ethnic group: White\r\nE01014370,5\r\n",
     "ts021.csv, line 1: no column Ethnic group: Total: All usual residents"),
    (None, "ts021.csv, line 3: 'X' is not an LSOA code"),
    (_ts021({"E01014370": (10, 1, 1, 1, 1, 6, 7, 0, 1)}), "E01014370 has more White British"),
    (_ts021({"E01014370": (11, 1, 1, 1, 1, 6, 5, 0, 1)}),
     "ts021.csv, line 2: E01014370's groups add up to 10, not the total of 11"),
    (_ts021({"E01014370": (10, 1, 1, 1, 1, 6, 5, 0, 1)}).replace(",6,5,", ",six,5,"),
     "line 2: 'six' is not a number of people"),
])
def test_a_bad_census_file_names_its_line(text, message):
    if text is None:
        text = _ts021().replace("E01014371", "X", 1)
    with pytest.raises(AreaFileError, match=re.escape(message)):
        read_ethnicity(_stream(text), "ts021.csv")


def test_ethnic_mix_is_scaled_to_the_adults_in_whole_people():
    groups = read_ethnicity(_stream(_ts021()), "ts021.csv")
    lookup = {"E01014370": "abbey", "E01014371": "abbey", "E01014372": "vale"}
    margins = ethnicity_margins(groups, lookup, {"abbey": 1441, "vale": 333})
    assert sum(margins["abbey"].values()) == 1441 and sum(margins["vale"].values()) == 333
    # Abbey: 1,600 White British of 1,800 residents of all ages -> 1441 * 16/18 = 1280.9
    assert margins["abbey"]["white_british"] == 1281
    assert margins["vale"]["other_ethnic_group"] == round(333 * 10 / 500)
