"""What every template may use, registered once on the app by `init_app`: the figure formatters of
`analysis.formatting` (as in the PDF reports), UK dates and times, the one label of each status and
role (compared in templates with its enum, never a literal), and PACT's labels, hints and review
flags, which resident, staff and report templates all print."""

from __future__ import annotations

import math
from datetime import date, datetime

from flask import Flask
from flask_babel import gettext, ngettext

from analysis.formatting import day as english_day
from analysis.formatting import days as english_days
from analysis.formatting import interval as english_interval
from analysis.formatting import percent
from analysis.formatting import ratio as english_ratio
from portal.core.clock import local
from portal.core.languages import format_day as language_day


def format_datetime(value: datetime | None) -> str:
    """'3 March 2011 at 7pm', in UK local time ('3 Mawrth 2011 am 19:00' on a Welsh page)."""
    if value is None:
        return ""
    v = local(value)
    translated = language_day(v.date())
    if translated is not None:
        return f"{translated}, {v:%H:%M}"
    hour = v.strftime("%I:%M%p").lstrip("0").lower().replace(":00", "")
    return f"{v.day} {v:%B %Y} at {hour}"


def format_date(value: date | datetime | None) -> str:
    """'3 March 2011'; a datetime is read as its UK day. Month names in the page's language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return language_day(value) or f"{value.day} {value:%B %Y}"


def local_days(value: float | None) -> str:
    """`analysis.formatting.days` ('1.3 days') in the page's language."""
    if value is None or not math.isfinite(value):
        return english_days(value)
    one = round(value, 1) == 1
    return ngettext("%(number)s day", "%(number)s days", 1 if one else 2, number=format(value, ".1f"))


def local_interval(lower: float | None, upper: float | None) -> str:
    """`analysis.formatting.interval` ('20.0% to 30.0%') in the page's language."""
    if lower is None or upper is None or not (math.isfinite(lower) and math.isfinite(upper)):
        return english_interval(lower, upper)
    return gettext("%(lower)s to %(upper)s", lower=percent(lower), upper=percent(upper))


def local_ratio(value: float | None) -> str:
    """`analysis.formatting.ratio` ('1.5 to 1') in the page's language."""
    if value is None or not math.isfinite(value):
        return english_ratio(value)
    return gettext("%(ratio)s to 1", ratio=format(value, ".1f"))


def local_day(value: date | datetime | None) -> str:
    """`analysis.formatting.day`, with the month in the page's language."""
    if value is None:
        return english_day(value)
    return language_day(value) or english_day(value)


def format_utc(value: datetime | None) -> str:
    """A job's timestamp as the analyst's pages print it, marked UTC."""
    return "–" if value is None else f"{value:%d %b %Y %H:%M} UTC"


def init_app(app: Flask) -> None:
    from analysis.formatting import FILTERS
    from portal.charter.figures import HINTS as SERVICE_CHARTER_HINTS
    from portal.models import statuses
    from portal.models.statuses import IssueCategory, IssueStatus
    from portal.pact.metrics import HINTS as PACT_HINTS
    from portal.pact.metrics import LABELS as PACT_LABELS
    from portal.pact.public_summary import you_said
    from portal.pact.review_flags import flag_kinds

    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.filters.update({
        "day": local_day, "days": local_days, "interval": local_interval, "ratio": local_ratio,
        "label": statuses.label,
        "pact_datetime": format_datetime, "pact_date": format_date, "analyst_when": format_utc,
        "status_label": IssueStatus.label_of, "category_label": IssueCategory.label_of,
        "status_tag": lambda status: IssueStatus(status).tag if status in IssueStatus.values() else "",
        "you_said": lambda issue: you_said(issue, IssueCategory.label_of(issue.category)),
        # What a coordinator should review in the resident's words (labels of the kinds found).
        "review_flags": lambda issue: flag_kinds(issue.description, issue.location),
    })
    in_templates: tuple[type[statuses.Labelled], ...] = (*statuses.LABELLED, statuses.WaveState,
                                                          statuses.MailStatus, statuses.CharterKind,
                                                          statuses.CharterStatus,
                                                          statuses.FileImportStatus,
                                                          statuses.ComplianceStatus,
                                                          statuses.CaseReviewStatus)
    app.jinja_env.globals.update({enum.__name__: enum for enum in in_templates})
    app.jinja_env.globals.update({"pact_hints": PACT_HINTS, "pact_labels": PACT_LABELS,
                                  "charter_hints": SERVICE_CHARTER_HINTS})
