""""Fear and recorded crime" for the dashboard and the reports: the survey's worry and
victimisation (from the wave's analysis) beside the crimes recorded over the wave's year.

The year is the twelve months ending with the month the wave's fieldwork closed (the whole
fieldwork, if longer), as for the PACT section. Recorded crime comes from `portal.crime.rates`,
the survey figures from the engine's estimates: nothing is estimated here.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from analysis.charts import fear_risk_chart
from analysis.fear_risk import RATIO_NOTE, FearRiskSection, fear_risk_rows, load_crime_mapping
from analysis.recorded_crime import NI16_CAVEAT, NI16_TYPES, month_span, type_rates
from analysis.report import REPORT_CATALOGUE, WaveAnalysis, _figure
from portal.crime.rates import monthly_counts, residents
from portal.survey.queries import DatasetError


def wave_year(opens_on: date, closes_on: date) -> tuple[str, str]:
    """First and last month of the twelve months to the end of fieldwork (or all of it)."""
    end = f"{closes_on.year}-{closes_on.month:02d}"
    year, month = closes_on.year - 1, closes_on.month + 1
    if month == 13:
        year, month = year + 1, 1
    start = min(f"{year}-{month:02d}", f"{opens_on.year}-{opens_on.month:02d}")
    return start, end


def _month_label(month: str) -> str:
    return date(int(month[:4]), int(month[5:]), 1).strftime("%B %Y")


def fear_risk_section(session: Session, analysis: WaveAnalysis, slug: str | None
                      ) -> FearRiskSection | None:
    """The section for neighbourhood ``slug`` (None: the authority), or None when no recorded
    crime is loaded for the wave's year."""
    start, end = wave_year(analysis.wave.opens_on, analysis.wave.closes_on)
    counts = monthly_counts(session, start, end)
    if counts.empty:
        return None
    try:
        population = residents(session)
    except DatasetError:
        return None
    mapping = load_crime_mapping()
    groups = {key: crime.police_types for key, crime in mapping.items()} | {"ni16": NI16_TYPES}
    recorded = type_rates(counts, population, start, end, groups)
    current = analysis.current

    def survey_figure(indicator: str, label: str):
        row = current.row(indicator, slug) if indicator in REPORT_CATALOGUE else None
        return _figure(row, label)

    ni16 = recorded[recorded["key"] == "ni16"].set_index("neighbourhood")["rate_per_1000"]
    name = analysis.places[slug].name if slug else "the authority"
    return FearRiskSection(
        area=name, period_label=f"{_month_label(start)} to {_month_label(end)}",
        months_loaded=int(counts["month"].nunique()), months_expected=len(month_span(start, end)),
        rows=fear_risk_rows(survey_figure, recorded, slug, mapping),
        notes=[RATIO_NOTE] + [f"{c.label}: {c.note}" for c in mapping.values() if c.note],
        ni16_rate=float(ni16[slug or "authority"]) if (slug or "authority") in ni16 else None,
        ni16_authority=float(ni16["authority"]), ni16_caveat=NI16_CAVEAT)


def fear_and_recorded_crime(session: Session, analysis: WaveAnalysis, slug: str | None) -> dict:
    """The dashboard's template values: ``fear`` (the section or None) and ``fear_chart``."""
    section = fear_risk_section(session, analysis, slug)
    if section is None:
        return {"fear": None, "fear_chart": None}
    name = analysis.places[slug].name if slug else "the authority"
    chart = fear_risk_chart(section.rows, title=f"Worry about crime against recorded crime in {name}, "
                                                f"{section.period_label}")
    return {"fear": section, "fear_chart": chart}
