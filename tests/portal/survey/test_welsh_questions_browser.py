"""One question page of a translated questionnaire in Welsh, in headless Chromium: lang="cy", the
translated question and options shown, and axe-core's WCAG 2.x A/AA rules pass."""

from __future__ import annotations

import pytest

from portal import REPO_ROOT
from portal.questionnaires.translations import store_file

pytestmark = pytest.mark.browser


def test_a_welsh_question_page_passes_axe(browser, live_server, make_wave, db_session):
    from axe_playwright_python.sync_playwright import Axe

    from tests.portal.survey.test_browser import _violations

    wave = make_wave(version=2)
    shipped = REPO_ROOT / "translations" / "questionnaires" / "crime-and-community-safety.v2.cy.csv"
    store_file(db_session, wave.questionnaire, "cy", shipped.read_bytes(), shipped.name, ("en", "cy"))
    db_session.commit()
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(f"{live_server}/survey/{wave.slug}/?lang=cy")
    page.get_by_role("button", name="Dechrau nawr").click()
    assert "/questions/your-area" in page.url
    assert page.locator("html").get_attribute("lang") == "cy"
    text = page.inner_text("body")
    assert "Yr heddlu a'r cyngor yn eich ardal" in text and "Tueddu i gytuno" in text
    assert "Tend to agree" not in text
    assert _violations(Axe(), page) == []
