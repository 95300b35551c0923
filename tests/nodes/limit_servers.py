"""Two plain app servers for the shared-limit and session tests (`limit_servers`).

`limit_servers` starts two portal processes (the Flask server, threaded) on two free ports of
127.0.0.1, sharing the test database, a Redis database and the secret key; each is killed when the
test ends. Tests marked `nodes` need the run to be on PostgreSQL (TEST_DATABASE_URL) and Redis at
TEST_REDIS_URL (default redis://127.0.0.1:6379/7): they are skipped with the reason where
either is missing, and fail instead under CI=true when Redis is.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import redis_url_or_skip
from tests.portal.conftest import free_port

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 40  # seconds for a server to answer its first request
SECRET_KEY = "nodes-test-secret-key"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    headers: dict
    text: str


@dataclass
class Browser:
    """One browser: a cookie jar shared across servers (cookies are per host, not per port)."""

    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects)

    def open(self, url: str, data: dict | None = None, timeout: float = 60) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            request = urllib.request.Request(url, data=body)  # noqa: S310 - our own http:// servers
            with self.opener.open(request, timeout=timeout) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode())

    def form_token(self, url: str) -> str:
        """The CSRF token of the first form on the page at `url` (this starts a session)."""
        tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', self.open(url).text).group(0)
        return re.search(r'value="([^"]+)"', tag).group(1)

    def copy(self) -> Browser:
        """Another browser holding the same cookies (a copied session cookie)."""
        other = Browser()
        for cookie in self.jar:
            other.jar.set_cookie(cookie)
        return other


@dataclass
class Server:
    url: str
    process: subprocess.Popen


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server {server.url} exited with {server.process.returncode}")
        try:
            with urllib.request.urlopen(server.url + "/staff/sign-in", timeout=2):  # noqa: S310
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"server {server.url} did not answer within {START_TIMEOUT} s")


def _start(env: dict) -> Server:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "run", "--host", "127.0.0.1", "--port", str(port),
         "--no-reload", "--no-debugger", "--with-threads"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return Server(f"http://127.0.0.1:{port}", process)


def _stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=5)


@pytest.fixture
def limit_servers(database_url, is_postgres, app):
    """Two app servers (A, B) on the test's PostgreSQL database and one Redis database, with a
    limits key prefix of their own; `app` (the in-process test app) empties the tables afterwards."""
    if not is_postgres:
        pytest.skip("several servers need PostgreSQL: run with TEST_DATABASE_URL=postgresql://...")
    redis_url = redis_url_or_skip()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "WERKZEUG_"))},
           "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": SECRET_KEY,
           "RATELIMIT_KEY_PREFIX": f"nodes-{uuid.uuid4().hex}", "LOG_LEVEL": "WARNING",
           "PORTAL_ENV": "development", "DATABASE_POOL_SIZE": "4"}
    servers = []
    try:
        for _ in range(2):
            servers.append(_start(env))
        for server in servers:
            _wait_until_up(server)
        yield servers
    finally:
        for server in servers:
            _stop(server)
