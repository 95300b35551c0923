"""`flask --app portal waves create | import | list`: running survey waves from a shell, with the
same rules (and audit records) as the admin pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

import surveys
from analysis.formatting import plural
from portal.core.clock import today
from portal.core.extensions import db
from portal.models import WaveDesign
from portal.questionnaires.versions import stored_versions
from portal.survey.queries import response_counts, wave_by_slug, waves_newest_first
from portal.survey.responses import ImportRefused, import_responses
from portal.survey.waves import WaveError, open_wave
from surveys.importing import IMPORT_MODES


@click.group("waves", cls=AppGroup, help="Survey waves: set one up, import paper or phone forms.")
def waves_group() -> None:
    pass


def _day(_context, parameter, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: write it as YYYY-MM-DD") from None


@waves_group.command("create", help="Set up a wave of a questionnaire (ID, or ID:VERSION; "
                                    "the newest version by default).")
@click.option("--slug", required=True, help="The wave's address, like 2011-12.")
@click.option("--name", required=True, help="As residents see it, like 'Voicebox 2011/12'.")
@click.option("--questionnaire", required=True, help="e.g. crime-and-community-safety or "
                                                     "crime-and-community-safety:2")
@click.option("--opens", required=True, callback=_day, help="First day of fieldwork, YYYY-MM-DD.")
@click.option("--closes", required=True, callback=_day, help="Last day of fieldwork, YYYY-MM-DD.")
@click.option("--panel/--no-panel", default=False, help="Invite a panel (default: no).")
@click.option("--open-link/--no-open-link", default=True, help="Anyone with the link may answer "
                                                               "(default: yes).")
@click.option("--design", type=click.Choice([d.value for d in WaveDesign]), default="simple",
              help="simple: one sample of the whole area (default); stratified: a separate "
                   "sample in each neighbourhood (the margins of error allow for it).")
def create_command(slug: str, name: str, questionnaire: str, opens: date, closes: date,
                   panel: bool, open_link: bool, design: str) -> None:
    identifier, _, version = questionnaire.partition(":")
    try:
        number = int(version) if version else _newest_version(identifier)
        with db.transaction() as session:
            wave = open_wave(session, slug=slug, name=name, questionnaire_slug=identifier,
                             questionnaire_version=number, opens_on=opens, closes_on=closes,
                             panel_mode=panel, open_link_mode=open_link,
                             design=WaveDesign(design))
    except ValueError:
        raise click.BadParameter(f"{version!r} is not a version number",
                                 param_hint="--questionnaire") from None
    except (WaveError, surveys.QuestionnaireError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Set up wave {wave.slug} ({wave.name}): {identifier} version {number}, "
               f"{opens.isoformat()} to {closes.isoformat()}.")


def _newest_version(slug: str) -> int:
    with db.transaction() as session:
        newest = max((row.version for row in stored_versions(session) if row.slug == slug),
                     default=None)
    if newest is None:
        raise click.ClickException(f"There is no questionnaire {slug!r}: see flask --app portal "
                                   "questionnaires list")
    return newest


@waves_group.command("import", help="Import paper or phone forms keyed into the wave's CSV "
                                    "template: every row, or none if any has a problem.")
@click.argument("wave_slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mode", type=click.Choice(IMPORT_MODES), required=True)
def import_command(wave_slug: str, path: Path, mode: str) -> None:
    if path.stat().st_size > surveys.MAX_IMPORT_BYTES:
        raise click.ClickException(f"{path.name} is larger than "
                                   f"{surveys.MAX_IMPORT_BYTES // 2**20} MB; split it.")
    try:
        with db.transaction() as session:
            wave = wave_by_slug(session, wave_slug)
            if wave is None:
                known = ", ".join(w.slug for w in waves_newest_first(session)) or "none yet"
                raise click.ClickException(f"There is no wave {wave_slug!r} (waves: {known}).")
            record = import_responses(session, wave, path.read_bytes(), mode=mode,
                                      filename=path.name, imported_by_id=None)
    except ImportRefused as error:
        lines = [str(error), *(f"  {problem}" for problem in error.problems)]
        raise click.ClickException("\n".join(lines)) from None
    click.echo(f"Imported {plural(record.rows, f'{mode} response')} from {path.name} into "
               f"{wave_slug}.")


@waves_group.command("list", help="Every wave, newest first, with its state and responses.")
def list_command() -> None:
    session = db.session
    counts = response_counts(session)
    on = today()
    for wave in waves_newest_first(session):
        click.echo(f"{wave.slug}\t{wave.name}\t{wave.opens_on} to {wave.closes_on}\t"
                   f"{wave.state_on(on).label}\t"
                   f"{plural(counts.get(wave.id, 0), 'response')}")
