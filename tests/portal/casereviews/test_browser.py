"""An ASB Case Review in headless Chromium, from the public form to the published figures, with
axe-core's WCAG 2.2 A/AA rules on every page opened (the rules the accessibility statement names):
the resident applies (a mistake first, shown by its field), a coordinator adds the agencies'
reports, decides the threshold, holds the review with a recommendation and sends the outcome, and
the public page then counts the review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.core.clock import today
from tests.portal.accessibility.test_browser import axe_problems

pytestmark = pytest.mark.browser


def test_from_the_public_form_to_a_published_outcome(browser, live_server, staff_sign_in, make_user,
                                                     neighbourhoods):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    coordinator = make_user("coordinator", "twerton")
    problems: list[str] = []
    context = browser.new_context(bypass_csp=True)  # axe is injected; the pages run no script
    page = context.new_page()

    def check() -> None:
        # A click returns before the next page has loaded; wait for it, or axe reads a blank document.
        page.wait_for_load_state()
        expect(page.locator("h1")).to_have_count(1)
        problems.extend(axe_problems(axe, page))

    page.goto(live_server + "/")
    page.get_by_role("link", name="ASB case review", exact=True).click()
    check()
    page.get_by_role("button", name="Apply for a case review").click()
    check()
    page.get_by_label("Which neighbourhood is the behaviour in?").select_option("twerton")
    page.get_by_label("What is happening").fill("Shouting and damage outside my flat every night.")
    page.get_by_label("Email address for our reply").fill("ann@example.org")
    page.get_by_role("button", name="Send the application").click()
    expect(page.locator(".error-summary")).to_contain_text("Enter the name of the person")
    check()
    page.get_by_label("Full name of the person experiencing the behaviour").fill("Ann Smith")
    page.get_by_role("button", name="Send the application").click()
    reference = page.locator("#reference").inner_text().strip()
    assert reference.startswith("ACR-")
    check()

    staff = page
    staff_sign_in(staff, coordinator.email)
    staff.goto(live_server + "/case-reviews/")
    check()
    staff.get_by_role("link", name=reference).click()
    check()
    day = today()
    for ref, agency, back in (("POL-1", "Police", 40), ("HSG-2", "Housing", 20), ("CNC-3", "Council", 5)):
        staff.get_by_label("Incident reference").fill(ref)
        staff.get_by_label("Reported to").fill(agency)
        staff.get_by_label("Date of the incident").fill((day - timedelta(days=back)).isoformat())
        staff.get_by_label("Date reported").fill((day - timedelta(days=back - 1)).isoformat())
        staff.get_by_role("button", name="Add the report").click()
    expect(staff.locator("#count")).to_contain_text("3 of the 3 incidents needed count so far")
    staff.get_by_role("button", name="Decide the threshold and send the letter").click()
    expect(staff.locator("#status")).to_have_text("Threshold met: review to hold")
    check()
    staff.get_by_label("Another agency (optional)").fill("Police")
    staff.get_by_label("Date of the review meeting").fill((day + timedelta(days=7)).isoformat())
    staff.get_by_role("button", name="Invite the agencies").click()
    check()
    staff.get_by_role("checkbox", name="Police", exact=True).check()
    staff.get_by_label("Findings of the review").fill("Reports were not shared between agencies.")
    staff.get_by_role("button", name="Record the review").click()
    staff.get_by_label("Recommendation", exact=True).fill("Share incident logs weekly")
    staff.get_by_label("Owner (the agency that will do it)").fill("Police")
    staff.get_by_label("Due by").fill((day + timedelta(days=40)).isoformat())
    staff.get_by_role("button", name="Add the recommendation").click()
    check()
    staff.get_by_role("button", name="Send the outcome letter").click()
    expect(staff.locator("#status")).to_have_text("Outcome sent")
    check()

    staff.goto(live_server + "/asb-case-review")
    row = staff.locator("#case-review-figures tbody tr").first
    assert row.locator("td").all_inner_texts() == ["1", "0", "1", "1"]
    check()
    context.close()
    assert not problems, "\n".join(problems)
