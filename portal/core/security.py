"""Security headers on every response. The CSP allows no inline script or style at all."""

from collections.abc import Mapping

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

BASE_HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


HSTS = "max-age=31536000; includeSubDomains"


def headers_for(app: Flask) -> dict[str, str]:
    """This app's headers: HSTS only in production, and only for that app (the table is never changed)."""
    headers = dict(BASE_HEADERS)
    if app.config["PORTAL_ENV"] == "production":
        headers["Strict-Transport-Security"] = HSTS
    return headers


def init_app(app: Flask) -> None:
    headers = headers_for(app)

    def add_security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if response.mimetype == "text/html":
            # Pages can show personal data to staff: never keep them in shared caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.after_request(add_security_headers)
