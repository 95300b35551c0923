"""`flask --app portal reports build`: neighbourhood feedback PDFs from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from analysis.formatting import plural
from portal.core.clock import utcnow
from portal.core.extensions import db
from portal.reports.building import DEFAULT_WORKERS, prepare_reports, render_all
from portal.reports.data import ReportError


@click.group("reports", cls=AppGroup, help="Build neighbourhood feedback reports (PDF).")
def reports_group() -> None:
    pass


@reports_group.command("build")
@click.option("--wave", default=None,
              help="Wave slug (default: the latest closed wave with responses, else the latest open one).")
@click.option("--neighbourhood", "slug", default=None, help="One neighbourhood's slug.")
@click.option("--all", "all_", is_flag=True, help="Every neighbourhood, plus the authority summary.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the PDFs to (created if missing).")
@click.option("--workers", default=DEFAULT_WORKERS, show_default=True,
              help="Processes rendering at once (the machine's cores).")
def build(wave: str | None, slug: str | None, all_: bool, out: Path, workers: int) -> None:
    """Write one neighbourhood's report (--neighbourhood SLUG) or every report (--all) to --out."""
    if bool(slug) == all_:
        raise click.UsageError("Give either --neighbourhood SLUG or --all.")
    now = utcnow()
    try:
        with db.transaction() as session:
            prepared = prepare_reports(session, wave, [slug] if slug else None, now=now,
                                       authority=all_)
    except ReportError as error:
        raise click.ClickException(str(error)) from None
    analysis = prepared.analysis
    click.echo(f"Wave {analysis.wave.slug}: {plural(analysis.n, 'response')} weighted; "
               f"building {plural(len(prepared.reports), 'report')} with {plural(workers, 'worker')}.")
    with click.progressbar(length=len(prepared.reports), label="Rendering",
                           show_pos=True, file=sys.stderr) as bar:
        built = render_all(prepared.reports, out, workers=workers,
                           progress=lambda _item: bar.update(1))
    for item in sorted(built, key=lambda b: b.filename):
        click.echo(f"{out / item.filename}  sha256 {item.checksum}")
