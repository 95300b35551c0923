"""Benchmark: the open-data API against the public neighbourhood page, under gunicorn.

    python bench/bench_api.py [--duration S] [--clients N] [--workers N] [--threads N]

On loopback, in one run:

1. A fresh SQLite database in a temporary directory with the synthetic demo (`seed_demo`: three
   past waves of 1,500 responses each, PACT activity for every neighbourhood).
2. gunicorn serves ``portal.create_app`` plus a bare route (``/bench/bare``), with the API's
   per-address limit raised for the single loopback address.
3. ``--clients`` keep-alive connections (asyncio, the client of ``bench_survey.py``) drive, each
   round-robin over every neighbourhood:
   * the bare route (the server's ceiling);
   * **API cold**: ``/api/v1/waves/<wave>/indicators?neighbourhood=<slug>`` straight after start,
     so each worker weights and estimates the wave once (the analysis cache is empty);
   * **API warm**: the same URLs for ``--duration`` seconds;
   * **page**: ``/neighbourhoods/<slug>`` (the public PACT page) for ``--duration`` seconds;
   * **API 304**: the warm URLs with ``If-None-Match`` (a client polling for changes).
4. It prints requests per second, p50 and p99 for each, and the server's CPU ms per request.

Targets (issue 16): the warm API at least as fast as the HTML page; warm p99 under 50 ms on an
idle machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_survey import (  # noqa: E402 - after the path set-up
    Connection,
    Run,
    balance,
    free_port,
    run_bare,
    server_cpu_seconds,
)

WAVE = "2010-11"

APP_MODULE = textwrap.dedent('''
    import os

    from portal import create_app

    app = create_app({{
        "DATABASE_URL": {url!r},
        "SECRET_KEY": {secret!r},
        "LOG_LEVEL": "WARNING",
        "SESSION_COOKIE_SECURE": False,
        "API_RATE_LIMIT": (1_000_000_000, 60),
    }})


    @app.get("/bench/bare")
    def bare():
        return "ok", 200, {{"X-Worker": str(os.getpid())}}
''')


# Signs and places the links in the demo's outbox, which this benchmark never follows.
def demo_config() -> dict:
    """The settings a real app would have, with the demo's links signed by a key of the bench's own."""
    from portal.core.config import settings_from_env

    return settings_from_env(Path(tempfile.gettempdir()), {"SECRET_KEY": "bench-demo-links",
                                                           "PUBLIC_BASE_URL": "http://127.0.0.1:5000"})


def prepare_database(url: str) -> list[str]:
    """The demo data; returns the neighbourhood slugs."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from demo import seed_demo
    from portal.core.clock import utcnow
    from portal.models import Base, Neighbourhood

    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        seed_demo(session, demo_config(), utcnow())
        session.commit()
        slugs = list(session.scalars(select(Neighbourhood.slug).order_by(Neighbourhood.slug)))
    engine.dispose()
    return slugs


def start_server(directory: Path, url: str, port: int, workers: int, threads: int):
    import subprocess

    (directory / "bench_app.py").write_text(APP_MODULE.format(url=url, secret=secrets.token_hex(16)))
    env = {**os.environ, "PYTHONPATH": f"{directory}{os.pathsep}{REPO}", "PORTAL_ENV": "development"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30",
               "--timeout", "120", "--log-level", "warning", "--chdir", str(directory),
               "bench_app:app"]
    server = subprocess.Popen(command, env=env, cwd=directory)
    import socket

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


async def run_paths(name: str, connections: list[Connection], paths: list[str], duration: float,
                    expect: int = 200, headers_for=None, once: bool = False) -> Run:
    """Each client walks `paths` round-robin (from its own offset) until `duration` is over, or
    (once=True) requests each path once between all the clients."""
    run = Run(name)
    stop = time.monotonic() + duration
    queue = list(paths)

    async def client(index: int, connection: Connection):
        i = index
        while (queue if once else time.monotonic() < stop):
            path = queue.pop() if once else paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                status = (await get_with(connection, path, headers_for(path)) if headers_for
                          else (await connection.request("GET", path))[0])
            except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
                run.errors.append(repr(error))
                connection.close()
                continue
            if status == expect:
                run.latencies.append(time.perf_counter() - started)
            else:
                run.errors.append(f"{path}: status {status}")

    began = time.monotonic()
    await asyncio.gather(*(client(i, c) for i, c in enumerate(connections)))
    run.elapsed = time.monotonic() - began
    return run


