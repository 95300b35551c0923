"""Background jobs: one small interface, two runners.

Work that can take more than a couple of seconds (a wave's report batch, bulk invitations and
reminders) is started with ``enqueue("report_batch", run_id)``; the job's function is named in
`JOBS` and runs inside an app context with its own database sessions.

- ``REDIS_URL`` set: the job goes to the RQ queue ``voicebox`` on Redis and a worker started with
  ``flask --app portal worker`` (any number of them, on any server) runs it. A job whose worker
  dies (SIGKILL, a lost machine) stops sending heartbeats; after ``3 × JOB_HEARTBEAT_SECONDS``
  RQ's abandoned-job handling, run by any idle worker every ``JOB_HEARTBEAT_SECONDS``, puts it
  back on the queue while its retries last. Job functions are therefore idempotent: they record
  their progress in the database and a second run carries on from there.
- unset (the demo, a single process): the job runs in a thread of the app process, as before the
  queue, so nothing but the app is needed.

Arguments are plain JSON values (ids, strings), never objects: a job may run on another server
long after it was queued, and it must re-read what it works on.

Redis that hangs instead of answering: the app's client gives up after REDIS_TIMEOUT_SECONDS (so a
request that enqueues waits that long at most and gets a RedisError), and a worker whose Redis
stops answering reconnects with back-off instead of quitting (`run_worker`).
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import time
from collections.abc import Callable

from flask import Flask, current_app

log = logging.getLogger(__name__)

QUEUE_NAME = "voicebox"
JOBS = {
    "report_batch": "portal.reports.jobs:run_batch",
    "panel_invitations": "portal.survey.jobs:send_invitations_job",
    "panel_reminders": "portal.survey.jobs:send_reminders_job",
    "retention_run": "portal.privacy.retention:retention_job",
    "follow_ups_send": "portal.pact.follow_up:follow_ups_job",
    "mail_deliver": "portal.core.mail:deliver_job",
    "postcodes_import": "portal.areas.jobs:postcodes_import_job",
}
RETRIES = 3  # runs after the first when a worker dies under a job
JOB_TIMEOUT = 4 * 3600  # seconds; a whole wave's batch takes minutes, never hours
RESULT_TTL = 24 * 3600  # keep finished and failed job records a day for `rq info`

RECONNECT_SECONDS = (1, 30)  # a worker's first wait before reconnecting to Redis, and the longest
BURST_RECONNECTS = 3  # a burst worker gives up after this many reconnections in a row
_worker: dict = {}  # the worker process's app and pid (set by `run_worker`)
_pause = time.sleep  # the worker's wait between reconnections (tests replace it)


class JobError(RuntimeError):
    """A job that cannot be queued or run as asked; the message says what to fix."""


def job_function(name: str) -> Callable:
    """The function behind a job name (JobError for a name not in `JOBS`)."""
    try:
        module, _, attribute = JOBS[name].partition(":")
    except KeyError:
        raise JobError(f"Unknown job {name!r}. Jobs: {', '.join(sorted(JOBS))}") from None
    return getattr(importlib.import_module(module), attribute)


def this_app() -> Flask:
    """The app behind `current_app`, to hand to a thread or a worker that outlives the request."""
    return current_app._get_current_object()  # type: ignore[attr-defined]


def enqueue(name: str, *args, job_id: str | None = None, app: Flask | None = None) -> None:
    """Run job ``name`` with ``args`` in the background: on Redis when REDIS_URL is set, else in
    a thread of this process."""
    app = app or this_app()
    job_function(name)  # an unknown name fails here, in the request, not later in a worker
    if app.config.get("REDIS_URL"):
        rq_queue(app).enqueue(perform, name, *args, job_id=job_id, description=f"{name}{args}",
                              **rq_options())
        return
    thread = threading.Thread(target=_run_embedded, args=(app, name, args), daemon=True,
                              name=f"job-{name}")
    with _lock:
        _threads(app).add(thread)
    thread.start()


# --- the embedded runner -------------------------------------------------------------------

_lock = threading.Lock()


def _threads(app: Flask) -> set[threading.Thread]:
    return app.extensions.setdefault("job_threads", set())


def _run_embedded(app: Flask, name: str, args: tuple) -> None:
    try:
        with app.app_context():
            job_function(name)(*args)
    except Exception:  # a thread has no caller to raise to; the job's own row says it failed
        log.exception("background job %s%s failed", name, args)
    finally:
        with _lock:
            _threads(app).discard(threading.current_thread())


def wait_for_jobs(app: Flask, timeout: float = 120) -> None:
    """Wait for the embedded runner's jobs to finish (tests, and shutting down cleanly)."""
    while True:
        with _lock:
            running = list(_threads(app))
        if not running:
            return
        for thread in running:
            thread.join(timeout)
            if thread.is_alive():
                raise JobError(f"Job thread {thread.name} still running after {timeout} s")


# --- the Redis runner ----------------------------------------------------------------------

def redis_connection(app: Flask | None = None):
    """The app's Redis client (one per app and process)."""
    from redis import Redis

    app = app or current_app
    key = f"redis-{os.getpid()}"
    if key not in app.extensions:
        timeout = app.config["REDIS_TIMEOUT_SECONDS"]
        app.extensions[key] = Redis.from_url(app.config["REDIS_URL"], socket_timeout=timeout,
                                             socket_connect_timeout=timeout)
    return app.extensions[key]


