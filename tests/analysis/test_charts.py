"""analysis.charts: vector SVG with real text, alt text written from the same numbers,
suppressed values described rather than dropped, deterministic output."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import date

import pytest

from analysis import charts


@dataclass
class F:
    label: str
    estimate: float | None
    ci_lower: float | None
    ci_upper: float | None
    flag: str | None = None


@dataclass
class G:
    label: str
    worried: float | None
    victim: float | None
    ratio: float | None


ITEMS = [F("Twerton", 0.246, 0.18, 0.32, "low_base"), F("Authority", 0.297, 0.271, 0.325),
         F("Whiteway", None, None, None, "suppressed")]


def test_interval_chart_is_svg_with_alt_text():
    chart = charts.interval_chart(ITEMS, title="NI 21", reference=[(0.325, "Target 32.5%")])
    assert chart.svg.lstrip().startswith("<svg") and "<script" not in chart.svg
    assert "<text" in chart.svg  # real text, not outlines
    assert "Twerton: 24.6% (95% CI 18.0% to 32.0%)" in chart.alt
    assert "Whiteway: suppressed (too few responses)" in chart.alt
    assert "Target 32.5% 32.5%" in chart.alt
    assert "suppressed: fewer than 30 responses" in chart.svg


def test_charts_are_deterministic_and_embeddable():
    one = charts.interval_chart(ITEMS, title="NI 21")
    two = charts.interval_chart(ITEMS, title="NI 21")
    assert one.svg == two.svg
    assert base64.b64decode(one.data_uri.split(",", 1)[1]).decode() == one.svg


def test_trend_and_gap_charts_describe_their_numbers():
    trend = charts.trend_chart([("Twerton", ITEMS[:2]), ("Authority", ITEMS[1:])],
                               ["2008-09", "2009-10"], title="NI 21 by wave")
    assert "Twerton: 2008-09 24.6%" in trend.alt and "2009-10 suppressed" in trend.alt
    gap = charts.gap_chart([G("Burglary", 0.24, 0.04, 6.0), G("Car crime", None, None, None)],
                           title="Gap")
    assert "Burglary: 24.0% worried, 4.0% victims, worried to victims 6.0 to 1" in gap.alt
    assert "Car crime: suppressed" in gap.alt


def _texts(svg: str) -> list[tuple[int, str]]:
    """(position in the SVG, text) of every text element."""
    return [(m.start(), m.group(1)) for m in re.finditer(r"<text[^>]*>([^<]*)</text>", svg)]


def _boxes(svg: str) -> list[tuple[int, float, float, float, float]]:
    """(position, x, y, width, height) of every white rectangle."""
    return [(m.start(), *map(float, m.groups())) for m in re.finditer(
        r'<rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)" fill="#ffffff"/>',
        svg)]


def _grid_end(svg: str) -> int:
    """Where the grid lines (light, drawn first) end."""
    return max(m.end() for m in re.finditer(r'<line[^>]*stroke="#b1b4b6"[^>]*/>', svg))


@dataclass
class FR:
    label: str
    worried: F
    victim: F
    recorded_share: float | None
    worry_to_risk: float | None


@dataclass
class GF(G):
    flag: str | None = None


def test_value_labels_sit_on_white_so_grid_lines_stop_short_of_them():
    interval = charts.interval_chart(ITEMS, title="NI 21", reference=[(0.325, "Target 32.5%")])
    gap = charts.gap_chart([GF("Burglary", 0.42, 0.02, 22.0, "low_base")], title="Gap")
    fear = charts.fear_risk_chart([FR("Burglary", F("w", 0.42, 0.3, 0.5, "low_base"),
                                      F("v", 0.02, 0.01, 0.1, "low_base"), 0.0094, 44.2)],
                                  title="Fear")
    for chart, labels in ((interval, ["24.6% *", "29.7%", "suppressed: fewer than 30 responses"]),
                          (gap, ["42.0% * worried", "2.0% * victims (worried to victims 22.0 to 1)"]),
                          (fear, ["42.0% * worried", "2.0% * victims (survey)",
                                  "9.4 per 1,000 recorded (worried to recorded 44.2 to 1)"])):
        texts, boxes = dict((t, at) for at, t in _texts(chart.svg)), _boxes(chart.svg)
        for label in labels:
            assert label in texts, (label, list(texts))
            # a white box drawn after the grid, just before the label
            assert any(_grid_end(chart.svg) < at < texts[label] for at, *_box in boxes), label
    assert "Recorded by police (per 1,000 residents)" in fear.svg and "per 100" not in fear.svg


def test_the_trend_axis_is_proportional_to_time_and_broken_across_a_long_gap():
    waves = ["2008-09", "2009-10", "2010-11", "2026-27"]
    figures = [F(w, 0.25, 0.2, 0.3) for w in waves]
    positions = charts.years([date(2008, 4, 1), date(2009, 4, 1), date(2010, 4, 1),
                              date(2026, 11, 7)])
    xs, breaks = charts.time_axis(positions)
    assert xs[1] - xs[0] == pytest.approx(1.0, abs=0.01) and xs[2] - xs[1] == pytest.approx(1.0, abs=0.01)
    assert xs[3] - xs[2] == pytest.approx(charts.BROKEN_GAP) and len(breaks) == 1
    assert breaks[0][1] == pytest.approx(16.6, abs=0.1)
    chart = charts.trend_chart([("Twerton", figures)], waves, title="NI 21", positions=positions)
    assert "16 years" in chart.svg  # whole years between the starts, under the break
    assert "The time axis is broken between 2010-11 and 2026-27" in chart.alt
    # the line joins the three waves of the first era, not the fourth across the break
    assert [len(p.split()) for p in re.findall(r'<polyline points="([^"]*)"', chart.svg)] == [3]
    even = charts.trend_chart([("Twerton", figures)], waves, title="NI 21")
    assert "years" not in even.svg
    assert [len(p.split()) for p in re.findall(r'<polyline points="([^"]*)"', even.svg)] == [4]


def test_a_gap_in_a_chart_gives_the_figure_s_own_reason():
    """A figure withheld beside a suppressed one is not 'fewer than 30 responses' (it has more)."""
    from analysis.report import Figure

    withheld = Figure("Keynsham", None, None, None, 80, "suppressed",
                      "withheld so that a suppressed figure cannot be worked out from the total")
    shown = Figure("Twerton", 0.3, 0.25, 0.35, 400)
    svg = charts.interval_chart([shown, withheld], title="NI 21").svg
    assert "suppressed: withheld so that a suppressed figure cannot be worked out" in svg
    assert "fewer than 30 responses" not in svg


def test_the_direct_against_model_chart_draws_both_intervals_and_names_every_area():
    from analysis.charts import DirectModelPoint, direct_model_chart

    chart = direct_model_chart([
        DirectModelPoint("Tom & Jerry's", 0.40, 0.30, 0.50, 0.42, 0.35, 0.50),
        DirectModelPoint("Keynsham", 0.60, 0.40, 0.80, 0.55, 0.45, 0.62, published_model=True),
        DirectModelPoint("Whiteway", None, None, None, 0.50, 0.40, 0.60, published_model=True),
    ], title="NI 21: direct against model-based")
    assert chart.svg.count("<polygon") == 1 and chart.svg.count("<circle") == 1 + 2  # + legend
    assert 'stroke-dasharray="3.7 1.6"' in chart.svg  # the y = x line
    assert "Keynsham: direct 60.0% (95% CI 40.0% to 80.0%), model-based 55.0%" in chart.alt
    assert "Not drawn, having no published direct figure: Whiteway" in chart.alt
    inline = chart.inline("plot")
    assert inline.startswith('<svg role="img" aria-labelledby="plot-title" id="plot" ')
    assert '<title id="plot-title">NI 21: direct against model-based. Tom &amp; Jerry' in inline
    assert "Tom & Jerry" not in inline


def test_the_charts_use_the_words_passed_in_and_english_otherwise():
    from dataclasses import dataclass

    from analysis import charts

    @dataclass
    class Row:
        label: str
        estimate: float | None
        ci_lower: float | None
        ci_upper: float | None
        flag: str | None = None
        note: str | None = None

    @dataclass
    class Gap:
        label: str
        worried: float | None
        victim: float | None
        ratio: float | None
        flag: str | None = None
        note: str | None = None

    words = charts.Words(**{f: f"<{f}:" + ("{note}" if f == "suppressed_because" else "") + ">"
                            for f in ("interval_axis", "per_cent", "per_cent_of_residents",
                                      "suppressed", "suppressed_because", "suppressed_default",
                                      "too_few", "reference_lines", "worried_legend",
                                      "victim_legend", "low_base")},
                         worried="W{percent}", victims="V{percent}", worried_to_victims="R{ratio}",
                         with_interval="{estimate} CI {interval}", years="Y{years}",
                         broken_axis="B{before}{after}{years}")
    rows = [Row("a", 0.4, 0.3, 0.5), Row("b", None, None, None, note="n"), Row("c", None, None, None)]
    chart = charts.interval_chart(rows, title="T", reference=[(0.5, "ref")], words=words)
    assert "&lt;interval_axis:&gt;" in chart.svg and "&lt;suppressed_because:n&gt;" in chart.svg
    assert "&lt;suppressed_default:&gt;" in chart.svg and "Per cent" not in chart.svg
    assert "40.0% CI" in chart.alt and "<too_few:>" in chart.alt and "Reference" not in chart.alt
    trend = charts.trend_chart([("x", rows)], ["w1", "w2", "w3"], title="T",
                               positions=[2000.0, 2001.0, 2009.0], words=words)
    assert "&lt;per_cent:&gt;" in trend.svg and "&lt;suppressed:&gt;" in trend.svg and ">Y" in trend.svg
    assert "Bw2w38" in trend.alt and "broken" not in trend.alt and "suppressed" not in trend.alt
    gap = charts.gap_chart([Gap("g", 0.3, 0.1, 3.0, "low_base"), Gap("h", None, None, None)],
                           title="T", words=words)
    assert "W30.0% *" in gap.svg and "R3.0" in gap.svg and "&lt;victim_legend:&gt;" in gap.svg
    assert " worried" not in gap.svg + gap.alt and "(<low_base:>)" in gap.alt
    english = charts.gap_chart([Gap("g", 0.3, 0.1, 3.0)], title="T")
    assert "30.0% worried" in english.alt and "Worried (very or fairly)" in english.svg
