"""The receipt a resident is mailed on raising an issue: only with an address and consent, and
with the reference, the follow link and what happens next, never the description they typed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.models import OutboundMail, PactIssue

FORM = {"category": "noise", "description": "Loud music. Details at https://evil.example/x",
        "location": "Flats above the parade", "name": "Ada", "email": "ada@example.org"}


def test_a_resident_who_left_an_address_and_agreed_gets_a_receipt(client, db_session, neighbourhoods):
    assert client.post("/neighbourhoods/twerton/issues/new", data={**FORM, "consent": "y"}).status_code == 302
    issue = db_session.scalar(select(PactIssue))
    [mail] = db_session.scalars(select(OutboundMail).where(OutboundMail.recipient == "ada@example.org")).all()
    assert issue.reference in mail.subject and f"Reference: {issue.reference}" in mail.body
    assert re.search(rf"Follow your issue at http\S+/issues/{issue.reference}\n", mail.body)
    assert "acknowledge it within 24 hours" in mail.body and "next PACT meeting" in mail.body
    assert "Loud music" not in mail.body and "evil" not in mail.body and "Ada" not in mail.body


@pytest.mark.parametrize("data", [{**FORM, "name": "", "email": ""},
                                  {**FORM, "email": "", "phone": "01225 000000", "consent": "y"}],
                         ids=["no contact details", "a phone number only"])
def test_no_receipt_without_an_address_and_consent(client, db_session, neighbourhoods, data):
    assert client.post("/neighbourhoods/twerton/issues/new", data=data).status_code == 302
    assert db_session.scalar(select(PactIssue)) is not None
    assert not db_session.scalars(select(OutboundMail)).all()


def test_a_welsh_resident_gets_the_staffs_later_emails_in_welsh(client, twerton_client, db_session,
                                                               neighbourhoods):
    """The language of the page an issue was raised on is kept with the address, and the e-mails
    staff actions send later (acknowledged, closed) are written in it; the staff's page and their
    own words stay as they are. An issue raised in English still gets English."""
    client.post("/neighbourhoods/twerton/issues/new?lang=cy", data={**FORM, "consent": "y"})
    client.post("/neighbourhoods/twerton/issues/new?lang=en",
                data={**FORM, "consent": "y", "email": "bob@example.org", "name": "Bob"})
    welsh, english = db_session.scalars(select(PactIssue).order_by(PactIssue.id)).all()
    assert (welsh.contact.language, english.contact.language) == ("cy", "en")
    for issue in (welsh, english):
        for status, note in (("acknowledged", "We will visit on Friday."),
                             ("resolved_locally", "Visits made; the music stopped.")):
            page = twerton_client.post(f"/pact/issues/{issue.reference}/status",
                                       data={"status-status": status, "status-public_note": note},
                                       follow_redirects=True)
            assert page.status_code == 200 and '<html lang="en-GB">' in page.text
    receipt, acknowledged, closed = db_session.scalars(
        select(OutboundMail).where(OutboundMail.recipient == "ada@example.org")
        .order_by(OutboundMail.id)).all()
    assert receipt.subject.startswith("Cyfeirnod")
    assert acknowledged.subject == f"Rydym wedi cael eich mater PACT {welsh.reference}"
    assert acknowledged.body.startswith("Annwyl Ada,\n\nMae eich tîm cymdogaeth wedi cydnabod")
    assert f"Cyfeirnod: {welsh.reference}" in acknowledged.body
    assert "Statws: Wedi’i gydnabod" in acknowledged.body
    assert "Neges gan eich tîm cymdogaeth:\nWe will visit on Friday." in acknowledged.body
    assert closed.subject == f"Mae eich mater PACT {welsh.reference} wedi’i gau"
    assert "Dyma beth a wnaed." in closed.body and "Visits made; the music stopped." in closed.body
    assert "Reference:" not in closed.body and "Dear" not in closed.body
    english_closed = db_session.scalars(select(OutboundMail).where(
        OutboundMail.recipient == "bob@example.org").order_by(OutboundMail.id.desc())).first()
    assert english_closed.subject == f"Your PACT issue {english.reference} is closed"
    assert english_closed.body.startswith("Dear Bob,\n\nThe issue you raised has been closed.")
