"""E-mail alerts' command: `flask --app portal alerts send` queues and sends the digests that are due."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from analysis.formatting import plural
from portal.core.clock import utcnow
from portal.core.extensions import db
from portal.core.mail import deliver_pending
from portal.subscriptions.alerts import Site, send_digests


@click.group("alerts", cls=AppGroup, help="E-mail alerts about a neighbourhood.")
def alerts_group() -> None:
    pass


@alerts_group.command("send", help="Send the e-mail alert digests that are due (run it every few "
                             "minutes; reruns send nothing twice).")
def alerts_send_command() -> None:
    with db.transaction() as session:
        queued = send_digests(session, Site(current_app.config["SECRET_KEY"]), utcnow())
        sent = deliver_pending(session, current_app.config)
    click.echo(f"{plural(queued, 'digest')} queued, {plural(sent, 'e-mail')} sent.")
