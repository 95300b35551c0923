"""Several servers of one installation, for real: app servers (gunicorn) and workers
(`flask --app portal worker`) as subprocesses on 127.0.0.1, all on the test PostgreSQL database and
TEST_REDIS_URL, and always killed at the end of the test, whatever happened.

Fixtures:
- ``nodes_env``: the environment the processes share (skips on SQLite: several servers need a
  database server; skips without Redis, except under CI=true).
- ``nodes``: a `Nodes` to start servers and workers with: ``nodes.servers("a", "b",
  workers=("w1",))`` returns the servers once they answer (the processes start together);
  ``nodes.worker("w2")``; ``nodes.named("w1")``; ``nodes.kill(node)`` kills a process and all
  under it; ``nodes.logs()`` for an assertion message.
- ``browser``: a `Browser` sharing one cookie jar across the servers.

Keep data tiny: each process imports the whole portal (a few seconds of CPU on a shared machine).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from demo.responses import population_margins
from portal.models import PopulationEstimate, Wave
from tests.nodes.processes import (
    Browser,
    Node,
    kill_tree,
    node_env,
    start_server,
    start_worker,
    wait_until_serving,
)
from tests.portal.reports.conftest import SLUGS, _questionnaire, _responses


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

    def servers(self, *names: str, workers: tuple[str, ...] = ()) -> list[Node]:
        """Start servers (and ``workers``) together, so their start-ups overlap, and wait until
        each server answers."""
        started = [start_server(name, self.env, self.log_dir) for name in names]
        self.started.extend(started)
        for name in workers:
            self.worker(name)
        with ThreadPoolExecutor(len(started)) as pool:
            list(pool.map(wait_until_serving, started))
        return started

    def server(self, name: str) -> Node:
        return self.servers(name)[0]

    def worker(self, name: str) -> Node:
        node = start_worker(name, self.env, self.log_dir)
        self.started.append(node)
        return node

    def named(self, name: str) -> Node:
        return next(node for node in self.started if node.name == name)

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


@pytest.fixture
def small_survey(db_session, neighbourhoods) -> Wave:
    """One closed wave of 300 synthetic responses over the three neighbourhoods (Chew Valley 12)
    with their weighting population: four small reports."""
    for slug in SLUGS:
        margins = population_margins([slug], ethnicity=False)
        for row in margins[margins.variable != "neighbourhood"].itertuples():
            db_session.add(PopulationEstimate(neighbourhood_id=neighbourhoods[slug].id,
                                              variable=row.variable, category=row.category,
                                              population=int(row.population)))
    wave = Wave(slug="2010-11", name="Voicebox 2010/11", questionnaire=_questionnaire(db_session),
                opens_on=date(2010, 4, 1), closes_on=date(2011, 3, 31))
    db_session.add(wave)
    db_session.flush()
    _responses(db_session, wave, neighbourhoods, 300, seed=7)
    db_session.commit()
    return wave
