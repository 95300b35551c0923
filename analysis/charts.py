"""The chart module: charts drawn as SVG strings, for the PDF reports and the dashboard.

Every chart is vector SVG with real text (Liberation Sans, falling back to DejaVu Sans) and comes
with its alternative text, written from the same numbers, so no chart is printed without one.
The SVG is written directly, element by element, with presentation attributes only (no ``style``,
no scripts): no clip paths, no ``<use>``, no groups, because every node and every letter of
text costs WeasyPrint time when it paints a report. Drawing a chart takes about a millisecond,
where drawing it with matplotlib took a hundred. The output is deterministic.

The geometry follows the matplotlib charts this module used to draw: fixed margins in inches
around the plot area, ticks chosen like matplotlib's ``MaxNLocator`` (steps 1, 2, 2.5, 5, 10),
legends above the plot area, 8.5 pt text.

Inputs are "figure-like" objects with ``label``, ``estimate``, ``ci_lower``, ``ci_upper`` (all
proportions 0..1, None when suppressed) and optionally ``flag`` (``analysis.report.Figure``).
Suppressed values are drawn as a labelled gap ("suppressed: fewer than 30 responses"), never
silently dropped.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from analysis.formatting import interval, percent, ratio

BLUE = "#1d70b8"
DARK = "#0b0c0c"
GREY = "#505a5f"
LIGHT = "#b1b4b6"
ORANGE = "#d4351c"
GREEN = "#00703c"
WHITE = "#ffffff"
FONT = "Liberation Sans, DejaVu Sans"
FONT_SIZE = 8.5  # pt
WIDTH = 6.4  # inches: the A4 text width of the reports
SUPPRESSED = "suppressed: fewer than 30 responses"


@dataclass(frozen=True)
class Words:
    """Every fixed word a chart draws or writes in its alternative text. English by default (the
    PDF reports and the analysts' pages); the public results page passes them in the resident's
    language (`portal.results.wording.chart_words`), as this module never imports the portal."""

    interval_axis: str = "Per cent (95% confidence interval)"
    per_cent: str = "Per cent"
    per_cent_of_residents: str = "Per cent of residents"
    suppressed: str = "suppressed"
    suppressed_because: str = "suppressed: {note}"
    suppressed_default: str = SUPPRESSED
    too_few: str = "suppressed (too few responses)"
    with_interval: str = "{estimate} (95% CI {interval})"
    reference_lines: str = "Reference lines: {lines}."
    years: str = "{years} years"
    broken_axis: str = "The time axis is broken between {before} and {after} ({years} years apart)."
    worried: str = "{percent} worried"
    victims: str = "{percent} victims"
    worried_to_victims: str = "worried to victims {ratio}"
    worried_legend: str = "Worried (very or fairly)"
    victim_legend: str = "Victim in the last 12 months"
    low_base: str = "low base"
    format_interval: Callable[[float | None, float | None], str] = interval  # "20.0% to 30.0%"
    format_ratio: Callable[[float | None], str] = ratio  # "1.5 to 1"


ENGLISH = Words()


def _suppressed(item, words: Words = ENGLISH) -> str:
    """The gap's label: the figure's own reason (too few responses, none, or withheld beside a
    suppressed figure), as the tables print it."""
    note = getattr(item, "note", None)
    return words.suppressed_because.format(note=note) if note else words.suppressed_default
# Dash patterns of matplotlib's "--", ":" and "-." at a line width of 1 pt
DASHES = {"--": "3.7 1.6", ":": "1 1.65", "-.": "6.4 1.6 1 1.6"}


@dataclass(frozen=True)
class Chart:
    """An SVG chart and its alternative text."""

    svg: str
    alt: str
    title: str = ""

    def inline(self, element_id: str) -> str:
        """The SVG for writing into a web page as it stands: an image named by its own
        ``<title>`` (the alternative text), for screen readers."""
        title = f'<title id="{escape(element_id)}-title">{escape(self.alt, quote=False)}</title>'
        return self.svg.replace("<svg ", f'<svg role="img" aria-labelledby="{escape(element_id)}'
                                f'-title" id="{escape(element_id)}" ', 1).replace(
            ">\n", ">\n" + title + "\n", 1)

    @property
    def data_uri(self) -> str:
        """For ``<img src>`` in web pages (the CSP allows ``data:`` images, not inline styles)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _estimate_text(f, words: Words = ENGLISH) -> str:
    """An estimate and its interval for alternative text, printed as the page prints them."""
    if f.estimate is None:
        return words.too_few
    if f.ci_lower is None or f.ci_upper is None:
        return percent(f.estimate)
    return words.with_interval.format(estimate=percent(f.estimate),
                                      interval=words.format_interval(f.ci_lower, f.ci_upper))


# Advance widths of Liberation Sans (metrically Arial/Helvetica) in thousandths of an em, for
# laying out legends; characters not listed count as an "n".
_ADVANCE = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz",
    (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
     *(556,) * 10, 278, 278, 584, 584, 584, 556, 1015,
     667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
     611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333,
     556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
     278, 556, 500, 722, 500, 500, 500), strict=True))


