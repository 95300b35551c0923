"""The issue's "done when" on the synthetic demo: every example on /open-data answers and
validates against the OpenAPI document, and the meetings calendar shows the next meeting."""

from __future__ import annotations

import re

from icalendar import Calendar
from sqlalchemy import select

from portal.core.clock import utcnow
from portal.models import Neighbourhood
from portal.pact.queries import next_meeting
from tests.portal.api.test_api import _validate


def test_every_example_answers_on_the_demo(client, demo_data):
    spec = client.get("/api/v1/openapi.json").get_json()
    page = client.get("/open-data").get_data(as_text=True)
    examples = [e.replace("&amp;", "&") for e in re.findall(r'<td><a href="([^"]+)">', page)]
    assert len(examples) == 8
    for example in examples:
        response = client.get(example)
        assert response.status_code == 200, (example, response.get_data(as_text=True)[:300])
        if response.mimetype == "application/json":
            _validate(spec, example, response)
    waves = client.get("/api/v1/waves").get_json()["data"]
    assert [w["status"] for w in waves][-1] == "in_field"
    assert sum(w["achieved_sample"] for w in waves) > 0


def test_the_calendar_shows_the_next_meeting_on_the_demo(client, demo_data, db_session):
    place = db_session.scalar(select(Neighbourhood).where(Neighbourhood.slug == "twerton"))
    meeting = next_meeting(db_session, place.id, utcnow())
    assert meeting is not None
    calendar = Calendar.from_ical(client.get("/neighbourhoods/twerton/meetings.ics").data)
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert f"pact-meeting-{meeting.id}@127.0.0.1" in uids
