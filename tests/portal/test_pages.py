"""Every page a person reaches in the demo keeps the page rules (tests/pages.py), and the busiest
pages run a pinned number of SQL statements, so an N+1 query fails here."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.charter.cases import new_case_reference
from portal.core.clock import utcnow
from portal.models import CharterCase, CharterKind, Meeting, Neighbourhood, OutboundMail, PactIssue, Wave
from tests.pages import check_page

DEMO_PASSWORD = "voicebox-demo-2026"
COORDINATOR = "pact.southwest@bathnes-csp.example.org"
ANALYST = "analyst@bathnes-csp.example.org"
ADMIN = "admin@bathnes-csp.example.org"

PUBLIC = ["/", "/privacy", "/neighbourhoods/twerton", "/neighbourhoods/twerton/issues/new", "/issues/new",
          "/issues/follow", "/survey/", "/staff/sign-in",
          "/results", "/neighbourhoods/twerton/results", "/open-data", "/neighbourhoods/twerton/alerts",
          "/contact-us"]
COORDINATOR_PAGES = ["/staff/", "/pact/", "/pact/meetings", "/pact/metrics", "/staff/neighbourhoods/twerton",
                     "/charter/", "/pact/issues/new"]
ANALYST_PAGES = ["/analyst/", "/analyst/reports/", "/analyst/scorecard/"]
ADMIN_PAGES = ["/admin/", "/admin/waves/new", "/admin/crime/", "/admin/concerns/"]

# Statements per page on the demo. A change that adds a query per row multiplies these. /pact/: one
# for the issues residents reopened ("Was it resolved?": not resolved); /neighbourhoods/twerton: one
# for the coming meeting's papers and one for the issues' status history (the metrics read each period
# as it stood at its end); every page: one for the partnership's profile (its name in the header);
# /analyst/: three for the model-based NI 21's covariates (populations, classes, the year's crime).
# /analyst/ is 30: 25, plus "Against national figures" reading the comparator table (an edited
# definition) and the wave by slug for its frozen questionnaire's wording, plus the wave's saved
# small-area model choices (which covariates each indicator's model uses, and which are published),
# plus the area covariates an admin loaded (one read of every covariate's neighbourhood values).
# plus the covariates' labels (the admins' own, for the model line under the table).
QUERY_PINS = {"/pact/": 11, "/pact/meetings": 11, "/analyst/": 30, "/neighbourhoods/twerton": 13}


def _client(app, email: str | None):
    client = app.test_client()
    if email:
        app.config["WTF_CSRF_ENABLED"] = False
        response = client.post("/staff/sign-in", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, response.data[:300]
    app.config["WTF_CSRF_ENABLED"] = True
    return client


def _walk(client, paths):
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        check_page(response.data)


def test_public_pages_keep_the_rules(app, demo_data):
    _walk(_client(app, None), PUBLIC)


def test_coordinator_pages_keep_the_rules(app, demo_data, db_session):
    issue = db_session.scalar(select(PactIssue.reference).order_by(PactIssue.id))
    meeting = db_session.scalar(select(Meeting.id).join(Neighbourhood)
                                .where(Neighbourhood.slug == "twerton").order_by(Meeting.id))
    twerton = db_session.scalar(select(Neighbourhood).where(Neighbourhood.slug == "twerton"))
    case = CharterCase(reference=new_case_reference(), kind=CharterKind.COMPLAINT, name="A Resident",
                       email="resident@example.org", body="No reply to my call.", neighbourhood=twerton)
    db_session.add(case)
    db_session.commit()
    coming = db_session.scalar(select(Meeting.id).join(Neighbourhood)  # with its agenda and paper forms
                               .where(Neighbourhood.slug == "twerton").order_by(Meeting.starts_at.desc()))
    client = _client(app, COORDINATOR)
    _walk(client, [*COORDINATOR_PAGES, f"/pact/meetings/{meeting}", f"/pact/meetings/{coming}",
                   f"/charter/{case.reference}", "/pact/metrics?start=2010-04-01&end=2011-03-31"])
    # the first issue may be outside this coordinator's area: the admin walks it below
    _walk(_client(app, ADMIN), [f"/pact/issues/{issue}"])


def test_issue_pages_with_and_without_a_public_summary_keep_the_rules(app, demo_data, db_session):
    twerton = select(Neighbourhood.id).where(Neighbourhood.slug == "twerton")
    issues = db_session.scalars(select(PactIssue).where(PactIssue.neighbourhood_id.in_(twerton))
                                .order_by(PactIssue.id)).all()
    published = next(i.reference for i in issues if i.public_summary)
    private = next(i.reference for i in issues if not i.public_summary)
    assisted = next(i.reference for i in issues if i.channel != "online")
    _walk(_client(app, None), [f"/issues/{published}", f"/issues/{private}"])
    _walk(_client(app, COORDINATOR), [f"/pact/issues/{r}" for r in (published, private, assisted)])


def test_analyst_and_admin_pages_keep_the_rules(app, demo_data, db_session):
    _walk(_client(app, ANALYST), ANALYST_PAGES)
    wave = db_session.scalar(select(Wave.slug).order_by(Wave.opens_on))
    _walk(_client(app, ADMIN), [*ADMIN_PAGES, f"/admin/waves/{wave}", f"/admin/waves/{wave}/import"])


def _panel_wave(db_session) -> str:
    return db_session.scalar(select(Wave.slug).where(Wave.panel_mode))


def test_panel_pages_keep_the_rules(app, demo_data, db_session):
    """The open wave's start page (its consent notice), the "stop inviting me" page of a demo
    invitation (asking, done, and a broken link), and the admin's panel pages, a page at a time."""
    wave = _panel_wave(db_session)
    invitations = OutboundMail.body.contains("/survey/leave-the-panel/")  # not the follow-up questions
    body = db_session.scalar(select(OutboundMail.body).where(invitations).order_by(OutboundMail.id))
    leave = re.search(r"http://[^/]+(/survey/leave-the-panel/\S+)", body).group(1)
    _walk(_client(app, None), [f"/survey/{wave}/", leave])
    public = _client(app, None)
    for response in (public.post(leave), public.get(leave[:-4])):
        check_page(response.data)
    admin = _client(app, ADMIN)
    _walk(admin, [f"/admin/waves/{wave}/panel", f"/admin/waves/{wave}/panel?page=2",
                  f"/admin/waves/{wave}/panel/non-responders",
                  f"/admin/waves/{wave}/panel/non-responders?page=3"])
    page = admin.get(f"/admin/waves/{wave}/panel").get_data(as_text=True)
    assert "Page 1 of 20" in page and page.count("<tr") <= 102  # 100 members a page, not 2,000