def _text_width(text: str, size: float) -> float:
    """Width of ``text`` set at ``size`` pt, in pt."""
    return sum(_ADVANCE.get(c, 556) for c in text) * size / 1000


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _ticks(lo: float, hi: float, length: float, per_label: float) -> list[float]:
    """Tick values between ``lo`` and ``hi`` as matplotlib's MaxNLocator chooses them: at most
    one per ``per_label`` pt of axis (and at most 10), at 1, 2, 2.5 or 5 times a power of ten."""
    bins = max(min(int(length // per_label), 9), 1)
    raw = (hi - lo) / bins
    scale = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(s * scale for s in (1, 2, 2.5, 5, 10) if s * scale >= raw * (1 - 1e-9))
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [k * step for k in range(first, last + 1)]


def _percent_label(value: float) -> str:
    """An axis tick: whole per cent on purpose (ticks mark a scale, they are not figures; every
    figure drawn or written in the chart's labels and alt text has the one published decimal)."""
    return percent(value, digits=0)


class _Plot:
    """One chart being drawn: a plot area with fixed margins (inches) inside a ``WIDTH`` wide
    drawing, data limits for each axis, and the SVG elements so far (coordinates in pt)."""

    def __init__(self, height: float, *, left: float, bottom: float = 0.42, top: float = 0.12,
                 right: float = 0.15) -> None:
        self.width, self.height = WIDTH * 72, height * 72
        self.left, self.right = left * 72, self.width - right * 72
        self.top, self.bottom = top * 72, self.height - bottom * 72
        self.xlim = self.ylim = (0.0, 1.0)
        self.back: list[str] = []  # grid lines, drawn under everything else
        self.parts: list[str] = []

    def x(self, value: float) -> float:
        lo, hi = self.xlim
        return self.left + (value - lo) / (hi - lo) * (self.right - self.left)

    def y(self, value: float) -> float:
        lo, hi = self.ylim
        return self.bottom - (value - lo) / (hi - lo) * (self.bottom - self.top)

    def line(self, x1, y1, x2, y2, colour: str, width: float = 1.0, dash: str | None = None,
             *, back: bool = False) -> None:
        extra = f' stroke-dasharray="{DASHES[dash]}"' if dash else ""
        (self.back if back else self.parts).append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{colour}" '
            f'stroke-width="{_n(width)}"{extra}/>')

    def polyline(self, points: Sequence[tuple[float, float]], colour: str, width: float) -> None:
        if len(points) > 1:
            coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
            self.parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                              f'stroke-width="{_n(width)}" stroke-linejoin="round"/>')

    def rect(self, x: float, y: float, w: float, h: float, colour: str) -> None:
        self.parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" '
                          f'fill="{colour}"/>')

    def marker(self, x: float, y: float, colour: str, size: float, diamond: bool = False) -> None:
        """matplotlib's "o" (or "D") marker of ``size`` pt, with its 1 pt edge."""
        if diamond:
            r = size / 2 * 1.1 + 0.5
            self.parts.append(f'<polygon points="{_n(x)},{_n(y - r)} {_n(x + r)},{_n(y)} '
                              f'{_n(x)},{_n(y + r)} {_n(x - r)},{_n(y)}" fill="{colour}"/>')
        else:
            self.parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(size / 2 + 0.5)}" '
                              f'fill="{colour}"/>')

    def text(self, x: float, y: float, text: str, *, size: float = FONT_SIZE, anchor: str = "start",
             colour: str = DARK, centre: bool = True, rotate: bool = False,
             halo: bool = False) -> None:
        """``text`` at (x, y): y is its vertical centre (``centre``) or its baseline. Rotated
        text reads upwards, and then x is its centre. ``halo``: on a white box a little larger
        than the text, so grid and reference lines stop short of a value label instead of
        running through its letters."""
        if halo and not rotate:
            width = _text_width(text, size)
            left = x - (width if anchor == "end" else width / 2 if anchor == "middle" else 0)
            middle = y if centre else y - 0.35 * size
            self.rect(left - 1, middle - 0.6 * size, width + 2, 1.2 * size, WHITE)
        attrs = f' text-anchor="{anchor}"' if anchor != "start" else ""
        if rotate:
            x += 0.35 * size if centre else 0
            attrs += f' transform="rotate(-90 {_n(x)} {_n(y)})"'
        elif centre:
            y += 0.35 * size
        self.parts.append(f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" fill="{colour}"'
                          f'{attrs}>{escape(text, quote=False)}</text>')

    def x_axis(self, label: str, ticks: Sequence[float], labels: Sequence[str] | None = None,
               *, grid: bool = True) -> None:
        for i, value in enumerate(ticks):
            x = self.x(value)
            if grid:
                self.line(x, self.top, x, self.bottom, LIGHT, 0.5, back=True)
            self.line(x, self.bottom, x, self.bottom + 3.5, DARK, 0.8)
            self.text(x, self.bottom + 13.2, labels[i] if labels else _percent_label(value),
                      anchor="middle", centre=False)
        self.line(self.left, self.bottom, self.right, self.bottom, GREY, 0.8)
        if label:
            self.text((self.left + self.right) / 2, self.bottom + 25.2, label, anchor="middle",
                      centre=False)

    def y_labels(self, rows: Sequence[tuple[float, str]]) -> None:
        """Category labels left of the plot area (no tick marks), and its left edge."""
        for value, label in rows:
            self.text(self.left - 3.5, self.y(value), label, anchor="end")
        self.line(self.left, self.top, self.left, self.bottom, GREY, 0.8)

    def legend(self, entries: Sequence[tuple[str, str, str | None, str]], size: float) -> None:
        """One row above the plot area; entries (kind, colour, dash or None, label) with kind
        "line", "line-marker" or "patch", like matplotlib's legend at ``loc="lower left",
        bbox_to_anchor=(0, 1)``."""
        x, y = self.left + 0.4 * size, self.top - 1.1 * size
        for kind, colour, dash, label in entries:
            handle = 2 * size
            if kind == "patch":
                self.rect(x, y - 0.35 * size, handle, 0.7 * size, colour)
            else:
                self.line(x, y, x + handle, y, colour, 1.4 if kind == "line-marker" else 1.0, dash)
                if kind == "line-marker":
                    self.marker(x + handle / 2, y, colour, 4.5)
            x += handle + 0.8 * size
            self.text(x, y, label, size=size)
            x += _text_width(label, size) + 2 * size

    def svg(self) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(self.width)}pt" '
                f'height="{_n(self.height)}pt" viewBox="0 0 {_n(self.width)} {_n(self.height)}" '
                f'font-family="{FONT}" stroke-linecap="butt">\n'
                + "\n".join(self.back + self.parts) + "\n</svg>")


