"""PACT performance for any period, per neighbourhood and overall, as one pure function.

`pact_metrics(issues, start, end, now)` takes plain issue records (a list of `IssueRecord`, of
mappings with the same keys, or a DataFrame with those columns) and returns a `PactMetrics`
dataclass; `PactMetrics.to_frame()` gives one row per neighbourhood plus an "all" row. No Flask,
no session: the console, the public pages and the PDF reports all call this, so they agree.
`load_issue_records(session, neighbourhood_ids)` is the thin loader from the database;
`raised_by_channel` counts the same records by how they reached the partnership.

Definitions (methodology.md, "PACT and the Policing Pledge"). The period is [start, end); figures
are as seen at `as_of` = min(end, now), so a period that has ended reads the same whenever it is
asked for: each issue's status and closing are read from its status history (`IssueRecord.statuses`,
the issue's "created" and "status" events) as it stood at `as_of`, so a resident reopening an issue
later does not take its closing out of a past period. Shares are fractions 0..1, unrounded (print
them with `analysis.formatting.percent`).
- raised: created in the period. closed: closed at `as_of` (any closing status), by a closing made
  in the period; resolved locally: those of them whose closing status was "resolved locally".
- first response (`FIRST_RESPONSE`, the one definition every label and hint says): the issue
  acknowledged or, for an issue turned down without an acknowledgement (closed as a duplicate or out
  of scope, with the reason sent to the resident), closed; either way the resident has heard back,
  as the Policing Pledge asks. It is not "acknowledged", and no page calls it that.
- share with a first response within 24 hours (the Policing Pledge): of the issues raised in the
  period that are at least 24 hours old at `as_of` (`first_response_base`), the share whose first
  response came within 24 hours of being raised. An issue with no response after 24 hours counts as
  missed; issues younger than 24 hours are not counted yet. None when the base is empty.
- median days to first response: over the issues raised in the period that had a first response by
  `as_of`. Issues still waiting are not in the median (they count as missed in the 24-hour share).
- share dealt with locally: of the issues closed in the period, the share closed as resolved locally;
  None when nothing closed.
- median days to close: over the issues closed in the period (closed issues only, however long ago
  they were raised); issues still open are counted by age instead.
- open issues by age: issues open at `as_of` (created before it and not closed by it), banded by
  age in whole days at `as_of`.

The names the pages, the PDF, the API and the downloads give each figure are `LABELS`, and the
sentences they print under it are `HINTS` (one home for the words).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Agency, IssueChannel, IssueEvent, IssueStatus, Neighbourhood, PactIssue
from portal.pact.workflow import CLOSED

AGE_BANDS = (("0-7 days", 0, 7), ("8-30 days", 8, 30), ("31-90 days", 31, 90), ("over 90 days", 91, None))
ALL = "all"
DAY = timedelta(days=1)
ACKNOWLEDGE_WITHIN = timedelta(hours=24)  # the Policing Pledge standard

FIRST_RESPONSE = ("acknowledged, or turned down (a duplicate or out of scope) with the reason sent to "
                  "the resident")
LABELS = {
    "first_response_within_24h": "First response within 24 hours",
    "median_days_to_first_response": "Median days to first response",
    "dealt_with_locally": "Dealt with locally",
    "median_days_to_close": "Median days to close",
    "open_issues": "Open issues",
}
HINTS = {
    "first_response_within_24h": (
        "Of the issues raised in the period that are at least 24 hours old, the share with a first "
        f"response within 24 hours of being raised ({FIRST_RESPONSE}); an issue still waiting after "
        "24 hours counts as missed."),
    "dealt_with_locally": "Of the issues closed in the period, the share closed as resolved locally.",
    "median_days_to_first_response": (
        f"Issues raised in the period that have had a first response ({FIRST_RESPONSE}); issues "
        "still waiting are left out here and count as missed in the 24-hour figure."),
    "median_days_to_close": (
        "Issues closed in the period (closed issues only); issues still open are counted by age."),
    "open_issues": "Issues not closed at the end of the period (or now, if it has not ended).",
    "resident_satisfaction": (
        "Of the residents who answered “Was it resolved?” (asked some weeks after an issue was "
        "closed as resolved locally, of those who agreed to be asked, so not a sample of all "
        "residents), the share who said it was resolved; “partly resolved” counts as not resolved. "
        "Questions sent in the period, answers received by its end."),
    "follow_up_response_rate": (
        "Of the follow-up questions sent in the period, the share answered by its end."),
    "by_channel": (
        "Issues raised in the period, by how they reached the partnership: the online form is the "
        "resident's own; the others a coordinator recorded for the resident."),
}


def first_response(acknowledged_at: datetime | None, closed_at: datetime | None) -> datetime | None:
    """When the resident first heard back: acknowledged, or turned down (closed) without that."""
    return acknowledged_at if acknowledged_at is not None else closed_at


def missed_first_response(created_at: datetime, acknowledged_at: datetime | None,
                           closed_at: datetime | None, as_of: datetime) -> bool:
    """True when, at `as_of`, the issue is past 24 hours and had no first response within them."""
    if as_of - created_at < ACKNOWLEDGE_WITHIN:
        return False
    responded = first_response(acknowledged_at, closed_at)
    return responded is None or responded > as_of or responded - created_at > ACKNOWLEDGE_WITHIN


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
    channel: str = IssueChannel.ONLINE  # how it reached the partnership (older records: online)
    # The status history, oldest first: (when, status it moved to). Empty: no history known, and
    # `status` and `closed_at` are taken as they stand (as the records of older tests and imports).
    statuses: tuple[tuple[datetime, str], ...] = ()


@dataclass(frozen=True)
class _Standing:
    """An issue as it stood at `as_of`: its status then, and when it closed if it was closed then."""

    status: str
    closed_at: datetime | None


def standing(r: IssueRecord, as_of: datetime) -> _Standing:
    """The issue's status and closing as they stood at `as_of`, from its status history (a later
    reopening does not undo a closing an ended period counted)."""
    if not r.statuses:
        closed = r.closed_at if r.closed_at is not None and r.closed_at <= as_of else None
        return _Standing(r.status, closed)
    status, changed = r.statuses[0][1], r.statuses[0][0]
    for at, to in r.statuses:
        if at > as_of:
            break
        status, changed = to, at
    return _Standing(status, changed if status in CLOSED and changed <= as_of else None)


@dataclass
class NeighbourhoodMetrics:
    """One neighbourhood's (or "all") figures; shares are fractions 0..1, days are decimal days."""

    neighbourhood: str
    raised: int = 0
    closed: int = 0
    resolved_locally: int = 0
    share_dealt_with_locally: float | None = None
    first_response_base: int = 0  # raised in the period and at least 24 hours old at as_of
    first_response_within_24h: int = 0
    still_waiting: int = 0  # in the base, no first response by as_of
    share_first_response_within_24h: float | None = None
    responded: int = 0  # raised in the period, first response by as_of (the median's base)
    median_days_to_first_response: float | None = None
    median_days_to_close: float | None = None
    open_issues: int = 0
    open_by_age: dict[str, int] = field(default_factory=lambda: {band: 0 for band, *_ in AGE_BANDS})

    @property
    def missed_first_response(self) -> int:
        """Issues in the base without a first response within 24 hours (late or still waiting)."""
        return self.first_response_base - self.first_response_within_24h


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


