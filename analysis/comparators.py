"""Fair comparators: our figures beside published ones, only when the questions are the same.

A local figure is set against a published one (CSEW, the Place Survey's NI 21, the LGA residents'
survey, the Met's Public Attitudes Survey) only when both measure the same thing. The rule
(:func:`comparability`) refuses, with the reasons, when the wording, the answer scale, the base
(age 16+ or 18+, "don't know" in or out) or the period differ; when only the mode differs
(face-to-face against self-completion) the comparison is shown but marked indicative, since mode
moves answers without making them a different question.

The difference's interval treats the comparator's sampling error as independent of ours:
``se_diff = sqrt(se_local^2 + se_comp^2)``, with ``se_comp`` recovered from the published 95%
interval as ``(upper - lower) / (2 * 1.96)``. A comparator published without an interval gets a
difference but no interval: we do not guess a published figure's precision.

The standard questions are data (:data:`STANDARD_QUESTIONS`); the published figures are a CSV
(``definitions/comparators.csv``) that an admin can replace; :func:`read_comparators` checks every
row and names the line of anything wrong.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from analysis.catalogue import QUESTION_CODES, Indicator
from analysis.errors import AnalysisError

Z95 = 1.959963984540054
COMPARATORS_FILE = Path(__file__).resolve().parent / "definitions" / "comparators.csv"


class ComparatorError(AnalysisError):
    """The comparator table is malformed (unknown measure, bad number, interval around nothing)."""


class Comparability(StrEnum):
    COMPARABLE = "comparable"
    INDICATIVE = "indicative"
    REFUSED = "refused"


@dataclass(frozen=True)
class QuestionSpec:
    """What makes a figure the figure it is: the question asked, of whom, how and when counted."""

    id: str
    source: str
    wording: str
    scale: tuple[str, ...]
    positive: tuple[str, ...]
    min_age: int  # 16 or 18: the youngest respondent in the base
    dont_know_in_base: bool
    mode: str  # e.g. "face-to-face", "self-completion (online/paper)", "telephone"
    note: str = ""


AGREE5_DK = ("strongly agree", "tend to agree", "neither agree nor disagree", "tend to disagree",
             "strongly disagree", "don't know")
JOB5_DK = ("excellent", "good", "fair", "poor", "very poor", "don't know")
SAFE5_DK = ("very safe", "fairly safe", "neither safe nor unsafe", "fairly unsafe", "very unsafe",
            "don't know")

NI21_WORDING = ("How much would you agree or disagree that the police and local council are "
                "dealing with the anti-social behaviour and crime issues that matter in this area?")

STANDARD_QUESTIONS: dict[str, QuestionSpec] = {q.id: q for q in (
    QuestionSpec(
        "csew_police_job", "Crime Survey for England and Wales (ONS)",
        "Taking everything into account, how good a job do you think the police in this area "
        "are doing?", JOB5_DK, ("excellent", "good"), 16, True, "face-to-face",
        note="Wording and base (16+) as ONS, 'Perception and experience of police and criminal "
             "justice system, England and Wales', section 2. Whether 'don't know' is in the "
             "published base is not stated there: assumed in, unchecked.",
    ),
    QuestionSpec(
        "csew_confidence", "Crime Survey for England and Wales (ONS)",
        "How much would you agree or disagree with the following statement: Taking everything "
        "into account I have confidence in the police in this area.", AGREE5_DK,
        ("strongly agree", "tend to agree"), 16, True, "face-to-face",
        note="Wording recalled from the CSEW questionnaire, not checked against it; base 16+ "
             "as ONS states for the survey; 'don't know' treatment unchecked.",
    ),
    QuestionSpec(
        "ni21", "National Indicator 21 (Place Survey / BCS confidence measure)", NI21_WORDING,
        AGREE5_DK, ("strongly agree", "tend to agree"), 18, False,
        "self-completion (online/paper)",
        note="Wording as shared/methodology.md gives the LAA measure; the 2008 Place Survey asked "
             "a different wording (see there). Place Survey base 18+, 'don't know' excluded.",
    ),
    QuestionSpec(
        "lga_safe_after_dark", "LGA residents' satisfaction survey (polling)",
        "How safe or unsafe do you feel when outside in your local area after dark?", SAFE5_DK,
        ("very safe", "fairly safe"), 18, True, "telephone",
        note="Wording recalled, not checked against the LGA questionnaire; no figures shipped.",
    ),
    QuestionSpec(
        "lga_safe_during_day", "LGA residents' satisfaction survey (polling)",
        "How safe or unsafe do you feel when outside in your local area during the day?",
        SAFE5_DK, ("very safe", "fairly safe"), 18, True, "telephone",
        note="Wording recalled, not checked against the LGA questionnaire; no figures shipped.",
    ),
    QuestionSpec(
        "mps_pas_things_that_matter", "Metropolitan Police Public Attitudes Survey (MOPAC)",
        "To what extent do you agree with these statements about the police in this area? They "
        "can be relied upon to deal with the things that matter to this community.", AGREE5_DK,
        ("strongly agree", "tend to agree"), 16, False, "face-to-face",
        note="Wording recalled from MOPAC's dashboard, not checked; no figures shipped.",
    ),
)}


@dataclass(frozen=True)
class Comparator:
    """One published figure: a standard question's estimate for a place and a year ending."""

    measure: str
    geography: str  # "England and Wales" or a police force area
    year_ending: str  # e.g. "2025-03"
    estimate: float  # proportion
    lower: float | None
    upper: float | None
    citation: str
    checked: bool  # the figure was read in the cited public document

    @property
    def se(self) -> float | None:
        if self.lower is None or self.upper is None:
            return None
        return (self.upper - self.lower) / (2 * Z95)


