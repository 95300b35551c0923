"""analysis.charts: vector SVG with real text, alt text written from the same numbers,
suppressed values described rather than dropped, deterministic output."""

from __future__ import annotations

import base64
from dataclasses import dataclass

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
    assert "Burglary: 24.0% worried, 4.0% victims, ratio 6.0 to 1" in gap.alt
    assert "Car crime: suppressed" in gap.alt
