"""The demo's Service Charter cases: each era consistent, so the 2010/11 cases were all answered
then, and nothing from that era waits in today's queue."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from demo.charter import seed_charter_cases
from portal.core.clock import utcnow
from portal.models import CharterCase, CharterStatus


def test_the_historic_cases_were_all_answered_in_their_era(db_session, neighbourhoods):
    now = utcnow()
    assert seed_charter_cases(db_session, 2009, now) > 0
    cases = list(db_session.scalars(select(CharterCase)))
    historic = [c for c in cases if c.received_at.year < 2012]
    assert historic and all(c.status == CharterStatus.ANSWERED for c in historic)
    assert all(c.answered_at is not None and c.answered_at.year < 2012 for c in historic)
    # the queue holds only recent cases; one of them has never been acknowledged
    waiting = [c for c in cases if c.status != CharterStatus.ANSWERED]
    assert waiting and all(now - c.received_at < timedelta(days=121) for c in waiting)
    assert any(c.status == CharterStatus.RECEIVED for c in waiting)
