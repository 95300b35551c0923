"""The accessibility statement: every element of the model statement, from the settings until an
admin saves it and from what they save afterwards; the footer link on every page; the contact form
it points to reaches the Charter queue as an accessibility request."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.accessibility.statement import (
    AXE_RULE_TAGS,
    DEFAULT_ITEMS,
    StatementError,
    items_as_text,
    parse_items,
)
from portal.core.config import ConfigError, settings_from_env
from portal.models import (
    AccessibilityStatement,
    AuditEvent,
    CharterCase,
    CharterKind,
    ComplianceStatus,
    OutboundMail,
)
from tests.pages import check_page
from tests.portal.areas.test_profile import KENNET


def _read(html: str) -> str:
    """The page's words in order, as a screen reader reads them (tags out, white space collapsed)."""
    check_page(html)
    body = html.split("<main", 1)[1]
    return " ".join(re.sub(r"<[^>]+>", "", body).replace("&#39;", "'").replace("&amp;", "&").split())


def test_items_are_one_a_line_with_their_reason():
    assert parse_items("PDFs not tagged | 1.3.1, fixed by March\n\n  Charts | table beside them ") == [
        {"what": "PDFs not tagged", "why": "1.3.1, fixed by March"},
        {"what": "Charts", "why": "table beside them"}]
    assert parse_items("") == []
    assert parse_items(items_as_text(list(DEFAULT_ITEMS))) == list(DEFAULT_ITEMS)
    for bad, line in (("ok | fine\nno reason here", 2), ("| why only", 1), ("what only |  ", 1)):
        with pytest.raises(StatementError, match=f"Line {line}: write what is not accessible"):
            parse_items(bad)
    with pytest.raises(StatementError, match="Line 1: keep what is not accessible to 300"):
        parse_items("x" * 301 + " | why")


def test_the_status_setting_is_checked(tmp_path):
    assert settings_from_env(tmp_path, {})["ACCESSIBILITY_STATUS"] == "partially"
    assert settings_from_env(tmp_path, {"ACCESSIBILITY_STATUS": "Fully"})["ACCESSIBILITY_STATUS"] == "fully"
    with pytest.raises(ConfigError, match="ACCESSIBILITY_STATUS must be one of fully, partially, not"):
        settings_from_env(tmp_path, {"ACCESSIBILITY_STATUS": "mostly"})


def test_before_it_is_saved_the_statement_has_every_element(client, signed_in, neighbourhoods):
    signed_in("admin").post("/admin/setup/partnership", data=KENNET)
    html = client.get("/accessibility").text
    page, text = check_page(html), _read(html)
    assert page.h1 == "Accessibility statement for PACT Voicebox"
    assert f"run by {KENNET['name']}" in text and "http://" in text  # the site's address
    assert "This website is partially compliant with the Web Content Accessibility Guidelines " \
           "version 2.2 AA standard, due to the non-compliances listed below." in text
    for item in DEFAULT_ITEMS:
        assert item["what"] in text and item["why"] in text
    assert "acknowledge it within 5 working days and reply in full within 15 working days" in text
    links = {a.attrs["href"] for a in page.find_all("a")}
    assert "/contact-us?about=accessibility" in links
    assert f"mailto:{KENNET['contact_email']}" in links and KENNET["contact_phone"] in text
    assert "Reporting accessibility problems with this website" in text
    assert "Equality and Human Rights Commission (EHRC)" in text
    assert "in England, Scotland or Wales contact the Equality Advisory and Support Service (EASS)" in text
    assert "in Northern Ireland contact the Equality Commission for Northern Ireland" in text
    assert "axe-core" in text and ", ".join(AXE_RULE_TAGS) in text and "375 pixels" in text
    assert "This statement has not yet been reviewed by " + KENNET["name"] in text


def test_the_statement_in_welsh(client, signed_in, neighbourhoods):
    """A Welsh page: the statement's own words, the default items and the status in Welsh; a
    partnership's own wording (its name) as written."""
    signed_in("admin").post("/admin/setup/partnership", data=KENNET)
    html = client.get("/accessibility?lang=cy").text
    page, text = check_page(html), _read(html)
    assert '<html lang="cy">' in html and page.h1 == "Datganiad hygyrchedd ar gyfer PACT Voicebox"
    assert f"a redir gan {KENNET['name']}" in text
    assert "Mae’r wefan hon yn cydymffurfio’n rhannol â safon AA" in text
    assert "Delweddau o’r ffigurau yw’r siartiau ar y tudalennau canlyniadau." in text
    assert "chwyddo hyd at 400% heb" in text
    assert DEFAULT_ITEMS[0]["what"] not in text and "This website" not in text
    assert "/contact-us?about=accessibility" in {a.attrs["href"] for a in page.find_all("a")}


