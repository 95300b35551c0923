"""Benchmark: the survey submission and the public neighbourhood page on one app server and on two.

    python bench/bench_nodes.py --database-url postgresql://USER@HOST/EMPTY_DATABASE
                                [--redis-url redis://127.0.0.1:6379/9] [--rate R] [--duration S]
                                [--clients N] [--threads N]

The deployment of "Several servers" in the README, on loopback: app servers on one PostgreSQL
database, counting the survey's per-address limits in Redis, so both servers share one count.

1. The empty PostgreSQL database gets the demo's neighbourhoods and PACT records (issues, meetings,
   priorities: what the public neighbourhood page shows; ``demo.seed_demo`` with a few
   responses) and an open benchmark wave, as in ``bench_survey.py``.
2. Then, first with one app server and then with two (each a gunicorn master with one worker
   process of ``--threads`` threads on a port of its own; ``REDIS_URL`` set, limits high enough for
   one loopback address but counted), ``--clients`` keep-alive connections split evenly over the
   servers, as a load balancer would:
   * ``GET /neighbourhoods/<slug>``, cycling over the neighbourhoods;
   * "Send answers" for prepared complete responses, exactly as ``bench_survey.py`` sends them.
   Each at a fixed offered rate (``--rate``, default 50 a second; latency counted from when each
   request was due) for ``--duration`` seconds; ``--rate 0`` sends as fast as the clients go.
3. It prints requests a second and p50/p99 latency for each page with one server and with two,
   the errors, and checks every accepted response is in the database once.

Targets (issue 13): p99 under 100 ms for both pages on an idle machine, no errors, every accepted
response stored once.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import secrets
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_survey as survey_bench  # from the directory put on the path above
from bench_survey import Connection, Run, Schedule

SERVER_COUNTS = (1, 2)


# Signs and places the links in the demo's outbox, which this benchmark never follows.
def demo_config() -> dict:
    """The settings a real app would have, with the demo's links signed by a key of the bench's own."""
    from portal.core.config import settings_from_env

    return settings_from_env(Path(tempfile.gettempdir()), {"SECRET_KEY": "bench-demo-links",
                                                           "PUBLIC_BASE_URL": "http://127.0.0.1:5000"})


def prepare_database(url: str) -> list[str]:
    """The demo's neighbourhoods and PACT records, and the benchmark wave; returns the slugs."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from demo import seed_demo
    from portal.core.clock import utcnow
    from portal.models import Base, Neighbourhood

    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        if session.scalar(select(Neighbourhood.id).limit(1)) is not None:
            raise SystemExit(f"{url} is not empty: give an empty database")
        seed_demo(session, demo_config(), utcnow(), responses_per_wave=50)
        session.commit()
        slugs = list(session.scalars(select(Neighbourhood.slug).order_by(Neighbourhood.slug)))
    engine.dispose()
    survey_bench.prepare_database(url)
    return slugs


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        raise SystemExit(f"Redis at {url} does not answer: {error}") from None


def counted_submissions(redis_url: str, prefix: str) -> int:
    """Survey submissions counted so far in Redis under this run's key prefix (one loopback address,
    so one moving-window list holds them all, whichever server counted them)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    return sum(client.llen(key) for key in client.scan_iter(match=f"*{prefix}/SURVEY_SUBMIT_LIMIT/*"))


def forget_counts(redis_url: str, prefix: str) -> int:
    """Delete this run's limit counters from Redis (they would expire within the hour anyway)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)


# ---------------------------------------------------------------- runs


async def run_page(connections: list[Connection], slugs: list[str], duration: float, rate: float) -> Run:
    run = Run("public      GET /neighbourhoods/<slug>", offered=rate)
    schedule = Schedule(rate, duration)
    paths = itertools.cycle(f"/neighbourhoods/{slug}" for slug in slugs)

    async def client(connection: Connection):
        connection.cookie = ""
        while (due := await schedule.next_due()) is not None:
            try:
                status, _, body = await connection.request("GET", next(paths))
            except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
                run.errors.append(repr(error))
                connection.close()
                continue
            if status == 200 and b"<h1" in body:
                run.latencies.append(time.monotonic() - due)
            else:
                run.errors.append(f"status {status}")

    await asyncio.gather(*(client(connection) for connection in connections))
    run.elapsed = time.monotonic() - schedule.began
    return run


@dataclass
class Outcome:
    servers: int
    page: Run
    survey: Run
    stored: int  # responses in the database from the timed survey run
    sent: int = 0  # survey submissions sent, warm-up included
    counted: int = 0  # of them, counted by the limit in Redis


def server_cpu(pids: list[int]) -> float:
    return sum(survey_bench.server_cpu_seconds(pid) for pid in pids)


