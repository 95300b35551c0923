"""Exports: CSV, XLSX and SPSS read back; formula injection neutralised; no personal data."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from surveys import (
    ExportError,
    WeightColumn,
    codebook,
    export_csv,
    export_sav,
    export_xlsx,
    load_questionnaire,
    neutralise_formula,
    parse_import,
    weighting_note_csv,
    wide_columns,
    wide_row_from_answers,
)
from surveys.exporting import truncate_utf8

PERSONAL = {"postcode": "BA1 1AA", "email": "resident@example.org", "panel_id": "PM-42",
            "name": "A Resident", "phone": "01225 000000"}


@pytest.fixture
def responses(bound_v1):
    web = wide_row_from_answers(
        bound_v1, {"neighbourhood": "twerton", "postcode": "BA2 1AA", "car_use": "yes",
                   "worry_car_crime": "very_worried", "police_council_dealing": "tend_to_agree",
                   "asb_drugs": "no_opinion", "age_band": "75_plus"},
        response_id="W1", wave="2008-09", mode="online", submitted_at="2008-10-01T09:15:00+01:00")
    return [
        {**web, **PERSONAL},
        {"response_id": "P2", "wave": "2008-09", "neighbourhood": "bathavon", "mode": "paper",
         "submitted_at": "", "car_use": "no", "sex": "female", "seek_views": float("nan"),
         **PERSONAL},
    ]


def test_wide_row_from_answers_drops_postcode(bound_v1):
    row = wide_row_from_answers(bound_v1, {"neighbourhood": "twerton", "postcode": "BA2 1AA"},
                                response_id="W1")
    assert list(row) == wide_columns(bound_v1)
    assert "BA2 1AA" not in row.values()


def test_csv_round_trip_keeps_codes_and_drops_personal_data(bound_v1, responses):
    data = export_csv(bound_v1, responses)
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == wide_columns(bound_v1)
    assert frame.loc[0, "worry_car_crime"] == "very_worried"
    assert frame.loc[0, "age_band"] == "75_plus"
    assert frame.loc[1, "seek_views"] == "" and frame.loc[1, "worry_car_crime"] == ""
    text = data.decode("utf-8-sig")
    for value in [*PERSONAL.values(), "BA2 1AA"]:
        assert value not in text


def test_exports_accept_a_data_frame(bound_v1, responses):
    frame = pd.DataFrame(responses)
    assert export_csv(bound_v1, frame) == export_csv(bound_v1, responses)


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+44 1225", "'+44 1225"),
    ("-1+2", "'-1+2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("-3", "-3"),
    ("Bath", "Bath"),
    ("", ""),
])
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_formula_injection_neutralised_in_csv_and_xlsx(all_types):
    rows = [{"response_id": "1", "neighbourhood": "north", "mode": "paper", "victim": "no",
             "age": 30, "nickname": "=1+1"},
            {"response_id": "2", "neighbourhood": "south", "mode": "paper", "victim": "no",
             "age": 31, "nickname": "@cmd"}]
    text = export_csv(all_types, rows).decode("utf-8-sig")
    assert ",'=1+1," in text and ",'@cmd," in text
    sheet = openpyxl.load_workbook(io.BytesIO(export_xlsx(all_types, rows)))["Responses"]
    nickname = wide_columns(all_types).index("nickname") + 1
    assert sheet.cell(2, nickname).value == "'=1+1"
    assert sheet.cell(2, nickname).data_type == "s"
    # and the guard comes off again on import, so a round trip is exact
    result = parse_import(all_types, text, ["north", "south"], "paper")
    assert [row["nickname"] for row in result.rows] == ["=1+1", "@cmd"]


def test_xlsx_has_bold_header_data_and_codebook(bound_v1, responses, demo_neighbourhoods):
    workbook = openpyxl.load_workbook(io.BytesIO(export_xlsx(bound_v1, responses,
                                                             demo_neighbourhoods)))
    assert workbook.sheetnames == ["Responses", "Codebook"]
    sheet = workbook["Responses"]
    header = [cell.value for cell in sheet[1]]
    assert header == wide_columns(bound_v1)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 3
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["worry_car_crime"] == "very_worried" and row["seek_views"] is None
    assert "resident@example.org" not in [c.value for r in sheet.iter_rows() for c in r]

    book = workbook["Codebook"]
    assert [cell.value for cell in book[1]] == ["question_id", "question_text", "code", "label"]
    assert all(cell.font.bold for cell in book[1])
    entries = [tuple(cell.value for cell in r) for r in book.iter_rows(min_row=2)]
    assert ("car_use", "Do you, or does anyone in your household, have the use of a car or van?",
            "yes", "Yes") in entries
    assert ("neighbourhood", "Which neighbourhood do you live in?", "twerton", "Twerton") in entries
    assert len(entries) == len(codebook(bound_v1, demo_neighbourhoods))


def read_sav(data: bytes, tmp_path):
    path = tmp_path / "out.sav"
    path.write_bytes(data)
    return pyreadstat.read_sav(str(path))


def test_sav_has_numeric_codes_with_value_and_variable_labels(bound_v1, responses, tmp_path,
                                                              demo_neighbourhoods):
    frame, meta = read_sav(export_sav(bound_v1, responses, demo_neighbourhoods), tmp_path)
    assert list(frame.columns) == wide_columns(bound_v1)
    assert frame.loc[0, "police_council_dealing"] == 2.0
    assert meta.variable_value_labels["police_council_dealing"] == {
        1.0: "Strongly agree", 2.0: "Tend to agree", 3.0: "Neither agree nor disagree",
        4.0: "Tend to disagree", 5.0: "Strongly disagree", 6.0: "Don't know"}
    assert frame.loc[0, "age_band"] == 7.0
    assert meta.variable_value_labels["age_band"][7.0] == "75+"
    assert pd.isna(frame.loc[1, "worry_car_crime"])
    assert meta.column_names_to_labels["car_use"] == (
        "Do you, or does anyone in your household, have the use of a car or van?")
    assert meta.column_names_to_labels["asb_drugs"].startswith("People using or dealing drugs (")
    assert meta.variable_value_labels["mode"] == {1.0: "Online", 2.0: "Paper", 3.0: "Phone"}
    assert frame.loc[1, "mode"] == 2.0
    twerton = list(demo_neighbourhoods).index("twerton") + 1
    assert frame.loc[0, "neighbourhood"] == twerton
    assert meta.variable_value_labels["neighbourhood"][float(twerton)] == "Twerton"
    assert frame.loc[0, "submitted_at"] == pd.Timestamp("2008-10-01 08:15:00")  # UTC
    assert meta.variable_measure["police_council_dealing"] == "nominal"
    assert any("sha256:" in line for line in meta.notes)
    for personal in PERSONAL:
        assert personal not in frame.columns


def test_sav_without_neighbourhood_list_keeps_slugs(bound_v1, responses, tmp_path):
    frame, _ = read_sav(export_sav(bound_v1, responses), tmp_path)
    assert list(frame["neighbourhood"]) == ["twerton", "bathavon"]


def test_sav_spreads_multiple_choice_into_dichotomies(all_types, tmp_path):
    rows = [{"response_id": "1", "neighbourhood": "north", "mode": "paper", "victim": "no",
             "transport": "bus;car_or_van", "age": 30, "details": ""},
            {"response_id": "2", "neighbourhood": "south", "mode": "phone", "victim": "no"}]
    frame, meta = read_sav(export_sav(all_types, rows), tmp_path)
    assert "transport" not in frame.columns
    assert list(frame.loc[0, ["transport__bus", "transport__train", "transport__car_or_van"]]) \
        == [1.0, 0.0, 1.0]
    assert frame[["transport__bus", "transport__none_of_these"]].loc[1].isna().all()
    assert meta.variable_value_labels["transport__bus"] == {0.0: "Not selected", 1.0: "Selected"}
    assert meta.column_names_to_labels["transport__bus"] == "Bus (How do you travel?)"
    assert frame.loc[0, "age"] == 30.0 and meta.variable_measure["age"] == "scale"


def test_long_labels_are_truncated_safely_for_spss(tmp_path, write_definition):
    long_text = "Ça va? " + "é" * 300 + "?"
    definition = {"id": "long", "version": 1, "title": "Long", "pages": [
        {"id": "p", "title": "P", "questions": [
            {"id": "q", "type": "single_choice", "text": long_text,
             "options": [{"code": "yes", "label": "Yes"}, {"code": "no", "label": "No"}]}]}]}
    questionnaire = load_questionnaire(write_definition(definition))
    _, meta = read_sav(export_sav(questionnaire, [{"response_id": "1", "q": "yes"}]), tmp_path)
    label = meta.column_names_to_labels["q"]
    assert label.startswith("Ça va? é") and label.endswith("\u2026")
    assert len(label.encode("utf-8")) <= 256
    assert truncate_utf8("é" * 10, 5) == "é\u2026"
    assert truncate_utf8("short", 10) == "short"


@pytest.mark.parametrize(("row", "problem"), [
    ({"response_id": "X1", "car_use": "perhaps"}, "response X1, column car_use: 'perhaps'"),
    ({"response_id": "X2", "mode": "carrier_pigeon"}, "response X2, column mode"),
])
def test_bad_data_raises_export_error(bound_v1, row, problem):
    with pytest.raises(ExportError, match=problem):
        export_csv(bound_v1, [row])


def test_unknown_neighbourhood_with_a_list_raises(bound_v1, demo_neighbourhoods):
    with pytest.raises(ExportError, match="'atlantis' is not one of the neighbourhoods"):
        export_sav(bound_v1, [{"response_id": "1", "neighbourhood": "atlantis"}],
                   demo_neighbourhoods)


def test_synthetic_demo_data_fits_the_questionnaire(standard_v1, demo_neighbourhoods, tmp_path):
    # The demo generator (demo/responses.py) must produce data this package accepts.
    from demo.responses import generate_responses

    frame = generate_responses(n=300, seed=3, wave="2009-10")
    exported = export_csv(standard_v1, frame)
    result = parse_import(standard_v1, exported.replace(b",online,", b",paper,"),
                          demo_neighbourhoods, "paper", wave="2009-10")
    assert result.problems == ()
    assert len(result.rows) == 300
    sav, meta = read_sav(export_sav(standard_v1, frame, demo_neighbourhoods), tmp_path)
    assert len(sav) == 300 and meta.variable_value_labels["sex"][1.0] == "Female"


WEIGHTS = WeightColumn({"W1": 0.1 + 0.2, "P2": 1234.5}, "Rim weight; WEIGHT BY weight",
                       [["status", "weighted"], ["formula", "=cmd"], [],
                        ["variable", "category", "population"], ["sex", "female", 10.5]])


def test_weight_column_in_csv_is_exact_and_the_note_is_rectangular(bound_v1, responses):
    text = export_csv(bound_v1, responses, weights=WEIGHTS).decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), dtype={"response_id": str})
    assert list(frame.columns) == [*wide_columns(bound_v1), "weight"]
    assert frame["weight"].tolist() == [0.1 + 0.2, 1234.5]  # repr: reads back bit for bit
    note = weighting_note_csv(WEIGHTS).decode("utf-8-sig").split("\r\n")
    assert note[0] == "status,weighted," and note[1] == "formula,'=cmd,"
    assert note[4] == "sex,female,10.5"
    assert export_csv(bound_v1, responses).decode("utf-8-sig").splitlines()[0].split(",")[-1] \
        != "weight"  # no weights given: the contract format as before


def test_unweighted_wave_gives_a_blank_weight_everywhere(bound_v1, responses, tmp_path):
    empty = WeightColumn({}, "Rim weight: empty, the wave could not be weighted",
                         [["status", "not weighted"], ["reason", "too few responses"]])
    frame = pd.read_csv(io.BytesIO(export_csv(bound_v1, responses, weights=empty)),
                        encoding="utf-8-sig")
    assert frame["weight"].isna().all()
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(bound_v1, responses, weights=empty)))
    assert [row[-1] for row in book["Responses"].iter_rows(min_row=2, values_only=True)] == \
        [None, None]
    assert list(book["weighting"].iter_rows(values_only=True))[1] == ("reason",
                                                                       "too few responses")
    data, meta = read_sav(export_sav(bound_v1, responses, weights=empty), tmp_path)
    assert data["weight"].isna().all() and "could not be weighted" in meta.notes[-1]


def test_sav_and_xlsx_weights(bound_v1, responses, demo_neighbourhoods, tmp_path):
    data, meta = read_sav(export_sav(bound_v1, responses, demo_neighbourhoods, weights=WEIGHTS),
                          tmp_path)
    assert meta.column_names[-1] == "weight"
    assert dict(zip(meta.column_names, meta.column_labels, strict=True))["weight"] == \
        "Rim weight; WEIGHT BY weight"
    assert data["weight"].tolist() == [0.1 + 0.2, 1234.5]
    assert meta.notes[-1].startswith("Rim weight: weight; before analysis run WEIGHT BY weight")
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(bound_v1, responses, demo_neighbourhoods,
                                                         weights=WEIGHTS)))
    assert book.sheetnames == ["Responses", "weighting", "Codebook"]
    assert [c.value for c in book["weighting"][2]][:2] == ["formula", "'=cmd"]


def test_a_stored_control_character_does_not_break_the_xlsx(all_types):
    """openpyxl refuses C0 controls; one soft line break (\\x0b) pasted into an answer before the
    forms stripped them made the whole workbook fail. It is a line break in the cell now; other
    controls go."""
    rows = [{"response_id": "1", "neighbourhood": "north", "mode": "paper", "victim": "no",
             "age": 30, "nickname": "Line\x0bbreak\x1f"}]
    sheet = openpyxl.load_workbook(io.BytesIO(export_xlsx(all_types, rows)))["Responses"]
    nickname = wide_columns(all_types).index("nickname") + 1
    assert sheet.cell(2, nickname).value == "Line\nbreak"
