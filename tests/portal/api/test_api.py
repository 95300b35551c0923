"""The open-data API: every answer validates against the OpenAPI document, disclosure control
holds in JSON and CSV, the figures are the pages' and the PDFs' figures, and the HTTP contract
(validators and 304, CORS, JSON errors naming the valid choices, 400s, the rate limit)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

from analysis.formatting import percent, percent_value
from analysis.report import indicators_for
from portal.api.openapi import document
from portal.models import Meeting, Priority, PriorityUpdate
from portal.reports.data import load_analysis

WAVE = "2010-11"
SUPPRESSED_PLACE = "chew-valley"  # 12 responses: below the threshold of 30

# (URL, expected status): the answers a client can get, each checked against the document.
CASES = [
    ("/api/v1/neighbourhoods", 200),
    ("/api/v1/waves", 200),
    (f"/api/v1/waves/{WAVE}/indicators", 200),
    (f"/api/v1/waves/{WAVE}/indicators?neighbourhood=twerton", 200),
    (f"/api/v1/waves/{WAVE}/indicators?neighbourhood={SUPPRESSED_PLACE}", 200),
    ("/api/v1/waves/2009-10/indicators?neighbourhood=keynsham", 200),
    (f"/api/v1/waves/{WAVE}/perception-gap", 200),
    (f"/api/v1/waves/{WAVE}/perception-gap?neighbourhood={SUPPRESSED_PLACE}", 200),
    (f"/api/v1/waves/{WAVE}/perception-gap?neighbourhood=twerton", 200),
    ("/api/v1/neighbourhoods/twerton/pact", 200),
    ("/api/v1/neighbourhoods/keynsham/pact", 200),
    ("/api/v1/openapi.json", 200),
    ("/api/v1/waves/1999-00/indicators", 404),
    (f"/api/v1/waves/{WAVE}/perception-gap?neighbourhood=atlantis", 404),
    ("/api/v1/neighbourhoods/atlantis/pact", 404),
    ("/api/v1/waves/2026-27/indicators", 409),
    (f"/api/v1/waves/{WAVE}/indicators?format=xml", 400),
    (f"/api/v1/waves/{WAVE}/indicators?area=twerton", 400),
    (f"/api/v1/waves/{WAVE}/indicators?neighbourhood=", 400),
    ("/api/v1/neighbourhoods?format=csv&format=json", 400),
]


def _template(path: str, spec: dict) -> str:
    for template in spec["paths"]:
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return template
    raise AssertionError(f"{path} is not in the OpenAPI document")


def _validate(spec: dict, url: str, response) -> None:
    operation = spec["paths"][_template(url.split("?")[0], spec)]["get"]
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{url}: status {response.status_code} is not documented"
    schema = documented["content"][response.mimetype]["schema"]
    validator = Draft202012Validator({**schema, "components": spec["components"]},
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [e.message for e in validator.iter_errors(response.get_json())]
    assert not errors, f"{url}: {errors[:3]}"


def test_the_document_is_valid_openapi():
    validate_spec(document())


def test_every_answer_validates_against_the_openapi_document(client, survey):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec == document()
    for url, status in CASES:
        response = client.get(url)
        assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
        assert response.mimetype == "application/json"
        _validate(spec, url, response)
        if status == 200 and url != "/api/v1/openapi.json":
            meta = response.get_json()["meta"]
            assert meta["licence"]["name"] == "Open Government Licence v3.0"
            assert meta["method_note"].endswith("/open-data#method")
    for url, status in CASES:  # the CSV twin of each answer is documented too
        if status == 200 and url != "/api/v1/openapi.json":
            joined = url + ("&" if "?" in url else "?") + "format=csv"
            response = client.get(joined)
            assert response.status_code == 200 and response.mimetype == "text/csv", joined
            operation = document()["paths"][_template(url.split("?")[0], document())]["get"]
            assert "text/csv" in operation["responses"]["200"]["content"]


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_authority_minus_the_published_neighbourhoods_gives_no_suppressed_figure(client,
                                                                                    survey):
    """Every subtraction across the API's answers: for each indicator, the authority's base minus
    the bases of the neighbourhoods it publishes (what authority x base minus each published
    neighbourhood x base recovers) is 0 or at least 30 wherever a neighbourhood is suppressed."""
    def figures(query=""):
        rows = client.get(f"/api/v1/waves/{WAVE}/indicators{query}").get_json()["data"]
        return {r["indicator"]: r for r in rows["indicators"]}

    places = [p["slug"] for p in client.get("/api/v1/neighbourhoods").get_json()["data"]]
    authority = figures()
    local = {slug: figures(f"?neighbourhood={slug}") for slug in places}
    tried = 0
    for indicator, total in authority.items():
        parts = [local[slug][indicator] for slug in places if indicator in local[slug]]
        if not any(p["flag"] == "suppressed" for p in parts):
            continue
        tried += 1
        rest = total["base"] - sum(p["base"] for p in parts if p["estimate"] is not None)
        assert rest >= 30 or all(p["estimate"] is None for p in parts), (indicator, rest)
    assert tried == len(authority)  # Chew Valley is suppressed in every indicator


def test_a_suppressed_figure_is_null_in_json_and_blank_in_csv(client, survey):
    body = client.get(f"/api/v1/waves/{WAVE}/indicators?neighbourhood={SUPPRESSED_PLACE}")
    rows = body.get_json()["data"]["indicators"]
    assert rows and all(r["flag"] == "suppressed" for r in rows)
    assert all(r["estimate"] is None and r["ci_lower"] is None and r["ci_upper"] is None
               for r in rows)
    assert all(0 < r["base"] < 30 for r in rows if r["indicator"] == "ni21")
    table = _csv(client.get(f"/api/v1/waves/{WAVE}/indicators?neighbourhood={SUPPRESSED_PLACE}"
                            "&format=csv"))
    assert len(table) == len(rows)
    assert all(r["estimate_pct"] == r["ci_lower_pct"] == r["ci_upper_pct"] == "" for r in table)
    assert {r["flag"] for r in table} == {"suppressed"}
    gap = client.get(f"/api/v1/waves/{WAVE}/perception-gap?neighbourhood={SUPPRESSED_PLACE}")
    for row in gap.get_json()["data"]["crimes"]:
        assert row["flag"] == "suppressed"
        assert all(row[k] is None for k in row if k not in ("crime", "label", "flag")
                   and not k.endswith("_base"))


def test_figures_are_the_dashboard_and_report_figures(client, survey, db_session):
    analysis = load_analysis(db_session, WAVE)
    for slug in (None, "twerton", "keynsham"):
        query = f"?neighbourhood={slug}" if slug else ""
        data = client.get(f"/api/v1/waves/{WAVE}/indicators{query}").get_json()["data"]
        expected = indicators_for(analysis, slug)
        assert [r["indicator"] for r in data["indicators"]] == [r.key for r in expected]
        for got, want in zip(data["indicators"], expected, strict=True):
            assert (got["estimate"], got["ci_lower"], got["ci_upper"], got["base"], got["flag"]) \
                == (want.figure.estimate, want.figure.ci_lower, want.figure.ci_upper,
                    want.figure.n, want.figure.flag)
        table = _csv(client.get(f"/api/v1/waves/{WAVE}/indicators{query}"
                                f"{'&' if query else '?'}format=csv"))
        for got, want in zip(table, expected, strict=True):
            printed = percent_value(want.figure.estimate)
            assert got["estimate_pct"] == ("" if printed is None else str(printed))
    ni21 = next(r for r in client.get(f"/api/v1/waves/{WAVE}/indicators?neighbourhood=twerton")
                .get_json()["data"]["indicators"] if r["indicator"] == "ni21")
    assert ni21["flag"] in (None, "low_base") and 0 < ni21["estimate"] < 1


def test_the_gap_matches_the_engine_and_its_indicators(client, survey, db_session):
    analysis = load_analysis(db_session, WAVE)
    rows = client.get(f"/api/v1/waves/{WAVE}/perception-gap").get_json()["data"]["crimes"]
    assert [r["crime"] for r in rows] == ["burglary", "car_crime", "violent_crime", "any"]
    burglary = rows[0]
    worry = analysis.current.row("worry_burglary", None)
    assert burglary["worried"] == pytest.approx(worry["estimate"], abs=1e-12)
    assert burglary["worried_ci_lower"] == worry["ci_lower"]
    assert burglary["ratio_ci_lower"] < burglary["ratio"] < burglary["ratio_ci_upper"]
    assert burglary["difference"] == pytest.approx(burglary["worried"] - burglary["victim"])


def test_pact_is_the_public_page(client, survey, db_session, neighbourhoods):
    twerton = neighbourhoods["twerton"]
    priority = db_session.query(Priority).filter_by(neighbourhood_id=twerton.id).one()
    db_session.add(PriorityUpdate(priority_id=priority.id, body="Speed checks <weekly>",
                                  public=True, at=datetime.now(UTC) - timedelta(days=2)))
    db_session.add(Meeting(neighbourhood_id=twerton.id, venue="Twerton Library",
                           starts_at=datetime.now(UTC) + timedelta(days=9), status="scheduled"))
    db_session.commit()
    data = client.get("/api/v1/neighbourhoods/twerton/pact").get_json()["data"]
    page = client.get("/neighbourhoods/twerton").get_data(as_text=True)
    assert data["next_meeting"]["venue"] == "Twerton Library"
    assert [p["title"] for p in data["priorities"]] == ["Speeding <near> the school"]
    assert data["priorities"][0]["latest_update"]["text"] == "Speed checks <weekly>"
    pledge = data["pledge"]
    assert f'id="metric-raised">{pledge["raised"]}<' in page
    assert f'id="metric-closed">{pledge["closed"]}<' in page
    assert f'id="metric-local">{percent(pledge["share_dealt_with_locally"])}<' in page
    assert f'id="metric-first-response">{percent(pledge["share_first_response_within_24h"])}<' in page
    table = {r["figure"]: r["value"] for r in _csv(
        client.get("/api/v1/neighbourhoods/twerton/pact?format=csv"))}
    assert table["raised"] == str(pledge["raised"])


def test_validators_answer_304_until_the_data_changes(client, survey, db_session, neighbourhoods):
    url = "/api/v1/neighbourhoods/twerton/pact"
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"].startswith("public")
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    db_session.add(Priority(neighbourhood_id=neighbourhoods["twerton"].id, title="Litter",
                            status="active", created_at=datetime.now(UTC)))
    db_session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    again = client.get(url, headers={"If-Modified-Since": modified})
    assert again.status_code == 200 and again.headers["Last-Modified"] != modified
    survey_url = f"/api/v1/waves/{WAVE}/indicators?format=csv"
    tag = client.get(survey_url).headers["ETag"]
    assert client.get(survey_url, headers={"If-None-Match": tag}).status_code == 304


def test_cors_allows_get_from_any_origin(client, survey):
    response = client.get("/api/v1/waves", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options("/api/v1/waves", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert client.get("/api/v1/nope").headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


def test_errors_name_the_valid_choices(client, survey):
    place = client.get(f"/api/v1/waves/{WAVE}/indicators?neighbourhood=atlantis").get_json()
    assert place["error"]["code"] == "unknown_neighbourhood"
    assert place["error"]["valid"] == ["chew-valley", "keynsham", "twerton"]
    wave = client.get("/api/v1/waves/1999-00/perception-gap").get_json()["error"]
    assert wave["valid"] == ["2009-10", "2010-11", "2026-27"]
    bad = client.get("/api/v1/waves?colour=red").get_json()["error"]
    assert bad["status"] == 400 and bad["valid"] == ["format"]
    unknown = client.get("/api/v1/indicators")
    assert unknown.status_code == 404 and "/api/v1/waves" in unknown.get_json()["error"]["valid"]


def test_the_rate_limit_answers_429_in_json(app, client, survey):
    app.config["API_RATE_LIMIT"] = (3, 60)
    codes = [client.get("/api/v1/waves").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/neighbourhoods")
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert refused.headers["Retry-After"] == "60"


def test_the_open_data_page_lists_every_endpoint_with_a_working_example(client, survey):
    page = client.get("/open-data").get_data(as_text=True)
    assert "Open Government Licence v3.0" in page and 'id="method"' in page
    for path in document()["paths"]:
        assert f"<code>{path}" in page, path
    examples = re.findall(r'<td><a href="([^"]+)">', page)
    assert len(examples) >= len(document()["paths"])
    for example in examples:
        assert client.get(example.replace("&amp;", "&")).status_code == 200, example


def test_a_burst_on_a_cold_cache_builds_the_analysis_once(app, survey, monkeypatch):
    """Sixteen threads asking at once wait for one build (a cold gunicorn worker)."""
    import threading

    from portal.reports import cache

    builds = []
    real = cache.load_analysis

    def counting(session, wave):
        builds.append(wave)
        return real(session, wave)

    monkeypatch.setattr(cache, "load_analysis", counting)
    statuses = []

    def ask():
        statuses.append(app.test_client().get(f"/api/v1/waves/{WAVE}/indicators").status_code)

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert statuses == [200] * 16 and builds == [WAVE]


@pytest.mark.parametrize("method, path, status, code", [
    ("POST", "/api/v1/neighbourhoods", 405, "method_not_allowed"),
    ("GET", "/api/v1/neighbourhoods?format=%00", 400, "bad_request"),
])
def test_errors_before_any_api_view_are_json_too(client, method, path, status, code):
    """A wrong method or a NUL used to get the HTML error page under /api/v1/."""
    response = client.open(path, method=method)
    assert response.status_code == status and response.mimetype == "application/json"
    assert response.get_json()["error"]["code"] == code
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_pages_outside_the_api_keep_the_error_page(client):
    response = client.post("/results")
    assert response.status_code == 405 and response.mimetype == "text/html"


def test_links_in_cacheable_answers_ignore_the_host_header(app, client, neighbourhoods):
    """A forged Host header used to become the links of answers that caches keep."""
    base = app.config["PUBLIC_BASE_URL"]
    body = client.get("/api/v1/neighbourhoods", headers={"Host": "evil.example"}).get_json()
    links = [link for place in body["data"] for link in place["links"].values()]
    assert links and all(link.startswith(base + "/") for link in links)
    assert body["meta"]["method_note"] == base + "/open-data#method"
    feed = client.get("/neighbourhoods/twerton/feed.atom", headers={"Host": "evil.example"})
    assert "evil.example" not in feed.get_data(as_text=True)
