"""Reading the files a partnership sets itself up from, as the Office for National Statistics
publishes them: an LSOA to neighbourhood lookup, the Rural Urban Classification of LSOAs, the
National Statistics Postcode Lookup and the mid-year population estimates by LSOA.

Each reader takes a text stream and checks the whole file before returning anything, so an
import either has every row or none; ``AreaFileError`` names each problem with its line. Columns
are found by name (any case), so the extra columns of ONS's best-fit lookups and the header
variants of successive releases are all read. The national postcode file is about 2.7 million
rows: it is read row by row and only the partnership's postcodes are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from portal.core.csv_files import CheckedReader
from portal.core.refusals import Refusal
from surveys.postcodes import normalise_postcode

MAX_PROBLEMS = 10
LSOA_CODE = re.compile(r"[EW]01\d{6}")
# The postcode file's progress is reported every this many rows.
PROGRESS_EVERY = 100_000
OLDEST = 90  # the estimates' last single year of age is "90 and over"


class AreaFileError(Refusal):
    """A file cannot be imported; ``problems`` name the file and line of each fault found."""

    def __init__(self, problems: list[str]):
        self.problems = problems[:MAX_PROBLEMS]
        more = " (and more; the first ten are shown)" if len(problems) > MAX_PROBLEMS else ""
        super().__init__("Nothing was imported. " + " ".join(self.problems) + more)


class _Problems:
    """Problems found so far; stops the reading once there are more than can be shown."""

    def __init__(self, filename: str):
        self.filename, self.found = filename, list[str]()

    def add(self, line: int, message: str) -> None:
        self.found.append(f"{self.filename}, line {line}: {message}.")
        if len(self.found) > MAX_PROBLEMS:
            raise AreaFileError(self.found)

    def raise_any(self) -> None:
        if self.found:
            raise AreaFileError(self.found)


def _reader(stream: TextIO, filename: str) -> CheckedReader:
    return CheckedReader(stream, filename, lambda problem: AreaFileError([problem]))


def _columns(header: list[str] | None, filename: str, wanted: dict[str, tuple[str, ...]]
             ) -> dict[str, int]:
    """{role: position} for each wanted role, found by any of its names in any case."""
    if header is None:
        raise AreaFileError([f"{filename} is empty."])
    names = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    found, missing = dict[str, int](), list[str]()
    for role, choices in wanted.items():
        position = next((names.index(c.lower()) for c in choices if c.lower() in names), None)
        if position is None:
            missing.append(f"{' or '.join(choices)}")
        else:
            found[role] = position
    if missing:
        shown = ", ".join(cell.strip() for cell in header[:20]) + (", ..." if len(header) > 20 else "")
        raise AreaFileError([f"{filename}, line 1: no column {'; no column '.join(missing)} "
                             f"(the columns are: {shown})."])
    return found


def _cell(row: list[str], position: int) -> str:
    return row[position].strip() if position < len(row) else ""


def _rows(reader: CheckedReader) -> Iterable[list[str]]:
    """The non-blank rows after the header."""
    for row in reader:
        if any(cell.strip() for cell in row):
            yield row


# --------------------------------------------------------------------------- neighbourhoods


def read_neighbourhood_lookup(stream: TextIO, filename: str) -> dict[str, str]:
    """{LSOA 2021 code: neighbourhood name} from a file with an LSOA code column (``LSOA21CD``,
    ``lsoa21cd`` or ``lsoa_code``) and a ``neighbourhood`` column; other columns are ignored."""
    reader = _reader(stream, filename)
    at = _columns(next(reader, None), filename, {"lsoa": ("LSOA21CD", "lsoa_code"),
                                                 "name": ("neighbourhood",)})
    problems = _Problems(filename)
    lookup: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for row in _rows(reader):
        code, name = _cell(row, at["lsoa"]).upper(), " ".join(_cell(row, at["name"]).split())
        if not LSOA_CODE.fullmatch(code):
            problems.add(reader.line_num, f"{code[:20]!r} is not an LSOA code (like E01014370)")
        elif not name:
            problems.add(reader.line_num, f"{code} has no neighbourhood")
        elif len(name) > 120:
            problems.add(reader.line_num, "the neighbourhood's name is longer than 120 characters")
        elif code in lookup and lookup[code] != name:
            problems.add(reader.line_num, f"{code} is in {lookup[code]} on line {first_line[code]} "
                         f"and in {name} here")
        else:
            lookup.setdefault(code, name)
            first_line.setdefault(code, reader.line_num)
    problems.raise_any()
    if not lookup:
        raise AreaFileError([f"{filename} lists no LSOA."])
    return lookup


def read_rural_urban(stream: TextIO, filename: str) -> dict[str, bool]:
    """{LSOA 2021 code: rural?} from the Rural Urban Classification 2021 (``LSOA21CD``,
    ``RUC21CD``): urban classes' codes start with ``U``, rural ones with ``R``."""
    reader = _reader(stream, filename)
    at = _columns(next(reader, None), filename, {"lsoa": ("LSOA21CD", "lsoa_code"),
                                                 "class": ("RUC21CD",)})
    problems, rural = _Problems(filename), dict[str, bool]()
    for row in _rows(reader):
        code, kind = _cell(row, at["lsoa"]).upper(), _cell(row, at["class"]).upper()
        if not LSOA_CODE.fullmatch(code):
            problems.add(reader.line_num, f"{code[:20]!r} is not an LSOA code (like E01014370)")
        elif kind[:1] not in ("U", "R"):
            problems.add(reader.line_num, f"{kind[:20]!r} is not a rural-urban class (codes start "
                         "U for urban, R for rural)")
        else:
            rural[code] = kind.startswith("R")
    problems.raise_any()
    return rural


