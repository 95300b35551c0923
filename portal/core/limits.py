"""Per-address and per-account limits, counted by Flask-Limiter's storage.

One interface for every limit in the portal (PACT raises and reference look-ups, survey starts and
submissions, staff sign-in failures): `hit` counts one request and says whether it is allowed,
atomically, in the storage Flask-Limiter was given: in memory by default (one process), Redis when
`REDIS_URL` is set, so every worker process and every server shares one count. The strategy is a
moving window ("at most N in the last T seconds"), which is what the pages promise.

Keys never hold an address or an email in clear: each is a keyed hash (HMAC with the secret key),
so the Redis database holds nothing personal.

If Redis stops answering, limits are counted in this process's memory until it answers again (a
warning is logged each time): a per-process limit is weaker than a shared one, but failing open would
drop the sign-in guard and answering 500 would take the public pages down with the cache. A Redis
that hangs rather than refusing counts as down after REDIS_TIMEOUT_SECONDS (the storage's socket
timeouts, `RATELIMIT_STORAGE_OPTIONS`); after a failure the process counts in memory for
`STORAGE_RETRY_SECONDS` before it asks Redis again, so a hung Redis costs one request the timeout,
not every limit check of every request.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, current_app, request
from flask_babel import gettext, ngettext
from flask_limiter import Limiter
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, RateLimiter
from redis.exceptions import RedisError

from analysis.formatting import plural
from portal.core import audit
from portal.core.clock import epoch_seconds
from portal.core.errors import render_error
from portal.core.extensions import db
from portal.core.languages import N_, translate


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
class OverLimit:
    """A request over its limit; `retry_after` is whole seconds until one more would be allowed."""

    limit: Limit
    retry_after: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


log = logging.getLogger(__name__)
T = TypeVar("T")
STORAGE_RETRY_SECONDS = 15  # after the storage failed, count in memory this long before asking again


def _counted(step: Callable[[RateLimiter], T]) -> T:
    """`step` on the app's storage, or on the in-process fallback while that storage is down."""
    state = current_app.extensions["rate_limiter_state"]
    if epoch_seconds() >= state["down_until"]:
        try:
            return step(current_app.extensions["rate_limiter"].limiter)
        except (RedisError, ConnectionError, TimeoutError) as error:
            log.warning("Rate-limit storage unavailable (%s); counting in this process", error)
            state["down_until"] = epoch_seconds() + STORAGE_RETRY_SECONDS
    return step(current_app.extensions["rate_limiter_fallback"])


def _identifiers(bucket: str, key: str) -> tuple[str, str, str]:
    digest = hmac.new(str(current_app.secret_key).encode(), key.encode(), hashlib.sha256).hexdigest()[:32]
    return current_app.config["RATELIMIT_KEY_PREFIX"], bucket, digest


def _refusal(bucket: str, key: str, limit: Limit) -> OverLimit:
    ids = _identifiers(bucket, key)
    reset_at = _counted(lambda counter: counter.get_window_stats(limit.item, *ids)).reset_time
    wait = math.ceil(reset_at - epoch_seconds())
    return OverLimit(limit, min(max(1, wait), limit.seconds))


def hit(bucket: str, key: str, limit: Limit) -> OverLimit | None:
    """Count one request for `key` in `bucket`: None if allowed, else an OverLimit (nothing counted).

    The check and the count are one atomic step in the storage (a Lua script on Redis, a lock in
    memory), so parallel requests can never all slip under the limit together.
    """
    ids = _identifiers(bucket, key)
    if _counted(lambda counter: counter.hit(limit.item, *ids)):
        return None
    return _refusal(bucket, key, limit)


def check(bucket: str, key: str, limit: Limit) -> OverLimit | None:
    """Whether `key` is already at its limit in `bucket`, counting nothing."""
    ids = _identifiers(bucket, key)
    if _counted(lambda counter: counter.test(limit.item, *ids)):
        return None
    return _refusal(bucket, key, limit)


def clear(bucket: str, key: str, limit: Limit) -> None:
    """Forget every counted request of `key` in `bucket` (a right password clears its failures)."""
    ids = _identifiers(bucket, key)
    _counted(lambda counter: counter.clear(limit.item, *ids))


NOTHING_SAVED = N_("Nothing you entered was saved. To report a crime call 101, or 999 in an "
                   "emergency.")


def over_limit(bucket: str, setting: str, what: str, *, after: str = NOTHING_SAVED,
               audited: bool = False):
    """Count this request from the caller's address against the limit in app config `setting`.

    None while allowed; one too many gets the one limit page (429 with Retry-After), saying what was
    done too often (`what`, a sentence marked with `N_`: "You have raised an issue too many times from
    this connection.") and, in `after` (marked too), what became of the person's input, in the
    resident's language. With `audited`, each counted request is audited (at most the limit's count
    of rows per address and window: refusals are not written), as the resident forms' limits always
    were."""
    refusal = hit(bucket, _client_address(), Limit(*current_app.config[setting]))
    if refusal is None:
        if audited:
            audit.record(db.session, "rate_limited_request", bucket)
            db.session.commit()
        return None
    log.warning("rate limit", extra={"bucket": bucket})
    words = [translate(what), _limit_words(refusal), translate(after) if after else ""]
    body, status = render_error(429, " ".join(w for w in words if w))
    return body, status, refusal.headers


def _limit_words(refusal: OverLimit) -> str:
    """'The limit is 10 in 1 hour. Wait 5 minutes and try again.' in the request's language."""
    limit = refusal.limit
    if limit.seconds % 3600 == 0:
        period = ngettext("%(num)s hour", "%(num)s hours", limit.seconds // 3600)
    else:
        period = ngettext("%(num)s minute", "%(num)s minutes", max(1, limit.seconds // 60))
    return " ".join((gettext("The limit is %(count)s in %(period)s.", count=limit.count, period=period),
                     ngettext("Wait %(num)s minute and try again.", "Wait %(num)s minutes and try again.",
                              refusal.minutes)))


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
    app.extensions["rate_limiter_fallback"] = MovingWindowRateLimiter(MemoryStorage())
    app.extensions["rate_limiter_state"] = {"down_until": 0.0}  # epoch seconds
