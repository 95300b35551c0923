"""Kept reports: one neighbourhood's PDF on request, and a wave's whole set as a background job.

No Redis or Celery: a batch runs in a thread of the app process that builds the reports with the
two-process pool of `building.render_all`, writing its progress to its `ReportRun` row after each
file, so the page that shows it only ever reads the row. Finished PDFs are kept under REPORTS_DIR
(default: the instance folder's `reports/`) with their sha256 in a `ReportFile` row.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.formatting import plural
from portal.extensions import db
from portal.models import ReportFile, ReportRun, StaffUser, utcnow
from portal.models.reports import STALE_AFTER
from portal.reports.building import DEFAULT_WORKERS, BuiltFile, prepare_reports, render_all
from portal.reports.data import AnalysisCache, ReportError, choose_wave, find_neighbourhood

log = logging.getLogger(__name__)
UNEXPECTED = "The reports could not be built because of an unexpected error; it has been logged."


def reports_dir(app: Flask | None = None) -> Path:
    app = app or current_app
    return Path(app.config.get("REPORTS_DIR") or Path(app.instance_path) / "reports")


def analysis_cache(app: Flask | None = None) -> AnalysisCache:
    app = app or current_app
    return app.extensions.setdefault("report_analyses", AnalysisCache())


def _threads(app: Flask) -> dict[int, threading.Thread]:
    return app.extensions.setdefault("report_threads", {})


def wait_for_jobs(app: Flask, timeout: float = 120) -> None:
    """Wait for the app's background report jobs (tests and shutdown)."""
    for thread in list(_threads(app).values()):
        thread.join(timeout)


def _file_row(run: ReportRun, item: BuiltFile) -> ReportFile:
    return ReportFile(run_id=run.id, neighbourhood_slug=item.slug, title=item.title,
                      filename=item.filename, path=f"run-{run.id}/{item.filename}",
                      checksum=item.checksum, size=item.size)


def build_neighbourhood_pdf(session: Session, wave: str | None, slug: str,
                            user: StaffUser | None, now: datetime | None = None) -> ReportFile:
    """Build and keep one neighbourhood's PDF now (a few seconds); returns its file row."""
    now = now or datetime.now(UTC)
    place = find_neighbourhood(session, slug)
    analysis = analysis_cache().get(session, wave)
    prepared = prepare_reports(session, analysis.wave.slug, [place.slug], now=now,
                               analysis=analysis)
    wave_row = choose_wave(session, analysis.wave.slug)
    run = ReportRun(kind="neighbourhood", status="running", wave_id=wave_row.id,
                    wave_slug=wave_row.slug, neighbourhood_slug=place.slug, total=1,
                    response_count=analysis.n, data_fingerprint=analysis.fingerprint,
                    created_by_id=user.id if user else None, created_at=now, started_at=now)
    session.add(run)
    session.flush()
    built = render_all(prepared.reports, reports_dir() / f"run-{run.id}", workers=1)[0]
    file = _file_row(run, built)
    session.add(file)
    run.completed, run.status, run.finished_at = 1, "done", utcnow()
    run.message = f"{built.title} ready"
    session.commit()
    return file


def running_batch(session: Session, wave_slug: str) -> ReportRun | None:
    """The wave's batch still making progress, if any (an interrupted one does not count)."""
    return session.scalar(select(ReportRun).where(
        ReportRun.kind == "batch", ReportRun.wave_slug == wave_slug,
        ReportRun.status.in_(("queued", "running")),
        ReportRun.updated_at > utcnow() - STALE_AFTER).order_by(ReportRun.id.desc()))


def start_batch(session: Session, wave: str | None, user: StaffUser | None,
                app: Flask | None = None) -> ReportRun:
    """Queue every report of a wave and start building them in the background.

    A batch already queued or running for the wave is returned instead of starting another.
    """
    app = app or current_app._get_current_object()
    wave_row = choose_wave(session, wave)
    existing = running_batch(session, wave_row.slug)
    if existing is not None:
        return existing
    run = ReportRun(kind="batch", status="queued", wave_id=wave_row.id, wave_slug=wave_row.slug,
                    created_by_id=user.id if user else None, message="Waiting to start")
    session.add(run)
    session.commit()
    thread = threading.Thread(target=_run_batch, args=(app, run.id), daemon=True,
                              name=f"report-batch-{run.id}")
    _threads(app)[run.id] = thread
    thread.start()
    return run


def _update(run_id: int, **values) -> None:
    with db.transaction() as session:
        run = session.get(ReportRun, run_id)
        for key, value in values.items():
            setattr(run, key, value)


def _run_batch(app: Flask, run_id: int) -> None:
    with app.app_context():
        try:
            _update(run_id, status="running", started_at=utcnow(),
                    message="Weighting the wave and estimating every indicator")
            with db.transaction() as session:
                run = session.get(ReportRun, run_id)
                analysis = analysis_cache(app).get(session, run.wave_slug)
                prepared = prepare_reports(session, run.wave_slug, None, now=run.created_at,
                                           authority=True, analysis=analysis)
                run.total = len(prepared.reports)
                run.response_count = analysis.n
                run.data_fingerprint = analysis.fingerprint
                run.message = f"Rendering {plural(run.total, 'report')}"

            def progress(item: BuiltFile) -> None:
                with db.transaction() as session:
                    run = session.get(ReportRun, run_id)
                    session.add(_file_row(run, item))
                    run.completed += 1
                    run.message = f"Finished {item.title}"

            render_all(prepared.reports, reports_dir(app) / f"run-{run_id}",
                       workers=int(app.config.get("REPORTS_WORKERS", DEFAULT_WORKERS)),
                       progress=progress)
            _update(run_id, status="done", finished_at=utcnow(),
                    message=f"{plural(len(prepared.reports), 'report')} ready")
        except ReportError as error:
            _update(run_id, status="failed", finished_at=utcnow(), error=str(error),
                    message="Failed")
        except Exception:  # the page must say it failed, whatever the cause
            log.exception("report batch %s failed", run_id)
            _update(run_id, status="failed", finished_at=utcnow(), error=UNEXPECTED,
                    message="Failed")
        finally:
            _threads(app).pop(run_id, None)


def file_path(file: ReportFile, app: Flask | None = None) -> Path:
    return reports_dir(app) / file.path


def verified_bytes(file: ReportFile) -> bytes:
    """The kept PDF's bytes, checked against the recorded sha256 (ReportError if changed/lost)."""
    path = file_path(file)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReportError(f"The file of {file.title} is no longer on the server; build it "
                          "again.") from None
    if hashlib.sha256(data).hexdigest() != file.checksum:
        raise ReportError(f"The file of {file.title} does not match its checksum; build it "
                          "again.")
    return data
