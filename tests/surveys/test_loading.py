"""Loading definitions: schema and semantic errors name the file, the question and the problem;
checksums freeze a version."""

from __future__ import annotations

import copy
import shutil

import pytest

from surveys import (
    QuestionnaireError,
    bind_options,
    checksum,
    list_questionnaires,
    load_questionnaire,
)
from surveys.definition_checks import snake_case
from surveys.loading import DEFINITIONS_DIR

YES_NO = [{"code": "yes", "label": "Yes"}, {"code": "no", "label": "No"}]


def valid_definition() -> dict:
    return {
        "id": "broken",
        "version": 1,
        "title": "A test questionnaire",
        "pages": [
            {"id": "p1", "title": "First", "questions": [
                {"id": "q1", "type": "single_choice", "text": "First question?",
                 "options": copy.deepcopy(YES_NO)},
                {"id": "q2", "type": "single_choice", "text": "Second question?",
                 "options": copy.deepcopy(YES_NO), "show_if": {"question": "q1", "equals": "yes"}},
            ]},
            {"id": "p2", "title": "Second", "questions": [
                {"id": "q3", "type": "integer", "text": "How many?", "min": 0, "max": 10},
            ]},
        ],
    }


def q(definition: dict, page: int, index: int) -> dict:
    return definition["pages"][page]["questions"][index]


def drop_text(d):
    del q(d, 0, 0)["text"]


def bad_type(d):
    q(d, 0, 0)["type"] = "slider"


def not_snake_case(d):
    q(d, 0, 0)["options"].append({"code": "dont-know", "label": "Don't know"})


def code_not_of_label(d):
    q(d, 0, 0)["options"].append({"code": "unsure", "label": "Don't know"})


def duplicate_id(d):
    q(d, 1, 0)["id"] = "q1"


def routes_forward(d):
    q(d, 0, 0)["show_if"] = {"question": "q2", "equals": "yes"}


def routes_to_unknown(d):
    q(d, 0, 1)["show_if"] = {"question": "q9", "equals": "yes"}


def routes_on_bad_code(d):
    q(d, 0, 1)["show_if"] = {"question": "q1", "equals": "maybe"}


def routes_on_integer(d):
    d["pages"][1]["questions"].append({"id": "q4", "type": "text", "text": "Why?",
                                      "show_if": {"question": "q3", "equals": "yes"}})


def page_routes_on_same_page(d):
    d["pages"][0]["show_if"] = {"question": "q1", "equals": "yes"}


def min_above_max(d):
    q(d, 1, 0)["min"] = 20


def typo_property(d):
    q(d, 0, 0)["optons"] = q(d, 0, 0).pop("options")


def options_on_integer(d):
    q(d, 1, 0)["options"] = copy.deepcopy(YES_NO)


def max_length_on_choice(d):
    q(d, 0, 0)["max_length"] = 10


def choice_without_options(d):
    del q(d, 0, 1)["options"]


def one_option(d):
    q(d, 0, 0)["options"] = YES_NO[:1]


def reserved_id(d):
    q(d, 1, 0)["id"] = "mode"


def spss_reserved_id(d):
    q(d, 1, 0)["id"] = "to"


def grid_row_reuses_id(d):
    d["pages"][1]["questions"].append({
        "id": "grid", "type": "grid", "text": "How much?", "options": copy.deepcopy(YES_NO),
        "rows": [{"id": "q1", "text": "Row"}]})


def includes_on_single_choice(d):
    q(d, 0, 1)["show_if"] = {"question": "q1", "includes": "yes"}


def condition_without_test(d):
    q(d, 0, 1)["show_if"] = {"question": "q1"}


def blank_text(d):
    q(d, 0, 0)["text"] = "   "


def duplicate_code(d):
    q(d, 0, 0)["options"].append({"code": "yes", "label": "Yes"})


def neighbourhood_with_options(d):
    q(d, 1, 0).update({"id": "neighbourhood", "type": "single_choice", "options": YES_NO})
    del q(d, 1, 0)["min"], q(d, 1, 0)["max"]


