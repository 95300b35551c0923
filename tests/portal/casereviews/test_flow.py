"""A case review through the test client: the public application (and on someone's behalf), the
staff application, PACT issues linked by contact details and confirmed, reports added and
imported, the decision by the rule and a manager's override, the meeting, findings,
recommendations, the outcome, an appeal; letters as e-mails and PDFs; scope; the published figures
reconciling with the case list; subject access, erasure and retention."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from portal.casereviews import cases as rules
from portal.casereviews.figures import yearly_figures
from portal.core.clock import local_day, today, utcnow
from portal.models import (
    AuditEvent,
    CaseReview,
    CaseReviewChannel,
    CaseReviewStatus,
    IssueContact,
    OutboundMail,
)
from portal.pact.issues import raise_issue
from tests.pages import check_page

APPLY = {"neighbourhood": "twerton", "description": "Shouting and damage outside my flat every night.",
         "name": "Ann Smith", "phone": "01225 477 000", "email": "ann@example.org"}


def _case(db_session) -> CaseReview:
    db_session.expire_all()
    return db_session.scalar(select(CaseReview).order_by(CaseReview.id.desc()))


def _mail(db_session) -> list[OutboundMail]:
    return list(db_session.scalars(select(OutboundMail).order_by(OutboundMail.id)))


def _reports(case: CaseReview, rows: list[tuple[str, date, date, str]]) -> bytes:
    lines = ["applicant,incident_ref,incident_date,reported_on,agency"]
    lines += [f"{case.reference},{ref},{a.isoformat()},{b.isoformat()},{agency}"
              for ref, a, b, agency in rows]
    return ("\n".join(lines) + "\n").encode()


def test_public_page_and_form(client, neighbourhoods):
    page = check_page(client.get("/asb-case-review").text, csrf=False)
    assert page.h1 == "Anti-social behaviour case review (Community Trigger)"
    assert "3 separate incidents in the 6 months before you apply. Each must have been reported within " \
           "1 month of it happening" in page.text
    assert "No applications have been received yet." in page.text
    form = check_page(client.get("/asb-case-review/apply").text, csrf=False)
    assert {o.attrs["value"] for o in form.find_all("option")} >= {"twerton", "keynsham"}
    refused = client.post("/asb-case-review/apply", data={**APPLY, "on_behalf": "y", "name": ""})
    assert refused.status_code == 400
    text = check_page(refused.text, csrf=False).text
    assert "Enter the name of the person experiencing the behaviour" in text
    assert "Enter your own name" in text and "without their consent" in text


def test_the_public_pages_and_the_form_in_welsh(client, db_session, neighbourhoods):
    """What a resident reads is in Welsh on a Welsh page: the page, the form, its errors and the
    confirmation (the staff's pages stay English)."""
    html = client.get("/asb-case-review?lang=cy").text
    page = check_page(html, csrf=False)
    assert '<html lang="cy">' in html
    assert page.h1 == "Adolygiad achos ymddygiad gwrthgymdeithasol (Sbardun Cymunedol)"
    assert "Nid oes unrhyw geisiadau wedi dod i law eto." in page.text
    form = check_page(client.get("/asb-case-review/apply").text, csrf=False)
    assert form.h1 == "Gwneud cais am adolygiad achos ymddygiad gwrthgymdeithasol"
    assert "Enw llawn y person sy’n dioddef yr ymddygiad" in form.text and "Yn ôl" in form.text
    refused = client.post("/asb-case-review/apply", data={**APPLY, "on_behalf": "y", "name": ""})
    text = check_page(refused.text, csrf=False).text
    assert refused.status_code == 400 and "Rhowch enw’r person sy’n dioddef yr ymddygiad" in text
    assert "Rhowch eich enw eich hun" in text and "heb eu caniatâd" in text
    sent = client.post("/asb-case-review/apply", data=APPLY, follow_redirects=True)
    text = check_page(sent.text, csrf=False).text
    assert "Cais wedi’i anfon" in text and "Eich cyfeirnod yw" in text and _case(db_session).reference in text
    years = check_page(client.get("/asb-case-review").text, csrf=False)
    assert "Ceisiadau a ddaeth i law" in years.text and "Blwyddyn" in years.text


def test_an_application_from_the_form_to_the_outcome(client, signed_in, db_session, neighbourhoods):
    # An older PACT issue raised with the same phone number, another with the same address.
    twerton = neighbourhoods["twerton"]
    by_phone = raise_issue(db_session, twerton, "noise", "Music", "Flats")
    db_session.add(IssueContact(issue=by_phone, name="A", phone="+44 1225 477000", consent_to_contact=True))
    by_mail = raise_issue(db_session, twerton, "noise", "Shouting", "Flats")
    db_session.add(IssueContact(issue=by_mail, name="A", email="Ann@Example.org", consent_to_contact=True))
    other = raise_issue(db_session, twerton, "noise", "Else", "Park")
    db_session.add(IssueContact(issue=other, name="B", email="bob@example.org", consent_to_contact=True))
    db_session.commit()

    sent = client.post("/asb-case-review/apply", data=APPLY, follow_redirects=True)
    case = _case(db_session)
    assert case.reference.startswith("ACR-") and len(case.reference) == 11
    assert case.reference in check_page(sent.text, csrf=False).find_all("span", id="reference")[0].text
    acknowledgement = _mail(db_session)[-1]
    assert acknowledgement.recipient == "ann@example.org"
    assert acknowledgement.subject == f"We have received your ASB Case Review application ({case.reference})"
    assert "Shouting" not in acknowledgement.body  # nothing they typed is repeated
    assert {r.incident_ref for r in case.reports} == {by_phone.reference, by_mail.reference}
    assert not any(r.confirmed for r in case.reports)

    coordinator = signed_in("coordinator", "twerton")
    path = f"/case-reviews/{case.reference}"
    assert case.reference in coordinator.get("/case-reviews/").text
    page = check_page(coordinator.get(path).text, csrf=False)
    assert "0 of the 3 incidents needed count so far" in page.text

    # Staff confirm one PACT issue and reject the other; import the agencies' reports.
    phone_report = next(r for r in case.reports if r.pact_issue_id == by_phone.id)
    mail_report = next(r for r in case.reports if r.pact_issue_id == by_mail.id)
    coordinator.post(f"{path}/reports/{phone_report.id}", data={"keep": "yes"})
    coordinator.post(f"{path}/reports/{mail_report.id}", data={"keep": "no"})
    received = local_day(case.received_at)
    rows = [("POL-1", received - timedelta(days=20), received - timedelta(days=19), "Police"),
            ("POL-1", received - timedelta(days=20), received - timedelta(days=18), "Housing"),
            ("HSG-9", received - timedelta(days=300), received - timedelta(days=299), "Housing")]
    done = coordinator.post(f"{path}/reports/import", data={
        "upload-file": (io.BytesIO(_reports(case, rows)), "agencies.csv")},
        content_type="multipart/form-data")
    assert done.status_code == 302, done.text
    bad = coordinator.post(f"{path}/reports/import", data={
        "upload-file": (io.BytesIO(b"applicant,incident_ref,incident_date,reported_on,agency\n"
                                   b"Bob,X,2026-01-01,2026-01-02,Police\n"), "other.csv")},
        content_type="multipart/form-data")
    assert bad.status_code == 400
    assert "other.csv, line 2: applicant &#39;Bob&#39; is not this case" in bad.text
    coordinator.post(f"{path}/reports", data={"report-incident_ref": "CNC-4", "report-agency": "Council",
                                              "report-incident_date": received.isoformat(),
                                              "report-reported_on": received.isoformat()})
    page = check_page(coordinator.get(path).text, csrf=False)
    assert "3 of the 3 incidents needed count so far" in page.text
    assert "HSG-9 (Housing" in page.text and "counted once" in page.text

    # The decision by the rule; a second is refused; the letter goes by e-mail and as a PDF.
    assert coordinator.post(f"{path}/decide").status_code == 302
    case = _case(db_session)
    assert case.status == CaseReviewStatus.MET and case.qualifying_incidents == 3
    letter = _mail(db_session)[-1]
    assert "threshold for a case review is met" in letter.body and letter.recipient == "ann@example.org"
    assert coordinator.post(f"{path}/decide").status_code == 400
    pdf = coordinator.get(f"{path}/letters/decision.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert coordinator.get(f"{path}/letters/outcome.pdf").status_code == 404

    # The meeting, attendance, findings, a recommendation, the outcome.
    meeting_on = today() + timedelta(days=7)
    coordinator.post(f"{path}/meeting", data={"meeting-agencies": [], "meeting-other": "Police",
                                              "meeting-meeting_on": meeting_on.isoformat()})
    coordinator.post(f"{path}/meeting", data={"meeting-other": "Curo Housing",
                                              "meeting-meeting_on": meeting_on.isoformat()})
    case = _case(db_session)
    police = next(a for a in case.agencies if a.agency == "Police")
    refused = coordinator.post(f"{path}/review", data={"review-findings": "x"})
    assert refused.status_code == 400 and "Tick the agencies that attended" in refused.text
    coordinator.post(f"{path}/review", data={"review-attended": [str(police.id)],
                                             "review-findings": "Reports were not shared between agencies."})
    coordinator.post(f"{path}/recommendations", data={
        "recommendation-action": "Share incident logs weekly", "recommendation-owner": "Police",
        "recommendation-due_on": (meeting_on + timedelta(days=30)).isoformat()})
    assert coordinator.post(f"{path}/outcome").status_code == 302
    case = _case(db_session)
    assert case.status == CaseReviewStatus.CLOSED
    assert [a.attended for a in case.agencies] == [True, False]
    outcome = _mail(db_session)[-1]
    assert "- Share incident logs weekly (Police, by" in outcome.body
    assert coordinator.get(f"{path}/letters/outcome.pdf").data.startswith(b"%PDF")

    # An appeal with its own decision.
    coordinator.post(f"{path}/appeal", data={"appeal-grounds": "The housing provider did not attend."})
    coordinator.post(f"{path}/appeal/decision", data={"appeal_decision-upheld": "no",
                                                      "appeal_decision-decision": "The review was fair."})
    case = _case(db_session)
    assert case.appeal_upheld is False and "Your appeal is not upheld" in _mail(db_session)[-1].body
    actions = set(db_session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == case.reference)))
    assert actions >= {"case_review_received", "case_review_report_confirmed", "case_review_report_removed",
                       "case_review_reports_added", "case_review_decided", "case_review_meeting_called",
                       "case_review_held", "case_review_recommendation", "case_review_outcome_sent",
                       "case_review_appeal_lodged", "case_review_appeal_decided"}

    # The public figures reconcile with the case list.
    figures = check_page(client.get("/asb-case-review").text, csrf=False)
    row = figures.find_all("table", id="case-review-figures")[0].find_all("tr")[1]
    assert [c.text for c in row.find_all("td")] == ["1", "0", "1", "1"]
    api = client.get("/api/v1/case-reviews").get_json()["data"]
    assert api == [{"year": received.year, "applications": 1, "threshold_not_met": 0,
                    "reviews_carried_out": 1, "reviews_with_recommendations": 1}]
    assert client.get("/asb-case-review/figures.csv").text.splitlines()[1] == f"{received.year},1,0,1,1"
    assert client.get("/api/v1/case-reviews?format=csv").text.splitlines()[1] == f"{received.year},1,0,1,1"


