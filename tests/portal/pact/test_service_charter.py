"""The Service Charter's figures on /pact/metrics: agendas 5 working days ahead and the complaint
clocks, per neighbourhood of the coordinator's scope and period, the same as the queue prints."""

from __future__ import annotations

from datetime import timedelta

from analysis.formatting import percent
from portal.charter import cases as rules
from portal.charter.figures import HINTS, charter_metrics_for_period
from portal.core.clock import local_day, utcnow
from portal.models import CharterCase, CharterKind, CharterStatus, Meeting
from tests.pages import check_page


def _case(place, received, **fields) -> CharterCase:
    return CharterCase(reference=rules.new_case_reference(), kind=CharterKind.ENQUIRY, name="Bob",
                       email="bob@example.org", body="When?", neighbourhood=place, received_at=received,
                       **fields)


def _row(page: str, row_id: str) -> str:
    """The text of the row (or definition) with this id, on a page that passes `check_page`."""
    parsed = check_page(page)
    return next(e for tag in ("tr", "dd") for e in parsed.find_all(tag, id=row_id)).text


def test_metrics_page_shows_the_charter_figures_for_the_coordinators_scope(db_session, neighbourhoods,
                                                                           signed_in):
    now = utcnow()
    twerton, keynsham = neighbourhoods["twerton"], neighbourhoods["keynsham"]
    db_session.add_all([
        # published 20 days ahead: met; never published and held 10 days ago: missed
        Meeting(neighbourhood_id=twerton.id, starts_at=now - timedelta(days=30), venue="Hall",
                agenda="Items", agenda_published_at=now - timedelta(days=50), status="held"),
        Meeting(neighbourhood_id=twerton.id, starts_at=now - timedelta(days=10), venue="Hall", status="held"),
        Meeting(neighbourhood_id=twerton.id, starts_at=now + timedelta(days=40), venue="Hall"),  # not yet due
        Meeting(neighbourhood_id=keynsham.id, starts_at=now - timedelta(days=10), venue="Hall",
                status="held"),
        # acknowledged the next day and answered within a week: on time
        _case(twerton, now - timedelta(days=60), acknowledged_at=now - timedelta(days=59),
              answered_at=now - timedelta(days=53), status=CharterStatus.ANSWERED),
        # never acknowledged in 40 days: both clocks breached
        _case(twerton, now - timedelta(days=40)),
        _case(keynsham, now - timedelta(days=40)),
        _case(None, now - timedelta(days=40)),  # about no neighbourhood: the admins'
    ])
    db_session.commit()

    coordinator = signed_in("coordinator", "twerton")
    page = coordinator.get("/pact/metrics").get_data(as_text=True)
    row = _row(page, "charter-twerton")
    assert f"{percent(0.5)} of 2 meetings 1" in row  # agendas: met 1 of 2, 1 missed
    assert f"{percent(0.5)} of 2 cases {percent(0.5)} of 2 cases 1" in row
    assert 'id="charter-keynsham"' not in page
    for hint in HINTS.values():
        assert hint.replace("'", "&#39;") in page

    # the queue prints the same figures from the same function
    queue = coordinator.get("/charter/").get_data(as_text=True)
    assert _row(queue, "charter-acknowledged") == f"{percent(0.5)} of 2 cases"
    assert _row(queue, "charter-breached") == "1"

    admin = signed_in("admin")
    admin_page = admin.get("/pact/metrics").get_data(as_text=True)
    assert f"{percent(1 / 4)} of 4 cases" in _row(admin_page, "charter-all")  # the unplaced case too
    admin_queue = admin.get("/charter/").get_data(as_text=True)
    assert _row(admin_queue, "charter-acknowledged") == f"{percent(1 / 4)} of 4 cases"


def test_a_past_period_does_not_see_later_actions(db_session, neighbourhoods):
    now = utcnow()
    case = _case(neighbourhoods["twerton"], now - timedelta(days=60),
                 acknowledged_at=now - timedelta(days=5), status=CharterStatus.ACKNOWLEDGED)
    db_session.add(case)
    db_session.commit()
    received = local_day(case.received_at)
    # ten days after it was received, nothing had been done, and its acknowledgement was late
    then = charter_metrics_for_period([case], received, received + timedelta(days=10),
                                            local_day(now))
    assert (then.acknowledged_on_time, then.acknowledge_base, then.answer_base) == (0, 1, 0)
    assert rules.clocks(case, received + timedelta(days=10)).acknowledged_on is None
