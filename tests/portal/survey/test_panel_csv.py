"""Reading a panel file: all or nothing, each problem named with its spreadsheet row."""

import pytest

from portal.survey.panel import parse_panel_csv

PLACES = {"twerton": "Twerton", "chew-valley": "Chew Valley"}


def test_a_good_file_gives_its_members():
    rows, problems = parse_panel_csv(b"id,email,neighbourhood\r\nM1,One@Example.org,Twerton\r\n"
                                     b"M2,two@example.org,chew-valley\r\n", PLACES)
    assert not problems
    assert [(r.external_id, r.neighbourhood_slug) for r in rows] == [("M1", "twerton"), ("M2", "chew-valley")]


@pytest.mark.parametrize(("data", "row", "message"), [
    (b"\xff\xfe", None, "not UTF-8"),
    (b"", None, "empty"),
    (b"id,email\r\nM1,a@example.org\r\n", 1, "Column 'neighbourhood' is missing"),
    (b"id,email,neighbourhood\r\n", None, "no panel members"),
    (b"id,email,neighbourhood\r\nM 1,a@example.org,Twerton\r\n", 2, "is not a panel id"),
    (b"id,email,neighbourhood\r\nM1,a@example.org,Twerton\r\nM1,b@example.org,Twerton\r\n", 3,
     "also in row 2"),
    (b"id,email,neighbourhood\r\nM1,not-an-address,Twerton\r\n", 2, "is not an email address"),
    (b"id,email,neighbourhood\r\nM1,a@example.org,Atlantis\r\n", 2, "is not one of the neighbourhoods"),
    (b'id,email,neighbourhood\r\n"M1' + b"1" * 140_000, None,
     "The file cannot be read: a field is longer than 131,072 characters; check for a quotation "
     "mark that is not closed"),
])
def test_each_problem_is_named_and_nothing_is_kept(data, row, message):
    rows, problems = parse_panel_csv(data, PLACES)
    assert rows == []
    assert any(p.row == row and message in p.message for p in problems), problems


BANDS = {"16_24": "16-24", "25_34": "25-34", "75_plus": "75+"}


def test_the_age_band_column_is_optional_and_takes_codes_or_labels():
    without, problems = parse_panel_csv(b"id,email,neighbourhood\r\nM1,a@example.org,Twerton\r\n",
                                        PLACES, BANDS)
    assert not problems and without[0].age_band is None
    data = (b"id,email,neighbourhood,age_band\r\nM1,a@example.org,Twerton,16_24\r\n"
            b"M2,b@example.org,Twerton,75+\r\nM3,c@example.org,Twerton,\r\n"
            b"M4,d@example.org,Twerton, 25-34 \r\nM5,e@example.org,Twerton,75_PLUS\r\n"
            b"M6,f@example.org,Twerton\r\n")  # M6's row is short: no band
    rows, problems = parse_panel_csv(data, PLACES, BANDS)
    assert not problems
    assert [r.age_band for r in rows] == ["16_24", "75_plus", None, "25_34", "75_plus", None]


@pytest.mark.parametrize(("band", "bands", "message"), [
    (b"prefer_not_to_say", BANDS, "'prefer_not_to_say' is not one of the questionnaire's age bands: use "
                                  "one of 16-24, 25-34, 75+ (or leave it blank)"),
    (b"1980-05-01", BANDS, "'1980-05-01' is not one of the questionnaire's age bands"),
    (b"16_24", {}, "this wave's questionnaire asks no age band"),
])
def test_a_band_not_in_the_questionnaire_is_refused_with_its_row(band, bands, message):
    data = b"id,email,neighbourhood,age_band\r\nM1,a@example.org,Twerton,\r\nM2,b@example.org,Twerton," + band
    rows, problems = parse_panel_csv(data, PLACES, bands)
    assert rows == []
    assert [(p.row, p.column) for p in problems] == [(3, "age_band")]
    assert message in problems[0].message


def test_the_bands_are_the_questionnaires_less_prefer_not_to_say():
    import surveys
    from portal.survey.panel import age_bands

    bands = age_bands(surveys.load_questionnaire("crime-and-community-safety"))
    assert list(bands) == ["16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus"]
    assert bands["75_plus"] == "75+"


LANGUAGES = ("en", "cy")


def test_the_language_column_is_optional_and_takes_codes_or_names():
    without, problems = parse_panel_csv(b"id,email,neighbourhood\r\nM1,a@example.org,Twerton\r\n",
                                        PLACES, BANDS, LANGUAGES)
    assert not problems and without[0].language is None
    data = (b"id,email,neighbourhood,language\r\nM1,a@example.org,Twerton,cy\r\n"
            b"M2,b@example.org,Twerton,\r\nM3,c@example.org,Twerton,Welsh\r\n"
            b"M4,d@example.org,Twerton,CYMRAEG\r\nM5,e@example.org,Twerton,en\r\n"
            b"M6,f@example.org,Twerton\r\n")  # M6's row is short: the default
    rows, problems = parse_panel_csv(data, PLACES, BANDS, LANGUAGES)
    assert not problems
    assert [r.language for r in rows] == ["cy", None, "cy", "cy", "en", None]


@pytest.mark.parametrize("value", [b"pl", b"fr", b"klingon"])
def test_a_language_the_site_does_not_offer_is_refused_with_its_row(value):
    data = (b"id,email,neighbourhood,language\r\nM1,a@example.org,Twerton,cy\r\n"
            b"M2,b@example.org,Twerton," + value + b"\r\n")
    rows, problems = parse_panel_csv(data, PLACES, BANDS, LANGUAGES)
    assert rows == []
    assert [(p.row, p.column) for p in problems] == [(3, "language")]
    assert problems[0].message == (f"'{value.decode()}' is not one of the site's languages: use one of "
                                   "en (English), cy (Welsh) (or leave it blank for the default)")
