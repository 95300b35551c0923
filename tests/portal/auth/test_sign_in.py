import re

from sqlalchemy import select

from portal.models import AuditEvent, SignInAttempt
from tests.conftest import PASSWORD


def test_sign_in_with_the_right_password(client, make_user, db_session):
    user = make_user("analyst")
    response = client.post("/staff/sign-in", data={"email": "  ANALYST-all@example.org ",
                                                   "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    actions = db_session.scalars(select(AuditEvent.action)).all()
    assert actions == ["sign_in"]
    db_session.refresh(user)
    assert user.last_sign_in_at is not None


def test_wrong_password_is_refused_and_audited(client, make_user, db_session):
    make_user("analyst")
    response = client.post("/staff/sign-in", data={"email": "analyst-all@example.org",
                                                   "password": "wrong password!"})
    assert response.status_code == 401
    assert b"The email address or password is not right" in response.data
    assert b"analyst-all@example.org" in response.data  # what was typed is kept
    assert client.get("/staff/").status_code == 302
    event = db_session.scalar(select(AuditEvent))
    assert event.action == "sign_in_failed" and event.actor_email == "analyst-all@example.org"


def test_unknown_email_gets_the_same_answer(client, make_user):
    response = client.post("/staff/sign-in", data={"email": "nobody@example.org",
                                                   "password": PASSWORD})
    assert response.status_code == 401
    assert b"The email address or password is not right" in response.data


def test_inactive_account_cannot_sign_in(client, make_user):
    make_user("analyst", active=False)
    response = client.post("/staff/sign-in", data={"email": "analyst-all@example.org",
                                                   "password": PASSWORD})
    assert response.status_code == 401


def test_missing_fields_are_named(client):
    response = client.post("/staff/sign-in", data={"email": "not-an-email", "password": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'href="#email"' in page and "correct format" in page
    assert 'href="#password"' in page and "Enter your password" in page


def test_repeated_failures_are_throttled_even_with_the_right_password(app, client, make_user,
                                                                     db_session):
    make_user("admin")
    limit = app.config["SIGN_IN_MAX_FAILURES"]
    for _ in range(limit):
        assert client.post("/staff/sign-in", data={"email": "admin-all@example.org",
                                                   "password": "nope nope nope"}).status_code == 401
    response = client.post("/staff/sign-in", data={"email": "admin-all@example.org",
                                                   "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.data
    assert client.get("/staff/").status_code == 302
    assert db_session.scalar(
        select(AuditEvent).where(AuditEvent.action == "sign_in_throttled")) is not None
    # the throttled attempt did not even reach the password check
    assert len(db_session.scalars(select(SignInAttempt)).all()) == limit


def test_open_redirects_are_not_followed(client, make_user):
    make_user("analyst")
    response = client.post("/staff/sign-in?next=//evil.example/x",
                           data={"email": "analyst-all@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/staff/"


def test_a_form_without_its_csrf_token_is_rejected(csrf_app, make_user):
    make_user("analyst")
    client = csrf_app.test_client()
    response = client.post("/staff/sign-in", data={"email": "analyst-all@example.org",
                                                   "password": PASSWORD})
    assert response.status_code == 400
    assert b"Nothing was saved" in response.data
    assert client.get("/staff/").status_code == 302

    page = client.get("/staff/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/staff/sign-in", data={"email": "analyst-all@example.org",
                                                   "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_sign_out_needs_a_post(signed_in):
    client = signed_in("analyst")
    assert client.get("/staff/sign-out").status_code == 405
    assert client.post("/staff/sign-out").status_code == 302
    assert client.get("/staff/").status_code == 302


def test_session_cookie_flags(client, make_user):
    make_user("analyst")
    response = client.post("/staff/sign-in", data={"email": "analyst-all@example.org",
                                                   "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
