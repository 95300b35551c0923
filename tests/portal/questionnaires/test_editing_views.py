"""Each editor operation through the test client, with its refusals: a question changed in place
(a new id followed by the routing on it), copied, moved; pages added, renamed, moved and deleted;
ANY/ALL routing; the check page's Change links; the preview's check-answers page. Every change is
audited and a refusal changes nothing."""

from __future__ import annotations

import copy
import re

import pytest

from portal.models import AuditEvent, Questionnaire, QuestionnaireDraft, Response
from portal.questionnaires.editing import find_question, form_shows_routing
from portal.questionnaires.versions import load_shipped

BASE = "/admin/questionnaires/drafts"


@pytest.fixture
def editing(signed_in, db_session):
    """(an admin's client, the draft's id) for a draft of version 1."""
    load_shipped(db_session)
    db_session.commit()
    v1 = db_session.query(Questionnaire).filter_by(version=1).one()
    admin = signed_in("admin")
    admin.post(f"/admin/questionnaires/{v1.id}/draft")
    return admin, db_session.query(QuestionnaireDraft).one().id


def _document(db_session, draft_id: int) -> dict:
    db_session.expire_all()
    return db_session.get(QuestionnaireDraft, draft_id).document


def _order(document: dict, page_id: str) -> list[str]:
    return [q["id"] for p in document["pages"] if p["id"] == page_id for q in p["questions"]]


def _changes(db_session) -> int:
    return db_session.query(AuditEvent).filter_by(action="questionnaire_draft_changed").count()


def _form(**changed) -> dict:
    seek = {"id": "seek_views", "type": "single_choice",
            "text": "Do the police and council ask your views?",
            "options": "Strongly agree\nTend to agree\nDon't know", "show_if_match": "any"}
    return {**seek, **changed}


def test_a_question_is_changed_in_place(editing, db_session):
    admin, draft_id = editing
    page = admin.get(f"{BASE}/{draft_id}/questions/seek_views/edit").get_data(as_text=True)
    assert "Change question seek_views" in page and "strongly_agree = Strongly agree" in page
    changed = admin.post(f"{BASE}/{draft_id}/questions/seek_views/edit",
                         data=_form(hint="Think of the last year", required="y"))
    assert changed.status_code == 302
    document = _document(db_session, draft_id)
    assert _order(document, "your-area") == ["police_council_dealing", "seek_views"]
    _, question = find_question(document, "seek_views")
    assert question["text"] == "Do the police and council ask your views?"
    assert question["hint"] == "Think of the last year" and question["required"] is True
    assert [o["code"] for o in question["options"]] == ["strongly_agree", "tend_to_agree",
                                                        "dont_know"]
    assert question["error_message"].startswith("Select how much you agree")  # on the form
    admin.post(f"{BASE}/{draft_id}/questions/seek_views/edit", data=_form(error_message=""))
    assert "error_message" not in find_question(_document(db_session, draft_id), "seek_views")[1]
    assert _changes(db_session) == 2


def test_a_changed_question_with_problems_is_refused_keeping_what_was_typed(editing, db_session):
    admin, draft_id = editing
    before = _document(db_session, draft_id)
    later = admin.post(f"{BASE}/{draft_id}/questions/seek_views/edit",
                       data=_form(show_if_question="car_use", show_if_codes="yes"))
    assert later.status_code == 400
    text = later.get_data(as_text=True)
    assert "routing only looks back" in text and "Do the police and council ask your views?" in text
    wrong_code = admin.post(f"{BASE}/{draft_id}/questions/seek_views/edit",
                            data=_form(options="agree = Strongly agree\nNo"))
    assert wrong_code.status_code == 400
    assert "option code agree should be strongly_agree" in wrong_code.get_data(as_text=True)
    assert _document(db_session, draft_id) == before and _changes(db_session) == 0


def test_a_new_id_is_followed_by_the_routing_on_it(editing, db_session):
    admin, draft_id = editing
    data = {"id": "drives", "type": "single_choice", "text": "Do you drive?",
            "options": "yes = Yes\nno = No"}
    assert admin.post(f"{BASE}/{draft_id}/questions/car_use/edit", data=data).status_code == 302
    document = _document(db_session, draft_id)
    assert find_question(document, "worry_car_crime")[1]["show_if"]["question"] == "drives"
    assert find_question(document, "victim_car_crime")[1]["show_if"]["question"] == "drives"
    taken = admin.post(f"{BASE}/{draft_id}/questions/drives/edit", data={**data, "id": "sex"})
    assert taken.status_code == 400 and "There is already a question sex" in taken.get_data(
        as_text=True)
    check = admin.get(f"{BASE}/{draft_id}").get_data(as_text=True)
    assert "Shown when drives is yes" in check and "Fix these" not in check


