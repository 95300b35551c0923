"""The editor end to end through the test client: a draft of a new version, a question with
routing added, previewed as a resident sees it, published, a wave opened on it, answered online and
on paper, and exported with the new column."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd

import surveys
from portal.models import Questionnaire, QuestionnaireDraft, Response
from portal.questionnaires.versions import load_shipped
from portal.survey.responses import import_responses, submit_response
from portal.survey.waves import open_wave, wave_questionnaire
from tests.portal.survey.conftest import all_answers
from tests.portal.survey.test_admin_views import csv_file, paper_row

BUS = {"id": "bus_use", "type": "single_choice", "text": "Do you use the local buses?",
       "options": "Yes\nNo", "show_if_question": "car_use", "show_if_codes": "no"}


def test_a_new_version_from_the_editor_runs_a_wave(signed_in, db_session, neighbourhoods):
    load_shipped(db_session)
    db_session.commit()
    v1 = db_session.query(Questionnaire).filter_by(version=1).one()
    admin = signed_in("admin")
    started = admin.post(f"/admin/questionnaires/{v1.id}/draft")
    assert started.status_code == 302
    draft = db_session.query(QuestionnaireDraft).one()
    check = admin.get(started.headers["Location"]).get_data(as_text=True)
    assert "Check your questionnaire" in check and "Fix these" not in check

    wrong = admin.post(f"/admin/questionnaires/drafts/{draft.id}/pages/worry-about-crime/questions/new",
                       data={**BUS, "show_if_question": "neighbourhood"})
    assert wrong.status_code == 400  # routing only on an earlier question with its own codes
    added = admin.post(f"/admin/questionnaires/drafts/{draft.id}/pages/worry-about-crime/questions/new",
                       data=BUS)
    assert added.status_code == 302, added.get_data(as_text=True)
    db_session.expire_all()
    check = admin.get(f"/admin/questionnaires/drafts/{draft.id}").get_data(as_text=True)
    assert "bus_use" in check and "Shown when car_use is no" in check and "Fix these" not in check

    # Preview: the page as a resident sees it; routing live; nothing stored.
    analyst = signed_in("analyst")
    page = analyst.get(f"/admin/questionnaires/drafts/{draft.id}/preview/worry-about-crime")
    assert page.status_code == 200 and "Do you use the local buses?" in page.get_data(as_text=True)
    asked = analyst.post(f"/admin/questionnaires/drafts/{draft.id}/preview/worry-about-crime",
                         data={"car_use": "no", "worry_burglary": "fairly_worried",
                               "worry_violent_crime": "not_very_worried", "bus_use": "maybe"})
    assert asked.status_code == 400  # validation is live
    assert db_session.query(Response).count() == 0  # the preview stored nothing

    published = admin.post(f"/admin/questionnaires/drafts/{draft.id}/publish",
                           data={"note": "Adds bus use for non-drivers"})
    assert published.status_code == 302
    row = db_session.query(Questionnaire).filter_by(version=3).one()
    assert row.based_on_id == v1.id and row.standard_changes == []
    history = admin.get(published.headers["Location"]).get_data(as_text=True)
    assert "question bus_use" in history and "Adds bus use" in history

    wave = open_wave(db_session, slug="2012-13", name="Voicebox 2012/13",
                     questionnaire_slug=row.slug, questionnaire_version=3,
                     opens_on=date.today() - timedelta(days=1),
                     closes_on=date.today() + timedelta(days=30), panel_mode=False,
                     open_link_mode=True)
    db_session.commit()
    questionnaire = wave_questionnaire(db_session, wave)
    online = {**all_answers(), "car_use": "no", "bus_use": "yes"}
    for not_asked in ("worry_car_crime", "victim_car_crime"):  # routed away by car_use no
        online.pop(not_asked)
    submit_response(db_session, wave, online, "editor-online")
    template = surveys.csv_template(questionnaire)
    assert "bus_use" in template.splitlines()[0].split(",")
    paper = paper_row("P001", car_use="no", worry_car_crime="", victim_car_crime="", bus_use="no")
    import_responses(db_session, wave, csv_file([paper], template), mode="paper",
                     filename="paper.csv", imported_by_id=None)
    db_session.commit()
    exported = admin.get("/admin/waves/2012-13/export.csv")
    frame = pd.read_csv(io.BytesIO(exported.data), dtype=str)
    assert sorted(frame["bus_use"]) == ["no", "yes"]