# The panel page is 9 since the merge of panel age bands and the Welsh work: one statement more than
# before, the same for 2,000 members as for 20 (what this test is for).
@pytest.mark.parametrize(("path", "pin"), [("panel", 9), ("panel/non-responders", 8)])
def test_panel_page_queries_do_not_grow_with_the_panel(app, demo_data, db_session, count_queries, path, pin):
    wave = _panel_wave(db_session)
    admin = _client(app, ADMIN)
    with count_queries() as statements:
        assert admin.get(f"/admin/waves/{wave}/{path}").status_code == 200
    assert len(statements) == pin, "\n".join(statements)


def test_error_summary_links_point_at_the_fields(app, demo_data):
    client = _client(app, None)
    page = client.get("/neighbourhoods/twerton/issues/new")
    token = next(i.attrs["value"] for i in check_page(page.data).find_all("input", name="csrf_token"))
    response = client.post("/neighbourhoods/twerton/issues/new", data={"csrf_token": token})
    assert response.status_code in (200, 400)
    page = check_page(response.data)
    summary = page.by_class("error-summary")
    assert summary and summary[0].find_all("a"), "an empty form must list its errors with links"


@pytest.mark.parametrize(("path", "email"), [
    ("/pact/", COORDINATOR), ("/pact/meetings", COORDINATOR), ("/analyst/", ANALYST),
    ("/neighbourhoods/twerton", None),
])
def test_query_counts_are_pinned(app, demo_data, count_queries, path, email):
    client = _client(app, email)
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    assert len(statements) == QUERY_PINS[path], "\n".join(statements)


def test_the_population_table_speaks_the_questionnaire_not_the_codes(app, demo_data):
    page = check_page(_client(app, COORDINATOR).get("/staff/neighbourhoods/twerton").data)
    table = page.find_all("table")[-1].text
    assert "Which age group are you in?" in table and "75+" in table
    assert "age_band" not in table and "16_24" not in table


def test_a_published_agenda_and_its_paper_on_the_public_page(app, demo_data, db_session):
    coming = db_session.scalar(select(Meeting).join(Neighbourhood).where(Neighbourhood.slug == "twerton")
                               .order_by(Meeting.starts_at.desc()))
    coming.agenda_published_at = coming.agenda_published_at or utcnow()
    db_session.commit()
    client = _client(app, None)
    page = check_page(client.get("/neighbourhoods/twerton").data)
    links = [a.attrs["href"] for a in page.find_all("a") if "/papers/" in a.attrs.get("href", "")]
    assert links, "the demo's coming meeting has a paper"
    paper = client.get(links[0])
    assert paper.status_code == 200 and paper.mimetype == "application/pdf"
    assert paper.data.startswith(b"%PDF-") and b"%%EOF" in paper.data[-10:]
def test_follow_up_answer_pages_keep_the_rules(app, demo_data, db_session):
    """"Was it resolved?": the page a follow-up link opens (unanswered and answered) and a bad link."""
    from portal.pact.follow_up import FollowUpSettings, token_for

    settings = FollowUpSettings.from_config(app.config)
    asked = db_session.scalars(select(PactIssue).where(PactIssue.followup_sent_at.is_not(None))
                               .order_by(PactIssue.followup_sent_at.desc())).all()
    waiting = next(i for i in asked if i.followup_answer is None)
    answered = next(i for i in asked if i.followup_answer is not None)
    client = _client(app, None)
    _walk(client, [f"/issues/follow-up/{token_for(settings, waiting)}?answer=not_resolved",
                   f"/issues/follow-up/{token_for(settings, answered)}"])
    bad = client.get("/issues/follow-up/not-a-link")
    assert bad.status_code == 400
    check_page(bad.data)