def _y_axis(plot: _Plot, lo: float, hi: float, label: str) -> None:
    """A per-cent value axis on the left: gridlines, ticks, tick labels and the rotated label."""
    for value in _ticks(lo, hi, plot.bottom - plot.top, 2 * FONT_SIZE):
        py = plot.y(value)
        plot.line(plot.left, py, plot.right, py, LIGHT, 0.5, back=True)
        plot.line(plot.left - 3.5, py, plot.left, py, DARK, 0.8)
        plot.text(plot.left - 7, py, _percent_label(value), anchor="end")
    plot.line(plot.left, plot.top, plot.left, plot.bottom, GREY, 0.8)
    plot.text(plot.left - 38, (plot.top + plot.bottom) / 2, label, anchor="middle", rotate=True)


def _limits(values, pad=0.05):
    vals = [v for v in values if v is not None]
    hi = max(vals) if vals else 1.0
    return 0.0, min(1.0, max(0.1, hi + pad))


def _low_base(f) -> bool:
    return getattr(f, "flag", None) == "low_base"


def _per_1000(share: float | None) -> str:
    """A share of residents as a rate per 1,000 to one decimal (0.0094 -> '9.4')."""
    return "–" if share is None else f"{1000 * share:,.1f}"


def interval_chart(items: Sequence, *, title: str, reference: Sequence[tuple[float, str]] = (),
                   highlight: Sequence[str] = (), xlabel: str | None = None,
                   words: Words = ENGLISH) -> Chart:
    """Horizontal dots with 95% interval bars, one row per item (top to bottom in given order).

    ``reference``: vertical lines (value, label), e.g. the authority average or a target;
    ``highlight``: labels drawn in blue (the others grey). Low-base figures are diamonds and
    their labels end in " *".
    """
    items = list(items)
    longest = max((len(f.label) for f in items), default=10)
    plot = _Plot(0.75 + 0.27 * max(len(items), 2) + (0.2 if reference else 0),
                 left=0.2 + 0.065 * longest, top=0.3 if reference else 0.1)
    values = [v for f in items for v in (f.ci_upper, f.estimate)] + [r[0] for r in reference]
    lo, hi = _limits(values)
    plot.xlim = (lo, hi + 0.08)
    plot.ylim = (-0.6, len(items) - 0.4)
    plot.x_axis(words.interval_axis if xlabel is None else xlabel,
                _ticks(lo, hi + 0.08, plot.right - plot.left, 3 * FONT_SIZE))
    ys = list(range(len(items)))[::-1]
    plot.y_labels([(y, f.label + (" *" if _low_base(f) else "")) for y, f in zip(ys, items,
                                                                                strict=True)])
    styles = ["--", ":", "-."]
    for i, (value, _label) in enumerate(reference):
        plot.line(plot.x(value), plot.top, plot.x(value), plot.bottom,
                  DARK if i == 0 else GREEN, 1.0, styles[i % 3])
    for y, f in zip(ys, items, strict=True):
        colour = BLUE if (not highlight or f.label in highlight) else GREY
        py = plot.y(y)
        if f.estimate is None:
            plot.text(plot.x(lo + 0.005), py, _suppressed(f, words), size=7.5, colour=ORANGE, halo=True)
            continue
        if f.ci_lower is not None and f.ci_upper is not None:
            x1, x2 = plot.x(f.ci_lower), plot.x(f.ci_upper)
            plot.line(x1, py, x2, py, colour, 1.6)
            for x in (x1, x2):
                plot.line(x, py - 3.5, x, py + 3.5, colour, 1.0)
        plot.marker(plot.x(f.estimate), py, colour, 5.5, diamond=_low_base(f))
        right = f.ci_upper if f.ci_upper is not None else f.estimate
        plot.text(plot.x(right) + 5, py, percent(f.estimate) + (" *" if _low_base(f) else ""),
                  size=7.5, halo=True)
    if reference:
        plot.legend([("line", DARK if i == 0 else GREEN, styles[i % 3], label)
                     for i, (_value, label) in enumerate(reference)], 7.5)
    parts = [f"{f.label}: {_estimate_text(f, words)}" for f in items]
    refs = [f"{label} {percent(v, missing=words.suppressed)}" for v, label in reference]
    alt = f"{title}. " + "; ".join(parts) + "."
    if refs:
        alt += " " + words.reference_lines.format(lines="; ".join(refs))
    return Chart(plot.svg(), alt, title)


