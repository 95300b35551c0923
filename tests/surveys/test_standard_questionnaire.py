"""The shipped questionnaires against the shared data contract (notes/contract.md): column ids,
codes in order, routing, and the two NI 21 wordings (methodology.md)."""

from __future__ import annotations

import pytest

from surveys import (
    METADATA_COLUMNS,
    is_question_shown,
    option_label,
    visible_pages,
    wide_columns,
)

AGREE = ["strongly_agree", "tend_to_agree", "neither_agree_nor_disagree", "tend_to_disagree",
         "strongly_disagree", "dont_know"]
PROBLEM = ["very_big_problem", "fairly_big_problem", "not_a_very_big_problem",
           "not_a_problem_at_all", "no_opinion"]
SAFE = ["very_safe", "fairly_safe", "neither_safe_nor_unsafe", "fairly_unsafe", "very_unsafe",
        "dont_know"]
WORRY = ["very_worried", "fairly_worried", "not_very_worried", "not_at_all_worried"]
YES_NO = ["yes", "no"]

# The contract's table, column by column, in its order.
CONTRACT_CODES = {
    "police_council_dealing": AGREE,
    "seek_views": AGREE,
    "asb_noisy_neighbours": PROBLEM,
    "asb_teenagers": PROBLEM,
    "asb_litter": PROBLEM,
    "asb_vandalism": PROBLEM,
    "asb_drugs": PROBLEM,
    "asb_drunk_rowdy": PROBLEM,
    "asb_abandoned_cars": PROBLEM,
    "respect": PROBLEM,
    "influence_decisions": ["definitely_agree", "tend_to_agree", "tend_to_disagree",
                            "definitely_disagree", "dont_know"],
    "safe_after_dark": SAFE,
    "safe_during_day": SAFE,
    "car_use": YES_NO,
    "worry_burglary": WORRY,
    "worry_car_crime": WORRY,
    "worry_violent_crime": WORRY,
    "victim_burglary": YES_NO,
    "victim_car_crime": YES_NO,
    "victim_violent_crime": YES_NO,
    "age_band": ["16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus",
                 "prefer_not_to_say"],
    "sex": ["female", "male", "prefer_not_to_say"],
    "ethnicity": ["white_british", "white_other", "mixed", "asian_or_asian_british",
                  "black_or_black_british", "other_ethnic_group", "prefer_not_to_say"],
    "disability": ["yes", "no", "prefer_not_to_say"],
}


@pytest.fixture(params=[1, 2], ids=["v1", "v2"])
def standard(request, standard_v1, standard_v2):
    return standard_v1 if request.param == 1 else standard_v2


def test_wide_columns_are_the_contract_columns_in_order(standard):
    assert METADATA_COLUMNS == ("response_id", "wave", "neighbourhood", "mode", "language", "submitted_at")
    assert wide_columns(standard) == list(METADATA_COLUMNS) + list(CONTRACT_CODES)


@pytest.mark.parametrize("column", list(CONTRACT_CODES))
def test_codes_match_the_contract_exactly(standard, column):
    assert list(standard.question(column).codes) == CONTRACT_CODES[column]


def test_asb_strands_are_one_grid_in_ni17_order(standard):
    grid = standard.question("asb")
    assert grid.type == "grid"
    assert [row.id for row in grid.rows] == [c for c in CONTRACT_CODES if c.startswith("asb_")]
    assert grid.text == "How much of a problem do you think each of these is in your local area?"
    assert grid.row("asb_drunk_rowdy").text == "People being drunk or rowdy in public places"


def test_neighbourhood_comes_from_the_portal_and_postcode_is_optional_and_not_exported(standard):
    neighbourhood = standard.question("neighbourhood")
    assert neighbourhood.options_from == "neighbourhoods" and neighbourhood.required
    postcode = standard.question("postcode")
    assert postcode.type == "postcode" and not postcode.required
    assert "postcode" not in wide_columns(standard)


