"""A resident's answers between pages, without an account.

Each draft has two random tokens, both stored only as sha256 hashes:

* the *session token*, kept in the resident's (signed) Flask session cookie, so the cookie stays a
  few dozen bytes whatever the questionnaire's size;
* the *resume token*, made when the resident asks to save and come back later, shown once as a
  private link. Asking again replaces it, so only the newest link works.

A draft is deleted in the transaction that records its response.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.core.clock import utcnow
from portal.models import SurveyDraft, Wave

DRAFT_LIFETIME = timedelta(days=28)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def start_draft(session: Session, wave: Wave, invitation_id: int | None = None,
                now: datetime | None = None) -> tuple[SurveyDraft, str]:
    """A new empty draft and its session token (the caller keeps the token; only its hash is saved)."""
    now = now or utcnow()
    token = new_token()
    draft = SurveyDraft(session_token_hash=token_hash(token), wave_id=wave.id,
                        invitation_id=invitation_id, answers={}, current_page="",
                        created_at=now, updated_at=now, expires_at=now + DRAFT_LIFETIME)
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


def save_answers(draft: SurveyDraft, answers: dict[str, Any], page_id: str,
                 now: datetime | None = None) -> None:
    """Replace the draft's answers (JSON-safe: tuples become lists) and note where the resident is."""
    now = now or utcnow()
    draft.answers = {key: list(value) if isinstance(value, tuple) else value
                     for key, value in answers.items()}
    draft.current_page = page_id
    draft.updated_at = now
    draft.expires_at = now + DRAFT_LIFETIME


def stored_answers(draft: SurveyDraft) -> dict[str, Any]:
    """The draft's answers in the form the surveys package uses (lists back to tuples)."""
    return {key: tuple(value) if isinstance(value, list) else value
            for key, value in (draft.answers or {}).items()}


def issue_resume_token(draft: SurveyDraft) -> str:
    """A new private resume token for the draft; any earlier resume link stops working."""
    token = new_token()
    draft.resume_token_hash = token_hash(token)
    return token


def resume_draft(session: Session, token: str, now: datetime | None = None) -> tuple[SurveyDraft, str] | None:
    """Follow a resume link: the draft and a fresh session token for this browser, or None if the
    link is unknown or expired. The old session token stops working (a shared computer's earlier
    session cannot keep writing to the draft)."""
    draft = session.scalar(select(SurveyDraft).where(SurveyDraft.resume_token_hash == token_hash(token)))
    if draft is None or draft.expires_at <= (now or utcnow()):
        return None
    session_token = new_token()
    draft.session_token_hash = token_hash(session_token)
    return draft, session_token


def delete_expired_drafts(session: Session, now: datetime | None = None) -> int:
    result = session.execute(delete(SurveyDraft).where(SurveyDraft.expires_at <= (now or utcnow())))
    return result.rowcount or 0
