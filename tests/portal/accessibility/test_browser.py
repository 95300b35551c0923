"""The statement, and the contact form it points to, in headless Chromium with axe-core's WCAG 2.2
A/AA rules (the rules the statement says every page is tested with)."""

from __future__ import annotations

import pytest

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
    assert page.locator("h1").inner_text() == "Accessibility statement for PACT Voicebox"
    problems = axe_problems(axe, page)
    page.get_by_role("link", name="ask us with our contact form").click()
    assert page.get_by_label("Accessibility request").is_checked()
    problems += axe_problems(axe, page)
    context.close()
    assert not problems, "\n".join(problems)
