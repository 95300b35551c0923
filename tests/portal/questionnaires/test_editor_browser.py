"""The editor in headless Chromium with axe-core's WCAG 2.2 A/AA rules on every page opened: an
admin makes a draft, checks the questionnaire, changes a question (a mistake first), moves and
copies one, moves the copy to another page and routes a page (a mistake first on each), opens the
page forms, previews the draft as a resident sees it and ends on the preview's check-answers page.
No page runs script: every action is a link or a POST form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.models import Questionnaire
from portal.questionnaires.versions import load_shipped
from tests.portal.accessibility.test_browser import axe_problems

pytestmark = pytest.mark.browser


def test_the_editor_pages_pass_axe(browser, live_server, staff_sign_in, make_user, db_session,
                                   neighbourhoods):
    from axe_playwright_python.sync_playwright import Axe

    load_shipped(db_session)
    db_session.commit()
    v1 = db_session.query(Questionnaire).filter_by(version=1).one()
    admin = make_user("admin")
    axe = Axe()
    problems: list[str] = []
    context = browser.new_context(bypass_csp=True)  # axe is injected; the pages run no script
    page = context.new_page()

    def check() -> None:
        # A click returns before the next page has loaded; wait for it, or axe reads a blank document.
        page.wait_for_load_state()
        expect(page.locator("h1")).to_have_count(1)
        problems.extend(axe_problems(axe, page))

    def refused(button: str, problem: str) -> None:
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.locator(".error-summary")).to_contain_text(problem)
        check()

    def route(question: str, codes: str, button: str, shown_in: str) -> None:
        """Route on `question` (forgetting its codes first), then with `codes`."""
        page.get_by_label("Condition 1: an earlier question").select_option(question)
        refused(button, "Condition 1: enter the codes")
        page.get_by_label("Condition 1: its codes that show the question").fill(codes)
        page.get_by_role("button", name=button).click()
        expect(page.locator(shown_in)).to_contain_text(f"Shown when {question} is {codes}")

    staff_sign_in(page, admin.email)
    page.goto(f"{live_server}/admin/questionnaires/{v1.id}")
    page.get_by_role("button", name="Make a draft of a new version from this one").click()
    expect(page.locator("h1")).to_have_text("Check your questionnaire")
    check()

    page.get_by_role("link", name="Change seek_views", exact=True).click()
    route("police_council_dealing", "dont_know", "Save the question", "#question-seek_views")

    page.get_by_role("button", name="Move up worry_burglary", exact=True).click()
    refused("Move up worry_car_crime", "cannot go above car_use")
    page.get_by_role("button", name="Copy respect", exact=True).click()
    expect(page.locator("#question-respect_copy")).to_have_count(1)
    check()

    page.get_by_role("link", name="Move to another page respect_copy", exact=True).click()
    check()
    refused("Move the question", "Choose the page to move the question to")
    page.get_by_label("Feeling safe (feeling-safe)").check()
    page.get_by_role("button", name="Move the question").click()
    expect(page.locator("xpath=//h2[@id='page-feeling-safe']/following-sibling::dl[1]"
                        "//*[@id='question-respect_copy']")).to_have_count(1)

    page.get_by_role("link", name="Change routing of page experience-of-crime", exact=True).click()
    check()
    route("car_use", "yes", "Save the routing", "#pages")

    page.get_by_role("link", name="Add a page").click()
    check()
    page.get_by_role("link", name="Back to check your questionnaire").click()
    page.get_by_role("link", name="Delete page your-area", exact=True).click()
    refused("Delete the page", "Say yes to deleting page your-area")
    page.get_by_role("link", name="Back to check your questionnaire").click()
    page.get_by_role("link", name="Add a question to Anti-social behaviour").click()
    check()

    page.goto(f"{live_server}/admin/questionnaires/drafts/1")
    page.get_by_role("link", name="Preview it as a resident sees it").click()
    check()
    page.get_by_label("Tend to agree").first.check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Anti-social behaviour")
    check()
    page.goto(f"{live_server}/admin/questionnaires/drafts/1/preview-answers")
    expect(page.locator("h1")).to_have_text("Check your answers before sending them")
    check()
    context.close()
    assert not problems, "\n".join(problems)