async def measure(ports: list[int], pids: list[int], url: str, slugs: list[str], clients: int,
                  duration: float, rate: float, max_responses: int) -> Outcome:
    """Both pages through ``clients`` connections spread evenly over the servers' ports."""
    connections = [Connection(ports[i % len(ports)]) for i in range(clients)]
    await survey_bench.run_bare(connections, 1.0)  # warm-up: imports, connections
    await run_page(connections, slugs, 2.0, 0.0)  # warm-up of the page
    cpu = server_cpu(pids)
    page = await run_page(connections, slugs, duration, rate)
    page.server_cpu = server_cpu(pids) - cpu
    count = min(max_responses, int((rate or page.rate) * duration) + clients)
    print(f"  {len(ports)} server(s): page done ({page.rate:.0f}/s); preparing {count:,} responses ...",
          flush=True)
    tokens = survey_bench.prepare_drafts(url, count + clients, seed=secrets.randbelow(10**6))
    # Sessions are cookies signed with the servers' shared key: prepared on one, valid on either.
    warm = await survey_bench.prepare_sessions(ports[0], tokens[:clients], clients)
    await survey_bench.run_survey(connections, warm, duration)  # warm-up of the submit path
    prepared = await survey_bench.prepare_sessions(ports[0], tokens[clients:], clients)
    before = survey_bench.count_responses(url)
    cpu = server_cpu(pids)
    submitted = await survey_bench.run_survey(connections, prepared, duration, rate)
    submitted.server_cpu = server_cpu(pids) - cpu
    stored = survey_bench.count_responses(url) - before
    for connection in connections:
        connection.close()
    sent = len(warm) + len(submitted.latencies) + len(submitted.errors)
    return Outcome(len(ports), page, submitted, stored, sent)


def run_servers(directory: Path, url: str, slugs: list[str], count: int, args, prefix: str) -> Outcome:
    counted_before = counted_submissions(args.redis_url, prefix)
    ports = [survey_bench.free_port() for _ in range(count)]
    servers = []
    try:
        for port in ports:
            servers.append(survey_bench.start_server(directory, port, 1, args.threads))
        outcome = asyncio.run(measure(ports, [server.pid for server in servers], url, slugs, args.clients,
                                      args.duration, args.rate, args.max_responses))
        outcome.counted = counted_submissions(args.redis_url, prefix) - counted_before
        return outcome
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)


# ---------------------------------------------------------------- report


def report(outcomes: list[Outcome], clients: int, threads: int, rate: float) -> bool:
    import os

    offered = f"offered {rate:g} requests a second" if rate else "offered as fast as they go"
    print()
    print(f"PostgreSQL, limits in Redis; each server one gunicorn worker process x {threads} threads; "
          f"{clients} keep-alive clients split over the servers ({offered}); {os.cpu_count()} CPUs "
          f"shared with the load process; machine load average {os.getloadavg()[0]:.1f}")
    print(f"{'servers':>7}  {'page':58} {'requests':>9} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'errors':>7} {'server CPU ms/req':>18}")
    checks: dict[str, bool] = {}
    for outcome in outcomes:
        for run in (outcome.page, outcome.survey):
            print(f"{outcome.servers:7d}  {run.name:58} {len(run.latencies):9,d} {run.rate:8.1f} "
                  f"{run.percentile(50):8.1f} {run.percentile(99):8.1f} {len(run.errors):7d} "
                  f"{run.cpu_ms_per_request:18.2f}")
            checks[f"{outcome.servers} server(s), {run.name.split()[0]}: p99 under 100 ms"] = (
                run.percentile(99) < 100)
            if rate:
                checks[f"{outcome.servers} server(s), {run.name.split()[0]}: offered rate achieved "
                       "(at least 95%)"] = run.rate >= 0.95 * rate
        checks[f"{outcome.servers} server(s): no errors"] = not (outcome.page.errors or outcome.survey.errors)
        checks[f"{outcome.servers} server(s): every accepted response stored, once "
               f"({outcome.stored:,} of {len(outcome.survey.latencies):,})"] = (
            outcome.stored == len(outcome.survey.latencies))
        checks[f"{outcome.servers} server(s): every submission counted by the limit in Redis "
               f"({outcome.counted:,} of {outcome.sent:,})"] = outcome.counted == outcome.sent
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'MISSED'}] {name}")
    for outcome in outcomes:
        for error in (outcome.page.errors + outcome.survey.errors)[:3]:
            print(f"  error ({outcome.servers} server(s)): {error}")
    return all(checks.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="an EMPTY PostgreSQL database")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9",
                        help="Redis for the shared limits (a database number of your own)")
    parser.add_argument("--rate", type=float, default=50.0,
                        help="requests offered a second (0: as fast as the clients go)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per measured run (max 120)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--max-responses", type=int, default=20000,
                        help="cap on prepared responses (bounds the run)")
    args = parser.parse_args(argv)
    args.duration = min(max(args.duration, 1.0), 120.0)
    args.rate = max(args.rate, 0.0)
    check_redis(args.redis_url)

    from portal.core.config import normalise_database_url  # postgresql:// URLs are driven with psycopg 3

    url = normalise_database_url(args.database_url)
    if not url.startswith("postgresql"):
        raise SystemExit("--database-url must name an empty PostgreSQL database")
    prefix = f"bench-nodes-{secrets.token_hex(4)}"
    with tempfile.TemporaryDirectory(prefix="bench-nodes-") as temp:
        directory = Path(temp)
        slugs = prepare_database(url)
        survey_bench.write_app(directory, url, {
            "REDIS_URL": args.redis_url, "RATELIMIT_STORAGE_URI": args.redis_url,
            "RATELIMIT_KEY_PREFIX": prefix})
        try:
            outcomes = [run_servers(directory, url, slugs, count, args, prefix) for count in SERVER_COUNTS]
        finally:
            forget_counts(args.redis_url, prefix)
    return 0 if report(outcomes, args.clients, args.threads, args.rate) else 1


if __name__ == "__main__":
    sys.exit(main())
