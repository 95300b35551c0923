"""Bulk panel mail as jobs (`portal.survey.jobs`): chunked, and safe to run again after dying half
way: nobody is invited twice, nobody is reminded twice in one round."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.core.clock import utcnow
from portal.models import Invitation, Neighbourhood, OutboundMail, PanelMember
from portal.survey import jobs as panel_jobs

TEMPLATE = f"https://voicebox.example.org/survey/w/invitation/{panel_jobs.TOKEN_SLOT}"


class Killed(BaseException):
    """Stands for SIGKILL between two chunks."""


@pytest.fixture
def panel_wave(make_wave, db_session):
    wave = make_wave("2012-13", panel=True, open_link=False)
    place = db_session.scalar(select(Neighbourhood.id))
    db_session.add_all(PanelMember(wave_id=wave.id, external_id=f"M{i}", email=f"m{i}@example.org",
                                   neighbourhood_id=place) for i in range(5))
    db_session.commit()
    return wave


def _mail_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(OutboundMail))


def test_invitations_go_in_chunks_and_a_second_run_carries_on(app, panel_wave, db_session,
                                                              monkeypatch):
    monkeypatch.setattr(panel_jobs, "CHUNK", 2)
    deliver = panel_jobs.deliver_pending
    calls = []

    def deliver_then_die(session, config):
        deliver(session, config)
        calls.append(1)
        if len(calls) == 2:
            raise Killed

    monkeypatch.setattr(panel_jobs, "deliver_pending", deliver_then_die)
    with app.app_context(), pytest.raises(Killed):
        panel_jobs.send_invitations_job(panel_wave.id, TEMPLATE)
    assert _mail_count(db_session) == 4  # two chunks committed before the "kill"
    monkeypatch.setattr(panel_jobs, "deliver_pending", deliver)
    with app.app_context():
        assert panel_jobs.send_invitations_job(panel_wave.id, TEMPLATE) == 1
        assert panel_jobs.send_invitations_job(panel_wave.id, TEMPLATE) == 0
    mails = db_session.scalars(select(OutboundMail)).all()
    assert sorted(m.recipient for m in mails) == [f"m{i}@example.org" for i in range(5)]
    assert {m.status for m in mails} == {"recorded"}
    link = re.search(r"https://voicebox\.example\.org/survey/w/invitation/(\S+)", mails[0].body)
    assert link and panel_jobs.TOKEN_SLOT not in mails[0].body


def test_a_reminder_round_run_twice_reminds_each_non_responder_once(app, panel_wave, db_session):
    with app.app_context():
        panel_jobs.send_invitations_job(panel_wave.id, TEMPLATE)
        round_at = utcnow().isoformat()
        assert panel_jobs.send_reminders_job(panel_wave.id, TEMPLATE, round_at) == 5
        assert panel_jobs.send_reminders_job(panel_wave.id, TEMPLATE, round_at) == 0
        assert panel_jobs.send_reminders_job(panel_wave.id, TEMPLATE, utcnow().isoformat()) == 5
    assert _mail_count(db_session) == 15
    assert db_session.scalar(select(func.count()).select_from(Invitation)) == 5


def test_a_link_template_without_the_slot_is_refused():
    with pytest.raises(ValueError, match="INVITATION-TOKEN"):
        panel_jobs.link_builder("https://voicebox.example.org/survey/w/invitation/")
