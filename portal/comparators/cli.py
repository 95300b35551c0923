"""`flask --app portal comparators import FILE.csv` (replace the table), `show` (print the one in
force, to edit and import again) and `reset` (back to the shipped figures)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from analysis.comparators import ComparatorError
from analysis.formatting import plural
from portal.comparators.table import reset_table, save_table, table_text
from portal.core.extensions import db


class ComparatorFileError(click.ClickException):
    """A refused file: exit 2, naming the problem."""

    exit_code = 2


@click.group("comparators", cls=AppGroup, help="The published figures the survey is compared with.")
def comparators_group() -> None:
    pass


@comparators_group.command("import", help="Replace the comparator table with a CSV file (the "
                                          "layout `show` prints); all rows or none.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_table(path: Path) -> None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ComparatorFileError(f"{path.name} is not UTF-8 text") from None
    try:
        with db.transaction() as session:
            rows = save_table(session, text, None)
    except ComparatorError as error:
        raise ComparatorFileError(f"{path.name}: {error}") from None
    click.echo(f"Set the comparator table from {path.name}: {plural(len(rows), 'figure')}.")


@comparators_group.command("show", help="Print the comparator table in force.")
def show_table() -> None:
    click.echo(table_text(db.session), nl=False)


@comparators_group.command("reset", help="Go back to the figures shipped with the engine.")
def reset() -> None:
    with db.transaction() as session:
        reset_table(session)
    click.echo("The shipped comparator table is in force again.")
