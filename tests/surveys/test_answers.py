"""Page validation (GOV.UK messages, kept values) and whole-response problems."""

from __future__ import annotations

import pytest

from surveys import ProblemDetail, QuestionnaireError, validate_page, validate_response

AGREE_ERROR = ("Select how much you agree or disagree that the police and local council are "
               "dealing with the issues that matter in this area")


class FakeMultiDict(dict):
    """Stands in for werkzeug's MultiDict: ``getlist`` returns every value of a field."""

    def getlist(self, key):
        return list(super().get(key, []))


def test_valid_page_returns_clean_answers_and_no_errors(bound_v1):
    clean, errors = validate_page(bound_v1, "your-area", {
        "police_council_dealing": "tend_to_agree", "seek_views": ["dont_know"],
        "csrf_token": "ignored"})
    assert errors == {}
    assert clean == {"police_council_dealing": "tend_to_agree", "seek_views": "dont_know"}


def test_optional_questions_may_be_left_blank(bound_v1):
    assert validate_page(bound_v1, "your-area", {}) == ({}, {})


def test_tampered_code_gets_the_questions_own_message_and_other_answers_are_kept(bound_v1):
    clean, errors = validate_page(bound_v1, "your-area", {
        "police_council_dealing": "very_much", "seek_views": "tend_to_agree"})
    assert errors == {"police_council_dealing": AGREE_ERROR}
    assert clean == {"seek_views": "tend_to_agree"}


def test_required_neighbourhood_and_postcode_normalised(bound_v1):
    clean, errors = validate_page(bound_v1, "about-you", {"postcode": " ba1  1aa "})
    assert errors == {"neighbourhood": "Select the neighbourhood you live in"}
    assert clean == {"postcode": "BA1 1AA"}
    clean, errors = validate_page(bound_v1, "about-you", {"neighbourhood": "twerton"})
    assert (clean, errors) == ({"neighbourhood": "twerton"}, {})


def test_neighbourhoods_must_be_bound_first(standard_v1):
    with pytest.raises(QuestionnaireError, match="bind_options"):
        validate_page(standard_v1, "about-you", {"neighbourhood": "twerton"})


@pytest.mark.parametrize("postcode", ["BA1", "12345", "BA1 1CA", "QA1 1AA", "not a postcode"])
def test_bad_postcode_message(bound_v1, postcode):
    _, errors = validate_page(bound_v1, "about-you", {"neighbourhood": "twerton",
                                                      "postcode": postcode})
    assert errors == {"postcode": "Postcode must be a real UK postcode, like BA1 1AA"}


def test_grid_errors_are_keyed_by_row_and_name_the_row(bound_v1):
    clean, errors = validate_page(bound_v1, "anti-social-behaviour", {
        "asb_noisy_neighbours": "very_big_problem", "asb_drugs": "huge"})
    assert errors == {"asb_drugs": "People using or dealing drugs: select how much of a problem "
                                   "this is"}
    assert clean == {"asb_noisy_neighbours": "very_big_problem"}


def test_same_page_routing_drops_hidden_answers_without_error(bound_v1):
    clean, errors = validate_page(bound_v1, "worry-about-crime", {
        "car_use": "no", "worry_car_crime": "very_worried", "worry_burglary": "fairly_worried"})
    assert errors == {}
    assert clean == {"car_use": "no", "worry_burglary": "fairly_worried"}


def test_routing_uses_earlier_pages_answers(bound_v1):
    clean, _ = validate_page(bound_v1, "experience-of-crime", {"victim_car_crime": "yes"},
                             answers={"car_use": "yes"})
    assert clean == {"victim_car_crime": "yes"}
    clean, _ = validate_page(bound_v1, "experience-of-crime", {"victim_car_crime": "yes"},
                             answers={"car_use": "no"})
    assert clean == {}


def test_hidden_page_validates_to_nothing(all_types):
    assert validate_page(all_types, "follow-up", {"reported": "yes"},
                         answers={"victim": "no"}) == ({}, {})


def test_unknown_page_is_a_key_error(bound_v1):
    with pytest.raises(KeyError):
        validate_page(bound_v1, "no-such-page", {})


@pytest.mark.parametrize(("value", "message"), [
    ("", "Enter your age"),
    ("twelve", "Enter a whole number between 16 and 120"),
    ("15", "Enter a whole number between 16 and 120"),
    ("121", "Enter a whole number between 16 and 120"),
    ("40.5", "Enter a whole number between 16 and 120"),
    ("1_00", "Enter a whole number between 16 and 120"),
])
def test_integer_messages(all_types, value, message):
    _, errors = validate_page(all_types, "more", {"age": value})
    assert errors["age"] == message


