"""Absolute links to the portal (in emails, and the links staff copy to send on), always built from
`PUBLIC_BASE_URL`, never from the request: a forged Host header must not change where an
invitation points. Works with only an app context, so background jobs can build them too."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """The absolute address of `endpoint` on the public site, e.g. https://voicebox.example.org/survey/."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
