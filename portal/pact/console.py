"""The coordinator console's issue list: filtering and sorting within the neighbourhoods a user
covers, and the CSV export of the same list (formula-like text neutralised)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.core.filters import format_datetime
from portal.models import Agency, IssueCategory, IssueStatus, Neighbourhood, PactIssue
from portal.pact.standards import is_overdue_for_acknowledgement, unacknowledged_filter
from portal.pact.workflow import CLOSED, OPEN
from surveys.exporting import neutralise_formula

LIMIT = 500


@dataclass(frozen=True)
class IssueFilters:
    neighbourhood: str = ""  # slug
    status: str = ""  # a status, "open" or "closed"
    category: str = ""
    agency: str = ""  # agency slug, or "none"
    age: str = ""  # "low-high" in days, high may be blank
    overdue: bool = False
    sort: str = "newest"


def find_issues(session: Session, neighbourhoods: Iterable[Neighbourhood], filters: IssueFilters,
                now: datetime, limit: int | None = LIMIT) -> list[PactIssue]:
    """Issues in `neighbourhoods` (those the user covers) matching `filters`."""
    places = {n.slug: n.id for n in neighbourhoods}
    ids = [places[filters.neighbourhood]] if filters.neighbourhood in places else list(places.values())
    query = (select(PactIssue).where(PactIssue.neighbourhood_id.in_(ids))
             .options(selectinload(PactIssue.neighbourhood), selectinload(PactIssue.agency)))
    if filters.status == "open":
        query = query.where(PactIssue.status.in_(OPEN))
    elif filters.status == "closed":
        query = query.where(PactIssue.status.in_(CLOSED))
    elif filters.status:
        query = query.where(PactIssue.status == filters.status)
    if filters.category:
        query = query.where(PactIssue.category == filters.category)
    if filters.agency == "none":
        query = query.where(PactIssue.agency_id.is_(None))
    elif filters.agency:
        query = query.join(Agency, PactIssue.agency_id == Agency.id).where(Agency.slug == filters.agency)
    if filters.age:
        low, _, high = filters.age.partition("-")
        if low.isdigit():
            query = query.where(PactIssue.created_at <= now - timedelta(days=int(low)))
        if high.isdigit():
            query = query.where(PactIssue.created_at > now - timedelta(days=int(high) + 1))
    if filters.overdue:
        query = query.where(unacknowledged_filter(now))
    order = {
        "oldest": [PactIssue.created_at.asc()],
        "updated": [PactIssue.updated_at.desc()],
        "status": [PactIssue.status, PactIssue.created_at.desc()],
        "neighbourhood": [PactIssue.neighbourhood_id, PactIssue.created_at.desc()],
    }.get(filters.sort, [PactIssue.created_at.desc()])
    query = query.order_by(*order, PactIssue.id)  # type: ignore[misc]  # the lists of ORDER BY terms join to object
    return list(session.scalars(query.limit(limit) if limit else query))


def overdue(issue: PactIssue, now: datetime) -> bool:
    return is_overdue_for_acknowledgement(issue.created_at, issue.acknowledged_at, issue.status, now)


CSV_COLUMNS = ["reference", "neighbourhood", "category", "status", "agency", "raised", "acknowledged",
               "closed", "location", "description", "outcome"]


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
