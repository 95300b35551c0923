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
