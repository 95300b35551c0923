"""Per-address and per-account limits, counted by Flask-Limiter's storage.

One interface for every limit in the portal (PACT raises and reference look-ups, survey starts and
submissions, staff sign-in failures): `hit` counts one request and says whether it is allowed,
atomically, in the storage Flask-Limiter was given: in memory by default (one process), Redis when
`REDIS_URL` is set, so every worker process and every server shares one count. The strategy is a
moving window ("at most N in the last T seconds"), which is what the pages promise.

Keys never hold an address or an email in clear: each is a keyed hash (HMAC with the secret key),
so the Redis database holds nothing personal.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import RateLimitItemPerSecond
from limits.strategies import RateLimiter

from analysis.formatting import plural


@dataclass(frozen=True)
class Limit:
    """At most `count` requests per `seconds` for one key (an address or an account)."""

    count: int
    seconds: int

    @property
    def item(self) -> RateLimitItemPerSecond:
        return RateLimitItemPerSecond(self.count, self.seconds)

    def describe(self) -> str:
        """'10 in 1 hour', '5 in 15 minutes': the words the 429 pages use."""
        if self.seconds % 3600 == 0:
            hours = self.seconds // 3600
            return f"{self.count} in {plural(hours, 'hour')}"
        return f"{self.count} in {plural(max(1, self.seconds // 60), 'minute')}"


@dataclass(frozen=True)
class Refusal:
    """A request over its limit; `retry_after` is whole seconds until one more would be allowed."""

    limit: Limit
    retry_after: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def _counter() -> RateLimiter:
    return current_app.extensions["rate_limiter"].limiter


def _identifiers(bucket: str, key: str) -> tuple[str, str, str]:
    digest = hmac.new(current_app.secret_key.encode(), key.encode(), hashlib.sha256).hexdigest()[:32]
    return current_app.config["RATELIMIT_KEY_PREFIX"], bucket, digest


def _refusal(bucket: str, key: str, limit: Limit) -> Refusal:
    reset_at = _counter().get_window_stats(limit.item, *_identifiers(bucket, key)).reset_time
    wait = math.ceil(reset_at - time.time())
    return Refusal(limit, min(max(1, wait), limit.seconds))


def hit(bucket: str, key: str, limit: Limit) -> Refusal | None:
    """Count one request for `key` in `bucket`: None if allowed, else a Refusal (nothing counted).

    The check and the count are one atomic step in the storage (a Lua script on Redis, a lock in
    memory), so parallel requests can never all slip under the limit together.
    """
    if _counter().hit(limit.item, *_identifiers(bucket, key)):
        return None
    return _refusal(bucket, key, limit)


def check(bucket: str, key: str, limit: Limit) -> Refusal | None:
    """Whether `key` is already at its limit in `bucket`, counting nothing."""
    if _counter().test(limit.item, *_identifiers(bucket, key)):
        return None
    return _refusal(bucket, key, limit)


def clear(bucket: str, key: str, limit: Limit) -> None:
    """Forget every counted request of `key` in `bucket` (a right password clears its failures)."""
    _counter().clear(limit.item, *_identifiers(bucket, key))


def _client_address() -> str:
    return request.remote_addr or ""


def init_app(app: Flask) -> None:
    """Give the app its own Flask-Limiter, counting in `RATELIMIT_STORAGE_URI` (memory:// or Redis).

    One Limiter per app rather than one module-level instance: a Limiter holds its storage itself,
    so a shared instance would make every app in a process (tests build many) count in the storage
    of the app built last. No route carries a limit decorator; each limit is counted where its rule
    applies (see `hit`). A moving window matches the pages' "N in the last hour".
    """
    app.extensions["rate_limiter"] = Limiter(_client_address, app=app, strategy="moving-window")