def test_questions_move_within_their_page_but_not_before_their_routing(editing, db_session):
    admin, draft_id = editing
    moved = admin.post(f"{BASE}/{draft_id}/questions/worry_burglary/move", data={"direction": "up"})
    assert moved.status_code == 302
    assert _order(_document(db_session, draft_id), "worry-about-crime")[:2] == [
        "worry_burglary", "car_use"]
    admin.post(f"{BASE}/{draft_id}/questions/worry_burglary/move", data={"direction": "down"})
    before = _document(db_session, draft_id)
    assert _order(before, "worry-about-crime")[:3] == ["car_use", "worry_burglary",
                                                       "worry_car_crime"]
    admin.post(f"{BASE}/{draft_id}/questions/worry_car_crime/move", data={"direction": "up"})
    refused = admin.post(f"{BASE}/{draft_id}/questions/worry_car_crime/move",
                         data={"direction": "up"})
    assert refused.status_code == 400
    assert ("worry_car_crime cannot go above car_use: it is shown only after car_use is answered"
            in refused.get_data(as_text=True))
    top = admin.post(f"{BASE}/{draft_id}/questions/police_council_dealing/move",
                     data={"direction": "up"})
    assert top.status_code == 400 and "already the first question" in top.get_data(as_text=True)
    sideways = admin.post(f"{BASE}/{draft_id}/questions/seek_views/move",
                          data={"direction": "left"})
    assert sideways.status_code == 400
    assert _changes(db_session) == 3


def test_pages_move_but_not_before_the_page_their_routing_reads(editing, db_session):
    admin, draft_id = editing
    assert admin.post(f"{BASE}/{draft_id}/pages/your-area/move",
                      data={"direction": "down"}).status_code == 302
    pages = [p["id"] for p in _document(db_session, draft_id)["pages"]]
    assert pages[:2] == ["anti-social-behaviour", "your-area"]
    refused = admin.post(f"{BASE}/{draft_id}/pages/experience-of-crime/move",
                         data={"direction": "up"})
    assert refused.status_code == 400
    assert ("Page experience-of-crime cannot go before page worry-about-crime: its routing reads "
            "car_use" in refused.get_data(as_text=True))


def test_a_question_is_copied_under_a_new_id(editing, db_session):
    admin, draft_id = editing
    for _ in range(2):
        assert admin.post(f"{BASE}/{draft_id}/questions/seek_views/copy").status_code == 302
    assert admin.post(f"{BASE}/{draft_id}/questions/asb/copy").status_code == 302
    document = _document(db_session, draft_id)
    assert _order(document, "your-area") == ["police_council_dealing", "seek_views",
                                             "seek_views_copy_2", "seek_views_copy"]
    _, grid = find_question(document, "asb_copy")
    assert grid["rows"][0]["id"] == "asb_noisy_neighbours_copy"
    assert admin.post(f"{BASE}/{draft_id}/questions/nothing/copy").status_code == 404
    assert admin.get(f"{BASE}/{draft_id}/questions/nothing/edit").status_code == 404
    assert admin.get(f"{BASE}/{draft_id}/pages/nowhere/questions/new").status_code == 404


def test_pages_are_added_renamed_and_deleted(editing, db_session):
    admin, draft_id = editing
    bad = admin.post(f"{BASE}/{draft_id}/pages/new", data={"id": "Getting About", "title": "x"})
    assert bad.status_code == 400 and "joined by hyphens" in bad.get_data(as_text=True)
    assert admin.post(f"{BASE}/{draft_id}/pages/new",
                      data={"id": "getting-about", "title": "Getting about"}).status_code == 302
    check = admin.get(f"{BASE}/{draft_id}").get_data(as_text=True)
    assert "Fix these" in check and 'href="#page-getting-about"' in check
    taken = admin.post(f"{BASE}/{draft_id}/pages/getting-about/edit",
                       data={"id": "your-area", "title": "Travel"})
    assert taken.status_code == 400 and "There is already a page your-area" in taken.get_data(
        as_text=True)
    assert admin.post(f"{BASE}/{draft_id}/pages/getting-about/edit",
                      data={"id": "travel", "title": "Travel"}).status_code == 302
    assert admin.post(f"{BASE}/{draft_id}/pages/travel/delete").status_code == 302  # empty
    routed = admin.post(f"{BASE}/{draft_id}/pages/worry-about-crime/delete", data={"confirm": "y"})
    assert routed.status_code == 400
    assert "the routing of victim_car_crime depends on its questions" in routed.get_data(
        as_text=True)
    asked = admin.get(f"{BASE}/{draft_id}/pages/your-area/delete").get_data(as_text=True)
    assert "Its 2 questions are deleted with it" in asked
    unconfirmed = admin.post(f"{BASE}/{draft_id}/pages/your-area/delete")
    assert unconfirmed.status_code == 400
    assert "Say yes to deleting page your-area" in unconfirmed.get_data(as_text=True)
    assert admin.post(f"{BASE}/{draft_id}/pages/your-area/delete",
                      data={"confirm": "y"}).status_code == 302
    pages = [p["id"] for p in _document(db_session, draft_id)["pages"]]
    assert "your-area" not in pages and "travel" not in pages and "worry-about-crime" in pages
    assert _changes(db_session) == 4