# --------------------------------------------------------------------------- postcodes


@dataclass
class PostcodeFile:
    """The partnership's live postcodes {postcode: LSOA code}, and what was left out."""

    postcodes: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    terminated: int = 0
    outside: int = 0
    no_lsoa: int = 0


def read_postcodes(stream: TextIO, filename: str, lsoas: set[str],
                   progress: Callable[[int], None] | None = None) -> PostcodeFile:
    """The postcodes of the National Statistics Postcode Lookup (or ONSPD) whose LSOA is one of
    ``lsoas``; terminated ones (``doterm`` set) are counted, not kept. Read row by row: the
    national file never needs to fit in memory."""
    reader = _reader(stream, filename)
    at = _columns(next(reader, None), filename, {"postcode": ("pcds",), "terminated": ("doterm",),
                                                 "lsoa": ("lsoa21", "lsoa21cd")})
    i_postcode, i_terminated, i_lsoa = at["postcode"], at["terminated"], at["lsoa"]
    width = max(at.values()) + 1
    problems, out = _Problems(filename), PostcodeFile()
    kept = out.postcodes
    for row in reader:
        if len(row) < width:
            if any(cell.strip() for cell in row):
                problems.add(reader.line_num, f"{len(row)} fields where the header needs {width}")
            continue
        out.rows += 1
        if progress is not None and out.rows % PROGRESS_EVERY == 0:
            progress(out.rows)
        lsoa = row[i_lsoa]
        if lsoa not in lsoas:
            if lsoa.strip():
                out.outside += 1
            else:
                out.no_lsoa += 1
            continue
        if row[i_terminated].strip():
            out.terminated += 1
            continue
        postcode = normalise_postcode(row[i_postcode])
        if postcode is None:
            problems.add(reader.line_num, f"{row[i_postcode][:20]!r} is not a postcode")
            continue
        kept[postcode] = lsoa
    problems.raise_any()
    if not out.rows:
        raise AreaFileError([f"{filename} holds no postcodes."])
    return out


# --------------------------------------------------------------------------- population


@dataclass(frozen=True)
class LsoaPopulation:
    """One LSOA's residents by single year of age (0 to 90+), women and men."""

    code: str
    female: tuple[int, ...]
    male: tuple[int, ...]