@pytest.mark.parametrize(("break_it", "where", "problem"), [
    (drop_text, "question q1", "'text' is a required property"),
    (bad_type, "question q1", "'slider' is not one of"),
    (not_snake_case, "question q1", "'dont-know' does not match"),
    (code_not_of_label, "question q1", "option code unsure should be dont_know"),
    (duplicate_id, "question q1", "id q1 is already used by question q1"),
    (routes_forward, "question q1", "show_if refers to q2, which is not an earlier question"),
    (routes_to_unknown, "question q2", "q9, which is not a question in this file"),
    (routes_on_bad_code, "question q2", "show_if uses code maybe, which is not an option of q1"),
    (routes_on_integer, "question q4", "can only route on choice questions; q3 is integer"),
    (page_routes_on_same_page, "page p1", "q1, which is not on an earlier page"),
    (min_above_max, "question q3", "min (20) is greater than max (10)"),
    (typo_property, "question q1", "'optons' was unexpected"),
    (options_on_integer, "question q3", "integer questions cannot have options"),
    (max_length_on_choice, "question q1", "max_length is only allowed on text and long_text"),
    (choice_without_options, "question q2", "single_choice questions need options"),
    (one_option, "question q1", "options: [{'code': 'yes', 'label': 'Yes'}] is too short"),
    (reserved_id, "question mode", "id mode is reserved for a column of the wide format"),
    (spss_reserved_id, "question to", "id to is a reserved word in SPSS"),
    (grid_row_reuses_id, "question grid", "id q1 is already used by question q1"),
    (includes_on_single_choice, "question q2", "'includes' needs a multiple_choice question"),
    (condition_without_test, "question q2", "show_if needs 'question' and exactly one of"),
    (blank_text, "question q1", "text: '   ' does not match"),
    (duplicate_code, "question q1", "option code yes is used twice"),
    (neighbourhood_with_options, "question neighbourhood", "options_from: neighbourhoods"),
])
def test_broken_definition_names_file_question_and_problem(write_definition, break_it, where,
                                                           problem):
    definition = valid_definition()
    break_it(definition)
    path = write_definition(definition)
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    message = str(caught.value)
    assert message.startswith(f"broken.v1.yaml: {where}: "), message
    assert problem in message


def test_the_valid_definition_loads(write_definition):
    questionnaire = load_questionnaire(write_definition(valid_definition()))
    assert [question.id for question in questionnaire.questions] == ["q1", "q2", "q3"]
    assert questionnaire.question("q2").show_if.describe() == "q1 is yes"


@pytest.mark.parametrize(("text", "problem"), [
    ("id: broken\nversion: 1\ntitle: [unclosed\n", "YAML syntax error"),
    ("id: broken\nid: again\n", "duplicate key 'id'"),
    ("- just\n- a list\n", "the file must hold a mapping"),
])
def test_unreadable_yaml_names_the_file_and_line(write_definition, text, problem):
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(write_definition(text))
    assert str(caught.value).startswith("broken.v1.yaml: ")
    assert problem in str(caught.value)


def test_duplicate_key_names_the_line(write_definition):
    with pytest.raises(QuestionnaireError, match=r"broken.v1.yaml: line 2: .*duplicate key"):
        load_questionnaire(write_definition("id: broken\nid: again\n"))


def test_file_name_must_match_id_and_version(write_definition):
    path = write_definition(valid_definition(), name="broken.v2.yaml")
    with pytest.raises(QuestionnaireError, match=r"file name must be broken\.v1\.yaml"):
        load_questionnaire(path)


def test_yes_no_and_age_codes_need_no_quotes(write_definition):
    # YAML 1.1 would read yes as True and 16_24 as the integer 1624.
    text = """\
id: broken
version: 1
title: Plain codes
pages:
  - id: p1
    title: Only page
    questions:
      - id: q1
        type: single_choice
        text: Question?
        options:
          - {code: yes, label: "Yes"}
          - {code: no, label: "No"}
          - {code: 16_24, label: 16-24}
"""
    questionnaire = load_questionnaire(write_definition(text))
    assert questionnaire.question("q1").codes == ("yes", "no", "16_24")


def test_loads_latest_version_by_id_and_a_named_version():
    assert load_questionnaire("crime-and-community-safety").version == 2
    assert load_questionnaire("crime-and-community-safety", 1).version == 1


@pytest.mark.parametrize(("args", "problem"), [
    (("no-such-survey",), "no questionnaire 'no-such-survey'"),
    (("crime-and-community-safety", 9), "no version 9 of questionnaire"),
])
def test_unknown_id_or_version(args, problem):
    with pytest.raises(QuestionnaireError, match=problem):
        load_questionnaire(*args)


