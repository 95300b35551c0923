"""Leaving the Voicebox panel (`portal.survey.opt_out`): the "stop inviting me" link in every
invitation and reminder (GET asks, POST records), kept panel-wide as a keyed hash; uploads refuse
an address twice on a wave and skip addresses that left; reminders skip them; the outbox keeps no
usable survey link once a message is sent."""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, datetime

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from portal.core.jobs import wait_for_jobs
from portal.core.mail import SURVEY_LINK_REMOVED, deliver_pending
from portal.models import Invitation, OutboundMail, PanelExit, PanelMember, PanelOptOut
from portal.privacy.retention import panel_contacts
from portal.privacy.subject_access import erase_person
from portal.survey import opt_out
from portal.survey.drafts import token_hash
from tests.portal.survey.conftest import location

MEMBERS = b"id,email,neighbourhood\r\nM1,one@example.org,Twerton\r\nM2,two@example.org,Keynsham\r\n"
LEAVE = re.compile(r"https?://[^/\s]+(/survey/leave-the-panel/\S+)")


def _upload(admin, wave, data: bytes):
    return admin.post(f"/admin/waves/{wave.slug}/panel", data={"file": (io.BytesIO(data), "panel.csv")},
                      content_type="multipart/form-data")


@pytest.fixture
def invited(app, signed_in, make_wave, db_session):
    """A panel wave with two members, both invited; returns (admin client, wave)."""
    wave = make_wave("2012-13", panel=True, open_link=False)
    admin = signed_in("admin")
    location(_upload(admin, wave, MEMBERS))
    location(admin.post(f"/admin/waves/{wave.slug}/panel/invitations"))
    wait_for_jobs(app)
    return admin, wave


def _leave_path(db_session, recipient: str) -> str:
    body = db_session.scalar(select(OutboundMail.body).where(OutboundMail.recipient == recipient)
                             .order_by(OutboundMail.id.desc()))
    return LEAVE.search(body).group(1)


def _count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def test_the_link_asks_on_get_and_records_on_post_once(app, invited, db_session):
    mail = db_session.scalar(select(OutboundMail).where(OutboundMail.recipient == "one@example.org"))
    assert "stop all invitations" in mail.body
    assert mail.headers["List-Unsubscribe"].startswith("<http") and "List-Unsubscribe-Post" in mail.headers
    path = _leave_path(db_session, "one@example.org")
    resident = app.test_client()
    page = resident.get(path)  # what a mail scanner does: nothing may change
    assert page.status_code == 200 and "Stop inviting me" in page.get_data(as_text=True)
    assert _count(db_session, PanelOptOut) == 0
    member = db_session.scalar(select(PanelMember).where(PanelMember.external_id == "M1"))
    assert member.opted_out_at is None and member.email == "one@example.org"
    done = resident.post(path).get_data(as_text=True)
    assert "You left the panel on" in done
    db_session.expire_all()
    record = db_session.scalars(select(PanelOptOut)).one()
    assert record.reason == PanelExit.LINK and "one@example.org" not in record.address_hash
    assert record.address_hash == opt_out.address_hash("ONE@example.org ", app.config["SECRET_KEY"])
    member = db_session.get(PanelMember, member.id)
    assert member.opted_out_at is not None and member.email == ""
    other = db_session.scalar(select(PanelMember).where(PanelMember.external_id == "M2"))
    assert other.opted_out_at is None and other.email == "two@example.org"
    again = resident.post(path)  # idempotent: says "already", changes nothing
    assert again.status_code == 200 and "already left the panel" in again.get_data(as_text=True)
    assert "already left the panel" in resident.get(path).get_data(as_text=True)
    assert _count(db_session, PanelOptOut) == 1


@pytest.mark.parametrize("damage", [
    lambda token: token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),  # signature altered
    lambda token: token[: len(token) // 2],  # cut off
    lambda token: "not-a-token",
])
def test_tampered_links_get_a_clear_page_and_change_nothing(app, invited, db_session, damage):
    path = _leave_path(db_session, "one@example.org")
    head, token = path.rsplit("/", 1)
    for method in ("get", "post"):
        response = getattr(app.test_client(), method)(f"{head}/{damage(token)}")
        assert response.status_code == 400
        assert "not complete or has been changed" in response.get_data(as_text=True)
    assert _count(db_session, PanelOptOut) == 0
    assert not db_session.scalar(select(func.count()).where(PanelMember.opted_out_at.is_not(None)))


def test_an_expired_link_gets_a_clear_page_and_changes_nothing(app, invited, db_session, monkeypatch):
    member = db_session.scalar(select(PanelMember).where(PanelMember.external_id == "M1"))
    old = int(time.time()) - (opt_out.LINK_DAYS + 1) * 86400
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: old)
    with app.app_context():
        path = "/survey/leave-the-panel/" + opt_out.leave_token(member, opt_out.Keys.from_config(app.config))
    monkeypatch.undo()
    response = app.test_client().post(path)
    assert response.status_code == 400 and "This link has expired" in response.get_data(as_text=True)
    assert _count(db_session, PanelOptOut) == 0


