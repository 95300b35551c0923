"""PACT's commands: `flask --app portal follow-ups send` e-mails the due "Was it resolved?"
questions (rules in `portal.pact.follow_up`)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core.clock import utcnow
from portal.core.extensions import db
from portal.core.links import public_url
from portal.core.mail import deliver_pending
from portal.pact.follow_up import FollowUpSettings, send_follow_ups


@click.group("follow-ups", cls=AppGroup, help="The \"Was it resolved?\" questions to residents.")
def follow_ups_group() -> None:
    pass


@follow_ups_group.command("send", help="E-mail the due \"Was it resolved?\" questions (run it daily; "
                                       "a rerun, or a second server running it at once, asks nobody twice).")
@click.option("--dry-run", is_flag=True, help="Print which issues are due and change nothing.")
def send_command(dry_run: bool) -> None:
    with db.transaction() as session:
        asked = send_follow_ups(session, FollowUpSettings.from_config(current_app.config), utcnow(),
                                public_url, dry_run=dry_run)
        lines = [f"{i.reference} ({i.neighbourhood.name})" for i in asked]
        sent = 0 if dry_run else deliver_pending(session, current_app.config)
    for line in lines:
        click.echo(line)
    if dry_run:
        click.echo(f"Dry run: {len(lines)} follow-up questions are due; nothing was sent or changed.")
    else:
        click.echo(f"{len(lines)} follow-up questions queued, {sent} e-mails sent.")
