"""Benchmark: complete survey responses posted through the real app under gunicorn.

    python bench/bench_survey.py [--rate R] [--duration S] [--database-url URL] [--clients N]
                                 [--workers N] [--threads N]

What it does, all on loopback:

1. A fresh database (SQLite in a temporary directory unless ``--database-url`` names an empty
   PostgreSQL database), with the demo's neighbourhoods, an open wave of the standard questionnaire
   and an app with production settings (CSRF on, per-address limits on but set high enough for one
   loopback address, request logging at WARNING).
2. gunicorn serves ``portal.create_app`` plus one bare route (``/bench/bare``, returns ``ok``), so
   both go through the same server, middleware, session cookie and security headers.
3. A separate load process (this script, asyncio, ``--clients`` concurrent keep-alive connections)
   first drives the bare route for ``--duration`` seconds, then the survey:
   * preparation (untimed): for each response, a draft holding a complete, valid set of answers
     (from the synthetic generator) is created with ``portal.survey.drafts``; the client follows
     its private resume link and opens "Check your answers" to get the session cookie and CSRF
     token, exactly as a resident's browser would;
   * timed: each client POSTs "Send answers" (``/survey/<wave>/check``) for its prepared
     responses; the app validates the whole response against the questionnaire, applies the rate
     limit, claims the draft and inserts the response in one transaction, and redirects (302).
4. Requests are offered at a fixed rate (``--rate``, default 50 a second: a busy partnership's
   peak is far below that) spread over the clients: request ``i`` is due ``i / rate`` seconds after
   the start, and its latency is counted from when it was due, so a server that falls behind shows
   it in p99 rather than by quietly being offered less (no "coordinated omission"). ``--rate 0``
   offers as fast as the clients go instead (a capacity test).
5. It prints the achieved rate and p50/p99 latency next to the bare route's at the same offered
   rate, checks there were no errors, and counts the responses in the database (every accepted
   response must be there, once). It also prints the server's CPU milliseconds per request
   (gunicorn's processes, from /proc): a figure that other work on the machine disturbs less than
   latency does.

Targets: the offered rate achieved, p99 under 100 ms at 32 clients on an idle machine, no errors,
every accepted response stored once. (An earlier target, survey throughput at least half the bare
route's at full speed, was retired: see issue 12.)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

WAVE_SLUG = "bench-wave"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- database and prepared drafts


def prepare_database(url: str) -> None:
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from demo.responses import NEIGHBOURHOOD_LIST
    from portal.models import Base, Neighbourhood, Wave
    from portal.survey.waves import open_wave

    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        if session.scalar(select(Wave).where(Wave.slug == WAVE_SLUG)) is not None:
            raise SystemExit(f"{url} already holds a benchmark wave: give an empty database")
        for nb in NEIGHBOURHOOD_LIST:
            if session.scalar(select(Neighbourhood).where(Neighbourhood.slug == nb.slug)) is None:
                session.add(Neighbourhood(slug=nb.slug, name=nb.name, area_class=nb.area_class))
        session.flush()
        open_wave(session, slug=WAVE_SLUG, name="Benchmark wave",
                  questionnaire_slug="crime-and-community-safety", questionnaire_version=1,
                  opens_on=date.today() - timedelta(days=1), closes_on=date.today() + timedelta(days=30),
                  panel_mode=False, open_link_mode=True)
        session.commit()
    engine.dispose()


def prepare_drafts(url: str, count: int, seed: int = 7) -> list[str]:
    """``count`` drafts with complete synthetic answers, ready to submit; returns resume tokens."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from demo.responses import generate_responses
    from portal.models import Wave
    from portal.survey import drafts

    frame = generate_responses(count, seed=seed)
    meta = {"response_id", "wave", "mode", "submitted_at"}
    engine = create_engine(url)
    tokens = []
    with Session(engine) as session:
        wave = session.scalar(select(Wave).where(Wave.slug == WAVE_SLUG))
        for row in frame.to_dict("records"):
            answers = {k: v for k, v in row.items() if k not in meta and isinstance(v, str) and v}
            draft, _ = drafts.start_draft(session, wave)
            drafts.save_answers(draft, answers, "check")
            tokens.append(drafts.issue_resume_token(draft))
        session.commit()
    engine.dispose()
    return tokens


