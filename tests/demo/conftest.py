"""The full demo (1,500 responses a wave) on the test database, for the tests of `demo/`."""

from __future__ import annotations

import pytest

from demo import seed_demo
from portal.core.clock import utcnow


@pytest.fixture
def seeded(app, db_session):
    summary = seed_demo(db_session, app.config, utcnow(), seed=7, responses_per_wave=1500)
    db_session.commit()
    return summary
