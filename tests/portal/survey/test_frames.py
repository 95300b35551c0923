"""wave_frame, the one loader of the contract's wide format, straight from the database."""

from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select, text

import surveys
from portal.models import PanelMember, Questionnaire, Response
from portal.reports.data import load_analysis
from portal.survey.frames import wave_frame
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
    frame = wave_frame(db_session, wave)
    questionnaire = wave_questionnaire(db_session, wave)
    assert list(frame.columns) == surveys.wide_columns(questionnaire)
    assert list(frame["neighbourhood"]) == ["twerton", "keynsham"]
    assert list(frame["mode"]) == ["online", "phone"] and list(frame["wave"]) == [wave.slug] * 2
    assert frame.loc[1, "sex"] == "" and frame.loc[0, "asb_litter"] == "very_big_problem"
    assert frame.loc[0, "submitted_at"].endswith("+00:00")
    assert "m1@example.org" not in frame.to_csv() and "postcode" not in frame.columns
    # What the frame holds imports cleanly again (export = import).
    assert surveys.validate_response(questionnaire, frame.iloc[0].to_dict()) == []


def test_an_altered_stored_definition_refuses_to_run(db_session, wave):
    row = db_session.get(Questionnaire, wave.questionnaire_id)
    frozen_questionnaire(row)
    # A hand edit in the database, past the models' refusal to change a published version.
    db_session.execute(text("UPDATE questionnaire SET checksum = :checksum WHERE id = :id"),
                       {"checksum": "sha256:" + "0" * 64, "id": row.id})
    db_session.expire(row)
    with pytest.raises(surveys.QuestionnaireError, match="no longer matches the checksum"):
        frozen_questionnaire(row)


class _Seen(Exception):
    """Stops the report's analysis once the frame it analyses has been seen."""


def test_the_dashboard_analyses_the_frame_the_export_holds(signed_in, survey, db_session, monkeypatch):
    """One loader: the rows the analysis reads (the dashboard, the reports, the weights) are the
    export's rows, in the export's order (submission time, then id), cell for cell."""
    wave = survey["waves"]["2010-11"]
    last_by_id = db_session.scalars(select(Response).where(Response.wave_id == wave.id)
                                    .order_by(Response.uid.desc()).limit(1)).one()
    first = db_session.scalar(select(func.min(Response.submitted_at)).where(Response.wave_id == wave.id))
    last_by_id.submitted_at = first - timedelta(minutes=1)  # online ids are random: not in time order
    db_session.commit()
    seen = {}

    def capture(session, wave, frame, margins):
        seen["frame"] = frame
        raise _Seen

    monkeypatch.setattr("portal.reports.data.check_ready", capture)
    with pytest.raises(_Seen):
        load_analysis(db_session, "2010-11")
    exported = pd.read_csv(io.BytesIO(signed_in("analyst").get("/admin/waves/2010-11/export.csv").data),
                           dtype=str, keep_default_na=False, encoding="utf-8-sig").drop(columns="weight")
    analysed = seen["frame"].astype(str)
    assert list(analysed["response_id"]) == list(exported["response_id"])
    assert exported.loc[0, "response_id"] == last_by_id.uid
    assert list(analysed.columns) == list(exported.columns)
    pd.testing.assert_frame_equal(analysed.reset_index(drop=True), exported)