# Waves further apart than this (years) are drawn closer, across a visibly broken time axis.
MAX_GAP_YEARS = 2.0
BROKEN_GAP = 1.2  # the width a broken gap is drawn at, in years of the axis


def time_axis(positions: Sequence[float]) -> tuple[list[float], list[tuple[float, float]]]:
    """Where each wave goes on a trend chart's axis, from its start in (fractional) years: the
    years between them, except that a gap longer than ``MAX_GAP_YEARS`` is drawn ``BROKEN_GAP``
    wide. Returns the x of each wave and each break's (x, years it stands for)."""
    xs: list[float] = []
    breaks: list[tuple[float, float]] = []
    for i, at in enumerate(positions):
        if not xs:
            xs.append(0.0)
            continue
        gap = at - positions[i - 1]
        if gap > MAX_GAP_YEARS:
            breaks.append((xs[-1] + BROKEN_GAP / 2, gap))
            gap = BROKEN_GAP
        xs.append(xs[-1] + gap)
    return xs, breaks


def years(days: Sequence[date | None]) -> list[float] | None:
    """Each day as a fractional year (1 April 2010 -> 2010.25), the ``positions`` of
    `trend_chart`; None if any day is missing (the waves are then evenly spaced)."""
    if any(d is None for d in days):
        return None
    return [d.year + (d.timetuple().tm_yday - 1) / 365.25 for d in days if d is not None]


