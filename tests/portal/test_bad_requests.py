"""Bad requests are 4xx, never 500, on every route in the URL map (staff routes as an admin).

Each route gets: a NUL in each URL variable, an id too large for the database, a NUL in every field
of its forms (found on the page itself) and in the query string, each field sent as a multipart file
part instead of text, impossible numbers and dates, and a body over MAX_CONTENT_LENGTH. PostgreSQL
refuses NUL and out-of-range integers (a 500 there before); SQLite would quietly store them.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest

from portal import create_app
from portal.auth.access import PUBLIC_BLUEPRINTS
from portal.questionnaires.editing import start_draft
from portal.survey.waves import open_wave
from tests.conftest import sign_in

HUGE_ID = "99999999999999999999"
# Fields many of the portal's forms have, tried even where a page does not show its form on GET.
COMMON_FIELDS = ("description", "location", "name", "email", "phone", "category", "status", "body",
                 "note", "public_note", "internal_note", "title", "venue", "reference", "into",
                 "password", "neighbourhood", "postcode", "wave", "mode", "agency", "start", "end",
                 "age", "sort", "starts_on", "opens_on", "closes_on", "date", "time")
BAD_QUERIES = ({"age": "abc"}, {"age": "99999999999999-"}, {"age": "-5"}, {"start": "not-a-date"},
               {"start": "0001-01-01", "end": "9999-12-31"}, {"end": "9999-12-31"}, {"end": "2011-02-30"},
               {"page": HUGE_ID},
               {"wave": HUGE_ID, "area": "\u202e", "indicator": "x" * 5000})
SKIP_ENDPOINTS = {"static"}


def _rules():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    return [pytest.param(rule.rule, rule.endpoint, sorted(rule.methods - {"HEAD", "OPTIONS"}),
                         {name: type(conv).__name__ for name, conv in rule._converters.items()},
                         id=f"{rule.endpoint}:{rule.rule}")
            for rule in app.url_map.iter_rules() if rule.endpoint not in SKIP_ENDPOINTS]


RULES = _rules()


@pytest.fixture
def url_values(db_session, neighbourhoods, make_user):
    """A real record for every URL variable, so each request reaches the view's own checks."""
    from tests.portal.scope_records import twerton_records

    today = date.today()
    wave = open_wave(db_session, slug="2011-12", name="Voicebox 2011-12",
                     questionnaire_slug="crime-and-community-safety", questionnaire_version=1,
                     opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=30),
                     panel_mode=True, open_link_mode=True)
    draft = start_draft(db_session, wave.questionnaire)
    db_session.commit()
    values = {"version_id": str(wave.questionnaire_id), "draft_id": str(draft.id),
              "question_id": "seek_views", "wave_slug": wave.slug, "wave": wave.slug,
              "page_id": "your-area", "token": "not-a-token",
              "filename": "report.pdf", "report_id": "1", "job_id": "1", "import_id": "1", "user_id": "1",
              "message_id": "1", "run_id": "1", "language": "cy", "covariate": "imd_score",
              "questionnaire": "crime-and-community-safety", "rest": "no-such-endpoint"}
    return values | twerton_records(db_session, neighbourhoods)


@pytest.fixture
def clients(app, make_user, url_values):
    """An anonymous resident part way through the survey, and a signed-in admin."""
    resident = app.test_client()
    resident.post(f"/survey/{url_values['wave_slug']}/start")
    return {"public": resident, "staff": sign_in(app.test_client(), make_user("admin"))}


def _fill(rule: str, converters: dict[str, str], values: dict[str, str], bad: dict | None = None) -> str:
    path = rule
    for name in converters:
        value = (bad or {}).get(name, values[name])
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
    return path