@dataclass(frozen=True)
class Verdict:
    status: Comparability
    reasons: tuple[str, ...]


def comparability(local: QuestionSpec, comparator: QuestionSpec, local_period: str,
                  comparator_period: str) -> Verdict:
    """Comparable, indicative (mode only differs) or refused (with every reason)."""
    reasons = []
    if _norm(local.wording) != _norm(comparator.wording):
        reasons.append(f"wording differs: ours asks {local.wording!r}, {comparator.source} asks "
                       f"{comparator.wording!r}")
    if tuple(map(_norm, local.scale)) != tuple(map(_norm, comparator.scale)) or \
            set(map(_norm, local.positive)) != set(map(_norm, comparator.positive)):
        reasons.append("answer scale or the answers counted differ: ours "
                       f"{'/'.join(local.scale)}, theirs {'/'.join(comparator.scale)}")
    if local.min_age != comparator.min_age:
        reasons.append(f"base differs: ours is {local.min_age}+, theirs {comparator.min_age}+")
    if local.dont_know_in_base != comparator.dont_know_in_base:
        reasons.append("base differs: \"don't know\" is "
                       f"{'in' if local.dont_know_in_base else 'out of'} our base and "
                       f"{'in' if comparator.dont_know_in_base else 'out of'} theirs")
    if local_period != comparator_period:
        reasons.append(f"period differs: ours is the year ending {local_period}, theirs the year "
                       f"ending {comparator_period}")
    if reasons:
        return Verdict(Comparability.REFUSED, tuple(reasons))
    if _norm(local.mode) != _norm(comparator.mode):
        return Verdict(Comparability.INDICATIVE, (
            f"mode differs: ours is {local.mode}, theirs {comparator.mode}; mode effects can "
            "move the answer, so read the difference as indicative",))
    return Verdict(Comparability.COMPARABLE, ())


@dataclass(frozen=True)
class Comparison:
    verdict: Verdict
    local: float
    comparator: float
    difference: float | None  # local - comparator; None when refused
    lower: float | None
    upper: float | None


