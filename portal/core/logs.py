"""Structured logging: one JSON object per line, with the request's method, path and status.

A path that carries a live link's token (a view argument named `token`: invitations, alert
confirmations and unsubscribes, follow-up answers, leaving the panel) is logged with the token
masked (`TOKEN_MASK`), so the logs hold no link that could be followed. Query strings are never
logged."""

from __future__ import annotations

import json
import logging
import time

from flask import Flask, g, has_request_context, request

_STANDARD = set(vars(logging.makeLogRecord({})))
TOKEN_MASK = "[token]"  # noqa: S105 - what replaces a token, not one


def logged_path() -> str:
    """The request's path with every token in it masked."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if (name == "token" or name.endswith("_token")) and value:
            path = path.replace(str(value), TOKEN_MASK)
    return path


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if has_request_context():
            entry.setdefault("path", logged_path())
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def init_app(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("portal")
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    root.propagate = False
    access = logging.getLogger("portal.auth.access")

    @app.before_request
    def _start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.pop("request_started", None)
        if started is not None and not request.path.startswith("/static/"):
            access.info("request", extra={
                "method": request.method, "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            })
        return response
