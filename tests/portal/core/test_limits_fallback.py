"""Redis set but not answering: limited pages keep working and keep their limits (per process)
instead of answering 500."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from portal.core import limits
from portal.models import PactIssue
from tests.portal.public.test_views import VALID


def test_limits_fall_back_to_memory_while_redis_is_down(app, db_session, neighbourhoods, caplog):
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:9/0"  # the discard port: nothing answers
    limits.init_app(app)
    app.config["PACT_RAISE_LIMIT"] = (2, 3600)
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="portal.core.limits"):
        codes = [client.post("/neighbourhoods/twerton/issues/new", data=VALID).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert "Rate-limit storage unavailable" in caplog.text
    assert db_session.scalar(select(func.count()).select_from(PactIssue)) == 2
