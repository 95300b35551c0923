"""Importing police.uk street-level crime files and the LSOA-to-neighbourhood lookup.

The files are read exactly as police.uk publishes them (one month of one force per file, columns
`STREET_COLUMNS`; anti-social behaviour rows have an empty `Crime ID`). A file is checked whole
before anything is written: a missing column, a month not written YYYY-MM, a row with the wrong
number of fields or a byte that is not UTF-8 stops the import, naming the file and the line, and
nothing is imported. Importing a month of a force again replaces it, so nothing is counted twice.
Rows are aggregated to counts per month, force, LSOA and crime type while reading (one pass, a
dictionary of counters), which is what lets a year of a force (~200,000 rows) import in seconds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from analysis.formatting import plural
from portal.core.csv_files import CheckedReader
from portal.core.refusals import Refusal
from portal.models import CrimeCount, CrimeImport, LsoaNeighbourhood

STREET_COLUMNS = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
                  "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category",
                  "Context")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
LSOA_CODE = re.compile(r"[EW]0[0-9]{7}")
MAX_PROBLEMS = 10
PROGRESS_EVERY = 10_000
OUTSIDE_EXAMPLES = 5


class CrimeDataError(Refusal):
    """A file cannot be imported; `problems` name the file and line of each fault found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = " (and more; the first ten are shown)" if len(problems) >= MAX_PROBLEMS else ""
        super().__init__("Nothing was imported. " + " ".join(problems) + more)


@dataclass
class StreetFile:
    """One police.uk file read and counted: {(month, force, lsoa, crime type): crimes}."""

    filename: str
    rows: int = 0
    counts: Counter = field(default_factory=Counter)
    no_location: Counter = field(default_factory=Counter)  # {(month, force): rows without an LSOA}

    @property
    def months(self) -> set[tuple[str, str]]:
        return {key[:2] for key in self.counts} | set(self.no_location)


@dataclass
class ImportOutcome:
    """What an import did, for the command line and the upload page."""

    rows: int
    kept: int
    outside_lookup: int
    no_location: int
    months: list[tuple[str, str]]  # (month, force), sorted
    replaced: list[tuple[str, str]]
    outside_examples: list[str]

    def describe(self) -> str:
        months = ", ".join(sorted({m for m, _ in self.months}))
        text = (f"Imported {plural(self.rows, 'row')} for {plural(len(self.months), 'month')} "
                f"({months}): {plural(self.kept, 'crime')} in the partnership's neighbourhoods.")
        if self.outside_lookup:
            text += (f" {plural(self.outside_lookup, 'row')} in LSOAs outside the lookup were "
                     f"counted but not kept (e.g. {', '.join(self.outside_examples)}).")
        if self.no_location:
            text += f" {plural(self.no_location, 'row')} had no location (no LSOA) and were not kept."
        if self.replaced:
            text += (" Replaced the earlier import of "
                     + ", ".join(f"{m} ({force})" for m, force in self.replaced) + ".")
        return text


def _text(data: bytes, filename: str) -> str:
    """The file decoded as UTF-8 (a byte-order mark allowed); the line of a bad byte if not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise CrimeDataError([f"{filename}, line {line}: byte 0x{data[error.start]:02x} is not "
                              "UTF-8; save the file as UTF-8 (police.uk files are)."]) from None


def _reader(data: bytes, filename: str) -> CheckedReader:
    """The file's rows; CrimeDataError naming the line the csv module cannot read."""
    return CheckedReader(_text(data, filename), filename, lambda problem: CrimeDataError([problem]))


def _header(reader, filename: str, expected: tuple[str, ...]) -> dict[str, int]:
    header = next(reader, None)
    if header is None:
        raise CrimeDataError([f"{filename} is empty: expected the columns {', '.join(expected)}."])
    header = [h.strip() for h in header]
    missing = [c for c in expected if c not in header]
    if missing:
        raise CrimeDataError([f"{filename}, line 1: missing column{'s' if len(missing) > 1 else ''} "
                              f"{', '.join(missing)}; expected {', '.join(expected)}."])
    return {c: header.index(c) for c in expected} | {"": len(header)}