def trend_chart(series: Sequence[tuple[str, Sequence]], waves: Sequence[str], *, title: str,
                reference: Sequence[tuple[float, str]] = (),
                positions: Sequence[float] | None = None, words: Words = ENGLISH) -> Chart:
    """Estimates across waves with interval bars, one line per series (name, figures per wave).

    ``positions``: when each wave began, in years (2010.25 for April 2010), so the axis is
    proportional to time; a gap of more than ``MAX_GAP_YEARS`` is drawn shorter, with break marks
    on the axis, its length written under it, and the lines not joined across it. Without
    ``positions`` the waves are evenly spaced."""
    colours = [BLUE, GREY, GREEN]
    plot = _Plot(2.0, left=0.7, top=0.35)
    if positions is not None and len(positions) == len(waves):
        x, breaks = time_axis(list(positions))
    else:
        x, breaks = [float(i) for i in range(len(waves))], []
    values = [v for _, figs in series for f in figs for v in (f.ci_upper, f.estimate)]
    values += [r[0] for r in reference]
    lo, hi = _limits(values, 0.08)
    plot.xlim = (-0.4, (x[-1] if x else 0) + 0.4)
    plot.ylim = (lo, hi)
    _y_axis(plot, lo, hi, words.per_cent)
    plot.x_axis("", x, list(waves), grid=False)
    _draw_breaks(plot, breaks, words)
    n = max(len(series), 1)
    for i, (value, _label) in enumerate(reference):
        plot.line(plot.left, plot.y(value), plot.right, plot.y(value),
                  GREEN if i == 0 else GREY, 1.0, ("--", ":")[i % 2])
    for k, (_name, figs) in enumerate(series):
        offset = (k - (n - 1) / 2) * 0.08
        colour = colours[k % len(colours)]
        for xi, f in zip(x, figs, strict=True):
            if f.estimate is None:
                plot.text(plot.x(xi + offset), plot.y(lo + 0.01), words.suppressed, size=6.5,
                          colour=ORANGE, centre=False, rotate=True)
            elif f.ci_lower is not None and f.ci_upper is not None:
                px = plot.x(xi + offset)
                plot.line(px, plot.y(f.ci_lower), px, plot.y(f.ci_upper), colour, 1.0)
        cuts = [at for at, _years in breaks]
        shown = [(xi, plot.x(xi + offset), plot.y(f.estimate))
                 for xi, f in zip(x, figs, strict=True) if f.estimate is not None]
        for stretch in _between_breaks(shown, cuts):
            plot.polyline(stretch, colour, 1.4)
        for _xi, px, py in shown:
            plot.marker(px, py, colour, 4.5)
    plot.legend([("line-marker", colours[k % len(colours)], None, name)
                 for k, (name, _figs) in enumerate(series)]
                + [("line", GREEN if i == 0 else GREY, ("--", ":")[i % 2], label)
                   for i, (_value, label) in enumerate(reference)], FONT_SIZE)
    return Chart(plot.svg(), _trend_alt(title, series, waves, reference, x, breaks, words), title)


