"""The statement, and the contact form it points to, in headless Chromium with axe-core's WCAG 2.2
A/AA rules (the rules the statement says every page is tested with)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.accessibility.statement import AXE_RULE_TAGS

pytestmark = pytest.mark.browser


def axe_problems(axe, page) -> list[str]:
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": list(AXE_RULE_TAGS)},
                                     "resultTypes": ["violations"]})
    return [f"{page.url}: {v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
            for v in results.response["violations"]]


def test_the_statement_and_its_request_form_pass_axe(browser, live_server, neighbourhoods):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(bypass_csp=True)  # axe is injected; the pages run no script
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_role("link", name="Accessibility", exact=True).click()
    expect(page.locator("h1")).to_have_text("Accessibility statement for PACT Voicebox")
    problems = axe_problems(axe, page)
    page.get_by_role("link", name="ask us with our contact form").click()
    assert page.get_by_label("Accessibility request").is_checked()
    problems += axe_problems(axe, page)
    context.close()
    assert not problems, "\n".join(problems)


def test_the_welsh_statement_and_case_review_pages_pass_axe(browser, live_server, neighbourhoods):
    """In Welsh: lang="cy", the pages' own words in Welsh, and axe-core's rules, the form's error
    summary included."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    problems: list[str] = []
    review = "adolygiad achos ymddygiad gwrthgymdeithasol"
    for path, heading in (("/accessibility?lang=cy", "Datganiad hygyrchedd ar gyfer PACT Voicebox"),
                          ("/asb-case-review", f"{review.capitalize()} (Sbardun Cymunedol)"),
                          ("/asb-case-review/apply", f"Gwneud cais am {review}")):
        page.goto(live_server + path)
        assert page.locator("html").get_attribute("lang") == "cy", path
        expect(page.locator("h1")).to_have_text(heading)
        problems += axe_problems(axe, page)
    page.get_by_role("button", name="Anfon y cais").click()
    expect(page.locator(".error-summary")).to_contain_text("Mae problem wedi codi")
    problems += axe_problems(axe, page)
    context.close()
    assert not problems, "\n".join(problems)
