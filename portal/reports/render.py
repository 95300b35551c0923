"""Report models to accessible PDF with WeasyPrint (A4, tagged PDF/UA-1, fonts embedded).

No Flask: a plain Jinja environment with autoescaping over `templates/reports/`, so the batch's
worker processes can render without an app. Charts come from `analysis.charts`, the module the
dashboard uses too, and are inlined as SVG `<img>`s (data URIs) with their alternative text.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from analysis import charts
from analysis.formatting import FILTERS, percent
from analysis.report import (
    SHARE_FLAG_BELOW,
    SHARE_SUPPRESS_BELOW,
    AuthorityReport,
    NeighbourhoodReport,
    counted_share,
)
from portal.charter.figures import HINTS as SERVICE_CHARTER_HINTS
from portal.pact.metrics import HINTS as PACT_HINTS
from portal.pact.metrics import LABELS as PACT_LABELS

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "uncompressed_pdf": False}


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(["html", "xml"], default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)  # the same filters, by the same names, as the pages (create_app)
    env.globals["pact_hints"] = PACT_HINTS
    env.globals["pact_labels"] = PACT_LABELS
    env.globals["charter_hints"] = SERVICE_CHARTER_HINTS
    env.globals["counted"] = counted_share  # the small-base rule of record shares
    env.globals["share_rule"] = (SHARE_SUPPRESS_BELOW, SHARE_FLAG_BELOW)
    return env


def _english(text: str) -> str:
    return text


def report_charts(report: NeighbourhoodReport, say: Callable[[str], str] = _english,
                  words: charts.Words = charts.ENGLISH) -> dict[str, charts.Chart]:
    """Every chart of a report, drawn from the report's own numbers. The PDF's are English; the
    public results page passes ``say`` (its msgids' translation: `portal.results.wording`) and
    the chart ``words`` in the resident's language. The ranking and fear-and-risk charts are
    the PDF's only and stay English."""
    h = report.headline
    target, baseline = h.target, h.baseline
    # NI 21 has a target and baseline when the partnership has set them (portal.scorecard.targets).
    out = {}
    target_refs = ([(target, say("Target %(percent)s (%(wave)s)")
                     % {"percent": percent(target), "wave": h.target_wave}),
                    (baseline, say("Baseline %(percent)s (%(wave)s)")
                     % {"percent": percent(baseline), "wave": h.baseline_wave})]
                   if target is not None and baseline is not None else [])
    if isinstance(report, AuthorityReport):
        out["ranking"] = charts.interval_chart(
            [r.figure for r in report.ranking],
            title=f"NI 21 by neighbourhood, {report.wave}, sorted, with the authority average",
            reference=[(h.authority.estimate, f"Authority {percent(h.authority.estimate)}")]
            if h.authority.estimate is not None else [])
        headline_items = [h.authority]
    else:
        headline_items = [h.local, h.authority]
    names = {"name": report.name, "wave": report.wave}
    out["headline"] = charts.interval_chart(
        headline_items, title=(say("NI 21 in %(name)s, %(wave)s, against the plan's target")
                               if target_refs else say("NI 21 in %(name)s, %(wave)s")) % names,
        reference=target_refs, highlight=[h.local.label], words=words)
    waves = [p.wave for p in report.trend]
    series = [(report.name, [p.local for p in report.trend])]
    if not isinstance(report, AuthorityReport):
        series.append((say("Authority"), [p.authority for p in report.trend]))
    out["trend"] = charts.trend_chart(series, waves, title=say("NI 21 in %(name)s by wave") % names,
                                      reference=[(target, say("Target %(percent)s")
                                                  % {"percent": percent(target)})]
                                      if target is not None else [],
                                      positions=charts.years([p.opens_on for p in report.trend]),
                                      words=words)
    out["gap"] = charts.gap_chart(
        report.gap, title=say("Worry about crime against victimisation in %(name)s, %(wave)s")
        % names, words=words)
    if report.fear_risk is not None:
        out["fear_risk"] = charts.fear_risk_chart(
            report.fear_risk.rows, title=f"Worry about crime against recorded crime in {report.name}, "
                                         f"{report.fear_risk.period_label}")
    for section in report.sections:
        if section.title.startswith("Anti-social"):
            out["asb"] = charts.interval_chart(
                [r.local for r in section.rows],
                title=say("Anti-social behaviour seen as a problem in %(name)s, %(wave)s") % names,
                words=words)
    return out


def render_html(report: NeighbourhoodReport) -> str:
    name = "reports/authority.html" if isinstance(report, AuthorityReport) \
        else "reports/neighbourhood.html"
    return environment().get_template(name).render(report=report, charts=report_charts(report))


# Rendering allocates hundreds of thousands of short-lived objects; with the default thresholds
# (700, 10, 10) the cyclic garbage collector then runs thousands of times per report, and its
# older-generation passes walk every long-lived object of the process (WeasyPrint,
# SQLAlchemy: ~300,000 objects). That was ~0.6 s of a ~3 s report. While a report renders,
# collections are made rarer; the previous thresholds come back when the last render ends.
RENDER_GC_THRESHOLDS = (100_000, 50, 1000)
_gc_lock = threading.Lock()
_gc_state: dict = {"depth": 0, "saved": None}


@contextmanager
def _fewer_collections() -> Iterator[None]:
    with _gc_lock:
        if _gc_state["depth"] == 0:
            _gc_state["saved"] = gc.get_threshold()
            gc.set_threshold(*RENDER_GC_THRESHOLDS)
        _gc_state["depth"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["depth"] -= 1
            if _gc_state["depth"] == 0:
                gc.set_threshold(*_gc_state["saved"])


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, kept across reports: Pango's font map then caches the
    fonts it has loaded instead of loading them again for every document (not thread-safe, hence
    per thread)."""
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def render_pdf(report: NeighbourhoodReport) -> bytes:
    with _fewer_collections():
        html = render_html(report)
        return HTML(string=html, base_url=str(TEMPLATES / "reports")).write_pdf(
            font_config=_font_config(), **PDF_OPTIONS)


def render_plain_page() -> bytes:
    """A one-page plain document: the floor the benchmark compares report rendering with."""
    html = ("<!DOCTYPE html><html lang='en-GB'><head><title>Plain page</title></head><body>"
            "<h1>Plain page</h1><p>One paragraph of text, no charts, no tables.</p></body></html>")
    return HTML(string=html).write_pdf(**PDF_OPTIONS)


def report_filename(report: NeighbourhoodReport) -> str:
    return f"{report.wave}-{report.slug}.pdf"


def pdf_file(report: NeighbourhoodReport) -> tuple[str, bytes]:
    """Render ``report``: (file name, PDF bytes). The worker processes' entry point; the bytes go
    back to the parent, which keeps them in the database or writes them to a folder."""
    return report_filename(report), render_pdf(report)


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a reader never sees half a PDF)."""
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
