"""E-mail alerts end to end through the local SMTP server: subscribe, confirm from the e-mail,
one digest after a public update (rerunning sends nothing twice), one-click unsubscribe (RFC
8058); expired links, no digest when nothing happened, unconfirmed addresses deleted."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.core.clock import utcnow
from portal.models import AlertSubscription, Priority, PriorityUpdate
from portal.subscriptions.alerts import Site, send_digests, subscribe

pytestmark = pytest.mark.usefixtures("app_context")  # the digests' links are built from the routes


def _link(message, path: str) -> str:
    found = re.search(r"http://[^\s]+" + re.escape(path) + r"[^\s]+", message.get_content())
    assert found, message.get_content()
    return found.group(0).split("http://127.0.0.1:5000", 1)[-1]


def _public_update(db_session, neighbourhoods, body: str) -> None:
    priority = Priority(neighbourhood_id=neighbourhoods["twerton"].id, title="Parking on verges",
                        status="active", created_at=utcnow() - timedelta(days=60))
    db_session.add(priority)
    db_session.flush()
    db_session.add(PriorityUpdate(priority_id=priority.id, body=body, public=True, at=utcnow()))
    db_session.commit()


def test_subscribe_confirm_digest_and_one_click_unsubscribe(app, client, runner, smtp_server,
                                                            db_session, neighbourhoods):
    smtp_server.configure(app)
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    form = client.get("/neighbourhoods/twerton/alerts")
    assert form.status_code == 200 and "E-mail alerts for Twerton" in form.get_data(as_text=True)
    sent = client.post("/neighbourhoods/twerton/alerts",
                       data={"email": " Ada@Example.org ", "frequency": "immediate"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/check-your-email")
    [confirmation] = smtp_server.messages
    assert confirmation["To"] == "ada@example.org"
    assert runner.invoke(args=["alerts", "send"]).exit_code == 0
    assert len(smtp_server.messages) == 1  # not confirmed yet: nothing sent

    link = _link(confirmation, "/alerts/confirm/")
    button = client.get(link)  # a page with a button: a mail scanner's GET confirms nothing
    assert button.status_code == 200 and "Confirm my alerts" in button.get_data(as_text=True)
    assert db_session.scalar(select(AlertSubscription.confirmed_at)) is None
    confirmed = client.post(link)
    assert confirmed.status_code == 200 and "Your alerts are on" in confirmed.get_data(as_text=True)
    result = runner.invoke(args=["alerts", "send"])
    assert "0 digests queued" in result.output  # nothing happened yet: no digest
    assert len(smtp_server.messages) == 1

    _public_update(db_session, neighbourhoods, "Wardens visit the verges on Fridays")
    assert "1 digest queued, 1 e-mail sent" in runner.invoke(args=["alerts", "send"]).output
    assert "0 digests queued" in runner.invoke(args=["alerts", "send"]).output  # rerun: once
    assert len(smtp_server.messages) == 2
    digest = smtp_server.messages[1]
    assert digest["To"] == "ada@example.org" and "Twerton" in digest["Subject"]
    assert "Wardens visit the verges on Fridays" in digest.get_content()
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<http://127\.0\.0\.1:5000(/alerts/unsubscribe/\S+)>",
                               digest["List-Unsubscribe"]).group(1)
    assert unsubscribe in digest.get_content()

    page = client.get(unsubscribe)  # a link checker's GET changes nothing
    assert page.status_code == 200 and db_session.scalar(select(AlertSubscription.id))
    one_click = client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    db_session.expire_all()
    assert db_session.scalars(select(AlertSubscription)).all() == []  # the address is deleted
    _public_update(db_session, neighbourhoods, "Another update")
    runner.invoke(args=["alerts", "send"])
    assert len(smtp_server.messages) == 2
    assert client.post(unsubscribe).status_code == 200  # twice is fine


def _site(app) -> Site:
    return Site(app.config["SECRET_KEY"])


def test_weekly_digests_wait_a_week(app, db_session, neighbourhoods):
    now = utcnow()
    sub = subscribe(db_session, _site(app), neighbourhoods["twerton"], "bo@example.org", "weekly",
                    now)
    sub.confirmed_at = sub.digested_until = now - timedelta(days=3)
    db_session.commit()
    _public_update(db_session, neighbourhoods, "Signs put up")
    assert send_digests(db_session, _site(app), utcnow()) == 0  # not a week yet
    assert send_digests(db_session, _site(app), utcnow() + timedelta(days=5)) == 1
    assert send_digests(db_session, _site(app), utcnow() + timedelta(days=6)) == 0


def test_links_that_cannot_be_used(app, client, db_session, neighbourhoods, monkeypatch):
    assert client.get("/alerts/confirm/nonsense").status_code == 400
    assert client.post("/alerts/confirm/nonsense").status_code == 400
    assert client.post("/alerts/unsubscribe/nonsense").status_code == 400
    sub = subscribe(db_session, _site(app), neighbourhoods["twerton"], "cy@example.org", "weekly",
                    utcnow())
    db_session.commit()
    token = _site(app).confirm_token(sub, "weekly")
    import itsdangerous.timed

    later = utcnow() + timedelta(days=8)
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later.timestamp())
    expired = client.get(f"/alerts/confirm/{token}")
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)
    assert client.post(f"/alerts/confirm/{token}").status_code == 400


def test_unconfirmed_addresses_are_deleted_after_seven_days(app, db_session, neighbourhoods):
    old = subscribe(db_session, _site(app), neighbourhoods["twerton"], "old@example.org", "weekly",
                    utcnow() - timedelta(days=8))
    subscribe(db_session, _site(app), neighbourhoods["twerton"], "new@example.org", "weekly",
              utcnow() - timedelta(days=1))
    db_session.commit()
    assert old.id
    send_digests(db_session, _site(app), utcnow())
    assert db_session.scalars(select(AlertSubscription.email)).all() == ["new@example.org"]


def test_the_form_explains_mistakes(client, neighbourhoods):
    page = client.post("/neighbourhoods/twerton/alerts", data={"email": "not an address",
                                                               "frequency": "weekly"})
    assert page.status_code == 400
    assert "Enter an email address in the right format" in page.get_data(as_text=True)


def _payload(token: str) -> bytes:
    """What anyone can read in a signed token: its first part, base64 of JSON."""
    part = token.split(".")[0]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_the_confirm_button_needs_csrf_and_the_frequency_is_the_signed_one(csrf_app, db_session,
                                                                          neighbourhoods):
    with csrf_app.app_context():
        sub = subscribe(db_session, _site(csrf_app), neighbourhoods["twerton"], "di@example.org",
                        "immediate", utcnow())
        db_session.commit()
        path = _site(csrf_app).confirm_url(sub, "immediate").split("127.0.0.1:5000", 1)[-1]
    client = csrf_app.test_client()
    assert client.post(path).status_code == 400  # no CSRF token: refused, nothing confirmed
    page = client.get(path + "?frequency=weekly").get_data(as_text=True)
    csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
    assert "as soon as something happens" in page
    assert client.post(action + "?frequency=weekly", data={"csrf_token": csrf_token}).status_code == 200
    db_session.expire_all()
    sub = db_session.get(AlertSubscription, sub.id)
    assert sub.confirmed_at is not None and sub.frequency == "immediate"  # the query is ignored


def test_links_do_not_show_the_address(app, db_session, neighbourhoods):
    site = _site(app)
    sub = subscribe(db_session, site, neighbourhoods["twerton"], "eve@example.org", "weekly", utcnow())
    db_session.commit()
    for token in (site.confirm_token(sub, "weekly"), site.unsubscribe_token(sub)):
        assert b"eve" not in _payload(token) and b"example" not in _payload(token)
    for url in (site.confirm_url(sub, "weekly"), site.unsubscribe_url(sub)):
        assert "?" not in url


def test_links_sent_before_address_checks_still_unsubscribe(app, client, db_session, neighbourhoods):
    from itsdangerous import URLSafeSerializer

    sub = subscribe(db_session, _site(app), neighbourhoods["twerton"], "fay@example.org", "weekly",
                    utcnow())
    db_session.commit()
    old = URLSafeSerializer(app.config["SECRET_KEY"], salt="alert-unsubscribe").dumps(
        [sub.id, "fay@example.org"])
    assert client.post(f"/alerts/unsubscribe/{old}").status_code == 200
    assert db_session.scalars(select(AlertSubscription)).all() == []


def test_a_digest_is_written_in_the_language_the_alerts_were_asked_for_in(app, client, db_session,
                                                                          neighbourhoods):
    """The page's language is kept at subscription; the digest the job sends later is in it (its
    subject, its fixed words and the month names), staff's words as written; English stays English."""
    from portal.models import OutboundMail

    sent = client.post("/neighbourhoods/twerton/alerts?lang=cy",
                       data={"email": "cy@example.org", "frequency": "immediate"})
    assert sent.status_code == 302
    # (The tests share one app context, so a second request here would keep the first one's locale.)
    subscribe(db_session, _site(app), neighbourhoods["twerton"], "en@example.org", "immediate", utcnow())
    subs = {s.email: s for s in db_session.scalars(select(AlertSubscription))}
    assert {email: s.language for email, s in subs.items()} == {"cy@example.org": "cy",
                                                                 "en@example.org": "en"}
    confirmation = db_session.scalar(select(OutboundMail).where(OutboundMail.recipient == "cy@example.org"))
    assert confirmation.subject == "Cadarnhau rhybuddion e-bost ar gyfer Twerton"
    for sub in subs.values():
        sub.confirmed_at = sub.digested_until = utcnow() - timedelta(days=1)
    db_session.commit()
    _public_update(db_session, neighbourhoods, "Wardens visit the verges on Fridays")
    assert send_digests(db_session, _site(app), utcnow()) == 2
    digests = {m.recipient: m for m in db_session.scalars(select(OutboundMail).where(
        OutboundMail.subject.contains("PACT")))}
    welsh, english = digests["cy@example.org"], digests["en@example.org"]
    assert welsh.subject == "Twerton: newyddion PACT ac arolygon"
    assert "Beth sy’n newydd yn Twerton ers" in welsh.body
    assert "Diweddariad ar Parking on verges" in welsh.body  # the priority's title as staff wrote it
    assert "Wardens visit the verges on Fridays" in welsh.body
    assert "Nid yw’r cyfarfod PACT nesaf wedi’i drefnu eto." in welsh.body
    assert "Stopio’r negeseuon e-bost hyn (un clic):" in welsh.body
    assert "What's new" not in welsh.body and "Update on" not in welsh.body
    welsh_months = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst",
                    "Medi", "Hydref", "Tachwedd", "Rhagfyr")
    assert any(month in welsh.body for month in welsh_months)
    assert english.subject == "Twerton: PACT and survey news"
    assert "What's new in Twerton since" in english.body and "Update on Parking on verges" in english.body
    assert "Stop these e-mails (one click):" in english.body and "Beth sy" not in english.body


