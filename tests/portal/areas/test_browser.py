"""The area covariates page in headless Chromium with axe-core's WCAG 2.2 A/AA rules: empty, after a
refused file (the problems listed) and with a covariate loaded."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.portal.accessibility.test_browser import axe_problems

pytestmark = pytest.mark.browser


def test_the_covariates_page_passes_axe(browser, live_server, staff_sign_in, make_user, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    from tests.portal.areas.test_covariate_files import ROWS, iod
    from tests.portal.areas.test_covariates import PEOPLE, mye
    from tests.portal.areas.test_files import BEST_FIT

    admin = make_user("admin")
    files = {"lookup": BEST_FIT, "mye": mye(PEOPLE), "iod": iod(2025, ROWS),
             "bad": "lsoa,score\nE01014370,x\n"}
    for name, text in files.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    axe, problems = Axe(), []
    context = browser.new_context(bypass_csp=True)  # axe is injected; the pages run no script
    page = context.new_page()
    staff_sign_in(page, admin.email)
    page.goto(live_server + "/admin/setup/areas")
    page.get_by_label("LSOA lookup (CSV)").set_input_files(str(tmp_path / "lookup.csv"))
    page.get_by_role("button", name="Check and load the neighbourhoods").click()
    page.get_by_label("Mid-year population estimates by LSOA (CSV)").set_input_files(
        str(tmp_path / "mye.csv"))
    page.get_by_role("button", name="Check and load the populations").click()
    page.get_by_role("link", name="load area covariates").click()
    problems += axe_problems(axe, page)

    def load(name: str, kind: str) -> None:
        page.get_by_label("Covariate file (CSV)").set_input_files(str(tmp_path / f"{name}.csv"))
        page.get_by_label("What the file is").select_option(kind)
        page.get_by_label("Source").fill("MHCLG IoD2025 File 7")
        page.get_by_label("Date of the figures").fill("2025-10-30")
        page.get_by_role("button", name="Check and load the covariate").click()
        page.wait_for_load_state()  # the click returns once the next page starts loading

    load("bad", "table")
    expect(page.locator("#problems")).to_contain_text("'x' is not a number")
    problems += axe_problems(axe, page)
    load("iod", "iod")
    expect(page.locator("body")).to_contain_text("Loaded imd_score for 3 LSOAs")
    assert page.locator("#covariates").count() == 1
    problems += axe_problems(axe, page)
    context.close()
    assert not problems, "\n".join(problems)
