"""Codebook helpers used by analysis and reports."""

from __future__ import annotations

import pytest

from surveys import (
    AnswerSummaryRow,
    answer_summary,
    codebook,
    column_text,
    option_label,
    option_labels,
)


def test_option_label_for_questions_grid_rows_and_mode(standard_v1):
    assert option_label(standard_v1, "safe_after_dark", "neither_safe_nor_unsafe") == (
        "Neither safe nor unsafe")
    assert option_label(standard_v1, "asb_abandoned_cars", "no_opinion") == "No opinion"
    assert option_label(standard_v1, "mode", "phone") == "Phone"


def test_neighbourhood_labels_after_binding(standard_v1, bound_v1):
    assert option_label(bound_v1, "neighbourhood", "widcombe") == "Widcombe and Lyncombe"
    with pytest.raises(KeyError):
        option_label(standard_v1, "neighbourhood", "widcombe")


@pytest.mark.parametrize(("question", "code"), [("car_use", "maybe"), ("no_such_question", "x")])
def test_unknown_codes_and_questions_are_key_errors(standard_v1, question, code):
    with pytest.raises(KeyError):
        option_label(standard_v1, question, code)


def test_option_labels_in_order(standard_v1):
    assert option_labels(standard_v1, "sex") == {"female": "Female", "male": "Male",
                                                 "prefer_not_to_say": "Prefer not to say"}


def test_codebook_numbers_codes_from_one_in_option_order(standard_v1, demo_neighbourhoods):
    entries = codebook(standard_v1, demo_neighbourhoods)
    disability = [(e.code, e.value) for e in entries if e.column == "disability"]
    assert disability == [("yes", 1), ("no", 2), ("prefer_not_to_say", 3)]
    response_id = [e for e in entries if e.column == "response_id"]
    assert len(response_id) == 1 and response_id[0].value is None
    assert len([e for e in entries if e.column == "neighbourhood"]) == 12
    assert "postcode" not in {e.column for e in entries}


def test_column_text_puts_grid_row_first(standard_v1):
    assert column_text(standard_v1, "asb_litter") == (
        "Rubbish or litter lying around (How much of a problem do you think each of these is in "
        "your local area?)")


def test_answer_summary_for_check_your_answers(all_types):
    answers = {"neighbourhood": "north", "victim": "no", "transport": ("bus", "car_or_van"),
               "age": 44, "parking_street": "big_problem", "reported": "yes"}
    rows = answer_summary(all_types, answers)
    assert [row.field for row in rows] == ["neighbourhood", "victim", "transport", "age",
                                           "nickname", "postcode", "parking_street",
                                           "parking_town"]
    by_field = {row.field: row for row in rows}
    assert by_field["transport"] == AnswerSummaryRow("start", "transport", "How do you travel?",
                                                     ("Bus", "Car or van"))
    assert by_field["age"].answer == ("44",)
    assert by_field["nickname"].answer == ()
    assert by_field["parking_street"].question_text == "Your street"
    assert by_field["parking_street"].answer == ("Big problem",)