def test_subscribing_again_in_another_language_switches_once_the_new_link_is_followed(
        app, client, db_session, neighbourhoods):
    """A confirmed subscriber who asks again from an English page keeps Welsh digests until they
    follow the new link, which opens in English; confirming there makes the digests English."""
    from portal.core.languages import writing_in
    from portal.models import OutboundMail
    from portal.subscriptions.alerts import confirm

    with writing_in("cy"):
        sub = subscribe(db_session, _site(app), neighbourhoods["twerton"], "gwen@example.org",
                        "weekly", utcnow())
    sub.confirmed_at = sub.digested_until = utcnow()
    db_session.commit()
    subscribe(db_session, _site(app), neighbourhoods["twerton"], "gwen@example.org", "immediate",
              utcnow())
    db_session.commit()
    assert sub.language == "cy"  # nothing changes until the new link is followed
    mails = db_session.scalars(select(OutboundMail).where(OutboundMail.recipient == "gwen@example.org")
                               .order_by(OutboundMail.id)).all()
    assert "lang=cy" in mails[0].body and "lang=en" in mails[1].body
    link = re.search(r"/alerts/confirm/\S+", mails[1].body).group(0)
    assert link.endswith("?lang=en")
    assert client.post(link).status_code == 200
    db_session.refresh(sub)
    assert (sub.language, sub.frequency) == ("en", "immediate")
    token = link.split("/alerts/confirm/")[1].split("?")[0]
    confirm(db_session, _site(app), token, utcnow())  # no language given: the one kept stays
    assert sub.language == "en"
