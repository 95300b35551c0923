"""Paper/phone CSV import: all or nothing, problems named by spreadsheet row and column."""

from __future__ import annotations

import csv
import io

import pytest

from surveys import (
    ImportProblem,
    csv_template,
    export_csv,
    import_columns,
    importing,
    parse_import,
    wide_columns,
)


def make_csv(questionnaire, rows: list[dict[str, str]], columns: list[str] | None = None) -> str:
    columns = columns or wide_columns(questionnaire)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return buffer.getvalue()


GOOD_ROWS = [
    {"response_id": "P001", "neighbourhood": "twerton", "police_council_dealing": "tend_to_agree",
     "car_use": "yes", "worry_car_crime": "very_worried", "victim_car_crime": "no",
     "age_band": "75_plus", "sex": "female"},
    {"response_id": "P002", "neighbourhood": "Chew Valley", "mode": "phone",
     "submitted_at": "2009-03-14", "car_use": "No", "asb_drugs": "NO_OPINION"},
    {"response_id": "P003", "neighbourhood": "bathavon", "submitted_at": "2009-03-14T10:30:00Z"},
]


def test_template_is_just_the_wide_format_header(standard_v1, demo_neighbourhoods):
    template = csv_template(standard_v1, demo_neighbourhoods)
    assert template == ",".join(wide_columns(standard_v1)) + "\r\n"
    assert "postcode" not in template


def test_column_guide_lists_codes_and_neighbourhoods(standard_v1, demo_neighbourhoods):
    guide = {column.name: column for column in import_columns(standard_v1, demo_neighbourhoods)}
    assert list(guide) == wide_columns(standard_v1)
    assert guide["response_id"].required and guide["neighbourhood"].required
    assert guide["neighbourhood"].allowed == tuple(demo_neighbourhoods)
    assert guide["car_use"].allowed == ("yes", "no")
    assert "only when car_use is yes" in guide["worry_car_crime"].description


def test_clean_file_imports_every_row_normalised(standard_v1, demo_neighbourhoods):
    result = parse_import(standard_v1, make_csv(standard_v1, GOOD_ROWS), demo_neighbourhoods,
                          "paper", wave="2008-09")
    assert result.ok and result.problems == ()
    assert [row["response_id"] for row in result.rows] == ["P001", "P002", "P003"]
    first, second, third = result.rows
    assert list(first) == wide_columns(standard_v1)
    assert first["mode"] == "paper" and first["wave"] == "2008-09"
    assert first["worry_car_crime"] == "very_worried" and first["seek_views"] == ""
    assert second["neighbourhood"] == "chew-valley"  # name accepted, slug stored
    assert second["mode"] == "phone"
    assert (second["car_use"], second["asb_drugs"]) == ("no", "no_opinion")  # codes any case
    assert second["submitted_at"] == "2009-03-14"
    assert third["submitted_at"] == "2009-03-14T10:30:00+00:00"


def test_one_bad_row_imports_nothing_and_names_row_and_column(standard_v1, demo_neighbourhoods):
    rows = [*GOOD_ROWS, {"response_id": "P004", "neighbourhood": "twerton", "sex": "woman"}]
    result = parse_import(standard_v1, make_csv(standard_v1, rows), demo_neighbourhoods, "paper")
    assert not result.ok
    assert result.rows == ()
    assert result.problems == (ImportProblem(
        5, "sex", "'woman' is not an answer code for sex: use one of female, male, "
        "prefer_not_to_say"),)
    assert str(result.problems[0]).startswith("row 5, column sex: 'woman'")


def test_problems_of_several_kinds_in_column_order(standard_v1, demo_neighbourhoods):
    rows = [
        {"response_id": "P001", "neighbourhood": "twerton"},
        {"response_id": "P001", "neighbourhood": "atlantis", "mode": "online",
         "submitted_at": "14/03/2009", "car_use": "no", "victim_car_crime": "yes"},
        {"response_id": "", "neighbourhood": "", "sex": "male"},
    ]
    result = parse_import(standard_v1, make_csv(standard_v1, rows), demo_neighbourhoods, "paper",
                          wave="2008-09")
    assert [(p.row, p.column) for p in result.problems] == [
        (3, "response_id"), (3, "neighbourhood"), (3, "mode"), (3, "submitted_at"),
        (3, "victim_car_crime"), (4, "response_id"), (4, "neighbourhood")]
    messages = [p.message for p in result.problems]
    assert messages[0] == "Response ID 'P001' is also used in row 2"
    assert messages[1].startswith("'atlantis' is not one of the neighbourhoods")
    assert "online responses come from the web form" in messages[2]
    assert "YYYY-MM-DD" in messages[3]
    assert "only asked when car_use is yes" in messages[4]
    assert messages[6] == "neighbourhood is required: this cell must not be blank"


