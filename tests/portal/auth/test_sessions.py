"""Staff sessions end: a cookie copied before sign-out, a new password or a disabled account no
longer works, and a session idle longer than STAFF_IDLE_MINUTES signs itself out."""

import time

from sqlalchemy import create_engine, inspect, select, text

from portal.auth.staff_sessions import LAST_SEEN
from portal.core import migrate
from portal.models import AuditEvent, StaffUser
from tests.conftest import sign_in

GOOD = "a long enough password\na long enough password\n"


def _copy_cookie(app, client):
    """A second browser holding the same session cookie (as a thief would)."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    thief = app.test_client()
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, make_user, db_session):
    user = make_user("analyst")
    owner = sign_in(app.test_client(), user)
    thief = _copy_cookie(app, owner)
    assert thief.get("/staff/").status_code == 200  # the copy works while the owner is signed in
    assert owner.post("/staff/sign-out").status_code == 302
    refused = thief.get("/staff/")
    assert refused.status_code == 302 and "/staff/sign-in" in refused.headers["Location"]
    db_session.refresh(user)
    assert user.session_version == 2


def test_signing_out_ends_the_users_other_sessions_too(app, make_user):
    user = make_user("analyst")
    office, home = sign_in(app.test_client(), user), sign_in(app.test_client(), user)
    office.post("/staff/sign-out")
    assert home.get("/staff/").status_code == 302
    again = sign_in(app.test_client(), user)  # a fresh sign-in carries the new version
    assert again.get("/staff/").status_code == 200


def test_a_session_naming_an_old_or_malformed_version_loads_nobody(app, make_user):
    user = make_user("analyst")
    for forged in (f"{user.id}", f"{user.id}:0", f"{user.id}:x", "x:1", "99999999999999999999:1"):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = forged
            session["_fresh"] = True
        assert client.get("/staff/").status_code == 302, forged


def test_disabling_or_a_new_password_ends_every_session(app, runner, make_user, db_session):
    first, second = make_user("analyst"), make_user("coordinator", "twerton")
    disabled, changed = sign_in(app.test_client(), first), sign_in(app.test_client(), second)
    result = runner.invoke(args=["users", "disable", first.email])
    assert result.exit_code == 0, result.output
    assert disabled.get("/staff/").status_code == 302
    result = runner.invoke(args=["users", "set-password", second.email.upper()], input=GOOD)
    assert result.exit_code == 0, result.output
    assert changed.get("/staff/").status_code == 302
    actions = set(db_session.scalars(select(AuditEvent.action)))
    assert {"staff_user_disabled", "staff_password_changed"} <= actions
    assert runner.invoke(args=["users", "disable", "nobody@example.org"]).exit_code != 0


def test_an_idle_session_ends(app, make_user):
    client = sign_in(app.test_client(), make_user("analyst"))
    assert client.get("/staff/").status_code == 200
    idle = app.config["STAFF_IDLE_MINUTES"] * 60
    with client.session_transaction() as session:
        session[LAST_SEEN] = int(time.time()) - idle + 30  # 30 seconds to spare: still signed in
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        assert session[LAST_SEEN] >= int(time.time()) - 5  # the request counted as activity
        session[LAST_SEEN] = int(time.time()) - idle - 1
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/sign-in" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed out because the page was not used for 120 minutes" in page


def test_the_sign_in_page_says_when_sessions_end(app, client):
    app.config["STAFF_IDLE_MINUTES"] = 45
    page = client.get("/staff/sign-in").get_data(as_text=True)
    assert "signed out after 45 minutes without" in page


def test_the_session_version_migration_upgrades_and_downgrades(empty_database_url):
    migrate.upgrade(empty_database_url, "065dd218d66a")
    engine = create_engine(empty_database_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO staff_user (email, name, password_hash, role, active, created_at) "
                          "VALUES ('a@example.org', 'A', 'x', 'admin', true, CURRENT_TIMESTAMP)"))
    migrate.upgrade(empty_database_url, "5b1e7c2d9a40")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT session_version FROM staff_user")).scalar_one() == 1
    migrate.downgrade(empty_database_url, "065dd218d66a")
    columns = {c["name"] for c in inspect(engine).get_columns("staff_user")}
    assert "session_version" not in columns and "email" in columns
    with engine.connect() as conn:
        assert conn.execute(text("SELECT email FROM staff_user")).scalar_one() == "a@example.org"
    engine.dispose()
    assert StaffUser.__table__.c.session_version.server_default is not None
