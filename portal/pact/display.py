"""How PACT values read on pages and in emails: UK local times and labels. Registered as template
filters by both PACT blueprints. Figures (shares, medians) print through the app-wide
`analysis.formatting` filters (`percent`, `number`), as in the PDF reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint

from portal.pact.metrics import HINTS as PACT_HINTS
from portal.pact.public_summary import you_said
from portal.pact.review_flags import flag_kinds
from portal.pact.service_charter import HINTS as SERVICE_CHARTER_HINTS
from portal.pact.statuses import TAG_COLOURS, category_label, status_label

LONDON = ZoneInfo("Europe/London")


def local(value: datetime) -> datetime:
    return value.astimezone(LONDON)


def from_local(day: date, at: time) -> datetime:
    """A date and time typed in UK local time, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    v = local(value)
    hour = v.strftime("%I:%M%p").lstrip("0").lower().replace(":00", "")
    return f"{v.day} {v:%B %Y} at {hour}"


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return f"{value.day} {value:%B %Y}"


def register_filters(bp: Blueprint) -> None:
    filters = {
        "pact_datetime": format_datetime, "pact_date": format_date,
        "status_label": status_label, "category_label": category_label,
        "status_tag": lambda status: TAG_COLOURS.get(status, ""),
        "you_said": lambda issue: you_said(issue, category_label(issue.category)),
        # What a coordinator should review in the resident's words (labels of the kinds found).
        "review_flags": lambda issue: flag_kinds(issue.description, issue.location),
        "summary_flags": lambda text: flag_kinds(text or ""),
    }
    for name, function in filters.items():
        bp.add_app_template_filter(function, name)
    bp.add_app_template_global(PACT_HINTS, "pact_hints")
    bp.add_app_template_global(SERVICE_CHARTER_HINTS, "charter_hints")
