"""Command line: `flask --app portal retention run [--dry-run]`, the retention schedule, and
`flask --app portal people erase ADDRESS --yes`, an erasure (as /admin/people/erase does it)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core import audit
from portal.core.clock import utcnow
from portal.core.extensions import db
from portal.privacy.retention import describe, run_retention
from portal.privacy.subject_access import PersonError, describe_erasure, erase_person
from portal.survey import opt_out


@click.group("retention", cls=AppGroup, help="Apply the retention schedule (RETENTION_* settings).")
def retention_group() -> None:
    pass


@retention_group.command("run", help="Remove personal data past its retention period.")
@click.option("--dry-run", is_flag=True, help="Print what would be removed and change nothing.")
def retention_run(dry_run: bool) -> None:
    """Each kind in its own transaction; prints the count per kind (run it daily from cron)."""
    counts = run_retention(db.transaction, current_app.config, utcnow(), dry_run=dry_run)
    for line in describe(counts, dry_run):
        click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was changed.")


@click.group("people", cls=AppGroup, help="Erase what is held about an e-mail address.")
def people_group() -> None:
    pass


@people_group.command("erase", help="Erase an address everywhere it is held (as /admin/people does).")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Confirm that the person asking holds this address.")
def people_erase(email: str, yes: bool) -> None:
    """One transaction with its audit entry (`person_erased`, the counts only); prints, per kind
    and per free-text place, how many records changed."""
    if not yes:
        raise click.UsageError("Add --yes once you have checked that the person asking holds the address.")
    try:
        with db.transaction() as session:
            counts = erase_person(session, email, opt_out.Keys.from_config(current_app.config).address)
            audit.record(session, "person_erased", "person", "", **counts)
    except PersonError as error:
        raise click.ClickException(str(error)) from None
    lines = describe_erasure(counts)
    for line in lines or ["Nothing was found for that address, so nothing was erased."]:
        click.echo(line)
