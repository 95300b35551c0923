"""Meeting calendars (parsed back with icalendar) and activity feeds (parsed with feedparser, as
a feed reader would): valid, stable ids, Europe/London times with a VTIMEZONE, cancellations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser
from icalendar import Calendar

from portal.core.clock import local
from portal.models import Meeting, PactIssue, Priority, PriorityUpdate


def _meetings(db_session, neighbourhoods):
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    rows = {
        "next": Meeting(neighbourhood_id=neighbourhoods["twerton"].id, starts_at=soon,
                        venue="Twerton Library", status="scheduled"),
        "cancelled": Meeting(neighbourhood_id=neighbourhoods["twerton"].id,
                             starts_at=soon + timedelta(days=30), venue="Church hall",
                             status="cancelled"),
        "keynsham": Meeting(neighbourhood_id=neighbourhoods["keynsham"].id,
                            starts_at=soon + timedelta(days=2), venue="Keynsham Civic Centre",
                            status="scheduled"),
        "old": Meeting(neighbourhood_id=neighbourhoods["twerton"].id,
                       starts_at=soon - timedelta(days=800), venue="Gone", status="held"),
    }
    db_session.add_all(rows.values())
    db_session.commit()
    return rows


def _events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_neighbourhood_calendar_shows_the_next_meeting(client, db_session, neighbourhoods):
    rows = _meetings(db_session, neighbourhoods)
    response = client.get("/neighbourhoods/twerton/meetings.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    events = _events(response.data)
    assert set(events) == {f"pact-meeting-{rows['next'].id}@127.0.0.1",
                           f"pact-meeting-{rows['cancelled'].id}@127.0.0.1"}
    nxt = events[f"pact-meeting-{rows['next'].id}@127.0.0.1"]
    start = nxt.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/London" and start == local(rows["next"].starts_at)
    assert str(nxt["LOCATION"]) == "Twerton Library" and str(nxt["STATUS"]) == "CONFIRMED"
    assert b"TZID=Europe/London" in response.data
    cancelled = events[f"pact-meeting-{rows['cancelled'].id}@127.0.0.1"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert client.get("/neighbourhoods/twerton/meetings.ics").data == response.data  # stable
    tag = response.headers["ETag"]
    assert client.get("/neighbourhoods/twerton/meetings.ics",
                      headers={"If-None-Match": tag}).status_code == 304


def test_the_authority_calendar_holds_every_neighbourhood(client, db_session, neighbourhoods):
    rows = _meetings(db_session, neighbourhoods)
    events = _events(client.get("/meetings.ics").data)
    assert f"pact-meeting-{rows['keynsham'].id}@127.0.0.1" in events
    assert len(events) == 3  # the meeting more than a year ago is left out
    assert client.get("/neighbourhoods/atlantis/meetings.ics").status_code == 404


def test_the_neighbourhood_page_offers_the_calendar_and_feed(client, db_session, neighbourhoods):
    _meetings(db_session, neighbourhoods)
    page = client.get("/neighbourhoods/twerton").get_data(as_text=True)
    assert 'href="/neighbourhoods/twerton/meetings.ics" id="add-to-calendar"' in page
    assert 'href="/neighbourhoods/twerton/feed.atom"' in page


def test_the_atom_feed_lists_public_activity_with_stable_ids(client, survey, db_session,
                                                             neighbourhoods):
    twerton = neighbourhoods["twerton"]
    priority = db_session.query(Priority).filter_by(neighbourhood_id=twerton.id).one()
    db_session.add_all([
        PriorityUpdate(priority_id=priority.id, body="Speed checks twice a week", public=True,
                       at=datetime(2011, 4, 2, 10, tzinfo=UTC)),
        PriorityUpdate(priority_id=priority.id, body="Internal: officer rota", public=False,
                       at=datetime(2011, 4, 3, 10, tzinfo=UTC)),
    ])
    db_session.commit()
    response = client.get("/neighbourhoods/twerton/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    titles = [e.title for e in feed.entries]
    assert "New priority: Speeding <near> the school" in titles
    assert "Update on Speeding <near> the school" in titles
    assert "Survey results: Voicebox 2010/11" in titles and "Survey results: Voicebox 2009/10" in titles
    assert "Survey results: Voicebox 2026/27" not in titles  # still in the field
    said = next(e for e in feed.entries if e.title.startswith("You said, we did"))
    assert said.link.endswith("/issues/PACT-TEST1")
    text = response.get_data(as_text=True)
    assert "Internal: officer rota" not in text
    issue = db_session.query(PactIssue).filter_by(reference="PACT-TEST1").one()
    assert issue.description not in feedparser.parse(response.data).entries[0].get("summary", "")
    assert "Zebrafinch" not in text  # the resident's description is never in the feed
    # the published public summary is, escaped (the fixture's summary is hostile text)
    assert said.title == f"You said, we did: Something else: {issue.public_summary}"
    assert "<script>" not in text and "&lt;script&gt;alert(" in text
    again = feedparser.parse(client.get("/neighbourhoods/twerton/feed.atom").data)
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    assert client.get("/neighbourhoods/atlantis/feed.atom").status_code == 404



def test_control_characters_already_stored_do_not_break_the_feed(client, survey, db_session,
                                                                  neighbourhoods):
    """Text saved before the forms removed control characters (Word's soft line break is \\x0b)
    is stored as it came: the feed still answers, and parses, for everyone."""
    twerton = neighbourhoods["twerton"]
    priority = db_session.query(Priority).filter_by(neighbourhood_id=twerton.id).one()
    issue = db_session.query(PactIssue).filter_by(reference="PACT-TEST1").one()
    issue.outcome = "Bins emptied\x0bweekly"
    issue.public_summary = "Overflowing\x0bbins\x0c by the shops\x01"
    db_session.add(PriorityUpdate(priority_id=priority.id, body="Speed checks\x0btwice a week",
                                  public=True, at=datetime(2011, 4, 2, 10, tzinfo=UTC)))
    db_session.commit()
    response = client.get("/neighbourhoods/twerton/feed.atom")
    assert response.status_code == 200
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert b"\x0b" not in response.data and b"\x0c" not in response.data
    update = next(e for e in feed.entries if e.title.startswith("Update on"))
    assert update.content[0].value == "Speed checks\ntwice a week"  # the words stay apart
    said = next(e for e in feed.entries if e.title.startswith("You said, we did: Something else"))
    assert said.title == "You said, we did: Something else: Overflowing\nbins\n by the shops"
    assert said.content[0].value == "Bins emptied\nweekly"


def test_control_characters_already_stored_stay_out_of_the_calendar(client, db_session,
                                                                     neighbourhoods):
    """RFC 5545 allows no control character but tab in text: a stored venue's soft line break
    goes out as a line break (escaped), not raw."""
    db_session.add(Meeting(neighbourhood_id=neighbourhoods["twerton"].id, venue="Twerton\x0bLibrary",
                           status="scheduled",
                           starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)))
    db_session.commit()
    response = client.get("/neighbourhoods/twerton/meetings.ics")
    assert response.status_code == 200 and b"\x0b" not in response.data
    assert b"LOCATION:Twerton\\nLibrary" in response.data
    locations = [str(e["LOCATION"]) for e in Calendar.from_ical(response.data).walk("VEVENT")]
    assert locations == ["Twerton\nLibrary"]
