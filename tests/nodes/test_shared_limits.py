"""Two app servers sharing PostgreSQL and Redis: the sign-in throttle holds across both, and
signing out on one ends the session on the other."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent
from tests.conftest import PASSWORD
from tests.nodes.processes import Browser

pytestmark = pytest.mark.nodes

PARALLEL = 32
EMAIL = "admin-all@example.org"


def _signed_out_browsers(servers, count: int) -> list[tuple[Browser, str]]:
    """`count` browsers, alternately on A and B, each with a session and the sign-in form's token."""
    ready = []
    for n in range(count):
        url = servers[n % 2].url + "/staff/sign-in"
        browser = Browser()
        browser.get(url)
        ready.append((browser, url))
    return ready


def _sign_in(browser: Browser, url: str, password: str) -> tuple[int, dict, bytes]:
    return browser.post(url, {"email": EMAIL, "password": password})


@pytest.fixture
def limit_servers(nodes):
    """Two app servers, A and B, sharing the test database and Redis."""
    return nodes.servers("a", "b")


def _checked_passwords(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "sign_in_failed"))


def test_parallel_wrong_passwords_across_two_servers_check_at_most_five(limit_servers, make_user, db_session,
                                                                       app):
    make_user("admin")
    limit = app.config["SIGN_IN_MAX_FAILURES"]
    browsers = _signed_out_browsers(limit_servers, PARALLEL)
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        answers = list(pool.map(lambda b: _sign_in(*b, "wrong password!"), browsers))
    codes = [status for status, _, _ in answers]
    assert codes.count(401) <= limit and codes.count(401) + codes.count(429) == PARALLEL, codes
    assert _checked_passwords(db_session) == codes.count(401) <= limit
    for server in limit_servers:  # the right password is refused on both during the lock-out
        browser = Browser()
        url = server.url + "/staff/sign-in"
        browser.get(url)
        status, headers, _ = _sign_in(browser, url, PASSWORD)
        assert status == 429 and int(headers["Retry-After"]) > 0
    assert _checked_passwords(db_session) <= limit


def test_a_session_cookie_signed_out_on_a_is_refused_on_b(limit_servers, make_user):
    make_user("admin")
    server_a, server_b = limit_servers
    owner = Browser()
    url = server_a.url + "/staff/sign-in"
    owner.get(url)
    assert _sign_in(owner, url, PASSWORD)[0] == 302
    thief = owner.copy()
    assert thief.get(server_b.url + "/staff/")[0] == 200  # B accepts A's session
    owner.get(server_a.url + "/staff/")
    assert owner.post(server_a.url + "/staff/sign-out", {})[0] == 302
    status, headers, _ = thief.get(server_b.url + "/staff/")
    assert status == 302 and "/staff/sign-in" in headers["Location"]
