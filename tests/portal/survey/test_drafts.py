"""Drafts: tokens are random, shown once and stored only as sha256; resume rotates the session token."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from portal.core.clock import utcnow
from portal.core.extensions import db
from portal.models import Neighbourhood, SurveyDraft
from portal.privacy.retention import run_retention
from portal.survey import drafts, queries, waves
from tests.portal.survey.conftest import location, start

DAYS = timedelta(days=30)  # RETENTION_DRAFT_DAYS's default


def test_tokens_are_hashed_and_resume_rotates_the_session_token(db_session, wave):
    draft, session_token = drafts.start_draft(db_session, wave, lifetime=DAYS)
    drafts.save_answers(draft, {"car_use": "yes", "several": ("a", "b")}, "feeling-safe", lifetime=DAYS)
    resume_token = drafts.issue_resume_token(draft)
    db_session.commit()
    assert session_token != resume_token
    assert draft.session_token_hash == drafts.token_hash(session_token)
    assert draft.resume_token_hash == drafts.token_hash(resume_token)
    assert drafts.draft_for_session(db_session, wave, session_token) is draft
    assert drafts.stored_answers(draft)["several"] == ("a", "b")
    found, new_session_token = drafts.resume_draft(db_session, resume_token, lifetime=DAYS)
    assert found is draft and drafts.draft_for_session(db_session, wave, session_token) is None
    assert drafts.draft_for_session(db_session, wave, new_session_token) is draft
    # A new resume link replaces the old one.
    drafts.issue_resume_token(draft)
    assert drafts.resume_draft(db_session, resume_token, lifetime=DAYS) is None


def test_expired_drafts_are_not_found_and_retention_deletes_them(app, db_session, wave):
    _draft, token = drafts.start_draft(db_session, wave, lifetime=DAYS, now=utcnow() - timedelta(days=60))
    db_session.commit()
    assert drafts.draft_for_session(db_session, wave, token) is None
    with app.app_context():
        assert run_retention(db.transaction, app.config, utcnow())["survey_drafts"] == 1


def _age(db_session, days: int) -> None:
    """Every draft as if it had been last changed `days` days earlier than it was."""
    shift = timedelta(days=days)
    db_session.expire_all()
    for draft in db_session.scalars(select(SurveyDraft)):
        draft.created_at, draft.updated_at = draft.created_at - shift, draft.updated_at - shift
        draft.expires_at -= shift
    db_session.commit()


def _saved_link(client, app, wave) -> tuple[str, str]:
    """Start, save on the first page: the saved page and the private link's path."""
    page = client.post(start(client, wave), data={"action": "save"}).get_data(as_text=True)
    base = app.config["PUBLIC_BASE_URL"]
    link = re.search(rf'href="{re.escape(base)}(/survey/resume/[^"]+)"', page).group(1)
    return page, link


def test_a_draft_lives_for_retention_draft_days_and_the_pages_say_so(client, app, wave, db_session):
    """One lifetime: RETENTION_DRAFT_DAYS (30 by default), not a second one of 28 days."""
    assert "for 30 days so that you can finish later" in client.get(f"/survey/{wave.slug}/").get_data(
        as_text=True)
    page, link = _saved_link(client, app, wave)
    assert "30 days. If you ask for a new link" in page
    _age(db_session, 29)
    assert "/questions/" in location(app.test_client().get(link))  # 29 days old: it still resumes
    _age(db_session, 31)  # resuming kept it 30 days more; 31 days later it has gone
    gone = app.test_client().get(link)
    assert gone.status_code == 404 and "Saved answers are kept for 30 days" in gone.get_data(as_text=True)
    with app.app_context():
        assert run_retention(db.transaction, app.config, utcnow())["survey_drafts"] == 1


def test_a_shorter_setting_is_what_residents_are_told_and_what_applies(client, app, wave, db_session):
    app.config["RETENTION_DRAFT_DAYS"] = 10
    assert "for 10 days so that you can finish later" in client.get(f"/survey/{wave.slug}/").get_data(
        as_text=True)
    page, link = _saved_link(client, app, wave)
    assert "10 days. If you ask for a new link" in page
    _age(db_session, 11)
    assert app.test_client().get(link).status_code == 404


def test_starting_the_survey_leaves_other_drafts_to_the_retention_schedule(client, app, wave, db_session):
    """A resident's click does not run the schedule for everyone: only `retention run` deletes."""
    drafts.start_draft(db_session, wave, lifetime=DAYS, now=utcnow() - timedelta(days=60))
    db_session.commit()
    start(client, wave)
    assert db_session.scalar(select(func.count()).select_from(SurveyDraft)) == 2


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
    assert queries.neighbourhood_id(db_session, "new-town") is not None
    assert queries.neighbourhood_id(db_session, "") is None
