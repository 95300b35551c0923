"""Routing: pages and questions shown from earlier answers, stale answers pruned."""

from __future__ import annotations

from surveys import (
    is_question_shown,
    next_page,
    previous_page,
    prune_hidden,
    shown_questions,
    visible_pages,
)


def page_ids(pages):
    return [page.id for page in pages]


def test_follow_up_page_only_after_a_yes(all_types):
    assert page_ids(visible_pages(all_types, {"victim": "yes"})) == ["start", "follow-up", "more"]
    assert page_ids(visible_pages(all_types, {"victim": "no"})) == ["start", "more"]
    assert page_ids(visible_pages(all_types, {})) == ["start", "more"]


def test_question_routing_on_an_earlier_answer_on_the_same_page(all_types):
    answers = {"victim": "yes", "reported": "no"}
    assert is_question_shown(all_types, "details", answers)
    assert not is_question_shown(all_types, "details", {**answers, "reported": "yes"})


def test_question_on_a_hidden_page_is_hidden_whatever_its_own_rule(all_types):
    # reported = no would show details, but the follow-up page is hidden when victim = no.
    assert not is_question_shown(all_types, "details", {"victim": "no", "reported": "no"})


def test_nested_all_any_and_includes(all_types):
    car = {"transport": ("bus", "car_or_van")}
    assert is_question_shown(all_types, "parking", {**car, "victim": "no"})
    assert is_question_shown(all_types, "parking", {**car, "victim": "yes", "reported": "yes"})
    assert not is_question_shown(all_types, "parking", {**car, "victim": "yes"})
    assert not is_question_shown(all_types, "parking", {"transport": ("bus",), "victim": "no"})
    # grid rows are looked up through their grid
    assert is_question_shown(all_types, "parking_town", {**car, "victim": "no"})


def test_includes_accepts_the_wide_format_text_too(all_types):
    assert is_question_shown(all_types, "parking", {"transport": "bus;car_or_van", "victim": "no"})


def test_an_answer_to_a_hidden_question_does_not_keep_later_routing_alive(all_types):
    # reported = yes is stale (victim changed to no); parking's "any" must not count it.
    answers = {"transport": ("car_or_van",), "victim": "maybe", "reported": "yes"}
    assert not is_question_shown(all_types, "parking", answers)


def test_prune_hidden_drops_answers_routing_now_hides(all_types):
    answers = {"neighbourhood": "north", "victim": "no", "reported": "no", "details": "Bike gone",
               "transport": ("bus",), "parking_street": "big_problem", "age": 40, "nickname": "",
               "not_a_question": "x"}
    assert prune_hidden(all_types, answers) == {"neighbourhood": "north", "victim": "no",
                                                "transport": ("bus",), "age": 40}


def test_prune_hidden_keeps_everything_still_asked(standard_v1):
    answers = {"car_use": "yes", "worry_car_crime": "very_worried", "victim_car_crime": "no"}
    assert prune_hidden(standard_v1, answers) == answers
    assert prune_hidden(standard_v1, {**answers, "car_use": "no"}) == {"car_use": "no"}


def test_shown_questions_on_a_page(standard_v1):
    questions = shown_questions(standard_v1, {"car_use": "no"}, "worry-about-crime")
    assert [q.id for q in questions] == ["car_use", "worry_burglary", "worry_violent_crime"]


def test_next_and_previous_page_skip_hidden_pages(all_types):
    assert next_page(all_types, None, {}).id == "start"
    assert next_page(all_types, "start", {"victim": "no"}).id == "more"
    assert next_page(all_types, "start", {"victim": "yes"}).id == "follow-up"
    assert next_page(all_types, "more", {}) is None
    assert previous_page(all_types, "more", {"victim": "no"}).id == "start"
    assert previous_page(all_types, "more", {"victim": "yes"}).id == "follow-up"
    assert previous_page(all_types, "start", {}) is None
