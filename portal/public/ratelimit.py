"""Per-address rate limits for the public forms, behind one small interface (`RateLimiter.allow`).

The portal uses `AuditRateLimiter` (database-backed): each counted request is an `audit_event` row
(action `rate_limited_request`, target_type the bucket, with the caller's address, which the audit
log records anyway), so limits hold across worker processes and need nothing but the database
(SQLite demo included; Redis is not needed). Refused requests are not written, so one address adds
at most `limit.count` rows per window. `MemoryRateLimiter` is the same for a single process.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.formatting import plural
from portal.models import AuditEvent, utcnow

ACTION = "rate_limited_request"


@dataclass(frozen=True)
class Limit:
    """At most `count` requests per `seconds` from one address."""

    count: int
    seconds: int

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.seconds)

    def describe(self) -> str:
        if self.seconds % 3600 == 0:
            hours = self.seconds // 3600
            return f"{self.count} in {plural(hours, 'hour')}"
        return f"{self.count} in {plural(max(1, self.seconds // 60), 'minute')}"


class RateLimiter(Protocol):
    def allow(self, bucket: str, address: str, limit: Limit, now: datetime | None = None) -> bool:
        """Count one request; False (and nothing counted) when `address` is at `limit` in `bucket`."""


class AuditRateLimiter:
    def __init__(self, session: Session):
        self.session = session

    def allow(self, bucket: str, address: str, limit: Limit, now: datetime | None = None) -> bool:
        now = now or utcnow()
        used = self.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == ACTION, AuditEvent.target_type == bucket,
            AuditEvent.ip_address == address, AuditEvent.at >= now - limit.window)) or 0
        if used >= limit.count:
            return False
        self.session.add(AuditEvent(action=ACTION, target_type=bucket, ip_address=address[:45], at=now,
                                    detail={}))
        self.session.commit()
        return True


class MemoryRateLimiter:
    def __init__(self):
        self.hits: dict[tuple[str, str], deque[datetime]] = defaultdict(deque)

    def allow(self, bucket: str, address: str, limit: Limit, now: datetime | None = None) -> bool:
        now = now or utcnow()
        hits = self.hits[(bucket, address)]
        while hits and hits[0] < now - limit.window:
            hits.popleft()
        if len(hits) >= limit.count:
            return False
        hits.append(now)
        return True