def read_street_file(data: bytes, filename: str,
                     progress: Callable[[int], None] | None = None) -> StreetFile:
    """Read and count one police.uk street-level file; CrimeDataError naming lines if malformed.

    ``progress`` is called with the number of rows read so far every 10,000 rows.
    """
    reader = _reader(data, filename)
    at = _header(reader, filename, STREET_COLUMNS)
    width, i_month, i_force = at[""], at["Month"], at["Falls within"]
    i_lsoa, i_type = at["LSOA code"], at["Crime type"]
    out, problems, good_months = StreetFile(filename), [], set()
    counts, no_location = out.counts, out.no_location
    for row in reader:
        if not row:
            continue
        if len(row) != width or row[i_month] not in good_months:
            problem = _row_problem(row, width, i_month, i_force, i_type)
            if problem:
                problems.append(f"{filename}, line {reader.line_num}: {problem}.")
                if len(problems) >= MAX_PROBLEMS:
                    break
                continue
            good_months.add(row[i_month])
        month, force, lsoa, kind = row[i_month], row[i_force], row[i_lsoa], row[i_type]
        if not force or not kind:
            problems.append(f"{filename}, line {reader.line_num}: "
                            f"{'Falls within' if not force else 'Crime type'} is empty.")
            if len(problems) >= MAX_PROBLEMS:
                break
            continue
        if lsoa:
            counts[(month, force, lsoa, kind)] += 1
        else:
            no_location[(month, force)] += 1
        out.rows += 1
        if progress is not None and out.rows % PROGRESS_EVERY == 0:
            progress(out.rows)
    if problems:
        raise CrimeDataError(problems)
    if not out.rows and not out.no_location:
        raise CrimeDataError([f"{filename} holds only its header line: there are no crimes in it."])
    return out


def _row_problem(row: list[str], width: int, i_month: int, i_force: int, i_type: int) -> str | None:
    if len(row) != width:
        return f"{plural(len(row), 'field')} where the header has {width}"
    if not MONTH.fullmatch(row[i_month]):
        return f"month {row[i_month]!r} is not written YYYY-MM (e.g. 2010-04)"
    return None


def import_street_files(session: Session, files: list[StreetFile]) -> ImportOutcome:
    """Replace the months (of each force) the files hold with their counts, in the caller's
    transaction. Only LSOAs in the lookup are kept; the others are counted and reported."""
    lookup = set(session.scalars(select(LsoaNeighbourhood.lsoa_code)))
    if not lookup:
        raise CrimeDataError(["No LSOA lookup is loaded: import one first (flask --app portal crime "
                              "import-lookup LOOKUP.csv, columns lsoa_code,neighbourhood)."])
    _refuse_overlaps(files)
    months = sorted(set().union(*(f.months for f in files)))
    existing = {tuple(r) for r in session.execute(select(CrimeImport.month, CrimeImport.force))}
    for month, force in months:
        session.execute(delete(CrimeCount).where(CrimeCount.month == month, CrimeCount.force == force))
        session.execute(delete(CrimeImport).where(CrimeImport.month == month,
                                                  CrimeImport.force == force))
    kept_rows = []
    outside: Counter[tuple[str, str]] = Counter()
    examples = set()
    for file in files:
        for (month, force, lsoa, kind), n in file.counts.items():
            if lsoa in lookup:
                kept_rows.append({"month": month, "force": force, "lsoa_code": lsoa,
                                  "crime_type": kind, "count": n})
            else:
                outside[(month, force)] += n
                examples.add(lsoa)
    if kept_rows:
        session.execute(insert(CrimeCount), kept_rows)
    session.execute(insert(CrimeImport), [_import_record(files, month, force, outside)
                                          for month, force in months])
    return ImportOutcome(
        rows=sum(f.rows for f in files), kept=sum(r["count"] for r in kept_rows),
        outside_lookup=sum(outside.values()),
        no_location=sum(sum(f.no_location.values()) for f in files), months=months,
        replaced=[m for m in months if m in existing],
        outside_examples=sorted(examples)[:OUTSIDE_EXAMPLES])


def _refuse_overlaps(files: list[StreetFile]) -> None:
    seen: dict[tuple[str, str], str] = {}
    problems = []
    for file in files:
        for key in sorted(file.months):
            if key in seen:
                problems.append(f"{seen[key]} and {file.filename} both hold {key[0]} of {key[1]}; "
                                "import one of them.")
            seen[key] = file.filename
    if problems:
        raise CrimeDataError(problems[:MAX_PROBLEMS])


def _import_record(files: list[StreetFile], month: str, force: str, outside: Counter) -> dict:
    file = next(f for f in files if (month, force) in f.months)
    total = sum(n for (m, fo, _, _), n in file.counts.items() if (m, fo) == (month, force))
    no_location = file.no_location.get((month, force), 0)
    return {"month": month, "force": force, "filename": file.filename[:255],
            "rows": total + no_location, "kept": total - outside.get((month, force), 0),
            "outside_lookup": outside.get((month, force), 0), "no_location": no_location}