def compare(local_estimate: float, local_se: float, local: QuestionSpec, local_period: str,
            comp: Comparator) -> Comparison:
    """The difference local - comparator with its 95% interval, unless the rule refuses it."""
    spec = STANDARD_QUESTIONS[comp.measure]
    verdict = comparability(local, spec, local_period, comp.year_ending)
    if verdict.status is Comparability.REFUSED:
        return Comparison(verdict, local_estimate, comp.estimate, None, None, None)
    diff = local_estimate - comp.estimate
    if comp.se is None:
        return Comparison(verdict, local_estimate, comp.estimate, diff, None, None)
    half = Z95 * math.sqrt(local_se ** 2 + comp.se ** 2)
    return Comparison(verdict, local_estimate, comp.estimate, diff, diff - half, diff + half)


COLUMNS = ("measure", "geography", "year_ending", "estimate", "lower", "upper", "checked",
           "citation")


def read_comparators(text: str | None = None) -> list[Comparator]:
    """Every row of the comparator CSV, checked; the first problem raises with its line number.

    Figures are percentages in the file (as sources publish them) and proportions here. Lines
    starting with ``#`` are comments (the file's own notes on sources).
    """
    if text is None:
        text = COMPARATORS_FILE.read_text(encoding="utf-8")
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ComparatorError("The comparator file has no header row: expected "
                              + ",".join(COLUMNS))
    reader = csv.reader(io.StringIO("\n".join(line for _, line in lines)))
    header = [h.strip() for h in next(reader)]
    if tuple(header) != COLUMNS:
        raise ComparatorError(f"Line {lines[0][0]}: the header must be {','.join(COLUMNS)}, "
                              f"not {','.join(header)}")
    out = []
    seen: set[tuple[str, str, str]] = set()
    for (number, _), row in zip(lines[1:], reader, strict=True):
        out.append(_row(number, row, seen))
    return out


def _row(number: int, row: list[str], seen: set[tuple[str, str, str]]) -> Comparator:
    where = f"Line {number}"
    if len(row) != len(COLUMNS):
        raise ComparatorError(f"{where}: expected {len(COLUMNS)} fields, found {len(row)}")
    values = dict(zip(COLUMNS, (v.strip() for v in row), strict=True))
    if values["measure"] not in STANDARD_QUESTIONS:
        raise ComparatorError(f"{where}: unknown measure {values['measure']!r}; known: "
                              + ", ".join(sorted(STANDARD_QUESTIONS)))
    for field in ("geography", "year_ending", "citation"):
        if not values[field]:
            raise ComparatorError(f"{where}: {field} is empty")
    ye = values["year_ending"]
    if not (len(ye) == 7 and ye[4] == "-" and ye[:4].isdigit() and ye[5:].isdigit()
            and 1 <= int(ye[5:]) <= 12):
        raise ComparatorError(f"{where}: year_ending {ye!r} is not YYYY-MM")
    estimate = _percent(where, "estimate", values["estimate"])
    if estimate is None:
        raise ComparatorError(f"{where}: estimate is empty")
    lower = _percent(where, "lower", values["lower"])
    upper = _percent(where, "upper", values["upper"])
    if (lower is None) != (upper is None):
        raise ComparatorError(f"{where}: give both ends of the interval or neither")
    if lower is not None and upper is not None and not lower <= estimate <= upper:
        raise ComparatorError(f"{where}: the interval {values['lower']}-{values['upper']} does "
                              f"not contain the estimate {values['estimate']}")
    if values["checked"] not in ("yes", "no"):
        raise ComparatorError(f"{where}: checked must be yes or no, not {values['checked']!r}")
    key = (values["measure"], values["geography"], ye)
    if key in seen:
        raise ComparatorError(f"{where}: a second row for {' / '.join(key)}")
    seen.add(key)
    return Comparator(values["measure"], values["geography"], ye, estimate, lower, upper,
                      values["citation"], values["checked"] == "yes")


