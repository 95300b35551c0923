"""A resident's answers between pages, without an account.

Each draft has two random tokens, both stored only as sha256 hashes:

* the *session token*, kept in the resident's (signed) Flask session cookie, so the cookie stays a
  few dozen bytes whatever the questionnaire's size;
* the *resume token*, made when the resident asks to save and come back later, shown once as a
  private link. Asking again replaces it, so only the newest link works.

A draft is deleted in the transaction that records its response. An unfinished draft lives for
RETENTION_DRAFT_DAYS after it was last changed (`lifetime`): it resumes until then, and the
retention schedule (`portal.privacy.retention.survey_drafts`) deletes it after that.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.core.clock import utcnow
from portal.core.config import RETENTION_SETTINGS
from portal.models import SurveyDraft, Wave

SETTING = "RETENTION_DRAFT_DAYS"


def lifetime(config: Mapping) -> timedelta:
    """How long a draft is kept after it was last changed: the retention schedule's
    RETENTION_DRAFT_DAYS, the one setting for it."""
    default, _unit = RETENTION_SETTINGS[SETTING]
    return timedelta(days=int(config.get(SETTING, default)))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def start_draft(session: Session, wave: Wave, *, lifetime: timedelta, invitation_id: int | None = None,
                now: datetime | None = None) -> tuple[SurveyDraft, str]:
    """A new empty draft and its session token (the caller keeps the token; only its hash is saved);
    it expires `lifetime` from now unless changed."""
    now = now or utcnow()
    token = new_token()
    draft = SurveyDraft(session_token_hash=token_hash(token), wave_id=wave.id,
                        invitation_id=invitation_id, answers={}, current_page="",
                        created_at=now, updated_at=now, expires_at=now + lifetime)
    session.add(draft)
    session.flush()
    return draft, token


def draft_for_session(session: Session, wave: Wave, token: str | None,
                      now: datetime | None = None) -> SurveyDraft | None:
    """The live draft for this wave whose session token is ``token``, or None."""
    if not token:
        return None
    draft = session.scalar(select(SurveyDraft).where(
        SurveyDraft.session_token_hash == token_hash(token), SurveyDraft.wave_id == wave.id))
    if draft is None or draft.expires_at <= (now or utcnow()):
        return None
    return draft


def save_answers(draft: SurveyDraft, answers: dict[str, Any], page_id: str, *, lifetime: timedelta,
                 now: datetime | None = None) -> None:
    """Replace the draft's answers (JSON-safe: tuples become lists), note where the resident is, and
    keep the draft for `lifetime` from now."""
    now = now or utcnow()
    draft.answers = {key: list(value) if isinstance(value, tuple) else value
                     for key, value in answers.items()}
    draft.current_page = page_id
    draft.updated_at = now
    draft.expires_at = now + lifetime


def stored_answers(draft: SurveyDraft) -> dict[str, Any]:
    """The draft's answers in the form the surveys package uses (lists back to tuples)."""
    return {key: tuple(value) if isinstance(value, list) else value
            for key, value in (draft.answers or {}).items()}


def issue_resume_token(draft: SurveyDraft) -> str:
    """A new private resume token for the draft; any earlier resume link stops working."""
    token = new_token()
    draft.resume_token_hash = token_hash(token)
    return token


def resume_draft(session: Session, token: str, *, lifetime: timedelta,
                 now: datetime | None = None) -> tuple[SurveyDraft, str] | None:
    """Follow a resume link: the draft and a fresh session token for this browser, or None if the
    link is unknown or expired. The old session token stops working (a shared computer's earlier
    session cannot keep writing to the draft). Like saving, resuming keeps the draft for `lifetime`
    from now, so its expiry stays `lifetime` after it was last changed (what retention deletes by)."""
    now = now or utcnow()
    draft = session.scalar(select(SurveyDraft).where(SurveyDraft.resume_token_hash == token_hash(token)))
    if draft is None or draft.expires_at <= now:
        return None
    session_token = new_token()
    draft.session_token_hash = token_hash(session_token)
    draft.updated_at = now
    draft.expires_at = now + lifetime
    return draft, session_token
