"""Reading the area covariates a partnership loads for the small-area model: the English Indices
of Deprivation (the published CSV "File 7" of IoD2019, on LSOA 2011 codes, or of IoD2025, on LSOA
2021 codes), the Welsh Index of Multiple Deprivation 2019, and any table of numbers by LSOA or by
neighbourhood; and the mean of an LSOA covariate over a neighbourhood, weighted by residents 16+.

As the other readers of `portal.areas.files` do, each checks the whole file before returning
anything and names each problem with its line (`AreaFileError`); columns are found by name in any
case. Which LSOAs or neighbourhoods are the partnership's is the import's business
(`portal.areas.covariates`), not the reader's.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TextIO, TypeVar

from portal.areas.files import LSOA_CODE, AreaFileError, _cell, _Problems, _reader, _rows
from portal.models import CovariateFile, CovariateLevel

NAME_MAX = 40
# The model's own columns (`portal.reports.small_areas`): a file may not replace them.
RESERVED = ("area", "rural", "recorded_crime_per_1000")
IMD_SCORE = "Index of Multiple Deprivation (IMD) Score"
# IoD2019's File 7 heads its codes "LSOA code (2011)", IoD2025's "LSOA code (2021)".
IOD_CODE = re.compile(r"lsoa code \((2011|2021)\)|lsoa(11|21)cd")
WIMD_CODE = ("lsoa code", "lsoa11cd", "lsoa_code")
WIMD_SCORE = re.compile(r"wimd( 20\d\d)?( score)?")
TABLE_LSOA = re.compile(r"lsoa|lsoa_code|lsoa(11|21)cd|lsoa code( \(20\d\d\))?")
TABLE_NEIGHBOURHOOD = "neighbourhood"
# Columns that name or code an area rather than measure it, as ONS and MHCLG files add them
# (``LSOA21NM``, ``Local Authority District name (2019)``, ``LAD24CD``, ``LSOA name (Eng)``).
AREA_COLUMN = re.compile(r".*(name|nm|code|cd)( \((\d{4}|eng|cym)\))?")
THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
Place = TypeVar("Place")


@dataclass
class CovariateTable:
    """Numbers by area read from one file: {code: {covariate name: value}} with each covariate's
    label (its heading in the file). Codes are LSOA codes (upper case) or neighbourhoods as the
    file writes them, by ``level``."""

    level: CovariateLevel
    labels: dict[str, str]
    values: dict[str, dict[str, float]] = field(default_factory=dict)
    code_heading: str = ""


def snake_name(heading: str) -> str:
    """``Income Score (rate)`` -> ``income_score_rate``: a heading as a covariate's name."""
    name = re.sub(r"[^a-z0-9]+", "_", heading.lower()).strip("_")
    return f"x_{name}" if name[:1].isdigit() else name


def check_name(name: str, heading: str, filename: str) -> str:
    """`name` if it can be a covariate's name; else the refusal names the heading it came from."""
    if not name:
        problem = f"the column {heading!r} has no letters or digits to name it by"
    elif len(name) > NAME_MAX:
        problem = (f"the column {heading[:60]!r} makes the name {name[:60]}, longer than "
                   f"{NAME_MAX} characters; shorten the heading")
    elif name in RESERVED:
        problem = (f"the column {heading!r} would replace the model's own covariate {name}; "
                   "rename the column")
    else:
        return name
    raise AreaFileError([f"{filename}, line 1: {problem}."])


def _heading(cell: str) -> str:
    return " ".join(cell.strip().lstrip("\ufeff").split())


def _number(text: str) -> float:
    """A cell as a number: ``12.5``, ``-3``, ``1,234.5``; ValueError names what is not one."""
    cleaned = text.replace(",", "") if THOUSANDS.fullmatch(text) else text
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{text[:20]!r} is not a number" if text else "a value is missing") from None
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]!r} is not a number")
    return value


def _pick(headings: list[str], wanted: str | None, default: str | None, choices: list[int],
          filename: str) -> int:
    """The position of the column the admin asked for (by heading or by its snake_case name, any
    case), or of the default; the refusal lists the columns that could be chosen."""
    target = wanted or default
    for i in choices:
        if target and (headings[i].lower() == target.lower() or snake_name(headings[i]) == target):
            return i
    shown = "; ".join(headings[i] for i in choices[:25]) or "none"
    asked = f"no column {wanted!r}" if wanted else "no default score column"
    raise AreaFileError([f"{filename}, line 1: {asked}. Choose one of: {shown}."])


def _header(stream: TextIO, filename: str):
    reader = _reader(stream, filename)
    header = next(reader, None)
    if header is None:
        raise AreaFileError([f"{filename} is empty."])
    return reader, [_heading(cell) for cell in header]


def _no_code_column(filename: str, headings: list[str], wanted: str) -> AreaFileError:
    shown = ", ".join(headings[:12]) + (", ..." if len(headings) > 12 else "")
    return AreaFileError([f"{filename}, line 1: no {wanted} column (the columns are: {shown})."])


