"""The analyst dashboard: tables and charts, downloads, one PDF now and a wave's batch with progress."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select, update

from portal.core.jobs import wait_for_jobs
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
    assert 'id="ni21-by-language"' not in html  # every response in English: no table


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


def _page_text(html: str) -> str:
    """What a person reads: the page without its markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_wave_in_the_field_explains_itself_with_its_counts(signed_in, survey, early_responses):
    client = signed_in("analyst")
    page = client.get("/analyst/?wave=2026-27")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = _page_text(html)
    assert "Voicebox 2026/27 cannot be weighted yet" in shown
    assert "This wave has 2 responses so far" in shown
    assert "“Which age group are you in?”: no response yet for “16-24”, “25-34”" in shown
    assert "“Which neighbourhood do you live in?”: no response yet for “Chew Valley”, " \
           "“Twerton” (2 of 3 groups)" in shown
    assert "Wait for more responses" in shown
    for word in ("age_band", "respondent", "collapse", "Error:", "chew-valley"):
        assert word not in shown
    assert "Responses so far (unweighted, not estimates)" in shown
    assert "Keynsham 2 " in shown and "Twerton 0 " in shown
    assert "NI 21: “" in shown and "Tend to agree" in shown
    assert '<option selected value="2026-27">Voicebox 2026/27 (2 responses, in the field)' in html
    assert "Download PDF" not in html and "Generate all reports" not in html


def test_a_wave_nobody_has_answered_gets_a_plain_page(signed_in, survey):
    client = signed_in("analyst")
    page = client.get("/analyst/?wave=2026-27")
    assert page.status_code == 200
    shown = _page_text(page.get_data(as_text=True))
    assert "Nobody has answered this wave yet" in shown and "Error" not in shown


def test_the_default_wave_stays_the_latest_closed_one(signed_in, survey, early_responses):
    client = signed_in("analyst")
    html = client.get("/analyst/").get_data(as_text=True)
    assert "Wave 2010-11:" in html and "cannot be weighted" not in html
    assert "Voicebox 2026/27 (2 responses, in the field)" in html
    assert re.search(r'<option selected value="2010-11">Voicebox 2010/11 \(\d+ responses\)\s*<',
                     html)


def test_downloads_of_a_waiting_wave_say_why(signed_in, survey, early_responses):
    client = signed_in("analyst")
    response = client.get("/analyst/estimates.csv?wave=2026-27")
    assert response.status_code == 409
    assert "has 2 responses and cannot be weighted yet" in response.get_data(as_text=True)


def test_reports_of_a_waiting_wave_are_refused_in_plain_words(signed_in, survey, early_responses,
                                                              app):
    client = signed_in("analyst")
    response = client.post("/analyst/reports/neighbourhood",
                           data={"wave": "2026-27", "neighbourhood": "keynsham"},
                           follow_redirects=True)
    shown = _page_text(response.get_data(as_text=True))
    assert "has 2 responses and cannot be weighted yet" in shown and "age_band" not in shown
    run = client.post("/analyst/reports/batch", data={"wave": "2026-27"}, follow_redirects=False)
    wait_for_jobs(app)
    page = client.get(run.headers["Location"])
    shown = _page_text(page.get_data(as_text=True))
    assert "The reports were not built" in shown
    assert "cannot be weighted yet" in shown and "age_band" not in shown
