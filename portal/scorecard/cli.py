"""`flask --app portal scorecard import FILE.csv` (columns indicator,year,actual)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from analysis.formatting import plural
from portal.core import audit
from portal.core.extensions import db
from portal.scorecard.actuals import ScorecardError, load_card, read_actuals_csv, record_actuals


@click.group("scorecard", cls=AppGroup, help="The Local Area Agreement scorecard.")
def scorecard_group() -> None:
    pass


@scorecard_group.command("import", help="Record actuals from a CSV file (indicator,year,actual); "
                                        "a year already entered is replaced.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_actuals(path: Path) -> None:
    card = load_card(current_app.config.get("SCORECARD_TARGETS"))
    try:
        values = read_actuals_csv(path.read_bytes(), path.name, card)
    except ScorecardError as error:
        raise click.ClickException(str(error)) from None
    with db.transaction() as session:
        count = record_actuals(session, values, None)
        audit.record(session, "scorecard_import", "scorecard", path.name, rows=count)
    click.echo(f"Recorded {plural(count, 'actual')} from {path.name}.")