def count_responses(url: str) -> int:
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import Session

    from portal.models import Response, Wave

    engine = create_engine(url)
    with Session(engine) as session:
        wave_id = session.scalar(select(Wave.id).where(Wave.slug == WAVE_SLUG))
        total = session.scalar(select(func.count()).select_from(Response).where(Response.wave_id == wave_id))
    engine.dispose()
    return total


# ---------------------------------------------------------------- server


APP_MODULE = textwrap.dedent('''
    import os

    from portal import create_app

    app = create_app({{
        "DATABASE_URL": {url!r},
        "SECRET_KEY": {secret!r},
        "LOG_LEVEL": "WARNING",
        "SESSION_COOKIE_SECURE": False,
        "SURVEY_START_LIMIT": (1_000_000, 3600),
        "SURVEY_SUBMIT_LIMIT": (1_000_000, 3600),
        **{extra!r},
    }})


    @app.get("/bench/bare")
    def bare():
        return "ok", 200, {{"X-Worker": str(os.getpid())}}
''')


def write_app(directory: Path, url: str, extra: dict | None = None) -> None:
    """``bench_app.py`` in ``directory``: the app on ``url`` with ``extra`` settings. Every server
    started from it shares its secret key, so a session cookie from one is good on the others."""
    (directory / "bench_app.py").write_text(APP_MODULE.format(url=url, secret=secrets.token_hex(16),
                                                              extra=extra or {}))


