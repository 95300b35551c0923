"""Background jobs (`portal.core.jobs`): a thread of the app process without Redis; with Redis, the RQ
queue and `flask --app portal worker`, which puts back a job whose worker was killed."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from flask import current_app
from redis import Redis
from rq.job import Job

from portal.core import jobs
from portal.core.jobs import JobError, enqueue, run_worker, wait_for_jobs
from tests.nodes.processes import kill_tree, node_env, start_worker


def record_job(path: str) -> None:
    """A test job: append the process id and the app's secret key to ``path``."""
    with open(path, "a") as handle:
        handle.write(f"{os.getpid()} {current_app.config['SECRET_KEY']}\n")


def slow_job(path: str) -> None:
    """A test job queued on RQ directly (the worker runs it without `portal.core.jobs.perform`, so it
    needs no entry in the worker's `JOBS`): note the run, then take 30 s unless it ran before."""
    started = Path(path).exists()
    with open(path, "a") as handle:
        handle.write(f"{os.getpid()}\n")
    if not started:
        time.sleep(30)


@pytest.fixture
def test_jobs(monkeypatch):
    monkeypatch.setitem(jobs.JOBS, "test_record", f"{__name__}:record_job")


def test_an_unknown_job_is_refused_when_queued(app):
    with app.app_context(), pytest.raises(JobError, match=r"Jobs: .*panel_invitations"):
        enqueue("no_such_job", 1)


def test_without_redis_a_job_runs_in_a_thread_of_the_app(app, test_jobs, tmp_path):
    path = tmp_path / "ran"
    with app.app_context():
        enqueue("test_record", str(path))
    wait_for_jobs(app)
    assert path.read_text() == f"{os.getpid()} test-secret-key\n"


def test_without_redis_the_worker_command_says_it_is_not_needed(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1 and "REDIS_URL is not set" in result.output


def test_a_worker_whose_redis_hangs_reconnects_with_back_off(app, hanging_server, monkeypatch):
    app.config.update(REDIS_URL=hanging_server.redis_url, JOB_HEARTBEAT_SECONDS=1,
                      REDIS_TIMEOUT_SECONDS=0.2)
    waits: list[float] = []
    monkeypatch.setattr(jobs, "_pause", waits.append)
    outcome: list[BaseException] = []

    def work():
        try:
            run_worker(app, burst=True)
        except BaseException as error:  # handed to the test thread
            outcome.append(error)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(60)  # generous: each attempt waits one heartbeat plus a second
    assert not worker.is_alive()
    [error] = outcome
    assert isinstance(error, JobError) and "did not answer after 3 attempts" in str(error)
    assert waits == [1, 2]  # back-off between the three connections
    assert len(hanging_server.connections) == 3  # a fresh connection each time


@pytest.mark.redis
def test_with_redis_a_job_waits_for_a_worker_and_runs_in_its_app(queue_app, test_jobs, tmp_path):
    path = tmp_path / "ran"
    with queue_app.app_context():
        enqueue("test_record", str(path), job_id="test-record-1")
        queue = jobs.rq_queue()
    assert not path.exists() and queue.count == 1
    assert run_worker(queue_app, burst=True)
    pid, key = path.read_text().split()
    assert key == "test-secret-key" and int(pid) != os.getpid()  # in RQ's work horse
    assert Job.fetch("test-record-1", connection=queue.connection).is_finished


@pytest.mark.redis
def test_a_job_whose_worker_is_killed_is_run_again_by_the_next_worker(queue_app, database_url,
                                                                      redis_url, tmp_path):
    path = tmp_path / "runs"
    jobs.rq_queue(queue_app).enqueue(slow_job, str(path), job_id="test-slow-1", **jobs.rq_options())
    env = node_env(database_url, redis_url, SECRET_KEY="test-secret-key")
    first = start_worker("worker-1", env, tmp_path)
    try:
        _wait_for(path.exists, 60, first)
        killed = kill_tree(first)
        assert len(killed) >= 2  # the worker and its work horse
        second = start_worker("worker-2", env, tmp_path)
        try:
            _wait_for(lambda: len(path.read_text().splitlines()) == 2, 60, second)
            _wait_for(lambda: Job.fetch("test-slow-1", connection=_redis(redis_url)).is_finished,
                      30, second)
        finally:
            kill_tree(second)
    finally:
        kill_tree(first)
    assert Job.fetch("test-slow-1", connection=_redis(redis_url)).retries_left == jobs.RETRIES - 1


def _redis(url: str) -> Redis:
    return Redis.from_url(url)


def _wait_for(predicate, timeout: float, node) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s; {node.name}'s log:\n{node.log_tail()}")


@pytest.mark.redis
def test_the_heartbeat_marks_a_silent_job_abandoned_within_three_beats(queue_app):
    worker = jobs.worker_class()([jobs.rq_queue(queue_app)], connection=jobs.redis_connection(queue_app),
                                 job_monitoring_interval=10)
    job = Job.create(print, connection=worker.connection, timeout=3600)
    assert worker.get_heartbeat_ttl(job) == 30