def test_wave_cells_must_match_the_upload(standard_v1, demo_neighbourhoods):
    rows = [{"response_id": "P1", "neighbourhood": "twerton", "wave": "2009-10"}]
    result = parse_import(standard_v1, make_csv(standard_v1, rows), demo_neighbourhoods, "paper",
                          wave="2008-09")
    assert result.problems == (ImportProblem(
        2, "wave", "Wave is '2009-10' but this upload is for wave '2008-09'"),)


def test_header_problems_unknown_missing_duplicate_and_personal(standard_v1, demo_neighbourhoods):
    columns = [c for c in wide_columns(standard_v1) if c not in ("seek_views", "sex")]
    columns += ["postcode", "respct", "car_use"]
    result = parse_import(standard_v1, make_csv(standard_v1, [], columns) + "P1,twerton\r\n",
                          demo_neighbourhoods, "paper")
    found = {(p.row, p.column): p.message for p in result.problems}
    assert set(found) == {(1, "postcode"), (1, "respct"), (1, "car_use"), (1, "seek_views"),
                          (1, "sex")}
    assert "never imported" in found[(1, "postcode")]
    assert found[(1, "respct")] == "Unknown column 'respct'. Did you mean 'respect'?"
    assert found[(1, "car_use")] == "Column 'car_use' appears more than once"
    assert found[(1, "seek_views")].startswith("Column 'seek_views' is missing")


def test_optional_metadata_columns_may_be_left_out(standard_v1, demo_neighbourhoods):
    columns = [c for c in wide_columns(standard_v1) if c not in ("wave", "mode", "submitted_at")]
    result = parse_import(standard_v1, make_csv(standard_v1, GOOD_ROWS[:1], columns),
                          demo_neighbourhoods, "phone", wave="2010-11")
    assert result.ok
    assert (result.rows[0]["mode"], result.rows[0]["wave"]) == ("phone", "2010-11")


def test_row_with_wrong_number_of_cells(standard_v1, demo_neighbourhoods):
    text = make_csv(standard_v1, GOOD_ROWS[:1]) + "P9,,twerton\r\n"
    result = parse_import(standard_v1, text, demo_neighbourhoods, "paper")
    assert result.problems == (ImportProblem(3, None, "Row has 3 cells but the header has 30"),)


def test_empty_trailing_columns_are_ignored(standard_v1, demo_neighbourhoods):
    header, first = make_csv(standard_v1, GOOD_ROWS[:1]).splitlines()
    result = parse_import(standard_v1, f"{header},,\r\n{first},,\r\n", demo_neighbourhoods,
                          "paper")
    assert result.ok and result.rows[0]["response_id"] == "P001"
    result = parse_import(standard_v1, f"{header},,\r\n{first},,oops\r\n",
                          demo_neighbourhoods, "paper")
    assert result.problems == (ImportProblem(2, None, "Row has 32 cells but the header has 30"),)


def test_blank_rows_are_skipped_but_row_numbers_stay_as_in_the_spreadsheet(
        standard_v1, demo_neighbourhoods):
    header, first = make_csv(standard_v1, GOOD_ROWS[:1]).splitlines()
    blank = "," * 28
    bad = make_csv(standard_v1, [{"response_id": "P2", "neighbourhood": "x"}]).splitlines()[1]
    result = parse_import(standard_v1, "\r\n".join([header, first, blank, bad]) + "\r\n",
                          demo_neighbourhoods, "paper")
    assert [(p.row, p.column) for p in result.problems] == [(4, "neighbourhood")]


@pytest.mark.parametrize("encode", [
    lambda text: text.encode("utf-8"),
    lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    lambda text: "\ufeff" + text,
    lambda text: text,
], ids=["utf8-bytes", "utf8-bom-bytes", "bom-str", "str"])
def test_utf8_with_or_without_bom(standard_v1, demo_neighbourhoods, encode):
    result = parse_import(standard_v1, encode(make_csv(standard_v1, GOOD_ROWS)),
                          demo_neighbourhoods, "paper")
    assert result.ok and len(result.rows) == 3


