"""Several servers of one installation, for real: app servers (gunicorn) and workers
(`flask --app portal worker`) as subprocesses on 127.0.0.1, all on the test PostgreSQL database and
TEST_REDIS_URL, and always killed at the end of the test, whatever happened.

Fixtures:
- ``nodes_env``: the environment the processes share (skips on SQLite: several servers need a
  database server; skips without Redis, except under CI=true).
- ``nodes``: a `Nodes` to start servers and workers with; ``nodes.server("a")`` returns once the
  server answers; ``nodes.worker("w1")``; ``nodes.kill(node)`` kills a process and all under it.
- ``browser``: a `Browser` sharing one cookie jar across the servers.

Keep data tiny: each process imports the whole portal (a few seconds of CPU on a shared machine).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.nodes.processes import (
    Browser,
    Node,
    kill_tree,
    node_env,
    start_server,
    start_worker,
    wait_until_serving,
)
from tests.portal.reports.conftest import survey  # noqa: F401 - a fixture


@pytest.fixture
def nodes_env(app, database_url, redis_url) -> dict[str, str]:
    if not database_url.startswith("postgresql"):
        pytest.skip("several app servers need PostgreSQL (set TEST_DATABASE_URL); SQLite is one "
                    "machine's file")
    return node_env(database_url, redis_url)


class Nodes:
    """The processes a test started; `close` kills every one still running."""

    def __init__(self, env: dict[str, str], log_dir) -> None:
        self.env, self.log_dir, self.started = env, log_dir, []

    def servers(self, *names: str) -> list[Node]:
        """Start servers together (their start-ups overlap) and wait until each answers."""
        started = [start_server(name, self.env, self.log_dir) for name in names]
        self.started.extend(started)
        with ThreadPoolExecutor(len(started)) as pool:
            list(pool.map(wait_until_serving, started))
        return started

    def server(self, name: str) -> Node:
        return self.servers(name)[0]

    def worker(self, name: str) -> Node:
        node = start_worker(name, self.env, self.log_dir)
        self.started.append(node)
        return node

    def kill(self, node: Node) -> list[int]:
        return kill_tree(node)

    def logs(self) -> str:
        return "\n".join(f"--- {n.name} ---\n{n.log_tail()}" for n in self.started)

    def close(self) -> None:
        for node in self.started:
            kill_tree(node)


@pytest.fixture
def nodes(nodes_env, tmp_path):
    started = Nodes(nodes_env, tmp_path)
    try:
        yield started
    finally:
        started.close()


@pytest.fixture
def browser() -> Browser:
    return Browser()