def _first_closing(r: IssueRecord) -> datetime | None:
    """When the issue was first closed (a turn-down is never reopened, so for the first response
    this is the closing, whatever happened after)."""
    if not r.statuses:
        return r.closed_at
    return next((at for at, to in r.statuses if to in CLOSED), None)


def _records(issues) -> list[IssueRecord]:
    if isinstance(issues, pd.DataFrame):
        frame = issues.astype(object).where(issues.notna(), None)
        issues = frame.to_dict("records")
    out = []
    for item in issues:
        if isinstance(item, IssueRecord):
            out.append(item)
        elif isinstance(item, Mapping):
            values = {k: _clean(item.get(k)) for k in IssueRecord.__dataclass_fields__}
            out.append(IssueRecord(**{**values, "channel": values["channel"] or IssueChannel.ONLINE,
                                      "statuses": tuple(tuple(s) for s in values["statuses"] or ())}))
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
    """Unrounded: each surface rounds once, when it prints (9.354 days reads 9.4, never 9.35 then 9.3)."""
    return statistics.median(values) if values else None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _age_band(age_days: int) -> str:
    for band, low, high in AGE_BANDS:
        if age_days >= low and (high is None or age_days <= high):
            return band
    raise ValueError(f"negative age {age_days}")


def _count_first_response(m: NeighbourhoodMetrics, r: IssueRecord, as_of: datetime,
                           to_respond: list[float]) -> None:
    """Add an issue raised in the period to the 24-hour share and the median to first response."""
    closed = _first_closing(r)
    responded = first_response(r.acknowledged_at, closed)
    if responded is not None and responded <= as_of:
        m.responded += 1
        to_respond.append(_days(responded, r.created_at))
    if as_of - r.created_at >= ACKNOWLEDGE_WITHIN:
        m.first_response_base += 1
        if not missed_first_response(r.created_at, r.acknowledged_at, closed, as_of):
            m.first_response_within_24h += 1
        elif responded is None or responded > as_of:
            m.still_waiting += 1


