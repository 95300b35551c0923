"""The chart module: matplotlib figures drawn as SVG strings, for the PDF reports and the dashboard.

Every chart is vector (SVG with real text: ``svg.fonttype = "none"``, DejaVu Sans) and comes with
its alternative text, written from the same numbers, so no chart is printed without one. Figures
are drawn on ``matplotlib.figure.Figure`` objects (no pyplot state), so charts can be drawn in
threads and worker processes. The output is deterministic (no date, fixed id salt).

Inputs are "figure-like" objects with ``label``, ``estimate``, ``ci_lower``, ``ci_upper`` (all
proportions 0..1, None when suppressed) and optionally ``flag`` (``analysis.report.Figure``).
Suppressed values are drawn as a labelled gap ("suppressed: fewer than 30 responses"), never
silently dropped.
"""

from __future__ import annotations

import base64
import html
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure as _MplFigure
from matplotlib.ticker import PercentFormatter

BLUE = "#1d70b8"
DARK = "#0b0c0c"
GREY = "#505a5f"
LIGHT = "#b1b4b6"
ORANGE = "#d4351c"
GREEN = "#00703c"
FONT = "Liberation Sans"
WIDTH = 6.4  # inches: the A4 text width of the reports
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "pact-voicebox",
    "font.family": [FONT, "DejaVu Sans"],
    "font.size": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": GREY,
    "axes.labelcolor": DARK,
    "xtick.color": DARK,
    "ytick.color": DARK,
}