def test_a_question_routed_on_cannot_be_deleted(editing, db_session):
    admin, draft_id = editing
    refused = admin.post(f"{BASE}/{draft_id}/questions/car_use/delete")
    assert refused.status_code == 400
    assert "the routing of worry_car_crime, victim_car_crime depends on it" in refused.get_data(
        as_text=True)
    assert admin.post(f"{BASE}/{draft_id}/questions/seek_views/delete").status_code == 302
    assert _order(_document(db_session, draft_id), "your-area") == ["police_council_dealing"]


BUS = {"id": "bus_use", "type": "single_choice", "text": "Do you use the local buses?",
       "options": "Yes\nNo", "show_if_question": "car_use", "show_if_codes": "no",
       "show_if_question_2": "worry_burglary", "show_if_codes_2": "very_worried, fairly_worried"}


@pytest.mark.parametrize("match, words", [
    ("any", "car_use is no or worry_burglary is one of very_worried, fairly_worried"),
    ("all", "car_use is no and worry_burglary is one of very_worried, fairly_worried")])
def test_routing_on_any_or_all_of_several_conditions(editing, db_session, match, words):
    admin, draft_id = editing
    added = admin.post(f"{BASE}/{draft_id}/pages/experience-of-crime/questions/new",
                       data={**BUS, "show_if_match": match})
    assert added.status_code == 302, added.get_data(as_text=True)
    _, question = find_question(_document(db_session, draft_id), "bus_use")
    assert question["show_if"] == {match: [
        {"question": "car_use", "equals": "no"},
        {"question": "worry_burglary", "in": ["very_worried", "fairly_worried"]}]}
    check = admin.get(f"{BASE}/{draft_id}").get_data(as_text=True)
    assert f"Shown when {words}" in check and "Fix these" not in check
    assert f"{BASE}/{draft_id}/questions/bus_use/edit" in check  # its Change link
    form = admin.get(f"{BASE}/{draft_id}/questions/bus_use/edit").get_data(as_text=True)
    assert 'value="very_worried, fairly_worried"' in form
    assert re.search(rf'<input checked[^>]*name="show_if_match"[^>]*value="{match}"', form)


def test_a_condition_needs_its_question_and_codes(editing, db_session):
    admin, draft_id = editing
    no_codes = admin.post(f"{BASE}/{draft_id}/pages/experience-of-crime/questions/new",
                          data={**BUS, "show_if_codes_2": ""})
    assert no_codes.status_code == 400
    assert "Condition 2: enter the codes of worry_burglary" in no_codes.get_data(as_text=True)
    bad_code = admin.post(f"{BASE}/{draft_id}/pages/experience-of-crime/questions/new",
                          data={**BUS, "show_if_codes": "sometimes"})
    assert bad_code.status_code == 400
    assert "show_if uses code sometimes, which is not an option of car_use" in bad_code.get_data(
        as_text=True)
    assert _changes(db_session) == 0


def test_the_preview_ends_on_a_check_answers_page_storing_nothing(editing, signed_in, db_session):
    _, draft_id = editing
    analyst = signed_in("analyst")
    sent = analyst.post(f"{BASE}/{draft_id}/preview/your-area",
                        data={"police_council_dealing": "tend_to_agree", "seek_views": "dont_know"})
    assert sent.status_code == 302
    page = analyst.get(f"{BASE}/{draft_id}/preview-answers")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Check your answers before sending them" in text
    assert "Tend to agree" in text and "could not send these answers yet" in text
    assert f"{BASE}/{draft_id}/preview/your-area?change=1#seek_views" in text
    changed = analyst.post(f"{BASE}/{draft_id}/preview/your-area?change=1",
                           data={"police_council_dealing": "strongly_agree",
                                 "seek_views": "dont_know"})
    assert changed.headers["Location"].endswith(f"{BASE}/{draft_id}/preview-answers")
    assert "Strongly agree" in analyst.get(f"{BASE}/{draft_id}/preview-answers").get_data(
        as_text=True)
    assert db_session.query(Response).count() == 0


