"""Error pages in the portal's style; nothing about the code or the stack ever reaches the page."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.core.languages import N_, translate

log = logging.getLogger("portal.core.errors")

MESSAGES = {
    400: (N_("Sorry, there is a problem with your request"),
          N_("The page could not understand what was sent. Go back and try again.")),
    403: (N_("You do not have permission to see this page"),
          N_("Your account does not give access to this page. Ask an administrator if you need it.")),
    404: (N_("Page not found"),
          N_("If you typed the web address, check it is correct. If you pasted it, check you copied "
          "the entire address.")),
    405: (N_("Sorry, there is a problem with your request"),
          N_("This page cannot be used in that way. Go back and try again.")),
    413: (N_("What you sent is too large"),
          N_("The form or file is larger than the service accepts. Choose a smaller file, or send less "
          "text, and try again. Nothing was saved.")),
    429: (N_("Too many requests"),
          N_("You have sent too many requests in a short time. Wait a few minutes and try again.")),
    500: (N_("Sorry, there is a problem with the service"),
          N_("Try again later. Nothing you entered has been saved twice.")),
}
FORM_EXPIRED = N_("This form has expired or was not sent from this site. Go back, refresh the page and try "
                  "again. Nothing was saved.")


def render_error(code: int, detail: str | None = None):
    """The error page, in the resident's language (a `detail` given is already in it)."""
    title, text = MESSAGES.get(code, MESSAGES[500])
    return render_template("error.html", code=code, title=translate(title),
                           text=detail or translate(text)), code


def answer_errors_as(app: Flask, prefix: str, responder: Callable[[int, str], Response]) -> None:
    """Answer HTTP errors under `prefix` with `responder(status, message)` instead of the error page
    (the open-data API answers JSON even for a wrong method or a refused request)."""
    app.extensions.setdefault("error_responders", {})[prefix] = responder


def _responder(app: Flask) -> Callable[[int, str], Response] | None:
    for prefix, responder in app.extensions.get("error_responders", {}).items():
        if request.path.startswith(prefix):
            return responder
    return None


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        log.warning("csrf rejected", extra={"path": request.path, "reason": error.description})
        return render_error(
            400, translate(FORM_EXPIRED))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        # A description given where the error was raised says what exactly was wrong; werkzeug's
        # stock descriptions are generic, so the page's own wording is used instead.
        custom = error.description if error.description != type(error).description else None
        code = error.code or 500
        responder = _responder(app)
        if responder is not None:
            return responder(code, custom or MESSAGES.get(code, MESSAGES[500])[1])
        return render_error(code, custom)

    @app.errorhandler(Exception)
    def unhandled(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error", extra={"path": request.path})
        return render_error(InternalServerError.code)
