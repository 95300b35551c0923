"""Exports of responses in the contract's wide format: CSV, Excel and SPSS.

Inputs are a pandas DataFrame or a list of dicts in the wide format (extra columns are ignored:
only the questionnaire's wide-format columns are ever written, so postcodes, panel identities and
contact details cannot leak into a file even if the caller passes them). Answers are checked
against the questionnaire first; a bad code raises ``ExportError`` naming the response and column
rather than producing a file that analysis would misread.

CSV and Excel keep the snake_case codes (readable, and what import and analysis take). SPSS gets
numeric codes 1..k in option order with value labels, and question wording as variable labels,
which is what SPSS users expect.

A :class:`WeightColumn` (the portal builds it from the dashboard's rim weights) adds a last
column ``weight`` to all three, a "weighting" sheet to the workbook, and its note rows are also
written on their own by :func:`weighting_note_csv` (the CSV's companion download).
"""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from surveys.answers import InvalidAnswer, as_list, clean_answer
from surveys.codebook import METADATA_TEXT, MODE_LABELS, codebook, column_text
from surveys.definition_checks import METADATA_COLUMNS
from surveys.loading import checksum, neighbourhood_options
from surveys.questionnaire import Questionnaire
from surveys.routing import is_answered
from surveys.wide_format import MODES, NEIGHBOURHOOD, answer_columns, answer_to_cell, wide_columns

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
SPSS_VARIABLE_LABEL_BYTES = 256
SPSS_VALUE_LABEL_BYTES = 120
SPSS_FILE_LABEL_BYTES = 64


class ExportError(ValueError):
    """Responses that do not fit the questionnaire, so no file is produced."""


@dataclass(frozen=True)
class WeightColumn:
    """A weight for each response of an export, with its label and its note.

    ``values``: response id -> weight; a response missing from it (or an empty mapping, when the
    wave could not be weighted) gets a blank. ``label`` describes the weight in one line (the SPSS
    variable label); ``note`` holds the rows of the weighting sheet/note (diagnostics, margins).
    """

    values: Mapping[str, float]
    label: str
    note: Sequence[Sequence[Any]] = ()
    name: str = "weight"


def _weight_number(weights: WeightColumn, row: Mapping[str, Any]) -> float:
    value = weights.values.get(row["response_id"])
    return math.nan if value is None else float(value)


def _weight_text(weights: WeightColumn, row: Mapping[str, Any]) -> str:
    """Shortest text that reads back as the same float (repr), blank when not weighted."""
    value = _weight_number(weights, row)
    return "" if math.isnan(value) else repr(value)


