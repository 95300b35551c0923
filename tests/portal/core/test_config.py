import pytest

from portal import create_app
from portal.core.config import ConfigError, normalise_database_url, settings_from_env


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path):
    first = settings_from_env(tmp_path, {})
    second = settings_from_env(tmp_path, {})
    assert len(first["SECRET_KEY"]) == 64
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    settings = settings_from_env(tmp_path, {})
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'voicebox.sqlite3'}"
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        settings_from_env(tmp_path, {"PORTAL_ENV": "production",
                                     "DATABASE_URL": "postgresql://db/voicebox"})
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_sqlite_unless_explicitly_allowed(tmp_path):
    env = {"PORTAL_ENV": "production", "SECRET_KEY": "s" * 40, "PUBLIC_BASE_URL": "https://v.example.org"}
    with pytest.raises(ConfigError, match="PostgreSQL"):
        settings_from_env(tmp_path, env)
    allowed = settings_from_env(tmp_path, {**env, "ALLOW_SQLITE_IN_PRODUCTION": "1"})
    assert allowed["DATABASE_URL"].startswith("sqlite")


def test_production_cookies_are_secure(tmp_path):
    settings = settings_from_env(tmp_path, {"PORTAL_ENV": "production", "SECRET_KEY": "s" * 40,
                                            "DATABASE_URL": "postgres://u@db/voicebox",
                                            "PUBLIC_BASE_URL": "https://v.example.org"})
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["DATABASE_URL"] == "postgresql+psycopg://u@db/voicebox"


def test_create_app_refuses_unsafe_production_settings():
    with pytest.raises(ConfigError):
        create_app({"ENV_OVERRIDES": {"PORTAL_ENV": "production"}})


@pytest.mark.parametrize("url, expected", [
    ("postgres://a@h/d", "postgresql+psycopg://a@h/d"),
    ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
    ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_urls_are_normalised(url, expected):
    assert normalise_database_url(url) == expected


def test_client_address_comes_from_a_trusted_proxy_only_when_configured(app):
    from portal import create_app

    @app.route("/_addr")
    def addr():
        from flask import request
        return request.remote_addr

    headers = {"X-Forwarded-For": "203.0.113.9"}
    assert app.test_client().get("/_addr", headers=headers).data == b"127.0.0.1"
    proxied = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://",
                          "ENV_OVERRIDES": {"TRUSTED_PROXIES": "1"}})
    proxied.add_url_rule("/_addr", view_func=addr)
    assert proxied.test_client().get("/_addr", headers=headers).data == b"203.0.113.9"


def test_every_limit_and_tuning_setting_has_its_default_in_the_config(tmp_path):
    defaults = settings_from_env(tmp_path, {})
    assert defaults["PACT_RAISE_LIMIT"] == (10, 3600) and defaults["API_RATE_LIMIT"] == (300, 60)
    assert defaults["CHARTER_WRITE_LIMIT"] == (5, 3600) and defaults["REPORTS_WORKERS"] == 2
    assert defaults["CHARTER_RECIPIENT_LIMIT"] == (3, 86400)
    settings = settings_from_env(tmp_path, {"PACT_RAISE_LIMIT": "3", "REPORTS_WORKERS": "1",
                                            "CHARTER_WRITE_LIMIT": "2"})
    assert settings["PACT_RAISE_LIMIT"] == (3, 3600) and settings["REPORTS_WORKERS"] == 1
    assert settings["CHARTER_WRITE_LIMIT"] == (2, 3600)
    with pytest.raises(ConfigError, match="API_RATE_LIMIT"):
        settings_from_env(tmp_path, {"API_RATE_LIMIT": "many"})


