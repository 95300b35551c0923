"""`flask --app portal questionnaires list | export | import`: a version out as YAML and back in as
the next version; a broken file refused with every problem named, exit 2, nothing stored."""

from __future__ import annotations

import yaml

from portal.models import Questionnaire
from surveys.loading import DEFINITIONS_DIR

STANDARD = "crime-and-community-safety"


def test_export_then_import_adds_the_next_version(runner, db_session, tmp_path):
    listed = runner.invoke(args=["questionnaires", "list"])
    assert listed.exit_code == 0 and f"{STANDARD}\tversion 2" in listed.output
    v2 = db_session.query(Questionnaire).filter_by(version=2).one()
    path = tmp_path / "next.yaml"
    exported = runner.invoke(args=["questionnaires", "export", str(v2.id), "--output", str(path)])
    assert exported.exit_code == 0, exported.output
    document = yaml.safe_load(path.read_text())
    shipped = yaml.safe_load((DEFINITIONS_DIR / f"{STANDARD}.v2.yaml").read_text())
    assert document["id"] == STANDARD and len(document["pages"]) == len(shipped["pages"])
    document["title"] = "Crime and community safety survey 2012"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    imported = runner.invoke(args=["questionnaires", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    new_id = int(imported.stdout.strip().splitlines()[-1])
    row = db_session.get(Questionnaire, new_id)
    assert (row.version, row.title, row.based_on_id) == (3, document["title"], v2.id)


def test_an_import_carries_the_translations_where_the_english_is_unchanged(runner, db_session, tmp_path):
    from portal.models import QuestionnaireTranslation
    from portal.questionnaires.translations import store_file

    runner.invoke(args=["questionnaires", "list"])
    v2 = db_session.query(Questionnaire).filter_by(version=2).one()
    store_file(db_session, v2, "cy", b"key,en,cy\r\ntitle,x,Arolwg\r\nq.asb.text,x,Faint?\r\n",
               "cy.csv", ("en", "cy"))
    db_session.commit()
    path = tmp_path / "next.yaml"
    runner.invoke(args=["questionnaires", "export", str(v2.id), "--output", str(path)])
    document = yaml.safe_load(path.read_text())
    document["title"] = "Crime and community safety survey 2012"  # reworded: starts untranslated
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    imported = runner.invoke(args=["questionnaires", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    new_id = int(imported.stdout.strip().splitlines()[-1])
    db_session.expire_all()
    carried = {t.key: t.text for t in db_session.query(QuestionnaireTranslation)
               .filter_by(questionnaire_id=new_id)}
    assert carried == {"q.asb.text": "Faint?"}


def test_a_broken_file_is_refused_with_each_problem_and_exit_2(runner, db_session, tmp_path):
    runner.invoke(args=["questionnaires", "list"])
    document = yaml.safe_load((DEFINITIONS_DIR / f"{STANDARD}.v1.yaml").read_text())
    document["pages"][0]["questions"][1]["options"][0]["code"] = "sa"
    document["pages"][0]["questions"][0]["type"] = "slider"
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    result = runner.invoke(args=["questionnaires", "import", str(path)])
    assert result.exit_code == 2
    assert "broken.yaml was not imported" in result.output
    assert "'slider' is not one of" in result.output
    assert db_session.query(Questionnaire).count() == 2
    missing = runner.invoke(args=["questionnaires", "export", "999"])
    assert missing.exit_code == 1 and "no questionnaire version 999" in missing.output
