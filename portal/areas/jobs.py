"""The postcode lookup read in the background: the national NSPL is about a gigabyte and 2.7
million rows, longer to read than a request should take. The upload is saved to UPLOADS_DIR, a
`PostcodeImport` row records it, and `postcodes_import_job` (a queue worker with REDIS_URL, else a
thread of the app) reads it with the same reader and import as the command, writing its progress
to the row for the page to show. All or nothing, as everywhere: a refused file imports nothing and
its problems are kept on the row.

A run is idempotent: a worker that dies mid-file leaves the row running and the file in place, and
the retried job reads it again from the start (the import replaces, never adds).
"""

from __future__ import annotations

import io
import logging
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from portal.areas.files import AreaFileError, read_postcodes
from portal.areas.importing import import_postcodes, partnership_lsoas
from portal.core.clock import utcnow
from portal.core.extensions import db
from portal.core.jobs import enqueue
from portal.models import FileImportStatus, PostcodeImport

log = logging.getLogger(__name__)


def start_postcode_import(session: Session, upload, filename: str, uploads_dir: str,
                          user_id: int | None) -> PostcodeImport:
    """Save ``upload`` (a werkzeug FileStorage) under ``uploads_dir`` and record its import; the
    caller commits, then calls `queue_postcode_import`."""
    folder = Path(uploads_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"postcodes-{uuid.uuid4().hex}.csv"
    upload.save(path)
    run = PostcodeImport(filename=filename, path=str(path), bytes_total=path.stat().st_size,
                         created_by_id=user_id)
    session.add(run)
    session.flush()
    return run


def queue_postcode_import(run_id: int) -> None:
    """Hand the import to the background; a queue (Redis) that does not answer fails the import
    with a sentence, rather than leaving it waiting for ever."""
    try:
        enqueue("postcodes_import", run_id, job_id=f"postcodes-import-{run_id}")
    except Exception:
        log.exception("could not queue postcode import %s", run_id)
        _update(run_id, status=FileImportStatus.FAILED, finished_at=utcnow(),
                message="Nothing was imported: the job queue is not answering. Try again in a "
                        "minute, or load the file with flask --app portal areas import-postcodes.")
        with db.transaction() as session:
            run = session.get(PostcodeImport, run_id)
            if run is not None:
                _forget(run_id, Path(run.path))


def postcodes_import_job(run_id: int) -> None:
    with db.transaction() as session:
        run = session.get(PostcodeImport, run_id)
        if run is None or run.finished:
            return
        run.status, path, filename = FileImportStatus.RUNNING, Path(run.path), run.filename
        lsoas = partnership_lsoas(session)
    try:
        with open(path, "rb") as raw:
            stream = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")

            def progress(rows: int) -> None:
                _update(run_id, rows_read=rows, bytes_read=raw.tell())

            read = read_postcodes(stream, filename, lsoas, progress)
        with db.transaction() as session:
            outcome = import_postcodes(session, read)
            run = session.get(PostcodeImport, run_id)
            assert run is not None
            run.status, run.message = FileImportStatus.DONE, outcome.describe()
            run.rows_read, run.bytes_read, run.finished_at = read.rows, run.bytes_total, utcnow()
    except AreaFileError as error:
        _update(run_id, status=FileImportStatus.FAILED, problems=error.problems,
                message="Nothing was imported: fix the problems below and upload the whole file "
                        "again.", finished_at=utcnow())
    except UnicodeDecodeError as error:
        _update(run_id, status=FileImportStatus.FAILED, finished_at=utcnow(),
                message=f"Nothing was imported: {filename} is not UTF-8 text (byte "
                        f"{error.start:,} of a block cannot be read). Save it as CSV UTF-8.")
    except Exception:
        log.exception("postcode import %s failed", run_id)
        _update(run_id, status=FileImportStatus.FAILED, finished_at=utcnow(),
                message="Nothing was imported: the import stopped on an unexpected error, which "
                        "is in the portal's log.")
        raise
    finally:
        _forget(run_id, path)


def _update(run_id: int, **values) -> None:
    with db.transaction() as session:
        run = session.get(PostcodeImport, run_id)
        if run is not None:
            for name, value in values.items():
                setattr(run, name, value)


def _forget(run_id: int, path: Path) -> None:
    """Remove the uploaded file once the import has finished, either way."""
    with db.transaction() as session:
        run = session.get(PostcodeImport, run_id)
        finished = run is None or run.finished
    if finished:
        path.unlink(missing_ok=True)
