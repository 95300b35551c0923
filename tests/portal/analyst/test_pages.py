"""The dashboard's "last two years" NI 21: the two closed waves stacked (`analysis.pooled`), under
the direct figures' disclosure rules, labelled with both waves' names."""

from __future__ import annotations

from sqlalchemy import select

from analysis.formatting import percent
from portal.models import Wave
from portal.reports.data import load_analysis


def _table(html: str) -> str:
    return html.split('id="ni21-last-two-years"')[1].split("</table>")[0]


def test_the_dashboard_pools_ni21_over_the_last_two_waves(signed_in, survey, db_session):
    html = signed_in("analyst").get("/analyst/?wave=2010-11").get_data(as_text=True)
    assert "NI 21, last two years: Voicebox 2009/10 and Voicebox 2010/11 together" in html
    analysis = load_analysis(db_session, "2010-11")
    pooled = analysis.last_two_years
    assert pooled is not None and pooled.waves == ("2009-10", "2010-11")
    twerton = pooled.row("twerton")
    # the stacked base is both waves' bases, not either one's
    bases = [w.row("ni21", "twerton")["n"] for w in (analysis.history[-1], analysis.current)]
    assert twerton["n"] == sum(bases)
    table = _table(html)
    assert percent(twerton["estimate"]) in table and f"{twerton['n']:,}" in table
    rows = {r.split("</th>")[0].split(">")[-1]: r for r in table.split("<tr>")[2:]}
    assert "Suppressed" in rows["Chew Valley"]  # 12 + 12 responses: still under 30
    assert "withheld" in rows["Keynsham"]  # else the authority minus the others gives it away


def test_no_pooled_figure_without_a_wave_before(signed_in, survey):
    html = signed_in("analyst").get("/analyst/?wave=2009-10").get_data(as_text=True)
    assert 'id="ni21-last-two-years"' not in html


def test_wave_names_are_escaped(signed_in, survey, db_session):
    wave = db_session.scalar(select(Wave).where(Wave.slug == "2009-10"))
    wave.name = "<b>Spring</b> & co"
    db_session.commit()
    html = signed_in("analyst").get("/analyst/?wave=2010-11").get_data(as_text=True)
    assert "&lt;b&gt;Spring&lt;/b&gt; &amp; co and Voicebox 2010/11 together" in html
    assert "<b>Spring</b>" not in html