def test_routing_the_form_cannot_show_is_named_before_it_is_replaced(editing, db_session):
    admin, draft_id = editing
    draft = db_session.get(QuestionnaireDraft, draft_id)
    document = copy.deepcopy(draft.document)
    _, question = find_question(document, "worry_violent_crime")
    question["show_if"] = {"any": [{"all": [{"question": "car_use", "equals": "no"},
                                            {"question": "worry_burglary",
                                             "equals": "very_worried"}]},
                                   {"question": "car_use", "equals": "yes"}]}
    assert not form_shows_routing(question["show_if"])
    assert form_shows_routing({"question": "car_use", "equals": "yes"}) and form_shows_routing(None)
    draft.document = document
    db_session.commit()
    page = admin.get(f"{BASE}/{draft_id}/questions/worry_violent_crime/edit").get_data(as_text=True)
    assert ("Its routing now is car_use is no and worry_burglary is very_worried or car_use is yes"
            in page)


def _bus_use(**changed) -> dict:
    bus = {"id": "bus_use", "type": "multiple_choice", "text": "When do you take the bus?",
           "options": "Weekdays\nWeekends\nNone of these", "exclusive": "none_of_these",
           "error_message": "Select when you take the bus, or None of these",
           "required": "y", "show_if_match": "any"}
    return {**bus, **changed}


def test_exclusive_options_and_error_messages_are_saved_shown_and_previewed(editing, signed_in,
                                                                             db_session):
    admin, draft_id = editing
    added = admin.post(f"{BASE}/{draft_id}/pages/your-area/questions/new", data=_bus_use())
    assert added.status_code == 302
    _, question = find_question(_document(db_session, draft_id), "bus_use")
    assert [o.get("exclusive", False) for o in question["options"]] == [False, False, True]
    assert question["error_message"] == "Select when you take the bus, or None of these"
    check = admin.get(f"{BASE}/{draft_id}").get_data(as_text=True)
    assert "none_of_these: None of these (clears the others)" in check
    assert "Error message: Select when you take the bus, or None of these" in check
    form = admin.get(f"{BASE}/{draft_id}/questions/bus_use/edit").get_data(as_text=True)
    assert 'value="none_of_these"' in form
    analyst = signed_in("analyst")
    answers = {"police_council_dealing": "tend_to_agree", "seek_views": "dont_know"}
    both = analyst.post(f"{BASE}/{draft_id}/preview/your-area",
                        data={**answers, "bus_use": ["weekdays", "none_of_these"]})
    assert both.status_code == 400
    assert "or other options, not both" in both.get_data(as_text=True)
    blank = analyst.post(f"{BASE}/{draft_id}/preview/your-area", data=answers)
    assert blank.status_code == 400
    assert "Select when you take the bus, or None of these" in blank.get_data(as_text=True)
    assert analyst.post(f"{BASE}/{draft_id}/preview/your-area",
                        data={**answers, "bus_use": ["none_of_these"]}).status_code == 302


@pytest.mark.parametrize(("changed", "sentence"), [
    ({"exclusive": "nothing"}, "nothing is not an option code of bus_use"),
    ({"type": "single_choice"}, "Only a multiple choice question can have options that clear"),
])
def test_exclusive_codes_must_be_options_of_a_multiple_choice(editing, db_session, changed,
                                                             sentence):
    admin, draft_id = editing
    refused = admin.post(f"{BASE}/{draft_id}/pages/your-area/questions/new",
                         data=_bus_use(**changed))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and sentence in text
    assert "When do you take the bus?" in text  # what was typed is kept
    assert "bus_use" not in {q["id"] for p in _document(db_session, draft_id)["pages"]
                             for q in p["questions"]}
    assert _changes(db_session) == 0


