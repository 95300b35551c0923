"""Service-standard breaches: 24-hour acknowledgement, monthly priority updates, monthly meetings."""

from __future__ import annotations

from datetime import timedelta

from portal.core.clock import utcnow
from portal.models import Meeting, Priority, PriorityUpdate
from portal.pact.standards import service_breaches
from portal.pact.workflow import change_status


def test_breaches(db_session, neighbourhoods, make_issue, coordinator):
    now = utcnow()
    twerton, keynsham = neighbourhoods["twerton"], neighbourhoods["keynsham"]
    late = make_issue(age=timedelta(hours=30))
    make_issue(age=timedelta(hours=2))  # not yet due
    acked = make_issue(age=timedelta(hours=40))
    change_status(db_session, acked, "acknowledged", coordinator)
    rejected = make_issue(age=timedelta(hours=50))
    change_status(db_session, rejected, "rejected_out_of_scope", coordinator, reason="Not ours.")
    db_session.add(
        Meeting(neighbourhood_id=twerton.id, starts_at=now - timedelta(days=10), venue="Hall", status="held")
    )
    db_session.add(
        Meeting(neighbourhood_id=keynsham.id, starts_at=now - timedelta(days=40), venue="Hall", status="held")
    )
    db_session.add(
        Meeting(
            neighbourhood_id=keynsham.id, starts_at=now - timedelta(days=5), venue="Hall", status="cancelled"
        )
    )
    fresh = Priority(neighbourhood_id=twerton.id, title="Fresh", created_at=now - timedelta(days=40))
    fresh.updates.append(PriorityUpdate(at=now - timedelta(days=3), body="Patrols"))
    stale = Priority(neighbourhood_id=twerton.id, title="Stale", created_at=now - timedelta(days=60))
    stale.updates.append(PriorityUpdate(at=now - timedelta(days=31), body="Old news"))
    new = Priority(neighbourhood_id=twerton.id, title="New", created_at=now - timedelta(days=5))
    done = Priority(
        neighbourhood_id=twerton.id, title="Done", status="completed", created_at=now - timedelta(days=90)
    )
    db_session.add_all([fresh, stale, new, done])
    db_session.commit()

    # as the console asks: at the moment of asking, after every change above was made
    breaches = service_breaches(db_session, [twerton, keynsham], utcnow())
    assert [i.reference for i in breaches.unacknowledged] == [late.reference]
    assert [p.title for p, _ in breaches.stale_priorities] == ["Stale"]
    assert [(n.slug, last is not None) for n, last in breaches.no_recent_meeting] == [("keynsham", True)]
    assert breaches.total == 3

    only_keynsham = service_breaches(db_session, [keynsham], now)
    assert only_keynsham.unacknowledged == [] and only_keynsham.stale_priorities == []