@dataclass(frozen=True)
class Chart:
    """An SVG chart and its alternative text."""

    svg: str
    alt: str
    title: str = ""

    @property
    def data_uri(self) -> str:
        """For ``<img src>`` in web pages (the CSP allows ``data:`` images, not inline styles)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _pct(x) -> str:
    return "suppressed" if x is None else f"{100 * x:.1f}%"


def _ci(f) -> str:
    if f.estimate is None:
        return "suppressed (too few responses)"
    if f.ci_lower is None or f.ci_upper is None:
        return _pct(f.estimate)
    return f"{_pct(f.estimate)} (95% CI {_pct(f.ci_lower)} to {_pct(f.ci_upper)})"


_XML_DECL = re.compile(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>.*?</style>", re.S)
_STYLE_ATTR = re.compile(r' style="([^"]*)"')


def _attributes(match: re.Match) -> str:
    pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    return "".join(f' {name.strip()}="{html.escape(value.strip(), quote=True)}"'
                   for name, value in pairs)


def _svg(fig: _MplFigure) -> str:
    """The figure as SVG with presentation attributes instead of CSS ``style`` (no inline styles:
    cheaper for WeasyPrint to parse, and allowed under a CSP without 'unsafe-inline')."""
    buf = io.StringIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = _STYLE_ELEMENT.sub("", _METADATA.sub("", _XML_DECL.sub("", buf.getvalue())))
    # matplotlib's one stylesheet rule (*{stroke-linejoin: round; stroke-linecap: butt}) becomes
    # inherited attributes of the root element
    svg = svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    return _flatten(_STYLE_ATTR.sub(_attributes, svg))


_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_G, _DEFS, _TEXT = (f"{{{_SVG_NS}}}{name}" for name in ("g", "defs", "text"))
_NO_ROTATION = re.compile(r"rotate\(-?0 [^)]*\)")


def _flatten(svg: str) -> str:
    """The same drawing with fewer nodes (each SVG node costs WeasyPrint time to paint): groups
    that carry nothing but matplotlib's ``id`` are replaced by their children, empty ``<defs>``
    dropped, and identity rotations (``rotate(-0 x y)``) of text removed."""
    root = ET.fromstring(svg)  # noqa: S314 (matplotlib's own output, not untrusted input)

    def children(parent: ET.Element) -> list[ET.Element]:
        out = []
        for child in parent:
            kids = children(child)
            if child.tag == _G and set(child.attrib) <= {"id"}:
                out.extend(kids)
            elif child.tag == _DEFS and not kids:
                continue
            else:
                child[:] = kids
                if child.tag == _TEXT and _NO_ROTATION.fullmatch(child.get("transform", "")):
                    del child.attrib["transform"]
                out.append(child)
        return out

    root[:] = children(root)
    ET.indent(root, space="")
    ET.register_namespace("", _SVG_NS)  # the registry is global: other code may change it
    ET.register_namespace("xlink", _XLINK_NS)
    return ET.tostring(root, encoding="unicode")


def _new(height: float, left: float = 0.75, bottom: float = 0.42, top: float = 0.12,
         right: float = 0.15) -> _MplFigure:
    """A figure with fixed margins in inches (no tight bounding box: that draws everything twice)."""
    with matplotlib.rc_context(RC):
        fig = _MplFigure(figsize=(WIDTH, height))
    fig.subplots_adjust(left=left / WIDTH, right=1 - right / WIDTH, bottom=bottom / height,
                        top=1 - top / height)
    return fig


def _limits(values, pad=0.05):
    vals = [v for v in values if v is not None]
    hi = max(vals) if vals else 1.0
    return 0.0, min(1.0, max(0.1, hi + pad))


def interval_chart(items: Sequence, *, title: str, reference: Sequence[tuple[float, str]] = (),
                   highlight: Sequence[str] = (), xlabel: str = "Per cent (95% confidence interval)"
                   ) -> Chart:
    """Horizontal dots with 95% interval bars, one row per item (top to bottom in given order).

    ``reference``: vertical lines (value, label), e.g. the authority average or a target;
    ``highlight``: labels drawn in blue (the others grey).
    """
    items = list(items)
    with matplotlib.rc_context(RC):
        longest = max((len(f.label) for f in items), default=10)
        fig = _new(0.75 + 0.27 * max(len(items), 2) + (0.2 if reference else 0),
                   left=0.2 + 0.065 * longest, top=0.3 if reference else 0.1)
        ax = fig.add_subplot()
        ys = list(range(len(items)))[::-1]
        values = [v for f in items for v in (f.ci_upper, f.estimate)]
        values += [r[0] for r in reference]
        lo, hi = _limits(values)
        for y, f in zip(ys, items, strict=True):
            colour = BLUE if (not highlight or f.label in highlight) else GREY
            if f.estimate is None:
                ax.text(lo + 0.005, y, "suppressed: fewer than 30 responses", va="center",
                        color=ORANGE, fontsize=7.5)
                continue
            if f.ci_lower is not None and f.ci_upper is not None:
                ax.plot([f.ci_lower, f.ci_upper], [y, y], color=colour, linewidth=1.6,
                        solid_capstyle="butt")
                ax.plot([f.ci_lower, f.ci_upper], [y, y], linestyle="none", marker="|",
                        color=colour, markersize=7)
            marker = "D" if getattr(f, "flag", None) == "low_base" else "o"
            ax.plot([f.estimate], [y], marker=marker, color=colour, markersize=5.5)
            ax.annotate(f"{100 * f.estimate:.1f}%",
                        (f.ci_upper if f.ci_upper is not None else f.estimate, y),
                        xytext=(5, 0), textcoords="offset points", va="center", fontsize=7.5,
                        color=DARK)
        styles = ["--", ":", "-."]
        handles = []
        for i, (value, label) in enumerate(reference):
            handles.append(ax.axvline(value, color=(DARK if i == 0 else GREEN),
                                      linestyle=styles[i % 3], linewidth=1, label=label))
        if handles:
            ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1), ncols=len(handles),
                      frameon=False, fontsize=7.5, borderaxespad=0.2)
        ax.set_yticks(ys, [f.label + (" *" if getattr(f, "flag", None) == "low_base" else "")
                           for f in items])
        ax.set_ylim(-0.6, len(items) - 0.4)
        ax.set_xlim(lo, hi + 0.08)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", color=LIGHT, linewidth=0.5)
        ax.set_axisbelow(True)
        ax.tick_params(axis="y", length=0)
        svg = _svg(fig)
    parts = [f"{f.label}: {_ci(f)}" for f in items]
    refs = [f"{label} {_pct(v)}" for v, label in reference]
    alt = f"{title}. " + "; ".join(parts) + "."
    if refs:
        alt += " Reference lines: " + "; ".join(refs) + "."
    return Chart(svg, alt, title)


def trend_chart(series: Sequence[tuple[str, Sequence]], waves: Sequence[str], *, title: str,
                reference: Sequence[tuple[float, str]] = ()) -> Chart:
    """Estimates across waves with interval bars, one line per series (name, figures per wave)."""
    colours = [BLUE, GREY, GREEN]
    with matplotlib.rc_context(RC):
        fig = _new(2.0, left=0.7, top=0.35)
        ax = fig.add_subplot()
        x = list(range(len(waves)))
        values = [v for _, figs in series for f in figs for v in (f.ci_upper, f.estimate)]
        values += [r[0] for r in reference]
        lo, hi = _limits(values, 0.08)
        n = max(len(series), 1)
        for k, (name, figs) in enumerate(series):
            offset = (k - (n - 1) / 2) * 0.08
            xs = [xi + offset for xi, f in zip(x, figs, strict=True) if f.estimate is not None]
            ests = [f.estimate for f in figs if f.estimate is not None]
            colour = colours[k % len(colours)]
            ax.plot(xs, ests, marker="o", color=colour, label=name, linewidth=1.4, markersize=4.5)
            for xi, f in zip(x, figs, strict=True):
                if f.estimate is None:
                    ax.text(xi + offset, lo + 0.01, "suppressed", rotation=90, fontsize=6.5,
                            color=ORANGE, ha="center", va="bottom")
                elif f.ci_lower is not None and f.ci_upper is not None:
                    ax.plot([xi + offset] * 2, [f.ci_lower, f.ci_upper], color=colour,
                            linewidth=1)
        for i, (value, label) in enumerate(reference):
            ax.axhline(value, color=(GREEN if i == 0 else GREY), linestyle=("--", ":")[i % 2],
                       linewidth=1, label=label)
        ax.set_xticks(x, list(waves))
        ax.set_xlim(-0.4, (x[-1] if x else 0) + 0.4)
        ax.set_ylim(lo, hi)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel("Per cent")
        ax.grid(axis="y", color=LIGHT, linewidth=0.5)
        ax.set_axisbelow(True)
        ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1),
                  ncols=n + len(reference), borderaxespad=0.2)
        svg = _svg(fig)
    parts = []
    for name, figs in series:
        parts.append(f"{name}: " + ", ".join(f"{w} {_ci(f)}"
                                             for w, f in zip(waves, figs, strict=True)))
    alt = f"{title}. " + "; ".join(parts) + "."
    if reference:
        alt += " " + "; ".join(f"{label} {_pct(v)}" for v, label in reference) + "."
    return Chart(svg, alt, title)


def gap_chart(rows: Sequence, *, title: str) -> Chart:
    """The perception gap: per crime, % worried against % victimised (paired horizontal bars).

    ``rows`` have ``label``, ``worried``, ``victim``, ``ratio`` (analysis.report.GapRow).
    """
    rows = list(rows)
    with matplotlib.rc_context(RC):
        fig = _new(0.8 + 0.38 * max(len(rows), 2), left=1.3, top=0.3)
        ax = fig.add_subplot()
        ys = list(range(len(rows)))[::-1]
        h = 0.36
        top = max([v for r in rows for v in (r.worried, r.victim) if v is not None] or [0.5])
        for y, r in zip(ys, rows, strict=True):
            if r.worried is None:
                ax.text(0.005, y, "suppressed: fewer than 30 responses", va="center",
                        color=ORANGE, fontsize=7.5)
                continue
            ax.barh(y + h / 2, r.worried, height=h, color=BLUE)
            ax.barh(y - h / 2, r.victim, height=h, color=ORANGE)
            ax.text(r.worried, y + h / 2, f" {100 * r.worried:.1f}% worried", va="center",
                    fontsize=7)
            ratio = f" (ratio {r.ratio:.1f} to 1)" if r.ratio is not None else ""
            ax.text(r.victim, y - h / 2, f" {100 * r.victim:.1f}% victims{ratio}", va="center",
                    fontsize=7)
        ax.set_yticks(ys, [r.label for r in rows])
        ax.set_xlim(0, min(1.0, top * 1.6 + 0.05))
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlabel("Per cent of residents")
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color=LIGHT, linewidth=0.5)
        ax.set_axisbelow(True)
        from matplotlib.patches import Patch
        ax.legend([Patch(color=BLUE), Patch(color=ORANGE)],
                  ["Worried (very or fairly)", "Victim in the last 12 months"], frameon=False,
                  loc="lower left", bbox_to_anchor=(0, 1), ncols=2, fontsize=7.5,
                  borderaxespad=0.2)
        svg = _svg(fig)
    parts = []
    for r in rows:
        if r.worried is None:
            parts.append(f"{r.label}: suppressed (too few responses)")
        else:
            ratio = f", ratio {r.ratio:.1f} to 1" if r.ratio is not None else ""
            parts.append(f"{r.label}: {_pct(r.worried)} worried, {_pct(r.victim)} victims{ratio}")
    return Chart(svg, f"{title}. " + "; ".join(parts) + ".", title)


__all__ = ["Chart", "gap_chart", "interval_chart", "trend_chart"]
