"""Two app servers and a worker on one PostgreSQL database and Redis, as a partnership's IT would
run them behind a load balancer: a report batch started through server A is built by the worker,
shown and served by server B, and survives its worker being killed half way."""

from __future__ import annotations

import hashlib
import re
import time

import pytest
from redis import Redis
from rq.job import Job
from sqlalchemy import select

from portal.core.jobs import RETRIES
from portal.models import ReportFile, ReportRun
from tests.conftest import PASSWORD

pytestmark = pytest.mark.nodes



def _sign_in(browser, server, user) -> None:
    browser.get(f"{server.url}/staff/sign-in")
    status, _, _ = browser.post(f"{server.url}/staff/sign-in",
                                {"email": user.email, "password": PASSWORD})
    assert status == 302, status
    browser.get(f"{server.url}/analyst/reports/")  # a page with the session's CSRF token


def _run(db_session, run_id: int) -> ReportRun:
    db_session.expire_all()
    return db_session.get(ReportRun, run_id)


def _wait_for(predicate, timeout: float, what: str, nodes):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout} s\n{nodes.logs()}")


def test_a_batch_from_server_a_is_served_by_b_and_survives_its_worker_being_killed(
        nodes, browser, small_survey, make_user, db_session, redis_url):
    analyst = make_user("analyst")
    a, b = nodes.servers("server-a", "server-b", workers=("worker-1",))
    first_worker = nodes.named("worker-1")
    _sign_in(browser, a, analyst)

    status, headers, _ = browser.post(f"{a.url}/analyst/reports/batch", {"wave": small_survey.slug})
    assert status == 302, status
    run_id = int(re.search(r"/analyst/reports/(\d+)$", headers["Location"]).group(1))

    # Half way: the first file is kept, the others are not. Kill the worker and all under it.
    _wait_for(lambda: _run(db_session, run_id).completed >= 1, 90, "the first report", nodes)
    killed = nodes.kill(first_worker)
    run = _run(db_session, run_id)
    assert len(killed) >= 2, "the job ran in a work horse under the worker"
    assert run.status == "running" and 1 <= run.completed < run.total == 4, (
        run.status, run.completed, run.total)
    kept_before = {f.filename: (f.id, f.checksum) for f in run.files}

    # Server B shows the progress the worker wrote to the database.
    status, headers, page = browser.get(f"{b.url}/analyst/reports/{run_id}")
    assert status == 200 and headers.get("Refresh") == "2"
    assert f"{run.completed} of 4 reports".encode() in page

    nodes.worker("worker-2")
    _wait_for(lambda: _run(db_session, run_id).finished, 90, "the batch finishing", nodes)
    run = _run(db_session, run_id)
    assert run.status == "done", (run.error, nodes.logs())
    files = db_session.scalars(select(ReportFile).where(ReportFile.run_id == run_id)).all()
    assert sorted((f.neighbourhood_slug or "") for f in files) == [
        "", "chew-valley", "keynsham", "twerton"]  # one each, and the authority summary
    assert {f.filename: (f.id, f.checksum) for f in files if f.filename in kept_before} == \
        kept_before  # carried on: what was kept before the kill was not built again
    job = Job.fetch(f"report-batch-{run_id}", connection=Redis.from_url(redis_url))
    assert job.retries_left == RETRIES - 1  # RQ put the abandoned job back once

    status, headers, page = browser.get(f"{b.url}/analyst/reports/{run_id}")
    assert status == 200 and "Refresh" not in headers and b"4 reports ready" in page
    for file in files:
        assert file.checksum.encode() in page
        for server in (b, a):
            status, _, data = browser.get(f"{server.url}/analyst/reports/{run_id}/{file.filename}")
            assert status == 200 and hashlib.sha256(data).hexdigest() == file.checksum
