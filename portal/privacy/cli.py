"""Command line: `flask --app portal retention run [--dry-run]`, the retention schedule."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core.clock import utcnow
from portal.core.extensions import db
from portal.privacy.retention import describe, run_retention


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