def read_population(stream: TextIO, filename: str) -> tuple[dict[str, LsoaPopulation], str]:
    """The mid-year estimates by LSOA, single year of age and sex (``LSOA 2021 Code``, ``F0`` to
    ``F90``, ``M0`` to ``M90``; the ``LAD``, name and ``Total`` columns are not needed), and the
    LSOA column's heading, which names the geography's year."""
    reader = _reader(stream, filename)
    header = next(reader, None)
    if header is None:
        raise AreaFileError([f"{filename} is empty."])
    names = [cell.strip().lstrip("\ufeff") for cell in header]
    lsoa_names = [n for n in names if re.fullmatch(r"(?i)lsoa ?\d{2,4} ?(code|cd)|lsoa_code", n)]
    ages = {f"{sex}{age}": sex for sex in "FM" for age in range(OLDEST + 1)}
    upper = [n.upper() for n in names]
    missing = [a for a in ages if a not in upper and not (a.endswith("90") and a + "+" in upper)]
    if not lsoa_names or missing:
        gap = ("there is no LSOA code column (like 'LSOA 2021 Code')" if not lsoa_names else
               f"there is no column {', '.join(missing[:6])}{', ...' if len(missing) > 6 else ''}")
        shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
        raise AreaFileError([f"{filename}, line 1: {gap}. The estimates by single year of age "
                             f"and sex have F0 to F90 and M0 to M90; the columns here are: {shown}."])
    i_lsoa = names.index(lsoa_names[0])
    at = {a: (upper.index(a) if a in upper else upper.index(a + "+")) for a in ages}
    female = [at[f"F{age}"] for age in range(OLDEST + 1)]
    male = [at[f"M{age}"] for age in range(OLDEST + 1)]
    problems, out = _Problems(filename), dict[str, LsoaPopulation]()
    for code, row in _lsoa_rows(reader, i_lsoa, problems, out):
        try:
            out[code] = LsoaPopulation(code, tuple(_count(row, i) for i in female),
                                       tuple(_count(row, i) for i in male))
        except ValueError as error:
            problems.add(reader.line_num, str(error))
    problems.raise_any()
    if not out:
        raise AreaFileError([f"{filename} lists no LSOA."])
    return out, lsoa_names[0]


def _lsoa_rows(reader: CheckedReader, position: int, problems: _Problems,
               seen: Container[str]) -> Iterator[tuple[str, list[str]]]:
    """(LSOA code, row) of each row keyed by an LSOA (one row each): a code that is not an LSOA's,
    or one already in ``seen``, is a problem of its line and the row is skipped."""
    for row in _rows(reader):
        code = _cell(row, position).upper()
        if not LSOA_CODE.fullmatch(code):
            problems.add(reader.line_num, f"{code[:20]!r} is not an LSOA code (like E01014370)")
        elif code in seen:
            problems.add(reader.line_num, f"{code} is listed twice")
        else:
            yield code, row


def _count(row: list[str], position: int) -> int:
    text = _cell(row, position).replace(",", "")
    if not text.isdigit():
        raise ValueError(f"{text[:20]!r} is not a number of people")
    return int(text)


def age_band_range(code: str) -> range:
    """The ages of a questionnaire's age band code: ``16_24`` is 16 to 24, ``75_plus`` 75 and over."""
    match = re.fullmatch(r"(\d+)_(\d+|plus)", code)
    if not match:
        raise ValueError(f"{code!r} is not an age band like 16_24 or 75_plus")
    low = int(match.group(1))
    high = OLDEST if match.group(2) == "plus" else int(match.group(2))
    return range(low, high + 1)


def neighbourhood_margins(populations: dict[str, LsoaPopulation], lookup: dict[str, str],
                          age_bands: list[str]) -> dict[str, dict[tuple[str, str], int]]:
    """{neighbourhood: {(variable, category): residents}} for ``age_band`` (the questionnaire's
    bands, which must start at 16 and leave no age out) and ``sex``, from the LSOAs in ``lookup``."""
    ranges = [age_band_range(code) for code in age_bands]
    covered = sorted(age for r in ranges for age in r)
    if covered != list(range(16, OLDEST + 1)):
        raise ValueError("the age bands must cover every age from 16 up, once: "
                         + ", ".join(age_bands))
    margins: dict[str, dict[tuple[str, str], int]] = {}
    for code, place in lookup.items():
        people = populations.get(code)
        if people is None:
            continue
        cells = margins.setdefault(place, {})
        for band, ages in zip(age_bands, ranges, strict=True):
            key = ("age_band", band)
            cells[key] = cells.get(key, 0) + sum(people.female[a] + people.male[a] for a in ages)
        for sex, counts in (("female", people.female), ("male", people.male)):
            cells[("sex", sex)] = cells.get(("sex", sex), 0) + sum(counts[16:])
    return margins


# --------------------------------------------------------------------------- ethnicity