def test_a_question_moves_to_another_page_unless_routing_would_look_forward(editing,
                                                                            db_session):
    admin, draft_id = editing
    form = admin.get(f"{BASE}/{draft_id}/questions/worry_burglary/page").get_data(as_text=True)
    assert "Move worry_burglary to another page" in form and 'value="equality"' in form
    assert 'value="worry-about-crime"' not in form  # its own page is not offered
    assert len(re.findall(r'<input[^>]*name="page"[^>]*type="radio"', form)) == 7  # one per other page
    moved = admin.post(f"{BASE}/{draft_id}/questions/worry_burglary/page",
                       data={"page": "your-area"})
    assert moved.status_code == 302
    document = _document(db_session, draft_id)
    assert _order(document, "your-area")[-1] == "worry_burglary"
    assert "worry_burglary" not in _order(document, "worry-about-crime")
    assert "Move to another page" in admin.get(f"{BASE}/{draft_id}").get_data(as_text=True)
    routed_later = admin.post(f"{BASE}/{draft_id}/questions/car_use/page",
                              data={"page": "equality"})
    assert routed_later.status_code == 400
    assert ("car_use cannot go to page equality: worry_car_crime is shown only after car_use is "
            "answered, and routing only looks back" in routed_later.get_data(as_text=True))
    routes_back = admin.post(f"{BASE}/{draft_id}/questions/worry_car_crime/page",
                             data={"page": "your-area"})
    assert routes_back.status_code == 400
    assert ("worry_car_crime cannot go to page your-area: it is shown only after car_use is "
            "answered" in routes_back.get_data(as_text=True))
    nowhere = admin.post(f"{BASE}/{draft_id}/questions/car_use/page", data={"page": "nowhere"})
    assert nowhere.status_code == 400
    assert _order(_document(db_session, draft_id), "worry-about-crime")[0] == "car_use"
    assert _changes(db_session) == 1


def test_page_routing_is_saved_shown_and_skips_the_page_in_preview(editing, signed_in,
                                                                   db_session):
    admin, draft_id = editing
    form = admin.get(f"{BASE}/{draft_id}/pages/anti-social-behaviour/routing")
    text = form.get_data(as_text=True)
    assert form.status_code == 200 and 'value="seek_views"' in text
    assert 'value="respect"' not in text  # a question on the page itself is not offered
    saved = admin.post(f"{BASE}/{draft_id}/pages/anti-social-behaviour/routing",
                       data={"show_if_question": "seek_views", "show_if_codes": "strongly_agree",
                             "show_if_match": "any"})
    assert saved.status_code == 302
    page = _document(db_session, draft_id)["pages"][1]
    assert page["show_if"] == {"question": "seek_views", "equals": "strongly_agree"}
    check = admin.get(f"{BASE}/{draft_id}").get_data(as_text=True)
    assert "Shown when seek_views is strongly_agree" in check
    assert 'value="strongly_agree"' in admin.get(
        f"{BASE}/{draft_id}/pages/anti-social-behaviour/routing").get_data(as_text=True)
    analyst = signed_in("analyst")
    skipped = analyst.post(f"{BASE}/{draft_id}/preview/your-area",
                           data={"police_council_dealing": "tend_to_agree",
                                 "seek_views": "dont_know"})
    assert skipped.headers["Location"].endswith(f"{BASE}/{draft_id}/preview/influencing-decisions")
    shown = analyst.post(f"{BASE}/{draft_id}/preview/your-area",
                         data={"police_council_dealing": "tend_to_agree",
                               "seek_views": "strongly_agree"})
    assert shown.headers["Location"].endswith(f"{BASE}/{draft_id}/preview/anti-social-behaviour")
    cleared = admin.post(f"{BASE}/{draft_id}/pages/anti-social-behaviour/routing",
                         data={"show_if_question": "", "show_if_codes": "",
                               "show_if_match": "any"})  # as a browser sends emptied fields
    assert cleared.status_code == 302
    assert "show_if" not in _document(db_session, draft_id)["pages"][1]


@pytest.mark.parametrize(("data", "sentence"), [
    ({"show_if_question": "seek_views", "show_if_codes": "maybe"},
     "show_if uses code maybe, which is not an option of seek_views"),
    ({"show_if_question": "seek_views"}, "enter the codes of seek_views that show the page"),
    ({"show_if_question": "respect", "show_if_codes": "not_a_problem_at_all"},
     "routing only looks back"),
])
def test_page_routing_refusals_keep_what_was_typed(editing, db_session, data, sentence):
    admin, draft_id = editing
    refused = admin.post(f"{BASE}/{draft_id}/pages/anti-social-behaviour/routing",
                         data={"show_if_match": "any", **data})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and sentence in text
    assert f'value="{data.get("show_if_codes", "")}"' in text or "show_if_codes" not in data
    assert "show_if" not in _document(db_session, draft_id)["pages"][1]
    assert _changes(db_session) == 0
