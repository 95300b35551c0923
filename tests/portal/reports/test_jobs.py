"""The report batch job (`portal.reports.jobs.run_batch`) is idempotent: run again after dying half
way it keeps each report once and carries on, and a finished run is left alone."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from portal.core import jobs
from portal.models import ReportFile, ReportRun
from portal.reports import jobs as report_jobs
from portal.reports.building import BuiltFile
from portal.reports.data import ReportError
from tests.nodes.processes import free_port


class Killed(BaseException):
    """Stands for SIGKILL: not an Exception, so the job cannot record it as a failure."""


def _files(db_session, run_id: int) -> dict[str, tuple[int, str]]:
    db_session.expire_all()
    files = db_session.scalars(select(ReportFile).where(ReportFile.run_id == run_id))
    return {f.filename: (f.id, f.checksum) for f in files}


def test_a_batch_run_again_after_dying_half_way_keeps_each_report_once(app, survey, db_session,
                                                                       monkeypatch):
    app.config["REPORTS_WORKERS"] = 1
    wave = survey["waves"]["2010-11"]
    run = ReportRun(kind="batch", status="queued", wave_id=wave.id, wave_slug=wave.slug)
    db_session.add(run)
    db_session.commit()
    keep = report_jobs._keep

    def keep_then_die(run_id: int, item: BuiltFile) -> None:
        keep(run_id, item)
        if len(_files(db_session, run_id)) == 2:
            raise Killed

    monkeypatch.setattr(report_jobs, "_keep", keep_then_die)
    with app.app_context(), pytest.raises(Killed):
        report_jobs.run_batch(run.id)
    before = _files(db_session, run.id)
    db_session.refresh(run)
    assert (run.status, run.completed, run.total, len(before)) == ("running", 2, 4, 2)

    monkeypatch.setattr(report_jobs, "_keep", keep)
    with app.app_context():
        report_jobs.run_batch(run.id)
    after = _files(db_session, run.id)
    db_session.refresh(run)
    assert (run.status, run.completed, run.total, len(after)) == ("done", 4, 4, 4)
    assert {name: after[name] for name in before} == before  # the first two were not rebuilt
    assert {f.neighbourhood_slug for f in run.files} == {None, "twerton", "keynsham", "chew-valley"}

    with app.app_context():
        report_jobs.run_batch(run.id)  # finished: nothing to do
        file = db_session.scalars(select(ReportFile).where(ReportFile.run_id == run.id)).first()
        data = report_jobs.verified_bytes(db_session, file)
        report_jobs._keep(run.id, BuiltFile(file.neighbourhood_slug, file.title, file.filename,
                                            hashlib.sha256(data).hexdigest(), data))
    assert _files(db_session, run.id) == after  # keeping a kept file again adds nothing


def test_a_batch_whose_responses_changed_between_runs_fails_with_a_reason(app, survey, db_session):
    wave = survey["waves"]["2010-11"]
    run = ReportRun(kind="batch", status="running", wave_id=wave.id, wave_slug=wave.slug,
                    data_fingerprint="0" * 64)
    db_session.add(run)
    db_session.commit()
    with app.app_context():
        report_jobs.run_batch(run.id)
    db_session.refresh(run)
    assert run.status == "failed" and "changed while its reports were being built" in run.error


@pytest.mark.redis
def test_with_redis_a_batch_waits_for_a_worker_which_builds_it(queue_app, survey, db_session):
    queue_app.config["REPORTS_WORKERS"] = 1
    with queue_app.app_context():
        run = report_jobs.start_batch(db_session, "2010-11", None)
        assert jobs.rq_queue().count == 1
    assert (run.status, run.message) == ("queued", "Waiting for a worker")
    assert jobs.run_worker(queue_app, burst=True)
    db_session.refresh(run)
    assert (run.status, run.completed, len(run.files)) == ("done", 4, 4), run.error


def test_a_batch_that_cannot_be_queued_says_so(app, survey, db_session):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with app.app_context(), pytest.raises(ReportError, match="job queue is not answering"):
        report_jobs.start_batch(db_session, "2010-11", None)
    run = db_session.scalars(select(ReportRun)).one()
    db_session.refresh(run)
    assert run.status == "failed" and "could not be queued" in run.error
