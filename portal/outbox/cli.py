"""`flask --app portal mail send | list | show | retry`: the outbox from the command line.

`mail send` is the cron job of a set-up without Redis (every few minutes): it sends what is
waiting, including failed messages whose wait is over. With Redis the worker sends new mail, and
`mail send` still retries what failed."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from analysis.formatting import plural
from portal.core.extensions import db
from portal.core.mail import deliver_pending, retry_dead
from portal.models import MailStatus
from portal.outbox.queries import mail_by_id, newest_mail, undelivered_mail


@click.group("mail", cls=AppGroup, help="The outbox: send, list and read the portal's mail.")
def mail_group() -> None:
    pass


@mail_group.command("send", help="Send the mail waiting, and retry failed mail that is due.")
def mail_send() -> None:
    with db.transaction() as session:
        sent = deliver_pending(session, current_app.config)
        undelivered = undelivered_mail(session)
    waiting = sum(m.status == MailStatus.FAILED for m in undelivered)
    dead = len(undelivered) - waiting
    click.echo(f"{plural(sent, 'e-mail')} sent; {waiting} waiting to be tried again; "
               f"{dead} given up on (see /admin/mail).")


@mail_group.command("list", help="The newest messages, newest first.")
@click.option("--limit", default=20, show_default=True)
@click.option("--status", type=click.Choice(MailStatus.values()), default=None)
def mail_list(limit: int, status: str | None) -> None:
    with db.transaction() as session:
        for mail in newest_mail(session, limit, MailStatus(status) if status else None):
            click.echo(f"{mail.id:>6}  {mail.created_at:%Y-%m-%d %H:%M}  {mail.status:<9}  "
                       f"{mail.recipient:<32}  {mail.subject}")


@mail_group.command("show", help="One message: its headers and body (links as they were sent).")
@click.argument("message_id", type=int)
def mail_show(message_id: int) -> None:
    with db.transaction() as session:
        mail = mail_by_id(session, message_id)
        if mail is None:
            raise click.UsageError(f"There is no message {message_id}.")
        click.echo(f"To: {mail.recipient}\nSubject: {mail.subject}\nStatus: {mail.status.label}"
                   f" ({plural(mail.attempts, 'attempt')})")
        for name, value in (mail.headers or {}).items():
            click.echo(f"{name}: {value}")
        if mail.error:
            click.echo(f"Last error: {mail.error}")
        click.echo(f"\n{mail.body}")


@mail_group.command("retry", help="Queue a message that was given up on again (then `mail send`).")
@click.argument("message_id", type=int)
def mail_retry(message_id: int) -> None:
    with db.transaction() as session:
        if not retry_dead(session, message_id):
            raise click.UsageError(f"Message {message_id} is not one that was given up on.")
    click.echo(f"Message {message_id} is queued again.")