def _summarise(name: str, records: list[IssueRecord], start: datetime, end: datetime,
               as_of: datetime) -> NeighbourhoodMetrics:
    m = NeighbourhoodMetrics(neighbourhood=name)
    to_respond: list[float] = []
    to_close: list[float] = []
    for r in records:
        if start <= r.created_at < end and r.created_at <= as_of:
            m.raised += 1
            _count_first_response(m, r, as_of, to_respond)
        then = standing(r, as_of)
        if then.closed_at is not None and start <= then.closed_at < end:
            m.closed += 1
            m.resolved_locally += then.status == IssueStatus.RESOLVED_LOCALLY
            to_close.append(_days(then.closed_at, r.created_at))
        if r.created_at < as_of and then.closed_at is None:
            m.open_issues += 1
            m.open_by_age[_age_band(int(_days(as_of, r.created_at)))] += 1
    m.share_dealt_with_locally = _share(m.resolved_locally, m.closed)
    m.share_first_response_within_24h = _share(m.first_response_within_24h, m.first_response_base)
    m.median_days_to_first_response = _median(to_respond)
    m.median_days_to_close = _median(to_close)
    return m


class _InNeighbourhood(Protocol):
    @property
    def neighbourhood(self) -> str: ...  # slug


R = TypeVar("R", bound=_InNeighbourhood)  # a record with a `neighbourhood` slug


def _by_neighbourhood(rows: Iterable[R], neighbourhoods: Iterable[str]) -> dict[str, list[R]]:
    """Rows by neighbourhood slug; each slug in `neighbourhoods` present even with no rows."""
    groups: dict[str, list[R]] = {slug: [] for slug in neighbourhoods}
    for r in rows:
        groups.setdefault(r.neighbourhood, []).append(r)
    return groups


def pact_metrics(issues: pd.DataFrame | Iterable[IssueRecord | Mapping], start: datetime,
                 end: datetime, now: datetime, neighbourhoods: Iterable[str] = ()) -> PactMetrics:
    """PACT metrics for the period [start, end) as seen at `now` (all aware UTC datetimes).

    `neighbourhoods` lists slugs to report even when they have no issues (zero rows).
    """
    if end <= start:
        raise ValueError("the period must end after it starts")
    records = _records(issues)
    as_of = min(end, now)
    groups = _by_neighbourhood(records, neighbourhoods)
    return PactMetrics(
        start=start, end=end, as_of=as_of,
        overall=_summarise(ALL, records, start, end, as_of),
        by_neighbourhood={slug: _summarise(slug, rows, start, end, as_of) for slug, rows in groups.items()},
    )


@dataclass(frozen=True)
class ChannelCounts:
    """Issues raised in the period by channel (every channel, in `IssueChannel` order, zeros
    included); `raised` is their total, the base of each share."""

    counts: dict[str, int]
    raised: int

    def share(self, channel: str) -> float | None:
        return _share(self.counts.get(channel, 0), self.raised)


def raised_by_channel(issues: pd.DataFrame | Iterable[IssueRecord | Mapping], start: datetime,
                      end: datetime, now: datetime) -> ChannelCounts:
    """Count the issues raised in [start, end) (as seen at min(end, now)) by channel: the same
    "raised" as `pact_metrics`, so the counts add up to its raised figure for the same records."""
    as_of = min(end, now)
    counts = {str(channel): 0 for channel in IssueChannel}
    for r in _records(issues):
        if start <= r.created_at < end and r.created_at <= as_of:
            counts[str(r.channel)] = counts.get(str(r.channel), 0) + 1
    return ChannelCounts(counts, sum(counts.values()))