def test_the_footer_of_every_page_links_the_statement(client, neighbourhoods):
    for path in ("/", "/contact-us", "/privacy", "/accessibility", "/neighbourhoods/twerton",
                 "/staff/sign-in"):
        links = check_page(client.get(path).text, csrf=False).find_all("a", href="/accessibility")
        assert [a.text for a in links] == ["Accessibility"], path


def test_an_admin_edits_the_status_items_and_dates(client, signed_in, db_session):
    admin = signed_in("admin")
    form = check_page(admin.get("/admin/accessibility/").text, csrf=False)
    assert DEFAULT_ITEMS[0]["what"] in form.text  # the list starts from the defaults
    data = {"status": "partially", "items": "Older meeting papers are scanned images | 1.1.1; "
            "ask for a text version", "prepared_on": "2026-09-23", "reviewed_on": "2026-12-01"}
    done = admin.post("/admin/accessibility/", data=data, follow_redirects=True)
    assert "The accessibility statement is saved." in done.text
    row = db_session.get(AccessibilityStatement, 1)
    assert row.status == ComplianceStatus.PARTIALLY and row.reviewed_on == date(2026, 12, 1)
    assert db_session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "accessibility_statement_saved")) is not None
    text = _read(client.get("/accessibility").text)
    assert "Older meeting papers are scanned images" in text and "1.1.1; ask for a text version" in text
    assert DEFAULT_ITEMS[0]["what"] not in text
    assert ("This statement was prepared on 23 September 2026. It was last reviewed on "
            "1 December 2026.") in text

    for changed, message in (
            ({"items": "no separator"}, "Line 1: write what is not accessible"),
            ({"reviewed_on": "2026-09-01"}, "cannot have been reviewed before it was prepared"),
            ({"status": "fully"}, "is not fully compliant"),
            ({"status": "almost"}, "Not a valid choice"),
            ({"prepared_on": ""}, "Enter the date it was prepared")):
        refused = admin.post("/admin/accessibility/", data={**data, **changed})
        assert refused.status_code == 400 and message in refused.text, message
        check_page(refused.text, csrf=False)
    db_session.expire_all()
    assert db_session.get(AccessibilityStatement, 1).reviewed_on == date(2026, 12, 1)

    admin.post("/admin/accessibility/", data={**data, "status": "fully", "items": ""})
    text = _read(client.get("/accessibility").text)
    assert "This website is fully compliant with the Web Content Accessibility Guidelines version 2.2 " \
           "AA standard." in text
    assert "Non-accessible content" not in text and "We do not know of any part" in text


def test_only_admins_edit_the_statement(signed_in):
    assert signed_in("analyst").get("/admin/accessibility/").status_code == 403
    assert signed_in("coordinator", "twerton").get("/admin/accessibility/").status_code == 403


def test_a_request_for_another_format_reaches_the_charter_queue(client, signed_in, db_session,
                                                                neighbourhoods):
    form = check_page(client.get("/contact-us?about=accessibility").text, csrf=False)
    chosen = [i for i in form.find_all("input", name="kind") if "checked" in i.attrs]
    assert [i.attrs["value"] for i in chosen] == ["accessibility"]
    plain = check_page(client.get("/contact-us").text, csrf=False)
    assert not [i for i in plain.find_all("input", name="kind") if "checked" in i.attrs]
    sent = client.post("/contact-us", data={
        "kind": "accessibility", "body": "The meeting minutes in large print, please.", "name": "Ada",
        "email": "ada@example.org"})
    assert sent.status_code == 302
    case = db_session.scalar(select(CharterCase))
    assert case.kind == CharterKind.ACCESSIBILITY
    mail = db_session.scalar(select(OutboundMail))
    assert mail.subject == f"We have received your accessibility request ({case.reference})"
    queue = signed_in("admin").get("/charter/").text
    assert case.reference in queue
