"""Subject access and erasure: find, download as JSON, erase (with confirmation), unknown address."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from portal.core.clock import utcnow
from portal.models import (
    AlertSubscription,
    AuditEvent,
    CharterCase,
    IssueContact,
    OutboundMail,
    PactIssue,
    PanelMember,
)
from portal.pact.metrics import load_issue_records
from tests.portal.privacy.test_retention import _metrics

ADA = "old@example.org"  # raised the old closed issue in `aged_records`


def _ada_everywhere(db_session, neighbourhoods, aged_records):
    """Ada also follows a neighbourhood, is on a panel, got mail and is named in an audit entry."""
    place = neighbourhoods["keynsham"]
    member = db_session.scalar(select(PanelMember).where(PanelMember.email == "gone@example.org"))
    member.email = "Old@Example.org"
    db_session.add_all([
        AlertSubscription(email=ADA, neighbourhood_id=place.id, confirmed_at=utcnow()),
        OutboundMail(recipient=ADA, subject="Your issue", body="Dear Ada", status="recorded"),
        OutboundMail(recipient=ADA, subject="Not yet sent", body="Dear Ada", status="pending"),
        AuditEvent(action="sign_in_failed", detail={"email": ADA, "count": 1}),
        OutboundMail(recipient="someone@example.org", subject="Other", body="Keep", status="sent"),
    ])
    db_session.commit()


def _find(client, email):
    return client.post("/admin/people", data={"email": email}).get_data(as_text=True)


def test_an_admin_finds_everything_held_about_an_address(signed_in, db_session, neighbourhoods,
                                                         aged_records):
    _ada_everywhere(db_session, neighbourhoods, aged_records)
    client = signed_in("admin")
    page = _find(client, "  OLD@example.org ")
    assert aged_records["old"].reference in page
    assert 'id="person-panel"' in page and "2009-10" in page
    assert "Your issue" in page and "Keynsham" in page
    assert "1 audit entry" in page
    assert "Survey answers cannot be found by e-mail address" in page
    assert aged_records["recent"].reference not in page


def test_only_admins_reach_the_page(signed_in):
    assert signed_in("analyst").get("/admin/people").status_code == 403


def test_the_json_download_lists_the_issues_and_is_audited(signed_in, db_session, neighbourhoods,
                                                          aged_records):
    _ada_everywhere(db_session, neighbourhoods, aged_records)
    response = signed_in("admin").post("/admin/people/access.json", data={"email": ADA})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="subject-access.json"'
    data = json.loads(response.get_data(as_text=True))
    assert [issue["reference"] for issue in data["issues"]] == [aged_records["old"].reference]
    assert data["issues"][0]["contact"]["phone"] == "01225 000000"
    assert [m["wave"] for m in data["panel_membership"]] == ["2009-10"]
    assert {m["subject"] for m in data["mail_sent"]} == {"Your issue", "Not yet sent"}
    assert [a["neighbourhood"] for a in data["alert_subscriptions"]] == ["Keynsham"]
    assert "no link to any person" in data["survey_answers"]
    exported = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "subject_access_exported"))
    assert exported.detail["address"] == ADA


def test_erasure_asks_for_confirmation_then_removes_the_address_everywhere(signed_in, db_session,
                                                                           neighbourhoods, aged_records):
    _ada_everywhere(db_session, neighbourhoods, aged_records)
    before = _metrics(db_session)
    client = signed_in("admin")
    confirm = client.post("/admin/people/erase", data={"email": ADA}).get_data(as_text=True)
    assert "Erase old@example.org?" in confirm and 'name="step" value="confirm"' in confirm
    assert db_session.scalar(select(func.count()).select_from(IssueContact)) == 3
    unticked = client.post("/admin/people/erase", data={"email": ADA, "step": "confirm"})
    assert unticked.status_code == 400 and "Tick the box" in unticked.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(IssueContact)) == 3

    done = client.post("/admin/people/erase", data={"email": ADA, "step": "confirm", "confirm": "y"})
    assert done.status_code == 302
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(PactIssue)) == 3
    assert len(load_issue_records(db_session)) == 3 and _metrics(db_session) == before
    assert ADA not in db_session.scalars(select(func.lower(IssueContact.email))).all()
    assert "old@example.org" not in db_session.scalars(select(func.lower(PanelMember.email))).all()
    mails = {(m.recipient, m.subject, m.body) for m in db_session.scalars(select(OutboundMail))}
    assert ("", "Your issue", "") in mails and ("someone@example.org", "Other", "Keep") in mails
    assert not any(subject == "Not yet sent" for _, subject, _ in mails)
    assert db_session.scalar(select(func.count()).select_from(AlertSubscription)) == 0
    assert "old@example.org" not in str([e.detail for e in db_session.scalars(select(AuditEvent))])
    erased = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "person_erased"))
    assert erased.detail["issue_contacts"] == 1 and erased.detail["panel_memberships"] == 1
    # All that is left is the keyed hash that keeps the address off every future panel, and the
    # lookup says so.
    after = _find(client, ADA)
    assert "Found 1 record" in after and "left the Voicebox panel on" in after
    assert "erased on request" in after


def test_an_unknown_address_says_nothing_was_found(signed_in, db_session, aged_records):
    client = signed_in("admin")
    page = _find(client, "nobody@example.org")
    assert "Nothing was found for <strong>nobody@example.org</strong>" in page
    client.post("/admin/people/erase", data={"email": "nobody@example.org", "step": "confirm",
                                             "confirm": "y"})
    assert "nothing was erased" in client.get("/admin/people").get_data(as_text=True)
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(IssueContact)) == 3
    assert "" not in db_session.scalars(select(OutboundMail.body)).all()


def test_something_that_is_not_an_address_gets_a_clear_error(signed_in):
    client = signed_in("admin")
    assert "is not an e-mail address" in _find(client, "not-an-address")
    assert "Enter the e-mail address" in _find(client, "")
    assert client.post("/admin/people/access.json", data={"email": "x"}).status_code == 400


def test_the_records_page_prints_labels_not_stored_values(signed_in, db_session, neighbourhoods,
                                                         aged_records):
    """A status used to print as it is stored ("resolved_locally", "recorded")."""
    _ada_everywhere(db_session, neighbourhoods, aged_records)
    client = signed_in("admin")
    page = _find(client, ADA)
    assert "Recorded only (no mail server)" in page and "Waiting to be sent" in page
    assert ">recorded<" not in page and ">pending<" not in page
    issues = _find(client, "old@example.org")
    statuses = {"resolved_locally", "submitted", "acknowledged", "referred_elsewhere"}
    assert not any(f"<td>{status}</td>" in issues for status in statuses)


CAT = "cat@example.org"  # wrote the two answered complaints in `aged_records`


def test_complaints_and_enquiries_are_found_and_downloaded(signed_in, db_session, aged_records):
    """Cases from /contact-us were outside subject access."""
    db_session.scalar(select(CharterCase).where(CharterCase.reference == "CHR-NEW1-AA")).language = "cy"
    db_session.commit()
    client = signed_in("admin")
    page = _find(client, "Cat@Example.org")
    assert 'id="person-charter"' in page and "CHR-OLD1-AA" in page and "CHR-NEW1-AA" in page
    assert "<td>Welsh</td>" in page and "<td>Not recorded (English)</td>" in page
    assert "Complaint" in page and "Answered" in page and ">answered<" not in page
    data = client.post("/admin/people/access.json", data={"email": CAT}).get_json()
    cases = data["complaints_and_enquiries"]
    assert [c["reference"] for c in cases] == ["CHR-OLD1-AA", "CHR-NEW1-AA"]
    assert cases[0]["body"] == f"Nobody came about the lights. Write to me at {CAT}."
    assert cases[0]["response"] == "Dear Cat Resident, the lights are fixed."
    assert [c["language"] for c in cases] == [None, "cy"]


def test_erasure_anonymises_complaints_and_keeps_the_charter_figures(signed_in, db_session,
                                                                     aged_records):
    from tests.portal.privacy.test_retention import _cases, _charter_figures

    figures = _charter_figures(db_session)
    client = signed_in("admin")
    done = client.post("/admin/people/erase", data={"email": CAT, "step": "confirm", "confirm": "y"},
                       follow_redirects=True).get_data(as_text=True)
    assert "complaints and enquiries anonymised: 2" in done
    cases = _cases(db_session)
    assert cases["CHR-OLD1-AA"][:3] == cases["CHR-NEW1-AA"][:3] == ("[removed]", "", "[removed]")
    assert cases["CHR-OPEN-AA"][1] == "open-case@example.org"
    assert _charter_figures(db_session) == figures
    assert "Nothing was found" in _find(client, CAT)


def test_the_erasure_message_says_per_place_what_was_redacted(signed_in, db_session, aged_records):
    issue = aged_records["recent"]
    issue.description = f"My neighbour {ADA} has the same problem."
    db_session.commit()
    erase = {"email": ADA, "step": "confirm", "confirm": "y"}
    done = signed_in("admin").post("/admin/people/erase", data=erase, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "issue contact details deleted: 1" in page and "issue descriptions: 1 redacted" in page


def test_every_look_up_is_audited_without_the_address(signed_in, db_session, aged_records):
    """Only the JSON download was audited; looking at the page left no trace."""
    client = signed_in("admin")
    _find(client, "nobody@example.org")
    _find(client, CAT)
    looked = list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == "subject_access_looked_up")
                                     .order_by(AuditEvent.id)))
    assert [e.detail["found"] for e in looked] == [0, 2]
    assert all(e.actor_email and len(e.detail["address_hash"]) == 64 for e in looked)
    assert "nobody@example.org" not in str([e.detail for e in looked])
