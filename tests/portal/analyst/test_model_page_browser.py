"""The model page in headless Chromium passes axe-core's WCAG rules, with its inline plot, and
saves a choice of covariates with JavaScript turned off."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.portal.accessibility.test_browser import axe_problems

pytestmark = pytest.mark.browser


def test_the_model_page_passes_axe_and_saves_without_javascript(browser, live_server, staff_sign_in,
                                                               make_user, demo_data):
    from axe_playwright_python.sync_playwright import Axe

    analyst = make_user("analyst")
    url = f"{live_server}/analyst/waves/2010-11/model?indicator=ni21"
    page = staff_sign_in(browser.new_context(bypass_csp=True).new_page(), analyst.email)
    page.goto(url)
    expect(page.locator("svg[role=img]")).to_have_count(1)
    problems = axe_problems(axe := Axe(), page)

    plain = staff_sign_in(browser.new_context(java_script_enabled=False).new_page(), analyst.email)
    plain.goto(url)
    plain.locator("input[value=rural]").uncheck()
    plain.get_by_role("button", name="Save the covariates for 2010-11").click()
    expect(plain.get_by_text("Covariates saved by")).to_be_visible()
    expect(plain.locator("input[value=rural]")).not_to_be_checked()
    page.goto(url)
    problems += axe_problems(axe, page)
    assert not problems, "\n".join(problems)
