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
