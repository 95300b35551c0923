"""The scorecard page, its CSV, the admin's form and `flask --app portal scorecard import`."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from demo.staff import DEMO_PASSWORD
from portal.models import ScorecardActual


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


def test_cli_import(runner, db_session, tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_text("indicator,year,actual\nni32,2010/11,29\nwounding,2009-10,\"498\"\n")
    result = runner.invoke(args=["scorecard", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Recorded 2 actuals from actuals.csv." in result.output
    assert sorted(db_session.execute(select(ScorecardActual.indicator, ScorecardActual.year,
                                            ScorecardActual.value)).all()) == [
        ("ni32", 2010, 29.0), ("wounding", 2009, 498.0)]


def test_cli_import_refuses_unknown_indicators_and_years(runner, db_session, tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_text("indicator,year,actual\nni32,2010/11,29\nni99,2010/11,1\nni40,2012/13,5\n")
    result = runner.invoke(args=["scorecard", "import", str(path)])
    assert result.exit_code == 1
    assert "Nothing was imported. actuals.csv, line 3: Unknown indicator 'ni99'. Choose from: ni19" \
        in result.output
    assert "actuals.csv, line 4: Unknown year '2012/13'. Choose from: 2008/09, 2009/10, 2010/11" \
        in result.output
    assert db_session.scalars(select(ScorecardActual)).all() == []


def test_cli_import_needs_the_columns(runner, tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_text("indicator,value\nni32,29\n")
    result = runner.invoke(args=["scorecard", "import", str(path)])
    assert "actuals.csv, line 1: missing column year, actual" in result.output


@pytest.mark.parametrize("text, message", [
    ("indicator,year,actual\nni32,2010/11,\"" + "9" * 200_000 + "\"\n",
     "actuals.csv, line 2: a field is longer than 131,072 characters"),
    ("indicator,year,actual\nni32,2010/11,29\n\nni40,2009/10,-1\n",
     "actuals.csv, line 4: The actual '-1' is outside 0 to 10,000,000 (people)"),
])
def test_cli_import_refuses_unreadable_and_out_of_range_files(runner, db_session, tmp_path,
                                                              text, message):
    path = tmp_path / "actuals.csv"
    path.write_text(text)
    result = runner.invoke(args=["scorecard", "import", str(path)])
    assert result.exit_code == 1
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
