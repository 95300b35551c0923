"""`flask --app portal case-reviews eligibility REPORTS.csv --on DATE --format json|csv`."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.casereviews.eligibility import assess_all, local_rule
from portal.casereviews.files import ReportFileError, read_reports
from surveys.exporting import neutralise_formula


class FileProblem(click.ClickException):
    """A file that cannot be read as reports: exit 2, the message naming the line."""

    exit_code = 2


@click.group("case-reviews", cls=AppGroup, help="The ASB Case Review (Community Trigger).")
def case_reviews_group() -> None:
    pass


def _on(ctx, param, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-07-15") from None


@case_reviews_group.command("eligibility", help=(
    "Whether each applicant in a CSV of reports (applicant,incident_ref,incident_date,reported_on,"
    "agency) meets the local threshold for an application made on --on."))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--on", "on", required=True, callback=_on, metavar="YYYY-MM-DD",
              help="The application date.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def eligibility(path: Path, on: date, fmt: str) -> None:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise FileProblem(f"{path.name}: the file is not UTF-8 text; save it as 'CSV UTF-8'.") from None
    try:
        reports = read_reports(text, path.name)
    except ReportFileError as error:
        raise FileProblem(str(error)) from None
    found = assess_all(reports, on, local_rule(current_app.config))
    rows: list[dict] = [{"applicant": a.applicant, "eligible": a.eligible,
                         "qualifying_incidents": len(a.qualifying),
                         "threshold": a.threshold, "counted": list(a.qualifying),
                         "not_counted": a.reasons} for a in found]
    if fmt == "json":
        click.echo(json.dumps({"on": on.isoformat(), "applicants": rows}, indent=1))
        return
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["applicant", "eligible", "qualifying_incidents", "threshold", "counted", "not_counted"])
    for row in rows:
        writer.writerow([neutralise_formula(row["applicant"]), "yes" if row["eligible"] else "no",
                         row["qualifying_incidents"], row["threshold"],
                         neutralise_formula("; ".join(row["counted"])),
                         neutralise_formula(" | ".join(row["not_counted"]))])
    click.echo(out.getvalue(), nl=False)