def test_on_someones_behalf_and_a_managers_override(client, signed_in, db_session, neighbourhoods):
    client.post("/asb-case-review/apply", data={
        **APPLY, "on_behalf": "y", "representative_name": "Cllr Jo Bloggs", "consent": "y",
        "email": "jo@example.org"})
    case = _case(db_session)
    assert (case.representative_name, case.representative_email, case.email) == (
        "Cllr Jo Bloggs", "jo@example.org", "")
    assert case.consent_given and _mail(db_session)[-1].recipient == "jo@example.org"
    path = f"/case-reviews/{case.reference}"
    coordinator = signed_in("coordinator", "twerton")
    assert coordinator.post(f"{path}/override", data={"override-reason": "x"}).status_code == 403
    coordinator.post(f"{path}/decide")
    case = _case(db_session)
    assert case.status == CaseReviewStatus.NOT_MET
    assert "not met" in _mail(db_session)[-1].body and "Dear Cllr Jo Bloggs" in _mail(db_session)[-1].body
    admin = signed_in("admin")
    refused = admin.post(f"{path}/override", data={"override-reason": ""})
    assert refused.status_code == 400 and "Give the reason for the override" in refused.text
    admin.post(f"{path}/override", data={"override-reason": "The applicant is disabled and lives alone."})
    case = _case(db_session)
    assert case.status == CaseReviewStatus.MET and "lives alone" in _mail(db_session)[-1].body