def read_deprivation(stream: TextIO, filename: str, kind: CovariateFile,
                     column: str | None = None) -> CovariateTable:
    """One score by LSOA from a deprivation file: IoD File 7 (``LSOA code (2011)`` or ``(2021)``;
    by default ``Index of Multiple Deprivation (IMD) Score``, or any other column whose heading
    says Score, such as ``Income Score (rate)``) or WIMD 2019 (``LSOA code``; by default the
    ``WIMD 2019`` score column, or any other numeric column). The IMD score is named
    ``imd_score``, the WIMD one ``wimd_score``, any other column by its heading."""
    reader, headings = _header(stream, filename)
    lowered = [h.lower() for h in headings]
    if kind is CovariateFile.IOD:
        code_at = next((i for i, h in enumerate(lowered) if IOD_CODE.fullmatch(h)), None)
        if code_at is None:
            raise _no_code_column(filename, headings, "'LSOA code (2011)' or 'LSOA code (2021)'")
        scores = [i for i, h in enumerate(lowered) if "score" in h]
        at = _pick(headings, column, IMD_SCORE, scores, filename)
        name = "imd_score" if lowered[at] == IMD_SCORE.lower() else snake_name(headings[at])
    else:
        code_at = next((i for i, h in enumerate(lowered) if h in WIMD_CODE), None)
        if code_at is None:
            raise _no_code_column(filename, headings, "'LSOA code'")
        scores = [i for i, h in enumerate(lowered) if i != code_at and not AREA_COLUMN.fullmatch(h)]
        default = next((headings[i] for i in scores if WIMD_SCORE.fullmatch(lowered[i])), None)
        at = _pick(headings, column, default, scores, filename)
        name = "wimd_score" if WIMD_SCORE.fullmatch(lowered[at]) else snake_name(headings[at])
    name = check_name(name, headings[at], filename)
    table = CovariateTable(CovariateLevel.LSOA, {name: headings[at]}, code_heading=headings[code_at])
    _read_values(reader, filename, table, code_at, {name: at})
    return table


def read_covariate_table(stream: TextIO, filename: str, column: str | None = None
                         ) -> CovariateTable:
    """Numbers by LSOA (a code column ``lsoa``, ``lsoa_code``, ``LSOA21CD`` or ``LSOA code ...``)
    or by neighbourhood (a ``neighbourhood`` column: its name or address, any case): each other
    column is a covariate named by its heading (``Income Score (rate)`` is ``income_score_rate``),
    but for columns that name or code an area (``LSOA21NM``, ``LAD24CD``), which are
    ignored; with ``column``, only
    that one is read."""
    reader, headings = _header(stream, filename)
    lowered = [h.lower() for h in headings]
    code_at = next((i for i, h in enumerate(lowered) if TABLE_LSOA.fullmatch(h)), None)
    level = CovariateLevel.LSOA
    if code_at is None and TABLE_NEIGHBOURHOOD in lowered:
        code_at, level = lowered.index(TABLE_NEIGHBOURHOOD), CovariateLevel.NEIGHBOURHOOD
    if code_at is None:
        raise _no_code_column(filename, headings, "lsoa, lsoa_code, LSOA21CD or neighbourhood")
    numeric = [i for i, h in enumerate(lowered) if i != code_at and not AREA_COLUMN.fullmatch(h)]
    if column is not None:
        numeric = [_pick(headings, column, None, numeric, filename)]
    if not numeric:
        raise AreaFileError([f"{filename}, line 1: there is no column of numbers beside "
                             f"{headings[code_at]}."])
    positions: dict[str, int] = {}
    for i in numeric:
        name = check_name(snake_name(headings[i]), headings[i], filename)
        if name in positions:
            raise AreaFileError([f"{filename}, line 1: the columns {headings[positions[name]]!r} "
                                 f"and {headings[i]!r} would both be named {name}."])
        positions[name] = i
    table = CovariateTable(level, {name: headings[i] for name, i in positions.items()},
                           code_heading=headings[code_at])
    _read_values(reader, filename, table, code_at, positions)
    return table


def _read_values(reader, filename: str, table: CovariateTable, code_at: int,
                 positions: dict[str, int]) -> None:
    """Fill ``table.values`` from the rows: one row per area, a number in each covariate's column."""
    problems = _Problems(filename)
    first_line: dict[str, int] = {}
    for row in _rows(reader):
        code = _cell(row, code_at)
        if table.level is CovariateLevel.LSOA:
            code = code.upper()
            if not LSOA_CODE.fullmatch(code):
                problems.add(reader.line_num, f"{code[:20]!r} is not an LSOA code (like E01014370)")
                continue
            key = code
        else:
            code = " ".join(code.split())
            if not code:
                problems.add(reader.line_num, "no neighbourhood is named")
                continue
            key = code.casefold()
        if key in first_line:
            problems.add(reader.line_num, f"{code[:60]} is listed twice (also on line "
                                          f"{first_line[key]})")
            continue
        first_line[key] = reader.line_num
        values: dict[str, float] = {}
        for name, at in positions.items():
            try:
                values[name] = _number(_cell(row, at))
            except ValueError as error:
                problems.add(reader.line_num, f"{table.labels[name]}: {error}")
        table.values[code] = values
    problems.raise_any()
    if not table.values:
        raise AreaFileError([f"{filename} lists no area."])


def weighted_means(values: dict[str, float], lookup: dict[str, Place],
                          adults: dict[str, int]) -> dict[Place, float]:
    """{neighbourhood: mean of its LSOAs' values weighted by their residents aged 16+}, over the
    LSOAs of ``lookup`` ({LSOA code: neighbourhood}) that have a value and residents; a
    neighbourhood none of whose LSOAs has both is left out."""
    sums: dict[Place, float] = {}
    weights: dict[Place, int] = {}
    for code, place in lookup.items():
        people = adults.get(code) or 0
        if code in values and people > 0:
            sums[place] = sums.get(place, 0.0) + people * values[code]
            weights[place] = weights.get(place, 0) + people
    return {place: sums[place] / weights[place] for place in sums}
