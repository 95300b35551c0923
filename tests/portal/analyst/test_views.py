"""The analyst dashboard: tables and charts, downloads, one PDF now and a wave's batch with progress."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select, update

from portal.jobs import wait_for_jobs
from portal.models import ReportFile, ReportFileContent, ReportRun
from tests.portal.reports.pdfcheck import text


def test_the_dashboard_shows_estimates_charts_and_comparisons(signed_in, survey):
    client = signed_in("analyst")
    page = client.get("/analyst/?area=twerton&indicator=ni21")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Wave 2010-11" in html and "Changes are since 2009-10" in html
    assert html.count('src="data:image/svg+xml;base64,') == 2
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="[^"]{40,}"', html)
    assert " style=" not in html  # the CSP forbids inline styles
    assert "Suppressed" in html  # Chew Valley has 12 responses
    assert "Holm" in html and "Download PDF" in html


def test_unknown_choices_are_named(signed_in, survey):
    client = signed_in("admin")
    page = client.get("/analyst/?wave=1999-00")
    assert page.status_code == 404
    assert "Choose from: 2009-10, 2010-11, 2026-27" in page.get_data(as_text=True)
    page = client.get("/analyst/?area=nowhere")
    assert page.status_code == 404 and "twerton" in page.get_data(as_text=True)
    assert client.get("/analyst/estimates.csv?indicator=nope").status_code == 404


def test_downloads_as_csv_and_xlsx(signed_in, survey):
    client = signed_in("analyst")
    response = client.get("/analyst/estimates.csv?wave=2010-11&area=twerton&indicator=ni21")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    by_area = {r["area"]: r for r in rows if r["indicator"] == "ni21"}
    assert by_area["Chew Valley"]["flag"] == "suppressed" and by_area["Chew Valley"]["estimate_pct"] == ""
    assert float(by_area["Twerton"]["estimate_pct"]) > 0
    response = client.get("/analyst/estimates.xlsx?wave=2010-11&area=authority&indicator=ni17")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]][:4] == ["wave", "area", "indicator", "label"]
    assert sheet.max_row > 10


def test_one_neighbourhood_pdf_is_returned_and_kept(signed_in, survey, app, db_session):
    client = signed_in("analyst")
    response = client.post("/analyst/reports/neighbourhood",
                           data={"wave": "2010-11", "neighbourhood": "twerton"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Twerton" in text(response.data)
    run = db_session.scalars(select(ReportRun)).one()
    assert (run.kind, run.status, run.wave_slug, run.response_count) == (
        "neighbourhood", "done", "2010-11", len(survey["frames"]["2010-11"]))
    assert run.created_by.role == "analyst" and len(run.data_fingerprint) == 64
    file = run.files[0]
    assert file.checksum == hashlib.sha256(response.data).hexdigest()
    again = client.get(f"/analyst/reports/{run.id}/{file.filename}")
    assert again.status_code == 200 and again.data == response.data


def test_a_changed_file_is_refused(signed_in, survey, app, db_session):
    client = signed_in("analyst")
    client.post("/analyst/reports/neighbourhood", data={"wave": "", "neighbourhood": "keynsham"})
    file = db_session.scalars(select(ReportFile)).one()
    db_session.execute(update(ReportFileContent).where(ReportFileContent.file_id == file.id)
                       .values(data=b"%PDF-1.7 tampered"))
    db_session.commit()
    response = client.get(f"/analyst/reports/{file.run_id}/{file.filename}",
                          follow_redirects=True)
    assert "does not match its checksum" in response.get_data(as_text=True)


def test_the_batch_runs_in_the_background_with_progress(signed_in, survey, app, db_session):
    client = signed_in("analyst")
    response = client.post("/analyst/reports/batch", data={"wave": "2010-11"})
    assert response.status_code == 302
    location = response.headers["Location"]
    page = client.get(location)
    assert page.status_code == 200
    if page.headers.get("Refresh"):  # still running: the page refreshes itself
        assert "<progress" in page.get_data(as_text=True)
    # a second click while it runs joins the same batch
    again = client.post("/analyst/reports/batch", data={"wave": "2010-11"})
    wait_for_jobs(app, timeout=300)
    run = db_session.scalars(select(ReportRun)).first()
    db_session.refresh(run)
    assert again.headers["Location"] == location or run.status == "done"
    assert run.status == "done", run.error
    assert run.completed == run.total == 4 and len(run.files) == 4
    assert {f.neighbourhood_slug for f in run.files} == {None, "twerton", "keynsham",
                                                         "chew-valley"}
    done = client.get(location)
    assert "Refresh" not in done.headers
    html = done.get_data(as_text=True)
    for f in run.files:
        assert f.checksum in html
        data = client.get(f"/analyst/reports/{run.id}/{f.filename}").data
        assert hashlib.sha256(data).hexdigest() == f.checksum


def test_an_interrupted_batch_is_shown_and_does_not_block_a_new_one(signed_in, survey, app,
                                                                   db_session):
    wave = survey["waves"]["2010-11"]
    old = ReportRun(kind="batch", status="running", wave_id=wave.id, wave_slug=wave.slug,
                    total=4, completed=1, created_at=datetime.now(UTC) - timedelta(hours=2),
                    updated_at=datetime.now(UTC) - timedelta(hours=1))
    db_session.add(old)
    db_session.commit()
    client = signed_in("analyst")
    page = client.get(f"/analyst/reports/{old.id}")
    assert "Refresh" not in page.headers
    assert "stopped building" in page.get_data(as_text=True)
    response = client.post("/analyst/reports/batch", data={"wave": "2010-11"})
    wait_for_jobs(app, timeout=300)
    assert response.headers["Location"].endswith(f"/analyst/reports/{old.id + 1}")