def neutralise_formula(value: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (OWASP CSV injection): cells
    starting ``= + - @`` or tab/CR. Plain numbers like ``-3`` are left alone."""
    if value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


# What the XML inside an .xlsx cannot hold: the C0 controls but tab, newline and carriage return
# (openpyxl raises IllegalCharacterError on them, so one pasted soft line break in one answer
# made the whole export fail). The same class as openpyxl's ILLEGAL_CHARACTERS_RE; Word's soft
# line break and page break become line breaks, as the forms' filter makes them.
_SHEET_BREAKS = re.compile("[\x0b\x0c]")
_NOT_IN_A_SHEET = re.compile("[\x00-\x08\x0e-\x1f]")


def sheet_text(value: str) -> str:
    """``value`` as a spreadsheet cell holds it safely: no characters XML refuses, and formula
    characters neutralised."""
    return neutralise_formula(_NOT_IN_A_SHEET.sub("", _SHEET_BREAKS.sub("\n", value)))


def truncate_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes without splitting a character; an ellipsis
    marks the cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    ellipsis = "\u2026"
    budget = limit - len(ellipsis.encode("utf-8"))
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return cut.rstrip() + ellipsis


def _records(responses: pd.DataFrame | Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    if isinstance(responses, pd.DataFrame):
        return responses.to_dict("records")  # type: ignore[return-value]  # keys: column names
    return list(responses)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def _metadata_text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def response_rows(questionnaire: Questionnaire,
                  responses: pd.DataFrame | Iterable[Mapping[str, Any]],
                  neighbourhoods: Any = None) -> list[dict[str, Any]]:
    """Checked wide-format rows with stored-form answers (codes, tuples, ints; None = blank).

    ``neighbourhoods`` (slug -> name, pairs or slugs), if given, must contain every row's
    neighbourhood. Raises ``ExportError`` on the first value that does not fit.
    """
    known = ({option.code for option in neighbourhood_options(neighbourhoods)}
             if neighbourhoods is not None else None)
    rows = []
    for position, record in enumerate(_records(responses), start=1):
        response_id = _metadata_text(record.get("response_id"))
        who = f"response {response_id}" if response_id else f"response #{position}"
        row: dict[str, Any] = {column: _metadata_text(record.get(column))
                               for column in METADATA_COLUMNS}
        row["language"] = row["language"] or "en"
        if row["mode"] and row["mode"] not in MODES:
            raise ExportError(f"{who}, column mode: {row['mode']!r} is not one of "
                              f"{', '.join(MODES)}")
        if known is not None and row[NEIGHBOURHOOD] and row[NEIGHBOURHOOD] not in known:
            raise ExportError(f"{who}, column neighbourhood: {row[NEIGHBOURHOOD]!r} is not one "
                              "of the neighbourhoods given")
        for column in answer_columns(questionnaire):
            question = questionnaire.question(column)
            try:
                row[column] = clean_answer(question, column, record.get(column), lenient=True)
            except InvalidAnswer as problem:
                raise ExportError(f"{who}, column {column}: {problem.import_message}") from None
        rows.append(row)
    return rows


def export_csv(questionnaire: Questionnaire,
               responses: pd.DataFrame | Iterable[Mapping[str, Any]], *,
               weights: WeightColumn | None = None) -> bytes:
    """The wide format as CSV bytes: UTF-8 with a byte-order mark (so Excel shows accents
    correctly; ``parse_import`` accepts it), CRLF line ends, codes as snake_case text,
    formula-like text neutralised. ``weights`` adds a last column (full precision, blank when
    the wave could not be weighted)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = wide_columns(questionnaire)
    writer.writerow(columns + ([weights.name] if weights is not None else []))
    for row in response_rows(questionnaire, responses):
        cells = [neutralise_formula(_cell_text(questionnaire, column, row[column]))
                 for column in columns]
        if weights is not None:
            cells.append(_weight_text(weights, row))
        writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def weighting_note_csv(weights: WeightColumn) -> bytes:
    """The weighting note (the workbook's "weighting" sheet) as CSV bytes, for the CSV export:
    UTF-8 with a byte-order mark and CRLF line ends like the export itself; short rows are padded
    with blanks so every row has the same number of cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    width = max((len(row) for row in weights.note), default=0)
    for row in weights.note:  # rectangular, so read.csv and pandas take it as it is
        writer.writerow([_note_cell_text(value) for value in row] + [""] * (width - len(row)))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _note_cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return neutralise_formula(str(value))


def _cell_text(questionnaire: Questionnaire, column: str, value: Any) -> str:
    if column in METADATA_COLUMNS:
        return value
    return answer_to_cell(questionnaire.question(column), value)


def export_xlsx(questionnaire: Questionnaire,
                responses: pd.DataFrame | Iterable[Mapping[str, Any]],
                neighbourhoods: Any = None, *, weights: WeightColumn | None = None) -> bytes:
    """An Excel workbook: sheet ``Responses`` (wide format, bold header, header row frozen;
    integers as numbers, everything else as neutralised text), with ``weights`` a last column
    ``weight`` and a sheet ``weighting`` (the note: diagnostics and margins), then sheet
    ``Codebook`` (question id, question text, code, label)."""
    from openpyxl import Workbook

    columns = wide_columns(questionnaire)
    rows = response_rows(questionnaire, responses, neighbourhoods)
    workbook = Workbook(write_only=True)  # streams rows: several times faster for big waves
    sheet = workbook.create_sheet("Responses")
    sheet.freeze_panes = "A2"
    sheet.append(_bold_cells(sheet, columns + ([weights.name] if weights is not None else [])))
    for row in rows:
        cells: list[int | float | str | None] = []
        for column in columns:
            value = row[column]
            if isinstance(value, int) and not isinstance(value, bool):
                cells.append(value)
            else:
                text = _cell_text(questionnaire, column, value)
                cells.append(sheet_text(text) if text else None)
        if weights is not None:
            weight = _weight_number(weights, row)
            cells.append(None if math.isnan(weight) else weight)
        sheet.append(cells)
    if weights is not None:
        _weighting_sheet(workbook, weights)

    book = workbook.create_sheet("Codebook")
    book.freeze_panes = "A2"
    for letter, width in (("A", 24), ("B", 60), ("C", 28), ("D", 32)):
        book.column_dimensions[letter].width = width
    book.append(_bold_cells(book, ["question_id", "question_text", "code", "label"]))
    options = neighbourhood_options(neighbourhoods) if neighbourhoods is not None else ()
    for entry in codebook(questionnaire, {o.code: o.label for o in options} or None):
        book.append([entry.column, sheet_text(entry.question_text),
                     entry.code or None, sheet_text(entry.label) or None])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _weighting_sheet(workbook, weights: WeightColumn) -> None:
    """Sheet ``weighting``: the note rows, numbers as numbers, text neutralised."""
    sheet = workbook.create_sheet("weighting")
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 24
    for row in weights.note:
        sheet.append([value if isinstance(value, (int, float)) or value is None
                      else sheet_text(str(value)) for value in row])


def _bold_cells(sheet, values: list[str]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


@dataclass
class _SpssVariables:
    """The columns of a ``.sav`` being built, with their labels, value labels and measures."""

    frame: dict[str, list[Any] | pd.Series] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict[float, str]] = field(default_factory=dict)
    measure: dict[str, str] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, values: list[Any] | pd.Series, label: str | None = None,
            measure: str | None = None, value_labels: Iterable[tuple[int, str]] = ()) -> None:
        self.frame[name] = values
        if label is not None:
            self.labels[name] = label
        if measure is not None:
            self.measure[name] = measure
        pairs = {float(v): truncate_utf8(text, SPSS_VALUE_LABEL_BYTES) for v, text in value_labels}
        if pairs:
            self.value_labels[name] = pairs


def export_sav(questionnaire: Questionnaire,
               responses: pd.DataFrame | Iterable[Mapping[str, Any]],
               neighbourhoods: Any = None, *, weights: WeightColumn | None = None) -> bytes:
    """An SPSS ``.sav`` file (bytes).

    Single-choice and grid columns are numeric 1..k in option order with value labels; multiple
    choice becomes one 1/0 variable per option, ``<question>__<code>`` (blank when the question was
    not answered); integers are numeric; text stays text. ``mode`` is numeric with labels,
    ``neighbourhood`` too when ``neighbourhoods`` (slug -> name) is given, else the slug.
    ``submitted_at`` is an SPSS date-time in UTC. Variable labels are the question wording, cut to
    SPSS's 256 bytes at a character boundary. ``weights`` adds a numeric ``weight`` variable
    (last) labelled with how to use it; pyreadstat cannot mark it as the file's weight variable,
    so its label and the file's document say ``WEIGHT BY weight``.
    """
    rows = response_rows(questionnaire, responses, neighbourhoods)
    spss = _SpssVariables()
    _add_metadata_variables(spss, questionnaire, rows, neighbourhoods)
    for column in answer_columns(questionnaire):
        _add_answer_variables(spss, questionnaire, column, [row[column] for row in rows])
    if weights is not None:
        spss.add(weights.name, [_weight_number(weights, row) for row in rows], weights.label,
                 "scale")
        spss.formats[weights.name] = "F16.8"
    return _write_sav(spss, questionnaire, weights)


def _add_metadata_variables(spss: _SpssVariables, questionnaire: Questionnaire,
                            rows: list[dict[str, Any]], neighbourhoods: Any) -> None:
    """response_id, wave, neighbourhood (numeric with labels when names are given), mode, language
    and submitted_at, labelled as the codebook describes them."""
    spss.labels.update(METADATA_TEXT)
    spss.add("response_id", [row["response_id"] for row in rows])
    spss.add("wave", [row["wave"] for row in rows])
    label = (column_text(questionnaire, NEIGHBOURHOOD)
             if NEIGHBOURHOOD in questionnaire.field_ids else None)
    if neighbourhoods is not None:
        options = neighbourhood_options(neighbourhoods)
        number = {o.code: float(position) for position, o in enumerate(options, start=1)}
        spss.add(NEIGHBOURHOOD, [number.get(row[NEIGHBOURHOOD], math.nan) for row in rows],
                 label, "nominal", ((p, o.label) for p, o in enumerate(options, start=1)))
    else:
        spss.add(NEIGHBOURHOOD, [row[NEIGHBOURHOOD] for row in rows], label)
    mode_number = {mode: float(position) for position, mode in enumerate(MODES, start=1)}
    spss.add("mode", [mode_number.get(row["mode"], math.nan) for row in rows], None, "nominal",
             ((p, MODE_LABELS[mode]) for p, mode in enumerate(MODES, start=1)))
    spss.add("language", [row["language"] for row in rows])
    spss.add("submitted_at", _utc_datetimes([row["submitted_at"] for row in rows]),
             "Date and time the response was submitted (UTC)")


def _add_answer_variables(spss: _SpssVariables, questionnaire: Questionnaire, column: str,
                          values: list[Any]) -> None:
    """One answer column: a 1/0 variable per option (multiple choice), 1..k with value labels
    (options), a number (integer) or text."""
    question = questionnaire.question(column)
    text = column_text(questionnaire, column)
    if question.type == "multiple_choice":
        for option in question.options:
            spss.add(f"{column}__{option.code}",
                     [math.nan if not is_answered(v) else float(option.code in as_list(v))
                      for v in values],
                     f"{option.label} ({text})", "nominal", [(0, "Not selected"), (1, "Selected")])
    elif question.options:
        number = {o.code: float(position) for position, o in enumerate(question.options, 1)}
        spss.add(column, [number[v] if is_answered(v) else math.nan for v in values], text,
                 "nominal", ((p, o.label) for p, o in enumerate(question.options, start=1)))
    elif question.type == "integer":
        spss.add(column, [float(v) if is_answered(v) else math.nan for v in values], text, "scale")
    else:
        spss.add(column, [v if is_answered(v) else "" for v in values], text, "nominal")


def _write_sav(spss: _SpssVariables, questionnaire: Questionnaire,
               weights: WeightColumn | None) -> bytes:
    """The variables written through pyreadstat, with the file label and document lines."""
    import pyreadstat

    column_labels: dict[str, str | None] = {name: truncate_utf8(label, SPSS_VARIABLE_LABEL_BYTES)
                     for name, label in spss.labels.items()}
    file_label = truncate_utf8(f"{questionnaire.title} v{questionnaire.version}",
                               SPSS_FILE_LABEL_BYTES)
    # SPSS document lines hold 80 bytes: one line each for the version and its checksum.
    note = [f"Questionnaire {questionnaire.id} v{questionnaire.version}", checksum(questionnaire)]
    if weights is not None:
        note.append(truncate_utf8(f"Rim weight: {weights.name}; before analysis run WEIGHT BY "
                                  f"{weights.name}." if weights.values else
                                  f"{weights.name} is empty: the wave could not be weighted.",
                                  80))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.sav"
        pyreadstat.write_sav(pd.DataFrame(spss.frame), path, file_label=file_label,
                             column_labels=column_labels,
                             variable_value_labels=spss.value_labels,
                             variable_measure=spss.measure, variable_format=spss.formats,
                             note=note)
        return path.read_bytes()


def _utc_datetimes(values: list[str]) -> pd.Series:
    """ISO 8601 text -> naive UTC datetimes (SPSS has no time zones); blanks -> NaT."""
    series = pd.Series([value or None for value in values], dtype="object")
    try:
        parsed = pd.to_datetime(series, format="ISO8601", utc=True)
    except (ValueError, TypeError) as error:
        raise ExportError(f"column submitted_at: not an ISO 8601 date-time ({error})") from None
    return parsed.dt.tz_localize(None)
