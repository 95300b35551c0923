"""`flask --app portal case-reviews eligibility`: per applicant, in JSON or CSV, with the local
threshold from the settings; a malformed file exits 2 naming its line."""

from __future__ import annotations

import csv
import io
import json

import pytest

HEADER = "applicant,incident_ref,incident_date,reported_on,agency\n"
REPORTS = HEADER + (
    "Ann Smith,P-1,2026-01-30,2026-02-28,Police\n"
    "Ann Smith,P-1,2026-01-30,2026-03-02,Housing\n"     # the same incident: counted once
    "Ann Smith,C-3,2026-05-31,2026-06-30,Council\n"
    "Ann Smith,P-9,2026-08-31,2026-08-31,Police\n"
    "Bob Jones,H-1,2026-02-01,2026-02-27,Housing\n"     # before the window (opens 28 February)
    "Bob Jones,H-2,2026-07-01,2026-08-15,Housing\n"     # more than a month after the incident
    "\n"
    "Bob Jones,H-3,2026-08-01,2026-08-02,Council\n")


def _run(runner, tmp_path, text, *args):
    path = tmp_path / "reports.csv"
    path.write_text(text, encoding="utf-8")
    return runner.invoke(args=["case-reviews", "eligibility", str(path), *args])


def test_json_per_applicant(runner, tmp_path):
    result = _run(runner, tmp_path, REPORTS, "--on", "2026-08-31", "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["on"] == "2026-08-31"
    ann, bob = answer["applicants"]
    assert (ann["applicant"], ann["eligible"], ann["qualifying_incidents"]) == ("Ann Smith", True, 3)
    assert ann["counted"] == ["P-1", "C-3", "P-9"]
    assert ann["not_counted"] == ["P-1 (Housing, reported 2026-03-02): reported more than a month after "
                                  "the incident (by 2026-02-28); the same incident as the report to "
                                  "Police on 2026-02-28, counted once"]
    assert (bob["eligible"], bob["qualifying_incidents"]) == (False, 1)
    assert bob["not_counted"][0].startswith("H-1 (Housing, reported 2026-02-27): reported before "
                                            "2026-02-28, more than 6 months before the application")
    assert "more than a month after the incident (by 2026-08-01)" in bob["not_counted"][1]


def test_csv_and_a_lower_local_threshold(app, runner, tmp_path):
    app.config["CASE_REVIEW_THRESHOLD"] = 1
    result = _run(runner, tmp_path, REPORTS, "--on", "2026-08-31", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["applicant"], r["eligible"], r["qualifying_incidents"], r["threshold"]) for r in rows] == [
        ("Ann Smith", "yes", "3", "1"), ("Bob Jones", "yes", "1", "1")]
    assert rows[1]["counted"] == "H-3" and rows[1]["not_counted"].count(" | ") == 1


def test_a_name_a_spreadsheet_would_run_is_neutralised(runner, tmp_path):
    result = _run(runner, tmp_path, HEADER + "=HYPERLINK(1),X,2026-08-01,2026-08-01,Police\n",
                  "--on", "2026-08-31", "--format", "csv")
    assert result.output.splitlines()[1].startswith("'=HYPERLINK(1)")


@pytest.mark.parametrize("text, message", [
    (HEADER + "Ann,P-1,30/01/2026,2026-02-01,Police\n",
     "reports.csv, line 2: incident_date '30/01/2026' is not a date like 2026-03-14"),
    (HEADER + "Ann,P-1,2026-01-30,2026-02-01,Police\nAnn,P-2,2026-02-30,2026-03-01,Police\n",
     "reports.csv, line 3: incident_date '2026-02-30' is not a date"),
    (HEADER + "Ann,P-1,2026-01-30,2026-02-01\n", "reports.csv, line 2: expected 5 fields"),
    (HEADER + "Ann,,2026-01-30,2026-02-01,Police\n", "reports.csv, line 2: incident_ref is empty"),
    (HEADER + 'Ann,"P-1,2026-01-30,2026-02-01,Police\n', "reports.csv, line 2: expected 5 fields"),
    ("name,ref,date\n", "reports.csv, line 1: the header must be applicant,incident_ref,"),
    ("", "reports.csv, line 1: the header must be"),
])
def test_a_malformed_file_exits_2_naming_the_line(runner, tmp_path, text, message):
    result = _run(runner, tmp_path, text, "--on", "2026-08-31")
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_a_bad_application_date_or_file(runner, tmp_path):
    result = _run(runner, tmp_path, REPORTS, "--on", "31/08/2026")
    assert result.exit_code == 2 and "'31/08/2026' is not a date like 2026-07-15" in result.output
    path = tmp_path / "latin.csv"
    path.write_bytes(HEADER.encode() + "Zoë,P-1,2026-08-01,2026-08-01,Police\n".encode("latin-1"))
    result = runner.invoke(args=["case-reviews", "eligibility", str(path), "--on", "2026-08-31"])
    assert result.exit_code == 2 and "not UTF-8 text" in result.output


def test_the_settings_refuse_a_threshold_above_the_acts(tmp_path):
    from portal.core.config import ConfigError, settings_from_env

    assert settings_from_env(tmp_path, {})["CASE_REVIEW_THRESHOLD"] == 3
    assert settings_from_env(tmp_path, {"CASE_REVIEW_THRESHOLD": "2"})["CASE_REVIEW_THRESHOLD"] == 2
    with pytest.raises(ConfigError, match="at most 3 incidents"):
        settings_from_env(tmp_path, {"CASE_REVIEW_THRESHOLD": "4"})
    with pytest.raises(ConfigError, match="at least the 6 months"):
        settings_from_env(tmp_path, {"CASE_REVIEW_LOOKBACK_MONTHS": "5"})
