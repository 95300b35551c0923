"""`flask --app portal scorecard targets FILE.yaml` (the partnership's targets) and
`flask --app portal scorecard import FILE.csv` (actuals: columns indicator,year,actual). A file
that cannot be used exits 2 with the reason (`InputRefused`), as the other commands' files do."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from analysis.errors import InputError
from analysis.formatting import plural
from portal.core import audit
from portal.core.cli import InputRefused
from portal.core.extensions import db
from portal.scorecard.actuals import ScorecardError, read_actuals_csv, record_actuals
from portal.scorecard.targets import clear_targets, current_targets, save_targets, targets_text


@click.group("scorecard", cls=AppGroup, help="The Local Area Agreement scorecard.")
def scorecard_group() -> None:
    pass


@scorecard_group.command("import", help="Record actuals from a CSV file (indicator,year,actual); "
                                        "a year already entered is replaced.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_actuals(path: Path) -> None:
    card = current_targets(db.session)
    try:
        values = read_actuals_csv(path.read_bytes(), path.name, card)
    except ScorecardError as error:
        raise InputRefused(str(error)) from None
    with db.transaction() as session:
        count = record_actuals(session, values, None)
        audit.record(session, "scorecard_import", "scorecard", path.name, rows=count)
    click.echo(f"Recorded {plural(count, 'actual')} from {path.name}.")


@scorecard_group.command("targets", help="Set the partnership's targets from a YAML file (the "
                                         "layout the admin page shows), or print or remove them.")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--show", is_flag=True, help="print the targets in force")
@click.option("--clear", is_flag=True, help="remove the targets")
def set_targets(path: Path | None, show: bool, clear: bool) -> None:
    if sum([path is not None, show, clear]) != 1:
        raise click.UsageError("give a targets file, --show or --clear")
    if show:
        stored = targets_text(db.session)
        click.echo(stored.content if stored else "No targets are set.")
        return
    if clear:
        with db.transaction() as session:
            clear_targets(session)
        click.echo("Removed the targets.")
        return
    assert path is not None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputRefused(f"{path.name} is not UTF-8 text") from None
    try:
        with db.transaction() as session:
            card = save_targets(session, text, None)
    except InputError as error:
        raise InputRefused(str(error)) from None
    click.echo(f"Set the targets from {path.name}: {plural(len(card.indicators), 'indicator')} "
               f"over {plural(len(card.years), 'year')}.")
