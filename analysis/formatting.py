"""How every published figure is printed: one function per kind of figure.

Pages (as Jinja filters registered once in ``create_app``), PDF reports, charts, downloads and the
command line all print through these, so a figure reads the same wherever a resident, a councillor
or an inspector meets it. Shares are fractions (0.255), never per cent; ``None`` (suppressed or
not computable) prints as ``MISSING``. No Flask: the report workers and the CLI use it too.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import TypeIs

MISSING = "–"
PERCENT_DIGITS = 1
# The note of a figure suppressed not for its own base but so that a suppressed figure beside it
# cannot be worked out from a total (analysis.disclosure).
WITHHELD = "withheld so that a suppressed figure cannot be worked out from the total"


def _missing(value) -> TypeIs[None]:  # for mypy: a value not missing is a number
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def percent_value(share: float | None, digits: int = PERCENT_DIGITS) -> float | None:
    """A share as the rounded per-cent number every surface prints (0.25473 -> 25.5).

    Downloads write this number, so a spreadsheet cell holds what the page shows.
    """
    return None if _missing(share) else round(100 * float(share), digits)


def percent(share: float | None, digits: int = PERCENT_DIGITS, missing: str = MISSING) -> str:
    """0.25473 -> '25.5%'; None -> '–' (or ``missing``: alt text says "suppressed")."""
    value = percent_value(share, digits)
    return missing if value is None else f"{value:.{digits}f}%"


def interval(lower: float | None, upper: float | None) -> str:
    """A 95% interval of shares: '22.1% to 28.9%'; '–' when either end is missing."""
    if _missing(lower) or _missing(upper):
        return MISSING
    return f"{percent(lower)} to {percent(upper)}"


def points(difference: float | None) -> str:
    """A difference of shares in percentage points, signed with a true minus: '+3.2 points'."""
    if _missing(difference):
        return MISSING
    return f"{100 * difference:+.1f} points".replace("-", "−")


def ratio(value: float | None) -> str:
    """A ratio such as worry to victimisation: 6.04 -> '6.0 to 1'."""
    return MISSING if _missing(value) else f"{value:.1f} to 1"


def number(value: float | None, digits: int = 0) -> str:
    """12345.6 -> '12,346'; with digits=1 -> '12,345.6'."""
    return MISSING if _missing(value) else f"{value:,.{digits}f}"


def days(value: float | None) -> str:
    """A duration in days to one decimal: 1.25 -> '1.3 days'; 1.0 -> '1.0 day'."""
    if _missing(value):
        return MISSING
    return f"{value:.1f} {'day' if round(value, 1) == 1 else 'days'}"


def small_base(n: int, suppress_below: int) -> str:
    """Why a figure is suppressed for its own base, in the words every surface prints:
    'no responses in the base' (nobody answered) or 'fewer than 30 responses'."""
    if n <= 0:
        return "no responses in the base"
    return f"fewer than {plural(suppress_below, 'response')}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 response', '2 responses', '1,204 responses'; 'person'/'people' with plural_form."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def day(value: date | datetime | None) -> str:
    """A date as '3 March 2011' (no leading zero)."""
    if value is None:
        return MISSING
    return f"{value.day} {value:%B %Y}"


def period(start: date | datetime, end_inclusive: date | datetime) -> str:
    """'1 April 2010 to 31 March 2011'."""
    return f"{day(start)} to {day(end_inclusive)}"


FILTERS = {
    "percent": percent, "interval": interval, "points": points, "ratio": ratio, "number": number,
    "days": days, "plural": plural, "day": day,
}