def _trend_alt(title: str, series: Sequence[tuple[str, Sequence]], waves: Sequence[str],
               reference: Sequence[tuple[float, str]], x: Sequence[float],
               breaks: Sequence[tuple[float, float]], words: Words = ENGLISH) -> str:
    """The trend chart's alternative text: every figure, the reference lines and any break."""
    parts = []
    for name, figs in series:
        parts.append(f"{name}: " + ", ".join(f"{w} {_estimate_text(f, words)}"
                                             for w, f in zip(waves, figs, strict=True)))
    alt = f"{title}. " + "; ".join(parts) + "."
    if reference:
        alt += " " + "; ".join(f"{label} {percent(v, missing=words.suppressed)}"
                               for v, label in reference) + "."
    for at, years in breaks:
        before = max(i for i, xi in enumerate(x) if xi < at)
        alt += " " + words.broken_axis.format(before=waves[before], after=waves[before + 1],
                                              years=math.floor(years))
    return alt


def _draw_breaks(plot: _Plot, breaks: Sequence[tuple[float, float]],
                 words: Words = ENGLISH) -> None:
    """Each break of the time axis: a gap in the axis line between two slanted strokes, and the
    years it stands for under it."""
    for at, years in breaks:
        bx = plot.x(at)
        plot.rect(bx - 3, plot.bottom - 4, 6, 8, WHITE)
        for dx in (-2.5, 2.5):
            plot.line(bx + dx - 2, plot.bottom + 4, bx + dx + 2, plot.bottom - 4, GREY, 0.8)
        plot.text(bx, plot.bottom + 13.2, words.years.format(years=math.floor(years)), size=6.5,
                  anchor="middle", colour=GREY, centre=False)


def _between_breaks(points: Sequence[tuple[float, float, float]],
                    cuts: Sequence[float]) -> list[list[tuple[float, float]]]:
    """The (x, y) drawing points of ``points`` (axis x, x, y) split where the axis is broken."""
    stretches: list[list[tuple[float, float]]] = [[]]
    for i, (xi, px, py) in enumerate(points):
        if i and any(points[i - 1][0] < cut < xi for cut in cuts):
            stretches.append([])
        stretches[-1].append((px, py))
    return stretches


