"""Paper and phone responses keyed into a spreadsheet and uploaded as CSV: all or nothing.

A partly imported file is worse than none (staff cannot tell which rows went in), so
``parse_import`` returns either every row, clean, or every problem it found with its spreadsheet
row number (header = row 1), column and a sentence saying what to fix. The rules are those of the
web form (``answers.validate_response``), so keyed-in and online responses are held to the same
standard, routing included.

Columns (``csv_template`` writes the header; ``import_columns`` describes each one):
``response_id`` (required: the serial number on the paper form, unique in the file), ``wave``
(optional; if given must match the wave being imported into), ``neighbourhood`` (required: slug or
name), ``mode`` (optional: paper or phone; blank means the mode chosen for the upload),
``submitted_at`` (optional: ISO 8601 date or date-time), then one column per answer field as in the
wide format (``surveys/wide_format.py``). Postcodes, names and contact details are not imported.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from surveys.answers import clean_answer, validate_response
from surveys.codebook import column_text
from surveys.loading import bind_options, neighbourhood_options
from surveys.questionnaire import Questionnaire
from surveys.wide_format import NEIGHBOURHOOD, answer_columns, answer_to_cell, wide_columns

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
MAX_REPORTED_PROBLEMS = 100
IMPORT_MODES = ("paper", "phone")
REQUIRED_METADATA = ("response_id", "neighbourhood")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
OPTIONAL_METADATA = ("wave", "mode", "language", "submitted_at")
RESPONSE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$")
WAVE_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Columns people add to spreadsheets that must never be imported, with the reason to give.
PERSONAL_COLUMNS = ("postcode", "name", "first_name", "last_name", "surname", "email", "phone",
                    "telephone", "address", "panel_id", "panel_member")


@dataclass(frozen=True)
class ImportProblem:
    """``row`` as a spreadsheet shows it (header = 1; None for the whole file); ``column`` is
    the header name, or None."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (f"row {self.row}" if self.row else "",
                                            f"column {self.column}" if self.column else "") if part)
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class ImportResult:
    """Either ``rows`` (wide-format dicts of text, every column present, in file order) and no
    problems, or no rows and the ``problems``."""

    rows: tuple[dict[str, str], ...]
    problems: tuple[ImportProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ImportColumn:
    """One column of the import file, for the guidance shown next to the upload form."""

    name: str
    required: bool
    description: str
    allowed: tuple[str, ...]  # codes; empty when free (ids, dates, numbers, text)


def csv_template(questionnaire: Questionnaire,
                 neighbourhoods: Iterable[Any] | Mapping[str, str] | None = None) -> str:
    """The header row of an import file, nothing else, so it opens cleanly in a spreadsheet.

    ``neighbourhoods`` is only checked (slugs must be valid), keeping the signature parallel with
    ``parse_import``; the allowed values are listed by ``import_columns``.
    """
    if neighbourhoods is not None:
        neighbourhood_options(neighbourhoods)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(wide_columns(questionnaire))
    return buffer.getvalue()


def import_columns(questionnaire: Questionnaire,
                   neighbourhoods: Iterable[Any] | Mapping[str, str]) -> list[ImportColumn]:
    """What goes in each column of the template, in order."""
    slugs = tuple(option.code for option in neighbourhood_options(neighbourhoods))
    columns = [
        ImportColumn("response_id", True, "Serial number of the paper form or phone interview; "
                     "unique in the file", ()),
        ImportColumn("wave", False, "Survey wave, like 2009-10; blank for the wave you import "
                     "into", ()),
        ImportColumn("neighbourhood", True, "Neighbourhood the resident lives in", slugs),
        ImportColumn("mode", False, "paper or phone; blank for the mode chosen when uploading",
                     IMPORT_MODES),
        ImportColumn("language", False, "Language the form or interview was in, as a code like en "
                     "or cy; blank (or no column) for en", ()),
        ImportColumn("submitted_at", False, "Date of the interview or when the form was "
                     "returned, as YYYY-MM-DD (a time may follow, like 2009-03-14T10:30)", ()),
    ]
    for column in answer_columns(questionnaire):
        question = questionnaire.question(column)
        description = column_text(questionnaire, column)
        if question.type == "multiple_choice":
            description += " (several codes separated by ;)"
        elif question.type == "integer":
            description += f" (whole number{_range(question.min, question.max)})"
        elif question.show_if:
            description += f" (only when {question.show_if.describe()})"
        columns.append(ImportColumn(column, False, description, question.codes))
    return columns


def _size(size: int) -> str:
    megabyte = 1024 * 1024
    return f"{size / megabyte:.1f} MB" if size >= megabyte else f"{-(-size // 1024)} KB"


def _range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f" from {low} to {high}"
    return f" from {low}" if low is not None else (f" up to {high}" if high is not None else "")


def _decode(data: str | bytes) -> tuple[str | None, ImportProblem | None]:
    size = len(data.encode("utf-8", errors="replace")) if isinstance(data, str) else len(data)
    if size > MAX_IMPORT_BYTES:
        return None, ImportProblem(None, None, f"The file is {_size(size)}; the limit is "
                                   f"{_size(MAX_IMPORT_BYTES)}. Split it into smaller files")
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), None
    if data.startswith(b"PK\x03\x04"):
        return None, ImportProblem(None, None, "This is an Excel workbook, not a CSV file. In "
                                   "Excel choose Save As, then 'CSV UTF-8 (Comma delimited)'")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, ImportProblem(None, None, "The file is saved as UTF-16 ('Unicode text'). "
                                   "Save it as 'CSV UTF-8 (Comma delimited)' instead")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        row = data[:error.start].count(b"\n") + 1
        return None, ImportProblem(row, None, f"The file is not UTF-8 text (byte "
                                   f"0x{data[error.start]:02x} in this row). Save it as "
                                   "'CSV UTF-8 (Comma delimited)' and upload it again")


