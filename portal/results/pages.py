"""What a public results page shows, read out of the wave's report (`analysis.report`), so the
figures, the disclosure control and the charts (`portal.reports.render.report_charts`) are the
PDF report's. Residents see headline figures in plain words, the authority beside each, worry
against victimisation, the top anti-social behaviour concerns and the trend across waves.
No personal data and no free text: only estimates, intervals and bases."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from analysis.charts import Chart
from analysis.model_based import ModelBased, ModelFigure
from analysis.report import (
    AuthorityReport,
    Figure,
    GapRow,
    IndicatorRow,
    NeighbourhoodReport,
    TrendPoint,
    authority_report,
    neighbourhood_report,
)
from analysis.scorecard import NO_TARGETS, Scorecard
from portal.core.languages import N_, translate
from portal.models import Neighbourhood, Wave
from portal.reports.render import report_charts
from portal.results import wording
from portal.survey.queries import waves_with_responses

# The headline figures, in the words a resident reads them (the question behind each figure).
HEADLINES = (
    ("ni21", N_("agree the police and council are dealing with the anti-social behaviour and crime "
                "issues that matter in their area (NI 21)")),
    ("safe_after_dark", N_("feel safe outside in their area after dark")),
    ("safe_during_day", N_("feel safe outside in their area during the day")),
    ("worry_any", N_("are very or fairly worried about burglary, car crime or violent crime")),
)
ASB_SECTION = "Anti-social"
ASB_SUMMARY = {"ni17"}  # the index, not a concern; the strands are the concerns
TOP_CONCERNS = 3


@dataclass(frozen=True)
class Headline:
    indicator: str
    words: str
    local: Figure
    authority: Figure | None


@dataclass(frozen=True)
class ResultsPage:
    area_slug: str | None
    area_name: str
    wave: str
    wave_name: str
    headlines: list[Headline]
    concerns: list[IndicatorRow]
    gap: list[GapRow]
    trend: list[TrendPoint]
    charts: dict[str, Chart]
    achieved_here: int
    suppress_below: int
    flag_below: int
    model_based: ModelFigure | None = None  # NI 21 from the small-area model, where it is needed
    # NI 21 of this wave and the one before together (`WaveAnalysis.last_two_years`)
    last_two_years: Figure | None = None
    last_two_years_waves: tuple[str, str] | None = None  # the two waves' names, oldest first

    @property
    def is_authority(self) -> bool:
        return self.area_slug is None


def published_waves(session: Session, today: date) -> list[Wave]:
    """Waves whose fieldwork has closed and that have responses, oldest first."""
    return [w for w in waves_with_responses(session) if w.closes_on < today]


def _headline(indicator: str, words: str, local: Figure, authority: Figure | None) -> Headline:
    """A headline in the request's language (`portal.results.wording`)."""
    return Headline(indicator, translate(words), wording.figure(local),
                    wording.figure(authority) if authority else None)


def _headlines(report: NeighbourhoodReport) -> list[Headline]:
    rows = {r.id: r for s in report.sections for r in s.rows}
    out = [_headline("ni21", HEADLINES[0][1], report.headline.local,
                     None if isinstance(report, AuthorityReport) else report.headline.authority)]
    for indicator, words in HEADLINES[1:]:
        if indicator in rows:
            row = rows[indicator]
            out.append(_headline(indicator, words, row.local, row.authority))
    return out


def _concerns(report: NeighbourhoodReport) -> list[IndicatorRow]:
    """The anti-social behaviour strands most often seen as a problem here (published ones only:
    a suppressed figure cannot be ranked without revealing where it falls)."""
    rows = [r for s in report.sections if s.title.startswith(ASB_SECTION) for r in s.rows
            if r.id not in ASB_SUMMARY and not r.local.suppressed]
    ranked = sorted(rows, key=lambda r: -(r.local.estimate or 0.0))[:TOP_CONCERNS]  # none is suppressed
    return [wording.indicator_row(r) for r in ranked]


def _translated(report: NeighbourhoodReport) -> NeighbourhoodReport:
    """The report with the words its charts draw (indicator and crime names, figures' notes) in
    the request's language; the figures are the report's."""
    h = report.headline
    return replace(
        report,
        headline=replace(h, local=wording.figure(h.local),
                         authority=replace(wording.figure(h.authority),
                                           label=translate(h.authority.label))),  # "Authority"
        trend=[replace(t, local=wording.figure(t.local), authority=wording.figure(t.authority))
               for t in report.trend],
        gap=[wording.gap_row(g) for g in report.gap],
        sections=[replace(s, rows=[wording.indicator_row(r) for r in s.rows])
                  for s in report.sections])


def _charts(report: NeighbourhoodReport) -> dict[str, Chart]:
    """The charts the page shows, every word in the request's language (``report`` is
    `_translated`)."""
    charts = report_charts(report, translate, wording.chart_words())
    return {key: charts[key] for key in ("headline", "trend", "asb", "gap") if key in charts}


def results_page(analysis, place: Neighbourhood | None, now: datetime,
                 authority_name: str, targets: Scorecard = NO_TARGETS,
                 model: ModelBased | None = None) -> ResultsPage:
    report = (neighbourhood_report(analysis, place.slug, generated_at=now, targets=targets)
              if place else authority_report(analysis, name=authority_name, generated_at=now,
                                             targets=targets))
    pooled = analysis.last_two_years
    shown = _translated(report)
    return ResultsPage(
        area_slug=place.slug if place else None, area_name=report.name, wave=report.wave,
        wave_name=report.wave_name, headlines=_headlines(report), concerns=_concerns(report),
        gap=shown.gap, trend=shown.trend, charts=_charts(shown),
        achieved_here=report.method.achieved_here, suppress_below=report.method.suppress_below,
        flag_below=report.method.flag_below,
        model_based=(model.figures.get(place.slug) if model is not None and place is not None
                     and model.figures.get(place.slug) and model.figures[place.slug].needed
                     else None),
        last_two_years=(wording.figure(pooled.figure(place.slug if place else None)) if pooled else None),
        last_two_years_waves=pooled.names if pooled else None)
