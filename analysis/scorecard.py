"""The Local Area Agreement scorecard: targets as data (YAML), actuals per year, and a status.

Statuses, for an indicator in a year:

- ``no data``: no actual for the year;
- ``met``: the year has a target and the actual reaches it (in the indicator's direction);
- ``on track``: the year has no target of its own, and the actual reaches the straight line from
  the previous target (or the baseline) to the next target; after the last target, reaching it;
- ``off track``: otherwise.

NI 21 comes from the survey and is judged as the reports judge it (``catalogue.target_status``,
with the interval): a result below the path but whose interval contains it is ``behind, within
the interval``, printed "Behind the path, not significantly" here and on the report's page 1
alike (``TargetStatus.label``). No Flask, no database: the portal passes actuals in.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis.catalogue import CATALOGUE, Indicator, TargetStatus, target_status
from analysis.errors import InputError
from analysis.formatting import number, percent
from analysis.yaml_text import load_typed_yaml

SOURCES = ("survey", "recorded_crime", "entered")
DIRECTIONS = ("higher", "lower")
STATUSES = tuple(TargetStatus)
_YEAR = re.compile(r"(\d{4})[/-](\d{2})")


def year_start(label: str) -> int:
    """'2009/10' (or '2009-10') -> 2009; InputError for anything else."""
    match = _YEAR.fullmatch(str(label).strip())
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise InputError(f"{label!r} is not a financial year written like 2009/10")
    return int(match[1])


def year_label(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


@dataclass(frozen=True)
class ScorecardIndicator:
    id: str
    reference: str
    title: str
    unit: str
    direction: str  # higher | lower (is better)
    source: str  # survey | recorded_crime | entered
    targets: dict[int, float]  # financial year start: target
    baseline: float | None = None
    baseline_year: int | None = None
    lead: tuple[str, ...] = ()
    note: str = ""

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"

    @property
    def is_percent(self) -> bool:
        return self.unit == "per cent"

    def printed(self, value: float | None) -> str:
        """A value of this indicator as every surface prints it: '25.5%', '13.64', '591'."""
        if self.is_percent:
            return percent(None if value is None else value / 100)
        figures = [*self.targets.values(), *([self.baseline] if self.baseline is not None else [])]
        digits = 2 if any(f != int(f) for f in figures) else 0
        return number(value, digits)


@dataclass(frozen=True)
class Scorecard:
    partnership: str
    years: list[int]
    indicators: list[ScorecardIndicator]

    def indicator(self, indicator_id: str) -> ScorecardIndicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise InputError(f"unknown indicator {indicator_id!r}; choose from: "
                         + ", ".join(i.id for i in self.indicators))


@dataclass(frozen=True)
class Actual:
    """An indicator's value for a year, in its unit, with an interval when it is an estimate."""

    value: float
    ci_lower: float | None = None
    ci_upper: float | None = None
    source: str = "entered"
    detail: str = ""


@dataclass(frozen=True)
class YearCell:
    year: int
    target: float | None
    actual: Actual | None
    status: TargetStatus
    detail: str = ""


@dataclass(frozen=True)
class ScorecardRow:
    indicator: ScorecardIndicator
    years: list[YearCell] = field(default_factory=list)


NO_TARGETS = Scorecard("", [], [])  # a partnership that has set no targets yet