def _unknown_column_message(name: str, known: list[str]) -> str:
    if name in PERSONAL_COLUMNS or name.endswith(("_email", "_phone", "_name")):
        return (f"Column '{name}' must not be uploaded: postcodes, names and contact details "
                "are never imported. Delete the column")
    guess = difflib.get_close_matches(name, known, n=1)
    hint = f" Did you mean '{guess[0]}'?" if guess else " Use the column names in the template"
    return f"Unknown column '{name}'.{hint}"


def _strip_formula_guard(cell: str) -> str:
    # Our CSV export prefixes "'" to text starting = + - @ (formula injection); undo it so an
    # exported file imports as it was.
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r":
        return cell[1:]
    return cell


def _submitted_at(text: str) -> str:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"'{text}' is not a date: write it as YYYY-MM-DD, like 2009-03-14, "
                         "optionally followed by a time, like 2009-03-14T10:30") from None


def parse_import(questionnaire: Questionnaire, data: str | bytes,
                 neighbourhoods: Iterable[Any] | Mapping[str, str], mode: str, *,
                 wave: str | None = None,
                 fieldwork: tuple[date, date] | None = None) -> ImportResult:
    """Check an uploaded CSV (text or bytes) and return every row or every problem.

    ``neighbourhoods``: the authority's neighbourhoods (slug -> name, pairs, or slugs); cells may
    hold the slug or the name. ``mode``: ``paper`` or ``phone``, used where the mode cell is blank
    (a wrong argument is a programming error: ``ValueError``). ``wave``: the wave being imported
    into; wave cells must be blank or equal to it, and blanks are filled with it. ``fieldwork``:
    the wave's first and last days; a ``submitted_at`` outside them is a problem.
    Bytes must be UTF-8, with or without a byte-order mark.
    """
    if mode not in IMPORT_MODES:
        raise ValueError(f"mode must be one of {', '.join(IMPORT_MODES)}, not {mode!r}")
    bound = bind_options(questionnaire, neighbourhoods=neighbourhoods)
    names = {option.label.strip().lower(): option.code
             for option in bound.question(NEIGHBOURHOOD).options}
    records, problem = _read_records(data)
    if problem:
        return ImportResult((), (problem,))
    header, problems = _check_header(records[0], wide_columns(bound))
    if problems:
        return ImportResult((), tuple(problems))
    body, problem = _body(records)
    if problem:
        return ImportResult((), (problem,))
    rows, problems = _check_rows(bound, header, body, _RowContext(names, mode, wave, fieldwork, {}))
    if problems:
        return ImportResult((), tuple(_capped(problems)))
    return ImportResult(tuple(rows), ())