def rq_queue(app: Flask | None = None):
    return rq_queue_on(redis_connection(app))


def rq_queue_on(connection):
    from rq import Queue
    from rq.serializers import JSONSerializer

    return Queue(QUEUE_NAME, connection=connection, serializer=JSONSerializer)


def rq_options() -> dict:
    """How every job is queued: retried when its worker dies, kept a day for `rq info`."""
    from rq import Retry

    return {"retry": Retry(max=RETRIES), "job_timeout": JOB_TIMEOUT, "result_ttl": RESULT_TTL,
            "failure_ttl": RESULT_TTL}


def perform(name: str, *args):
    """RQ's entry point for every job: runs ``name`` inside the worker's app context.

    The worker forks a process per job; the app's pooled database connections belong to the
    parent, so the child forgets them (without closing them) and opens its own.
    """
    from portal import create_app
    from portal.core.extensions import db

    app = _worker.get("app") or create_app()
    with app.app_context():
        if _worker.get("pid") not in (None, os.getpid()):
            db.engine.dispose(close=False)
        return job_function(name)(*args)


def worker_class(socket_timeout: float | None = None):
    """RQ's forking worker with a heartbeat short enough that a dead worker's job is noticed in
    seconds (RQ's own margin is a minute or more), and that notes when it stopped because Redis
    stopped answering (`redis_lost`: RQ itself just quits). `socket_timeout` (seconds, at least
    the blocking dequeue's wait) replaces RQ's dequeue plus 10 s."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
    from rq import Worker

    class PortalWorker(Worker):
        redis_lost = False

        @property
        def connection_timeout(self):
            return super().connection_timeout if socket_timeout is None else socket_timeout

        def get_heartbeat_ttl(self, job) -> int:
            interval = self.job_monitoring_interval
            if job.timeout and job.timeout > 0:
                interval = int(min(job.timeout - self.current_job_working_time, interval))
            return max(1, interval) + 2 * self.job_monitoring_interval

        def dequeue_job_and_maintain_ttl(self, timeout, max_idle_time=None):
            try:
                return super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)
            except (RedisConnectionError, RedisTimeoutError):
                self.redis_lost = True
                raise RedisTimeoutError("Redis stopped answering") from None

    return PortalWorker


def run_worker(app: Flask, *, burst: bool = False, name: str | None = None) -> bool:
    """Run an RQ worker on the app's queue until stopped (or, with ``burst``, until it is empty).

    When Redis stops answering (refused, or hanging past its socket timeout) the worker waits and
    reconnects, doubling the wait up to `RECONNECT_SECONDS[1]`; a burst worker gives up (JobError)
    after `BURST_RECONNECTS` failed reconnections in a row."""
    from redis.exceptions import RedisError

    if not app.config.get("REDIS_URL"):
        raise JobError("REDIS_URL is not set: without it jobs run inside the app process and no "
                       "worker is needed. Set REDIS_URL=redis://host:6379/0 on the app servers "
                       "and the workers.")
    _worker.update(app=app, pid=os.getpid())
    wait, failures = RECONNECT_SECONDS[0], 0
    try:
        while True:
            try:
                worker = _new_worker(app, name)
                worked = worker.work(burst=burst, logging_level=app.config.get("LOG_LEVEL", "INFO"),
                                     with_scheduler=False)
                if not worker.redis_lost or worker._stop_requested:  # RQ's flag: SIGTERM/SIGINT
                    return worked
                failures = 0  # it had reached Redis: start the back-off again
                error: Exception = RedisError("Redis stopped answering")
            except RedisError as lost:  # while registering or signing off
                error, failures = lost, failures + 1
            if burst and failures >= BURST_RECONNECTS:
                raise JobError(f"Redis at {app.config['REDIS_URL']} did not answer after "
                               f"{failures} attempts: {error}") from None
            log.warning("worker lost Redis (%s); reconnecting in %s s", error, wait)
            _pause(wait)
            wait = min(wait * 2, RECONNECT_SECONDS[1])
    finally:
        _worker.clear()


def _new_worker(app: Flask, name: str | None):
    """A worker on a fresh Redis client. Its socket timeout is RQ's blocking dequeue (one
    heartbeat) plus REDIS_TIMEOUT_SECONDS, so a hung Redis is noticed within a few seconds (RQ
    would otherwise raise it to the dequeue plus 10 s)."""
    from redis import Redis
    from rq.serializers import JSONSerializer

    heartbeat = app.config["JOB_HEARTBEAT_SECONDS"]
    timeout = app.config["REDIS_TIMEOUT_SECONDS"]
    connection = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=timeout,
                                socket_timeout=heartbeat + max(1.0, timeout))
    worker_type = worker_class(socket_timeout=heartbeat + max(1.0, timeout))
    return worker_type([rq_queue_on(connection)], connection=connection, serializer=JSONSerializer, name=name,
                       job_monitoring_interval=heartbeat, maintenance_interval=heartbeat,
                       worker_ttl=heartbeat + 15)  # RQ waits worker_ttl - 15 s per dequeue
