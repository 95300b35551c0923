"""Per-address limits on starting and submitting surveys, held in memory.

No Redis and no table: the counts live in each worker process, so under a server with N workers an
address gets at most N times the limit, which is still enough to stop a script from filling a wave
while never troubling a household sharing one connection. Addresses are kept only as keyed hashes,
and idle entries are dropped.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import deque
from dataclasses import dataclass
from threading import Lock

from analysis.formatting import plural


@dataclass(frozen=True)
class Limit:
    """At most ``count`` requests per ``seconds`` from one address."""

    count: int
    seconds: int

    def describe(self) -> str:
        if self.seconds % 3600 == 0:
            hours = self.seconds // 3600
            return f"{self.count} an hour" if hours == 1 else f"{self.count} in {hours} hours"
        return f"{self.count} in {plural(self.seconds // 60, 'minute')}"


class AddressLimiter:
    """Sliding-window counts per (bucket, address); thread-safe."""

    MAX_KEYS = 100_000

    def __init__(self, secret: str):
        self._secret = secret.encode()
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = Lock()

    def _key(self, bucket: str, address: str) -> tuple[str, str]:
        return bucket, hmac.new(self._secret, address.encode(), hashlib.sha256).hexdigest()[:32]

    def allow(self, bucket: str, address: str, limit: Limit, now: float | None = None) -> bool:
        """Count one request; False (and not counted) when the address is over ``limit``."""
        now = time.monotonic() if now is None else now
        key = self._key(bucket, address)
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self.MAX_KEYS:
                    self._prune(now, limit.seconds)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - limit.seconds:
                hits.popleft()
            if len(hits) >= limit.count:
                return False
            hits.append(now)
            return True

    def _prune(self, now: float, seconds: int) -> None:
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - seconds]:
            del self._hits[key]
        if len(self._hits) >= self.MAX_KEYS:  # still full: forget the oldest half
            for key in list(self._hits)[: self.MAX_KEYS // 2]:
                del self._hits[key]