@pytest.mark.parametrize(("data", "row", "message"), [
    (b"", None, "The file is empty"),
    (b"  \r\n\r\n", None, "The file is empty"),
    (b"PK\x03\x04rest-of-a-zip", None, "This is an Excel workbook, not a CSV file"),
    ("response_id".encode("utf-16"), None, "The file is saved as UTF-16"),
    (b"response_id,neighbourhood\r\nP1,Caf\xe9\r\n", 2, "The file is not UTF-8 text"),
    (b'response_id,neighbourhood\r\n"P1,twerton\r\n', None, "The file is not valid CSV"),
])
def test_unreadable_files(standard_v1, demo_neighbourhoods, data, row, message):
    result = parse_import(standard_v1, data, demo_neighbourhoods, "paper")
    assert len(result.problems) == 1 and result.rows == ()
    assert result.problems[0].row == row
    assert result.problems[0].message.startswith(message)


def test_header_only(standard_v1, demo_neighbourhoods):
    result = parse_import(standard_v1, csv_template(standard_v1), demo_neighbourhoods, "paper")
    assert [p.message for p in result.problems] == ["The file has a header row but no responses"]


def test_size_and_row_caps(standard_v1, demo_neighbourhoods, monkeypatch):
    rows = [{"response_id": f"P{i}", "neighbourhood": "twerton"} for i in range(5)]
    text = make_csv(standard_v1, rows)
    monkeypatch.setattr(importing, "MAX_IMPORT_ROWS", 4)
    result = parse_import(standard_v1, text, demo_neighbourhoods, "paper")
    assert result.problems[0].message.startswith("The file has 5 responses; the limit is 4")
    monkeypatch.setattr(importing, "MAX_IMPORT_BYTES", 1024)
    big = text + "".join(f"Q{i},,twerton{',' * 26}\r\n" for i in range(60))
    assert 2048 < len(big.encode()) <= 3072
    result = parse_import(standard_v1, big.encode(), demo_neighbourhoods, "paper")
    assert result.problems == (ImportProblem(
        None, None, "The file is 3 KB; the limit is 1 KB. Split it into smaller files"),)


def test_problem_list_is_capped(standard_v1, demo_neighbourhoods, monkeypatch):
    monkeypatch.setattr(importing, "MAX_REPORTED_PROBLEMS", 3)
    rows = [{"response_id": f"P{i}", "neighbourhood": "nowhere"} for i in range(10)]
    result = parse_import(standard_v1, make_csv(standard_v1, rows), demo_neighbourhoods, "paper")
    assert len(result.problems) == 4
    assert result.problems[-1].message.startswith("Checking stopped after 3 problems")


def test_bad_mode_argument_is_a_programming_error(standard_v1, demo_neighbourhoods):
    with pytest.raises(ValueError, match="mode must be one of paper, phone"):
        parse_import(standard_v1, make_csv(standard_v1, GOOD_ROWS), demo_neighbourhoods, "online")


def test_multiple_choice_cells_are_semicolon_joined(all_types):
    columns = wide_columns(all_types)
    assert "transport" in columns and not any(c.startswith("transport__") for c in columns)
    rows = [{"response_id": "1", "neighbourhood": "north", "victim": "no", "age": "30",
             "transport": "car_or_van; BUS", "parking_street": "big_problem"},
            {"response_id": "2", "neighbourhood": "south", "victim": "no", "age": "30",
             "transport": "bus;none_of_these"}]
    result = parse_import(all_types, make_csv(all_types, rows), ["north", "south"], "paper")
    assert result.problems == (ImportProblem(
        3, "transport", "None_of_these cannot be combined with other answers"),)
    result = parse_import(all_types, make_csv(all_types, rows[:1]), ["north", "south"], "paper")
    assert result.rows[0]["transport"] == "bus;car_or_van"


def test_formula_guard_from_our_export_is_undone(all_types):
    rows = [{"response_id": "1", "neighbourhood": "north", "victim": "no", "age": "30",
             "nickname": "'=SUM(A1)"}]
    result = parse_import(all_types, make_csv(all_types, rows), ["north", "south"], "paper")
    assert result.rows[0]["nickname"] == "=SUM(A1)"


def test_export_then_import_round_trip(standard_v1, demo_neighbourhoods):
    imported = parse_import(standard_v1, make_csv(standard_v1, GOOD_ROWS), demo_neighbourhoods,
                            "paper", wave="2008-09")
    exported = export_csv(standard_v1, imported.rows)
    again = parse_import(standard_v1, exported, demo_neighbourhoods, "paper", wave="2008-09")
    assert again.ok and again.rows == imported.rows
