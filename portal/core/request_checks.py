"""Requests the portal cannot use are answered 4xx before any view or database sees them.

- A NUL character in the URL, the query string or a form field is refused with 400: PostgreSQL
  refuses NUL in text (a 500 there, while SQLite would store it), and no honest form sends one.
- Bodies are capped by `MAX_CONTENT_LENGTH` (413 before parsing), chunked ones too; a view that
  takes uploads may allow more with `@allow_upload(bytes)`. The cap is set before CSRF protection
  reads the form.
- Ids in URLs (`<int:...>`) larger than the database's integer are refused with 400 instead of
  reaching the database (PostgreSQL raises "integer out of range").
- Anything that still reaches the database as an impossible value (a `DataError`) is a 400.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from flask import Flask, current_app, request
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

log = logging.getLogger("portal.requests")

# PostgreSQL's INTEGER, the type of every id column.
MAX_ID = 2**31 - 1
NUL = "\x00"


class IdConverter(IntegerConverter):
    """`<int:...>` that refuses ids the database cannot hold, with a message saying so."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            raise BadRequest(f"{value} is not a valid number for this page: it is too large.")
        return number


def allow_upload(max_bytes: int, fields: tuple[str, ...] = ("file",)) -> Callable:
    """Let one view take files in `fields`, and bodies up to `max_bytes` (above MAX_CONTENT_LENGTH).

    Every other view refuses file parts: Flask-WTF reads files and text from one mapping, so a text
    field sent as a file part would reach a validator as an object it cannot read (a 500).
    """
    def decorate(view: Callable) -> Callable:
        view.max_content_length = max_bytes  # type: ignore[attr-defined]  # read by the request checks
        view.file_fields = frozenset(fields)  # type: ignore[attr-defined]
        return view
    return decorate


def _sent_text() -> list[str]:
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.method in ("POST", "PUT", "PATCH"):
        values += [*request.form.keys(), *request.form.values()]
        values += [upload.filename or "" for upload in request.files.values()]
    return values


def _read_chunked_body(cap: int) -> None:
    """A chunked body has no length to refuse up front, and Werkzeug stops reading it at the cap
    without a word, so the view would see a cut-off form. Read up to one byte past the cap: more
    is the same 413 as a declared length; less becomes an ordinary body of known length."""
    body = request.environ["wsgi.input"].read(cap + 1)
    if len(body) > cap:
        raise RequestEntityTooLarge()
    request.environ.update({"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))})
    request.environ.pop("HTTP_TRANSFER_ENCODING", None)


def refuse_unusable_requests() -> None:
    """Before CSRF protection and every view: apply the view's upload cap, refuse NUL characters
    and files sent where the view takes none."""
    view = current_app.view_functions.get(request.endpoint or "")
    cap = getattr(view, "max_content_length", None)
    if cap:
        request.max_content_length = cap
    if request.content_length is None and "wsgi.input_terminated" in request.environ:
        _read_chunked_body(request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"])
    if any(NUL in value for value in _sent_text()):
        log.info("nul character refused", extra={"path": request.path.replace(NUL, "")})
        raise BadRequest("The request contains a character that is not allowed (a NUL, code 0). "
                         "Remove it and try again.")
    if request.method in ("POST", "PUT", "PATCH") and request.files:
        unexpected = set(request.files) - getattr(view, "file_fields", frozenset())
        if unexpected:
            raise BadRequest(f"This form does not take a file in {', '.join(sorted(unexpected))[:200]}. "
                             "Fill it in as text and try again.")


def init_app(app: Flask) -> None:
    """Register the checks; call before CSRF protection so they run first."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_unusable_requests)

    @app.errorhandler(DataError)
    def impossible_value(error: DataError):
        from portal.core.errors import render_error
        from portal.core.extensions import db

        db.session.rollback()
        log.warning("database refused a value", extra={"path": request.path, "error": str(error.orig)[:200]})
        return render_error(400, "Something sent with the request is not a value the service can "
                                 "store (a number too large, or a character that is not allowed). "
                                 "Check it and try again.")
