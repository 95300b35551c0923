"""`flask --app portal crime import | rates` (crimes are counted by the LSOA lookup of
`flask --app portal areas import-neighbourhoods`)."""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from analysis.errors import AnalysisError
from portal.core import audit
from portal.core.cli import InputRefused
from portal.core.extensions import db
from portal.crime.importing import CrimeDataError, import_street_files, read_street_file
from portal.crime.rates import rates_table
from portal.survey.queries import DatasetError
from surveys.exporting import neutralise_formula


@click.group("crime", cls=AppGroup, help="Recorded crime from police.uk street-level files.")
def crime_group() -> None:
    pass


def _read_with_progress(path: Path):
    data = path.read_bytes()
    lines = max(data.count(b"\n"), 1)
    with click.progressbar(length=lines, label=f"Reading {path.name}", file=sys.stderr) as bar:
        done = [0]

        def progress(rows: int) -> None:
            bar.update(rows - done[0])
            done[0] = rows

        parsed = read_street_file(data, path.name, progress)
        bar.update(lines - done[0])
    return parsed


@crime_group.command("import", help="Import police.uk street-level CSV files (a month of a force "
                                    "each); a month imported again replaces the earlier import.")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_files(paths: tuple[Path, ...]) -> None:
    try:
        files = [_read_with_progress(path) for path in paths]
        with db.transaction() as session:
            outcome = import_street_files(session, files)
            audit.record(session, "crime_import", "crime", ",".join(p.name for p in paths)[:200],
                         rows=outcome.rows, kept=outcome.kept, outside_lookup=outcome.outside_lookup)
    except CrimeDataError as error:
        raise InputRefused(str(error)) from None
    click.echo(outcome.describe())


@crime_group.command("rates", help="Recorded crimes per 1,000 residents by neighbourhood and crime "
                                   "type (default: the latest twelve months loaded).")
@click.option("--from", "start", metavar="YYYY-MM", help="First month of the period.")
@click.option("--to", "end", metavar="YYYY-MM", help="Last month of the period.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
def rates(start: str | None, end: str | None, fmt: str) -> None:
    with db.transaction() as session:
        try:
            table = rates_table(session, start, end)
        except (DatasetError, AnalysisError) as error:
            raise InputRefused(str(error)) from None
    records = [_printable(record) for record in table.to_dict("records")]
    if fmt == "json":
        click.echo(json.dumps(records, indent=1))
    else:
        # Click 8.5 deprecates get_text_stream and serves it through a module __getattr__ typed `object`.
        stdout = click.get_text_stream("stdout")  # type: ignore[operator]
        writer = csv.DictWriter(stdout, fieldnames=list(table.columns),
                                lineterminator="\n")
        writer.writeheader()
        # Crime types come from police.uk files: text a spreadsheet would run stays text.
        writer.writerows({k: neutralise_formula(v) if isinstance(v, str) else v for k, v in r.items()}
                         for r in records)


def _printable(record: dict) -> dict:
    """Counts and populations as whole numbers, rates to 2 decimals, missing as None (blank)."""
    out = {}
    for key, value in record.items():
        if isinstance(value, float) and math.isnan(value):
            value = None
        elif key.startswith("rate_"):
            value = round(float(value), 2)
        elif key in ("count", "population", "households"):
            value = round(value)
        out[key] = value
    return out
