"""The demo's Voicebox panel: members invited and reminded, some answered, a few left."""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import func, select

from portal.models import (
    Invitation,
    IssueContact,
    Neighbourhood,
    OutboundMail,
    PanelMember,
    PanelOptOut,
    Response,
    Wave,
)
from portal.survey.drafts import token_hash


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_the_open_wave_has_a_panel_at_work(app, seeded, db_session):
    wave = db_session.scalar(select(Wave).where(Wave.panel_mode))
    members = db_session.scalars(select(PanelMember).where(PanelMember.wave_id == wave.id)).all()
    assert 1900 <= len(members) <= 2100
    assert all(m.email.endswith("@example.org") for m in members if not m.opted_out_at)
    per_place = Counter(m.neighbourhood_id for m in members)
    assert len(per_place) == _count(db_session, Neighbourhood) and min(per_place.values()) >= 50
    assert len({m.recruited_on.year for m in members}) >= 4  # recruited in different years
    bands = Counter(m.age_band for m in members if not m.opted_out_at)
    assert len(bands) == 8 and 0.05 * len(members) <= bands[None] <= 0.15 * len(members)  # 7 bands, not known
    left = [m for m in members if m.opted_out_at]
    assert 0.005 * len(members) <= len(left) <= 0.03 * len(members)
    assert all(m.email == "" for m in left) and _count(db_session, PanelOptOut) == len(left)
    invitations = db_session.scalars(select(Invitation)).all()
    used = [i for i in invitations if i.used_at]
    assert len(invitations) == len(members) and 0.2 * len(members) <= len(used) <= 0.5 * len(members)
    answered = db_session.scalar(select(func.count()).where(Response.wave_id == wave.id))
    assert answered == len(used)  # the panel's answers and the wave's responses agree
    reminded = [i for i in invitations if i.reminded_at]
    assert reminded and not any(i.used_at and i.used_at < i.reminded_at for i in reminded)
    # the outbox also holds this year's follow-up questions to residents who raised issues (demo.pact)
    residents = select(IssueContact.email)
    mails = db_session.scalars(select(OutboundMail).where(OutboundMail.recipient.not_in(residents))).all()
    assert len(mails) == len(invitations) + len(reminded)
    hashes = {i.token_hash for i in invitations}
    for mail in mails:
        assert mail.status == "sent" and "[survey link removed after sending]" in mail.body
        assert "/survey/leave-the-panel/" in mail.body and "/invitation/" not in mail.body
    words = {w for m in mails for w in re.findall(r"[A-Za-z0-9_-]{30,}", m.body)}
    assert not {token_hash(w) for w in words} & hashes
    # the demo's links work in the app that loaded it
    path = re.search(r"http://[^/]+(/survey/leave-the-panel/\S+)", mails[0].body).group(1)
    assert "Stop inviting me" in app.test_client().get(path).get_data(as_text=True)