def test_an_address_that_left_is_skipped_by_later_uploads_and_never_invited(app, invited, make_wave,
                                                                            db_session):
    admin, _wave = invited
    app.test_client().post(_leave_path(db_session, "one@example.org"))
    later = make_wave("2013-14", panel=True, open_link=False)
    three = MEMBERS.replace(b"one@example.org", b"One@Example.org") + b"M3,three@example.org,Twerton\r\n"
    response = admin.post(f"/admin/waves/{later.slug}/panel", data={"file": (io.BytesIO(three), "p.csv")},
                          content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Added 2 panel members" in page
    assert "1 address left the panel and was not added" in page
    emails = set(db_session.scalars(select(PanelMember.email).where(PanelMember.wave_id == later.id)))
    assert emails == {"two@example.org", "three@example.org"}
    location(admin.post(f"/admin/waves/{later.slug}/panel/invitations"))
    wait_for_jobs(app)
    recipients = db_session.scalars(select(OutboundMail.recipient)).all()
    assert "one@example.org" not in recipients  # never invited again (the first invitation's row
    assert recipients.count("") == 1  # stays, without the address)


def test_an_address_twice_in_the_file_is_refused_naming_the_rows(invited, make_wave, db_session):
    admin, _wave = invited
    later = make_wave("2013-14", panel=True, open_link=False)
    twice = MEMBERS + b"M3,TWO@example.org,Twerton\r\n"
    response = _upload(admin, later, twice)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nothing was added" in page
    assert "TWO@example.org is also in row 3" in page
    assert not db_session.scalar(select(func.count()).where(PanelMember.wave_id == later.id))


def test_an_address_or_id_already_on_the_wave_is_refused_naming_the_rows(invited, db_session):
    admin, wave = invited
    again = _upload(admin, wave, MEMBERS)  # the same file twice
    page = again.get_data(as_text=True)
    assert again.status_code == 400 and "Nothing was added" in page
    assert "one@example.org is already on this wave&#39;s panel (panel id M1)" in page
    assert "Panel id M2 is already on this wave&#39;s panel" in page
    other_ids = b"id,email,neighbourhood\r\nM7,new@example.org,Twerton\r\nM8,Two@Example.org,Twerton\r\n"
    page = _upload(admin, wave, other_ids).get_data(as_text=True)
    assert "Two@example.org is already on this wave&#39;s panel (panel id M2)" in page
    assert "new@example.org" not in page.split("Problems found")[1].split("</table>")[0]
    assert _count(db_session, PanelMember) == 2  # all or nothing


def test_reminders_skip_members_who_left(app, invited, db_session):
    admin, wave = invited
    app.test_client().post(_leave_path(db_session, "one@example.org"))
    listing = admin.get(f"/admin/waves/{wave.slug}/panel/non-responders").get_data(as_text=True)
    assert "1 invited member on the panel has not answered" in listing
    assert 'class="panel-left"' in listing and "Left the panel on" in listing
    before = _count(db_session, OutboundMail)
    location(admin.post(f"/admin/waves/{wave.slug}/panel/reminders"))
    wait_for_jobs(app)
    reminders = db_session.scalars(select(OutboundMail).where(OutboundMail.id > before)).all()
    assert [m.recipient for m in reminders] == ["two@example.org"]
    csv = admin.get(f"/admin/waves/{wave.slug}/panel/non-responders?format=csv").data
    assert b"two@example.org" in csv and b"M1" not in csv
    panel_page = admin.get(f"/admin/waves/{wave.slug}/panel").get_data(as_text=True)
    assert "1</strong> left the panel" in panel_page and 'class="panel-left"' in panel_page


def test_once_sent_no_mail_body_holds_a_usable_survey_token(app, invited, db_session, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message.get_content())

    monkeypatch.setattr("portal.core.mail.smtplib.SMTP", FakeSMTP)
    # the invitations are only recorded (no MAIL_SERVER): their links are still there
    db_session.execute(OutboundMail.__table__.update().values(status="pending"))
    db_session.commit()
    app.config["MAIL_SERVER"] = "smtp.example.org"
    with app.app_context():
        assert deliver_pending(db_session, app.config) == 2
    hashes = set(db_session.scalars(select(Invitation.token_hash)))
    tokens = [re.search(r"/invitation/(\S+)", body).group(1) for body in sent]
    assert {token_hash(t) for t in tokens} == hashes  # the people got working links
    db_session.expire_all()
    for mail in db_session.scalars(select(OutboundMail)):
        assert mail.status == "sent" and SURVEY_LINK_REMOVED in mail.body
        assert "/invitation/" not in mail.body and LEAVE.search(mail.body)  # the opt-out link stays
        assert not any(token in mail.body for token in tokens)
        words = set(re.findall(r"[A-Za-z0-9_-]{20,}", mail.body))
        assert not {token_hash(word) for word in words} & hashes


def test_erasure_ends_membership_and_keeps_the_address_off_every_later_wave(app, invited, make_wave,
                                                                            db_session):
    admin, _wave = invited
    counts = erase_person(db_session, "Two@example.org", app.config["SECRET_KEY"])
    db_session.commit()
    assert counts["panel_memberships"] == 1
    assert db_session.scalars(select(PanelOptOut)).one().reason == PanelExit.ERASURE
    later = make_wave("2013-14", panel=True, open_link=False)
    page = admin.post(f"/admin/waves/{later.slug}/panel", data={"file": (io.BytesIO(MEMBERS), "p.csv")},
                      content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "Added 1 panel member." in page and "1 address left the panel" in page
    erase_page = admin.post("/admin/people/erase", data={"email": "one@example.org"}).get_data(as_text=True)
    assert "keyed hash" in erase_page and "cannot invite it again" in erase_page


def test_retention_blanks_any_member_who_left_but_still_has_an_address(invited, db_session):
    member = db_session.scalar(select(PanelMember).where(PanelMember.external_id == "M2"))
    member.opted_out_at = member.created_at
    db_session.commit()
    assert panel_contacts(db_session, datetime(2000, 1, 1, tzinfo=UTC), dry_run=False) == 1
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(PanelMember, member.id).email == ""
    assert panel_contacts(db_session, datetime(2000, 1, 1, tzinfo=UTC), dry_run=False) == 0


def test_leaving_cancels_waiting_panel_mail_and_forgets_the_address_in_sent_mail(app, invited, db_session):
    """A reminder queued but not yet sent when the member leaves is not sent, and the invitation
    already sent keeps no address; other mail to them stays."""
    path = _leave_path(db_session, "one@example.org")
    wave_link = f"https://voicebox.example.org/survey/2012-13/invitation/abc123 (stop: {path})"
    db_session.add_all([
        OutboundMail(recipient="One@example.org", subject="Reminder", body=f"Answer: {wave_link}",
                     status="pending"),
        OutboundMail(recipient="one@example.org", subject="Your PACT issue", body="Acknowledged",
                     status="pending"),
        OutboundMail(recipient="two@example.org", subject="Reminder", body=f"Answer: {wave_link}",
                     status="pending")])
    db_session.commit()
    assert app.test_client().post(path).status_code == 200
    db_session.expire_all()
    waiting = db_session.execute(select(OutboundMail.recipient, OutboundMail.subject)
                                 .where(OutboundMail.status == "pending").order_by(OutboundMail.id)).all()
    assert [tuple(row) for row in waiting] == [("one@example.org", "Your PACT issue"),
                                               ("two@example.org", "Reminder")]
    sent = select(OutboundMail.recipient).where(OutboundMail.status != "pending")
    recipients = db_session.scalars(sent).all()
    assert "one@example.org" not in recipients and "" in recipients and "two@example.org" in recipients


def test_leaving_cancels_panel_mail_waiting_for_a_retry(app, invited, db_session):
    """A reminder that failed and waits to be tried again is not sent after the member left."""
    path = _leave_path(db_session, "one@example.org")
    db_session.add(OutboundMail(recipient="one@example.org", subject="Reminder",
                                body=f"Answer: https://voicebox.example.org/x (stop: {path})",
                                status="failed", attempts=1, next_attempt_at=datetime.now(UTC)))
    db_session.commit()
    assert app.test_client().post(path).status_code == 200
    db_session.expire_all()
    assert "Reminder" not in db_session.scalars(select(OutboundMail.subject)).all()


def test_the_age_band_goes_with_the_address_and_subject_access_shows_it(app, invited, db_session):
    """Leaving, erasure and retention each blank the band: its one use is choosing whom to remind."""
    from portal.privacy.subject_access import find_person

    members = {m.external_id: m for m in db_session.scalars(select(PanelMember))}
    for member in members.values():
        member.age_band = "16_24"
    db_session.commit()
    held = find_person(db_session, "one@example.org")
    assert [m["age_band"] for m in held.panel] == ["16_24"]
    assert app.test_client().post(_leave_path(db_session, "one@example.org")).status_code == 200
    erase_person(db_session, "two@example.org", app.config["SECRET_KEY"])
    db_session.commit()
    db_session.expire_all()
    assert {m.external_id: (m.email, m.age_band) for m in db_session.scalars(select(PanelMember))} == {
        "M1": ("", None), "M2": ("", None)}


def test_retention_blanks_the_age_band_with_the_address(invited, db_session):
    for member in db_session.scalars(select(PanelMember)):
        member.age_band = "75_plus"
    db_session.commit()
    assert panel_contacts(db_session, datetime(2999, 1, 1, tzinfo=UTC), dry_run=False) == 2
    db_session.commit()
    db_session.expire_all()
    assert [(m.email, m.age_band) for m in db_session.scalars(select(PanelMember))] == [("", None)] * 2
