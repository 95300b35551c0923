"""What a neighbourhood's public PACT page shows, gathered in one place: the next meeting, current
priorities with their public updates, "You said, we did", recent public activity and the metrics.
Only public fields are read: never contact details, internal notes or residents' descriptions.
Also what the coordinator console's list shows of an issue (`overdue`) and its CSV download."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.core.clock import from_local, local
from portal.core.filters import format_datetime
from portal.core.languages import translate
from portal.models import (
    IssueCategory,
    IssueEvent,
    IssueStatus,
    Meeting,
    MeetingStatus,
    Neighbourhood,
    PactIssue,
    Priority,
    PriorityStatus,
)
from portal.pact.metrics import NeighbourhoodMetrics, load_issue_records, pact_metrics
from portal.pact.queries import next_meeting
from portal.pact.standards import is_overdue_for_acknowledgement
from surveys.exporting import neutralise_formula

RECENT = 10
WE_DID_WINDOW = timedelta(days=180)
METRICS_WINDOW = timedelta(days=365)


@dataclass
class Activity:
    at: datetime
    reference: str
    category: str
    status: str
    kind: str
    text: str


@dataclass
class NeighbourhoodPage:
    neighbourhood: Neighbourhood
    next_meeting: Meeting | None
    last_meeting: Meeting | None
    priorities: list[Priority]
    completed_priorities: list[Priority]
    resolved_issues: list[PactIssue]
    activity: list[Activity] = field(default_factory=list)
    metrics: NeighbourhoodMetrics | None = None
    metrics_since: datetime | None = None


def neighbourhood_page(session: Session, place: Neighbourhood, now: datetime) -> NeighbourhoodPage:
    priorities = list(session.scalars(
        select(Priority).where(Priority.neighbourhood_id == place.id)
        .options(selectinload(Priority.updates), selectinload(Priority.issues),
                 selectinload(Priority.owner_agency))
        .order_by(Priority.created_at.desc())))
    last_meeting = session.scalar(
        select(Meeting).where(Meeting.neighbourhood_id == place.id, Meeting.status == MeetingStatus.HELD)
        .order_by(Meeting.starts_at.desc()).limit(1))
    resolved = list(session.scalars(
        select(PactIssue).where(PactIssue.neighbourhood_id == place.id,
                                PactIssue.status == IssueStatus.RESOLVED_LOCALLY,
                                PactIssue.closed_at >= now - WE_DID_WINDOW)
        .order_by(PactIssue.closed_at.desc())))
    events = session.execute(
        select(IssueEvent, PactIssue.reference, PactIssue.category, PactIssue.status)
        .join(PactIssue, IssueEvent.issue_id == PactIssue.id)
        .where(PactIssue.neighbourhood_id == place.id, IssueEvent.public.is_(True),
               IssueEvent.kind.in_(("created", "status", "assigned", "update")))
        .order_by(IssueEvent.at.desc(), IssueEvent.id.desc()).limit(RECENT)).all()
    activity = [Activity(at=e.at, reference=ref, category=cat, status=status, kind=e.kind,
                         text=_activity_text(e)) for e, ref, cat, status in events]
    # whole UK days, as the staff metrics page counts them, so both read the same for the same days
    since = from_local(local(now).date() - METRICS_WINDOW, time(0))
    metrics = pact_metrics(load_issue_records(session, [place.id]), since, now, now,
                           neighbourhoods=[place.slug]).by_neighbourhood[place.slug]
    return NeighbourhoodPage(
        neighbourhood=place, next_meeting=_with_papers(next_meeting(session, place.id, now)),
        last_meeting=last_meeting,
        priorities=[p for p in priorities if p.status == PriorityStatus.ACTIVE],
        completed_priorities=[p for p in priorities if p.status == PriorityStatus.COMPLETED],
        resolved_issues=resolved, activity=activity, metrics=metrics, metrics_since=since,
    )


def _with_papers(meeting: Meeting | None) -> Meeting | None:
    """The meeting with its papers loaded (listed once its agenda is published): always one
    statement, so the page's count does not depend on whether the agenda is out."""
    if meeting is not None:
        _ = meeting.papers
    return meeting


def _activity_text(event: IssueEvent) -> str:
    """What happened, in the resident's language (the public page's "Recent activity")."""
    if event.kind == "created":
        return gettext("Raised by a resident")
    if event.kind == "assigned":
        return gettext("Assigned to %(agency)s", agency=event.to_value)
    if event.kind == "status":
        return gettext("Status: %(status)s", status=translate(IssueStatus.label_of(event.to_value)))
    return gettext("Update from the neighbourhood team")


def overdue(issue: PactIssue, now: datetime) -> bool:
    return is_overdue_for_acknowledgement(issue.created_at, issue.acknowledged_at, issue.status, now)


def issues_csv(issues: Iterable[PactIssue]) -> str:
    """The issue list as CSV (no contact details); text a spreadsheet would run is neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for i in issues:
        writer.writerow([neutralise_formula(str(v)) for v in (
            i.reference, i.neighbourhood.name, IssueCategory.label_of(i.category),
            IssueStatus.label_of(i.status),
            i.agency.name if i.agency else "", format_datetime(i.created_at),
            format_datetime(i.acknowledged_at), format_datetime(i.closed_at), i.location, i.description,
            i.outcome)])
    return out.getvalue()


CSV_COLUMNS = ["reference", "neighbourhood", "category", "status", "agency", "raised", "acknowledged",
               "closed", "location", "description", "outcome"]
