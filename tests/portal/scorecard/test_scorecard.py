"""The scorecard page, its CSV, the admin's form and `flask --app portal scorecard import`."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from demo.staff import DEMO_PASSWORD
from portal.models import AuditEvent, EditedDefinition, ScorecardActual
from portal.scorecard.targets import EXAMPLE


def _demo(app, who: str):
    client = app.test_client()
    response = client.post("/staff/sign-in", data={"email": f"{who}@bathnes-csp.example.org",
                                                   "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def _export(client) -> dict[tuple[str, str], dict]:
    response = client.get("/analyst/scorecard/scorecard.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")))
    return {(r["indicator"], r["year"]): r for r in rows}


def test_ni21_and_ni16_are_filled_automatically_on_the_demo(app, demo_data):
    client = _demo(app, "analyst")
    page = client.get("/analyst/scorecard/").text
    assert "NI 16: Serious acquisitive crime rate" in page and "Enter an actual" not in page
    rows = _export(client)
    assert len(rows) == 11 * 3
    ni16 = rows[("ni16", "2010/11")]
    assert ni16["source"] == "recorded_crime" and float(ni16["actual"]) < 16
    assert ni16["status"] in ("met", "off track") and ni16["target"] == "12.8"
    ni21 = rows[("ni21", "2010/11")]
    assert ni21["source"] == "survey" and ni21["actual_ci_lower"] and ni21["status"] != "no data"
    assert rows[("ni19", "2009/10")]["status"] == "no data"


def test_admin_enters_an_actual_and_the_status_follows(app, demo_data, db_session):
    client = _demo(app, "admin")
    assert "Enter an actual" in client.get("/analyst/scorecard/").text
    response = client.post("/analyst/scorecard/actuals",
                           data={"indicator": "ni40", "year": "2009/10", "actual": "600"})
    assert response.status_code == 302
    assert _export(client)[("ni40", "2009/10")]["status"] == "met"
    client.post("/analyst/scorecard/actuals", data={"indicator": "ni40", "year": "2009/10",
                                                    "actual": "590"})
    assert db_session.scalars(select(ScorecardActual.value)).all() == [590.0]
    assert _export(client)[("ni40", "2009/10")]["status"] == "off track"


@pytest.mark.parametrize("data, message", [
    ({"indicator": "ni99", "year": "2009/10", "actual": "1"},
     "Unknown indicator &#39;ni99&#39;. Choose from: ni19, ni30, ni32, ni40, wounding"),
    ({"indicator": "ni21", "year": "2009/10", "actual": "1"}, "ni21 is filled from the survey"),
    ({"indicator": "ni40", "year": "2011/12", "actual": "1"},
     "Unknown year &#39;2011/12&#39;. Choose from: 2008/09, 2009/10, 2010/11"),
    ({"indicator": "ni40", "year": "2009/10", "actual": "lots"}, "is not a number"),
    ({"indicator": "ni32", "year": "2009/10", "actual": "140"},
     "The actual &#39;140&#39; is outside 0 to 100 (per cent)"),
    ({"indicator": "wounding", "year": "2009/10", "actual": "-3"},
     "The actual &#39;-3&#39; is outside 0 to 10,000,000 (offences)"),
    ({"indicator": "ni40", "year": "2009/10", "actual": "1e300"}, "is outside 0 to 10,000,000"),
])
def test_bad_actuals_are_refused_with_the_choices(app, demo_data, data, message):
    response = _demo(app, "admin").post("/analyst/scorecard/actuals", data=data)
    assert response.status_code == 400
    assert message in response.text


def test_analysts_cannot_enter_actuals(app, demo_data):
    response = _demo(app, "analyst").post("/analyst/scorecard/actuals",
                                          data={"indicator": "ni40", "year": "2009/10", "actual": "1"})
    assert response.status_code == 403


def test_coordinators_cannot_see_the_scorecard(signed_in):
    assert signed_in("coordinator", "twerton").get("/analyst/scorecard/").status_code == 403


def test_cli_import(runner, db_session, tmp_path, plan_targets):
    path = tmp_path / "actuals.csv"
    path.write_text("indicator,year,actual\nni32,2010/11,29\nwounding,2009-10,\"498\"\n")
    result = runner.invoke(args=["scorecard", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Recorded 2 actuals from actuals.csv." in result.output
    assert sorted(db_session.execute(select(ScorecardActual.indicator, ScorecardActual.year,
                                            ScorecardActual.value)).all()) == [
        ("ni32", 2010, 29.0), ("wounding", 2009, 498.0)]


def test_cli_import_refuses_unknown_indicators_and_years(runner, db_session, tmp_path,
                                                         plan_targets):
    path = tmp_path / "actuals.csv"
    path.write_text("indicator,year,actual\nni32,2010/11,29\nni99,2010/11,1\nni40,2012/13,5\n")
    result = runner.invoke(args=["scorecard", "import", str(path)])
    assert result.exit_code == 2
    assert "Nothing was imported. actuals.csv, line 3: Unknown indicator 'ni99'. Choose from: ni19" \
        in result.output
    assert "actuals.csv, line 4: Unknown year '2012/13'. Choose from: 2008/09, 2009/10, 2010/11" \
        in result.output
    assert db_session.scalars(select(ScorecardActual)).all() == []


def test_cli_import_needs_the_columns(runner, tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_text("indicator,value\nni32,29\n")
    result = runner.invoke(args=["scorecard", "import", str(path)])
    assert result.exit_code == 2 and "Error: " in result.output
    assert "actuals.csv, line 1: missing column year, actual" in result.output


@pytest.mark.parametrize("text, message", [
    ("indicator,year,actual\nni32,2010/11,\"" + "9" * 200_000 + "\"\n",
     "actuals.csv, line 2: a field is longer than 131,072 characters"),
    ("indicator,year,actual\nni32,2010/11,29\n\nni40,2009/10,-1\n",
     "actuals.csv, line 4: The actual '-1' is outside 0 to 10,000,000 (people)"),
])
def test_cli_import_refuses_unreadable_and_out_of_range_files(runner, db_session, tmp_path,
                                                              plan_targets, text, message):
    path = tmp_path / "actuals.csv"
    path.write_text(text)
    result = runner.invoke(args=["scorecard", "import", str(path)])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert db_session.scalars(select(ScorecardActual)).all() == []


def test_the_authority_summary_has_a_scorecard_page(demo_data, db_session):
    from datetime import UTC, datetime

    from portal.reports.building import prepare_reports
    from portal.reports.render import render_html

    report = prepare_reports(db_session, "2010-11", [], now=datetime(2011, 6, 1, tzinfo=UTC),
                             authority=True).reports[0]
    html = render_html(report)
    assert "<h2>Local Area Agreement scorecard</h2>" in html
    assert "NI 16: Serious acquisitive crime rate" in html and "NI 40: Drug users" in html


def test_an_install_starts_with_no_targets_and_an_admin_sets_its_own(signed_in, db_session):
    """An empty install names no partnership's targets; the admin writes theirs, a bad entry is
    refused with the text kept, and the scorecard and checklist follow."""
    admin_client = signed_in("admin")
    page = admin_client.get("/analyst/scorecard/")
    assert page.status_code == 200 and "No targets are set yet" in page.text
    assert "32.5" not in page.text and "Lead partners" not in page.text
    form = admin_client.get("/analyst/scorecard/targets")
    assert "partnership: Our Community Safety Partnership" in form.text  # the example to start from
    bad = EXAMPLE.replace("direction: higher", "direction: upwards")
    refused = admin_client.post("/analyst/scorecard/targets", data={"content": bad})
    assert refused.status_code == 400
    assert "ni21: direction must be one of higher, lower" in refused.text
    assert "direction: upwards" in refused.text  # what was typed is shown back
    assert db_session.get(EditedDefinition, "laa-targets") is None
    mine = EXAMPLE.replace("Our Community Safety Partnership", "Kennet Vale CSP")
    saved = admin_client.post("/analyst/scorecard/targets", data={"content": mine},
                              follow_redirects=True)
    assert "Saved the targets: 1 indicator over 3 years." in saved.text
    assert "Kennet Vale CSP" in saved.text and "30.0%" in saved.text
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "targets_saved")).all()
    assert len(events) == 1
    download = admin_client.get("/analyst/scorecard/targets.yaml")
    assert download.text == mine.strip() and "attachment" in download.headers["Content-Disposition"]
    checklist = admin_client.get("/admin/setup/")
    assert "1 indicator over 3 years" in checklist.text
    admin_client.post("/analyst/scorecard/targets/clear")
    assert "No targets are set yet" in admin_client.get("/analyst/scorecard/").text


def test_the_targets_command_sets_shows_and_clears(runner, db_session, tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(EXAMPLE)
    result = runner.invoke(args=["scorecard", "targets", str(path)])
    assert result.exit_code == 0, result.output
    assert "Set the targets from targets.yaml: 1 indicator over 3 years." in result.output
    assert runner.invoke(args=["scorecard", "targets", "--show"]).output.strip() == EXAMPLE.strip()
    path.write_text("indicators: [{id: ni99, direction: higher, source: survey}]")
    refused = runner.invoke(args=["scorecard", "targets", str(path)])
    assert refused.exit_code == 2 and "the survey engine has no indicator 'ni99'" in refused.output
    path.write_bytes(b"\xff\xfe")
    unreadable = runner.invoke(args=["scorecard", "targets", str(path)])
    assert unreadable.exit_code == 2 and "Error: targets.yaml is not UTF-8 text" in unreadable.output
    assert runner.invoke(args=["scorecard", "targets", "--show"]).output.strip() == EXAMPLE.strip()
    assert runner.invoke(args=["scorecard", "targets"]).exit_code == 2
    assert runner.invoke(args=["scorecard", "targets", "--clear"]).exit_code == 0
    assert "No targets are set." in runner.invoke(args=["scorecard", "targets", "--show"]).output
