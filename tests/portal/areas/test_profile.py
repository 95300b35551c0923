"""The partnership's profile: set by an admin (page or shell), shown by every surface; its logo
checked on upload and served so that nothing in it can run."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from portal.areas.profile import checked_logo
from portal.models import AuditEvent, Partnership

KENNET = {"name": "Kennet Vale Community Safety Partnership", "short_name": "Kennet Vale CSP",
          "area_name": "Kennet Vale", "contact_email": "safer@kennetvale.example.gov.uk",
          "contact_phone": "01672 000 000", "website": "https://kennetvale.example.gov.uk",
          "privacy_contact": "dpo@kennetvale.example.gov.uk"}


def _png(size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 112, 60)).save(out, format="PNG")
    return out.getvalue()


def test_an_empty_install_names_no_partnership(client, neighbourhoods):
    page = client.get("/").text
    assert "Community Safety Partnership" in page and "Bath" not in page


def test_an_admin_sets_the_profile_and_every_surface_names_it(signed_in, client, neighbourhoods,
                                                             db_session):
    admin = signed_in("admin")
    bad = admin.post("/admin/setup/partnership", data={**KENNET, "contact_email": "not an address"})
    assert bad.status_code == 400
    assert "Contact e-mail address must be an e-mail address" in bad.text
    assert 'value="Kennet Vale Community Safety Partnership"' in bad.text  # typed values kept
    assert db_session.get(Partnership, 1) is None
    done = admin.post("/admin/setup/partnership", data=KENNET, follow_redirects=True)
    assert "Saved the partnership&#39;s profile" in done.text
    assert 'value="Kennet Vale CSP"' in admin.get("/admin/setup/partnership").text
    assert db_session.scalar(select(AuditEvent).where(
        AuditEvent.action == "partnership_profile_saved")) is not None
    assert KENNET["name"] in client.get("/").text
    assert KENNET["name"] in client.get("/neighbourhoods/twerton").text
    assert f"<name>{KENNET['name']}</name>" in client.get("/neighbourhoods/twerton/feed.atom").text
    assert "X-WR-CALNAME:PACT meetings: Kennet Vale" in client.get("/meetings.ics").text
    assert client.get("/api/v1/neighbourhoods").json["meta"]["publisher"] == KENNET["name"]
    privacy = client.get("/privacy").text
    assert 'href="mailto:dpo@kennetvale.example.gov.uk"' in privacy and KENNET["name"] in privacy


def test_the_profile_from_a_shell(runner, db_session):
    first = runner.invoke(args=["partnership", "set", "--name", KENNET["name"]])
    assert first.exit_code == 1 and "Enter its short name" in first.output
    args = ["partnership", "set", "--name", KENNET["name"], "--short-name", "Kennet Vale CSP",
            "--area", "Kennet Vale", "--contact-email", KENNET["contact_email"]]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "The partnership's name: Kennet Vale Community Safety Partnership" in result.output
    later = runner.invoke(args=["partnership", "set", "--website", "kennetvale.example.gov.uk"])
    assert later.exit_code == 1 and "The website must start with https://" in later.output
    later = runner.invoke(args=["partnership", "set", "--website", KENNET["website"]])
    assert later.exit_code == 0 and f"Website: {KENNET['website']}" in later.output
    assert db_session.get(Partnership, 1).area_name == "Kennet Vale"  # kept


def test_a_png_logo_is_saved_again_and_served_so_nothing_in_it_runs(signed_in, client,
                                                                   neighbourhoods):
    admin = signed_in("admin")
    admin.post("/admin/setup/partnership", data=KENNET)
    appended = _png() + b"<script>alert(1)</script>"
    page = admin.post("/admin/setup/partnership/logo",
                      data={"logo": (io.BytesIO(appended), "logo.png")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "Saved the logo." in page.text
    served = client.get("/partnership/logo")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert b"<script>" not in served.data
    assert Image.open(io.BytesIO(served.data)).size == (40, 20)
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert client.get("/partnership/logo", headers={"If-None-Match": served.headers["ETag"]}
                      ).status_code == 304
    assert 'class="site-logo"' in client.get("/").text
    admin.post("/admin/setup/partnership/logo/remove")
    assert client.get("/partnership/logo").status_code == 404


def test_an_svg_logo_keeps_only_its_drawing():
    svg = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)"
     viewBox="0 0 10 10">
  <script>alert(2)</script>
  <style>rect { fill: url(https://evil.example/x) }</style>
  <a xlink:href="javascript:alert(3)"><rect width="5" height="5"/></a>
  <rect width="10" height="10" fill="url(#g)" style="background:url(https://evil.example/y)"/>
  <use xlink:href="https://evil.example/sprite.svg#a"/>
  <foreignObject><p>&secret;</p></foreignObject>
  <text x="1" y="9" onclick="alert(4)">KV &secret;</text>
</svg>"""
    cleaned, media_type = checked_logo(svg)
    assert media_type == "image/svg+xml"
    for gone in (b"script", b"onload", b"onclick", b"style", b"evil.example", b"javascript",
                 b"foreignObject", b"passwd", b"<a"):
        assert gone not in cleaned, gone
    assert b'fill="url(#g)"' in cleaned and b"KV" in cleaned and b'viewBox="0 0 10 10"' in cleaned


def test_a_logo_that_is_not_a_small_png_or_svg_is_refused(signed_in, neighbourhoods):
    admin = signed_in("admin")
    admin.post("/admin/setup/partnership", data=KENNET)
    for data, message in ((b"GIF89a....", "The logo must be a PNG or an SVG file"),
                          (_png((3000, 10)), "at most 2000 pixels on each side"),
                          (b"\x89PNG\r\n\x1a\nnot really", "not a PNG image that can be read"),
                          (b"<svg>" + b" " * 210_000 + b"</svg>", "200 KB or smaller")):
        page = admin.post("/admin/setup/partnership/logo",
                          data={"logo": (io.BytesIO(data), "logo")},
                          content_type="multipart/form-data")
        assert page.status_code == 400 and message in page.text, message


def test_the_demo_sets_its_profile_and_says_it_is_synthetic(app, demo_data):
    page = app.test_client().get("/").text
    assert "Bath and North East Somerset Community Safety Partnership" in page
    assert "All names, figures and responses on this" in page and "synthetic" in page


def test_every_e_mail_ends_with_the_partnership_and_its_contacts(app, db_session, neighbourhoods):
    from portal.areas.profile import save_profile
    from portal.core.mail import queue_mail
    from portal.models import OutboundMail

    with app.app_context():
        queue_mail(db_session, "ada@example.org", "Before", "Sent before the profile.")
        save_profile(db_session, KENNET)
        db_session.commit()
        queue_mail(db_session, "ada@example.org", "After", "Thank you.\n\n")
        db_session.commit()
    before, after = db_session.scalars(select(OutboundMail).order_by(OutboundMail.id))
    assert before.body == "Sent before the profile."
    assert after.body == ("Thank you.\n\n-- \nKennet Vale Community Safety Partnership\n"
                          "safer@kennetvale.example.gov.uk · 01672 000 000\n"
                          "https://kennetvale.example.gov.uk\n")
