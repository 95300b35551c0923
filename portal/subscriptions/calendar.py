"""PACT meetings as an iCalendar feed (RFC 5545) that calendar apps subscribe to.

Times are Europe/London with its VTIMEZONE (so a 7pm meeting stays 7pm across the clock change),
UIDs are stable (`pact-meeting-<id>@<host>`, so an update replaces the event rather than adding
one), and a cancelled meeting stays in the feed with STATUS:CANCELLED (so subscribers' copies are
cancelled, not silently kept). Meetings have no end time in the PACT record: events last
`MEETING_LENGTH`, stated in each description. Stored text (venues, names) goes in through
`plain_text`: RFC 5545 allows no control character but tab in text.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.core.clock import local
from portal.core.text import plain_text
from portal.models import Meeting, MeetingStatus, Neighbourhood

MEETING_LENGTH = timedelta(minutes=90)
HISTORY = timedelta(days=365)  # past meetings kept in the feed
STATUS = {"scheduled": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}
PRODID = "-//PACT Voicebox//PACT meetings//EN"


def feed_meetings(session: Session, places: list[Neighbourhood], now: datetime) -> list[Meeting]:
    """Meetings of `places` from a year ago onwards, in time order."""
    return list(session.scalars(
        select(Meeting).options(joinedload(Meeting.neighbourhood))
        .where(Meeting.neighbourhood_id.in_([p.id for p in places]),
               Meeting.starts_at >= now - HISTORY)
        .order_by(Meeting.starts_at, Meeting.id)))


def _event(meeting: Meeting, host: str, page_url: str) -> Event:
    event = Event()
    start = local(meeting.starts_at)
    name = plain_text(meeting.neighbourhood.name)
    event.add("uid", f"pact-meeting-{meeting.id}@{host}")
    event.add("dtstamp", meeting.created_at)
    event.add("dtstart", start)
    event.add("dtend", start + MEETING_LENGTH)
    event.add("summary", f"PACT meeting: {name}"
                         + (" (cancelled)" if meeting.status == MeetingStatus.CANCELLED else ""))
    event.add("location", plain_text(meeting.venue))
    event.add("status", STATUS.get(meeting.status, "TENTATIVE"))
    event.add("sequence", 1 if meeting.status == MeetingStatus.CANCELLED else 0)
    event.add("url", page_url)
    event.add("description", (
        f"Partners and Communities Together meeting for {name}: anyone who "
        "lives or works there is welcome. The time shown is the start; the meeting usually lasts "
        f"about an hour and a half. Details and priorities: {page_url}"))
    return event


def meetings_calendar(meetings: list[Meeting], name: str, host: str, page_url) -> bytes:
    """The calendar of `meetings` named `name`; `page_url(slug)` is each neighbourhood's page."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", plain_text(name))
    calendar.add("x-wr-timezone", "Europe/London")
    for meeting in meetings:
        calendar.add_component(_event(meeting, host, page_url(meeting.neighbourhood.slug)))
    if meetings:  # the VTIMEZONE covers the meetings' years (a compact, complete definition)
        first, last = local(meetings[0].starts_at).date(), local(meetings[-1].starts_at).date()
        calendar.add_missing_timezones(date(first.year, 1, 1), date(last.year + 2, 1, 1))
    return calendar.to_ical()
