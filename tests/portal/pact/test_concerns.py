"""Survey findings beside PACT priorities on a fresh (full-size) demo: the coordinator's Twerton
page and the Twerton report flag at least one concern that no current priority addresses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from demo import seed_demo
from demo.staff import DEMO_PASSWORD
from portal.core.clock import utcnow
from portal.models import EditedDefinition, Neighbourhood
from portal.pact.concerns import concern_rows, mapping_text
from portal.reports.building import prepare_reports
from portal.reports.data import load_analysis


@pytest.fixture
def full_demo(app, db_session):
    seed_demo(db_session, app.config, utcnow(), seed=2009, responses_per_wave=1500)
    db_session.commit()


def test_twerton_page_flags_a_concern_with_no_priority(app, full_demo, db_session):
    client = app.test_client()
    client.post("/staff/sign-in", data={"email": "pact.southwest@bathnes-csp.example.org",
                                        "password": DEMO_PASSWORD})
    page = client.get("/staff/neighbourhoods/twerton").text
    table = page[page.index('id="concerns"'):]
    assert "No current priority" in table
    assert "on the next PACT meeting&#39;s agenda" in page
    assert "Significantly above" in table
    assert "Clear fly-tipping and catch those responsible" in table  # an addressed concern
    report = prepare_reports(db_session, "2010-11", ["twerton"],
                             now=datetime(2011, 6, 1, tzinfo=UTC)).reports[0]
    assert any(r.flagged for r in report.concerns)


def test_a_page_without_a_closed_wave_says_so(signed_in, neighbourhoods):
    page = signed_in("coordinator", "twerton").get("/staff/neighbourhoods/twerton").text
    assert "No survey wave has closed with enough responses" in page


def test_an_admin_edits_the_mapping_and_the_page_follows(app, full_demo, db_session):
    admin = app.test_client()
    admin.post("/staff/sign-in", data={"email": "admin@bathnes-csp.example.org",
                                       "password": DEMO_PASSWORD})
    text, edited = mapping_text(db_session)
    assert edited is None and "teenagers:" in admin.get("/admin/concerns/").text
    # a bad mapping is refused, naming the problem, and nothing is saved
    response = admin.post("/admin/concerns/", data={"content": "nonsense: {label: X}\n"})
    assert response.status_code == 400 and "unknown indicator &#39;nonsense&#39;" in response.text
    assert db_session.get(EditedDefinition, "concerns-and-priorities") is None
    # say that the Twerton litter priority also covers teenagers hanging around
    changed = text.replace("topics: [young people, youths, teenagers]",
                           "topics: [young people, youths, teenagers, fly-tipping]")
    assert admin.post("/admin/concerns/", data={"content": changed}).status_code == 302
    analysis = load_analysis(db_session, "2010-11")
    twerton = db_session.scalar(select(Neighbourhood).where(Neighbourhood.slug == "twerton"))
    teenagers = next(r for r in concern_rows(db_session, analysis, twerton)
                     if r.concern.id == "teenagers")
    assert teenagers.addressed_by == ("Clear fly-tipping and catch those responsible",)
    assert admin.post("/admin/concerns/restore").status_code == 302
    db_session.expire_all()
    assert mapping_text(db_session)[1] is None


def test_only_admins_edit_the_mapping(signed_in):
    assert signed_in("analyst").get("/admin/concerns/").status_code == 403
    assert signed_in("coordinator", "twerton").post("/admin/concerns/restore").status_code == 403


ALIAS_BOMB = "\n".join(
    [f"l0: &l0 [{', '.join(['x'] * 9)}]"]
    + [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 8)]) + "\n"


@pytest.mark.parametrize("content, message", [
    (ALIAS_BOMB, "line 2, column 10: aliases (*name) are not allowed"),
    ("teenagers: " + "[" * 3000 + "]" * 3000 + "\n", "nested more than 20 levels deep"),
    ("teenagers: label: X\n", "line 1, column 17: mapping values are not allowed here"),
])
def test_a_hostile_or_broken_mapping_is_refused_in_a_line(signed_in, content, message):
    """A 500-byte alias bomb once made this page 34 MB, deep nesting a 500, and a typo showed
    PyYAML's multi-line report; each is now one sentence naming the line, and nothing is saved."""
    response = signed_in("admin").post("/admin/concerns/", data={"content": content})
    assert response.status_code == 400
    assert message in response.text
    assert len(response.text) < 20_000 + len(content) * 2
    assert "&lt;unicode string&gt;" not in response.text
