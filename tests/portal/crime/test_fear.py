"""Fear and recorded crime on the analyst dashboard and in the reports, told from the demo."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import delete

from demo.staff import DEMO_PASSWORD
from portal.crime.fear import fear_risk_section, wave_year
from portal.models import CrimeCount
from portal.reports.building import prepare_reports
from portal.reports.data import load_analysis
from portal.reports.render import render_html


def test_wave_year_is_the_twelve_months_to_fieldwork_end():
    assert wave_year(date(2010, 4, 1), date(2011, 3, 31)) == ("2010-04", "2011-03")
    assert wave_year(date(2026, 10, 30), date(2027, 1, 28)) == ("2026-02", "2027-01")
    assert wave_year(date(2009, 1, 1), date(2010, 12, 31)) == ("2009-01", "2010-12")


def test_burglary_worry_is_many_times_the_recorded_rate(demo_data, db_session):
    analysis = load_analysis(db_session, "2010-11")
    section = fear_risk_section(db_session, analysis, None)
    rows = {r.crime: r for r in section.rows}
    assert section.period_label == "April 2010 to March 2011" and section.complete
    burglary = rows["burglary"]
    assert burglary.worried.estimate > 0.15
    assert burglary.rate_per_1000 < 10
    assert burglary.worry_to_risk > 20  # the plan's story: fear runs far ahead of risk
    assert rows["violent_crime"].police_types == ("Violence and sexual offences", "Robbery")
    assert 10 < section.ni16_rate < 16


def _demo_analyst(app):
    client = app.test_client()
    response = client.post("/staff/sign-in", data={"email": "analyst@bathnes-csp.example.org",
                                                   "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def test_dashboard_shows_fear_against_recorded_crime(app, demo_data):
    client = _demo_analyst(app)
    page = client.get("/analyst/?wave=2010-11&area=twerton").text
    assert "Fear and recorded crime: Twerton" in page
    assert "fewer than 30 responses" in page  # the small demo's Twerton: suppressed, not hidden
    page = client.get("/analyst/?wave=2010-11").text
    assert "Fear and recorded crime: Authority" in page
    table = page[page.index('id="fear-risk"'):]
    table = table[:table.index("</table>")]
    assert "Violence and sexual offences, Robbery" in table
    assert "(Burglary)</span>" not in table  # police.uk's name is shown only where it differs
    assert re.search(r"\d+\.\d to 1", table)  # a worry-to-risk ratio
    assert "police.uk does not separate burglary of a dwelling" in page


def test_twerton_report_has_the_section_and_the_caveat(demo_data, db_session):
    now = datetime(2011, 6, 1, tzinfo=UTC)
    report = prepare_reports(db_session, "2010-11", ["twerton"], now=now).reports[0]
    html = render_html(report)
    assert "<h2>Fear and recorded crime</h2>" in html
    assert "How many residents of Twerton worry" in html
    assert "<dt>Recorded crime</dt>" in html and "over-states the NI 16 definition" in html


def test_without_recorded_crime_the_section_is_left_out(app, demo_data, db_session):
    db_session.execute(delete(CrimeCount))
    db_session.commit()
    report = prepare_reports(db_session, "2010-11", ["twerton"],
                             now=datetime(2011, 6, 1, tzinfo=UTC)).reports[0]
    assert report.fear_risk is None
    assert "Fear and recorded crime" not in render_html(report)
    page = _demo_analyst(app).get("/analyst/?wave=2010-11").text
    assert "No recorded crime is loaded for this wave" in page
