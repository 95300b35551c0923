"""PACT performance for any period, per neighbourhood and overall, as one pure function.

`pact_metrics(issues, start, end, now)` takes plain issue records (a list of `IssueRecord`, of
mappings with the same keys, or a DataFrame with those columns) and returns a `PactMetrics`
dataclass; `PactMetrics.to_frame()` gives one row per neighbourhood plus an "all" row. No Flask,
no session: the console, the public pages and the PDF reports all call this, so they agree.
`load_issue_records(session, neighbourhood_ids)` is the thin loader from the database.

Definitions (methodology.md, "PACT and the Policing Pledge"):
- raised: created in [start, end); closed: closed in [start, end) (any closing status).
- share dealt with at the local level: closed as `resolved_locally` over all closed, as a share
  0..1 (unrounded; pages print it with `analysis.formatting.percent`); None when nothing closed.
- median days to acknowledge: over issues acknowledged in the period, (acknowledged - created) in
  days; median days to close: over issues closed in the period, (closed - created) in days.
- acknowledged within 24 hours: of issues acknowledged in the period, the share within 24 hours.
- open issues by age: issues open at `as_of` = min(end, now) (created before it and not closed by
  it), banded by age in days at `as_of`.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Agency, Neighbourhood, PactIssue
from portal.pact.workflow import RESOLVED_LOCALLY

AGE_BANDS = (("0-7 days", 0, 7), ("8-30 days", 8, 30), ("31-90 days", 31, 90), ("over 90 days", 91, None))
ALL = "all"
DAY = timedelta(days=1)


@dataclass(frozen=True)
class IssueRecord:
    reference: str
    neighbourhood: str  # slug
    category: str
    status: str
    agency: str | None
    created_at: datetime
    acknowledged_at: datetime | None
    closed_at: datetime | None


@dataclass
class NeighbourhoodMetrics:
    neighbourhood: str
    raised: int = 0
    closed: int = 0
    resolved_locally: int = 0
    share_dealt_with_locally: float | None = None  # 0..1, unrounded
    acknowledged: int = 0
    share_acknowledged_within_24h: float | None = None  # 0..1, unrounded
    median_days_to_acknowledge: float | None = None
    median_days_to_close: float | None = None
    open_issues: int = 0
    open_by_age: dict[str, int] = field(default_factory=lambda: {band: 0 for band, *_ in AGE_BANDS})


@dataclass
class PactMetrics:
    start: datetime
    end: datetime
    as_of: datetime
    overall: NeighbourhoodMetrics
    by_neighbourhood: dict[str, NeighbourhoodMetrics]

    def to_frame(self) -> pd.DataFrame:
        """One row per neighbourhood (sorted by slug) then the "all" row; age bands as columns."""
        rows = []
        for metrics in [*(self.by_neighbourhood[k] for k in sorted(self.by_neighbourhood)), self.overall]:
            row = asdict(metrics)
            row.update({f"open_{band}": n for band, n in row.pop("open_by_age").items()})
            rows.append(row)
        return pd.DataFrame(rows)


def _records(issues) -> list[IssueRecord]:
    if isinstance(issues, pd.DataFrame):
        frame = issues.astype(object).where(issues.notna(), None)
        issues = frame.to_dict("records")
    out = []
    for item in issues:
        if isinstance(item, IssueRecord):
            out.append(item)
        elif isinstance(item, Mapping):
            out.append(IssueRecord(**{k: _clean(item.get(k)) for k in IssueRecord.__dataclass_fields__}))
        else:
            raise TypeError(f"expected IssueRecord or mapping, got {type(item).__name__}")
    return out


def _clean(value):
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _days(later: datetime, earlier: datetime) -> float:
    return (later - earlier) / DAY


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _share(part: int, whole: int) -> float | None:
    """part / whole as an unrounded share (0..1); rounding is the formatter's job
    (analysis.formatting.percent), so a page, a PDF and a download print the same figure."""
    return part / whole if whole else None


def _summarise(name: str, records: list[IssueRecord], start: datetime, end: datetime,
               as_of: datetime) -> NeighbourhoodMetrics:
    m = NeighbourhoodMetrics(neighbourhood=name)
    to_ack, to_close = [], []
    within_24h = 0
    for r in records:
        if start <= r.created_at < end:
            m.raised += 1
        if r.acknowledged_at is not None and start <= r.acknowledged_at < end:
            m.acknowledged += 1
            to_ack.append(_days(r.acknowledged_at, r.created_at))
            within_24h += r.acknowledged_at - r.created_at <= DAY
        if r.closed_at is not None and start <= r.closed_at < end:
            m.closed += 1
            m.resolved_locally += r.status == RESOLVED_LOCALLY
            to_close.append(_days(r.closed_at, r.created_at))
        if r.created_at < as_of and (r.closed_at is None or r.closed_at > as_of):
            m.open_issues += 1
            age = int(_days(as_of, r.created_at))
            for band, low, high in AGE_BANDS:
                if age >= low and (high is None or age <= high):
                    m.open_by_age[band] += 1
                    break
    m.share_dealt_with_locally = _share(m.resolved_locally, m.closed)
    m.share_acknowledged_within_24h = _share(within_24h, m.acknowledged)
    m.median_days_to_acknowledge = _median(to_ack)
    m.median_days_to_close = _median(to_close)
    return m


def pact_metrics(issues: pd.DataFrame | Iterable[IssueRecord | Mapping], start: datetime,
                 end: datetime, now: datetime, neighbourhoods: Iterable[str] = ()) -> PactMetrics:
    """PACT metrics for the period [start, end) as seen at `now` (all aware UTC datetimes).

    `neighbourhoods` lists slugs to report even when they have no issues (zero rows).
    """
    if end <= start:
        raise ValueError("the period must end after it starts")
    records = _records(issues)
    as_of = min(end, now)
    groups: dict[str, list[IssueRecord]] = {slug: [] for slug in neighbourhoods}
    for r in records:
        groups.setdefault(r.neighbourhood, []).append(r)
    return PactMetrics(
        start=start, end=end, as_of=as_of,
        overall=_summarise(ALL, records, start, end, as_of),
        by_neighbourhood={slug: _summarise(slug, rows, start, end, as_of) for slug, rows in groups.items()},
    )


def load_issue_records(session: Session, neighbourhood_ids: Iterable[int] | None = None) -> list[IssueRecord]:
    """Every issue (optionally only in `neighbourhood_ids`) as plain records for `pact_metrics`."""
    query = (select(PactIssue.reference, Neighbourhood.slug, PactIssue.category, PactIssue.status,
                    Agency.name, PactIssue.created_at, PactIssue.acknowledged_at, PactIssue.closed_at)
             .join(Neighbourhood, PactIssue.neighbourhood_id == Neighbourhood.id)
             .outerjoin(Agency, PactIssue.agency_id == Agency.id))
    if neighbourhood_ids is not None:
        query = query.where(PactIssue.neighbourhood_id.in_(list(neighbourhood_ids)))
    return [IssueRecord(*row) for row in session.execute(query.order_by(PactIssue.created_at))]
