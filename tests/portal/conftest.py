"""Fixtures shared by the portal's areas: the app served over real HTTP (`live_server`, for
browser tests), a real local SMTP server (`smtp_server`, for mail delivery), a server that accepts
connections and never answers (`hanging_server`: a hung mail relay or Redis) and the app counting
its limits in memory or in Redis (`throttled_app`)."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field

import pytest
from werkzeug.serving import make_server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["memory", "redis"])
def throttled_app(request, app):
    """The test app counting its limits in memory (the default), or in Redis at TEST_REDIS_URL
    (the `redis_url` fixture: skipped where it is unset, never a developer's Redis unasked)."""
    from portal.core import limits

    if request.param == "redis":
        app.config["RATELIMIT_STORAGE_URI"] = request.getfixturevalue("redis_url")
        limits.init_app(app)
    return app


@pytest.fixture
def browser(chromium_path):
    """Headless Chromium (Playwright) for one test; skipped with a reason where Chromium is missing,
    except under CI=true (`chromium_path`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True,
            args=["--headless", "--no-sandbox", "--disable-background-networking"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def live_server(app):
    """The test app served by werkzeug on 127.0.0.1 in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def staff_sign_in(live_server):
    """Sign `page` in on the live server as the staff account `email` (the tests' PASSWORD)."""
    from tests.conftest import PASSWORD

    def sign_in(page, email: str):
        page.goto(live_server + "/staff/sign-in")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return sign_in


@dataclass
class SMTPServer:
    host: str
    port: int
    messages: list = field(default_factory=list)  # email.message.EmailMessage

    def configure(self, app) -> None:
        app.config.update(
            MAIL_SERVER=self.host, MAIL_PORT=self.port, MAIL_USE_TLS=False, MAIL_USERNAME="", MAIL_PASSWORD=""
        )


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 collecting what it receives."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    received = SMTPServer("127.0.0.1", free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname=received.host, port=received.port)
    controller.start()
    try:
        yield received
    finally:
        controller.stop()


@pytest.fixture
def app_context(app):
    """The app's context, for rules that build absolute links from the routes (`public_url`) when
    called outside a request: the resident e-mails and the alert digests."""
    with app.app_context():
        yield app


@dataclass
class HangingServer:
    host: str
    port: int
    connections: list = field(default_factory=list)  # accepted sockets, never answered

    @property
    def redis_url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"


@pytest.fixture
def hanging_server():
    """A TCP server on 127.0.0.1 that accepts every connection and never sends a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.05)
    server = HangingServer("127.0.0.1", listener.getsockname()[1])
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            server.connections.append(connection)

    thread = threading.Thread(target=serve, daemon=True, name="hanging-server")
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join()
        for connection in server.connections:
            connection.close()
        listener.close()
