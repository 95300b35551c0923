"""Drafts: tokens are random, shown once and stored only as sha256; resume rotates the session token."""

from __future__ import annotations

from datetime import timedelta

from portal.models import Neighbourhood, utcnow
from portal.survey import drafts, waves


def test_tokens_are_hashed_and_resume_rotates_the_session_token(db_session, wave):
    draft, session_token = drafts.start_draft(db_session, wave)
    drafts.save_answers(draft, {"car_use": "yes", "several": ("a", "b")}, "feeling-safe")
    resume_token = drafts.issue_resume_token(draft)
    db_session.commit()
    assert session_token != resume_token
    assert draft.session_token_hash == drafts.token_hash(session_token)
    assert draft.resume_token_hash == drafts.token_hash(resume_token)
    assert drafts.draft_for_session(db_session, wave, session_token) is draft
    assert drafts.stored_answers(draft)["several"] == ("a", "b")
    found, new_session_token = drafts.resume_draft(db_session, resume_token)
    assert found is draft and drafts.draft_for_session(db_session, wave, session_token) is None
    assert drafts.draft_for_session(db_session, wave, new_session_token) is draft
    # A new resume link replaces the old one.
    drafts.issue_resume_token(draft)
    assert drafts.resume_draft(db_session, resume_token) is None


def test_expired_drafts_are_not_found_and_are_deleted(db_session, wave):
    _draft, token = drafts.start_draft(db_session, wave, now=utcnow() - timedelta(days=60))
    db_session.commit()
    assert drafts.draft_for_session(db_session, wave, token) is None
    assert drafts.delete_expired_drafts(db_session) == 1


def test_wave_and_draft_reads_the_wave_and_only_its_own_live_draft(db_session, make_wave):
    wave = make_wave("2011-12")
    other = make_wave("2012-13")
    draft, token = drafts.start_draft(db_session, wave)
    drafts.save_answers(draft, {"several": ("a", "b")}, "check")
    _expired, expired_token = drafts.start_draft(db_session, wave, now=utcnow() - timedelta(days=60))
    _elsewhere, other_token = drafts.start_draft(db_session, other)
    db_session.commit()

    found_wave, snapshot = waves.wave_and_draft(db_session, "2011-12", token)
    assert (found_wave.id, found_wave.slug, found_wave.questionnaire.slug) == (
        wave.id, "2011-12", wave.questionnaire.slug)
    assert (snapshot.id, snapshot.current_page) == (draft.id, "check")
    assert drafts.stored_answers(snapshot)["several"] == ("a", "b")
    for missing in (None, "", "not-a-token", expired_token, other_token):
        found_wave, snapshot = waves.wave_and_draft(db_session, "2011-12", missing)
        assert found_wave.id == wave.id and snapshot is None
    assert waves.wave_and_draft(db_session, "no-such-wave", token) == (None, None)


def test_neighbourhood_list_is_kept_until_forgotten(db_session, neighbourhoods):
    waves.forget_neighbourhoods()
    before = waves.neighbourhood_rows(db_session)
    db_session.add(Neighbourhood(slug="new-town", name="New Town", area_class="urban"))
    db_session.commit()
    assert waves.neighbourhood_rows(db_session) == before  # kept: read at most once a minute
    waves.forget_neighbourhoods()
    assert "new-town" in [slug for slug, _, _ in waves.neighbourhood_rows(db_session)]