def load_scorecard(path: Path | str) -> Scorecard:
    """A targets file; InputError naming the entry and field that is wrong."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the scorecard targets {path}: {error}") from None
    return parse_scorecard(text, str(path))


def parse_scorecard(text: str, source: str) -> Scorecard:
    """Targets written as YAML (a file, or an admin's edited copy named ``source`` in messages)."""
    raw = load_typed_yaml(text, source)
    if not isinstance(raw, dict) or not isinstance(raw.get("indicators"), list):
        raise InputError(f"{source}: expected `partnership`, `years` and a list of `indicators`")
    years = [year_start(y) for y in raw.get("years") or []]
    indicators = [_indicator(entry, n, source) for n, entry in enumerate(raw["indicators"], 1)]
    ids = [i.id for i in indicators]
    if len(set(ids)) != len(ids):
        raise InputError(f"{source}: an indicator id is used twice: {', '.join(ids)}")
    for ind in indicators:
        if ind.source == "survey" and ind.id not in CATALOGUE:
            raise InputError(f"{source}: {ind.id} has source survey, but the survey engine has no "
                             f"indicator {ind.id!r}; choose from: {', '.join(sorted(CATALOGUE))}")
        if ind.source == "survey" and ind.is_percent and any(
                not 0 <= v <= 100 for v in [*ind.targets.values(), ind.baseline or 0]):
            raise InputError(f"{source}: {ind.id}'s targets and baseline are per cent numbers "
                             "between 0 and 100 (25.5 for 25.5%)")
    return Scorecard(str(raw.get("partnership") or ""), years, indicators)


def survey_indicator(ind: ScorecardIndicator) -> Indicator | None:
    """The survey engine's indicator for a scorecard line with source ``survey``, carrying the
    line's baseline and last target as the reports judge them (proportions, waves as
    '2010-11'); None for other sources. A line with no target gives the plain indicator."""
    if ind.source != "survey" or ind.id not in CATALOGUE:
        return None
    plain = CATALOGUE[ind.id]
    if not ind.targets or ind.baseline is None or ind.baseline_year is None:
        return plain
    scale = 100 if ind.is_percent else 1
    year, target = sorted(ind.targets.items())[-1]
    return dataclasses.replace(
        plain, baseline=round(ind.baseline / scale, 10),
        baseline_wave=year_label(ind.baseline_year).replace("/", "-"),
        target=round(target / scale, 10), target_wave=year_label(year).replace("/", "-"))


def with_targets(catalogue: dict[str, Indicator], card: Scorecard) -> dict[str, Indicator]:
    """A copy of ``catalogue`` whose survey indicators carry the partnership's targets."""
    out = dict(catalogue)
    for ind in card.indicators:
        judged = survey_indicator(ind)
        if judged is not None and ind.id in out:
            out[ind.id] = judged
    return out


def _indicator(entry, n: int, path) -> ScorecardIndicator:
    if not isinstance(entry, dict) or not entry.get("id"):
        raise InputError(f"{path}: indicator {n} needs an id")
    where = f"{path}: {entry['id']}"
    if entry.get("direction") not in DIRECTIONS:
        raise InputError(f"{where}: direction must be one of {', '.join(DIRECTIONS)}")
    if entry.get("source") not in SOURCES:
        raise InputError(f"{where}: source must be one of {', '.join(SOURCES)}")
    baseline = entry.get("baseline") or {}
    try:
        targets = {year_start(y): float(v) for y, v in (entry.get("targets") or {}).items()}
        base_value = float(baseline["value"]) if "value" in baseline else None
    except (TypeError, ValueError) as error:
        raise InputError(f"{where}: targets and baseline must be numbers ({error})") from None
    return ScorecardIndicator(
        id=str(entry["id"]), reference=str(entry.get("reference") or ""),
        title=str(entry.get("title") or entry["id"]), unit=str(entry.get("unit") or ""),
        direction=entry["direction"], source=entry["source"], targets=targets,
        baseline=base_value,
        baseline_year=year_start(baseline["year"]) if baseline.get("year") else None,
        lead=tuple(entry.get("lead") or ()), note=str(entry.get("note") or ""))


def judge(ind: ScorecardIndicator, year: int, actual: Actual | None) -> YearCell:
    """The status of ``actual`` for ``year`` (see the module docstring)."""
    target = ind.targets.get(year)
    if actual is None:
        return YearCell(year, target, None, TargetStatus.NO_DATA)
    if ind.source == "survey" and ind.id in CATALOGUE:
        return _judge_survey(ind, year, target, actual)
    sign = 1 if ind.higher_is_better else -1
    if target is not None:
        return YearCell(year, target, actual, TargetStatus.MET if sign * (actual.value - target) >= 0
                        else TargetStatus.OFF_TRACK)
    expected = _trajectory(ind, year)
    if expected is None:
        return YearCell(year, None, actual, TargetStatus.NO_DATA, "no target to judge against")
    status = TargetStatus.ON_TRACK if sign * (actual.value - expected) >= 0 \
        else TargetStatus.OFF_TRACK
    return YearCell(year, None, actual, status, f"path expects {expected:g}")


def _trajectory(ind: ScorecardIndicator, year: int) -> float | None:
    """Where the straight line to the next target stands in ``year`` (the last target after it)."""
    later = sorted((y, t) for y, t in ind.targets.items() if y > year)
    earlier = sorted((y, t) for y, t in ind.targets.items() if y < year)
    if not later:
        return earlier[-1][1] if earlier else None
    next_year, next_target = later[0]
    if earlier:
        start_year, start = earlier[-1]
    elif ind.baseline is not None and ind.baseline_year is not None and ind.baseline_year < year:
        start_year, start = ind.baseline_year, ind.baseline
    else:
        return next_target
    return start + (year - start_year) / (next_year - start_year) * (next_target - start)


def _judge_survey(ind: ScorecardIndicator, year: int, target: float | None,
                  actual: Actual) -> YearCell:
    share = actual.value / 100 if ind.is_percent else actual.value
    lower = None if actual.ci_lower is None else actual.ci_lower / (100 if ind.is_percent else 1)
    upper = None if actual.ci_upper is None else actual.ci_upper / (100 if ind.is_percent else 1)
    judged = survey_indicator(ind)
    assert judged is not None  # judge() sends only survey lines here
    verdict = target_status(judged, share, year_label(year).replace("/", "-"), lower, upper)
    if verdict is None:
        return YearCell(year, target, actual, TargetStatus.NO_DATA, "no target to judge against")
    status = verdict["status"]
    detail = (f"the path expects {percent(verdict['trajectory'])}, within the 95% interval"
              if status == TargetStatus.BEHIND else actual.detail)
    return YearCell(year, target, actual, status, detail)


def scorecard_rows(card: Scorecard, actuals: dict[tuple[str, int], Actual]) -> list[ScorecardRow]:
    """Every indicator with a cell per scorecard year (``actuals`` keyed by (id, year start))."""
    return [ScorecardRow(ind, [judge(ind, year, actuals.get((ind.id, year))) for year in card.years])
            for ind in card.indicators]
