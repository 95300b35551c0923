"""Flask's signed-cookie sessions, with the signing serializer made once rather than per request.

Flask builds a new ``URLSafeTimedSerializer`` (and its key list) each time it opens or saves a
session: on the survey's submit path, which does both, that was a measurable share of the work.
The serializer holds no per-request state, so one per secret key is safe to share between threads.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if len(self._serializers) > 8:  # keys rotated many times in one process
                self._serializers.clear()
            self._serializers[key] = serializer
        return serializer
