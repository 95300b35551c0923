"""The public results page's "last two years" NI 21: this wave and the one before stacked, with
the same suppression as the direct figures."""

from __future__ import annotations

from analysis.formatting import percent
from portal.reports.data import load_analysis


def _paragraph(html: str) -> str:
    return html.split('id="last-two-years"')[1].split("</p>")[0]


def test_a_neighbourhood_page_gives_its_last_two_years(client, survey, db_session):
    html = client.get("/neighbourhoods/twerton/results").get_data(as_text=True)
    text = _paragraph(html)
    assert "the Voicebox 2009/10 and Voicebox 2010/11 surveys together" in text
    row = load_analysis(db_session, "2010-11").last_two_years.row("twerton")
    assert percent(row["estimate"]) in text and f"{row['n']:,} responses" in text


def test_a_small_neighbourhood_is_suppressed_over_two_years_too(client, survey):
    text = _paragraph(client.get("/neighbourhoods/chew-valley/results").get_data(as_text=True))
    assert "fewer than 30 responses: not shown" in text and "%" not in text


def test_the_first_wave_has_no_last_two_years(client, survey):
    html = client.get("/neighbourhoods/twerton/results?wave=2009-10").get_data(as_text=True)
    assert 'id="last-two-years"' not in html