def test_the_database_pool_keeps_as_many_connections_as_configured(tmp_path):
    assert settings_from_env(tmp_path, {"DATABASE_POOL_SIZE": "24"})["DATABASE_POOL_SIZE"] == 24
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'pool.sqlite3'}",
                      "SECRET_KEY": "x", "DATABASE_POOL_SIZE": 24})
    engine = app.extensions["database"].kw["bind"]
    assert engine.pool.size() == 24
    default = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'pool.sqlite3'}", "SECRET_KEY": "x"})
    assert default.extensions["database"].kw["bind"].pool.size() == 16  # above gunicorn's usual threads


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "http://127.0.0.1:5000"),
    ({"PORT": "8042"}, "http://127.0.0.1:8042"),
    ({"PORT": "8042", "PUBLIC_BASE_URL": "https://voicebox.example.org"}, "https://voicebox.example.org"),
])
def test_links_in_emails_follow_the_port_the_demo_is_served_on(tmp_path, env, expected):
    assert settings_from_env(tmp_path, env)["PUBLIC_BASE_URL"] == expected


@pytest.mark.parametrize("port", ["http", "0", "70000"])
def test_a_port_that_is_not_a_port_is_refused(tmp_path, port):
    with pytest.raises(ConfigError, match="PORT must be a TCP port number"):
        settings_from_env(tmp_path, {"PORT": port})


def test_issue_emails_link_to_the_configured_port(app, tmp_path):
    from types import SimpleNamespace

    from portal.pact.notifications import _letter

    issue = SimpleNamespace(reference="PACT-7K3M-9Q", neighbourhood=SimpleNamespace(name="Twerton"),
                            category="noise", status="submitted", description="Loud.")
    with create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x",
                     "ENV_OVERRIDES": {"PORT": "8042"}}).app_context():
        letter = _letter(SimpleNamespace(name=""), issue, "Opening.", "")
    assert "Follow your issue at http://127.0.0.1:8042/issues/PACT-7K3M-9Q\n" in letter
PRODUCTION = {"PORTAL_ENV": "production", "SECRET_KEY": "s" * 40, "DATABASE_URL": "postgres://u@db/voicebox"}


def test_production_refuses_to_start_without_a_public_base_url(tmp_path):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        settings_from_env(tmp_path, PRODUCTION)
    settings = settings_from_env(tmp_path, {**PRODUCTION, "PUBLIC_BASE_URL": "https://v.example.org/"})
    assert settings["PUBLIC_BASE_URL"] == "https://v.example.org"


@pytest.mark.parametrize("url", ["v.example.org", "javascript:alert(1)", "https://", "https://v.example.org/?a=1"])
def test_a_public_base_url_that_is_not_an_address_is_refused(tmp_path, url):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL must be an address"):
        settings_from_env(tmp_path, {"PUBLIC_BASE_URL": url})


def test_the_request_size_cap_is_real(tmp_path):
    """MAX_CONTENT_LENGTH used to be set with setdefault after Flask's own None, so it never applied."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'cap.sqlite3'}", "SECRET_KEY": "x"})
    assert app.config["MAX_CONTENT_LENGTH"] == 5 * 1024 * 1024
    assert settings_from_env(tmp_path, {"MAX_REQUEST_MB": "2"})["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    with pytest.raises(ConfigError, match="MAX_REQUEST_MB"):
        settings_from_env(tmp_path, {"MAX_REQUEST_MB": "lots"})


def test_limits_are_counted_in_redis_when_there_is_one(tmp_path):
    assert settings_from_env(tmp_path, {})["RATELIMIT_STORAGE_URI"] == "memory://"
    settings = settings_from_env(tmp_path, {"REDIS_URL": "redis://127.0.0.1:6379/7"})
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/7"
    assert settings_from_env(tmp_path, {})["STAFF_IDLE_MINUTES"] == 120


def test_a_configuration_error_is_one_line_on_the_command_line(tmp_path):
    """FOLLOW_UP_WEEKS=0 used to end `flask --app portal ...` in a traceback."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "FOLLOW_UP_WEEKS": "0", "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "routes"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert done.stderr.strip() == "Error: FOLLOW_UP_WEEKS must be a whole number of at least 1, not '0'."
