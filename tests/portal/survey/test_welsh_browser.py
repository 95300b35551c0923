"""The survey in Welsh in headless Chromium: the start page, every question page and the thank-you
page pass axe-core's WCAG 2.x A/AA rules, say lang="cy", and show no English interface string.

The questions themselves are the questionnaire's data, translated per published version
(`portal.questionnaires.translations`; the shipped Welsh files are in `translations/questionnaires/`
and `tests/portal/questionnaires/test_translations.py` shows a resident reading them). This wave's
version is given no translation here, so its questions are in English and the check is of the
interface strings (the catalogue's) alone."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from portal import REPO_ROOT
from tests.portal.survey.conftest import COMPLETE
from tests.portal.survey.test_browser import _answer, _violations

pytestmark = pytest.mark.browser

PLACEHOLDER = re.compile(r"%\(\w+\)s|<[^>]+>")


def english_interface_strings() -> set[str]:
    """Every English phrase of the resident catalogue that Welsh changes, long enough (three words
    or more) not to turn up by chance inside an English question text."""
    with open(REPO_ROOT / "translations" / "cy" / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalogue = read_po(f, locale="cy")
    phrases = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            for fragment in PLACEHOLDER.split(text.replace("%%", "%")):
                fragment = fragment.strip(" .,:;()")
                if len(fragment.split()) >= 3 and not any(fragment in s for s in strings):
                    phrases.add(fragment)
    return phrases


# The short interface words of these pages, which the three-word rule above leaves out.
SHORT = ("Start now", "Continue", "Back", "Thank you", "What happens next", "Section ", "Error:",
         "Staff sign in", "Privacy", "Write to us")


def _english_left(page, phrases: set[str]) -> list[str]:
    text = page.inner_text("body") + "\n" + page.title()
    found = [phrase for phrase in phrases if phrase in text]
    found += [word for word in SHORT if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]
    return found


def test_the_survey_in_welsh_passes_axe_and_leaves_no_english_interface_string(browser, live_server, wave):
    from axe_playwright_python.sync_playwright import Axe

    phrases = english_interface_strings()
    assert len(phrases) > 200
    axe = Axe()
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    problems: list[str] = []
    english: dict[str, list[str]] = {}

    def check(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == "cy", name
        problems.extend(_violations(axe, page))
        left = _english_left(page, phrases)
        if left:
            english[name] = left

    page.goto(f"{live_server}/survey/{wave.slug}/?lang=cy")
    check("start")
    expect(page.get_by_role("link", name="English")).to_have_attribute("lang", "en-GB")
    page.get_by_role("button", name="Dechrau nawr").click()
    pages = 0
    while "/questions/" in page.url:
        page_id = page.url.rsplit("/", 1)[1].split("?")[0]
        pages += 1
        check(page_id)
        if page_id == "about-you":  # an error in Welsh
            page.fill("#postcode", "nonsense")
            page.get_by_role("button", name="Parhau").click()
            expect(page.locator(".error-summary")).to_contain_text("Mae problem wedi codi")
            check("about-you with an error")
            page.fill("#postcode", "")
        _answer(page, COMPLETE.get(page_id, {}))
        page.get_by_role("button", name="Parhau").click()
    assert pages == 8 and page.url.endswith("/check")
    check("check")
    page.get_by_role("button", name="Anfon atebion").click()
    expect(page.locator(".panel-confirmation")).to_contain_text("Diolch")
    check("thank you")
    context.close()
    assert problems == []
    assert english == {}
