"""The portal path checks a wave's answers against its questionnaire's codes before weighting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.models import Response
from portal.reports.data import ReportError, load_analysis


def test_an_answer_that_is_not_a_code_stops_the_analysis(survey, db_session):
    wave = survey["waves"]["2010-11"]
    template = db_session.scalars(select(Response).where(Response.wave_id == wave.id)).first()
    for n, label in enumerate(["Strongly agree", "Strongly agree", "Agree"]):
        answers = {**template.answers, "police_council_dealing": label}
        db_session.add(Response(uid=f"labelled-{n}", wave_id=wave.id, mode="paper",
                                neighbourhood_id=template.neighbourhood_id, answers=answers,
                                submitted_at=datetime(2010, 6, 1, tzinfo=UTC)))
    db_session.commit()
    with pytest.raises(ReportError) as caught:
        load_analysis(db_session, wave.slug)
    message = str(caught.value)
    assert "police_council_dealing: 'Strongly agree' (2), 'Agree' (1)" in message
    assert ("expected one of: strongly_agree, tend_to_agree, neither_agree_nor_disagree, "
            "tend_to_disagree, strongly_disagree, dont_know") in message


def test_clean_waves_are_analysed(survey, db_session):
    assert load_analysis(db_session, "2010-11").current.row("ni21", None)["estimate"] > 0
