"""The dashboard's content as plain values: tables and charts read out of one wave analysis.

Nothing is estimated here: rows come from `analysis.report` (which reads the engine's tables)
and charts from `analysis.charts`, the module the PDF reports use.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from analysis import charts
from analysis.comparators import (
    MEASURE_INDICATOR,
    STANDARD_QUESTIONS,
    Comparability,
    Comparator,
    comparisons_for,
)
from analysis.formatting import percent, percent_value
from analysis.model_based import ModelFigure
from analysis.report import (
    LANGUAGE,
    REPORT_CATALOGUE,
    Breakdown,
    Figure,
    GapRow,
    TableRow,
    WaveAnalysis,
    breakdown_by,
    gap_rows,
    indicator_by_neighbourhood,
    indicator_trend,
    indicators_for,
)
from analysis.small_areas import AreaEstimate
from portal.reports.small_areas import IndicatorFit
from surveys.exporting import neutralise_formula, sheet_text


@dataclass
class Dashboard:
    wave: str
    area: str | None  # neighbourhood slug, None for the authority
    area_name: str
    indicator: str
    indicator_label: str
    by_neighbourhood: list[TableRow]
    area_indicators: list[TableRow]
    charts: list[charts.Chart]
    previous_wave: str | None
    n: int
    gap: list[GapRow]
    change_note: str = ""  # why no change is given, when the wave before is of another era
    # NI 21 by the language residents answered in, where they answered in more than one
    by_language: Breakdown | None = None


def build_dashboard(analysis: WaveAnalysis, area: str | None, indicator: str) -> Dashboard:
    ind = REPORT_CATALOGUE[indicator]
    by_nb = indicator_by_neighbourhood(analysis, indicator)
    name = analysis.places[area].name if area else "Authority"
    items = indicators_for(analysis, area)
    trend = indicator_trend(analysis, indicator, area)
    waves = [p.wave for p in trend]
    series = [(name, [p.local for p in trend])]
    if area:
        series.append(("Authority", [p.authority for p in trend]))
    ranked = sorted(by_nb[1:], key=lambda r: (r.figure.estimate is None,
                                              -(r.figure.estimate or 0)))
    total = by_nb[0].figure
    drawn = [
        charts.interval_chart([r.figure for r in ranked], title=f"{ind.label}, by neighbourhood, "
                              f"{analysis.wave.slug}",
                              reference=[(total.estimate, f"Authority {percent(total.estimate)}")]
                              if total.estimate is not None else [],
                              highlight=[name] if area else ()),
        charts.trend_chart(series, waves, title=f"{ind.label}, {name}, by wave",
                           positions=charts.years([p.opens_on for p in trend])),
    ]
    previous = analysis.previous.wave.slug if analysis.previous else None
    return Dashboard(analysis.wave.slug, area, name, indicator, ind.label, by_nb, items, drawn,
                     previous, analysis.n, gap_rows(analysis, area), analysis.change_note,
                     breakdown_by(analysis, area, LANGUAGE))


@dataclass(frozen=True)
class PooledRow:
    key: str  # neighbourhood slug, "" for the authority
    name: str
    figure: Figure


@dataclass(frozen=True)
class PooledTable:
    """NI 21 over the last two waves together, the authority first (`WaveAnalysis.last_two_years`)."""

    label: str
    rows: list[PooledRow]


def last_two_years_table(analysis: WaveAnalysis) -> PooledTable | None:
    pooled = analysis.last_two_years
    if pooled is None:
        return None
    rows = [PooledRow("", "Authority", pooled.figure(None))]
    rows += [PooledRow(slug, place.name, pooled.figure(slug))
             for slug, place in analysis.places.items() if pooled.row(slug) is not None]
    return PooledTable(pooled.label, rows)


HEADER = ["wave", "area", "indicator", "label", "estimate_pct", "ci_lower_pct", "ci_upper_pct",
          "base", "flag", "note", "change_points", "change_p", "change_significant",
          "vs_rest_points", "vs_rest_p_holm", "vs_rest_significant"]


def _percent_cell(x):
    """A share as the per-cent number the page prints (25.5, not 25.47), blank when missing."""
    value = percent_value(x)
    return "" if value is None else value


def table_rows(analysis: WaveAnalysis, area: str | None, indicator: str) -> list[list]:
    """The download: the chosen indicator by neighbourhood, then every indicator for the area."""
    rows = []
    sections = [("by_neighbourhood", indicator_by_neighbourhood(analysis, indicator)),
                ("area", indicators_for(analysis, area))]
    for kind, items in sections:
        for r in items:
            f = r.figure
            ind = indicator if kind == "by_neighbourhood" else r.key
            where = (r.name if kind == "by_neighbourhood"
                     else (analysis.places[area].name if area else "Authority"))
            rows.append([
                analysis.wave.slug, where, ind, REPORT_CATALOGUE[ind].label, _percent_cell(f.estimate),
                _percent_cell(f.ci_lower), _percent_cell(f.ci_upper), f.n, f.flag or "", f.note or "",
                _percent_cell(r.change.difference) if r.change else "",
                "" if not r.change or r.change.p_value is None else round(r.change.p_value, 4),
                "" if not r.change else ("yes" if r.change.significant else "no"),
                _percent_cell(r.versus_authority.difference) if r.versus_authority else "",
                "" if not r.versus_authority or r.versus_authority.p_value is None
                else round(r.versus_authority.p_value, 4),
                "" if not r.versus_authority else ("yes" if r.versus_authority.significant
                                                   else "no"),
            ])
    return rows


def _text(value):
    return neutralise_formula(value) if isinstance(value, str) else value


def to_csv(rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows([[_text(v) for v in row] for row in rows])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[list]) -> bytes:
    """The estimates as a workbook; text cells through ``sheet_text`` (XML refuses controls)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one worksheet
    sheet.title = "estimates"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([sheet_text(v) if isinstance(v, str) else v for v in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@dataclass(frozen=True)
class NationalRow:
    """One line of "Against national figures", every value as the page prints it."""

    label: str
    wording: str  # the words our wave asked
    local: str
    comparator: str
    source: str
    geography: str
    year_ending: str
    comparator_interval: str
    difference: str
    difference_interval: str
    verdict: str  # "comparable", "indicative (different mode)" or "not compared"
    reasons: tuple[str, ...]
    checked: bool


VERDICT_WORDS = {Comparability.COMPARABLE: "comparable",
                 Comparability.INDICATIVE: "indicative (different mode)",
                 Comparability.REFUSED: "not compared"}


def _points(x: float | None) -> str:
    return "" if x is None else f"{x * 100:+.1f} points"


def national_rows(analysis: WaveAnalysis, comparators: list[Comparator],
                  wordings: dict[str, str]) -> list[NationalRow]:
    """Authority figures beside the published ones they answer (`comparisons_for` judges)."""
    estimates = {}
    for ind in MEASURE_INDICATOR.values():
        row = analysis.current.row(ind, None)
        if row is not None and row.get("estimate") is not None and row.get("se") is not None:
            estimates[ind] = (float(row["estimate"]), float(row["se"]))
    out = []
    for r in comparisons_for(comparators, estimates, wordings, analysis.fieldwork,
                             REPORT_CATALOGUE):
        c, comp = r.comparator, r.comparison
        out.append(NationalRow(
            REPORT_CATALOGUE[r.indicator].label, r.wording, percent(comp.local),
            percent(comp.comparator), STANDARD_QUESTIONS[c.measure].source, c.geography,
            c.year_ending,
            "" if c.lower is None or c.upper is None
            else f"{percent(c.lower)} to {percent(c.upper)}",
            _points(comp.difference),
            "" if comp.lower is None or comp.upper is None
            else f"{comp.lower * 100:+.1f} to {comp.upper * 100:+.1f}",
            VERDICT_WORDS[comp.verdict.status], comp.verdict.reasons, c.checked))
    return out


@dataclass(frozen=True)
class CovariateOption:
    name: str
    label: str
    checked: bool


@dataclass(frozen=True)
class ModelArea:
    """One neighbourhood on the model page: its direct figure (as the dashboard prints it), its
    model-based figure and the fit's numbers for it (None where it has none)."""

    name: str
    direct: Figure
    model: ModelFigure | None
    fit: AreaEstimate | None


@dataclass
class ModelPage:
    wave: str
    indicator: str
    indicator_label: str
    indicators: list[tuple[str, str]]
    options: list[CovariateOption]
    fit: IndicatorFit
    published: bool  # its model-based figures are published (NI 21, or a choice is saved)
    areas: list[ModelArea]
    chart: charts.Chart | None


def build_model_page(fit: IndicatorFit, analysis: WaveAnalysis, indicators: list[str],
                     published: bool) -> ModelPage:
    """The model page of one indicator: the covariates to tick (the saved choice, else all),
    the fit's diagnostics by neighbourhood and the direct-against-model chart."""
    model, indicator = fit.model, fit.indicator
    chosen = set(fit.asked)
    options = [CovariateOption(c, fit.label(c), c in chosen) for c in fit.available]
    by_area = {a.area: a for a in model.fit.areas} if model else {}
    areas = [ModelArea(r.name, r.figure, model.figures.get(r.key) if model else None,
                       by_area.get(r.key))
             for r in indicator_by_neighbourhood(analysis, indicator) if r.key]
    label = REPORT_CATALOGUE[indicator].label
    chart = None
    if model is not None:
        chart = charts.direct_model_chart(
            [charts.DirectModelPoint(a.name, a.direct.estimate, a.direct.ci_lower,
                                     a.direct.ci_upper, a.model.estimate, a.model.ci_lower,
                                     a.model.ci_upper, a.model.needed and published)
             for a in areas if a.model is not None],
            title=f"{label}: direct against model-based estimates by neighbourhood, "
                  f"{analysis.wave.slug}")
    return ModelPage(analysis.wave.slug, indicator, label,
                     [(i, REPORT_CATALOGUE[i].label) for i in indicators], options, fit,
                     published, areas, chart)