def test_list_questionnaires_gives_ids_versions_and_checksums(standard_v1, standard_v2):
    infos = list_questionnaires()
    assert [(i.id, i.version) for i in infos] == [("crime-and-community-safety", 1),
                                                  ("crime-and-community-safety", 2)]
    assert infos[0].checksum == checksum(standard_v1)
    assert infos[1].checksum == checksum(standard_v2)


def test_checksum_ignores_layout_but_not_wording(tmp_path, standard_v1):
    source = DEFINITIONS_DIR / "crime-and-community-safety.v1.yaml"
    copy_path = tmp_path / source.name
    shutil.copy(source, copy_path)
    copy_path.write_text("# a new comment\n" + copy_path.read_text("utf-8"), encoding="utf-8")
    assert checksum(load_questionnaire(copy_path)) == checksum(standard_v1)

    copy_path.write_text(copy_path.read_text("utf-8").replace("Fairly safe", "Quite safe")
                         .replace("fairly_safe", "quite_safe"), encoding="utf-8")
    assert checksum(load_questionnaire(copy_path)) != checksum(standard_v1)


def test_edited_frozen_version_is_detected(tmp_path, standard_v1):
    frozen = checksum(standard_v1)
    source = DEFINITIONS_DIR / "crime-and-community-safety.v1.yaml"
    edited = tmp_path / source.name
    edited.write_text(source.read_text("utf-8").replace("Teenagers hanging around",
                                                        "Young people hanging around"), "utf-8")
    assert load_questionnaire("crime-and-community-safety", 1, expected_checksum=frozen)
    with pytest.raises(QuestionnaireError, match=r"edited since it was frozen.*new version file"):
        load_questionnaire("crime-and-community-safety", 1, expected_checksum=frozen,
                           directory=tmp_path)


def test_checksum_does_not_depend_on_bound_neighbourhoods(standard_v1, demo_neighbourhoods):
    assert checksum(bind_options(standard_v1, neighbourhoods=demo_neighbourhoods)) == \
        checksum(standard_v1)
    assert checksum(standard_v1).startswith("sha256:") and len(checksum(standard_v1)) == 71


def test_questionnaire_is_frozen(standard_v1):
    with pytest.raises(AttributeError):
        standard_v1.title = "changed"


@pytest.mark.parametrize(("label", "code"), [
    ("Don't know", "dont_know"), ("75+", "75_plus"), ("16-24", "16_24"),
    ("White: other", "white_other"), ("Neither agree nor disagree", "neither_agree_nor_disagree"),
    ("Asian or Asian British", "asian_or_asian_british"),
])
def test_snake_case_of_labels(label, code):
    assert snake_case(label) == code


def test_bind_options_rejects_bad_slugs(standard_v1):
    with pytest.raises(ValueError, match="Oldfield Park"):
        bind_options(standard_v1, neighbourhoods=["Oldfield Park"])


def test_minutes_is_optional_and_estimated_from_the_answers_when_absent(write_definition):
    definition = valid_definition()
    estimated = load_questionnaire(write_definition(definition))
    assert estimated.minutes is None
    assert estimated.estimated_minutes == 1  # three answers at 15 seconds each, rounded up
    definition["minutes"] = 12
    stated = load_questionnaire(write_definition(definition))
    assert stated.estimated_minutes == 12
    # A note about the questionnaire, not its content: stating it keeps a frozen checksum.
    assert checksum(stated) == checksum(estimated)


def test_the_standard_questionnaire_estimate_and_its_frozen_checksums(standard_v1, standard_v2):
    # 26 answers (grid rows count each) at 15 seconds: 6.5 minutes, said as 7.
    assert len(standard_v1.field_ids) == 26 and standard_v1.estimated_minutes == 7
    # The checksums waves stored before `minutes` existed still match.
    assert checksum(standard_v1) == "sha256:acae78d278ab08a45be966a92d29dd35b212294a3f66b7335afcf6965580672f"
    assert checksum(standard_v2) == "sha256:9168addac5fbcbd6e660c8d121777e97f014cf166c644ad0607f956f073922e3"


@pytest.mark.parametrize("minutes", [0, "ten", 500])
def test_minutes_must_be_a_sensible_whole_number(write_definition, minutes):
    definition = valid_definition()
    definition["minutes"] = minutes
    with pytest.raises(QuestionnaireError, match="minutes"):
        load_questionnaire(write_definition(definition))
