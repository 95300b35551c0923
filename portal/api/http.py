"""How the API answers: JSON with a `meta` object or CSV, validators (ETag, Last-Modified, 304),
CORS for GET from any origin, JSON errors that name the valid choices, and the per-address limit.

Last-Modified: the data behind an answer carries no single change time (a cancelled meeting
changes nothing that is dated), so each process remembers when it first served each body of each
URL (by its ETag). A changed body gets a later time than any before it, so If-Modified-Since can
never wrongly answer 304; after a restart the time is later than the truth, which only costs a 200.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
from collections import OrderedDict
from datetime import datetime, timedelta

from flask import Response, current_app, request
from werkzeug.http import http_date, parse_date

from portal.areas.profile import current_profile
from portal.core import limits
from portal.core.clock import utcnow
from portal.core.links import public_url
from surveys.exporting import neutralise_formula

LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
FORMATS = ("json", "csv")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link, Retry-After",
    "Access-Control-Max-Age": "86400",
}


class ApiError(Exception):
    """An answer other than the resource: status, a stable code, a message and the valid choices."""

    def __init__(self, status: int, code: str, message: str, valid: list[str] | None = None,
                 retry_after: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.valid = status, code, message, valid
        self.retry_after = retry_after  # seconds, for a 429's Retry-After header


def meta() -> dict:
    """The licence and method note every answer carries (and the units of its figures)."""
    return {
        "publisher": current_profile().name,
        "licence": LICENCE,
        "method_note": public_url("api.open_data") + "#method",
        "documentation": public_url("api.openapi"),
        "units": "Shares are fractions from 0 to 1 (0.255 is 25.5%); differences are fractions "
                 "too; ratios are plain numbers. CSV writes shares as per cent, rounded as the "
                 "pages print them.",
        "disclosure": "Figures based on fewer than 30 responses are null (flag 'suppressed'), "
                      "and so is the smallest other figure beside them where the total minus "
                      "the published figures would give them; fewer than 100 are flagged "
                      "'low_base': treat with caution.",
    }


def check_query(allowed: tuple[str, ...]) -> str:
    """The requested format; ApiError 400 for an unknown parameter, a repeated or empty one, or
    an unknown format."""
    for name in request.args:
        if name not in allowed:
            raise ApiError(400, "unknown_parameter", f"Unknown query parameter {name!r}.",
                           list(allowed))
        values = request.args.getlist(name)
        if len(values) > 1 or not values[0].strip():
            raise ApiError(400, "bad_parameter", f"Give {name!r} once, with a value.", list(allowed))
    fmt = request.args.get("format", "json")
    if fmt not in FORMATS:
        raise ApiError(400, "bad_format", f"Unknown format {fmt!r}.", list(FORMATS))
    return fmt


def error_response(error: ApiError) -> Response:
    body = {"error": {"status": error.status, "code": error.code, "message": error.message}}
    if error.valid is not None:
        body["error"]["valid"] = error.valid
    response = Response(json.dumps(body, ensure_ascii=False), error.status,
                        mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def json_body(data) -> bytes:
    return json.dumps({"meta": meta(), "data": data}, ensure_ascii=False,
                      separators=(",", ":")).encode()


def csv_body(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 CSV; text cells that a spreadsheet would run as a formula are neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[neutralise_formula(v) if isinstance(v, str) else ("" if v is None else v)
                       for v in row] for row in rows])
    return buf.getvalue().encode("utf-8")


class FirstSeen:
    """When this process first served each (URL, ETag): the Last-Modified of that body."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._items: OrderedDict[str, tuple[str, datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def stamp(self, key: str, etag: str, now: datetime | None = None) -> datetime:
        now = (now or utcnow()).replace(microsecond=0) + timedelta(seconds=1)
        with self._lock:
            known = self._items.get(key)
            if known and known[0] == etag:
                self._items.move_to_end(key)
                return known[1]
            stamp = max(now, known[1] + timedelta(seconds=1)) if known else now
            self._items[key] = (etag, stamp)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return stamp


class AnswerMemo:
    """Bodies built from one cached wave analysis, kept while that analysis is the cache's: the
    same analysis object and URL give the same bytes, so a warm request skips building them."""

    def __init__(self, size: int = 512):
        self.size = size
        self._items: OrderedDict[str, tuple[object, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, analysis: object, build) -> bytes:
        with self._lock:
            found = self._items.get(key)
        if found is not None and found[0] is analysis:
            return found[1]
        body = build()
        with self._lock:
            self._items[key] = (analysis, body)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return body


def memo() -> AnswerMemo:
    return current_app.extensions.setdefault("api_answers", AnswerMemo())


def _first_seen() -> FirstSeen:
    return current_app.extensions.setdefault("api_first_seen", FirstSeen())


def not_modified(etag: str, modified: datetime) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present; else If-Modified-Since."""
    if "If-None-Match" in request.headers:
        tags = [t.strip() for t in request.headers["If-None-Match"].split(",")]
        return "*" in tags or f'"{etag}"' in tags or f'W/"{etag}"' in tags
    since = parse_date(request.headers.get("If-Modified-Since"))
    return since is not None and modified <= since


def cached_answer(body: bytes, mimetype: str, filename: str | None = None) -> Response:
    """200 with ETag and Last-Modified, or 304 when the client's copy is current."""
    etag = hashlib.sha256(body).hexdigest()[:32]
    modified = _first_seen().stamp(request.full_path, etag)
    if not_modified(etag, modified):
        response = Response(status=304)
    else:
        response = Response(body, mimetype=mimetype)
        if filename:
            response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["ETag"] = f'"{etag}"'
    response.headers["Last-Modified"] = http_date(modified)
    response.headers["Cache-Control"] = "public, max-age=60, must-revalidate"
    response.headers["Link"] = (f'<{LICENCE["url"]}>; rel="license", '
                                f'<{public_url("api.open_data") + "#method"}>; '
                                'rel="describedby"')
    return response


def add_cors(response: Response) -> Response:
    for name, value in CORS_HEADERS.items():
        response.headers[name] = value
    return response


def rate_limited() -> ApiError | None:
    """The API's rate limit, per address, counted like every other limit (`portal.core.limits`:
    Flask-Limiter, in Redis when `REDIS_URL` is set), answered as a JSON 429 with Retry-After."""
    limit = limits.Limit(*current_app.config["API_RATE_LIMIT"])
    refusal = limits.hit("api", request.remote_addr or "", limit)
    if refusal is None:
        return None
    return ApiError(429, "rate_limited", f"Too many requests from this address: the limit is "
                    f"{limit.describe()}. Wait and try again.", retry_after=refusal.retry_after)