def test_a_download_holds_the_number_the_page_prints(signed_in, survey):
    client = signed_in("analyst")
    html = client.get("/analyst/?wave=2010-11&area=twerton&indicator=ni21").get_data(as_text=True)
    response = client.get("/analyst/estimates.csv?wave=2010-11&area=twerton&indicator=ni21")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    cells = [r[c] for r in rows for c in ("estimate_pct", "ci_lower_pct", "ci_upper_pct") if r[c]]
    assert cells and all(re.fullmatch(r"\d+\.\d", c) for c in cells)  # one decimal, as printed
    twerton = next(r for r in rows if r["area"] == "Twerton" and r["indicator"] == "ni21")
    assert f'{twerton["estimate_pct"]}%' in html
    assert f'{twerton["ci_lower_pct"]}% to {twerton["ci_upper_pct"]}%' in html
    sheet = load_workbook(io.BytesIO(client.get(
        "/analyst/estimates.xlsx?wave=2010-11&area=twerton&indicator=ni21").data)).active
    header = [c.value for c in sheet[1]]
    values = [row[header.index("estimate_pct")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert float(twerton["estimate_pct"]) in values


def test_a_wave_with_one_response_says_one_response(signed_in, survey, db_session, neighbourhoods):
    from portal.models import Response, Wave

    wave = db_session.scalar(select(Wave).where(Wave.slug == "2026-27"))
    db_session.add(Response(uid="only-one", wave_id=wave.id, neighbourhood_id=neighbourhoods["twerton"].id,
                            mode="online", submitted_at=datetime.now(UTC), answers={}))
    db_session.commit()
    html = signed_in("analyst").get("/analyst/?wave=2010-11").get_data(as_text=True)
    assert "(1 response, in the field)" in html and "(1 responses" not in html


def test_the_dashboard_gap_table_names_both_of_its_bases(signed_in, survey, db_session):
    from analysis.report import gap_rows
    from portal.reports.data import load_analysis

    html = signed_in("analyst").get("/analyst/?area=twerton&indicator=ni21").get_data(as_text=True)
    assert "Bases (worried, victims)" in html
    rows = gap_rows(load_analysis(db_session, "2010-11"), "twerton")
    for g in rows:
        assert f'<td class="numeric">{g.n_worried:,}, {g.n_victim:,}</td>' in html


def test_the_dashboard_gives_ni21_its_model_based_column(signed_in, demo_data):
    analyst = signed_in("analyst")
    page = analyst.get("/analyst/?wave=2010-11&indicator=ni21").get_data(as_text=True)
    assert "Model-based (95% CI)" in page and "Fay-Herriot" in page
    other = analyst.get("/analyst/?wave=2010-11&indicator=ni41").get_data(as_text=True)
    assert "Model-based (95% CI)" not in other


def test_the_dashboard_breaks_ni21_down_by_language_once_residents_answered_in_two(signed_in, survey,
                                                                                  db_session):
    """(The fixture's other tests show no such table: all its responses are in English.)"""
    from portal.models import Response, Wave

    client = signed_in("analyst")
    wave_id = db_session.scalar(select(Wave.id).where(Wave.slug == "2010-11"))
    ids = db_session.scalars(select(Response.id).where(Response.wave_id == wave_id)
                             .order_by(Response.id)).all()
    db_session.execute(update(Response).where(Response.id.in_(ids[::3])).values(language="cy"))
    db_session.commit()
    html = client.get("/analyst/?indicator=ni21").get_data(as_text=True)
    table = html[html.index('id="ni21-by-language"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<th scope="row">(\w+)</th>.*?<td class="numeric">([\d,]+)</td>\s*<td>', table, re.S)
    assert [name for name, _ in rows] == ["English", "Welsh"]
    english, welsh = (int(n.replace(",", "")) for _, n in rows)
    assert 0.2 < welsh / (english + welsh) < 0.45  # every third response, of those answering NI 21


NI21_ROW = ("measure,geography,year_ending,estimate,lower,upper,checked,citation\n"
            "ni21,England and Wales,2011-03,45,43,47,no,test figure\n"
            "ni21,England and Wales,2012-03,45,43,47,no,test figure\n")


def test_the_dashboard_sets_ni21_against_the_uploaded_figure_with_every_reason(
        signed_in, survey, db_session):
    """Wave 2010-11 asks v1's NI 21 words, so wording is no reason; our 16+ base with "don't
    know" out is against the Place Survey's 18+, so the row is not compared, and the 2012-03
    row is refused on its period too."""
    from portal.comparators.table import save_table
    save_table(db_session, NI21_ROW, None)
    db_session.commit()
    html = signed_in("analyst").get("/analyst/?wave=2010-11").get_data(as_text=True)
    assert 'id="national"' in html
    table = html[html.index('id="national-figures"'):]
    table = table[:table.index("</table>")]
    assert "police and local council are dealing" in table  # our wording, as asked
    assert "not compared" in table and "base differs: ours is 16+, theirs 18+" in table
    assert "wording differs" not in table
    assert table.count("period differs") == 1
    assert "year ending 2011-03" in table and "year ending 2012-03" in table
    assert "the 12 months ending" in html


def test_a_neighbourhood_view_leaves_national_figures_out(signed_in, survey):
    html = signed_in("analyst").get("/analyst/?area=twerton").get_data(as_text=True)
    assert 'id="national"' not in html


def test_a_comparable_row_shows_the_difference_and_its_interval(signed_in, survey, db_session,
                                                                 monkeypatch):
    """A standard NI 21 asked of 16+ (as ours is) makes wave 2010-11's row comparable."""
    import dataclasses

    from analysis import comparators
    from portal.comparators.table import save_table
    monkeypatch.setitem(comparators.STANDARD_QUESTIONS, "ni21",
                        dataclasses.replace(comparators.STANDARD_QUESTIONS["ni21"], min_age=16))
    save_table(db_session, NI21_ROW, None)
    db_session.commit()
    html = signed_in("analyst").get("/analyst/?wave=2010-11").get_data(as_text=True)
    table = html[html.index('id="national-figures"'):]
    first = table[:table.index("</tr>", table.index("<tbody>"))]
    assert "<strong>comparable</strong>" in first
    assert re.search(r"[+-]\d+\.\d points \([+-]\d+\.\d to [+-]\d+\.\d\)", first)