def load_issue_records(session: Session, neighbourhood_ids: Iterable[int] | None = None) -> list[IssueRecord]:
    """Every issue (optionally only in `neighbourhood_ids`) as plain records for `pact_metrics`,
    each with its status history (two queries, however many issues)."""
    query = (select(PactIssue.id, PactIssue.reference, Neighbourhood.slug, PactIssue.category,
                    PactIssue.status, Agency.name, PactIssue.created_at, PactIssue.acknowledged_at,
                    PactIssue.closed_at, PactIssue.channel)
             .join(Neighbourhood, PactIssue.neighbourhood_id == Neighbourhood.id)
             .outerjoin(Agency, PactIssue.agency_id == Agency.id))
    history = (select(IssueEvent.issue_id, IssueEvent.at, IssueEvent.to_value)
               .join(PactIssue, IssueEvent.issue_id == PactIssue.id)
               .where(IssueEvent.kind.in_(("created", "status"))))
    if neighbourhood_ids is not None:
        ids = list(neighbourhood_ids)
        query = query.where(PactIssue.neighbourhood_id.in_(ids))
        history = history.where(PactIssue.neighbourhood_id.in_(ids))
    statuses: dict[int, list[tuple[datetime, str]]] = {}
    for issue_id, at, to in session.execute(history.order_by(IssueEvent.at, IssueEvent.id)):
        statuses.setdefault(issue_id, []).append((at, to))
    return [replace(IssueRecord(*row[1:]), statuses=tuple(statuses.get(row[0], ())))
            for row in session.execute(query.order_by(PactIssue.created_at))]


# --- resident satisfaction: answers to "Was it resolved?" (portal.pact.follow_up) ------------

@dataclass(frozen=True)
class FollowUpRecord:
    neighbourhood: str  # slug
    sent_at: datetime
    answer: str | None  # a FollowUpAnswer value, None while unanswered
    answered_at: datetime | None


@dataclass
class Satisfaction:
    """One neighbourhood's (or "all") follow-up figures. `share_resolved` is the resident
    satisfaction measure (0..1) on the base `answered`; `response_rate` is answered / sent."""

    neighbourhood: str
    sent: int = 0  # questions sent in the period (by as_of)
    answered: int = 0  # of those, answered by as_of: the measure's base
    resolved: int = 0
    partly: int = 0
    not_resolved: int = 0
    share_resolved: float | None = None  # "partly" counts as not resolved
    response_rate: float | None = None


@dataclass
class SatisfactionFigures:
    start: datetime
    end: datetime
    as_of: datetime
    overall: Satisfaction
    by_neighbourhood: dict[str, Satisfaction]


def _satisfaction(name: str, records: list[FollowUpRecord], start: datetime, end: datetime,
                  as_of: datetime) -> Satisfaction:
    s = Satisfaction(neighbourhood=name)
    for r in records:
        if not (start <= r.sent_at < end and r.sent_at <= as_of):
            continue
        s.sent += 1
        if r.answer is None or r.answered_at is None or r.answered_at > as_of:
            continue
        s.answered += 1
        s.resolved += r.answer == "resolved"
        s.partly += r.answer == "partly"
        s.not_resolved += r.answer == "not_resolved"
    s.share_resolved = _share(s.resolved, s.answered)
    s.response_rate = _share(s.answered, s.sent)
    return s


def resident_satisfaction(records: Iterable[FollowUpRecord], start: datetime, end: datetime,
                          now: datetime, neighbourhoods: Iterable[str] = ()) -> SatisfactionFigures:
    """Resident satisfaction for the period [start, end) as seen at `as_of` = min(end, now): of the
    follow-up questions sent in the period, how many were answered by `as_of` (the base) and the
    share of those answers saying "resolved" ("partly" is not resolved: the resident is satisfied
    only when they say so); and the response rate, answered over sent. A period that has ended
    reads the same whenever it is asked for; answers arriving after its end are not counted."""
    if end <= start:
        raise ValueError("the period must end after it starts")
    rows = list(records)
    as_of = min(end, now)
    groups = _by_neighbourhood(rows, neighbourhoods)
    return SatisfactionFigures(
        start=start, end=end, as_of=as_of,
        overall=_satisfaction(ALL, rows, start, end, as_of),
        by_neighbourhood={slug: _satisfaction(slug, g, start, end, as_of) for slug, g in groups.items()})


def load_follow_up_records(session: Session, neighbourhood_ids: Iterable[int] | None = None
                           ) -> list[FollowUpRecord]:
    """Every follow-up question sent (optionally only in `neighbourhood_ids`), for
    `resident_satisfaction`."""
    query = (select(Neighbourhood.slug, PactIssue.followup_sent_at, PactIssue.followup_answer,
                    PactIssue.followup_answered_at)
             .join(Neighbourhood, PactIssue.neighbourhood_id == Neighbourhood.id)
             .where(PactIssue.followup_sent_at.is_not(None)))
    if neighbourhood_ids is not None:
        query = query.where(PactIssue.neighbourhood_id.in_(list(neighbourhood_ids)))
    records = []
    for slug, sent, answer, answered in session.execute(query.order_by(PactIssue.followup_sent_at)):
        assert sent is not None  # the query keeps only questions sent
        records.append(FollowUpRecord(slug, sent, str(answer) if answer else None, answered))
    return records
