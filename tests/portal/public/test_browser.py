"""A resident's path in headless Chromium, without JavaScript-dependent steps: home page, find the
neighbourhood by postcode, a mistake shown next to its field, the reference, following the issue."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.models import PostcodeSector

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_resident_raises_and_follows_an_issue(browser, live_server, db_session, neighbourhoods, javascript):
    db_session.add(PostcodeSector(sector="BA2 1", neighbourhood_id=neighbourhoods["twerton"].id))
    db_session.commit()
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))

    page.goto(live_server + "/")
    page.get_by_role("button", name="Raise an issue").click()
    page.get_by_label("Postcode").fill("ba2 1ab")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_contain_text("Tell us about the issue in Twerton")

    page.get_by_label("Street drinking").check()
    page.get_by_label("Describe the issue").fill("People drinking <b>on the benches</b> from 11am.")
    page.get_by_label("Email address (optional)").fill("ada@example.org")
    page.get_by_role("button", name="Send the issue").click()

    # Two mistakes: no place given and no consent; both shown, everything typed kept.
    summary = page.locator(".error-summary")
    assert "There is a problem" in summary.inner_text()
    expect(page.locator("#location-error")).to_contain_text("Say where it happens")
    expect(page.locator("#consent-error")).to_contain_text("Tick the box")
    assert (
        page.get_by_label("Describe the issue").input_value()
        == "People drinking <b>on the benches</b> from 11am."
    )
    assert page.get_by_label("Email address (optional)").input_value() == "ada@example.org"
    summary.get_by_role("link", name="Say where it happens, like a street, park or landmark").click()

    page.get_by_label("Where does it happen?").fill("Benches by the green")
    page.get_by_label("I agree to be contacted about this issue").check()
    page.get_by_role("button", name="Send the issue").click()

    reference = page.locator("#reference").inner_text().strip()
    assert reference.startswith("PACT-") and len(reference) == 12
    expect(page.locator(".panel-confirmation")).to_be_visible()
    page.get_by_role("link", name=f"Follow issue {reference}").click()
    assert page.locator("#status").text_content() == "Received"
    # The resident's words are private until a coordinator publishes a summary.
    assert "People drinking" not in page.content() and "Benches by the green" not in page.content()
    expect(page.locator("#summary")).to_contain_text("kept private")
    assert "ada@example.org" not in page.content()

    page.goto(live_server + "/")
    page.get_by_label("Issue reference").fill(reference.lower())
    page.get_by_role("button", name="Follow the issue").click()
    assert page.url.endswith(f"/issues/{reference}")
    assert not [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    context.close()


@pytest.fixture
def the_demo(app, db_session):
    """The demo as `flask --app portal demo` loads it (its default seed; fewer responses): the
    PACT record whose Twerton activity table once overflowed a phone's screen."""
    from demo import seed_demo
    from portal.core.clock import utcnow

    seed_demo(db_session, app.config, utcnow(), seed=2009, responses_per_wave=300)
    db_session.commit()


@pytest.mark.parametrize("path", ["/open-data", "/neighbourhoods/twerton", "/", "/results"])
def test_public_pages_fit_a_375px_screen(browser, live_server, the_demo, path):
    """A phone's width: no page scrolls sideways (long API links and PACT references wrap)."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(live_server + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
