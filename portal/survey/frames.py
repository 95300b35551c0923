"""A wave's responses as a data frame in the contract's wide format (export = import = analysis input).

One row per response: ``response_id, wave, neighbourhood, mode, submitted_at`` (ISO 8601, UTC), then
one text column per question field (grid rows each their own column), blank string = no answer.
Only answers are read: panel members, invitations and contact details are never joined in.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

import surveys
from portal.models import Neighbourhood, Response, Wave
from portal.survey.waves import wave_questionnaire


def load_wave_frame(session: Session, wave: Wave,
                    questionnaire: surveys.Questionnaire | None = None) -> pd.DataFrame:
    """Every response of ``wave`` in the wide format, ordered by submission time then id."""
    questionnaire = questionnaire or wave_questionnaire(session, wave)
    result = session.execute(
        select(Response.uid, Response.mode, Response.submitted_at, Response.answers, Neighbourhood.slug)
        .outerjoin(Neighbourhood, Neighbourhood.id == Response.neighbourhood_id)
        .where(Response.wave_id == wave.id)
        .order_by(Response.submitted_at, Response.id))
    rows = []
    for uid, mode, submitted_at, answers, slug in result:
        answers = dict(answers or {})
        if slug:
            answers["neighbourhood"] = slug
        rows.append(surveys.wide_row_from_answers(
            questionnaire, answers, response_id=uid, wave=wave.slug, mode=mode,
            submitted_at=submitted_at.isoformat() if submitted_at else ""))
    return pd.DataFrame(rows, columns=surveys.wide_columns(questionnaire), dtype=object)