@pytest.mark.parametrize(("value", "age"), [("16", 16), (" 120 ", 120), ("+40", 40)])
def test_integer_kept_as_int(all_types, value, age):
    clean, errors = validate_page(all_types, "more", {"age": value})
    assert errors == {} and clean["age"] == age


def test_text_length_limits(all_types):
    _, errors = validate_page(all_types, "more", {"age": "30", "nickname": "x" * 21})
    assert errors == {"nickname": "Answer must be 20 characters or fewer"}
    answers = {"victim": "yes"}
    long_text = "a\r\n" * 250 + "b"  # 501 characters once line breaks count as one
    _, errors = validate_page(all_types, "follow-up", {"reported": "no", "details": long_text},
                              answers=answers)
    assert errors == {"details": "Answer must be 500 characters or fewer"}
    clean, errors = validate_page(all_types, "follow-up", {"reported": "no",
                                                           "details": "  Bike stolen \r\n"},
                                  answers=answers)
    assert errors == {} and clean["details"] == "Bike stolen"


def test_multiple_choice_from_a_multidict_in_option_order(all_types):
    form = FakeMultiDict(victim=["no"], neighbourhood=["north"], transport=["car_or_van", "bus"])
    clean, errors = validate_page(all_types, "start", form)
    assert errors == {}
    assert clean == {"neighbourhood": "north", "victim": "no", "transport": ("bus", "car_or_van")}


def test_exclusive_option_cannot_be_combined(all_types):
    _, errors = validate_page(all_types, "start", {
        "neighbourhood": "north", "victim": "no", "transport": ["bus", "none_of_these"]})
    assert errors == {"transport": "Select either 'None of these' or other options, not both"}


def test_required_single_choice_message_and_error_order(all_types):
    _, errors = validate_page(all_types, "start", {"transport": ["bus"]})
    assert list(errors) == ["neighbourhood", "victim"]
    assert errors["victim"] == "Select yes if anything has happened to you"


def test_required_question_without_own_message_gets_a_generic_one(all_types):
    _, errors = validate_page(all_types, "follow-up", {}, answers={"victim": "yes"})
    assert errors == {"reported": "Select an answer"}


def test_a_valid_response_has_no_problems(bound_v1):
    answers = {"neighbourhood": "twerton", "car_use": "yes", "worry_car_crime": "very_worried",
               "asb_drugs": "no_opinion", "age_band": "75_plus"}
    assert validate_response(bound_v1, answers) == []


def test_response_problems_of_every_kind(all_types):
    answers = {"victim": "no", "reported": "yes", "transport": ("bus", "boat"), "age": 200,
               "favourite_colour": "blue"}
    problems = validate_response(all_types, answers)
    assert problems == [
        ProblemDetail("favourite_colour", "unknown_question",
                      "favourite_colour is not a question in all-types v1"),
        ProblemDetail("transport", "invalid_answer",
                      "'boat' is not an answer code for transport: use one of bus, train, "
                      "car_or_van, none_of_these"),
        ProblemDetail("age", "invalid_answer", "'200' is not a whole number between 16 and 120"),
        ProblemDetail("neighbourhood", "missing_required",
                      "neighbourhood is required but has no answer"),
        ProblemDetail("reported", "routing_violation",
                      "reported is only asked when victim is yes; leave it blank or correct the "
                      "answers it depends on"),
    ]


def test_a_wide_format_row_can_be_checked_directly(bound_v1):
    row = {"response_id": "R1", "wave": "2008-09", "neighbourhood": "twerton", "mode": "paper",
           "submitted_at": "", "car_use": "YES", "worry_car_crime": "very_worried", "sex": ""}
    assert validate_response(bound_v1, row, lenient=True) == []
    assert [p.kind for p in validate_response(bound_v1, row)] == ["invalid_answer"]


def test_routing_violation_in_the_standard_questionnaire(bound_v1):
    problems = validate_response(bound_v1, {"neighbourhood": "twerton", "car_use": "no",
                                            "victim_car_crime": "yes"})
    assert [(p.field, p.kind) for p in problems] == [("victim_car_crime", "routing_violation")]
    assert "only asked when car_use is yes" in problems[0].message


def test_required_answer_on_a_hidden_page_is_not_missing(all_types):
    problems = validate_response(all_types, {"neighbourhood": "south", "victim": "no", "age": 30})
    assert problems == []
    problems = validate_response(all_types, {"neighbourhood": "south", "victim": "yes",
                                             "age": 30})
    assert [(p.field, p.kind) for p in problems] == [("reported", "missing_required")]