def _read_records(data: str | bytes) -> tuple[list[list[str]], ImportProblem | None]:
    """The CSV records of a non-empty UTF-8 file, or the one problem that stops reading it."""
    text, problem = _decode(data)
    if problem or text is None:
        return [], problem
    if not text.strip():
        return [], ImportProblem(None, None, "The file is empty")
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True)), None
    except csv.Error as error:
        return [], ImportProblem(None, None, f"The file is not valid CSV: {error}. "
                                 "Check for a quotation mark that is not closed")


def _check_header(record: list[str], columns: list[str]) -> tuple[list[str], list[ImportProblem]]:
    """Header names (lower case, trailing blanks dropped) and every problem with them."""
    header = [cell.strip().lower() for cell in record]
    while header and not header[-1]:
        header.pop()  # spreadsheets often save empty columns after the last one used
    problems: list[ImportProblem] = []
    for position, name in enumerate(header):
        if not name:
            problems.append(ImportProblem(1, f"column {position + 1}", "Column has no name"))
        elif name in header[:position]:
            problems.append(ImportProblem(1, name, f"Column '{name}' appears more than once"))
        elif name not in columns:
            problems.append(ImportProblem(1, name, _unknown_column_message(name, columns)))
    for name in columns:
        if name not in header and name not in OPTIONAL_METADATA:
            problems.append(ImportProblem(1, name, f"Column '{name}' is missing; start from the "
                                          "template for this questionnaire"))
    return header, problems


def _body(records: list[list[str]]) -> tuple[list[tuple[int, list[str]]], ImportProblem | None]:
    """Non-blank rows after the header with their spreadsheet numbers; refuses none or too many."""
    body = [(number, record) for number, record in enumerate(records[1:], start=2)
            if any(cell.strip() for cell in record)]
    if not body:
        return body, ImportProblem(None, None, "The file has a header row but no responses")
    if len(body) > MAX_IMPORT_ROWS:
        return body, ImportProblem(None, None, f"The file has {len(body):,} responses; the limit "
                                   f"is {MAX_IMPORT_ROWS:,} per upload. Split it into smaller files")
    return body, None


@dataclass
class _RowContext:
    """What every row is checked against: neighbourhood names, the upload's mode and wave, and
    the first row of each response ID seen so far (filled in as rows are checked)."""

    neighbourhood_names: dict[str, str]
    batch_mode: str
    wave: str | None
    fieldwork: tuple[date, date] | None
    first_row_of: dict[str, int]


def _check_rows(bound: Questionnaire, header: list[str], body: list[tuple[int, list[str]]],
                context: _RowContext) -> tuple[list[dict[str, str]], list[ImportProblem]]:
    """Every row checked and made canonical; stops once more than the reported maximum."""
    rows: list[dict[str, str]] = []
    problems: list[ImportProblem] = []
    for number, record in body:
        if len(record) > len(header) and not any(cell.strip() for cell in record[len(header):]):
            record = record[:len(header)]
        if len(record) != len(header):
            problems.append(ImportProblem(number, None, f"Row has {len(record)} cells but the "
                                          f"header has {len(header)}"))
            continue
        cells = {name: _strip_formula_guard(cell.strip())
                 for name, cell in zip(header, record, strict=True)}
        row, row_problems = _check_row(bound, number, cells, context)
        problems += row_problems
        rows.append(row)
        if len(problems) > MAX_REPORTED_PROBLEMS:
            break
    return rows, problems


def _capped(problems: list[ImportProblem]) -> list[ImportProblem]:
    """At most the reported maximum, with a last line saying checking stopped."""
    if len(problems) <= MAX_REPORTED_PROBLEMS:
        return problems
    return [*problems[:MAX_REPORTED_PROBLEMS], ImportProblem(
        None, None, f"Checking stopped after {MAX_REPORTED_PROBLEMS} problems; fix these "
        "and upload again")]


_Report = Callable[[str | None, str], None]


def _check_response_id(response_id: str, number: int, first_row_of: dict[str, int],
                       problem: _Report) -> None:
    """Required, well formed and unique in the file (remembers the first row of each)."""
    if not response_id:
        problem("response_id", "Enter the response ID (the serial number on the form)")
    elif not RESPONSE_ID.match(response_id):
        problem("response_id", f"'{response_id}' is not a response ID: use up to 64 letters, "
                "digits, and - _ . /, starting with a letter or digit")
    elif response_id in first_row_of:
        problem("response_id", f"Response ID '{response_id}' is also used in row "
                f"{first_row_of[response_id]}")
    else:
        first_row_of[response_id] = number