async def get_with(connection: Connection, path: str, extra: dict[str, str]) -> int:
    """GET with extra request headers (If-None-Match) on the survey benchmark's connection;
    returns the status (a 304 has no body)."""
    if connection.writer is not None and connection.reader.at_eof():
        connection.close()
    if connection.writer is None:
        connection.reader, connection.writer = await asyncio.open_connection("127.0.0.1",
                                                                             connection.port)
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive",
             *(f"{k}: {v}" for k, v in extra.items())]
    connection.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await connection.writer.drain()
    status = int((await connection.reader.readline()).split()[1])
    length = 0
    while True:
        line = (await connection.reader.readline()).decode("latin-1").rstrip("\r\n")
        if not line:
            break
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
    if length:
        await connection.reader.readexactly(length)
    return status


async def etags(port: int, paths: list[str]) -> dict[str, str]:
    connection = Connection(port)
    found = {}
    for path in paths:
        _, headers, _ = await connection.request("GET", path)
        found[path] = headers["etag"]
    connection.close()
    return found


async def measure(server, port: int, slugs: list[str], clients: int, duration: float,
                  workers: int) -> list[Run]:
    connections = [Connection(port) for _ in range(clients)]
    await run_bare(connections, 1.0)
    split = await balance(connections, port, workers)
    print(f"connections per gunicorn worker: {' / '.join(map(str, split.values()))}", flush=True)
    api = [f"/api/v1/waves/{WAVE}/indicators?neighbourhood={s}" for s in slugs]
    pages = [f"/neighbourhoods/{s}" for s in slugs]
    runs = []

    async def timed(coroutine):
        cpu = server_cpu_seconds(server.pid)
        run = await coroutine
        run.server_cpu = server_cpu_seconds(server.pid) - cpu
        runs.append(run)
        print(f"  {run.name}: {run.rate:.0f}/s", flush=True)

    await timed(run_bare(connections, duration))
    # Cold: every client asks for a neighbourhood at once; each worker builds the analysis once.
    await timed(run_paths("API cold   first request of each client", connections,
                          (api * clients)[:clients], duration, once=True))
    await timed(run_paths("API warm   GET indicators?neighbourhood=", connections, api, duration))
    await timed(run_paths("page       GET /neighbourhoods/<slug>", connections, pages, duration))
    tags = await etags(port, api)
    await timed(run_paths("API 304    same, If-None-Match", connections, api, duration, expect=304,
                          headers_for=lambda path: {"If-None-Match": tags[path]}))
    for connection in connections:
        connection.close()
    return runs


def report(runs: list[Run], clients: int, workers: int, threads: int) -> bool:
    print()
    print(f"gunicorn {workers} workers x {threads} threads (gthread), {clients} concurrent keep-alive "
          f"clients on loopback, {os.cpu_count()} CPUs shared with the load process; SQLite (WAL), "
          f"demo data; machine load average {os.getloadavg()[0]:.1f}")
    print(f"{'route':48} {'requests':>9} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'server CPU ms/req':>18}")
    for run in runs:
        print(f"{run.name:48} {len(run.latencies):9,d} {run.rate:8.0f} {run.percentile(50):8.1f} "
              f"{run.percentile(99):8.1f} {len(run.errors):7d} {run.cpu_ms_per_request:18.2f}")
    by = {r.name.split()[0] + (" " + r.name.split()[1] if r.name.startswith("API") else ""): r
          for r in runs}
    warm, page = by["API warm"], by["page"]
    checks = {
        "warm API at least as fast as the HTML page": warm.rate >= page.rate,
        "warm API p99 under 50 ms (idle machine)": warm.percentile(99) < 50,
        "no errors": not any(r.errors for r in runs),
    }
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'MISSED'}] {name}")
    for error in [e for r in runs for e in r.errors][:5]:
        print(f"  error: {error}")
    return all(checks.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run (max 120)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    duration = min(max(args.duration, 1.0), 120.0)
    with tempfile.TemporaryDirectory(prefix="bench-api-") as temp:
        directory = Path(temp)
        url = f"sqlite:///{directory / 'bench.sqlite3'}"
        print("loading the demo data ...", flush=True)
        slugs = prepare_database(url)
        port = free_port()
        server = start_server(directory, url, port, args.workers, args.threads)
        try:
            runs = asyncio.run(measure(server, port, slugs, args.clients, duration, args.workers))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    return 0 if report(runs, args.clients, args.workers, args.threads) else 1


if __name__ == "__main__":
    sys.exit(main())
