"""Kept reports: one neighbourhood's PDF on request, and a wave's whole set as a background job.

A batch is a `report_batch` job (`portal.core.jobs`: on the Redis queue when REDIS_URL is set, else in
a thread of the app process). The job renders with the two-process pool of
`building.render_all` and, after each PDF, keeps its bytes and checksum in the database
(`ReportFile` + `ReportFileContent`) and its progress in the `ReportRun` row, in one transaction;
the page that shows it only ever reads the row, so any app server shows it. The job is idempotent:
run again after its worker died, it skips the files the run already keeps, and the unique
(run, file name) constraint stops two runs of it from keeping one twice.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from analysis.formatting import plural
from portal.core import jobs
from portal.core.clock import utcnow
from portal.core.extensions import db
from portal.models import ReportFile, ReportFileContent, ReportRun, ReportRunStatus, StaffUser
from portal.models.reports import STALE_AFTER
from portal.reports.building import BuiltFile, Prepared, prepare_reports, render_all
from portal.reports.cache import analysis_cache
from portal.reports.data import ReportError, choose_wave, find_neighbourhood
from portal.reports.render import report_filename

log = logging.getLogger(__name__)
UNEXPECTED = "The reports could not be built because of an unexpected error; it has been logged."


def _file_row(run_id: int, item: BuiltFile) -> ReportFile:
    return ReportFile(run_id=run_id, neighbourhood_slug=item.slug, title=item.title,
                      filename=item.filename, checksum=item.checksum, size=item.size,
                      content=ReportFileContent(data=item.data))


def build_neighbourhood_pdf(session: Session, wave: str | None, slug: str,
                            user: StaffUser | None, now: datetime | None = None) -> ReportFile:
    """Build and keep one neighbourhood's PDF now (a few seconds); returns its file row."""
    now = now or utcnow()
    place = find_neighbourhood(session, slug)
    analysis = analysis_cache().get(session, wave)
    prepared = prepare_reports(session, analysis.wave.slug, [place.slug], now=now,
                               analysis=analysis)
    wave_row = choose_wave(session, analysis.wave.slug)
    run = ReportRun(kind="neighbourhood", status=ReportRunStatus.RUNNING, wave_id=wave_row.id,
                    wave_slug=wave_row.slug, neighbourhood_slug=place.slug, total=1,
                    response_count=analysis.n, data_fingerprint=analysis.fingerprint,
                    created_by_id=user.id if user else None, created_at=now, started_at=now)
    session.add(run)
    session.flush()
    built = render_all(prepared.reports, workers=1)[0]
    file = _file_row(run.id, built)
    session.add(file)
    run.completed, run.status, run.finished_at = 1, ReportRunStatus.DONE, utcnow()
    run.message = f"{built.title} ready"
    session.commit()
    return file


def running_batch(session: Session, wave_slug: str) -> ReportRun | None:
    """The wave's batch still making progress, if any (an interrupted one does not count)."""
    return session.scalar(select(ReportRun).where(
        ReportRun.kind == "batch", ReportRun.wave_slug == wave_slug,
        ReportRun.status.in_((ReportRunStatus.QUEUED, ReportRunStatus.RUNNING)),
        ReportRun.updated_at > utcnow() - STALE_AFTER).order_by(ReportRun.id.desc()))


def start_batch(session: Session, wave: str | None, user: StaffUser | None,
                app: Flask | None = None) -> ReportRun:
    """Queue every report of a wave as a background job; returns its run.

    A batch already queued or running for the wave is returned instead of starting another.
    """
    app = app or jobs.this_app()
    wave_row = choose_wave(session, wave)
    existing = running_batch(session, wave_row.slug)
    if existing is not None:
        return existing
    run = ReportRun(kind="batch", status=ReportRunStatus.QUEUED, wave_id=wave_row.id, wave_slug=wave_row.slug,
                    created_by_id=user.id if user else None,
                    message="Waiting for a worker" if app.config.get("REDIS_URL") else "Waiting to start")
    session.add(run)
    session.commit()
    try:
        jobs.enqueue("report_batch", run.id, job_id=f"report-batch-{run.id}", app=app)
    except Exception as error:  # the queue (Redis) is down: say so rather than wait forever
        log.exception("could not queue report batch %s", run.id)
        _update(run.id, status=ReportRunStatus.FAILED, finished_at=utcnow(), message="Failed",
                error="The reports could not be queued: the job queue is not answering.")
        raise ReportError("The reports could not be queued because the job queue is not "
                          "answering; try again in a minute.") from error
    return run