def test_staff_record_a_phone_application_and_an_appeal_overturns_not_met(signed_in, db_session,
                                                                          neighbourhoods):
    admin = signed_in("admin")
    refused = admin.post("/case-reviews/new", data={**APPLY, "email": "", "phone": "", "channel": "phone"})
    assert refused.status_code == 400 and "Give an e-mail address or a phone number" in refused.text
    done = admin.post("/case-reviews/new", data={**APPLY, "email": "", "channel": "phone"})
    assert done.status_code == 302
    case = _case(db_session)
    assert case.channel == "phone" and case.email == "" and not _mail(db_session)  # no address: by post
    path = f"/case-reviews/{case.reference}"
    admin.post(f"{path}/decide")
    assert admin.get(f"{path}/letters/decision.pdf").data.startswith(b"%PDF")
    admin.post(f"{path}/appeal", data={"appeal-grounds": "Reports to the GP were missed."})
    admin.post(f"{path}/appeal/decision", data={"appeal_decision-upheld": "yes",
                                                "appeal_decision-decision": "The GP's reports count."})
    assert _case(db_session).status == CaseReviewStatus.MET
    assert admin.post(f"{path}/appeal", data={"appeal-grounds": "again"}).status_code == 400


def test_coordinators_see_only_their_neighbourhoods(signed_in, db_session, neighbourhoods):
    signed_in("admin").post("/case-reviews/new", data={**APPLY, "channel": "letter"})
    case = _case(db_session)
    keynsham = signed_in("coordinator", "keynsham")
    assert case.reference not in keynsham.get("/case-reviews/").text
    assert keynsham.get(f"/case-reviews/{case.reference}").status_code == 404
    assert signed_in("analyst").get("/case-reviews/").status_code == 403


