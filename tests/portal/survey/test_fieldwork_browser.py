"""The fieldwork monitor in headless Chromium: the page and its error state pass axe-core's WCAG
rules (with age bands on the panel too), and targeted reminders are counted and sent with
JavaScript turned off."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.portal.accessibility.test_browser import axe_problems
from tests.portal.survey.test_fieldwork import (  # noqa: F401  (a wave in the field, a panel with bands)
    banded_panel,
    in_field,
    panel,
)

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("in_field", "panel")
def test_the_monitor_passes_axe_and_reminds_without_javascript(browser, live_server, staff_sign_in,
                                                               make_user):
    from axe_playwright_python.sync_playwright import Axe

    admin = make_user("admin")
    monitor = f"{live_server}/admin/waves/2010-11/fieldwork"  # the in_field wave
    axe = Axe()
    page = staff_sign_in(browser.new_context(bypass_csp=True).new_page(), admin.email)  # axe is injected
    page.goto(monitor)
    problems = axe_problems(axe, page)
    for box in page.locator("input[type=checkbox]:checked").all():
        box.uncheck()
    page.get_by_role("button", name="Send reminders to these neighbourhoods").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose at least one neighbourhood")
    problems += axe_problems(axe, page)
    assert not problems, "\n".join(problems)

    plain = staff_sign_in(browser.new_context(java_script_enabled=False).new_page(), admin.email)
    plain.goto(monitor)
    expect(plain.locator("input[value=chew-valley]")).to_be_checked()
    plain.get_by_role("button", name="Send reminders to these neighbourhoods").click()
    expect(plain.get_by_text("Sending 1 reminder to panel members in")).to_be_visible()


@pytest.mark.usefixtures("in_field", "banded_panel")
def test_reminders_by_age_band_pass_axe_and_are_counted_without_javascript(browser, live_server,
                                                                           staff_sign_in, make_user):
    from axe_playwright_python.sync_playwright import Axe

    admin = make_user("admin")
    monitor = f"{live_server}/admin/waves/2010-11/fieldwork"
    axe = Axe()
    page = staff_sign_in(browser.new_context(bypass_csp=True).new_page(), admin.email)
    page.goto(monitor)
    problems = axe_problems(axe, page)
    for box in page.locator("input[name=age_bands]").all():
        box.uncheck()
    page.locator("input[name=age_bands][value=\"75_plus\"]").check()
    page.get_by_role("button", name="Count the reminders").click()
    expect(page.locator("#reminders-count")).to_contain_text("With these choices, this will send")
    problems += axe_problems(axe, page)
    assert not problems, "\n".join(problems)

    plain = staff_sign_in(browser.new_context(java_script_enabled=False).new_page(), admin.email)
    plain.goto(monitor)
    for box in plain.locator("input[type=checkbox]").all():
        box.uncheck()
    plain.locator("input[value=chew-valley]").check()
    plain.locator("input[name=age_bands][value=\"75_plus\"]").check()
    plain.get_by_role("button", name="Count the reminders").click()
    expect(plain.locator("#reminders-count")).to_contain_text("this will send 1 reminder.")
    plain.get_by_role("button", name="Send reminders to these neighbourhoods and age bands").click()
    sent = "Sending 1 reminder to panel members aged 75+ in 1 neighbourhood"
    expect(plain.get_by_text(sent)).to_be_visible()
