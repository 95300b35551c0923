"""Residents' words are private until reviewed: no public surface (issue page, neighbourhood page,
Atom feed, open-data API, results, the neighbourhood PDF's PACT section) shows a description or
location; a coordinator in scope publishes, replaces and withdraws a public summary, audited and
escaped; the console flags text that looks like personal information."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.core.clock import utcnow
from portal.models import AuditEvent, IssueEvent, Neighbourhood, PactIssue
from portal.pact.issues import IssueError, close
from portal.pact.public_summary import SummaryHeld, publish_summary, withdraw_summary
from portal.pact.workflow import change_status
from portal.reports.data import pact_section
from tests.pages import check_page

SECRET = "Quokkabread"  # distinctive: found anywhere public, it leaked
WORDS = f"{SECRET} at number 12 deals from the garage, ring 07700 900123"
PLACE = f"{SECRET} Lane garages"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _json(response) -> dict:
    body = response.get_json()
    return body.get("data", body)


@pytest.fixture
def private_issues(db_session, make_issue, coordinator):
    """One open and one resolved-locally issue whose words carry SECRET, both recent."""
    open_issue = make_issue(description=WORDS, location=PLACE, age=timedelta(days=3))
    done = make_issue(description=WORDS, location=PLACE, category="street_drinking", age=timedelta(days=9))
    change_status(db_session, done, "acknowledged", coordinator, public_note="Thanks, on it.")
    close(db_session, done, "resolved_locally", "Patrols added; it has stopped.", coordinator)
    db_session.commit()
    return open_issue, done


def _public_surfaces(client, issues) -> dict[str, str]:
    paths = [*(f"/issues/{i.reference}" for i in issues), "/neighbourhoods/twerton",
             "/neighbourhoods/twerton/feed.atom", "/api/v1/neighbourhoods/twerton/pact",
             "/neighbourhoods/twerton/results", "/results", "/open-data", "/"]
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = _text(response)
    return pages


def _pdf_section(db_session, neighbourhoods) -> str:
    db_session.expire_all()  # read what the requests committed
    today = utcnow().date()
    wave = SimpleNamespace(opens_on=today - timedelta(days=200), closes_on=today + timedelta(days=30))
    return repr(asdict(pact_section(db_session, neighbourhoods["twerton"], wave, utcnow())))


def test_no_public_surface_shows_a_residents_words(client, db_session, neighbourhoods, private_issues):
    pages = _public_surfaces(client, private_issues)
    assert [path for path, page in pages.items() if SECRET in page] == []
    issue_page = pages[f"/issues/{private_issues[1].reference}"]
    assert "Street drinking" in issue_page and "Twerton" in issue_page and "Resolved locally" in issue_page
    assert "Patrols added" in issue_page and "kept private" in issue_page
    feed = pages["/neighbourhoods/twerton/feed.atom"]
    assert "You said, we did: Street drinking" in feed
    section = _pdf_section(db_session, neighbourhoods)
    assert SECRET not in section and "Street drinking" in section


def test_a_published_summary_shows_everywhere_public_and_the_words_still_do_not(
        client, twerton_client, db_session, neighbourhoods, private_issues):
    _, done = private_issues
    summary = "Drug dealing reported from garages; <b>patrols</b> & visits."
    response = twerton_client.post(f"/pact/issues/{done.reference}/summary",
                                   data={"summary-summary": summary})
    assert response.status_code == 302
    assert "is published" in _text(twerton_client.get(response.headers["Location"]))
    pages = _public_surfaces(client, private_issues)
    assert [path for path, page in pages.items() if SECRET in page] == []
    escaped = "Drug dealing reported from garages; &lt;b&gt;patrols&lt;/b&gt; &amp; visits."
    for path in (f"/issues/{done.reference}", "/neighbourhoods/twerton", "/neighbourhoods/twerton/feed.atom"):
        assert escaped in pages[path], path
        assert "<b>patrols</b>" not in pages[path]
    assert f"Street drinking: {summary}" in (
        [item["you_said"] for item in _json(client.get("/api/v1/neighbourhoods/twerton/pact"))
         ["you_said_we_did"]])
    section = _pdf_section(db_session, neighbourhoods)
    assert "Street drinking: Drug dealing reported" in section and SECRET not in section


def test_publish_replace_withdraw_are_audited_and_in_the_staff_history(
        twerton_client, db_session, private_issues):
    issue, _ = private_issues
    url = f"/pact/issues/{issue.reference}/summary"
    for summary in ("Dealing reported near garages.", "Possible dealing near the garages."):
        assert twerton_client.post(url, data={"summary-summary": summary}).status_code == 302
    assert twerton_client.post(f"{url}/withdraw").status_code == 302
    db_session.expire_all()
    assert db_session.get(PactIssue, issue.id).public_summary == ""
    actions = list(db_session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == issue.reference)
                                      .where(AuditEvent.action.like("pact_issue_summary%"))
                                      .order_by(AuditEvent.id)))
    assert actions == ["pact_issue_summary_published", "pact_issue_summary_replaced",
                       "pact_issue_summary_withdrawn"]
    events = db_session.scalars(select(IssueEvent).where(IssueEvent.issue_id == issue.id,
                                                         IssueEvent.kind == "summary")).all()
    assert [e.to_value for e in events] == ["published", "replaced", "withdrawn"]
    assert not any(e.public for e in events)
    page = _text(twerton_client.get(f"/pact/issues/{issue.reference}"))
    assert "Public summary withdrawn" in page and "Not published" in page
    # nothing to withdraw now: said plainly, nothing changes
    response = twerton_client.post(f"{url}/withdraw", follow_redirects=True)
    assert "No public summary is published" in _text(response)


def test_a_blank_or_unchanged_summary_is_refused_with_a_message(twerton_client, db_session, private_issues):
    issue, _ = private_issues
    url = f"/pact/issues/{issue.reference}/summary"
    response = twerton_client.post(url, data={"summary-summary": "  "})
    assert response.status_code == 400 and "Write the public summary" in _text(response)
    twerton_client.post(url, data={"summary-summary": "Dealing reported."})
    response = twerton_client.post(url, data={"summary-summary": "Dealing reported."})
    assert response.status_code == 400 and "already published" in _text(response)
    response = twerton_client.post(url, data={"summary-summary": "x" * 2001})
    assert response.status_code == 400 and "2,000 characters or fewer" in _text(response)


def test_a_summary_pasted_with_control_characters_is_stored_without_them(twerton_client, db_session,
                                                                        private_issues):
    """Word's soft line break (\\x0b) and other control characters never reach the database: the
    shared form filter turns line breaks into newlines and drops the rest (a NUL is refused before
    any form, by portal.core.request_checks)."""
    issue, _ = private_issues
    pasted = "Dealing\x0breported\r\nby the\x0cshops\x07\x1b\x9f "
    response = twerton_client.post(f"/pact/issues/{issue.reference}/summary",
                                   data={"summary-summary": pasted})
    assert response.status_code == 302
    db_session.refresh(issue)
    assert issue.public_summary == "Dealing\nreported\nby the\nshops"


PERSONAL = "John Smith at 12 High Street, call 07700 900123, says the dealing goes on every night."


def test_a_summary_that_looks_personal_is_held_until_the_coordinator_publishes_it_anyway(
        client, twerton_client, db_session, private_issues):
    issue, _ = private_issues
    url = f"/pact/issues/{issue.reference}/summary"
    response = twerton_client.post(url, data={"summary-summary": PERSONAL})
    assert response.status_code == 400
    page = check_page(response.data)
    flags = page.find_all("div", id="summary-flags")[0].text
    assert "Held, not published" in flags
    for found in ("John Smith", "12 High Street", "07700 900123"):
        assert f"“{found}”" in flags
    assert page.find_all("textarea", name="summary-summary")[0].text == PERSONAL
    assert page.find_all("input", name="summary-held")[0].attrs["value"] == PERSONAL
    assert page.find_all("button", id="publish-anyway")[0].attrs["name"] == "summary-confirm"
    db_session.expire_all()
    assert db_session.get(PactIssue, issue.id).public_summary == ""
    assert "John Smith" not in _text(client.get(f"/issues/{issue.reference}"))

    response = twerton_client.post(url, data={"summary-summary": PERSONAL, "summary-held": PERSONAL,
                                              "summary-confirm": "y"}, follow_redirects=True)
    assert "is published, as you confirmed, with a person" in _text(response)
    assert "John Smith" in _text(client.get(f"/issues/{issue.reference}"))
    audit = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "pact_issue_summary_published"))
    assert audit.detail["published_anyway"] is True
    assert audit.detail["flags"] == ["a person's name or a person pointed at", "a house number",
                                     "a phone number"]
    assert "07700" not in repr(audit.detail)  # the kinds, not the personal details


def test_publish_anyway_on_an_edited_draft_checks_the_edit_first(twerton_client, db_session, private_issues):
    issue, _ = private_issues
    edited = "Dealing reported near the garages; Sarah Jones saw it."
    response = twerton_client.post(f"/pact/issues/{issue.reference}/summary", data={
        "summary-summary": edited, "summary-held": PERSONAL, "summary-confirm": "y"})
    assert response.status_code == 400 and "“Sarah Jones”" in _text(response)
    db_session.expire_all()
    assert db_session.get(PactIssue, issue.id).public_summary == ""
    fixed = "Dealing reported near the garages."
    response = twerton_client.post(f"/pact/issues/{issue.reference}/summary", data={
        "summary-summary": fixed, "summary-held": edited, "summary-confirm": "y"})
    assert response.status_code == 302  # nothing to confirm: an edit without flags is published
    db_session.expire_all()
    assert db_session.get(PactIssue, issue.id).public_summary == fixed


def test_the_rule_holds_a_flagged_draft_and_knows_the_places_in_the_database(
        db_session, neighbourhoods, private_issues, coordinator):
    issue, _ = private_issues
    with pytest.raises(SummaryHeld) as held:
        publish_summary(db_session, issue, "Reported by Sarah Jones", coordinator)
    assert [flag.found for flag in held.value.flags] == ["Sarah Jones"]
    assert issue.public_summary == ""
    # places the partnership knows are not names: its neighbourhoods, agencies and meeting venues
    db_session.add(Neighbourhood(slug="odd-down", name="Odd Down", area_class="urban"))
    db_session.commit()
    text = "Patrols in Chew Valley and Odd Down by the Police neighbourhood team."
    assert publish_summary(db_session, issue, text, coordinator) == []
    assert issue.public_summary == text


def test_another_neighbourhoods_coordinator_cannot_publish_or_withdraw(
        signed_in, db_session, private_issues, coordinator):
    issue, _ = private_issues
    publish_summary(db_session, issue, "Dealing reported.", coordinator)
    db_session.commit()
    other = signed_in("coordinator", "keynsham")
    assert other.post(f"/pact/issues/{issue.reference}/summary",
                      data={"summary-summary": "Changed"}).status_code == 404
    assert other.post(f"/pact/issues/{issue.reference}/summary/withdraw").status_code == 404
    db_session.expire_all()
    assert db_session.get(PactIssue, issue.id).public_summary == "Dealing reported."


def test_the_rules_refuse_an_actor_out_of_scope(db_session, make_user, private_issues):
    issue, _ = private_issues
    stranger = make_user("coordinator", "keynsham")
    with pytest.raises(IssueError, match="no issue"):
        publish_summary(db_session, issue, "Anything", stranger)
    with pytest.raises(IssueError, match="no issue"):
        withdraw_summary(db_session, issue, stranger)


def test_the_console_flags_what_to_review(twerton_client, make_issue):
    flagged = make_issue(description="The man at number 12 shouts; call 07700 900123")
    plain = make_issue(description="Speeding on the A36 after 10pm, 2 cars racing")
    page = _text(twerton_client.get("/pact/"))
    row = page[page.index(flagged.reference):page.index(flagged.reference) + 1500]
    assert "Review: may contain a person" in row and "a house number" in row and "a phone number" in row
    row = page[page.index(plain.reference):page.index(plain.reference) + 800]
    assert "Review:" not in row.split("</tr>")[0]
    issue_page = _text(twerton_client.get(f"/pact/issues/{flagged.reference}"))
    assert 'id="review-flags"' in issue_page and "a phone number" in issue_page
    assert 'id="review-flags"' not in _text(twerton_client.get(f"/pact/issues/{plain.reference}"))


def test_existing_issues_are_private_after_the_migration(empty_database_url):
    """An issue written before the migration reads back with no summary (private) and online."""
    from sqlalchemy import create_engine, text

    from portal.core import migrate

    migrate.upgrade(empty_database_url, "3c7d2a91e5f0")
    engine = create_engine(empty_database_url)
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO neighbourhood (id, slug, name, area_class, description) "
                          "VALUES (1, 'twerton', 'Twerton', 'urban', '')"))
        conn.execute(text(
            "INSERT INTO pact_issue (reference, neighbourhood_id, category, description, location, status, "
            "public_reason, outcome, created_at, updated_at) VALUES ('PACT-OLD1-AA', 1, 'noise', :words, "
            "'Here', 'submitted', '', '', :now, :now)"), {"words": WORDS, "now": now})
    migrate.upgrade(empty_database_url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT public_summary, channel, summary_published_at FROM pact_issue")).one()
    engine.dispose()
    assert tuple(row) == ("", "online", None)


def test_the_demo_publishes_summaries_for_most_reviewed_issues_only(db_session, demo_data):
    issues = db_session.scalars(select(PactIssue)).all()
    reviewed = [i for i in issues if i.acknowledged_at or i.closed_at]
    published = [i for i in issues if i.public_summary]
    assert all(i.acknowledged_at or i.closed_at for i in published)
    assert 0.5 < len(published) / len(reviewed) < 0.9
    assert not any(i.public_summary for i in issues if i.status == "submitted")
    assert {str(i.channel) for i in issues} >= {"online", "phone", "pact_meeting", "in_person"}