def test_one_topic_per_page(standard):
    pages = {page.id: [q.id for q in page.questions] for page in standard.pages}
    assert pages == {
        "your-area": ["police_council_dealing", "seek_views"],
        "anti-social-behaviour": ["asb", "respect"],
        "influencing-decisions": ["influence_decisions"],
        "feeling-safe": ["safe_after_dark", "safe_during_day"],
        "worry-about-crime": ["car_use", "worry_burglary", "worry_car_crime",
                              "worry_violent_crime"],
        "experience-of-crime": ["victim_burglary", "victim_car_crime", "victim_violent_crime"],
        "about-you": ["neighbourhood", "postcode"],
        "equality": ["age_band", "sex", "ethnicity", "disability"],
    }


@pytest.mark.parametrize("question", ["worry_car_crime", "victim_car_crime"])
def test_car_crime_is_asked_only_of_car_or_van_users(standard, question):
    assert is_question_shown(standard, question, {"car_use": "yes"})
    assert not is_question_shown(standard, question, {"car_use": "no"})
    assert not is_question_shown(standard, question, {})


def test_every_page_is_shown_to_everyone(standard):
    assert len(visible_pages(standard, {})) == len(standard.pages)


@pytest.mark.parametrize(("question", "text"), [
    ("seek_views", "How much would you agree or disagree that the police and local council seek "
                   "people's views about these issues in your local area?"),
    ("influence_decisions", "Do you agree or disagree that you can influence decisions affecting "
                            "your local area?"),
    ("respect", "In your local area, how much of a problem do you think there is with people not "
                "treating each other with respect and consideration?"),
    ("safe_after_dark", "How safe or unsafe do you feel when outside in your local area after "
                        "dark?"),
    ("safe_during_day", "How safe or unsafe do you feel when outside in your local area during "
                        "the day?"),
    ("car_use", "Do you, or does anyone in your household, have the use of a car or van?"),
    ("worry_burglary", "How worried are you about having your home broken into and something "
                       "stolen?"),
    ("worry_car_crime", "How worried are you about having your car stolen or things stolen from "
                        "your car?"),
    ("worry_violent_crime", "How worried are you about being physically attacked or mugged in "
                            "the street?"),
    ("victim_violent_crime", "In the last 12 months, has anyone used force or violence on you?"),
])
def test_methodology_wording(standard, question, text):
    assert standard.question(question).text == text


def test_v1_asks_ni21_in_the_bcs_wording_without_preamble(standard_v1):
    assert standard_v1.question("police_council_dealing").text == (
        "How much would you agree or disagree that the police and local council are dealing with "
        "the anti-social behaviour and crime issues that matter in this area?")
    assert standard_v1.page("your-area").intro is None


def test_v2_asks_ni21_in_the_place_survey_wording_after_its_preamble(standard_v2):
    assert standard_v2.page("your-area").intro == (
        "It is the responsibility of the police and other local public services to work in "
        "partnership to deal with anti-social behaviour and crime in your local area.")
    assert standard_v2.question("police_council_dealing").text == (
        "How much would you agree or disagree that the police and other local public services are "
        "successfully dealing with these issues in your local area?")


def test_only_ni21_and_its_preamble_differ_between_versions(standard_v1, standard_v2):
    v1 = {q.id: q for q in standard_v1.questions}
    v2 = {q.id: q for q in standard_v2.questions}
    assert [qid for qid in v1 if v1[qid] != v2[qid]] == ["police_council_dealing"]
    assert [p.id for p in standard_v1.pages if p != standard_v2.page(p.id)] == ["your-area"]


@pytest.mark.parametrize(("column", "code", "label"), [
    ("police_council_dealing", "dont_know", "Don't know"),
    ("asb_teenagers", "not_a_problem_at_all", "Not a problem at all"),
    ("age_band", "75_plus", "75+"),
    ("ethnicity", "white_other", "White: other"),
    ("car_use", "yes", "Yes"),
])
def test_option_labels(standard, column, code, label):
    assert option_label(standard, column, code) == label
