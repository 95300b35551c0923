"""Drafts: tokens are random, shown once and stored only as sha256; resume rotates the session token."""

from __future__ import annotations

from datetime import timedelta

from portal.core.clock import utcnow
from portal.models import Neighbourhood
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


def test_a_new_neighbourhood_is_offered_at_once(db_session, wave, neighbourhoods):
    """The neighbourhood question's options are read from the database on each request, so a
    neighbourhood added by the partnership is offered on the next page without a restart."""
    def offered() -> list[str]:
        questionnaire = waves.wave_questionnaire(db_session, wave)
        return [option.code for option in questionnaire.question("neighbourhood").options]

    assert "twerton" in offered() and "new-town" not in offered()
    db_session.add(Neighbourhood(slug="new-town", name="New Town", area_class="urban"))
    db_session.commit()
    assert "new-town" in offered()
    assert waves.neighbourhood_id(db_session, "new-town") is not None
    assert waves.neighbourhood_id(db_session, "") is None
