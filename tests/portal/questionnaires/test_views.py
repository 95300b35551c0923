"""The questionnaire pages: versions listed and downloaded, a file uploaded as the next version
(admins) or refused with each problem, a changed standard question marked comparable (analysts)."""

from __future__ import annotations

import copy
import io

import yaml

from portal.models import AuditEvent, Questionnaire
from portal.questionnaires.versions import add_version, load_shipped, not_comparable


def _upload(client, text: str, name="next.yaml"):
    return client.post("/admin/questionnaires/import",
                       data={"file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data")


def test_an_admin_downloads_a_version_and_uploads_it_as_the_next(signed_in, db_session):
    client = signed_in("admin")
    page = client.get("/admin/questionnaires/")
    assert page.status_code == 200 and "crime-and-community-safety version 2" in page.get_data(as_text=True)
    v2 = db_session.query(Questionnaire).filter_by(version=2).one()
    download = client.get(f"/admin/questionnaires/{v2.id}/questionnaire.yaml")
    assert download.headers["Content-Disposition"].endswith('.v2.yaml"')
    document = yaml.safe_load(download.data)
    document["pages"][0]["questions"][0]["text"] = "Are the police and council dealing with it?"
    added = _upload(client, yaml.safe_dump(document, sort_keys=False))
    assert added.status_code == 302
    row = db_session.query(Questionnaire).filter_by(version=3).one()
    assert row.standard_changes == ["police_council_dealing"]
    shown = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "Standard questions changed" in shown and "ni21" in shown
    assert "wording changed from" in shown
    document["pages"][0]["questions"][1]["type"] = "slider"
    refused = _upload(client, yaml.safe_dump(document, sort_keys=False), "bad.yaml")
    assert refused.status_code == 400
    assert "&#39;slider&#39; is not one of" in refused.get_data(as_text=True)
    assert db_session.query(Questionnaire).count() == 3


def test_an_analyst_marks_a_changed_standard_question_comparable(signed_in, db_session):
    load_shipped(db_session)
    base = db_session.query(Questionnaire).filter_by(version=2).one()
    document = copy.deepcopy(base.definition)
    document["pages"][0]["questions"][0]["text"] = "Reworded NI 21"
    row = add_version(db_session, document, based_on=base, note="reworded")
    db_session.commit()
    client = signed_in("analyst")
    assert _upload(client, "id: x").status_code == 403  # uploads are for admins
    blank = client.post(f"/admin/questionnaires/{row.id}/comparable",
                        data={"question": "police_council_dealing", "reason": ""})
    assert blank.status_code == 400 and "Say why" in blank.get_data(as_text=True)
    marked = client.post(f"/admin/questionnaires/{row.id}/comparable",
                         data={"question": "police_council_dealing",
                               "reason": "Cognitive testing: same meaning"})
    assert marked.status_code == 302
    assert not_comparable(db_session, row) == frozenset()
    assert db_session.query(AuditEvent).filter_by(action="questionnaire_change_comparable").count() == 1
    page = client.get(f"/admin/questionnaires/{row.id}").get_data(as_text=True)
    assert "Marked comparable by" in page and "Cognitive testing" in page
