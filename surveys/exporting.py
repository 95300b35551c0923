"""Exports of responses in the contract's wide format: CSV, Excel and SPSS.

Inputs are a pandas DataFrame or a list of dicts in the wide format (extra columns are ignored:
only the questionnaire's wide-format columns are ever written, so postcodes, panel identities and
contact details cannot leak into a file even if the caller passes them). Answers are checked
against the questionnaire first; a bad code raises ``ExportError`` naming the response and column
rather than producing a file that analysis would misread.

CSV and Excel keep the snake_case codes (readable, and what import and analysis take). SPSS gets
numeric codes 1..k in option order with value labels, and question wording as variable labels,
which is what SPSS users expect.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from surveys.answers import InvalidAnswer, as_list, clean_answer
from surveys.codebook import METADATA_TEXT, MODE_LABELS, codebook, column_text
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


def neutralise_formula(value: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (OWASP CSV injection): cells
    starting ``= + - @`` or tab/CR. Plain numbers like ``-3`` are left alone."""
    if value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


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
                               for column in ("response_id", "wave", NEIGHBOURHOOD, "mode",
                                              "submitted_at")}
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
               responses: pd.DataFrame | Iterable[Mapping[str, Any]]) -> bytes:
    """The wide format as CSV bytes: UTF-8 with a byte-order mark (so Excel shows accents
    correctly; ``parse_import`` accepts it), CRLF line ends, codes as snake_case text,
    formula-like text neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = wide_columns(questionnaire)
    writer.writerow(columns)
    for row in response_rows(questionnaire, responses):
        writer.writerow([neutralise_formula(_cell_text(questionnaire, column, row[column]))
                         for column in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell_text(questionnaire: Questionnaire, column: str, value: Any) -> str:
    if column in ("response_id", "wave", NEIGHBOURHOOD, "mode", "submitted_at"):
        return value
    return answer_to_cell(questionnaire.question(column), value)


def export_xlsx(questionnaire: Questionnaire,
                responses: pd.DataFrame | Iterable[Mapping[str, Any]],
                neighbourhoods: Any = None) -> bytes:
    """An Excel workbook: sheet ``Responses`` (wide format, bold header, header row frozen;
    integers as numbers, everything else as neutralised text) and sheet ``Codebook`` (question id,
    question text, code, label)."""
    from openpyxl import Workbook

    columns = wide_columns(questionnaire)
    rows = response_rows(questionnaire, responses, neighbourhoods)
    workbook = Workbook(write_only=True)  # streams rows: several times faster for big waves
    sheet = workbook.create_sheet("Responses")
    sheet.freeze_panes = "A2"
    sheet.append(_bold_cells(sheet, columns))
    for row in rows:
        cells: list[int | str | None] = []
        for column in columns:
            value = row[column]
            if isinstance(value, int) and not isinstance(value, bool):
                cells.append(value)
            else:
                text = _cell_text(questionnaire, column, value)
                cells.append(neutralise_formula(text) if text else None)
        sheet.append(cells)

    book = workbook.create_sheet("Codebook")
    book.freeze_panes = "A2"
    for letter, width in (("A", 24), ("B", 60), ("C", 28), ("D", 32)):
        book.column_dimensions[letter].width = width
    book.append(_bold_cells(book, ["question_id", "question_text", "code", "label"]))
    options = neighbourhood_options(neighbourhoods) if neighbourhoods is not None else ()
    for entry in codebook(questionnaire, {o.code: o.label for o in options} or None):
        book.append([entry.column, neutralise_formula(entry.question_text),
                     entry.code or None, neutralise_formula(entry.label) or None])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bold_cells(sheet, values: list[str]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def export_sav(questionnaire: Questionnaire,
               responses: pd.DataFrame | Iterable[Mapping[str, Any]],
               neighbourhoods: Any = None) -> bytes:
    """An SPSS ``.sav`` file (bytes).

    Single-choice and grid columns are numeric 1..k in option order with value labels; multiple
    choice becomes one 1/0 variable per option, ``<question>__<code>`` (blank when the question was
    not answered); integers are numeric; text stays text. ``mode`` is numeric with labels,
    ``neighbourhood`` too when ``neighbourhoods`` (slug -> name) is given, else the slug.
    ``submitted_at`` is an SPSS date-time in UTC. Variable labels are the question wording, cut to
    SPSS's 256 bytes at a character boundary.
    """
    import pyreadstat

    rows = response_rows(questionnaire, responses, neighbourhoods)
    frame: dict[str, list[Any] | pd.Series] = {}
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[float, str]] = {}
    measure: dict[str, str] = {}

    def value_label_map(pairs: Iterable[tuple[int, str]]) -> dict[float, str]:
        return {float(v): truncate_utf8(label, SPSS_VALUE_LABEL_BYTES) for v, label in pairs}

    frame["response_id"] = [row["response_id"] for row in rows]
    frame["wave"] = [row["wave"] for row in rows]
    if neighbourhoods is not None:
        options = neighbourhood_options(neighbourhoods)
        number = {o.code: float(position) for position, o in enumerate(options, start=1)}
        frame[NEIGHBOURHOOD] = [number.get(row[NEIGHBOURHOOD], math.nan) for row in rows]
        value_labels[NEIGHBOURHOOD] = value_label_map(
            (position, o.label) for position, o in enumerate(options, start=1))
        measure[NEIGHBOURHOOD] = "nominal"
    else:
        frame[NEIGHBOURHOOD] = [row[NEIGHBOURHOOD] for row in rows]
    mode_number = {mode: float(position) for position, mode in enumerate(MODES, start=1)}
    frame["mode"] = [mode_number.get(row["mode"], math.nan) for row in rows]
    value_labels["mode"] = value_label_map(
        (position, MODE_LABELS[mode]) for position, mode in enumerate(MODES, start=1))
    measure["mode"] = "nominal"
    frame["submitted_at"] = _utc_datetimes([row["submitted_at"] for row in rows])
    labels.update(METADATA_TEXT)
    if NEIGHBOURHOOD in questionnaire.field_ids:
        labels[NEIGHBOURHOOD] = column_text(questionnaire, NEIGHBOURHOOD)
    labels["submitted_at"] = "Date and time the response was submitted (UTC)"

    for column in answer_columns(questionnaire):
        question = questionnaire.question(column)
        text = column_text(questionnaire, column)
        values = [row[column] for row in rows]
        if question.type == "multiple_choice":
            for option in question.options:
                name = f"{column}__{option.code}"
                frame[name] = [math.nan if not is_answered(v) else
                               float(option.code in as_list(v)) for v in values]
                labels[name] = f"{option.label} ({text})"
                value_labels[name] = value_label_map([(0, "Not selected"), (1, "Selected")])
                measure[name] = "nominal"
            continue
        labels[column] = text
        if question.options:
            number = {o.code: float(position) for position, o in enumerate(question.options, 1)}
            frame[column] = [number[v] if is_answered(v) else math.nan for v in values]
            value_labels[column] = value_label_map(
                (position, o.label) for position, o in enumerate(question.options, start=1))
            measure[column] = "nominal"
        elif question.type == "integer":
            frame[column] = [float(v) if is_answered(v) else math.nan for v in values]
            measure[column] = "scale"
        else:
            frame[column] = [v if is_answered(v) else "" for v in values]
            measure[column] = "nominal"

    data = pd.DataFrame(frame)
    column_labels: dict[str, str | None] = {name: truncate_utf8(label, SPSS_VARIABLE_LABEL_BYTES)
                     for name, label in labels.items()}
    file_label = truncate_utf8(f"{questionnaire.title} v{questionnaire.version}",
                               SPSS_FILE_LABEL_BYTES)
    # SPSS document lines hold 80 bytes: one line each for the version and its checksum.
    note = [f"Questionnaire {questionnaire.id} v{questionnaire.version}", checksum(questionnaire)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.sav"
        pyreadstat.write_sav(data, path, file_label=file_label, column_labels=column_labels,
                             variable_value_labels=value_labels, variable_measure=measure,
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
