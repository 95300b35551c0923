"""Running a wave from a shell: `waves create`, `waves import` (all or nothing, the admin page's
rules) and `waves list`."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

import surveys
from portal.models import AuditEvent, Response, Wave
from tests.portal.survey.test_admin_views import csv_file, paper_row

STANDARD = "crime-and-community-safety"


def _create(runner, slug="2026-27", questionnaire=STANDARD, **dates):
    opens = dates.get("opens", date.today() - timedelta(days=1)).isoformat()
    closes = dates.get("closes", date.today() + timedelta(days=30)).isoformat()
    return runner.invoke(args=["waves", "create", "--slug", slug, "--name", "Voicebox 2026/27",
                               "--questionnaire", questionnaire, "--opens", opens,
                               "--closes", closes])


def test_a_wave_is_set_up_and_filled_from_paper_forms(runner, db_session, neighbourhoods, tmp_path):
    result = _create(runner)
    assert result.exit_code == 0, result.output
    assert f"Set up wave 2026-27 (Voicebox 2026/27): {STANDARD} version 2" in result.output
    wave = db_session.scalars(select(Wave)).one()
    assert wave.open_link_mode and not wave.panel_mode
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "wave_opened"))
    header = surveys.csv_template(surveys.load_questionnaire(STANDARD, 2))  # the admin page's
    path = tmp_path / "forms.csv"
    path.write_bytes(csv_file([paper_row("P001"), paper_row("P002")], header))
    result = runner.invoke(args=["waves", "import", "2026-27", str(path), "--mode", "paper"])
    assert result.exit_code == 0, result.output
    assert "Imported 2 paper responses from forms.csv into 2026-27." in result.output
    assert db_session.scalar(select(func.count()).select_from(Response)) == 2
    listed = runner.invoke(args=["waves", "list"]).output
    assert "2026-27\tVoicebox 2026/27" in listed and "Open\t2 responses" in listed


def test_a_refused_import_lists_each_problem_and_writes_nothing(runner, db_session, neighbourhoods,
                                                               tmp_path):
    assert _create(runner).exit_code == 0
    header = surveys.csv_template(surveys.load_questionnaire(STANDARD, 2))
    path = tmp_path / "forms.csv"
    path.write_bytes(csv_file([paper_row("P001"), paper_row("P002", police_council_dealing="maybe")],
                              header))
    result = runner.invoke(args=["waves", "import", "2026-27", str(path), "--mode", "paper"])
    assert result.exit_code == 1
    assert "Nothing was imported: forms.csv has 1 problem." in result.output
    assert "row 3, column police_council_dealing: 'maybe' is not" in result.output
    assert db_session.scalar(select(func.count()).select_from(Response)) == 0
    result = runner.invoke(args=["waves", "import", "2030-31", str(path), "--mode", "paper"])
    assert result.exit_code == 1 and "There is no wave '2030-31' (waves: 2026-27)." in result.output


def test_bad_wave_settings_are_refused_in_a_sentence(runner, neighbourhoods):
    result = _create(runner, questionnaire="no-such-survey")
    assert result.exit_code == 1 and "no questionnaire 'no-such-survey'" in result.output
    result = _create(runner, questionnaire=f"{STANDARD}:x")
    assert result.exit_code == 2 and "'x' is not a version number" in result.output
    result = _create(runner, closes=date.today() - timedelta(days=5))
    assert result.exit_code == 1
    assert "The closing date must be the same as or after the opening date" in result.output
    result = runner.invoke(args=["waves", "create", "--slug", "x", "--name", "X", "--questionnaire",
                                 STANDARD, "--opens", "14/03/2026", "--closes", "2026-04-01"])
    assert result.exit_code == 2 and "'14/03/2026' is not a date" in result.output
    assert "Traceback" not in result.output
