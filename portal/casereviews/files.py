"""Reading other agencies' reports from a CSV file (`applicant,incident_ref,incident_date,
reported_on,agency`, dates as 2026-03-14): for `flask --app portal case-reviews eligibility` and
the staff import on a case. A malformed file is refused whole, naming the line."""

from __future__ import annotations

from datetime import date

from portal.casereviews.eligibility import Report
from portal.core.csv_files import CheckedReader
from portal.core.refusals import Refusal

COLUMNS = ("applicant", "incident_ref", "incident_date", "reported_on", "agency")
FIELD_MAX = 200


class ReportFileError(Refusal):
    """The file cannot be read as reports; the message names the file and the line."""


def _date(text: str, where: str, column: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReportFileError(f"{where}: {column} {text.strip()[:40]!r} is not a date like "
                              "2026-03-14") from None


def read_reports(text: str, filename: str) -> list[Report]:
    """Every report in the file; ReportFileError for the first line that is not one."""
    reader = CheckedReader(text.lstrip("\ufeff"), filename, ReportFileError)
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header) != COLUMNS:
        raise ReportFileError(f"{filename}, line 1: the header must be {','.join(COLUMNS)}")
    reports = []
    for row in reader:
        where = f"{filename}, line {reader.line_num}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(COLUMNS):
            raise ReportFileError(f"{where}: expected {len(COLUMNS)} fields ({','.join(COLUMNS)}), "
                                  f"found {len(row)}")
        applicant, ref, happened, reported, agency = (cell.strip() for cell in row)
        for column, value in (("applicant", applicant), ("incident_ref", ref), ("agency", agency)):
            if not value:
                raise ReportFileError(f"{where}: {column} is empty")
            if len(value) > FIELD_MAX:
                raise ReportFileError(f"{where}: {column} is longer than {FIELD_MAX} characters")
        reports.append(Report(applicant, ref, _date(happened, where, "incident_date"),
                              _date(reported, where, "reported_on"), agency, reader.line_num))
    return reports