# Census 2021 TS021 (ethnic group) as the Nomis bulk CSV heads it, by the questionnaire's codes.
# "White: other" is the White total less its British line; the four other groups are TS021's own.
ETHNIC_TOTAL = "Ethnic group: Total: All usual residents"
WHITE = "Ethnic group: White"
WHITE_BRITISH = "Ethnic group: White: English, Welsh, Scottish, Northern Irish or British"
ETHNIC_GROUPS = {
    "mixed": "Ethnic group: Mixed or Multiple ethnic groups",
    "asian_or_asian_british": "Ethnic group: Asian, Asian British or Asian Welsh",
    "black_or_black_british": "Ethnic group: Black, Black British, Black Welsh, Caribbean or African",
    "other_ethnic_group": "Ethnic group: Other ethnic group",
}
ETHNICITIES = ("white_british", "white_other", *ETHNIC_GROUPS)


def _heading(cell: str) -> str:
    """A TS021 heading as compared: any case, single spaces, without Nomis's '; measures: Value'."""
    text = " ".join(cell.strip().lstrip("\ufeff").split()).lower()
    return re.sub(r";\s*measures:\s*value$", "", text)


def read_ethnicity(stream: TextIO, filename: str) -> dict[str, dict[str, int]]:
    """{LSOA 2021 code: {ethnicity code: usual residents, all ages}} from Census 2021 TS021 by
    LSOA (the Nomis bulk CSV: ``geography code`` and the ``Ethnic group: ...`` columns)."""
    reader = _reader(stream, filename)
    header = next(reader, None)
    if header is None:
        raise AreaFileError([f"{filename} is empty."])
    names = [_heading(cell) for cell in header]
    wanted = {"lsoa": "geography code", "total": ETHNIC_TOTAL, "white": WHITE,
              "white_british": WHITE_BRITISH, **ETHNIC_GROUPS}
    missing = [title for title in wanted.values() if title.lower() not in names]
    if missing:
        shown = ", ".join(cell.strip() for cell in header[:8]) + (", ..." if len(header) > 8 else "")
        raise AreaFileError([f"{filename}, line 1: no column {'; no column '.join(missing[:3])}"
                             f"{' (and more)' if len(missing) > 3 else ''}. Census 2021 TS021 by "
                             f"LSOA from Nomis has them; the columns here are: {shown}."])
    at = {role: names.index(title.lower()) for role, title in wanted.items()}
    problems, out = _Problems(filename), dict[str, dict[str, int]]()
    for code, row in _lsoa_rows(reader, at["lsoa"], problems, out):
        try:
            counts = {role: _count(row, at[role]) for role in wanted if role != "lsoa"}
        except ValueError as error:
            problems.add(reader.line_num, str(error))
            continue
        if counts["white_british"] > counts["white"]:
            problems.add(reader.line_num, f"{code} has more White British residents than White")
            continue
        groups = {"white_british": counts["white_british"],
                  "white_other": counts["white"] - counts["white_british"],
                  **{code_: counts[code_] for code_ in ETHNIC_GROUPS}}
        if sum(groups.values()) != counts["total"]:
            problems.add(reader.line_num, f"{code}'s groups add up to {sum(groups.values()):,}, "
                         f"not the total of {counts['total']:,}")
            continue
        out[code] = groups
    problems.raise_any()
    if not out:
        raise AreaFileError([f"{filename} lists no LSOA."])
    return out


def ethnicity_margins(ethnicity: dict[str, dict[str, int]], lookup: dict[str, str],
                      adults: dict[str, int], groups: Iterable[str] = ETHNICITIES
                      ) -> dict[str, dict[str, int]]:
    """{neighbourhood: {ethnicity code: residents 16+}}: each neighbourhood's ethnic mix of all
    ages (the Census counts of its LSOAs in ``lookup``) applied to its ``adults`` (the mid-year
    estimates' residents 16+), in whole people by largest remainders, so that the ethnicity
    margin sums to the same total as age and sex, as raking needs. Neighbourhoods without any
    LSOA in the Census file are left out (the caller names them)."""
    groups = tuple(groups)
    sums: dict[str, dict[str, int]] = {}
    for code, place in lookup.items():
        if code in ethnicity:
            cells = sums.setdefault(place, dict.fromkeys(groups, 0))
            for group, people in ethnicity[code].items():
                cells[group] += people
    out = {}
    for place, cells in sums.items():
        everyone, target = sum(cells.values()), adults.get(place, 0)
        if not everyone or place not in adults:
            continue
        exact = {group: cells[group] * target / everyone for group in groups}
        whole = {group: int(value) for group, value in exact.items()}
        short = target - sum(whole.values())
        for group in sorted(groups, key=lambda g: (whole[g] - exact[g], g))[:short]:
            whole[group] += 1
        out[place] = whole
    return out
