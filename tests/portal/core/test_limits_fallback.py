"""Redis set but not answering: limited pages keep working and keep their limits (per process)
instead of answering 500, whether Redis refuses connections or accepts them and hangs."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import func, select

from portal.core import limits
from portal.models import PactIssue
from tests.portal.public.test_views import VALID


def _three_raises(app) -> list[int]:
    app.config["PACT_RAISE_LIMIT"] = (2, 3600)
    client = app.test_client()
    return [client.post("/neighbourhoods/twerton/issues/new", data=VALID).status_code for _ in range(3)]


def test_limits_fall_back_to_memory_while_redis_is_down(app, db_session, neighbourhoods, caplog):
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:9/0"  # the discard port: nothing answers
    limits.init_app(app)
    with caplog.at_level(logging.WARNING, logger="portal.core.limits"):
        codes = _three_raises(app)
    assert codes == [302, 302, 429]
    assert "Rate-limit storage unavailable" in caplog.text
    assert db_session.scalar(select(func.count()).select_from(PactIssue)) == 2


def test_a_hanging_redis_falls_back_within_its_short_timeout(app, db_session, neighbourhoods,
                                                             hanging_server, caplog):
    app.config["RATELIMIT_STORAGE_URI"] = hanging_server.redis_url  # accepts, never answers
    limits.init_app(app)  # REDIS_TIMEOUT_SECONDS as configured by default
    codes: list[int] = []
    with caplog.at_level(logging.WARNING, logger="portal.core.limits"):
        started = time.monotonic()
        requests = threading.Thread(target=lambda: codes.extend(_three_raises(app)), daemon=True)
        requests.start()
        requests.join(15)  # generous; without a socket timeout they would wait for ever
        elapsed = time.monotonic() - started
    assert not requests.is_alive() and elapsed < 15
    assert codes == [302, 302, 429]
    assert caplog.text.count("Rate-limit storage unavailable") == 1  # asked once, then memory
    assert len(hanging_server.connections) == 1
    assert db_session.scalar(select(func.count()).select_from(PactIssue)) == 2
