"""The issue's "done when", end to end over HTTP: a resident raises an issue, a coordinator
acknowledges it, makes it a priority at a meeting, records actions and closes it as resolved
locally; the resident's recorded email shows the receipt and both messages, and the
neighbourhood page shows it under "You said, we did" with the metrics updated."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from portal.core.clock import local, utcnow
from portal.models import Meeting, OutboundMail, PactIssue


def test_the_whole_loop(app, client, twerton_client, db_session, agencies):
    # A resident raises an issue, leaving an email address.
    response = client.post(
        "/neighbourhoods/twerton/issues/new",
        data={
            "category": "drug_use_or_dealing",
            "description": "Cars stopping for a minute late at night.",
            "location": "Lay-by near the community centre",
            "email": "resident@example.org",
            "consent": "y",
        },
    )
    assert response.status_code == 302
    reference = re.search(r'id="reference">([^<]+)<', client.get("/issues/raised").get_data(as_text=True))[1]
    before = client.get("/neighbourhoods/twerton").get_data(as_text=True)
    assert re.search(r'id="metric-closed">0<', before)

    # The coordinator sees it in the console, acknowledges it.
    assert reference in twerton_client.get("/pact/").get_data(as_text=True)
    assert (
        twerton_client.post(
            f"/pact/issues/{reference}/status",
            data={
                "status-status": "acknowledged",
                "status-public_note": "Thank you, we are looking into it.",
            },
        ).status_code
        == 302
    )

    # At the PACT meeting (held an hour ago) it becomes one of the priorities.
    start = local(utcnow() - timedelta(hours=1))
    assert (
        twerton_client.post(
            "/pact/neighbourhoods/twerton/meetings/new",
            data={
                "day": start.date().isoformat(),
                "time": start.strftime("%H:%M"),
                "venue": "Community centre",
            },
        ).status_code
        == 302
    )
    meeting = db_session.scalar(select(Meeting))
    assert (
        twerton_client.post(
            f"/pact/meetings/{meeting.id}/record",
            data={
                "record-attendance": "21",
                "record-minutes": "Residents raised drug dealing in the lay-by.",
            },
        ).status_code
        == 302
    )
    assert (
        twerton_client.post(
            f"/pact/meetings/{meeting.id}/priorities",
            data={
                "priority-title": "Disrupt drug dealing at the lay-by",
                "priority-description": "Patrols at night",
                "priority-owner": "police",
                "priority-issues": [reference],
            },
        ).status_code
        == 302
    )
    issue = db_session.scalar(select(PactIssue).where(PactIssue.reference == reference))
    assert issue.status == "pact_priority"

    # Actions are recorded, then it is closed as resolved locally.
    assert issue.agency.slug == "police"  # the priority's lead agency
    response = twerton_client.post(f"/pact/issues/{reference}/assign", data={"assign-agency": "council-asb"})
    assert response.status_code == 302
    twerton_client.post(
        f"/pact/issues/{reference}/updates",
        data={
            "update-body": "Night patrols on four evenings; two vehicles stopped.",
            "update-visibility": "public",
        },
    )
    twerton_client.post(f"/pact/issues/{reference}/status", data={"status-status": "in_progress"})
    assert (
        twerton_client.post(
            f"/pact/issues/{reference}/status",
            data={
                "status-status": "resolved_locally",
                "status-public_note": "Patrols and two arrests; "
                "residents report the cars have stopped coming.",
            },
        ).status_code
        == 302
    )

    # The resident's recorded email shows the receipt and both messages.
    mails = db_session.scalars(
        select(OutboundMail).where(OutboundMail.recipient == "resident@example.org").order_by(OutboundMail.id)
    ).all()
    assert [m.status for m in mails] == ["recorded", "recorded", "recorded"]
    receipt, acknowledged, closed = mails
    assert issue.reference in receipt.subject
    assert "received" in acknowledged.subject and "closed" in closed.subject
    assert "Thank you, we are looking into it." in acknowledged.body
    assert "residents report the cars have stopped coming" in closed.body

    # The neighbourhood page shows it under "You said, we did", with the metrics updated.
    page = client.get("/neighbourhoods/twerton").get_data(as_text=True)
    you_said = page[page.index('id="you-said-we-did"') : page.index('id="recent-activity"')]
    assert reference in you_said and "two arrests" in you_said
    assert re.search(r'id="metric-closed">1<', page) and re.search(r'id="metric-local">100.0%<', page)
    follow = client.get(f"/issues/{reference}").get_data(as_text=True)
    assert "Resolved locally" in follow and "Night patrols" in follow