def _closed_case(db_session, neighbourhoods, when: datetime, email: str) -> CaseReview:
    case = CaseReview(reference=rules.new_reference(), channel=CaseReviewChannel.ONLINE,
                      name="Dee Resident", email=email, description=f"Write to {email} please",
                      neighbourhood_id=neighbourhoods["twerton"].id, received_at=when, decided_at=when,
                      status=CaseReviewStatus.NOT_MET, qualifying_incidents=1)
    db_session.add(case)
    db_session.commit()
    return case


def test_subject_access_and_erasure(signed_in, db_session, neighbourhoods):
    from portal.privacy.subject_access import erase_person, find_person

    case = _closed_case(db_session, neighbourhoods, utcnow(), "dee@example.org")
    found = find_person(db_session, "DEE@example.org")
    assert [c["reference"] for c in found.case_reviews] == [case.reference]
    assert found.case_reviews[0]["description"] == "Write to dee@example.org please"
    assert not [t for t in found.typed_as_text if t["place"] == "case_review.description"]
    page = signed_in("admin").post("/admin/people", data={"email": "dee@example.org"})
    assert case.reference in page.text
    counts = erase_person(db_session, "dee@example.org")
    db_session.commit()
    assert counts["case_reviews"] == 1
    db_session.expire_all()
    kept = db_session.get(CaseReview, case.id)
    assert (kept.name, kept.email, kept.description, kept.status) == ("[removed]", "", "[removed]",
                                                                      CaseReviewStatus.NOT_MET)
    assert find_person(db_session, "dee@example.org").case_reviews == []


def test_retention_keeps_the_figures(app, db_session, neighbourhoods):
    from portal.core.extensions import db
    from portal.privacy.retention import run_retention

    old = _closed_case(db_session, neighbourhoods, datetime(2023, 3, 1, 12, tzinfo=UTC), "old@example.org")
    recent = _closed_case(db_session, neighbourhoods, utcnow(), "new@example.org")
    before = yearly_figures(list(db_session.scalars(select(CaseReview))))
    with app.app_context():
        counts = run_retention(db.transaction, app.config, utcnow())
    assert counts["case_reviews"] == 1
    db_session.expire_all()
    assert db_session.get(CaseReview, old.id).email == "" and db_session.get(CaseReview, recent.id).email
    assert yearly_figures(list(db_session.scalars(select(CaseReview)))) == before
