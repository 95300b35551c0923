"""`flask --app portal reports build`: one neighbourhood, every report on two cores, bad input."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import delete

from portal.models import PopulationEstimate
from tests.portal.reports.pdfcheck import text


def test_build_one_neighbourhood(runner, survey, tmp_path):
    result = runner.invoke(args=["reports", "build", "--neighbourhood", "twerton",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "2010-11-twerton.pdf"
    assert pdf.exists() and [p.name for p in tmp_path.iterdir()] == [pdf.name]
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() in result.output
    assert "Twerton" in text(pdf.read_bytes())


def test_build_all_with_the_authority_summary_on_two_workers(runner, survey, tmp_path):
    result = runner.invoke(args=["reports", "build", "--all", "--wave", "2009-10",
                                 "--out", str(tmp_path / "out"), "--workers", "2"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["2009-10-authority.pdf", "2009-10-chew-valley.pdf", "2009-10-keynsham.pdf",
                     "2009-10-twerton.pdf"]
    assert "2 workers" in result.output


@pytest.mark.parametrize("args, message", [
    (["--neighbourhood", "nowhere"], "Choose from: chew-valley, keynsham, twerton"),
    (["--all", "--wave", "1999-00"], "Choose from: 2009-10, 2010-11, 2026-27"),
    (["--all", "--wave", "2026-27"], "has no responses yet"),
])
def test_bad_input_is_one_clear_line(runner, survey, tmp_path, args, message):
    result = runner.invoke(args=["reports", "build", *args, "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_neither_or_both_choices_is_a_usage_error(runner, survey, tmp_path):
    for args in ([], ["--all", "--neighbourhood", "twerton"]):
        result = runner.invoke(args=["reports", "build", *args, "--out", str(tmp_path)])
        assert result.exit_code == 2 and "--neighbourhood SLUG or --all" in result.output


def test_no_population_says_what_to_load(runner, survey, db_session, tmp_path):
    db_session.execute(delete(PopulationEstimate))
    db_session.commit()
    result = runner.invoke(args=["reports", "build", "--all", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "No population figures are loaded" in result.output


def test_a_wave_too_early_to_weight_is_one_plain_line(runner, survey, early_responses, tmp_path):
    result = runner.invoke(args=["reports", "build", "--all", "--wave", "2026-27",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "has 2 responses and cannot be weighted yet" in result.output
    assert "Wait for more responses" in result.output and "age_band" not in result.output
