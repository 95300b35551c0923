"""Form validators shared by more than one area of the portal."""

from __future__ import annotations

from datetime import date

from wtforms.validators import ValidationError

# Dates the partnership's work can fall on; outside them date arithmetic (a day after 31 December
# 9999, a time zone before year 1) would fail, and no survey, meeting or report needs them.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


def plausible_date(form, field) -> None:
    """Refuse a well-formed date outside EARLIEST..LATEST with a message saying which years work."""
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(f"Enter a date between {EARLIEST.year} and {LATEST.year}")