def _field_names(client, path: str) -> list[str]:
    response = client.get(path)
    page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    found = re.findall(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', page)
    return sorted(set(found) | set(COMMON_FIELDS))


def _check(response, method: str, path: str, expected: int | None = None) -> None:
    where = f"{method} {path!r}: {response.status_code} {response.get_data()[:300]!r}"
    assert response.status_code < 500, where
    if expected is not None:
        assert response.status_code == expected, where


@pytest.mark.parametrize("rule, endpoint, methods, converters", RULES)
def test_bad_requests_are_answered_4xx(clients, url_values, rule, endpoint, methods, converters):
    blueprint = endpoint.rsplit(".", 1)[0]
    client = clients["public" if blueprint in PUBLIC_BLUEPRINTS else "staff"]
    path = _fill(rule, converters, url_values)
    for name, kind in converters.items():
        bad = HUGE_ID if kind == "IdConverter" else "%00"
        for method in methods:
            bad_path = _fill(rule, converters, url_values, {name: bad})
            _check(client.open(bad_path, method=method), method, bad_path, 400)
    fields = _field_names(client, path) if "GET" in methods else list(COMMON_FIELDS)
    if "GET" in methods:
        _check(client.get(path, query_string={f: "a\x00b" for f in fields}), "GET", path, 400)
        for query in BAD_QUERIES:
            _check(client.get(path, query_string=query), "GET", f"{path}?{query}")
    if "POST" in methods and endpoint != "auth.sign_out":
        cap = getattr(client.application.view_functions[endpoint], "max_content_length", None)
        _post_bad_forms(client, path, fields, cap or 5 * 1024 * 1024)


def _post_bad_forms(client, path: str, fields: list[str], cap: int) -> None:
    _check(client.post(path, data={f: "a\x00b" for f in fields}), "POST", path, 400)
    nul_file = {"file": (io.BytesIO(b"a\x00b"), "a\x00.csv")}
    _check(client.post(path, data={f: "x" * 100 for f in fields} | nul_file), "POST",
           path + " (NUL in a file name)", 400)
    as_files = {f: (io.BytesIO(b"Some text"), f"{f}.txt") for f in fields}
    _check(client.post(path, data=as_files, content_type="multipart/form-data"), "POST", path + " (files)")
    numbers = {f: HUGE_ID for f in fields}
    _check(client.post(path, data=numbers), "POST", path + " (huge numbers)")
    for day in ("2011-02-30", "9999-12-31", "0001-01-01"):
        _check(client.post(path, data={f: day for f in fields}), "POST", f"{path} (date {day})")
    too_big = {fields[0]: "x" * (cap + 1024 * 1024)}  # above the view's own cap (5 MB unless it allows more)
    _check(client.post(path, data=too_big), "POST", path + " (over the cap)", 413)


def test_the_examples_in_the_issue(clients, is_postgres, url_values):
    """The cases that were a 500 on PostgreSQL, each with its own clear message."""
    resident, admin = clients["public"], clients["staff"]
    response = resident.post("/neighbourhoods/twerton/issues/new",
                             data={"category": "noise", "description": "Loud\x00music", "location": "x\x00"})
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    for path in ("/neighbourhoods/%00", "/survey/%00/"):
        assert resident.get(path).status_code == 400
    response = admin.get("/pact/meetings/" + HUGE_ID)
    assert response.status_code == 400 and "too large" in response.get_data(as_text=True)
    assert admin.get("/pact/issues/" + HUGE_ID).status_code == 404  # a reference, not an id
    response = admin.get("/pact/", query_string={"age": "soon"})
    assert response.status_code == 400 and "age" in response.get_data(as_text=True).lower()
    assert admin.get("/pact/metrics", query_string={"start": "2011-02-30"}).status_code == 400


def test_a_body_over_the_cap_is_refused_before_it_is_read(app, clients):
    response = clients["public"].post("/neighbourhoods/twerton/issues/new",
                                      data={"description": "x" * (5 * 1024 * 1024 + 1)})
    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)


def _chunked(client, path: str, body: bytes):
    """A POST as a server that decodes chunked bodies (gunicorn) passes it on: no Content-Length."""
    return client.post(path, input_stream=io.BytesIO(body),
                       headers={"Transfer-Encoding": "chunked",
                                "Content-Type": "application/x-www-form-urlencoded"},
                       environ_overrides={"wsgi.input_terminated": True})


def test_a_chunked_body_over_the_cap_is_refused_not_cut_short(client):
    """Werkzeug stopped reading a chunked body at the cap and parsed the part it had read."""
    response = _chunked(client, "/contact-us", b"name=" + b"a" * (5 * 1024 * 1024 + 1))
    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)
    # under the cap, a chunked form is read whole: the name typed is shown back in the form
    response = _chunked(client, "/contact-us", b"name=Ann+Other&email=not-an-address")
    assert response.status_code == 400 and 'value="Ann Other"' in response.get_data(as_text=True)