def _update(run_id: int, **values) -> None:
    with db.transaction() as session:
        run = session.get(ReportRun, run_id)
        for key, value in values.items():
            setattr(run, key, value)


def run_batch(run_id: int) -> None:
    """The `report_batch` job: build the reports of the run that it does not keep yet.

    Safe to run again, or twice at once: a finished run is left alone and each kept file is
    skipped, so a batch whose worker was killed half way finishes without duplicates.
    """
    try:
        started = _begin(run_id)
        if started is None:
            return
        prepared, kept = started
        todo = [report for report in prepared.reports if report_filename(report) not in kept]
        workers = current_app.config["REPORTS_WORKERS"]
        render_all(todo, workers=workers, progress=lambda item: _keep(run_id, item))
        _update(run_id, status=ReportRunStatus.DONE, finished_at=utcnow(),
                message=f"{plural(len(prepared.reports), 'report')} ready")
    except ReportError as error:
        _update(run_id, status=ReportRunStatus.FAILED, finished_at=utcnow(), error=str(error),
                message="Failed")
    except Exception:  # the page must say it failed, whatever the cause
        log.exception("report batch %s failed", run_id)
        _update(run_id, status=ReportRunStatus.FAILED, finished_at=utcnow(), error=UNEXPECTED,
                message="Failed")


def _begin(run_id: int) -> tuple[Prepared, set[str]] | None:
    """Mark the run running and read its reports and the files it keeps (None: nothing to do)."""
    with db.transaction() as session:
        run = session.get(ReportRun, run_id)
        if run is None or run.finished:
            return None
        run.status, run.started_at = ReportRunStatus.RUNNING, run.started_at or utcnow()
        run.message = "Weighting the wave and estimating every indicator"
    with db.transaction() as session:
        run = session.get(ReportRun, run_id)
        analysis = analysis_cache().get(session, run.wave_slug)
        if run.data_fingerprint and run.data_fingerprint != analysis.fingerprint:
            raise ReportError("The wave's responses changed while its reports were being built; "
                              "generate them again.")
        prepared = prepare_reports(session, run.wave_slug, None, now=run.created_at,
                                   authority=True, analysis=analysis)
        kept = set(session.scalars(select(ReportFile.filename).where(ReportFile.run_id == run_id)))
        run.total, run.completed = len(prepared.reports), len(kept)
        run.response_count, run.data_fingerprint = analysis.n, analysis.fingerprint
        run.message = (f"Rendering {plural(run.total, 'report')}" if not kept else
                       f"Carrying on: rendering {plural(run.total - len(kept), 'report')} not yet built")
    return prepared, kept


def _keep(run_id: int, item: BuiltFile) -> None:
    """Keep one rendered PDF and count it, in one transaction (skipped if already kept)."""
    try:
        with db.transaction() as session:
            session.add(_file_row(run_id, item))
            session.flush()
            run = session.get(ReportRun, run_id)
            run.completed = session.scalar(select(func.count()).select_from(ReportFile)
                                           .where(ReportFile.run_id == run_id))
            run.message = f"Finished {item.title}"
    except IntegrityError:  # another run of the job kept this file first
        log.info("report batch %s: %s was already kept", run_id, item.filename)


def verified_bytes(session: Session, file: ReportFile) -> bytes:
    """The kept PDF's bytes, checked against the recorded sha256 (ReportError if changed/lost)."""
    data = session.scalar(select(ReportFileContent.data)
                          .where(ReportFileContent.file_id == file.id))
    if data is None:
        raise ReportError(f"The file of {file.title} is no longer kept; build it again.")
    if hashlib.sha256(data).hexdigest() != file.checksum:
        raise ReportError(f"The file of {file.title} does not match its checksum; build it "
                          "again.")
    return data