def _row_wave(row_wave: str, wave: str | None, problem: _Report) -> str:
    """The row's wave: blank or the upload's wave (blank takes the upload's)."""
    if row_wave and wave is not None and row_wave != wave:
        problem("wave", f"Wave is '{row_wave}' but this upload is for wave '{wave}'")
    elif row_wave and not WAVE_SLUG.match(row_wave):
        problem("wave", f"'{row_wave}' is not a wave, like 2009-10")
    return row_wave or (wave or "")


def _row_language(cell: str, problem: _Report) -> str:
    """A language code (en, cy, pl, pt_BR); blank is English."""
    code = cell.strip() or "en"
    if not LANGUAGE_CODE.fullmatch(code):
        problem("language", f"Language must be a language code like en or cy, not '{cell.strip()}'")
    return code


def _row_mode(cell: str, batch_mode: str, problem: _Report) -> str:
    """paper or phone; blank takes the upload's mode."""
    row_mode = cell.lower() or batch_mode
    if row_mode not in IMPORT_MODES:
        extra = " (online responses come from the web form)" if row_mode == "online" else ""
        problem("mode", f"Mode must be paper or phone, not '{row_mode}'{extra}")
    return row_mode


def _row_submitted_at(cell: str, context: _RowContext, problem: _Report) -> str:
    """The ISO form of a given date or date-time, within the wave's fieldwork; blank stays blank."""
    if not cell:
        return cell
    try:
        submitted = _submitted_at(cell)
    except ValueError as error:
        problem("submitted_at", str(error))
        return cell
    if context.fieldwork:
        first, last = context.fieldwork
        if not first <= date.fromisoformat(submitted[:10]) <= last:
            problem("submitted_at", f"'{cell}' is outside the wave's fieldwork "
                    f"({first.isoformat()} to {last.isoformat()}): check the date on the form")
    return submitted


def _check_answers(questionnaire: Questionnaire, raw: dict[str, str], problem: _Report) -> None:
    """The web form's rules (lenient: codes or labels, any case), one sentence per problem."""
    for detail in validate_response(questionnaire, raw, lenient=True):
        if detail.kind == "missing_required":
            problem(detail.field, f"{detail.field} is required: this cell must not be blank")
        else:
            problem(detail.field, detail.message[0].upper() + detail.message[1:])


def _canonical_answers(questionnaire: Questionnaire, raw: dict[str, str]) -> dict[str, str]:
    """Canonical cells: codes in lower case, multiple choice in option order."""
    return {field: answer_to_cell(question, clean_answer(question, field, raw[field], lenient=True))
            for question in questionnaire.questions for field in question.fields
            if field in raw and field != NEIGHBOURHOOD}


def _check_row(questionnaire: Questionnaire, number: int, cells: dict[str, str],
               context: _RowContext) -> tuple[dict[str, str], list[ImportProblem]]:
    """One row made canonical, or its problems in the order of the columns."""
    problems: list[ImportProblem] = []

    def problem(column: str | None, message: str) -> None:
        problems.append(ImportProblem(number, column, message))

    response_id = cells["response_id"]
    _check_response_id(response_id, number, context.first_row_of, problem)
    row_wave = _row_wave(cells.get("wave", ""), context.wave, problem)
    row_mode = _row_mode(cells.get("mode", ""), context.batch_mode, problem)
    row_language = _row_language(cells.get("language", ""), problem)
    submitted_at = _row_submitted_at(cells.get("submitted_at", ""), context, problem)
    neighbourhood = context.neighbourhood_names.get(cells[NEIGHBOURHOOD].lower(),
                                                    cells[NEIGHBOURHOOD])
    raw = {column: cells.get(column, "") for column in answer_columns(questionnaire)}
    raw[NEIGHBOURHOOD] = neighbourhood
    _check_answers(questionnaire, raw, problem)
    row = {"response_id": response_id, "wave": row_wave, NEIGHBOURHOOD: neighbourhood,
           "mode": row_mode, "language": row_language, "submitted_at": submitted_at}
    if not problems:
        row.update(_canonical_answers(questionnaire, raw))
    # Report in the order the columns appear, as a person reads along the spreadsheet row.
    order: dict[str | None, int] = {column: position for position, column in enumerate(cells)}
    problems.sort(key=lambda item: order.get(item.column, -1))
    return row, problems
