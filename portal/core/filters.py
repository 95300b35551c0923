"""What every template may use, registered once on the app by `init_app`: the figure formatters of
`analysis.formatting` (as in the PDF reports), UK dates and times, the one label of each status and
role (compared in templates with its enum, never a literal), and PACT's labels, hints and review
flags, which resident, staff and report templates all print."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from portal.core.clock import local


def format_datetime(value: datetime | None) -> str:
    """'3 March 2011 at 7pm', in UK local time."""
    if value is None:
        return ""
    v = local(value)
    hour = v.strftime("%I:%M%p").lstrip("0").lower().replace(":00", "")
    return f"{v.day} {v:%B %Y} at {hour}"


def format_date(value: date | datetime | None) -> str:
    """'3 March 2011'; a datetime is read as its UK day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return f"{value.day} {value:%B %Y}"


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
                                                          statuses.CharterStatus, statuses.ComplianceStatus,
                                                          statuses.CaseReviewStatus)
    app.jinja_env.globals.update({enum.__name__: enum for enum in in_templates})
    app.jinja_env.globals.update({"pact_hints": PACT_HINTS, "pact_labels": PACT_LABELS,
                                  "charter_hints": SERVICE_CHARTER_HINTS})
