"""Assisted digital: a coordinator records a resident's issue raised by phone, at a meeting, in
person, by letter or e-mail, through the public form's function, in their own neighbourhoods, with
contact details only with consent, raised at a time that is never in the future; the channel shows
in the console and counts in the metrics (page and PDF)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.core.clock import local, utcnow
from portal.models import AuditEvent, IssueChannel, IssueContact, PactIssue
from portal.pact.assisted import BACKDATE_DAYS, record_for_resident
from portal.pact.issues import ContactDetails, IssueError
from portal.pact.metrics import IssueRecord, pact_metrics, raised_by_channel


def _text(response) -> str:
    return response.get_data(as_text=True)


def _form(when: datetime | None = None, **fields) -> dict:
    when = local(when or utcnow() - timedelta(minutes=5))
    data = {"neighbourhood": "twerton", "channel": "phone", "category": "noise",
            "description": "Caller says parties every Friday at number 9.", "location": "Parade flats",
            "raised_day": when.date().isoformat(), "raised_time": when.strftime("%H:%M")}
    return {**data, **fields}


def _newest(db_session) -> PactIssue:
    db_session.expire_all()
    return db_session.scalars(select(PactIssue).order_by(PactIssue.id.desc())).first()


def test_the_form_offers_only_the_coordinators_neighbourhoods_and_defaults_to_now(twerton_client):
    page = _text(twerton_client.get("/pact/issues/new"))
    assert 'value="twerton"' in page and 'value="keynsham"' not in page
    assert 'value="online"' not in page and "At a PACT meeting" in page
    assert f'value="{local(utcnow()).date().isoformat()}"' in page


def test_record_without_contact_details(twerton_client, db_session, coordinator):
    raised = utcnow().replace(microsecond=0, second=0) - timedelta(hours=3)
    response = twerton_client.post("/pact/issues/new", data=_form(raised, channel="pact_meeting"))
    assert response.status_code == 302
    issue = _newest(db_session)
    assert response.headers["Location"] == f"/pact/issues/{issue.reference}"
    assert issue.channel is IssueChannel.PACT_MEETING and issue.recorded_by_id == coordinator.id
    assert issue.created_at == raised and issue.status == "submitted"  # the Pledge clock starts then
    assert issue.contact is None and issue.public_summary == ""
    assert issue.reference.startswith("PACT-")
    audit = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "pact_issue_raised",
                                                       AuditEvent.target_id == issue.reference))
    assert audit.actor_email == coordinator.email and audit.detail["channel"] == "pact_meeting"
    page = _text(twerton_client.get(f"/pact/issues/{issue.reference}"))
    assert "At a PACT meeting" in page and f"Recorded for the resident by {coordinator.email}" in page
    assert "is recorded for the resident (at a PACT meeting)" in page
    assert 'id="review-flags"' in page  # "number 9": the coordinator reviews before publishing
    console = _text(twerton_client.get("/pact/"))
    assert "At a PACT meeting" in console[console.index(issue.reference):]


def test_record_with_contact_details_and_consent(twerton_client, db_session):
    response = twerton_client.post("/pact/issues/new", data=_form(
        name="Ada Caller", email="ada.caller@example.org", phone="01225 477000", consent="y"))
    assert response.status_code == 302
    contact = db_session.get(IssueContact, _newest(db_session).id)
    assert (contact.name, contact.email, contact.phone, contact.consent_to_contact) == (
        "Ada Caller", "ada.caller@example.org", "01225 477000", True)


@pytest.mark.parametrize(("fields", "message"), [
    ({"email": "ada@example.org"}, "Tick the box to agree to be contacted"),
    ({"consent": "y"}, "Enter an email address or phone number"),
    ({"email": "not-an-address", "consent": "y"}, "Enter an email address in the correct format"),
    ({"channel": "online"}, "Not a valid choice"),
    ({"channel": ""}, "Choose how the resident raised the issue"),
    ({"neighbourhood": "keynsham"}, "Choose one of your neighbourhoods"),
    ({"category": "weather"}, "Not a valid choice"),
    ({"description": ""}, "Describe the issue"),
    ({"raised_day": "2026-02-30"}, "Not a valid date value"),
    ({"raised_time": "25:00"}, "Not a valid time value"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_recorded(
        twerton_client, db_session, fields, message):
    response = twerton_client.post("/pact/issues/new", data=_form(**fields))
    assert response.status_code == 400 and message in _text(response)
    assert db_session.scalar(select(PactIssue.id)) is None


def test_a_time_in_the_future_or_too_long_ago_is_refused(twerton_client, db_session):
    response = twerton_client.post("/pact/issues/new", data=_form(utcnow() + timedelta(hours=2)))
    assert response.status_code == 400 and "cannot be in the future" in _text(response)
    response = twerton_client.post("/pact/issues/new",
                                   data=_form(utcnow() - timedelta(days=BACKDATE_DAYS + 1)))
    assert response.status_code == 400 and f"within the last {BACKDATE_DAYS} days" in _text(response)
    assert db_session.scalar(select(PactIssue.id)) is None


def test_the_rules_refuse_scope_channel_future_and_contact_without_consent(
        db_session, neighbourhoods, coordinator):
    now = utcnow()

    def record(**changes):
        args = {"neighbourhood": neighbourhoods["twerton"], "channel": "phone", "raised_at": now,
                "contact": None, **changes}
        return record_for_resident(db_session, coordinator, args["neighbourhood"], args["channel"], "noise",
                                   "Loud.", "Parade", args["raised_at"], now, args["contact"])

    with pytest.raises(IssueError, match="You do not cover Keynsham"):
        record(neighbourhood=neighbourhoods["keynsham"])
    with pytest.raises(IssueError, match="residents use the online form"):
        record(channel="online")
    with pytest.raises(IssueError, match="future"):
        record(raised_at=now + timedelta(seconds=1))
    with pytest.raises(IssueError, match="agreed to be contacted"):
        record(contact=ContactDetails("Ada", "ada@example.org", "", False))
    assert record(raised_at=now - timedelta(days=2)).channel is IssueChannel.PHONE


def test_another_role_or_neighbourhood_cannot_record(signed_in, client):
    assert signed_in("analyst").get("/pact/issues/new").status_code in (403, 404)
    assert client.get("/pact/issues/new").status_code == 302  # to sign in
    keynsham = signed_in("coordinator", "keynsham")
    response = keynsham.post("/pact/issues/new", data=_form())
    assert response.status_code == 400 and "Choose one of your neighbourhoods" in _text(response)


def _record(channel: str, created: datetime, slug: str = "twerton") -> IssueRecord:
    return IssueRecord(reference=f"R{created:%d%H}{channel}", neighbourhood=slug, category="noise",
                       status="submitted", agency=None, created_at=created, acknowledged_at=None,
                       closed_at=None, channel=channel)


def test_raised_by_channel_counts_what_pact_metrics_counts_as_raised():
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    records = [_record("online", start), _record("online", start + timedelta(days=3)),
               _record("phone", start + timedelta(days=4)),
               _record("pact_meeting", start + timedelta(days=5)),
               _record("phone", start - timedelta(seconds=1)), _record("phone", end)]
    counts = raised_by_channel(records, start, end, end)
    assert counts.counts == {"online": 2, "phone": 1, "pact_meeting": 1, "in_person": 0, "letter": 0,
                             "email": 0}
    assert counts.raised == pact_metrics(records, start, end, end).overall.raised == 4
    assert counts.share("phone") == 0.25 and counts.share("letter") == 0.0
    # seen before the period ends, later issues are not counted yet; no issues: shares are None
    assert raised_by_channel(records, start, end, start + timedelta(days=3, hours=1)).raised == 2
    assert raised_by_channel([], start, end, end).share("online") is None
    # mappings without a channel (older extracts) count as online
    plain = [{"reference": "X", "neighbourhood": "twerton", "category": "noise", "status": "submitted",
              "agency": None, "created_at": start, "acknowledged_at": None, "closed_at": None}]
    assert raised_by_channel(plain, start, end, end).counts["online"] == 1


def test_the_metrics_page_shows_issues_by_channel(twerton_client, make_issue, db_session, coordinator,
                                                  neighbourhoods):
    make_issue()
    record_for_resident(db_session, coordinator, neighbourhoods["twerton"], "phone", "noise", "Loud.",
                        "Parade", utcnow() - timedelta(hours=1), utcnow())
    record_for_resident(db_session, coordinator, neighbourhoods["twerton"], "phone", "noise", "Loud.",
                        "Parade", utcnow() - timedelta(hours=2), utcnow())
    db_session.commit()
    page = _text(twerton_client.get("/pact/metrics"))
    table = page[page.index('id="by-channel"'):]
    phone = table[table.index('id="channel-phone"'):].split("</tr>")[0]
    assert "By phone" in phone and ">2<" in phone and "66.7%" in phone
    online = table[table.index('id="channel-online"'):].split("</tr>")[0]
    assert ">1<" in online and "33.3%" in online
    assert "the others a coordinator recorded for the resident" in page  # the HINT
