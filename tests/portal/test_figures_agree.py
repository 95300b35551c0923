"""One truth for every published figure: on the demo, a set of figures reads the same, printed by
`analysis.formatting`, on every surface that shows it: the public neighbourhood page, the staff
PACT metrics page, the analyst dashboard, its CSV and XLSX downloads, and the PDF reports.

A new surface joins the tests below with the figures it shows (the open-data API has).
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from analysis import formatting as fmt
from analysis.report import SHARE_SUPPRESS_BELOW, counted_share, indicator_by_neighbourhood
from portal.core.clock import local, utcnow
from portal.core.extensions import db
from portal.reports.building import prepare_reports
from portal.reports.render import render_pdf
from tests.pages import check_page
from tests.portal.reports import pdfcheck

WAVE = "2010-11"
PLACES = {"twerton": "Twerton", "bath-city-centre": "Bath City Centre"}
DEMO_PASSWORD = "voicebox-demo-2026"


@pytest.fixture
def demo(app, db_session):
    from demo import seed_demo
    from portal.core.clock import utcnow

    seed_demo(db_session, app.config, utcnow(), seed=2009, responses_per_wave=1500)
    db_session.commit()


def _client(app, email):
    client = app.test_client()
    response = client.post("/staff/sign-in", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def _row(page, table_id: str, name: str) -> str:
    """The text of the row of table `table_id` whose header cell reads `name`."""
    table = page.find_all("table", id=table_id)[0]
    for tr in table.find_all("tr"):
        heads = tr.find_all("th")
        if heads and heads[0].text == name:
            return tr.text
    raise AssertionError(f"no row {name!r} in #{table_id}")


@pytest.fixture
def truth(app, demo):
    """The figures as the one computation gives them (the functions every surface calls)."""
    now = utcnow()
    with app.app_context(), db.transaction() as session:
        prepared = prepare_reports(session, WAVE, ["twerton"], now=now, authority=True)
    analysis = prepared.analysis
    authority, twerton = prepared.reports
    ni21 = {r.name: r.figure.estimate for r in indicator_by_neighbourhood(analysis, "ni21")}
    burglary = {name: next(g for g in report.gap if g.crime == "burglary")
                for name, report in (("Authority", authority), ("Twerton", twerton))}
    return {"ni21": ni21, "burglary": burglary, "pact": twerton.pact, "reports": prepared.reports}


def test_survey_figures_agree_on_dashboard_downloads_and_pdfs(app, truth):
    ni21 = {name: truth["ni21"][name] for name in ("Authority", *PLACES.values())}
    assert all(v is not None for v in ni21.values()), "the demo must publish these figures"
    analyst = _client(app, "analyst@bathnes-csp.example.org")

    # the dashboard: NI 21 by neighbourhood, and the burglary gap for the authority and Twerton
    page = check_page(analyst.get(f"/analyst/?wave={WAVE}&indicator=ni21").data)
    for name, value in ni21.items():
        assert fmt.percent(value) in _row(page, "by-neighbourhood", name).split(), name
    assert fmt.ratio(truth["burglary"]["Authority"].ratio) in _row(page, "perception-gap", "Burglary")
    twerton_page = check_page(analyst.get(f"/analyst/?wave={WAVE}&area=twerton&indicator=ni21").data)
    assert fmt.ratio(truth["burglary"]["Twerton"].ratio) in _row(twerton_page, "perception-gap", "Burglary")

    # the downloads hold the number the page prints
    query = f"wave={WAVE}&indicator=ni21"
    rows = list(csv.DictReader(io.StringIO(analyst.get(f"/analyst/estimates.csv?{query}")
                                           .data.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(analyst.get(f"/analyst/estimates.xlsx?{query}").data)).active
    header = [c.value for c in sheet[1]]
    cells = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    for name, value in ni21.items():
        in_csv = next(r for r in rows if r["area"] == name and r["indicator"] == "ni21")
        in_xlsx = next(r for r in cells if r["area"] == name and r["indicator"] == "ni21")
        assert float(in_csv["estimate_pct"]) == float(in_xlsx["estimate_pct"]) == fmt.percent_value(value)

    # the PDFs: the authority summary ranks every neighbourhood; Twerton's own report
    authority_text = pdfcheck.text(render_pdf(truth["reports"][0]))
    for name, value in ni21.items():
        assert f"{name} {fmt.percent(value)}" in authority_text or \
            (name == "Authority" and fmt.percent(value) in authority_text), name
    assert fmt.ratio(truth["burglary"]["Authority"].ratio) in authority_text
    pdf = analyst.post("/analyst/reports/neighbourhood", data={"wave": WAVE, "neighbourhood": "twerton"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    twerton_text = pdfcheck.text(pdf.data)
    assert fmt.percent(ni21["Twerton"]) in twerton_text
    assert fmt.ratio(truth["burglary"]["Twerton"].ratio) in twerton_text

    # the open-data API: JSON holds the unrounded share, its CSV the number the pages print
    api = app.test_client()
    for slug, name in [(None, "Authority"), *PLACES.items()]:
        where = f"&neighbourhood={slug}" if slug else ""
        data = api.get(f"/api/v1/waves/{WAVE}/indicators?format=json{where}").get_json()["data"]
        item = next(i for i in data["indicators"] if i["indicator"] == "ni21")
        assert fmt.percent(item["estimate"]) == fmt.percent(ni21[name]), name
        rows = list(csv.DictReader(io.StringIO(api.get(
            f"/api/v1/waves/{WAVE}/indicators?format=csv{where}").data.decode("utf-8-sig"))))
        assert float(next(r for r in rows if r["indicator"] == "ni21")["estimate_pct"]) == \
            fmt.percent_value(ni21[name])
    for slug, name in ((None, "Authority"), ("twerton", "Twerton")):
        where = f"?neighbourhood={slug}" if slug else ""
        crimes = api.get(f"/api/v1/waves/{WAVE}/perception-gap{where}").get_json()["data"]["crimes"]
        burglary = next(c for c in crimes if c["crime"] == "burglary")
        assert fmt.ratio(burglary["ratio"]) == fmt.ratio(truth["burglary"][name].ratio), name


def test_pact_figures_agree_on_public_staff_and_pdf(app, truth, db_session):
    pact = truth["pact"]  # Twerton over the wave's PACT period, as the PDF prints it
    shares = [pact.share_first_response_within_24h, pact.share_dealt_with_locally]
    assert all(v is not None for v in shares)
    coordinator = _client(app, "pact.southwest@bathnes-csp.example.org")

    # the wave's period: the staff metrics page over the same days, and the PDF
    period = f"start={pact.period_start:%Y-%m-%d}&end={pact.period_end:%Y-%m-%d}"
    staff = check_page(coordinator.get(f"/pact/metrics?{period}").data)
    row = staff.find_all("tr", id="metrics-twerton")[0].text
    pdf_text = pdfcheck.text(render_pdf(truth["reports"][1]))
    for value in shares:
        assert fmt.percent(value) in row.split()
        assert fmt.percent(value) in pdf_text
    assert pact.period_label in pdf_text

    # the last twelve months: the public page and the staff metrics page over the same days
    public = check_page(app.test_client().get("/neighbourhoods/twerton").data)
    today = local(utcnow()).date()
    recent = check_page(coordinator.get(
        f"/pact/metrics?start={today - timedelta(days=365):%Y-%m-%d}&end={today:%Y-%m-%d}").data)
    recent_row = recent.find_all("tr", id="metrics-twerton")[0].text.split()
    pledge = app.test_client().get("/api/v1/neighbourhoods/twerton/pact").get_json()["data"]["pledge"]
    for element_id, key in (("metric-first-response", "share_first_response_within_24h"),
                            ("metric-local", "share_dealt_with_locally")):
        shown = public.find_all("dd", id=element_id)[0].text
        assert shown.endswith("%") and shown in recent_row, (element_id, shown, recent_row)
        assert fmt.percent(pledge[key]) == shown, key  # the open-data API


def _as_the_pdf_prints(share, base, noun) -> str:
    """A share of records as the PDF prints it: under the small-base rule of record shares, a
    base under SHARE_SUPPRESS_BELOW gives no share and a small one a flag (the staff pages, for
    the people who keep the records, print every share)."""
    shown = counted_share(share, base)
    if shown.suppressed:
        return f"{fmt.plural(base, noun)}: fewer than {SHARE_SUPPRESS_BELOW}, too few for a share"
    return f"{fmt.percent(share)}{' *' if shown.low_base else ''} of {fmt.plural(base, noun)}"


def test_charter_figures_agree_on_queue_metrics_and_pdf(app, truth):
    """The Service Charter's figures: the queue (every case to today) and /pact/metrics over a
    period holding every case; Twerton's PDF and /pact/metrics over the wave's PACT period."""
    coordinator = _client(app, "pact.southwest@bathnes-csp.example.org")
    queue = check_page(coordinator.get("/charter/").data)
    acknowledged = queue.find_all("dd", id="charter-acknowledged")[0].text
    answered = queue.find_all("dd", id="charter-answered")[0].text
    breached = queue.find_all("dd", id="charter-breached")[0].text
    assert acknowledged.endswith("cases") and "%" in acknowledged
    today = local(utcnow()).date()
    everything = check_page(coordinator.get(f"/pact/metrics?start=2000-01-01&end={today:%Y-%m-%d}").data)
    row = everything.find_all("tr", id="charter-all")[0].text
    assert f"{acknowledged} {answered} {breached}" in row

    sc = truth["pact"].service_charter  # Twerton over the wave's PACT period, as the PDF prints it
    assert sc.agendas_base and sc.acknowledge_base, "the demo must have meetings and cases in the period"
    period = f"start={truth['pact'].period_start:%Y-%m-%d}&end={truth['pact'].period_end:%Y-%m-%d}"
    staff = check_page(coordinator.get(f"/pact/metrics?{period}").data)
    twerton = staff.find_all("tr", id="charter-twerton")[0].text
    pdf_text = " ".join(pdfcheck.text(render_pdf(truth["reports"][1])).split())
    for share, base, noun in ((sc.agendas_share, sc.agendas_base, "meeting"),
                              (sc.acknowledged_share, sc.acknowledge_base, "case"),
                              (sc.answered_share, sc.answer_base, "case")):
        printed = f"{fmt.percent(share)} of {fmt.plural(base, noun)}"
        assert printed in twerton, (printed, twerton)
        assert _as_the_pdf_prints(share, base, noun) in pdf_text, printed


def test_resident_satisfaction_agrees_on_staff_metrics_and_pdf(app, truth):
    """"Was it resolved?" for Twerton over the wave's PACT period: the share saying resolved with its
    base, and the response rate, as the staff metrics page and the neighbourhood PDF print them."""
    pact, s = truth["pact"], truth["reports"][1].satisfaction
    assert s.answered > 0 and s.share_resolved is not None, "the demo must have answers in the period"
    coordinator = _client(app, "pact.southwest@bathnes-csp.example.org")
    period = f"start={pact.period_start:%Y-%m-%d}&end={pact.period_end:%Y-%m-%d}"
    staff = check_page(coordinator.get(f"/pact/metrics?{period}").data)
    row = staff.find_all("tr", id="satisfaction-twerton")[0].text.split()
    assert fmt.percent(s.share_resolved) in row and fmt.percent(s.response_rate) in row
    assert str(s.answered) in row and str(s.sent) in row
    pdf_text = " ".join(pdfcheck.text(render_pdf(truth["reports"][1])).split())
    assert _as_the_pdf_prints(s.share_resolved, s.answered, "answer") in pdf_text
    if counted_share(s.response_rate, s.sent).suppressed:
        assert _as_the_pdf_prints(s.response_rate, s.sent, "question") in pdf_text
    else:
        rate = f"{fmt.percent(s.response_rate)} {s.answered} of {fmt.plural(s.sent, 'question')} answered"
        assert rate in pdf_text

    # the authority: the admin's metrics page (every neighbourhood) and the authority summary PDF
    a = truth["reports"][0].satisfaction
    assert a.answered > s.answered, "the authority holds more than Twerton's answers"
    admin = check_page(_client(app, "admin@bathnes-csp.example.org").get(f"/pact/metrics?{period}").data)
    row = admin.find_all("tr", id="satisfaction-all")[0].text.split()
    assert fmt.percent(a.share_resolved) in row and str(a.answered) in row and str(a.sent) in row
    authority_text = " ".join(pdfcheck.text(render_pdf(truth["reports"][0])).split())
    assert _as_the_pdf_prints(a.share_resolved, a.answered, "answer") in authority_text
