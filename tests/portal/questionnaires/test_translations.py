"""Questionnaire strings as data: the translators' CSV out and back in (CLI and admin pages), each
refusal named with its line and nothing stored, the published version unchanged, translations
carried to a new version where the English is identical, and residents reading Welsh."""

from __future__ import annotations

import csv
import io

from portal.models import Questionnaire, QuestionnaireTranslation
from portal.questionnaires.editing import publish_draft, start_draft
from portal.questionnaires.translations import store_file
from portal.questionnaires.versions import load_shipped

STANDARD = "crime-and-community-safety"


def _v2(db_session) -> Questionnaire:
    load_shipped(db_session)
    db_session.commit()
    return db_session.query(Questionnaire).filter_by(slug=STANDARD, version=2).one()


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _file(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def test_strings_fill_translate_then_strings_shows_them(runner, db_session, tmp_path):
    row = _v2(db_session)
    checksum, definition = row.checksum, row.definition
    path = tmp_path / "cy.csv"
    out = runner.invoke(args=["questionnaires", "strings", str(row.id), "--language", "cy",
                              "--output", str(path)])
    assert out.exit_code == 0, out.output
    rows = _rows(path.read_text(encoding="utf-8"))
    assert rows[0] == ["key", "en", "cy"]
    keys = [r[0] for r in rows[1:]]
    assert "q.police_council_dealing.text" in keys and "page.your-area.title" in keys
    assert "q.asb.row.asb_drugs" in keys and "q.asb.option.very_big_problem" in keys
    for r in rows[1:]:
        r[2] = ""
    rows[keys.index("q.asb.row.asb_drugs") + 1][2] = "Pobl yn defnyddio neu'n delio cyffuriau"
    path.write_bytes(_file(rows))
    stored = runner.invoke(args=["questionnaires", "translate", str(row.id), str(path)])
    assert stored.exit_code == 0, stored.output
    assert f"Stored 1 of {len(keys)} strings" in stored.output
    again = runner.invoke(args=["questionnaires", "strings", str(row.id), "--language", "cy"])
    shown = {r[0]: r[2] for r in _rows(again.output)[1:]}
    assert shown["q.asb.row.asb_drugs"] == "Pobl yn defnyddio neu'n delio cyffuriau"
    assert shown["q.asb.text"] == ""
    db_session.expire_all()
    same = db_session.get(Questionnaire, row.id)
    assert (same.checksum, same.definition) == (checksum, definition)


def test_each_problem_is_refused_with_its_line_exit_2_nothing_stored(runner, db_session,
                                                                      tmp_path, monkeypatch):
    row = _v2(db_session)
    path = tmp_path / "bad.csv"
    path.write_bytes(_file([["key", "en", "cy"],
                            ["q.asb.text", "x", "Faint o broblem?"],
                            ["q.asb.text", "x", "Eto"],
                            ["q.nope.text", "x", "Dim"],
                            ["title", "x", "Arolwg"]]))
    result = runner.invoke(args=["questionnaires", "translate", str(row.id), str(path)])
    assert result.exit_code == 2
    assert "line 3: q.asb.text is repeated (first on line 2)" in result.output
    assert "line 4: q.nope.text is not a string of" in result.output
    assert db_session.query(QuestionnaireTranslation).count() == 0
    path.write_bytes(_file([["key", "english", "cy"], ["title", "x", "Arolwg"]]))
    result = runner.invoke(args=["questionnaires", "translate", str(row.id), str(path)])
    assert result.exit_code == 2 and "line 1: the header must be key,en,cy" in result.output
    path.write_bytes(b"key,en,cy\ntitle,x,Arolwg\nq.asb.text,x,\xff\xfe\n")
    result = runner.invoke(args=["questionnaires", "translate", str(row.id), str(path)])
    assert result.exit_code == 2 and "line 3: the file is not UTF-8" in result.output
    path.write_bytes(_file([["key", "en", "xx"], ["title", "x", "Arolwg"]]))
    result = runner.invoke(args=["questionnaires", "translate", str(row.id), str(path)])
    assert result.exit_code == 2 and "found 'xx'" in result.output
    missing = runner.invoke(args=["questionnaires", "translate", "999", str(path)])
    assert missing.exit_code == 2 and "no questionnaire version 999" in missing.output
    assert db_session.query(QuestionnaireTranslation).count() == 0


def test_a_translation_that_loses_a_placeholder_is_refused():
    import pytest

    import surveys
    from surveys.translations import TranslationRefused, read_strings_csv

    base = surveys.load_questionnaire("crime-and-community-safety", 2)
    from dataclasses import replace
    questionnaire = replace(base, title="Survey for {area}")
    with pytest.raises(TranslationRefused) as refused:
        read_strings_csv(_file([["key", "en", "cy"], ["title", "x", "Arolwg"]]), "f.csv",
                         questionnaire, "cy")
    assert refused.value.problems == ["line 2: title: the translation loses {area}"]
    assert read_strings_csv(_file([["key", "en", "cy"], ["title", "x", "Arolwg {area}"]]),
                            "f.csv", questionnaire, "cy") == {"title": "Arolwg {area}"}


def test_a_new_version_carries_translations_where_the_english_is_unchanged(db_session):
    row = _v2(db_session)
    store_file(db_session, row, "cy", _file([["key", "en", "cy"], ["q.asb.text", "", "Faint?"],
                                             ["q.seek_views.text", "", "Barn?"]]),
               "cy.csv", ("en", "cy"))
    draft = start_draft(db_session, row)
    draft.document = {**draft.document, "pages": [
        {**draft.document["pages"][0], "questions": [
            {**q, "text": "Reworded?"} if q["id"] == "seek_views" else q
            for q in draft.document["pages"][0]["questions"]]},
        *draft.document["pages"][1:]]}
    new = publish_draft(db_session, draft, "reworded seek_views")
    carried = {t.key: t.text for t in db_session.query(QuestionnaireTranslation)
               .filter_by(questionnaire_id=new.id)}
    assert carried == {"q.asb.text": "Faint?"}


def test_a_resident_in_welsh_reads_translated_strings_and_english_where_missing(
        app, db_session, neighbourhoods):
    from datetime import date, timedelta

    from portal.survey.waves import open_wave
    row = _v2(db_session)
    store_file(db_session, row, "cy", _file([
        ["key", "en", "cy"], ["page.your-area.title", "", "Yr heddlu a'r cyngor yn eich ardal"],
        ["q.police_council_dealing.text", "", "Pa mor gytûn ydych chi?"],
        ["q.police_council_dealing.option.strongly_agree", "", "Cytuno'n gryf"]]),
        "cy.csv", ("en", "cy"))
    wave = open_wave(db_session, slug="cy-test", name="Voicebox", questionnaire_slug=STANDARD,
                     questionnaire_version=2, opens_on=date.today() - timedelta(days=1),
                     closes_on=date.today() + timedelta(days=30), panel_mode=False,
                     open_link_mode=True)
    db_session.commit()
    client = app.test_client()
    client.get(f"/survey/{wave.slug}/?lang=cy")
    first = client.post(f"/survey/{wave.slug}/start").headers["Location"]
    page = client.get(first).get_data(as_text=True)
    assert '<html lang="cy">' in page
    assert "Pa mor gytûn ydych chi?" in page and "Cytuno&#39;n gryf" in page
    assert "Yr heddlu a&#39;r cyngor yn eich ardal" in page
    assert "Tend to agree" in page  # untranslated: English, string by string
    assert 'value="strongly_agree"' in page  # the codes are unchanged
    english = app.test_client().get(f"/survey/{wave.slug}/?lang=en")
    assert english.status_code == 200


def test_admin_pages_show_coverage_download_and_upload(signed_in, db_session):
    row = _v2(db_session)
    client = signed_in("admin")
    shown = client.get(f"/admin/questionnaires/{row.id}").get_data(as_text=True)
    assert "Welsh: 0 of" in shown and f"/admin/questionnaires/{row.id}/strings.cy.csv" in shown
    download = client.get(f"/admin/questionnaires/{row.id}/strings.cy.csv")
    assert download.status_code == 200 and download.headers["Content-Disposition"].endswith('.cy.csv"')
    rows = _rows(download.get_data(as_text=True))
    total = len(rows) - 1
    rows[1][2] = "Arolwg troseddu a diogelwch cymunedol"
    bad = client.post(f"/admin/questionnaires/{row.id}/translations", data={
        "file": (io.BytesIO(_file([*rows, ["q.nope.text", "", "x"]])), "cy.csv")},
        content_type="multipart/form-data")
    assert bad.status_code == 400 and "q.nope.text is not a string of" in bad.get_data(as_text=True)
    assert db_session.query(QuestionnaireTranslation).count() == 0
    good = client.post(f"/admin/questionnaires/{row.id}/translations", data={
        "file": (io.BytesIO(_file(rows)), "cy.csv")}, content_type="multipart/form-data")
    assert good.status_code == 302
    assert f"Welsh: 1 of {total} strings translated" in client.get(
        f"/admin/questionnaires/{row.id}").get_data(as_text=True)
    assert client.get(f"/admin/questionnaires/{row.id}/strings.xx.csv").status_code == 404
    assert signed_in("analyst").post(f"/admin/questionnaires/{row.id}/translations").status_code == 403


def test_the_shipped_welsh_file_translates_every_resident_string_of_version_2(runner, db_session):
    from pathlib import Path
    row = _v2(db_session)
    shipped = (Path(__file__).parents[3] / "translations" / "questionnaires"
               / f"{STANDARD}.v2.cy.csv")
    result = runner.invoke(args=["questionnaires", "translate", str(row.id), str(shipped)])
    assert result.exit_code == 0, result.output
    # every string but the description (an analysts' note on the wording, never shown to residents)
    total = len(_rows(shipped.read_text(encoding="utf-8"))) - 1
    assert f"Stored {total - 1} of {total} strings" in result.output


def test_the_shipped_welsh_file_translates_every_resident_string_of_version_1(runner, db_session):
    """Version 1's file: version 2's Welsh where the English is the same, and its own NI 21 wording."""
    from pathlib import Path
    _v2(db_session)
    row = db_session.query(Questionnaire).filter_by(slug=STANDARD, version=1).one()
    folder = Path(__file__).parents[3] / "translations" / "questionnaires"
    shipped = folder / f"{STANDARD}.v1.cy.csv"
    result = runner.invoke(args=["questionnaires", "translate", str(row.id), str(shipped)])
    assert result.exit_code == 0, result.output
    rows = _rows(shipped.read_text(encoding="utf-8"))
    total = len(rows) - 1
    assert f"Stored {total - 1} of {total} strings" in result.output  # all but the analysts' description
    v2_rows = _rows((folder / f"{STANDARD}.v2.cy.csv").read_text(encoding="utf-8"))
    v2 = {key: (en, cy) for key, en, cy in v2_rows}
    for key, en, cy in rows[1:]:
        if key in v2 and v2[key][0] == en:
            assert cy == v2[key][1], key
    assert "heddlu a'r cyngor lleol" in dict((r[0], r[2]) for r in rows)["q.police_council_dealing.text"]
