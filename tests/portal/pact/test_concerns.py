"""Survey findings beside PACT priorities on a fresh (full-size) demo: the coordinator's Twerton
page and the Twerton report flag at least one concern that no current priority addresses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.demo import DEMO_PASSWORD, seed_demo
from portal.reports.building import prepare_reports


@pytest.fixture
def full_demo(app, db_session):
    seed_demo(db_session, seed=2009, responses_per_wave=1500)
    db_session.commit()


def test_twerton_page_flags_a_concern_with_no_priority(app, full_demo, db_session):
    client = app.test_client()
    client.post("/staff/sign-in", data={"email": "pact.southwest@bathnes-csp.example.org",
                                        "password": DEMO_PASSWORD})
    page = client.get("/staff/neighbourhoods/twerton").text
    table = page[page.index('id="concerns"'):]
    assert "No current priority" in table
    assert "on the next PACT meeting&#39;s agenda" in page
    assert "Significantly above" in table
    assert "Clear fly-tipping and catch those responsible" in table  # an addressed concern
    report = prepare_reports(db_session, "2010-11", ["twerton"],
                             now=datetime(2011, 6, 1, tzinfo=UTC)).reports[0]
    assert any(r.flagged for r in report.concerns)


def test_a_page_without_a_closed_wave_says_so(signed_in, neighbourhoods):
    page = signed_in("coordinator", "twerton").get("/staff/neighbourhoods/twerton").text
    assert "No survey wave has closed with enough responses" in page
