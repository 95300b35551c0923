"""The app's one clock. Instants are aware UTC datetimes (`utcnow`); a day is the calendar day in
England (`today`, `local_day`), because residents, meetings and the Charter's deadlines live by the
UK clock while the server may run on UTC: between 23:00 and midnight in summer the two disagree.
Everything that needs the time or the date asks here (a layout test keeps it so)."""

from __future__ import annotations

import time as _time
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def epoch_seconds() -> float:
    """Seconds since 1970 (UTC), for stores that count in them (session cookies, rate-limit windows)."""
    return _time.time()


def today() -> date:
    """Today's date in the UK."""
    return local_day(utcnow())


def local(value: datetime) -> datetime:
    """An aware datetime in UK local time."""
    return value.astimezone(LONDON)


def local_day(moment: datetime) -> date:
    """The calendar day in England of a UTC timestamp (a letter received at 00:30 BST is that day)."""
    return moment.astimezone(LONDON).date()


def from_local(day: date, at: time) -> datetime:
    """A date and time typed in UK local time, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)
