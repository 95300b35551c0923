"""Survey data for report tests: three neighbourhoods (Chew Valley with too few responses, and
Keynsham the smallest of the other two, so withheld beside it: the authority minus Twerton would
otherwise give Chew Valley's figure),
two waves of synthetic responses, their weighting population and a PACT issue (in 2010/11) whose
text a resident wrote with HTML in it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import insert

from demo.responses import generate_responses, population_margins
from portal.models import PactIssue, PopulationEstimate, Priority, Questionnaire, Response, Wave
from surveys.documents import document_of
from surveys.loading import checksum, load_questionnaire

SLUGS = ["twerton", "keynsham", "chew-valley"]
HOSTILE = "<script>alert('x')</script> Tom & Jerry's bins"
PRIVATE_WORDS = "Zebrafinch at number 12 leaves bins out"  # the resident's own words: never printed
SMALL = "chew-valley"
WITHHELD = "keynsham"  # withheld (secondary suppression) so that Chew Valley cannot be worked out


def _questionnaire(session) -> Questionnaire:
    definition = load_questionnaire("crime-and-community-safety", 1)
    row = Questionnaire(slug=definition.id, version=definition.version, title=definition.title,
                        checksum=checksum(definition),
                        definition=document_of(definition))
    session.add(row)
    session.flush()
    return row


def _responses(session, wave: Wave, places, n: int, seed: int) -> pd.DataFrame:
    frame = generate_responses(n, seed=seed, wave=wave.slug, neighbourhoods=SLUGS)
    small = frame.index[frame["neighbourhood"] == SMALL]
    frame = frame.drop(small[12:]).reset_index(drop=True)  # Chew Valley: 12 responses
    withheld = frame.index[frame["neighbourhood"] == WITHHELD]
    frame = frame.drop(withheld[80:]).reset_index(drop=True)  # Keynsham: 80, fewer than Twerton
    meta = {"response_id", "wave", "neighbourhood", "mode", "language", "submitted_at"}
    records = []
    for row in frame.to_dict("records"):
        answers = {c: v for c, v in row.items() if c not in meta and isinstance(v, str) and v}
        answers["neighbourhood"] = row["neighbourhood"]
        records.append({
            "uid": f"{wave.slug}-{row['response_id']}", "wave_id": wave.id,
            "neighbourhood_id": places[row["neighbourhood"]].id, "mode": row["mode"],
            "submitted_at": pd.Timestamp(row["submitted_at"]).to_pydatetime().replace(tzinfo=UTC),
            "answers": answers,
        })
    session.execute(insert(Response), records)
    return frame


@pytest.fixture
def survey(db_session, neighbourhoods):
    """Waves 2009-10 and 2010-11 (600 responses each) and an open wave with none."""
    session = db_session
    for slug in SLUGS:
        margins = population_margins([slug], ethnicity=False)
        for row in margins[margins.variable != "neighbourhood"].itertuples():
            session.add(PopulationEstimate(neighbourhood_id=neighbourhoods[slug].id,
                                           variable=row.variable, category=row.category,
                                           population=int(row.population)))
    questionnaire = _questionnaire(session)
    waves = {}
    for slug, opens in (("2009-10", date(2009, 4, 1)), ("2010-11", date(2010, 4, 1)),
                        ("2026-27", date(2026, 4, 1))):
        waves[slug] = Wave(slug=slug, name=f"Voicebox {slug.replace('-', '/')}",
                           questionnaire=questionnaire, opens_on=opens,
                           closes_on=opens.replace(year=opens.year + 1) - timedelta(days=1))
        session.add(waves[slug])
    session.flush()
    frames = {slug: _responses(session, waves[slug], neighbourhoods, 600, seed=7)
              for slug in ("2009-10", "2010-11")}
    # PACT activity dated inside wave 2010-11's fieldwork year, which its report covers
    raised = datetime(2010, 11, 1, 9, tzinfo=UTC)
    issue = PactIssue(reference="PACT-TEST1", neighbourhood_id=neighbourhoods["twerton"].id,
                      category="other", description=PRIVATE_WORDS, public_summary=HOSTILE,
                      status="resolved_locally",
                      outcome="Bins moved & <b>lids</b> fixed", created_at=raised,
                      acknowledged_at=raised + timedelta(hours=4),
                      closed_at=raised + timedelta(days=15))
    session.add(issue)
    session.add(Priority(neighbourhood_id=neighbourhoods["twerton"].id,
                         title="Speeding <near> the school", status="active",
                         created_at=datetime(2011, 3, 10, 19, tzinfo=UTC)))
    session.commit()
    return {"waves": waves, "frames": frames, "neighbourhoods": neighbourhoods}


@pytest.fixture
def early_responses(survey, db_session):
    """The open wave two responses into its fieldwork (both from Keynsham, aged 65 and over),
    as in the demo: in the field today, and too few responses to weight."""
    wave = survey["waves"]["2026-27"]
    wave.opens_on, wave.closes_on = date.today() - timedelta(days=30), date.today() + timedelta(
        days=60)
    frame = _responses(db_session, wave, survey["neighbourhoods"], 2, seed=11)
    db_session.commit()
    return frame
