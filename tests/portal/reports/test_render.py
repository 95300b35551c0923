"""The neighbourhood PDF: its numbers are the engine's, user text is escaped, small bases are
marked, and the file is an accessible (tagged, titled, language set, fonts embedded) PDF."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete

from analysis import estimate_indicators, rake_weights
from analysis.gap import perception_gap
from analysis.report import PORTAL_CI, RAKE_OPTIONS, REPORT_CATALOGUE
from portal.core.extensions import db
from portal.models import PopulationEstimate, Response
from portal.reports.building import prepare_reports
from portal.reports.data import ReportError, WaveNotReady, load_analysis
from portal.reports.render import render_html, render_pdf
from portal.survey.frames import population_margins, wave_frame
from portal.survey.queries import find_wave
from tests.portal.reports.conftest import HOSTILE, SMALL, WITHHELD, _responses
from tests.portal.reports.pdfcheck import fonts, reader, struct_elements, text

NOW = datetime.now(UTC)


def _prepare(app, slugs, **kw):
    with app.app_context(), db.transaction() as session:
        return prepare_reports(session, kw.pop("wave", None), slugs, now=NOW, **kw)


def _engine(app, wave_slug="2010-11"):
    """The engine run by hand, as an analyst would: weight the wave, estimate by neighbourhood."""
    with app.app_context(), db.transaction() as session:
        frame = wave_frame(session, find_wave(session, wave_slug))
        margins = population_margins(session)
    weights = rake_weights(frame, margins, **RAKE_OPTIONS)
    est = estimate_indicators(frame, weights, REPORT_CATALOGUE, by="neighbourhood", ci=PORTAL_CI)
    gap = perception_gap(frame, weights, REPORT_CATALOGUE, by="neighbourhood")
    return est, gap


def _row(est, indicator, slug):
    rows = est[(est.indicator == indicator)
               & est.group.map(lambda g: (g is None) if slug is None
                               else (isinstance(g, dict) and g.get("neighbourhood") == slug))]
    return rows.iloc[0]


def pct(x):
    return f"{100 * x:.1f}%"


def test_the_pdf_prints_the_engines_numbers(app, survey, plan_targets):
    prepared = _prepare(app, ["twerton"])
    report = prepared.reports[0]
    assert report.wave == "2010-11"  # the latest wave with responses, not the empty open wave
    data = render_pdf(report)
    printed = text(data)
    est, gap = _engine(app)
    local, total = _row(est, "ni21", "twerton"), _row(est, "ni21", None)
    assert f"{pct(local.estimate)}" in printed
    assert f"95% CI {pct(local.ci_lower)} to {pct(local.ci_upper)}" in printed
    assert f"95% CI {pct(total.ci_lower)} to {pct(total.ci_upper)}" in printed
    assert "32.5%" in printed and "25.5%" in printed
    for indicator in ("ni17", "safe_after_dark", "ni4"):
        row = _row(est, indicator, "twerton")
        assert f"{pct(row.estimate)}" in printed, indicator
    burglary = gap[(gap.crime == "burglary") & gap.group.map(
        lambda g: isinstance(g, dict) and g["neighbourhood"] == "twerton")].iloc[0]
    assert f"{burglary.ratio:.1f} to 1" in printed
    assert "statistically significant" in printed or "significantly" in printed
    assert "Holm" in printed
    # PACT section and method note
    assert "You said" in printed and "twelve months to the end of the survey's fieldwork" in printed
    assert "PACT activity, 1 April 2010 to 31 March 2011" in printed
    assert "fieldwork 1 April 2010" in printed


def test_user_text_is_escaped_and_printed_as_text(app, survey):
    report = _prepare(app, ["twerton"]).reports[0]
    html = render_html(report)
    assert "<script>" not in html and "<b>lids</b>" not in html
    assert "&lt;script&gt;alert(" in html and "Tom &amp; Jerry" in html
    printed = text(render_pdf(report))
    assert HOSTILE.replace("'", "'") in printed.replace("’", "'")
    assert "Bins moved & <b>lids</b> fixed" in printed
    assert "Speeding <near> the school" in printed
    assert "Zebrafinch" not in printed and "Zebrafinch" not in html  # the private description


def test_the_pact_section_counts_issues_by_channel_with_its_hint(app, survey):
    report = _prepare(app, ["twerton"]).reports[0]
    rows = {row.channel: (row.label, row.raised, row.share) for row in report.pact.by_channel}
    assert rows["online"] == ("Online form", 1, 1.0) and rows["phone"] == ("By phone", 0, 0.0)
    assert sum(r[1] for r in rows.values()) == report.pact.raised
    printed = " ".join(text(render_pdf(report)).split())
    assert "Issues raised by channel" in printed and "Online form 1 100.0%" in printed
    assert printed.count("the others a coordinator recorded for the resident") == 2  # table and method note


def test_the_pdf_is_tagged_titled_and_embeds_its_fonts(app, survey):
    report = _prepare(app, ["twerton"]).reports[0]
    pdf = reader(render_pdf(report))
    root = pdf.trailer["/Root"]
    assert pdf.metadata.title == report.title
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"]
    figures = struct_elements(pdf, "/Figure")
    assert len(figures) >= 4 and all(str(f.get("/Alt", "")).strip() for f in figures)
    assert struct_elements(pdf, "/Table") and struct_elements(pdf, "/TH")
    used = fonts(pdf)
    assert used and all(used.values()), used


def test_a_neighbourhood_with_too_few_responses_gets_a_marked_report(app, survey):
    report = _prepare(app, [SMALL]).reports[0]
    assert report.headline.local.suppressed and report.headline.local.n < 30
    assert report.any_suppressed
    printed = text(render_pdf(report))
    assert "Suppressed: fewer than 30 responses" in printed
    assert "suppressed: fewer than 30 responses" in printed
    assert "cannot be compared with the rest of the authority: fewer than 30 responses" in printed


def test_the_authority_summary_ranks_every_neighbourhood(app, survey):
    report = _prepare(app, [], authority=True).reports[0]
    # suppressed last: Chew Valley (12 responses) and Keynsham, withheld so that the authority
    # minus Twerton does not give Chew Valley's figure
    assert [r.slug for r in report.ranking][-2:] == [SMALL, WITHHELD]
    shown = [r.figure.estimate for r in report.ranking if r.figure.estimate is not None]
    assert shown == sorted(shown, reverse=True)
    printed = text(render_pdf(report))
    for r in report.ranking:
        assert r.name in printed
    assert "Urban or rural" in printed or "urban" in printed.lower()
    assert "Holm" in printed


def test_the_authority_summary_sets_ni21_against_a_published_figure(app, survey, db_session):
    """The dashboard's "Against national figures" rows, printed with every reason: wave 2010-11's
    16+ base against the Place Survey's 18+ is not compared; nothing is shown without a table row
    that answers a computed question."""
    from portal.comparators.table import save_table
    assert not _prepare(app, [], authority=True).reports[0].national  # shipped CSEW rows only
    save_table(db_session, "measure,geography,year_ending,estimate,lower,upper,checked,citation\n"
               "ni21,England and Wales,2011-03,45,43,47,no,test figure\n", None)
    db_session.commit()
    report = _prepare(app, [], authority=True).reports[0]
    assert [r.verdict for r in report.national] == ["not compared"]
    printed = " ".join(text(render_pdf(report)).split())
    assert "Against national figures" in printed and "not compared" in printed
    assert "base differs: ours is 16+, theirs 18+" in printed
    assert "year ending 2011-03" in printed and "45.0%" in printed


@pytest.mark.parametrize("wave, message", [
    ("1999-00", "Choose from: 2009-10, 2010-11, 2026-27"),
    ("2026-27", "has no responses yet"),
])
def test_bad_waves_are_named(app, survey, wave, message):
    with app.app_context(), db.transaction() as session, pytest.raises(ReportError) as caught:
        load_analysis(session, wave)
    assert message in str(caught.value)


def test_unknown_neighbourhood_names_the_choices(app, survey):
    with pytest.raises(ReportError, match="Choose from: chew-valley, keynsham, twerton"):
        _prepare(app, ["nowhere"])


def test_a_wave_without_a_population_says_what_to_load(app, survey, db_session):
    db_session.execute(delete(PopulationEstimate))
    db_session.commit()
    with app.app_context(), db.transaction() as session, pytest.raises(ReportError) as caught:
        load_analysis(session, None)
    assert "population" in str(caught.value) and "Load" in str(caught.value)


def test_the_default_wave_is_the_latest_closed_one_while_a_wave_is_in_the_field(app, survey, db_session):
    open_wave = survey["waves"]["2026-27"]
    db_session.add(Response(uid="first-online-answer", wave_id=open_wave.id, mode="online",
                            submitted_at=NOW, answers={"ni21": "tend_to_agree"}))
    db_session.commit()
    with app.app_context(), db.transaction() as session:
        assert find_wave(session, None).slug == "2010-11"  # not the open wave with one answer
        assert find_wave(session, "2026-27").slug == "2026-27"  # still there when asked for


def test_a_wave_too_early_to_weight_is_explained_not_raked(app, survey, early_responses):
    with app.app_context(), db.transaction() as session, pytest.raises(WaveNotReady) as caught:
        load_analysis(session, "2026-27")
    waiting = caught.value
    assert waiting.gap.responses == 2 and waiting.counts.responses == 2
    message = str(waiting)
    assert message.startswith("Wave 2026-27 (Voicebox 2026/27) has 2 responses and cannot be "
                              "weighted yet.")
    assert "“Which age group are you in?”" in message and "“Chew Valley”" in message
    assert "age_band" not in message and "respondent" not in message


def test_a_wave_whose_weights_cannot_settle_is_not_ready_either(app, survey, db_session):
    open_wave = survey["waves"]["2026-27"]
    _responses(db_session, open_wave, survey["neighbourhoods"], 20, seed=10)
    db_session.commit()
    with app.app_context(), db.transaction() as session, pytest.raises(WaveNotReady) as caught:
        load_analysis(session, "2026-27")
    assert caught.value.gap.unsettled and caught.value.gap.empty == ()
    assert caught.value.counts.responses == 20
    assert "too few and too unevenly spread" in str(caught.value)
    assert "converge" not in str(caught.value)
def test_a_breakdown_with_every_group_suppressed_is_one_sentence(app, survey):
    """Chew Valley (12 responses): every group of every breakdown is suppressed, so each
    breakdown prints one sentence, not a table of dashes; a partly suppressed one stays a table."""
    report = _prepare(app, [SMALL]).reports[0]
    assert report.breakdowns and all(b.all_suppressed for b in report.breakdowns)
    html = render_html(report)
    age = next(b for b in report.breakdowns if b.variable == "age_band")
    sentence = f"All {len(age.rows)} groups had fewer than 30 responses, so none is shown."
    assert sentence in html and sentence in text(render_pdf(report))
    assert '<th scope="row">16 to 24</th>' not in html
    twerton = _prepare(app, ["twerton"]).reports[0]
    partly = [b for b in twerton.breakdowns if not b.all_suppressed]
    assert partly and any(f.suppressed for b in partly for f in b.rows)
    html = render_html(twerton)
    assert html.count("so none is shown") + html.count("No group is shown") == sum(
        b.all_suppressed for b in twerton.breakdowns)
    for b in partly:
        assert f'<h3 class="table-title">By {b.title.lower()}</h3>\n<table>' in html


def test_one_formatter_prints_every_figure_in_the_pdf(app, survey):
    """The plain Jinja environment of the PDFs has the pages' filters by the same names."""
    from analysis.formatting import FILTERS
    from portal.reports.render import environment

    for name, function in FILTERS.items():
        assert environment().filters[name] is function
    assert "pct" not in environment().filters


