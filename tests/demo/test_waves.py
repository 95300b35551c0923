"""The demo's survey waves: deterministic responses that land near the plan's figures."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select

from portal.models import Response


def test_demo_responses_are_deterministic(seeded, db_session):
    first = db_session.scalars(select(Response.answers).order_by(Response.uid).limit(5)).all()
    assert first and all("police_council_dealing" in a or "age_band" in a for a in first)


def test_demo_lands_near_the_plans_ni21_baseline_and_burglary_ratio(seeded, db_session):
    from analysis import estimate_indicators, rake_weights
    from analysis.gap import perception_gap
    from portal.survey.frames import population_margins, wave_frame
    from portal.survey.queries import find_wave

    frame = wave_frame(db_session, find_wave(db_session, "2008-09"))
    weighting = rake_weights(frame, population_margins(db_session))
    ni21 = estimate_indicators(frame, weighting, indicators=["ni21"]).iloc[0]
    assert abs(ni21.estimate - 0.255) < 0.03, ni21.estimate
    unweighted = estimate_indicators(frame, np.ones(len(frame)), indicators=["ni21"]).iloc[0]
    assert abs(unweighted.estimate - ni21.estimate) > 0.01  # weighting matters
    gap = perception_gap(frame, weighting)
    burglary = gap[gap.crime == "burglary"].iloc[0]
    assert 4.5 < burglary.ratio < 8, burglary.ratio
