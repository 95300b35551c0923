"""The scorecard's actuals: NI 21 from the survey engine, NI 16 from recorded crime, the rest as
an admin entered them (a form or `flask --app portal scorecard import FILE.csv`).

The targets are the partnership's own (`portal.scorecard.targets`); statuses from
`analysis.scorecard`.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.recorded_crime import ni16_by_financial_year
from analysis.scorecard import (
    Actual,
    Scorecard,
    ScorecardRow,
    scorecard_rows,
    year_label,
    year_start,
)
from portal.core.clock import utcnow
from portal.core.csv_files import CheckedReader
from portal.core.refusals import Refusal
from portal.crime.rates import monthly_counts, residents
from portal.models import ScorecardActual
from portal.survey.queries import DatasetError

CSV_COLUMNS = ("indicator", "year", "actual")
EXPORT_COLUMNS = ["indicator", "reference", "title", "unit", "direction", "baseline", "baseline_year",
                  "year", "target", "actual", "actual_ci_lower", "actual_ci_upper", "source",
                  "status", "detail", "lead_partners"]


# Every unit the plan's indicators use is a share, a count or a rate: none is negative, a share is
# at most 100 per cent, and no count or rate in a district's plan comes near ten million. A value
# past these is a typing slip, and would stretch the scorecard's chart to nothing.
LARGEST_ACTUAL = 10_000_000


class ScorecardError(Refusal):
    """An actual cannot be recorded; the message lists the valid choices."""


def _entered(session: Session) -> dict[tuple[str, int], Actual]:
    return {(a.indicator, a.year): Actual(a.value, source="entered")
            for a in session.scalars(select(ScorecardActual))}


def _recorded_crime(session: Session, card: Scorecard) -> dict[tuple[str, int], Actual]:
    ids = [i.id for i in card.indicators if i.source == "recorded_crime"]
    counts = monthly_counts(session)
    if not ids or counts.empty:
        return {}
    try:
        table = ni16_by_financial_year(counts, residents(session))
    except DatasetError:
        return {}
    out = {}
    row: Any  # a row of the NI 16 table; pandas-stubs cannot know its column types
    for row in table.itertuples():
        if row.rate_per_1000 is not None and not math.isnan(row.rate_per_1000):
            for ind in ids:
                out[(ind, int(row.year))] = Actual(
                    float(row.rate_per_1000), source="recorded_crime",
                    detail=f"{row.count:,} crimes (police.uk burglary, vehicle crime and robbery)")
    return out


def _survey(analysis, card: Scorecard) -> dict[tuple[str, int], Actual]:
    """Each survey indicator for the authority in every wave of ``analysis`` (a WaveAnalysis)."""
    if analysis is None:
        return {}
    out = {}
    for ind in (i for i in card.indicators if i.source == "survey"):
        for waves in [*analysis.history, analysis.current]:
            row = waves.row(ind.id, None)
            if row is None or row["estimate"] is None or row["estimate"] != row["estimate"]:
                continue
            opens = waves.wave.opens_on
            year = opens.year if opens.month >= 4 else opens.year - 1
            scale = 100 if ind.is_percent else 1
            out[(ind.id, year)] = Actual(
                row["estimate"] * scale, row["ci_lower"] * scale, row["ci_upper"] * scale,
                source="survey", detail=f"survey wave {waves.wave.slug}, base {int(row['n']):,}")
    return out


def build_rows(session: Session, card: Scorecard, analysis=None) -> list[ScorecardRow]:
    """The scorecard with every actual we have; ``analysis`` is the survey's WaveAnalysis."""
    actuals = _entered(session) | _recorded_crime(session, card) | _survey(analysis, card)
    return scorecard_rows(card, actuals)


def check_actual(card: Scorecard, indicator: str, year: str, value: str) -> tuple[str, int, float]:
    """(indicator, year start, value) or ScorecardError naming the valid choices."""
    entered = [i.id for i in card.indicators if i.source == "entered"]
    known = {i.id: i for i in card.indicators}
    if indicator not in known:
        raise ScorecardError(f"Unknown indicator {indicator!r}. Choose from: {', '.join(entered)}")
    if known[indicator].source != "entered":
        where = "the survey" if known[indicator].source == "survey" else "recorded crime"
        raise ScorecardError(f"{indicator} is filled from {where}, not entered. Enter one of: "
                             + ", ".join(entered))
    years = [year_label(y) for y in card.years]
    try:
        start = year_start(year)
    except ValueError:
        start = None
    if start not in card.years:
        raise ScorecardError(f"Unknown year {year!r}. Choose from: {', '.join(years)}")
    try:
        number = float(str(value).replace(",", "").rstrip("%"))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ScorecardError(f"The actual {value!r} is not a number")
    highest = 100 if known[indicator].is_percent else LARGEST_ACTUAL
    if not 0 <= number <= highest:
        raise ScorecardError(f"The actual {value!r} is outside 0 to {highest:,} "
                             f"({known[indicator].unit})")
    return indicator, start, number


def record_actuals(session: Session, values: list[tuple[str, int, float]], user_id: int | None) -> int:
    """Insert or replace actuals in the caller's transaction."""
    existing = {(a.indicator, a.year): a for a in session.scalars(select(ScorecardActual))}
    for indicator, year, value in values:
        row = existing.get((indicator, year))
        if row is None:
            row = existing[(indicator, year)] = ScorecardActual(indicator=indicator, year=year)
            session.add(row)
        row.value, row.entered_by_id, row.entered_at = value, user_id, utcnow()
    return len(values)


def read_actuals_csv(data: bytes, filename: str, card: Scorecard) -> list[tuple[str, int, float]]:
    """Every row of an `indicator,year,actual` file, or ScorecardError naming each bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ScorecardError(f"{filename}, line {line}: not UTF-8; save the file as UTF-8") from None
    reader = CheckedReader(text, filename,
                           lambda problem: ScorecardError(f"Nothing was imported. {problem}"))
    header = [name.strip() for name in next(reader, [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ScorecardError(f"{filename}, line 1: missing column {', '.join(missing)}; expected "
                             + ",".join(CSV_COLUMNS))
    values, problems = [], []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        row = dict(zip(header, cells, strict=False))
        try:
            values.append(check_actual(card, row.get("indicator", "").strip(),
                                       row.get("year", "").strip(), row.get("actual", "").strip()))
        except ScorecardError as error:
            problems.append(f"{filename}, line {reader.line_num}: {error}")
    if problems:
        raise ScorecardError("Nothing was imported. " + " ".join(problems[:10]))
    return values


def export_csv(rows: list[ScorecardRow]) -> bytes:
    """One line per indicator and year, with the printed status."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        ind = row.indicator
        for cell in row.years:
            a = cell.actual
            writer.writerow([
                ind.id, ind.reference, ind.title, ind.unit, ind.direction, _n(ind.baseline),
                year_label(ind.baseline_year) if ind.baseline_year else "", year_label(cell.year),
                _n(cell.target), _n(a.value if a else None), _n(a.ci_lower if a else None),
                _n(a.ci_upper if a else None), a.source if a else "", cell.status,
                cell.detail or (a.detail if a else ""), "; ".join(ind.lead)])
    return buffer.getvalue().encode("utf-8-sig")


def _n(value) -> str:
    return "" if value is None else f"{round(value, 2):g}"