def _recoverable(total_n: int, parts, threshold: int = 30) -> int | None:
    """The base of what the total minus the published parts gives, when it holds a suppressed
    part and is smaller than the threshold (None: nothing can be worked out)."""
    if not any(f.suppressed for f in parts):
        return None
    rest = total_n - sum(f.n for f in parts if not f.suppressed)
    return rest if rest < threshold and any(not f.suppressed for f in parts) else None


def test_no_table_of_the_reports_lets_a_suppressed_figure_be_worked_out(app, survey):
    """Every subtraction the printed tables allow: the authority's NI 21 minus the published
    neighbourhoods (the ranking table) and every breakdown's total minus its published groups,
    in the authority summary and in each neighbourhood's report (totals: the headline figure)."""
    authority = _prepare(app, [], authority=True).reports[0]
    assert _recoverable(authority.headline.local.n, [r.figure for r in authority.ranking]) is None
    reports = [authority, *_prepare(app, ["twerton", "keynsham", SMALL]).reports]
    tried = 0
    for report in reports:
        for b in report.breakdowns:
            tried += any(f.suppressed for f in b.rows)
            assert _recoverable(report.headline.local.n, b.rows) is None, (report.name, b.title)
            if report.headline.local.suppressed:  # nor the total from its published groups
                assert all(f.suppressed for f in b.rows) or report.headline.local.n - sum(
                    f.n for f in b.rows if not f.suppressed) >= 30
    assert tried >= 4


