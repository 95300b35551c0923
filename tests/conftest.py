"""Shared fixtures: an app on the test database (SQLite by default, PostgreSQL when TEST_DATABASE_URL
names one), a client, a database session, staff users of each role and signed-in clients, and Redis
for the job-queue tests when TEST_REDIS_URL names a database (flushed before and after each test, so
give the tests a Redis database number of their own).

The schema is built once per run from the models; `tests/portal/test_migrations.py` proves the
migrations build the same schema. Every test starts from empty tables.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from functools import cache

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from portal import create_app
from portal.auth.passwords import hash_password
from portal.core.config import normalise_database_url
from portal.models import Agency, Base, Neighbourhood, StaffUser

PASSWORD = "correct horse battery staple"
IN_CI = os.environ.get("CI", "").lower() == "true"
def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _database_url(tmp_path_factory)
    engine = create_engine(url)
    try:
        with engine.connect():
            pass
    except OperationalError as error:  # never skip: a missing database is a broken run
        pytest.exit(f"Test database {url} is unreachable: {error}", returncode=3)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A fresh, empty database of the same kind as the test database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_migrations"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def is_postgres(database_url) -> bool:
    return database_url.startswith("postgresql")


def _empty_tables(engine) -> None:
    tables = [t for t in Base.metadata.sorted_tables if inspect(engine).has_table(t.name)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(table.delete())


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        # Each app counts its own limits, even when REDIS_URL points every test at one Redis.
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    })
    with app.app_context():
        engine = app.extensions["database"].kw["bind"]
    yield app
    _empty_tables(engine)
    engine.dispose()


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    """A session of the app's database for arranging and checking data."""
    with Session(app.extensions["database"].kw["bind"], expire_on_commit=False) as session:
        yield session


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def neighbourhoods(db_session) -> dict[str, Neighbourhood]:
    places = {
        "twerton": Neighbourhood(slug="twerton", name="Twerton", area_class="urban"),
        "keynsham": Neighbourhood(slug="keynsham", name="Keynsham", area_class="urban"),
        "chew-valley": Neighbourhood(slug="chew-valley", name="Chew Valley", area_class="rural"),
    }
    db_session.add_all(places.values())
    db_session.add(Agency(slug="police", name="Police neighbourhood team"))
    db_session.commit()
    return places


@pytest.fixture
def make_user(db_session, neighbourhoods):
    def make(role: str, *slugs: str, email: str | None = None, active: bool = True) -> StaffUser:
        user = StaffUser(
            email=email or f"{role}-{'-'.join(slugs) or 'all'}@example.org",
            role=role, name=role.title(), password_hash=password_hash(), active=active,
            neighbourhoods=[neighbourhoods[s] for s in slugs],
        )
        db_session.add(user)
        db_session.commit()
        return user
    return make


def sign_in(client, user: StaffUser):
    response = client.post("/staff/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.data[:500]
    return client


@pytest.fixture
def signed_in(app, make_user):
    """`signed_in("coordinator", "twerton")` gives a client signed in as a new user of that role."""
    def make(role: str, *slugs: str):
        return sign_in(app.test_client(), make_user(role, *slugs))
    return make


@pytest.fixture
def redis_url() -> str:
    """TEST_REDIS_URL, emptied before and after the test; skipped with a reason where unset or
    unreachable, except under CI=true, where a missing Redis fails the run."""
    from redis import Redis
    from redis.exceptions import RedisError

    url = os.environ.get("TEST_REDIS_URL", "")
    problem = "TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/13)" if not url else None
    if url:
        try:
            client = Redis.from_url(url, socket_connect_timeout=2)
            client.flushdb()
        except RedisError as error:
            problem = f"Redis at {url} is unreachable: {error}"
    if problem:
        if IN_CI:
            pytest.fail(f"CI=true but {problem}")
        pytest.skip(problem)
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def queue_app(app, redis_url):
    """The test app with REDIS_URL set: jobs go to the RQ queue instead of a thread."""
    app.config["REDIS_URL"] = redis_url
    app.config["JOB_HEARTBEAT_SECONDS"] = 1
    return app


@pytest.fixture(scope="session")
def rscript() -> str:
    """R with the survey package, for tests that check against it live; skipped with a reason
    where missing, except under CI=true, where .ci/run has installed it."""
    path = shutil.which("Rscript")
    problem = "R is not installed (apt-get install r-base-core r-cran-survey)" if not path else None
    if path and subprocess.run([path, "-e", "library(survey)"], capture_output=True).returncode:
        problem = "R's survey package is not installed (apt-get install r-cran-survey)"
    if problem:
        if IN_CI:
            pytest.fail(f"CI=true but {problem}: .ci/run installs it")
        pytest.skip(problem)
    assert path is not None
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium for browser tests; skipped with a reason where missing, except under CI."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if IN_CI:
            pytest.fail("CI=true but Chromium is missing: .ci/run must apt-get install chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture
def count_queries(app):
    """`with count_queries() as statements:` records every SQL statement the app's engine runs.

    Pin `len(statements)` for a page so an N+1 query shows up as a failing test (warehouse's
    query_recorder).
    """
    from contextlib import contextmanager

    from sqlalchemy import event

    engine = app.extensions["database"].kw["bind"]

    @contextmanager
    def record():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return record


@pytest.fixture
def plan_targets(db_session):
    """The demo plan's LAA targets, set as a partnership sets its own (no demo data)."""
    from demo.places import TARGETS_FILE
    from portal.scorecard.targets import save_targets

    card = save_targets(db_session, TARGETS_FILE.read_text(encoding="utf-8"), None)
    db_session.commit()
    return card


@pytest.fixture
def demo_data(app, db_session):
    """The synthetic demo (small: 400 responses a wave), for tests that walk whole pages."""
    from demo import seed_demo
    from portal.core.clock import utcnow

    summary = seed_demo(db_session, app.config, utcnow(), seed=7, responses_per_wave=400)
    db_session.commit()
    return summary