def start_server(directory: Path, port: int, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn serving ``bench_app:app`` (see ``write_app``) on ``port``, once it accepts connections."""
    env = {**os.environ, "PYTHONPATH": f"{directory}{os.pathsep}{REPO}", "PORTAL_ENV": "development"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30",
               "--log-level", "warning", "--chdir", str(directory), "bench_app:app"]
    server = subprocess.Popen(command, env=env, cwd=directory)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn exited during start-up") from None
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start within 30 s")


# ---------------------------------------------------------------- load client


class Connection:
    """One keep-alive HTTP/1.1 connection with its own cookie."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.cookie = ""

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, dict, bytes]:
        if self.writer is not None and self.reader.at_eof():
            self.close()  # the server closed it while idle (keep-alive timeout), as browsers expect
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        headers = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
        if self.cookie:
            headers.append(f"Cookie: {self.cookie}")
        if method == "POST":
            headers += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}",
                        f"Origin: http://127.0.0.1:{self.port}", f"Referer: http://127.0.0.1:{self.port}/"]
        self.writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        response_headers: dict[str, str] = {}
        while True:
            line = (await self.reader.readline()).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            name = name.lower()
            if name == "set-cookie":
                self.cookie = value.strip().split(";", 1)[0]
            response_headers[name] = value.strip()
        if "content-length" in response_headers:
            data = await self.reader.readexactly(int(response_headers["content-length"]))
        else:
            data = await self.reader.read()
            self.close()
        if response_headers.get("connection", "").lower() == "close":
            self.close()
        return status, response_headers, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def server_cpu_seconds(server_pid: int) -> float:
    """CPU seconds used so far by gunicorn's master and workers (from /proc; 0 where unavailable)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == server_pid or int(fields[1]) == server_pid:  # fields[1]: parent pid
            total += int(fields[11]) + int(fields[12])  # user + system ticks
    return total / ticks


class Schedule:
    """When each request of a run is due: every ``1 / rate`` seconds from the start, whichever client
    is free to send it (``rate`` 0: as soon as a client is free). Latency is measured from the due
    time, so requests that wait for a free client count that wait."""

    def __init__(self, rate: float, duration: float):
        self.rate = rate
        self.began = time.monotonic()
        self.stop = self.began + duration
        self.issued = 0

    async def next_due(self) -> float | None:
        """Wait until the next request is due and return its due time; None once the run is over."""
        if not self.rate:
            now = time.monotonic()
            return None if now >= self.stop else now
        due = self.began + self.issued / self.rate
        self.issued += 1
        if due >= self.stop:
            return None
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        return due


@dataclass
class Run:
    name: str
    offered: float = 0.0  # requests a second offered (0: as fast as the clients go)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    server_cpu: float = 0.0  # seconds of server CPU during the run

    @property
    def cpu_ms_per_request(self) -> float:
        return self.server_cpu / len(self.latencies) * 1000 if self.latencies else float("nan")

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


async def run_bare(connections: list[Connection], duration: float, rate: float = 0.0) -> Run:
    run = Run("bare route  GET /bench/bare", offered=rate)
    schedule = Schedule(rate, duration)

    async def client(connection: Connection):
        connection.cookie = ""
        while (due := await schedule.next_due()) is not None:
            try:
                status, _, body = await connection.request("GET", "/bench/bare")
            except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
                run.errors.append(repr(error))
                connection.close()
                continue
            if status == 200 and body == b"ok":
                run.latencies.append(time.monotonic() - due)
            else:
                run.errors.append(f"status {status}")

    await asyncio.gather(*(client(connection) for connection in connections))
    run.elapsed = time.monotonic() - schedule.began
    return run


@dataclass
class Prepared:
    cookie: str
    csrf: str


async def prepare_sessions(port: int, tokens: list[str], clients: int) -> list[Prepared]:
    """Follow each resume link and open Check your answers, as a browser would (not timed)."""
    prepared: list[Prepared] = []
    queue = list(tokens)

    async def client():
        while queue:
            token = queue.pop()
            connection = Connection(port)
            status, headers, _ = await connection.request("GET", f"/survey/resume/{token}")
            if status != 302 or not headers.get("location", "").endswith(f"/survey/{WAVE_SLUG}/check"):
                raise SystemExit(f"resume link gave {status} {headers.get('location')}")
            status, _, body = await connection.request("GET", f"/survey/{WAVE_SLUG}/check")
            match = CSRF.search(body.decode())
            if status != 200 or not match:
                raise SystemExit(f"check page gave {status}")
            prepared.append(Prepared(connection.cookie, match.group(1)))
            connection.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return prepared


async def run_survey(connections: list[Connection], prepared: list[Prepared], duration: float,
                     rate: float = 0.0) -> Run:
    run = Run("survey      POST /survey/<wave>/check (complete response)", offered=rate)
    waiting = iter(prepared)  # shared by the clients: each takes the next prepared response
    schedule = Schedule(rate, duration)

    async def client(connection: Connection):
        for item in waiting:
            due = await schedule.next_due()
            if due is None:
                break
            connection.cookie = item.cookie
            body = f"csrf_token={item.csrf}&website=".encode()
            try:
                status, headers, _ = await connection.request("POST", f"/survey/{WAVE_SLUG}/check", body)
            except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
                run.errors.append(repr(error))
                connection.close()
                continue
            if status == 302 and headers.get("location", "").endswith("/thank-you"):
                run.latencies.append(time.monotonic() - due)
            else:
                run.errors.append(f"status {status} {headers.get('location', '')}")

    await asyncio.gather(*(client(connection) for connection in connections))
    run.elapsed = time.monotonic() - schedule.began
    if len(run.latencies) + len(run.errors) >= len(prepared):
        run.errors.append(f"ran out of prepared responses ({len(prepared):,}): the offered rate was not kept")
    return run


# ---------------------------------------------------------------- main


async def balance(connections: list[Connection], port: int, workers: int) -> dict[str, int]:
    """Spread the keep-alive connections evenly over the gunicorn workers; returns the split.

    Which worker accepts a connection is up to the workers' accept loops, and an uneven split
    (say 28 and 4) leaves one worker's core idle, which moves the bare route's rate between runs by
    a factor of two. New connections are opened until each worker holds its share, so every run
    measures the same thing.
    """
    async def worker_of(connection: Connection) -> str:
        _, headers, _ = await connection.request("GET", "/bench/bare")
        return headers.get("x-worker", "?")

    owners = [await worker_of(connection) for connection in connections]
    share = -(-len(connections) // workers)  # ceiling
    for _ in range(50 * len(connections)):
        counts = {pid: owners.count(pid) for pid in set(owners)}
        crowded = [i for i, pid in enumerate(owners) if counts[pid] > share]
        if not crowded:
            break
        spare = Connection(port)
        pid = await worker_of(spare)
        if counts.get(pid, 0) < share:
            connections[crowded[0]].close()
            connections[crowded[0]], owners[crowded[0]] = spare, pid
        else:
            spare.close()
    return {pid: owners.count(pid) for pid in sorted(set(owners))}


async def measure(server: subprocess.Popen, port: int, url: str, clients: int, duration: float,
                  max_responses: int, workers: int, rate: float) -> tuple[Run, Run, int]:
    """Both runs over the same keep-alive connections, spread evenly over the gunicorn workers."""
    connections = [Connection(port) for _ in range(clients)]
    await run_bare(connections, 1.0)  # warm-up: imports, connections
    split = await balance(connections, port, workers)
    print(f"connections per gunicorn worker: {' / '.join(map(str, split.values()))}", flush=True)
    cpu = server_cpu_seconds(server.pid)
    bare = await run_bare(connections, duration, rate)
    bare.server_cpu = server_cpu_seconds(server.pid) - cpu
    # Enough prepared responses to keep going at the offered rate (or the bare route's) throughout.
    count = min(max_responses, int((rate or bare.rate) * duration) + clients)
    print(f"bare route: {bare.rate:.0f} requests/s; preparing {count:,} complete responses ...",
          flush=True)
    tokens = prepare_drafts(url, count + clients)  # the idle connections stay open meanwhile
    warm = await prepare_sessions(port, tokens[:clients], clients)
    await run_survey(connections, warm, duration)  # warm-up of the submit path
    prepared = await prepare_sessions(port, tokens[clients:], clients)
    before = count_responses(url)
    cpu = server_cpu_seconds(server.pid)
    survey = await run_survey(connections, prepared, duration, rate)
    survey.server_cpu = server_cpu_seconds(server.pid) - cpu
    for connection in connections:
        connection.close()
    return bare, survey, before


def report(bare: Run, survey: Run, stored: int, clients: int, workers: int, threads: int,
           database: str) -> bool:
    print()
    offered = (f"offered {survey.offered:g} requests a second" if survey.offered
               else "offered as fast as they go")
    print(f"gunicorn {workers} workers x {threads} threads (gthread), {clients} concurrent keep-alive "
          f"clients on loopback ({offered}), {os.cpu_count()} CPUs shared with the load process; "
          f"database: {database}")
    print(f"{'route':58} {'requests':>9} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'server CPU ms/req':>18}")
    for run in (bare, survey):
        print(f"{run.name:58} {len(run.latencies):9,d} {run.rate:8.1f} {run.percentile(50):8.1f} "
              f"{run.percentile(99):8.1f} {len(run.errors):7d} {run.cpu_ms_per_request:18.2f}")
    print(f"machine load average {os.getloadavg()[0]:.1f}; responses in the database: {stored:,} "
          f"(accepted: {len(survey.latencies):,})")
    checks = {
        "no errors": not bare.errors and not survey.errors,
        "every accepted response stored, once": stored == len(survey.latencies),
        "survey p99 under 100 ms": survey.percentile(99) < 100,
    }
    if survey.offered:
        checks["offered rate achieved (at least 95%)"] = survey.rate >= 0.95 * survey.offered
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'MISSED'}] {name}")
    for error in (bare.errors + survey.errors)[:5]:
        print(f"  error: {error}")
    return all(checks.values())


def main(argv: list[str] | None = None) -> int:
    from portal.core.config import normalise_database_url  # postgresql:// URLs are driven with psycopg 3

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0,
                        help="requests offered a second (0: as fast as the clients go)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per measured run (max 120)")
    parser.add_argument("--database-url", help="an EMPTY database to use (default: SQLite in a temp dir)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--max-responses", type=int, default=20000,
                        help="cap on prepared responses (bounds the run)")
    args = parser.parse_args(argv)
    duration = min(max(args.duration, 1.0), 120.0)

    with tempfile.TemporaryDirectory(prefix="bench-survey-") as temp:
        directory = Path(temp)
        url = (normalise_database_url(args.database_url) if args.database_url
               else f"sqlite:///{directory / 'bench.sqlite3'}")
        prepare_database(url)
        port = free_port()
        write_app(directory, url)
        server = start_server(directory, port, args.workers, args.threads)
        try:
            bare, survey, before = asyncio.run(measure(server, port, url, args.clients, duration,
                                                       args.max_responses, args.workers,
                                                       max(args.rate, 0.0)))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        stored = count_responses(url) - before  # the warm-up submissions are not counted
        database = "PostgreSQL" if url.startswith("postgresql") else "SQLite (WAL)"
        ok = report(bare, survey, stored, args.clients, args.workers, args.threads, database)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
