"""Published questionnaire versions: loaded from the shipped files, never changed, added from files
with every problem named, and the standard questions a new version changes withheld from the
indicator catalogue until an analyst judges the change comparable."""

from __future__ import annotations

import copy
from datetime import date

import pytest
import yaml
from sqlalchemy import select

from analysis.catalogue import incomparable_indicators
from portal.models import AuditEvent, PublishedVersionChanged, Questionnaire
from portal.questionnaires import queries
from portal.questionnaires.versions import (
    VersionRefused,
    add_version,
    import_file,
    load_shipped,
    mark_comparable,
    not_comparable,
    version_questionnaire,
)
from portal.survey.waves import open_wave
from surveys.documents import document_yaml
from surveys.loading import checksum, load_questionnaire

STANDARD = "crime-and-community-safety"


@pytest.fixture
def shipped(db_session):
    load_shipped(db_session)
    db_session.commit()
    return {row.version: row for row in queries.versions(db_session)}


def test_the_shipped_definitions_are_the_first_versions_once(db_session, shipped):
    assert sorted(shipped) == [1, 2]
    for number, row in shipped.items():
        assert row.checksum == checksum(load_questionnaire(STANDARD, number))
        assert checksum(version_questionnaire(row)) == row.checksum
    assert load_shipped(db_session) == []  # already there: nothing added twice


def test_a_published_version_never_changes(db_session, shipped):
    row = shipped[1]
    row.title = "Another title"
    with pytest.raises(PublishedVersionChanged, match="published and cannot change"):
        db_session.flush()
    db_session.rollback()
    document = copy.deepcopy(row.definition)
    document["pages"][0]["questions"][0]["text"] = "Reworded"
    row.definition = document
    with pytest.raises(PublishedVersionChanged):
        db_session.commit()
    db_session.rollback()
    db_session.delete(db_session.get(Questionnaire, row.id))
    with pytest.raises(PublishedVersionChanged, match="cannot be deleted"):
        db_session.flush()
    db_session.rollback()
    fresh = db_session.get(Questionnaire, row.id)
    assert fresh.title == "Crime and community safety survey"
    assert fresh.checksum == checksum(load_questionnaire(STANDARD, 1))


def _yaml(document) -> bytes:
    return document_yaml(document).encode()


def test_an_imported_file_is_the_next_version_and_exports_as_it_came(db_session, shipped):
    document = copy.deepcopy(shipped[2].definition)
    document["pages"][-1]["questions"].append(
        {"id": "bus_use", "type": "single_choice", "text": "Do you use the bus?",
         "options": [{"code": "yes", "label": "Yes"}, {"code": "no", "label": "No"}]})
    row = import_file(db_session, _yaml(document), "new.yaml")
    db_session.commit()
    assert (row.slug, row.version, row.based_on_id) == (STANDARD, 3, shipped[2].id)
    assert row.standard_changes == []
    assert yaml.safe_load(document_yaml(row.definition)) == {**document, "version": 3}
    assert "bus_use" in version_questionnaire(row).field_ids
    event = db_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "questionnaire_published")).one()
    assert event.detail["questionnaire"] == f"{STANDARD} v3"


def _broken(shipped, change):
    document = copy.deepcopy(shipped[1].definition)
    change(document)
    return document


def _question(document, question_id):
    return next(q for p in document["pages"] for q in p["questions"] if q["id"] == question_id)


# One refused import per rule of surveys/definition_checks.py (and the schema's known types).
RULES = {
    "unknown type": (lambda d: _question(d, "seek_views").update(type="slider"),
                     "question seek_views: type: 'slider' is not one of"),
    "duplicate id": (lambda d: _question(d, "seek_views").update(id="police_council_dealing"),
                     "id police_council_dealing is already used by question police_council_dealing"),
    "duplicate page": (lambda d: d["pages"][1].update(id=d["pages"][0]["id"]),
                       "page your-area: page id is used twice"),
    "code not its label": (lambda d: _question(d, "seek_views")["options"][0].update(code="sa"),
                           "option code sa should be strongly_agree"),
    "code twice": (lambda d: _question(d, "respect")["options"][1].update(
        code="very_big_problem", label="Very big problem"), "option code very_big_problem is used twice"),
    "routing forwards": (lambda d: _question(d, "seek_views").update(
        show_if={"question": "car_use", "equals": "yes"}),
        "question seek_views: show_if refers to car_use, which is not an earlier question"),
    "routing on unknown code": (lambda d: _question(d, "worry_car_crime").update(
        show_if={"question": "car_use", "equals": "sometimes"}),
        "show_if uses code sometimes, which is not an option of car_use"),
    "routing on nothing": (lambda d: _question(d, "worry_car_crime").update(
        show_if={"question": "bicycle", "equals": "yes"}),
        "show_if refers to bicycle, which is not a question in this file"),
    "reserved id": (lambda d: _question(d, "seek_views").update(id="wave"),
                    "id wave is reserved for a column of the wide format"),
    "options on a number": (lambda d: _question(d, "seek_views").update(type="integer"),
                            "integer questions cannot have options"),
    "min above max": (lambda d: d["pages"][0]["questions"].append(
        {"id": "years_here", "type": "integer", "text": "Years?", "min": 9, "max": 1}),
        "min (9) is greater than max (1)"),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_a_file_breaking_a_rule_is_refused_and_nothing_is_stored(db_session, shipped, rule):
    change, problem = RULES[rule]
    with pytest.raises(VersionRefused) as refused:
        import_file(db_session, _yaml(_broken(shipped, change)), "broken.yaml")
    assert any(problem in line for line in refused.value.problems), refused.value.problems
    db_session.rollback()
    assert len(queries.versions(db_session)) == 2


def test_every_problem_in_a_file_is_named(db_session, shipped):
    def two_problems(document):
        _question(document, "seek_views")["options"][0]["code"] = "sa"
        _question(document, "worry_car_crime")["show_if"] = {"question": "car_use",
                                                              "equals": "sometimes"}
    with pytest.raises(VersionRefused) as refused:
        import_file(db_session, _yaml(_broken(shipped, two_problems)), "broken.yaml")
    assert len(refused.value.problems) == 2
    with pytest.raises(VersionRefused, match="not imported"):
        import_file(db_session, b"id: [unclosed", "bad.yaml")


def test_a_reworded_standard_question_withholds_its_indicator_until_judged(db_session, shipped,
                                                                          neighbourhoods):
    document = copy.deepcopy(shipped[2].definition)
    _question(document, "police_council_dealing")["text"] = "Are the police doing well?"
    row = add_version(db_session, document, based_on=shipped[2], note="reworded NI 21")
    assert row.standard_changes == ["police_council_dealing"]
    assert not_comparable(db_session, row) == {"police_council_dealing"}
    assert "ni21" in incomparable_indicators(not_comparable(db_session, row))
    assert not_comparable(db_session, shipped[2]) == frozenset()
    wave = open_wave(db_session, slug="2012-13", name="Voicebox 2012/13", questionnaire_slug=STANDARD,
                     questionnaire_version=row.version, opens_on=date(2012, 4, 1),
                     closes_on=date(2013, 3, 31), panel_mode=False,
                     open_link_mode=True)
    assert wave.questionnaire_id == row.id
    mark_comparable(db_session, row, "police_council_dealing", "Plain English, same scale")
    assert not_comparable(db_session, row) == frozenset()
    assert db_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "questionnaire_change_comparable")).one().detail["question"] == \
        "police_council_dealing"
