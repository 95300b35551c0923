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
