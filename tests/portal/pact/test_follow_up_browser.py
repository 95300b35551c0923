"""The follow-up in headless Chromium: the resident opens "Not resolved" from the e-mail in the
outbox, confirms with a comment, and the coordinator finds the issue reopened in the console."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.core.clock import utcnow
from portal.core.links import public_url
from portal.models import OutboundMail
from portal.pact.follow_up import FollowUpSettings, send_follow_ups
from portal.pact.issues import ContactDetails, raise_issue
from portal.pact.workflow import apply_transition

pytestmark = pytest.mark.browser


def test_not_resolved_from_the_mail_reopens_the_issue(browser, csrf_app, live_server, staff_sign_in,
                                                      db_session, neighbourhoods, coordinator):
    closed = utcnow() - timedelta(weeks=5)
    issue = raise_issue(db_session, neighbourhoods["twerton"], "noise", "Loud music at night.", "The parade",
                        contact=ContactDetails("Ada", "ada@example.org", "", True, True),
                        now=closed - timedelta(days=3), notify=False)
    apply_transition(issue, "acknowledged", None, closed - timedelta(days=2))
    apply_transition(issue, "resolved_locally", None, closed, public_note="Patrols stopped it.")
    db_session.commit()
    csrf_app.config["PUBLIC_BASE_URL"] = live_server
    with csrf_app.app_context():
        send_follow_ups(db_session, FollowUpSettings.from_config(csrf_app.config), utcnow(), public_url)
    body = db_session.scalar(select(OutboundMail.body))
    link = re.search(r"Not resolved: (\S+)", body).group(1)
    assert link.startswith(live_server + "/issues/follow-up/")

    resident = browser.new_context().new_page()
    resident.goto(link)
    assert resident.get_by_label("Not resolved").is_checked()
    resident.get_by_label("Anything you want to tell").fill("It is back every weekend.")
    resident.get_by_role("button", name="Confirm my answer").click()
    assert "Thank you: your answer is recorded" in resident.title()
    assert "reopened the issue" in resident.content()

    staff = browser.new_context().new_page()
    staff_sign_in(staff, coordinator.email)
    staff.goto(live_server + "/pact/")
    staff.locator("#reopened").get_by_role("link", name=issue.reference).click()
    assert staff.locator("#status").inner_text().lower() == "received"
    expect(staff.locator("#follow-up")).to_contain_text("It is back every weekend.")
