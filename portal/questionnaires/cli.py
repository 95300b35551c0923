"""`flask --app portal questionnaires list | export | import | load | strings | translate`:
questionnaire versions and their translations as files, with the same rules (and audit records) as
the admin pages."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core.extensions import db
from portal.questionnaires import queries
from portal.questionnaires.translations import TranslationFileRefused, store_file
from portal.questionnaires.versions import (
    VersionRefused,
    import_file,
    load_shipped,
    version_questionnaire,
)
from surveys.documents import document_yaml
from surveys.translations import header_language, strings, strings_csv

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


def _version_or_exit(version_id: int):
    with db.transaction() as session:
        load_shipped(session)
    row = queries.version_by_id(db.session, version_id)
    if row is None:
        known = ", ".join(str(r.id) for r in queries.versions(db.session)) or "none"
        click.echo(f"There is no questionnaire version {version_id} (ids: {known}).", err=True)
        sys.exit(REFUSED_EXIT)
    return row


@questionnaires_group.command("strings", help="Write version ID's strings as a translators' CSV "
                                              "(key, en, LANGUAGE; blank where not translated).")
@click.argument("version_id", type=int)
@click.option("--language", required=True, help="The translation's column, e.g. cy.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path))
def strings_command(version_id: int, language: str, output: Path | None) -> None:
    row = _version_or_exit(version_id)
    offered = tuple(current_app.config["LANGUAGES"])
    if language not in offered or language == "en":
        others = ", ".join(code for code in offered if code != "en") or "none"
        click.echo(f"{language!r} is not a language the site offers residents (offered: {others}).",
                   err=True)
        sys.exit(REFUSED_EXIT)
    text = strings_csv(version_questionnaire(row), language,
                       queries.translations(db.session, row.id, language))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_bytes(text.encode("utf-8"))
        click.echo(f"Wrote the strings of {row.slug} version {row.version} to {output}.", err=True)


@questionnaires_group.command("translate", help="Store a translators' CSV (key, en, LANGUAGE) as "
                                                "version ID's strings in that language.")
@click.argument("version_id", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def translate_command(version_id: int, path: Path) -> None:
    row = _version_or_exit(version_id)
    raw = path.read_bytes()
    language = header_language(raw)
    try:
        with db.transaction() as session:
            stored = store_file(session, row, language, raw, path.name,
                                tuple(current_app.config["LANGUAGES"]))
            total = len(strings(version_questionnaire(row)))
    except TranslationFileRefused as error:
        click.echo(str(error), err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(REFUSED_EXIT)
    click.echo(f"Stored {stored} of {total} strings of {row.slug} version {row.version} in "
               f"{language}.")
