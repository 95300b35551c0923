"""Codebook helpers used by analysis and reports."""

from __future__ import annotations

import pytest

from surveys import codebook, column_text, option_label, option_labels


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
