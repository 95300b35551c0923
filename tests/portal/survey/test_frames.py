"""load_wave_frame: the contract's wide format, straight from the database."""

from __future__ import annotations

import pytest

import surveys
from portal.models import PanelMember, Questionnaire
from portal.survey.frames import load_wave_frame
from portal.survey.responses import submit_response
from portal.survey.waves import frozen_questionnaire, wave_questionnaire
from tests.portal.survey.conftest import all_answers


def test_wave_frame_is_the_wide_format(db_session, wave, neighbourhoods):
    submit_response(db_session, wave, all_answers(), "k1")
    submit_response(db_session, wave, {**all_answers(), "neighbourhood": "keynsham", "sex": ""}, "k2",
                    mode="phone")
    db_session.add(PanelMember(wave_id=wave.id, external_id="M1", email="m1@example.org",
                               neighbourhood_id=neighbourhoods["twerton"].id))
    db_session.commit()
    frame = load_wave_frame(db_session, wave)
    questionnaire = wave_questionnaire(db_session, wave)
    assert list(frame.columns) == surveys.wide_columns(questionnaire)
    assert list(frame["neighbourhood"]) == ["twerton", "keynsham"]
    assert list(frame["mode"]) == ["online", "phone"] and list(frame["wave"]) == [wave.slug] * 2
    assert frame.loc[1, "sex"] == "" and frame.loc[0, "asb_litter"] == "very_big_problem"
    assert frame.loc[0, "submitted_at"].endswith("+00:00")
    assert "m1@example.org" not in frame.to_csv() and "postcode" not in frame.columns
    # What the frame holds imports cleanly again (export = import).
    assert surveys.validate_response(questionnaire, frame.iloc[0].to_dict()) == []


def test_an_edited_frozen_definition_refuses_to_run(db_session, wave):
    row = db_session.get(Questionnaire, wave.questionnaire_id)
    frozen_questionnaire(row)
    row.checksum = "sha256:" + "0" * 64  # as if the file had been edited after the wave opened
    with pytest.raises(surveys.QuestionnaireError, match="edited since it was frozen"):
        frozen_questionnaire(row)
