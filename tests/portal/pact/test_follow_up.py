""""Was it resolved?": who is asked and when, once only (two runs, two runs at once), the one-click
answer page (GET shows, POST records), reopening on "not resolved", and bad links."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.core.clock import utcnow
from portal.core.config import ConfigError, settings_from_env
from portal.models import AuditEvent, IssueContact, IssueEvent, OutboundMail, PactIssue
from portal.pact.follow_up import (
    FollowUpSettings,
    ask,
    due_issues,
    record_answer,
    send_follow_ups,
    token_for,
)
from portal.pact.issues import ContactDetails, raise_issue
from portal.pact.workflow import apply_transition
from tests.pages import check_page

SETTINGS = FollowUpSettings(weeks=4, link_weeks=8, secret="test-secret-key")
CLOSING_NOTE = {"resolved_locally": {"public_note": "Patrols stopped it."},
                "referred_elsewhere": {"public_note": "Passed to the housing association."},
                "closed_no_further_action": {"public_note": "Nothing more can be done."},
                "rejected_out_of_scope": {"reason": "Not for the partnership."},
                "rejected_duplicate": {"reason": "Reported already."}}


def _link(endpoint, **values):
    answer = values.pop("answer")
    return f"https://voicebox.example.org/issues/follow-up/{values['token']}?answer={answer}"


@pytest.fixture
def closed_issue(db_session, neighbourhoods):
    """An issue raised through the real rules and closed `weeks` ago with `status`."""
    def make(status: str = "resolved_locally", weeks: float = 5, *, email: str = "ada@example.org",
             phone: str = "", consent: bool = True, follow_up: bool = True) -> PactIssue:
        closed = utcnow() - timedelta(weeks=weeks)
        contact = ContactDetails("Ada", email, phone, consent, follow_up) if (email or phone) else None
        issue = raise_issue(db_session, neighbourhoods["twerton"], "noise", "Loud music at night.",
                            "Flats above the parade", contact=contact, now=closed - timedelta(days=9),
                            notify=False)  # arranging: only the follow-up question is counted
        if not status.startswith("rejected"):
            apply_transition(issue, "acknowledged", None, closed - timedelta(days=8))
        apply_transition(issue, status, None, closed, **CLOSING_NOTE[status])
        db_session.commit()
        return issue
    return make


def _mails(session) -> list[OutboundMail]:
    session.expire_all()
    return list(session.scalars(select(OutboundMail).order_by(OutboundMail.id)))


# --- who is asked, and when ------------------------------------------------------------------

@pytest.mark.parametrize(("weeks_closed", "setting", "due"), [(5, 4, True), (3, 4, False), (5, 6, False),
                                                                (6.5, 6, True), (7.9, 4, True),
                                                                (8.1, 4, False)])  # too late: LATE_WEEKS
def test_due_after_the_weeks_set(db_session, closed_issue, weeks_closed, setting, due):
    issue = closed_issue(weeks=weeks_closed)
    found = due_issues(db_session, utcnow(), setting)
    assert ([i.id for i in found] == [issue.id]) is due


@pytest.mark.parametrize("status", ["rejected_duplicate", "rejected_out_of_scope", "referred_elsewhere",
                                    "closed_no_further_action"])
def test_never_for_issues_closed_any_other_way(db_session, closed_issue, status):
    closed_issue(status)
    assert due_issues(db_session, utcnow(), 4) == []
    assert send_follow_ups(db_session, SETTINGS, utcnow(), _link) == [] and _mails(db_session) == []


@pytest.mark.parametrize("contact", [
    {"email": ""},  # anonymous
    {"follow_up": False},  # agreed to updates, not to this question
    {"email": "", "phone": "01225 123456"},  # no address to ask
])
def test_never_without_an_address_and_both_consents(db_session, closed_issue, contact):
    issue = closed_issue(**contact)
    assert issue.contact is None or not issue.contact.consent_to_follow_up
    assert due_issues(db_session, utcnow(), 4) == []


def test_never_once_retention_or_erasure_removed_the_contact(db_session, closed_issue):
    from portal.privacy.retention import issue_contacts
    from portal.privacy.subject_access import erase_person

    erased = closed_issue()
    kept = closed_issue(email="bo@example.org")
    expired = closed_issue(weeks=60, email="cy@example.org")
    back_then = utcnow() - timedelta(weeks=55)  # when the year-old issue's question was due
    assert {i.id for i in due_issues(db_session, utcnow(), 4)} == {erased.id, kept.id}
    assert [i.id for i in due_issues(db_session, back_then, 4)] == [expired.id]
    erase_person(db_session, "ada@example.org")
    # the default schedule (12 months after closing) removes only the year-old issue's contact
    assert issue_contacts(db_session, utcnow() - timedelta(days=365), dry_run=False) == 1
    db_session.commit()
    assert [i.id for i in due_issues(db_session, utcnow(), 4)] == [kept.id]
    assert due_issues(db_session, back_then, 4) == []


def test_the_retention_default_keeps_contacts_until_the_question_is_due(tmp_path):
    config = settings_from_env(tmp_path, {})
    assert config["FOLLOW_UP_WEEKS"] == 4 and config["FOLLOW_UP_LINK_WEEKS"] == 8
    assert config["FOLLOW_UP_WEEKS"] * 7 < config["RETENTION_ISSUE_CONTACT_MONTHS"] * 28
    with pytest.raises(ConfigError, match="FOLLOW_UP_WEEKS=8 is not sooner than RETENTION_ISSUE_CONTACT"):
        settings_from_env(tmp_path, {"FOLLOW_UP_WEEKS": "8", "RETENTION_ISSUE_CONTACT_MONTHS": "2"})


# --- sending once ----------------------------------------------------------------------------

def test_two_runs_ask_once(db_session, closed_issue):
    issue = closed_issue()
    closed_issue(weeks=2)  # not due yet
    assert [i.id for i in send_follow_ups(db_session, SETTINGS, utcnow(), _link)] == [issue.id]
    assert send_follow_ups(db_session, SETTINGS, utcnow(), _link) == []
    mails = _mails(db_session)
    assert [m.recipient for m in mails] == ["ada@example.org"]
    assert mails[0].subject == f"Was your PACT issue {issue.reference} resolved?"
    links = re.findall(r"https://voicebox\.example\.org/issues/follow-up/(\S+)\?answer=(\w+)", mails[0].body)
    assert [a for _, a in links] == ["resolved", "partly", "not_resolved"] and len({t for t, _ in links}) == 1
    db_session.refresh(issue)
    assert issue.followup_sent_at is not None


def test_the_question_is_written_in_the_residents_language(app, client, db_session, closed_issue):
    """Raised on a Welsh page: the question, its answer labels and category are in Welsh and its
    links open the answer page in Welsh; the resident's words and the outcome go as written. An
    issue raised in English is asked in English, as before."""
    welsh = closed_issue()
    english = closed_issue(email="bo@example.org")
    welsh.contact.language = "cy"
    db_session.commit()
    with app.app_context():
        assert len(send_follow_ups(db_session, SETTINGS, utcnow(), _link)) == 2
    mail = {m.recipient: m for m in _mails(db_session)}
    cy, en = mail["ada@example.org"], mail["bo@example.org"]
    assert cy.subject == f"A gafodd eich mater PACT {welsh.reference} ei ddatrys?"
    assert cy.body.startswith("Annwyl Ada,\n\nRai wythnosau yn ôl, caeodd tîm eich cymdogaeth y mater a "
                              "godoch yn Twerton")
    links = re.findall(r"^(.+): https://voicebox\.example\.org/issues/follow-up/\S+\?answer=(\w+)&lang=cy$",
                       cy.body, re.MULTILINE)
    assert links == [("Wedi’i ddatrys", "resolved"), ("Wedi’i ddatrys yn rhannol", "partly"),
                     ("Heb ei ddatrys", "not_resolved")]
    assert "Math o fater: Sŵn" in cy.body and "Loud music at night." in cy.body
    assert "Beth a wnaed:\nPatrols stopped it." in cy.body
    assert "Mae’r dolenni’n gweithio am 8 wythnos." in cy.body
    assert "Resolved" not in cy.body and "Noise" not in cy.body
    assert en.subject == f"Was your PACT issue {english.reference} resolved?"
    assert en.body.startswith("Dear Ada,\n\nSome weeks ago your neighbourhood team closed the issue you "
                              "raised in Twerton as resolved.")
    assert "Partly resolved: https://" in en.body and "Type of issue: Noise" in en.body
    assert "The links work for 8 weeks. We ask once" in en.body


def test_a_run_that_lost_the_race_queues_nothing(app, db_session, closed_issue):
    """Two runs saw the same due issue; the one that claims second changes and queues nothing."""
    issue = closed_issue()
    engine = app.extensions["database"].kw["bind"]
    with Session(engine) as first, Session(engine) as second:
        seen_first = due_issues(first, utcnow(), 4)
        seen_second = due_issues(second, utcnow(), 4)
        assert [i.id for i in seen_second] == [issue.id]
        assert ask(first, seen_first[0], SETTINGS, utcnow(), _link)
        first.commit()
        assert not ask(second, seen_second[0], SETTINGS, utcnow(), _link)
        second.commit()
    assert [m.recipient for m in _mails(db_session)] == ["ada@example.org"]


def test_two_runs_at_once_ask_each_resident_once(app, db_session, closed_issue):
    issues = [closed_issue(email=f"r{n}@example.org") for n in range(6)]
    engine = app.extensions["database"].kw["bind"]
    start, asked, errors = threading.Barrier(2), [], []

    def run():
        try:
            with Session(engine) as session:
                start.wait()
                asked.extend(i.id for i in send_follow_ups(session, SETTINGS, utcnow(), _link))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sorted(asked) == sorted(i.id for i in issues)
    assert sorted(m.recipient for m in _mails(db_session)) == sorted(f"r{n}@example.org" for n in range(6))


# --- the command and the job -------------------------------------------------------------------

def test_the_command_dry_run_changes_nothing_and_the_real_run_sends(app, runner, db_session, closed_issue):
    issue = closed_issue()
    result = runner.invoke(args=["follow-ups", "send", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"{issue.reference} (Twerton)" in result.output and "nothing was sent" in result.output
    assert _mails(db_session) == []
    result = runner.invoke(args=["follow-ups", "send"])
    assert "1 follow-up questions queued" in result.output
    assert "ada@example.org" not in result.output  # no personal data in cron logs
    body = _mails(db_session)[0].body
    assert f"{app.config['PUBLIC_BASE_URL']}/issues/follow-up/" in body
    assert "0 follow-up questions queued" in runner.invoke(args=["follow-ups", "send"]).output


def test_the_job_sends_what_is_due(app, db_session, closed_issue):
    from portal.core.jobs import enqueue, wait_for_jobs

    closed_issue()
    with app.app_context():
        enqueue("follow_ups_send")
    wait_for_jobs(app)
    mails = _mails(db_session)
    assert len(mails) == 1 and mails[0].status == "recorded"


# --- answering ---------------------------------------------------------------------------------

@pytest.fixture
def asked(app, db_session, closed_issue):
    """A resolved issue whose question was sent; returns (issue, link path without the answer)."""
    issue = closed_issue()
    with app.app_context():
        settings = FollowUpSettings.from_config(app.config)
        assert ask(db_session, issue, settings, utcnow() - timedelta(days=1), _link)
        db_session.commit()
        return issue, f"/issues/follow-up/{token_for(settings, issue)}"


def _state(session, issue):
    session.expire_all()
    fresh = session.get(PactIssue, issue.id)
    return (fresh.status, fresh.followup_answer, fresh.closed_at, len(fresh.events),
            session.scalar(select(func.count()).select_from(AuditEvent)))


@pytest.mark.parametrize("answer", ["resolved", "partly", "not_resolved"])
def test_opening_a_link_records_nothing_and_confirming_records_it(client, db_session, asked, answer):
    issue, path = asked
    before = _state(db_session, issue)
    page = check_page(client.get(f"{path}?answer={answer}").data)
    checked = [i for i in page.find_all("input", name="answer") if "checked" in i.attrs]
    assert [i.attrs["value"] for i in checked] == [answer]
    assert "Nothing is recorded until you press the button" in page.text
    assert _state(db_session, issue) == before  # a mail scanner's visit changes nothing

    response = client.post(path, data={"answer": answer, "comment": "Thanks for asking."})
    assert response.status_code == 200
    done = check_page(response.data)
    assert "your answer is recorded" in done.text
    db_session.expire_all()
    fresh = db_session.get(PactIssue, issue.id)
    assert fresh.followup_answer == answer and fresh.followup_comment == "Thanks for asking."
    entry = next(e for e in fresh.events if e.kind == "follow_up")
    assert (entry.to_value, entry.body, entry.public) == (answer, "Thanks for asking.", False)
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "pact_follow_up_answered")
                             ).detail == {"answer": answer}
    if answer == "not_resolved":
        assert fresh.status == "submitted" and fresh.closed_at is None and fresh.outcome == ""
        assert fresh.acknowledged_at is not None  # the first response still counts where it was
        reopened = [e for e in fresh.events if e.kind == "status" and e.to_value == "submitted"]
        assert len(reopened) == 1 and reopened[0].public and "not resolved" in reopened[0].body
        assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "pact_issue_reopened"))
        assert "back with your neighbourhood team" in done.text
    else:
        assert fresh.status == "resolved_locally" and fresh.closed_at is not None
        if answer == "partly":
            assert "The issue stays closed" in done.text


def test_not_resolved_puts_the_issue_in_the_coordinators_queue(client, twerton_client, db_session, asked):
    issue, path = asked
    comment = "<script>alert('x')</script> It is back every night."
    client.post(path, data={"answer": "not_resolved", "comment": comment})
    queue = twerton_client.get("/pact/")
    page = check_page(queue.data)
    banner = page.find_all("div", id="reopened")[0].text
    assert issue.reference in banner and "Reopened by residents (1)" in banner
    assert "Reopened: the resident says it is not resolved" in page.text
    staff = twerton_client.get(f"/pact/issues/{issue.reference}").data.decode()
    assert "<script>alert" not in staff and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in staff
    assert "Resident's answer to “Was it resolved?”: Not resolved" in staff
    public = client.get(f"/issues/{issue.reference}").data.decode()
    assert "It is back every night" not in public  # the comment is for staff only
    assert "the problem is not resolved" in public and ">Received<" in public
    # acknowledging it again takes it out of the banner, as for a new issue
    acknowledged = twerton_client.post(f"/pact/issues/{issue.reference}/status",
                                       data={"status-status": "acknowledged"})
    assert acknowledged.status_code == 302, acknowledged.data.decode()[-3000:]
    assert b'id="reopened"' not in twerton_client.get("/pact/").data


def test_one_answer_per_issue(client, db_session, asked):
    issue, path = asked
    client.post(path, data={"answer": "partly", "comment": "<b>bold</b> claim"})
    before = _state(db_session, issue)
    for method in (client.get, client.post):
        response = method(f"{path}?answer=not_resolved", data={"answer": "not_resolved"})
        assert response.status_code == 200
        page = check_page(response.data)
        assert "Your answer was already recorded" in page.text and "Partly resolved" in page.text
        assert "&lt;b&gt;bold&lt;/b&gt; claim" in response.data.decode()
    assert _state(db_session, issue) == before
    with pytest.raises(Exception, match="already been recorded"):
        record_answer(db_session, db_session.get(PactIssue, issue.id), "resolved", "", utcnow())


def test_tampered_and_expired_links_get_a_clear_page_and_change_nothing(app, client, db_session, asked,
                                                                       monkeypatch):
    issue, path = asked
    before = _state(db_session, issue)
    tampered = path[:-3] + ("xyz" if not path.endswith("xyz") else "abc")
    for bad in (tampered, "/issues/follow-up/not-a-token", "/issues/follow-up/%FF%FE"):
        for response in (client.get(bad), client.post(bad, data={"answer": "not_resolved"})):
            assert response.status_code == 400
            assert "This link cannot be used" in check_page(response.data).text
            assert "Nothing was recorded" in response.data.decode()
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 9 * 7 * 86400)
    with app.app_context():
        old = token_for(FollowUpSettings.from_config(app.config), issue)
    monkeypatch.setattr(time, "time", real_time)
    response = client.post(f"/issues/follow-up/{old}", data={"answer": "not_resolved"})
    assert response.status_code == 400 and "This link has expired" in response.data.decode()
    assert _state(db_session, issue) == before
    # a valid link for an issue never asked (the token forged with the key) names no question
    other = db_session.scalar(select(PactIssue).where(PactIssue.id != issue.id)) or issue
    if other.followup_sent_at is None:
        with app.app_context():
            forged = token_for(FollowUpSettings.from_config(app.config), other)
        assert client.get(f"/issues/follow-up/{forged}").status_code == 400


def test_a_bad_link_is_explained_in_welsh_on_a_welsh_page(client, db_session, asked):
    _, path = asked
    page = client.get("/issues/follow-up/not-a-token?lang=cy")
    assert page.status_code == 400 and '<html lang="cy">' in page.text
    text = check_page(page.data).text
    assert "Ni ellir defnyddio’r ddolen hon" in text
    assert "Nid yw’r ddolen hon yn gyflawn neu mae wedi’i newid. Nid oes dim wedi’i gofnodi." in text
    assert "Nothing was recorded" not in text
    ask_page = check_page(client.get(f"{path}?answer=partly&lang=cy").data).text
    assert "A gafodd y mater ei ddatrys?" in ask_page and "Wedi’i ddatrys yn rhannol" in ask_page


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Choose whether the issue was resolved"),
    ({"answer": "maybe"}, "Not a valid choice"),
    ({"answer": "resolved", "comment": "x" * 1001}, "The comment must be 1,000 characters or fewer"),
])
def test_bad_answers_are_refused_clearly(client, db_session, asked, data, message):
    issue, path = asked
    before = _state(db_session, issue)
    response = client.post(path, data=data)
    assert response.status_code == 400
    page = check_page(response.data)
    assert message in page.by_class("error-summary")[0].text
    assert _state(db_session, issue) == before


def test_the_answer_page_needs_its_csrf_token(csrf_app, db_session, asked):
    issue, path = asked
    client = csrf_app.test_client()
    assert client.post(path, data={"answer": "resolved"}).status_code == 400
    page = check_page(client.get(f"{path}?answer=resolved").data)
    token = next(i.attrs["value"] for i in page.find_all("input", name="csrf_token"))
    assert client.post(path, data={"answer": "resolved", "csrf_token": token}).status_code == 200
    db_session.expire_all()
    assert db_session.get(PactIssue, issue.id).followup_answer == "resolved"


def test_a_reopened_issue_keeps_its_contact_details_through_retention(db_session, asked):
    from portal.privacy.retention import issue_contacts

    issue, _ = asked
    record_answer(db_session, db_session.get(PactIssue, issue.id), "not_resolved", "", utcnow())
    db_session.commit()
    assert issue_contacts(db_session, utcnow() + timedelta(days=800), dry_run=True) == 0
    assert db_session.scalar(select(func.count()).select_from(IssueContact)) == 1
    assert db_session.scalar(select(func.count()).select_from(IssueEvent)
                             .where(IssueEvent.kind == "follow_up")) == 1


# --- the raise form's consent ------------------------------------------------------------------

VALID = {"category": "noise", "description": "Loud music every night.", "location": "The parade"}


@pytest.mark.parametrize(("extra", "asked_later"), [
    ({"email": "ada@example.org", "consent": "y", "follow_up": "y"}, True),
    ({"email": "ada@example.org", "consent": "y"}, False),  # unticked by default
])
def test_the_raise_form_records_the_follow_up_consent(client, db_session, neighbourhoods, extra, asked_later):
    form = check_page(client.get("/neighbourhoods/twerton/issues/new").data, csrf=False)
    box = form.find_all("input", name="follow_up")[0]
    assert box.attrs.get("type") == "checkbox" and "checked" not in box.attrs
    assert client.post("/neighbourhoods/twerton/issues/new", data={**VALID, **extra}).status_code == 302
    assert db_session.scalar(select(IssueContact)).consent_to_follow_up is asked_later


def test_the_follow_up_box_needs_an_email_and_is_shown_back_ticked(client, db_session, neighbourhoods):
    response = client.post("/neighbourhoods/twerton/issues/new",
                           data={**VALID, "phone": "01225 123456", "consent": "y", "follow_up": "y"})
    assert response.status_code == 400
    page = check_page(response.data, csrf=False)
    assert "Enter an email address so we can ask you whether it was resolved" in page.text
    assert "checked" in page.find_all("input", name="follow_up")[0].attrs
    assert db_session.scalar(select(func.count()).select_from(PactIssue)) == 0
