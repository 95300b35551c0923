"""Working days in England and Wales: Monday to Friday, less the bank holidays (substitute days
included) as the `holidays` package lists them for England (`subdiv="ENG"`, the same dates as Wales).

Pure functions of dates, no database and no Flask, so the Charter's clocks ("acknowledged within 5
working days, answered within 15") are tested on their own around Christmas and Easter.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    """True for a weekday that is not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the day received does not count, as "within 5
    working days" of a Monday is the next Monday). `days` must be 0 or more; 0 gives `start`."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is on or before `start`):
    the inverse of `add_working_days`, so add_working_days(s, n) is the first day d with
    working_days_between(s, d) == n."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def working_days_before(end: date, days: int) -> date:
    """The latest working day `d` with working_days_between(d, end) >= `days`: the last working day
    something may be done to be "at least `days` working days before" `end` (5 before a Monday is
    the Monday before; each bank holiday in between moves it one working day earlier). `days` must
    be 0 or more."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    day = end
    counted = 0
    while counted < days:
        if is_working_day(day):
            counted += 1
        day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