def gap_chart(rows: Sequence, *, title: str, words: Words = ENGLISH) -> Chart:
    """The perception gap: per crime, % worried against % victimised (paired horizontal bars).

    ``rows`` have ``label``, ``worried``, ``victim``, ``ratio`` (analysis.report.GapRow).
    """
    rows = list(rows)
    plot = _Plot(0.8 + 0.38 * max(len(rows), 2), left=1.3, top=0.3)
    h = 0.36
    top = max([v for r in rows for v in (r.worried, r.victim) if v is not None] or [0.5])
    plot.xlim = (0.0, min(1.0, top * 1.6 + 0.05))
    span = max(len(rows) - 1, 0) + 2 * h
    plot.ylim = (-h - 0.05 * span, len(rows) - 1 + h + 0.05 * span)
    plot.x_axis(words.per_cent_of_residents,
                _ticks(*plot.xlim, plot.right - plot.left, 3 * FONT_SIZE))
    ys = list(range(len(rows)))[::-1]
    plot.y_labels([(y, r.label) for y, r in zip(ys, rows, strict=True)])
    bar = plot.y(0) - plot.y(h)
    for y, r in zip(ys, rows, strict=True):
        if r.worried is None:
            plot.text(plot.x(0.005), plot.y(y), _suppressed(r, words), size=7.5, colour=ORANGE, halo=True)
            continue
        for value, centre, colour in ((r.worried, y + h / 2, BLUE), (r.victim, y - h / 2, ORANGE)):
            plot.rect(plot.left, plot.y(centre) - bar / 2, plot.x(value) - plot.left, bar, colour)
        star = " *" if _low_base(r) else ""
        plot.text(plot.x(r.worried) + 2, plot.y(y + h / 2),
                  words.worried.format(percent=percent(r.worried) + star), size=7, halo=True)
        ratio_text = (f" ({words.worried_to_victims.format(ratio=words.format_ratio(r.ratio))})"
                      if r.ratio is not None else "")
        plot.text(plot.x(r.victim) + 2, plot.y(y - h / 2),
                  words.victims.format(percent=percent(r.victim) + star) + ratio_text, size=7,
                  halo=True)
    plot.legend([("patch", BLUE, None, words.worried_legend),
                 ("patch", ORANGE, None, words.victim_legend)], 7.5)
    parts = []
    for r in rows:
        if r.worried is None:
            parts.append(f"{r.label}: {words.too_few}")
        else:
            ratio_text = (f", {words.worried_to_victims.format(ratio=words.format_ratio(r.ratio))}"
                          if r.ratio is not None else "")
            star = f" ({words.low_base})" if _low_base(r) else ""
            parts.append(f"{r.label}: {words.worried.format(percent=percent(r.worried))}, "
                         f"{words.victims.format(percent=percent(r.victim))}{ratio_text}{star}")
    return Chart(plot.svg(), f"{title}. " + "; ".join(parts) + ".", title)


__all__ = ["ENGLISH", "Chart", "DirectModelPoint", "Words", "direct_model_chart", "fear_risk_chart",
           "gap_chart", "interval_chart", "trend_chart"]


def fear_risk_chart(rows: Sequence, *, title: str) -> Chart:
    """Fear against risk: per crime, % worried, % victims in the survey and the recorded crimes
    per resident, as three bars on one per-cent scale (analysis.fear_risk.FearRiskRow); the
    recorded bar is labelled per 1,000 residents, the unit the report's table and text use."""
    rows = list(rows)
    plot = _Plot(0.9 + 0.55 * max(len(rows), 2), left=1.3, top=0.3)
    h = 0.27
    values = [v for r in rows for v in (r.worried.estimate, r.victim.estimate, r.recorded_share)
              if v is not None]
    plot.xlim = (0.0, min(1.0, max(values or [0.5]) * 1.7 + 0.05))
    span = max(len(rows) - 1, 0) + 3 * h
    plot.ylim = (-1.5 * h - 0.05 * span, len(rows) - 1 + 1.5 * h + 0.05 * span)
    plot.x_axis("Per cent of residents", _ticks(*plot.xlim, plot.right - plot.left, 3 * FONT_SIZE))
    ys = list(range(len(rows)))[::-1]
    plot.y_labels([(y, r.label) for y, r in zip(ys, rows, strict=True)])
    bar = plot.y(0) - plot.y(h * 0.9)
    for y, r in zip(ys, rows, strict=True):
        worry_to_risk = (f" (worried to recorded {ratio(r.worry_to_risk)})"
                         if r.worry_to_risk is not None else "")
        bars = ((r.worried.estimate, y + h, BLUE, f"{percent(r.worried.estimate)}"
                 f"{' *' if _low_base(r.worried) else ''} worried"),
                (r.victim.estimate, y, ORANGE, f"{percent(r.victim.estimate)}"
                 f"{' *' if _low_base(r.victim) else ''} victims (survey)"),
                (r.recorded_share, y - h, GREEN,
                 f"{_per_1000(r.recorded_share)} per 1,000 recorded{worry_to_risk}"))
        for value, centre, colour, words in bars:
            if value is None:
                plot.text(plot.x(0.002), plot.y(centre), "–", size=7, colour=GREY)
                continue
            plot.rect(plot.left, plot.y(centre) - bar / 2, plot.x(value) - plot.left, bar, colour)
            plot.text(plot.x(value) + 2, plot.y(centre), words, size=7, halo=True)
    plot.legend([("patch", BLUE, None, "Worried"), ("patch", ORANGE, None, "Victims (survey)"),
                 ("patch", GREEN, None, "Recorded by police (per 1,000 residents)")], 7.5)
    parts = [f"{r.label}: {percent(r.worried.estimate)} worried, {percent(r.victim.estimate)} "
             f"victims in the survey, {_per_1000(r.recorded_share)} recorded per 1,000 residents"
             + (f", worried to recorded {ratio(r.worry_to_risk)}" if r.worry_to_risk is not None
                else "")
             for r in rows]
    return Chart(plot.svg(), f"{title}. " + "; ".join(parts) + ".", title)


