"""The Case Review's letters in the applicant's language: an application made on a Welsh page is
acknowledged in Welsh, and every later letter, sent or printed from a staff page (English), is
written in Welsh too, the staff's own words as they wrote them; English applications read as before."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date

import pytest
from babel.dates import format_date
from sqlalchemy import select

from portal.casereviews import cases as rules
from portal.casereviews import letters
from portal.core.clock import local_day, utcnow
from portal.core.languages import current_language
from portal.models import (
    CaseReview,
    CaseReviewChannel,
    CaseReviewRecommendation,
    CaseReviewStatus,
    OutboundMail,
)
from tests.pages import check_page
from tests.portal.casereviews.test_flow import APPLY, _case


def _last_mail(db_session) -> OutboundMail:
    return db_session.scalars(select(OutboundMail).order_by(OutboundMail.id.desc())).first()


def _welsh_day(value: date) -> str:
    return format_date(value, "d MMMM y", locale="cy")


def _pdf_text(pdf: bytes) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def test_a_welsh_application_is_acknowledged_and_decided_in_welsh(client, signed_in, db_session,
                                                                  neighbourhoods):
    assert client.post("/asb-case-review/apply?lang=cy", data=APPLY).status_code == 302
    case = _case(db_session)
    assert case.language == "cy"
    acknowledgement = _last_mail(db_session)
    assert acknowledgement.subject == f"Rydym wedi cael eich cais am Adolygiad Achos YGG ({case.reference})"
    received = _welsh_day(local_day(case.received_at))
    assert f"Cawsom y cais ar {received}; ei gyfeirnod yw {case.reference}." in acknowledgement.body
    assert "Diolch am wneud cais am adolygiad achos" in acknowledgement.body
    assert acknowledgement.body.endswith(f"Cyfeirnod: {case.reference}\n")
    assert "We received" not in acknowledgement.body and "Reference:" not in acknowledgement.body

    # The decision, made on a staff page (English), is written to the applicant in Welsh.
    coordinator = signed_in("coordinator", "twerton")
    path = f"/case-reviews/{case.reference}"
    assert coordinator.post(f"{path}/decide").status_code == 302
    assert "Decided the threshold" in coordinator.get(path).text  # the staff page stays English
    decision = _last_mail(db_session)
    assert decision.subject == ("Eich cais am Adolygiad Achos YGG: y penderfyniad ar y trothwy "
                                f"({case.reference})")
    assert decision.body.startswith("Annwyl Ann Smith,\n")
    assert ("Nid yw’r trothwy ar gyfer adolygiad achos wedi’i fodloni gan eich cais: cyfrifwyd 0 digwyddiad"
            in decision.body)
    assert "Nid yw hyn yn golygu na fydd dim yn cael ei wneud" in decision.body
    assert "threshold" not in decision.body and decision.body.endswith(f"Cyfeirnod: {case.reference}\n")

    # Its PDF, printed from the staff page, is the Welsh letter.
    pdf = coordinator.get(f"{path}/letters/decision.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = _pdf_text(pdf.data)
    if text is not None:
        decided = _welsh_day(local_day(_case(db_session).decided_at))
        assert decided in text and "Yn gywir," in text and f"Cyfeirnod: {case.reference}" in text
        assert "Annwyl Ann Smith," in text and "Yours sincerely" not in text


def test_the_welsh_letters_page_has_its_language_in_a_staff_request(app, db_session, neighbourhoods):
    """Staff print the letter from an English page: the page is the case's language all the same
    (its `<html lang>`, the template's words, the month names), and the request is English after."""
    case = _welsh_case(db_session, neighbourhoods)
    with app.test_request_context(f"/case-reviews/{case.reference}"):
        html = letters.page(case, "outcome")
        assert current_language() == "en"
    assert '<html lang="cy">' in html and 'lang="en-GB"' not in html
    assert f"Cyfeirnod: {case.reference}" in html and "Yn gywir," in html
    assert _welsh_day(local_day(case.outcome_sent_at)) in html
    assert check_page(html, csrf=False).h1 == f"Canlyniad eich Adolygiad Achos YGG ({case.reference})"
    assert letters.pdf(html).startswith(b"%PDF")


def _welsh_case(db_session, neighbourhoods, language: str | None = "cy") -> CaseReview:
    now = utcnow()
    case = CaseReview(reference=rules.new_reference(), channel=CaseReviewChannel.ONLINE, name="Ann Smith",
                      email="ann@example.org", description="Noise", language=language,
                      neighbourhood_id=neighbourhoods["twerton"].id, received_at=now, decided_at=now,
                      status=CaseReviewStatus.CLOSED, qualifying_incidents=3, meeting_on=date(2026, 3, 2),
                      findings="Reports were not shared <between> agencies.", reviewed_at=now,
                      outcome_sent_at=now, appeal_lodged_at=now, appeal_decided_at=now, appeal_upheld=False,
                      appeal_decision="The review was fair.",
                      recommendations=[CaseReviewRecommendation(action="Share incident logs weekly",
                                                                owner="Police", due_on=date(2026, 4, 30))])
    db_session.add(case)
    db_session.commit()
    return case


def test_the_outcome_and_appeal_letters_in_welsh_and_in_english(app, db_session, neighbourhoods):
    welsh = _welsh_case(db_session, neighbourhoods)
    english = _welsh_case(db_session, neighbourhoods, language=None)
    with app.test_request_context("/case-reviews/"):  # a staff request: English
        outcome = letters.outcome(welsh).text
        appeal = letters.appeal(welsh).text
        english_outcome = letters.outcome(english).text
        english_appeal = letters.appeal(english).text
    # The staff's own words go as written; the fixed words and the months are Welsh.
    assert ("Cyfarfu’r partneriaid ar 2 Mawrth 2026 i gynnal adolygiad ynghylch eich cais. Eu canfyddiadau: "
            "Reports were not shared <between> agencies. Maen nhw’n argymell:") in outcome
    assert "- Share incident logs weekly (Police, erbyn 30 Ebrill 2026)" in outcome
    assert "Bydd pob asiantaeth yn rhoi gwybod i ni" in outcome and "Os nad ydych yn fodlon" in outcome
    assert appeal.startswith("Annwyl Ann Smith,\n\nNid yw eich apêl wedi’i chadarnhau. The review was fair.")
    assert "Dyma benderfyniad terfynol y bartneriaeth" in appeal
    # English, word for word as before.
    assert english_outcome == (
        "Dear Ann Smith,\n\nThe partners met on 2 March 2026 to review your application. They found: Reports "
        "were not shared <between> agencies. They recommend:\n\n- Share incident logs weekly (Police, by 30 "
        "April 2026)\n\nEach agency will tell us when it has done what it owns, and we will keep you "
        "informed. If you are not satisfied with how the review was carried out you can appeal: reply to "
        f"this letter saying why.\n\nReference: {english.reference}\n")
    assert english_appeal.startswith("Dear Ann Smith,\n\nYour appeal is not upheld. The review was fair.\n\n"
                                     "This is the partnership's final decision on the case review.")


def test_an_english_application_keeps_english_letters_and_page(client, signed_in, db_session, neighbourhoods):
    admin = signed_in("admin")
    assert admin.post("/case-reviews/new", data={**APPLY, "channel": "phone"}).status_code == 302
    case = _case(db_session)
    assert case.language is None  # taken by staff: English
    assert _last_mail(db_session).subject == ("We have received your ASB Case Review application "
                                              f"({case.reference})")
    path = f"/case-reviews/{case.reference}"
    admin.post(f"{path}/decide")
    decision = _last_mail(db_session).body
    assert decision.startswith("Dear Ann Smith,\n\nThe threshold for a case review is not met by your "
                               "application: 0 incidents counted")
    assert decision.endswith(f"Reference: {case.reference}\n")
    text = _pdf_text(admin.get(f"{path}/letters/decision.pdf").data)
    if text is not None:
        assert "Yours sincerely," in text and f"Reference: {case.reference}" in text
    client.post("/asb-case-review/apply", data=APPLY)
    assert _case(db_session).language == "en"


def test_the_applications_refusals_are_in_the_residents_language(client, app, neighbourhoods):
    from portal.core.extensions import db

    refused = client.post("/asb-case-review/apply?lang=cy", data={**APPLY, "name": ""})
    assert refused.status_code == 400
    assert "Rhowch enw’r person sy’n dioddef yr ymddygiad" in check_page(refused.text, csrf=False).text

    application = rules.Application(CaseReviewChannel.ONLINE, "Ann Smith", "ann@example.org", "", "Noise",
                                    None)
    unnamed = replace(application, name=" ")
    no_consent = replace(application, representative_name="Jo Bloggs")
    with app.test_request_context("/asb-case-review/apply?lang=cy"):
        with pytest.raises(rules.CaseReviewError) as unnamed_cy:
            rules.receive(db.session, unnamed, app.config)
        with pytest.raises(rules.CaseReviewError) as no_consent_cy:
            rules.receive(db.session, no_consent, app.config)
        with pytest.raises(rules.CaseReviewError) as no_contact_cy:
            rules.receive(db.session, replace(application, email=""), app.config)
    assert str(unnamed_cy.value) == "Rhowch enw’r person sy’n dioddef yr ymddygiad gwrthgymdeithasol"
    assert str(no_consent_cy.value).startswith("Mae angen caniatâd Ann Smith ar gais ar ran rhywun arall")
    assert str(no_contact_cy.value) == "Rhowch gyfeiriad e-bost neu rif ffôn er mwyn i ni allu ateb"
    # Staff pages are English whatever is asked.
    with app.test_request_context("/case-reviews/new?lang=cy"), \
            pytest.raises(rules.CaseReviewError) as unnamed_en:
        rules.receive(db.session, unnamed, app.config)
    assert str(unnamed_en.value) == "Enter the name of the person experiencing the anti-social behaviour"


def test_subject_access_lists_the_language_and_erasure_blanks_it(db_session, neighbourhoods):
    from portal.privacy.subject_access import erase_person, find_person

    case = _welsh_case(db_session, neighbourhoods)
    assert find_person(db_session, "ann@example.org").case_reviews[0]["language"] == "cy"
    erase_person(db_session, "ann@example.org")
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(CaseReview, case.id).language is None