@pytest.mark.parametrize("n, note", [(0, "no responses in the base"), (12, "fewer than 30 responses")])
def test_the_pdf_and_the_dashboard_say_why_a_figure_is_not_shown_the_same_way(app, n, note):
    """An indicator nobody answered, and one with 12 answers: the PDF's cells and the analyst
    dashboard's print the figure's note (`analysis.formatting.small_base`), not words of their own."""
    from analysis.estimates import DisclosureRules
    from analysis.report import Figure

    flag, why = DisclosureRules().flag(n)
    figure = Figure("NI 21", None, None, None, n, flag, why)
    with app.app_context():
        env = app.jinja_env
        pdf = env.get_template("reports/_macros.html").make_module({}).estimate_cells(figure)
        dashboard = env.get_template("analyst/_figure_cells.html").render(f=figure)
    assert why == note
    assert f"suppressed: {note}" in str(pdf) and note in dashboard
    other = "fewer than 30 responses" if n == 0 else "no responses in the base"
    assert other not in str(pdf) and other not in dashboard


def test_the_gap_table_names_both_of_its_bases(app, survey):
    """Worried and victims are each on their own base: the table prints both, labelled."""
    report = _prepare(app, ["twerton"]).reports[0]
    html = render_html(report)
    assert "Bases (worried, victims)" in html
    for g in report.gap:
        assert f'<td class="num">{g.n_worried:,}, {g.n_victim:,}</td>' in html
    assert any(g.n_worried != g.n_victim for g in report.gap)


