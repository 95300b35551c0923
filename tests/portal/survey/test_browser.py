"""The standard questionnaire in headless Chromium: every page (start, each topic, an error state,
check your answers, saved, thank you) passes axe-core's WCAG 2.x A/AA rules; the path works with
JavaScript turned off; the error summary links to the field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.accessibility.statement import AXE_RULE_TAGS
from tests.portal.survey.conftest import COMPLETE

pytestmark = pytest.mark.browser

WCAG_TAGS = list(AXE_RULE_TAGS)  # what the accessibility statement says is tested


def _violations(axe, page) -> list[str]:
    page.wait_for_load_state("load")  # the stylesheet must be applied, or layout rules misfire
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                     "resultTypes": ["violations"]})
    return [f"{page.url}: {v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
            for v in results.response["violations"]]


def _answer(page, answers: dict[str, str]) -> None:
    for field, value in answers.items():
        if not value:
            continue
        if field == "postcode":
            page.fill(f"#{field}", value)
        else:
            page.check(f"input[name='{field}'][value='{value}']")


@pytest.mark.parametrize("version", [1, 2])
def test_every_page_of_the_standard_questionnaire_passes_axe(browser, live_server, make_wave, version):
    from axe_playwright_python.sync_playwright import Axe

    wave = make_wave(f"2011-v{version}", version=version)
    axe = Axe()
    context = browser.new_context(bypass_csp=True)  # axe is injected; the pages themselves run no script
    page = context.new_page()
    problems: list[str] = []
    seen: list[str] = []

    page.goto(f"{live_server}/survey/{wave.slug}/")
    problems += _violations(axe, page)
    page.get_by_role("button", name="Start now").click()
    while "/questions/" in page.url:
        page_id = page.url.rsplit("/", 1)[1].split("?")[0]
        seen.append(page_id)
        problems += _violations(axe, page)
        if page_id == "about-you":  # the error state of a page, too
            page.fill("#postcode", "nonsense")
            page.get_by_role("button", name="Continue").click()
            expect(page.locator(".error-summary")).to_be_visible()
            problems += _violations(axe, page)
            page.fill("#postcode", "")
        _answer(page, COMPLETE.get(page_id, {}))
        page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/check"), page.url
    assert len(seen) == 8
    problems += _violations(axe, page)
    page.get_by_role("link", name="Change How safe or unsafe do you feel when outside in your local area "
                                   "after dark?").click()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.locator("main")).to_contain_text("Your answers have been saved")
    problems += _violations(axe, page)
    page.get_by_role("link", name="Continue the survey now").click()
    page.goto(f"{live_server}/survey/{wave.slug}/check")
    page.get_by_role("button", name="Send answers").click()
    expect(page.locator(".panel-confirmation")).to_be_visible()
    pact_link = page.get_by_role("link", name="Twerton PACT page")
    assert pact_link.get_attribute("href") == "/neighbourhoods/twerton"
    problems += _violations(axe, page)
    context.close()
    assert problems == []


def test_the_survey_works_without_javascript_and_errors_link_to_fields(browser, live_server, wave):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/survey/{wave.slug}/")
    page.get_by_role("button", name="Start now").click()
    page.goto(f"{live_server}/survey/{wave.slug}/questions/about-you")
    page.get_by_role("button", name="Continue").click()
    link = page.get_by_role("link", name="Select the neighbourhood you live in")
    assert link.get_attribute("href") == "#neighbourhood"
    page.get_by_label("Twerton").check()
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/questions/equality")
    page.get_by_role("link", name="Back").click()
    assert page.get_by_label("Twerton").is_checked()
    context.close()


def test_leaving_the_panel_in_a_browser(browser, live_server, staff_sign_in, app, signed_in, make_wave,
                                       db_session):
    """Open the "stop inviting me" link of an invitation, confirm, and see it as an admin: the
    member greyed on the panel page. Both pages pass axe; nothing changes until the button."""
    import io
    import re

    from axe_playwright_python.sync_playwright import Axe
    from sqlalchemy import select

    from portal.core.jobs import wait_for_jobs
    from portal.models import OutboundMail, PanelMember

    wave = make_wave("2012-13", panel=True, open_link=False)
    admin = signed_in("admin")
    admin.post(f"/admin/waves/{wave.slug}/panel", content_type="multipart/form-data", data={
        "file": (io.BytesIO(b"id,email,neighbourhood\r\nM1,one@example.org,Twerton\r\n"), "p.csv")})
    admin.post(f"/admin/waves/{wave.slug}/panel/invitations")
    wait_for_jobs(app)
    body = db_session.scalar(select(OutboundMail.body))
    path = re.search(r"https?://[^/\s]+(/survey/leave-the-panel/\S+)", body).group(1)
    axe, problems = Axe(), []
    context = browser.new_context(bypass_csp=True, java_script_enabled=True)
    page = context.new_page()
    page.goto(f"{live_server}{path}")
    problems += _violations(axe, page)
    assert db_session.scalar(select(PanelMember.opted_out_at)) is None
    page.get_by_role("button", name="Stop inviting me").click()
    assert "You left the panel on" in page.content()
    problems += _violations(axe, page)
    staff_sign_in(page, "admin-all@example.org")
    page.goto(f"{live_server}/admin/waves/{wave.slug}/panel")
    row = page.locator("tr.panel-left")
    assert "M1" in row.inner_text() and "Left the panel on" in row.inner_text()
    problems += _violations(axe, page)
    context.close()
    assert problems == []
