"""`flask --app portal areas import-neighbourhoods | import-postcodes | import-population`: a
partnership sets up its areas from the files ONS publishes (see `portal.areas.files`);
`areas import-covariate | covariates | remove-covariate`: the area covariates of the small-area
model (`portal.areas.covariates`); and
`flask --app portal agencies add | rename | retire | restore | list`."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup

import surveys
from portal.areas.agencies import (
    RESTORED,
    RETIRED,
    AgencyError,
    add_agency,
    rename_agency,
    restore_agency,
    retire_agency,
)
from portal.areas.covariate_files import read_covariate_table, read_deprivation
from portal.areas.covariates import import_covariates, remove_covariate
from portal.areas.files import (
    AreaFileError,
    read_ethnicity,
    read_neighbourhood_lookup,
    read_population,
    read_postcodes,
    read_rural_urban,
)
from portal.areas.importing import (
    ethnicity_source,
    import_neighbourhoods,
    import_population,
    import_postcodes,
    partnership_lsoas,
    questionnaire_age_bands,
)
from portal.areas.profile import LABELS, ProfileError, profile, save_profile
from portal.areas.queries import agency_by_slug, every_agency, loaded_covariates
from portal.core.cli import InputRefused
from portal.core.extensions import db
from portal.core.refusals import Refusal
from portal.models import Agency, CovariateFile

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("areas", cls=AppGroup, help="The partnership's neighbourhoods, postcodes and "
                                         "populations, from ONS files.")
def areas_group() -> None:
    pass


def _open(path: Path):
    return path.open(newline="", encoding="utf-8-sig")


@areas_group.command("import-neighbourhoods", help=(
    "Create the neighbourhoods from an LSOA lookup (an LSOA21CD or lsoa_code column and a "
    "neighbourhood column) and make it the LSOA lookup; --rural-urban reads the ONS Rural Urban "
    "Classification 2021 of LSOAs (LSOA21CD, RUC21CD)."))
@click.argument("path", type=FILE)
@click.option("--rural-urban", "rural_path", type=FILE, default=None)
def neighbourhoods_command(path: Path, rural_path: Path | None) -> None:
    try:
        with _open(path) as stream:
            lookup = read_neighbourhood_lookup(stream, path.name)
        rural = None
        if rural_path is not None:
            with _open(rural_path) as stream:
                rural = read_rural_urban(stream, rural_path.name)
        with db.transaction() as session:
            outcome = import_neighbourhoods(session, lookup, rural)
    except AreaFileError as error:
        raise InputRefused(str(error)) from None
    click.echo(outcome.describe())


@areas_group.command("import-postcodes", help=(
    "Load the partnership's live postcodes from the National Statistics Postcode Lookup (NSPL or "
    "ONSPD CSV: pcds, doterm, lsoa21); the national file is read row by row."))
@click.argument("path", type=FILE)
def postcodes_command(path: Path) -> None:
    try:
        with db.transaction() as session:
            lsoas = partnership_lsoas(session)
            size = path.stat().st_size
            with _open(path) as stream, click.progressbar(
                    length=size, label=f"Reading {path.name}", file=sys.stderr) as bar:
                def progress(_rows: int) -> None:
                    bar.update(stream.buffer.tell() - bar.pos)

                read = read_postcodes(stream, path.name, lsoas, progress)
                bar.update(size - bar.pos)
            outcome = import_postcodes(session, read)
    except AreaFileError as error:
        raise InputRefused(str(error)) from None
    click.echo(outcome.describe())


@areas_group.command("import-population", help=(
    "Load each neighbourhood's residents aged 16+ by age band and sex from the ONS mid-year "
    "estimates by LSOA, single year of age and sex (LSOA 2021 Code, F0-F90, M0-M90)."))
@click.argument("path", type=FILE)
@click.option("--questionnaire", default="crime-and-community-safety", show_default=True,
              help="The questionnaire whose age bands the estimates are summed to.")
@click.option("--source", default=None,
              help="The release, as shown beside the margins (default: the file's name).")
@click.option("--ethnicity", "ethnicity_path", type=FILE, default=None,
              help="Census 2021 TS021 (ethnic group) by LSOA, the Nomis bulk CSV: ethnicity "
                   "margins, each neighbourhood's mix scaled to its residents aged 16+.")
def population_command(path: Path, questionnaire: str, source: str | None,
                       ethnicity_path: Path | None) -> None:
    try:
        with db.transaction() as session:
            bands = questionnaire_age_bands(session, questionnaire)
        with _open(path) as stream:
            populations, column = read_population(stream, path.name)
        ethnicity = None
        if ethnicity_path is not None:
            with _open(ethnicity_path) as stream:
                ethnicity = read_ethnicity(stream, ethnicity_path.name)
        with db.transaction() as session:
            outcome = import_population(
                session, populations, bands,
                source or f"ONS mid-year population estimates by LSOA ({path.name}, {column})",
                ethnicity, ethnicity_source(ethnicity_path.name if ethnicity_path else ""))
    except (AreaFileError, surveys.QuestionnaireError, ValueError) as error:
        raise InputRefused(str(error)) from None
    click.echo(outcome.describe())


@areas_group.command("import-covariate", help=(
    "Load an area covariate for the small-area model: --kind iod (English Indices of Deprivation, "
    "File 7, IoD2019 or IoD2025), wimd (Welsh Index of Multiple Deprivation 2019) or table (an "
    "lsoa, lsoa_code or neighbourhood column and columns of numbers, each a covariate). LSOA "
    "values are averaged over each neighbourhood weighted by residents aged 16+. Loading a name "
    "again replaces it."))
@click.argument("path", type=FILE)
@click.option("--kind", type=click.Choice(CovariateFile.values()), required=True)
@click.option("--source", required=True, help="Where the figures come from, as shown beside them.")
@click.option("--date", "source_date", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="The figures' date (YYYY-MM-DD), e.g. their publication.")
@click.option("--column", default=None, help="The column to load (its heading or snake_case "
              "name); iod: default the IMD score, wimd: default the WIMD score, table: all.")
def import_covariate_command(path: Path, kind: str, source: str, source_date: datetime,
                             column: str | None) -> None:
    try:
        with _open(path) as stream:
            table = (read_covariate_table(stream, path.name, column) if kind == CovariateFile.TABLE
                     else read_deprivation(stream, path.name, CovariateFile(kind), column))
        with db.transaction() as session:
            outcome = import_covariates(session, table, source, source_date.date(),
                                        path.name[:120])
    except AreaFileError as error:
        raise InputRefused(str(error)) from None
    click.echo(outcome.describe())


@areas_group.command("covariates", help="List the area covariates loaded for the small-area model.")
def covariates_command() -> None:
    covariates = loaded_covariates(db.session)
    if not covariates:
        click.echo("No area covariates are loaded (flask --app portal areas import-covariate).")
    for c in covariates:
        click.echo(f"{c.name}\t{c.label}\t{c.level.label}\t{c.source}\t{c.source_date.isoformat()}"
                   f"\t{c.areas_matched} matched, {c.areas_missing} missing, {c.areas_ignored} ignored")


@areas_group.command("remove-covariate", help="Remove a loaded area covariate by its name.")
@click.argument("name")
def remove_covariate_command(name: str) -> None:
    try:
        with db.transaction() as session:
            remove_covariate(session, name)
    except Refusal as error:
        raise InputRefused(str(error)) from None
    click.echo(f"Removed the covariate {name}.")


@click.group("agencies", cls=AppGroup, help="The partner agencies issues and priorities are "
                                            "given to.")
def agencies_group() -> None:
    pass


def _agency(session, slug: str) -> Agency:
    agency = agency_by_slug(session, slug)
    if agency is None:
        known = ", ".join(a.slug for a in every_agency(session)) or "none yet"
        raise click.ClickException(f"There is no agency {slug!r} (agencies: {known}).")
    return agency


def _change(change) -> None:
    try:
        with db.transaction() as session:
            message = change(session)
    except AgencyError as error:
        raise click.ClickException(str(error)) from None
    click.echo(message)


@agencies_group.command("add", help="Add an agency, e.g. --name 'Wiltshire Police'.")
@click.option("--name", required=True)
def add_command(name: str) -> None:
    _change(lambda session: f"Added {(a := add_agency(session, name)).name} ({a.slug}).")


@agencies_group.command("rename", help="Give an agency a new name (its address stays).")
@click.argument("slug")
@click.option("--name", required=True)
def rename_command(slug: str, name: str) -> None:
    def rename(session) -> str:
        agency = _agency(session, slug)
        rename_agency(session, agency, name)
        return f"{slug} is now called {agency.name}."
    _change(rename)


@agencies_group.command("retire", help="Offer an agency for no new work (it stays on past work).")
@click.argument("slug")
def retire_command(slug: str) -> None:
    _change_agency(slug, retire_agency, RETIRED)


@agencies_group.command("restore", help="Offer a retired agency for new work again.")
@click.argument("slug")
def restore_command(slug: str) -> None:
    _change_agency(slug, restore_agency, RESTORED)


def _change_agency(slug: str, change, message: str) -> None:
    """`change(session, agency)` on the agency `slug`, then `message` naming it."""
    def run(session) -> str:
        agency = _agency(session, slug)
        change(session, agency)
        return message.format(name=agency.name)
    _change(run)


@agencies_group.command("list", help="Every agency, retired ones last.")
def list_command() -> None:
    for agency in every_agency(db.session):
        retired = f"\tretired {agency.retired_on.isoformat()}" if agency.retired_on else ""
        click.echo(f"{agency.slug}\t{agency.name}{retired}")


@click.group("partnership", cls=AppGroup, help="The partnership's name and contacts, shown on "
                                               "every page, e-mail, report and feed.")
def partnership_group() -> None:
    pass


@partnership_group.command("set", help="Set the profile; options not given keep their value "
                                       "(a first set needs the name, short name, area and e-mail).")
@click.option("--name", help="e.g. 'Kennet Vale Community Safety Partnership'")
@click.option("--short-name", help="e.g. 'Kennet Vale CSP'")
@click.option("--area", "area_name", help="The authority or authorities it covers, e.g. 'Kennet Vale'")
@click.option("--contact-email")
@click.option("--contact-phone")
@click.option("--website")
@click.option("--privacy-contact", help="The e-mail address for data protection questions.")
def set_command(**values: str | None) -> None:
    try:
        with db.transaction() as session:
            save_profile(session, values)
    except ProfileError as error:
        raise click.ClickException(str(error)) from None
    _show()


@partnership_group.command("show", help="Print the profile.")
def show_command() -> None:
    _show()


def _show() -> None:
    current = profile(db.session)
    if not current.set_up:
        click.echo("No profile is set yet: flask --app portal partnership set --name ... "
                   "--short-name ... --area ... --contact-email ...")
        return
    for name, label in LABELS.items():
        click.echo(f"{label}: {getattr(current, name) or '-'}")