def test_the_trend_chart_spaces_waves_by_time_and_breaks_across_eras():
    """An open wave sixteen years after the last closed one: not compared with it, and drawn
    across a visibly broken time axis rather than a year along."""
    from datetime import date

    from analysis.report import Place, WaveInput, analyse_waves, neighbourhood_report
    from demo.responses import NEIGHBOURHOOD_LIST, generate_responses, population_margins
    from portal.reports.render import report_charts

    def wave(slug, opens):
        frame = generate_responses(900, seed=int(slug[:4]), wave=slug)
        return WaveInput(slug, f"Voicebox {slug}", opens, opens.replace(year=opens.year + 1), frame)

    places = [Place(n.slug, n.name, n.area_class) for n in NEIGHBOURHOOD_LIST]
    analysis = analyse_waves([wave("2009-10", date(2009, 4, 1)), wave("2010-11", date(2010, 4, 1)),
                              wave("2026-27", date(2026, 11, 7))],
                             population_margins([p.slug for p in places]), places)
    report = neighbourhood_report(analysis, "twerton", generated_at=NOW)
    trend = report_charts(report)["trend"]
    assert "The time axis is broken between 2010-11 and 2026-27 (16 years apart)." in trend.alt
    assert "16 years" in trend.svg
    assert report.headline.change is None and "No change is given" in render_html(report)


def test_open_issues_are_counted_then_aged_in_words(app, survey):
    import dataclasses

    report = _prepare(app, ["twerton"]).reports[0]
    assert report.pact is not None
    bands = {"0-7 days": 1, "8-30 days": 0, "31-90 days": 2, "over 90 days": 0}
    report.pact = dataclasses.replace(report.pact, open_issues=3, open_by_age=bands)
    html = " ".join(render_html(report).split())
    assert '3<br><span class="small">open for 0–7 days: 1; 31–90 days: 2</span>' in html
    report.pact = dataclasses.replace(report.pact, open_issues=0, open_by_age=dict.fromkeys(bands, 0))
    html = " ".join(render_html(report).split())
    assert "0-7 days" not in html and "open for" not in html
