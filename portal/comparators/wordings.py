"""The words a wave asked: the comparator check compares them with the published question's."""

from __future__ import annotations

from sqlalchemy.orm import Session

import surveys
from portal.survey.queries import wave_by_slug
from portal.survey.waves import frozen_questionnaire


def wave_wordings(session: Session, slug: str) -> dict[str, str]:
    """Question id -> text in the questionnaire version the wave froze (empty if it has none)."""
    wave = wave_by_slug(session, slug)
    if wave is None or wave.questionnaire is None:
        return {}
    try:
        questionnaire = frozen_questionnaire(wave.questionnaire)
    except surveys.QuestionnaireError:
        return {}
    return {q.id: q.text for q in questionnaire.questions}
