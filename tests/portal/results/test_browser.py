"""The public results pages and the open-data page in headless Chromium pass axe-core's WCAG 2.x
A/AA rules: the authority, a neighbourhood with figures and one below the suppression threshold."""

from __future__ import annotations

import pytest

from tests.portal.survey.test_browser import WCAG_TAGS

pytestmark = pytest.mark.browser


def test_results_and_open_data_pages_pass_axe(browser, live_server, survey):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(bypass_csp=True)  # axe is injected; the pages run no script
    page = context.new_page()
    problems = []
    for path in ("/results", "/neighbourhoods/twerton/results", "/neighbourhoods/chew-valley/results",
                 "/results?wave=2009-10", "/open-data", "/neighbourhoods/twerton",
                 "/neighbourhoods/twerton/alerts"):
        page.goto(live_server + path)
        page.wait_for_load_state("load")
        assert page.locator("h1").count() == 1, path
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                         "resultTypes": ["violations"]})
        problems += [f"{path}: {v['id']}: {v['help']} "
                     f"({', '.join(str(n['target']) for n in v['nodes'][:3])})"
                     for v in results.response["violations"]]
    context.close()
    assert not problems, "\n".join(problems)
