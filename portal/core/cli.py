"""Command line: `flask --app portal db ...`, `users create|disable|set-password`, `demo`, `worker`;
and the groups of `retention` (portal.privacy.cli), `reports`, `crime` and `scorecard`."""

from __future__ import annotations

import click
from alembic import command
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from portal.auth.passwords import hash_password, password_problem
from portal.auth.staff_sessions import end_every_session
from portal.core import audit, migrate
from portal.core.extensions import db
from portal.models import ROLES, Neighbourhood, Role, StaffUser


class InputRefused(click.ClickException):
    """A command's input that cannot be used (a file refused, naming the line): exit 2, as click's
    own usage errors, with the one-line message."""

    exit_code = 2


def init_app(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(users_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(languages_command)


@click.command("languages", help="How much of the resident pages each offered language translates, "
                                 "and which strings show in English.")
@with_appcontext
def languages_command() -> None:
    from portal.core.languages import coverage, describe

    for language in coverage(current_app.config):
        done = language.total - len(language.missing)
        click.echo(f"{language.code} ({describe(language.code).name}): {done} of {language.total} "
                   f"resident strings translated")
        for msgid in language.missing:
            click.echo(f"  missing, shown in English: {msgid}")


@click.group("db", cls=AppGroup, help="Build and update the database schema (Alembic migrations).")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Migrate the database up to REVISION (default: the newest).")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at {revision}.")


@db_group.command("downgrade", help="Migrate the database down to REVISION (e.g. base).")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at {revision}.")


@db_group.command("current", help="Show the database's revision.")
def db_current() -> None:
    command.current(migrate.alembic_config(current_app.config["DATABASE_URL"]))


@db_group.command("revision", help="Write a new migration, compared against the models.")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    command.revision(migrate.alembic_config(current_app.config["DATABASE_URL"]),
                     message=message, autogenerate=True)


@click.group("users", cls=AppGroup, help="Manage staff accounts.")
def users_group() -> None:
    pass


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", default="")
@click.option("--neighbourhood", "neighbourhoods", multiple=True,
              help="Slug of a neighbourhood a coordinator covers (repeat for several).")
@click.password_option(prompt="Password", confirmation_prompt=True)
def users_create(email: str, role: str, name: str, neighbourhoods: tuple[str, ...],
                 password: str) -> None:
    """Create a staff account; the password is asked for, never passed on the command line."""
    problem = password_problem(password)
    if problem:
        raise click.UsageError(problem)
    email = email.strip().lower()
    if role == Role.COORDINATOR and not neighbourhoods:
        raise click.UsageError("A coordinator needs at least one --neighbourhood.")
    if role != Role.COORDINATOR and neighbourhoods:
        raise click.UsageError("Only coordinators are limited to neighbourhoods.")
    with db.transaction() as session:
        if session.scalar(select(StaffUser).where(StaffUser.email == email)):
            raise click.UsageError(f"There is already an account for {email}.")
        found = list(session.scalars(select(Neighbourhood).where(
            Neighbourhood.slug.in_(neighbourhoods))))
        missing = sorted(set(neighbourhoods) - {n.slug for n in found})
        if missing:
            valid = ", ".join(session.scalars(select(Neighbourhood.slug).order_by(Neighbourhood.slug)))
            raise click.UsageError(
                f"Unknown neighbourhood {', '.join(missing)}. Choose from: {valid or '(none yet)'}")
        session.add(StaffUser(email=email, name=name, role=role,
                              password_hash=hash_password(password), neighbourhoods=found))
    click.echo(f"Created {role} {email}.")


def _user_or_fail(session, email: str) -> StaffUser:
    user = session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None:
        raise click.UsageError(f"There is no account for {email.strip().lower()}.")
    return user


@users_group.command("disable")
@click.argument("email")
def users_disable(email: str) -> None:
    """Disable an account: it can no longer sign in, and every session it has ends now."""
    with db.transaction() as session:
        user = _user_or_fail(session, email)
        user.active = False
        end_every_session(session, user.id)
        audit.record(session, "staff_user_disabled", "staff_user", user.id, email=user.email)
    click.echo(f"Disabled {user.email}; every session of the account has ended.")


@users_group.command("set-password")
@click.argument("email")
@click.password_option(prompt="New password", confirmation_prompt=True)
def users_set_password(email: str, password: str) -> None:
    """Give an account a new password (asked for); every session it has ends now."""
    problem = password_problem(password)
    if problem:
        raise click.UsageError(problem)
    with db.transaction() as session:
        user = _user_or_fail(session, email)
        user.password_hash = hash_password(password)
        end_every_session(session, user.id)
        audit.record(session, "staff_password_changed", "staff_user", user.id, email=user.email)
    click.echo(f"Changed the password of {user.email}; every session of the account has ended.")


@click.command("demo", help="Create and migrate the database and load the synthetic demo data "
                            "(only what is not there yet; --reset starts again from nothing).")
@click.option("--seed", default=2009, show_default=True, help="Random seed for the synthetic data.")
@click.option("--responses", default=1500, show_default=True, help="Responses per survey wave.")
@click.option("--reset", is_flag=True, help="First delete everything in the database: every table "
              "is dropped and made again, so what was done in the demo (and its outbox) is gone.")
@with_appcontext
def demo_command(seed: int, responses: int, reset: bool) -> None:
    from demo import seed_demo
    from demo.staff import DEMO_PASSWORD
    from portal.core.clock import utcnow

    if reset:
        if current_app.config["PORTAL_ENV"] == "production":
            raise click.UsageError("--reset deletes every record: it is refused with PORTAL_ENV=production.")
        db.engine.dispose()  # no pooled connection holds a table being dropped
        migrate.reset(current_app.config["DATABASE_URL"])
        click.echo("Database emptied.")
    migrate.upgrade(current_app.config["DATABASE_URL"])
    with db.transaction() as session:
        summary = seed_demo(session, current_app.config, utcnow(), seed=seed, responses_per_wave=responses)
    click.echo(summary.describe())
    click.echo(f"\nDemo staff sign-ins (password for all: {DEMO_PASSWORD}):")
    for email, role, scope in summary.staff:
        click.echo(f"  {role:<12} {email:<40} {scope}")
    click.echo("\nAll data is synthetic. Start the portal with: flask --app portal run")


@click.command("worker", help="Run background jobs from the Redis queue (REDIS_URL) until stopped.")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--name", default=None, help="The worker's name in `rq info` (default: host and pid).")
@with_appcontext
def worker_command(burst: bool, name: str | None) -> None:
    """RQ's worker on the portal's queue, inside the app: jobs see its config and database."""
    from portal.core.jobs import JobError, run_worker, this_app

    try:
        run_worker(this_app(), burst=burst, name=name)
    except JobError as error:
        raise click.ClickException(str(error)) from None
