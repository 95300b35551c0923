import pytest


@pytest.mark.parametrize("path", ["/", "/staff/sign-in", "/does-not-exist", "/staff/"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_error_pages_leak_no_stack_trace(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_not_found_page_is_in_the_portal_style(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert b"Page not found" in response.data and b"PACT Voicebox" in response.data


def test_a_production_app_turns_on_hsts_for_itself_only(tmp_path):
    """Building a production app used to add HSTS to a shared table, so every app in the process sent it."""
    from portal import create_app

    def build(env):
        return create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'h.sqlite3'}", "SECRET_KEY": "s" * 40,
                           "ENV_OVERRIDES": env})

    before = build({})
    production = build({"PORTAL_ENV": "production", "SECRET_KEY": "s" * 40,
                        "PUBLIC_BASE_URL": "https://v.example.org", "ALLOW_SQLITE_IN_PRODUCTION": "1"})
    after = build({})
    hsts = [app.test_client().get("/static/favicon.svg", base_url="https://v.example.org")
            .headers.get("Strict-Transport-Security") for app in (before, production, after)]
    assert hsts == [None, "max-age=31536000; includeSubDomains", None]