@dataclass(frozen=True)
class DirectModelPoint:
    """One area of `direct_model_chart`: its direct estimate and model-based estimate (shares
    0..1) with their 95% intervals; ``direct`` None when it has no published direct figure;
    ``published_model`` when its pages show the model-based figure."""

    label: str
    direct: float | None
    direct_lower: float | None
    direct_upper: float | None
    model: float
    model_lower: float
    model_upper: float
    published_model: bool = False


def direct_model_chart(points: Sequence[DirectModelPoint], *, title: str) -> Chart:
    """Direct (x) against model-based (y) estimates, one point per area with its direct interval
    as a horizontal bar and its model interval as a vertical one, and the line y = x: points
    below it are areas the model pulls down. Areas with no direct figure cannot be placed and are
    named in the alternative text only. Points whose model figure is published are orange
    diamonds."""
    shown = [p for p in points if p.direct is not None]
    plot = _Plot(4.4, left=0.75, top=0.35, bottom=0.5, right=0.3)
    values = [v for p in shown for v in (p.direct_upper, p.model_upper, p.direct, p.model)]
    lo, hi = _limits(values, 0.05)
    lo = max(0.0, min([v for p in shown for v in (p.direct_lower, p.model_lower)
                       if v is not None] or [0.0]) - 0.05)
    lo = math.floor(lo * 20) / 20
    plot.xlim = plot.ylim = (lo, hi)
    plot.x_axis("Direct estimate (95% confidence interval)",
                _ticks(lo, hi, plot.right - plot.left, 3 * FONT_SIZE))
    _y_axis(plot, lo, hi, "Model-based estimate (95% interval)")
    plot.line(plot.x(lo), plot.y(lo), plot.x(hi), plot.y(hi), DARK, 1.0, "--")
    for p in shown:
        assert p.direct is not None
        colour = ORANGE if p.published_model else BLUE
        px, py = plot.x(p.direct), plot.y(p.model)
        if p.direct_lower is not None and p.direct_upper is not None:
            plot.line(plot.x(p.direct_lower), py, plot.x(p.direct_upper), py, colour, 0.8)
        plot.line(px, plot.y(p.model_lower), px, plot.y(p.model_upper), colour, 0.8)
        plot.marker(px, py, colour, 4.5, diamond=p.published_model)
    plot.legend([("line", DARK, "--", "Direct = model-based"),
                 ("line-marker", BLUE, None, "Direct figure published"),
                 ("line-marker", ORANGE, None, "Model-based figure published")], 7.5)
    parts = [f"{p.label}: direct {_estimate_text(_Interval(p.direct, p.direct_lower, p.direct_upper))}"
             f", model-based {_estimate_text(_Interval(p.model, p.model_lower, p.model_upper))}"
             + (" (model-based figure published)" if p.published_model else "")
             for p in shown]
    alt = f"{title}. " + "; ".join(parts) + "."
    if len(shown) < len(points):
        alt += (" Not drawn, having no published direct figure: "
                + "; ".join(f"{p.label}, model-based "
                            f"{_estimate_text(_Interval(p.model, p.model_lower, p.model_upper))}"
                            for p in points if p.direct is None) + ".")
    return Chart(plot.svg(), alt, title)


@dataclass(frozen=True)
class _Interval:
    estimate: float | None
    ci_lower: float | None
    ci_upper: float | None
