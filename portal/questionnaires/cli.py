"""`flask --app portal questionnaires list | export | import | load`: questionnaire versions as files,
with the same rules (and audit records) as the admin pages."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from portal.core.extensions import db
from portal.questionnaires import queries
from portal.questionnaires.versions import VersionRefused, import_file, load_shipped
from surveys.documents import document_yaml

REFUSED_EXIT = 2


@click.group("questionnaires", cls=AppGroup,
             help="Questionnaire versions: list them, export one as YAML, import a new one.")
def questionnaires_group() -> None:
    pass


@questionnaires_group.command("load", help="Store the shipped definitions not stored yet as "
                                           "published versions.")
def load_command() -> None:
    with db.transaction() as session:
        added = load_shipped(session)
        lines = [f"{row.id}\t{row.slug}\tversion {row.version}" for row in added]
    click.echo("\n".join(lines) if lines else "Every shipped definition is already stored.")


@questionnaires_group.command("list", help="Every published version: id, questionnaire, version, "
                                           "title, waves, where it came from.")
def list_command() -> None:
    with db.transaction() as session:
        load_shipped(session)
    session = db.session
    counts = queries.wave_counts(session)
    for row in queries.versions(session):
        click.echo(f"{row.id}\t{row.slug}\tversion {row.version}\t{row.title}\t"
                   f"{counts.get(row.id, 0)} wave(s)\t{row.change_note}")


@questionnaires_group.command("export", help="Write version ID as YAML (to standard output, or "
                                             "--output FILE).")
@click.argument("version_id", type=int)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path))
def export_command(version_id: int, output: Path | None) -> None:
    with db.transaction() as session:
        load_shipped(session)
    row = queries.version_by_id(db.session, version_id)
    if row is None:
        known = ", ".join(str(r.id) for r in queries.versions(db.session)) or "none"
        raise click.ClickException(f"There is no questionnaire version {version_id} (ids: {known}).")
    text = document_yaml(row.definition)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {row.slug} version {row.version} to {output}.", err=True)


@questionnaires_group.command("import", help="Check a YAML definition and add it as the next "
                                             "version of its questionnaire; prints the new id.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    try:
        with db.transaction() as session:
            load_shipped(session)
        with db.transaction() as session:
            row = import_file(session, path.read_bytes(), path.name)
            new_id, slug, number = row.id, row.slug, row.version
            changed = list(row.standard_changes)
    except VersionRefused as error:
        click.echo(str(error), err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(REFUSED_EXIT)
    if changed:
        click.echo(f"Warning: standard questions changed ({', '.join(changed)}): their figures no "
                   "longer compare with earlier waves or national measures, and the indicators "
                   "reading them are withheld until an analyst marks the change comparable.",
                   err=True)
    click.echo(f"Added {slug} version {number} as questionnaire version {new_id}.", err=True)
    click.echo(new_id)