def _percent(where: str, field: str, text: str) -> float | None:
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise ComparatorError(f"{where}: {field} {text!r} is not a number") from None
    if not 0 <= value <= 100 or math.isnan(value):
        raise ComparatorError(f"{where}: {field} {text!r} is not a percentage (0-100)")
    return value / 100


def local_spec(indicator: Indicator, wording: str, *, min_age: int = 16,
               mode: str = "self-completion (online/paper)") -> QuestionSpec:
    """Our indicator's provenance: scale, counted codes and "don't know" rule from the catalogue.

    The wording comes from the questionnaire version asked (questions can change wording between
    versions), the base's youngest age from the sample design (weighting margins start at 16).
    """
    if indicator.kind != "single":
        raise ComparatorError(f"{indicator.id} combines several questions; only a single "
                              "question can match a published one")
    question = indicator.questions[0]
    dont_know_in = indicator.dont_know_in_base or not (
        set(indicator.excluded) & {"dont_know", "no_opinion"})
    return QuestionSpec(indicator.id, "this survey", wording, QUESTION_CODES[question],
                        indicator.positive, min_age, dont_know_in, mode)


# Which of our indicators answers which standard question. The CSEW measures have no indicator
# of ours (the questionnaires do not ask them), so their rows are never matched.
MEASURE_INDICATOR: dict[str, str] = {
    "ni21": "ni21",
    "lga_safe_after_dark": "safe_after_dark",
    "lga_safe_during_day": "safe_during_day",
}


def wave_period(fieldwork: tuple[date | None, date | None], year_ending: str) -> str:
    """The year ending a wave counts as, judged against one comparator's year ending.

    The rule: a wave whose whole fieldwork lies inside the 12 months ending at the end of the
    comparator's month counts as that year ending; otherwise it counts as the year ending at
    the month its fieldwork ended (so the period check refuses it), or "unknown" without dates.
    """
    start, end = fieldwork
    if start is None or end is None:
        return "unknown (no fieldwork dates)"
    year, month = int(year_ending[:4]), int(year_ending[5:])
    first = date(year - 1, month, 1) if month == 12 else date(year - 1, month + 1, 1)
    after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    if first <= start and end < after:
        return year_ending
    return f"{end.year:04d}-{end.month:02d}"


@dataclass(frozen=True)
class ComparisonRow:
    """One published figure beside ours: what each side asked and the verdict."""

    comparator: Comparator
    indicator: str
    wording: str  # the wording our wave asked
    local_period: str
    comparison: Comparison


def comparisons_for(comparators: list[Comparator], estimates: Mapping[str, tuple[float, float]],
                    wordings: Mapping[str, str], fieldwork: tuple[date | None, date | None],
                    catalogue: Mapping[str, Indicator], *, min_age: int = 16,
                    mode: str = "self-completion (online/paper)") -> list[ComparisonRow]:
    """Every comparator row that one of the wave's computed indicators answers, judged.

    ``estimates`` maps an indicator id to the authority's (estimate, se); ``wordings`` maps a
    question id to the text the wave's questionnaire version asked. Rows whose indicator the
    wave did not compute, or whose question it did not ask, are left out: nothing to compare.
    """
    out = []
    for comp in comparators:
        indicator_id = MEASURE_INDICATOR.get(comp.measure)
        if indicator_id is None or indicator_id not in estimates or indicator_id not in catalogue:
            continue
        indicator = catalogue[indicator_id]
        wording = wordings.get(indicator.questions[0])
        if wording is None:
            continue
        spec = local_spec(indicator, wording, min_age=min_age, mode=mode)
        period = wave_period(fieldwork, comp.year_ending)
        estimate, se = estimates[indicator_id]
        out.append(ComparisonRow(comp, indicator_id, wording, period,
                                 compare(estimate, se, spec, period, comp)))
    return out


def _norm(text: str) -> str:
    """Compare words, not typography: case, apostrophes, underscores and spacing do not count."""
    return " ".join(text.casefold().replace("_", " ").replace("\u2019", "").replace("'", "")
                    .split())
