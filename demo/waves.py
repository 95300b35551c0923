"""The demo's survey: the standard questionnaire's two versions, three past waves (2008/09 to
2010/11) with their synthetic responses (`demo.responses.generate_waves`), and a wave open now,
which the Voicebox panel (`demo.panel`) is invited to."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from demo.responses import generate_waves
from demo.summary import DemoSummary
from portal.models import Neighbourhood, Questionnaire, Response, Wave
from portal.questionnaires.queries import version_of
from portal.questionnaires.versions import load_shipped

STANDARD_QUESTIONNAIRE = "crime-and-community-safety"

# slug, name, opens, closes
PAST_WAVES = [
    ("2008-09", "Voicebox 2008/09", date(2008, 4, 1), date(2009, 3, 31)),
    ("2009-10", "Voicebox 2009/10", date(2009, 4, 1), date(2010, 3, 31)),
    ("2010-11", "Voicebox 2010/11", date(2010, 4, 1), date(2011, 3, 31)),
]


def seed_questionnaires(session: Session, summary: DemoSummary) -> dict[int, Questionnaire]:
    """The standard questionnaire's versions 1 and 2, loaded from the shipped definitions as the
    first published versions if not there; returns them by version."""
    for _ in load_shipped(session):
        summary.count("questionnaire version")
    found = {}
    for version in (1, 2):
        row = version_of(session, STANDARD_QUESTIONNAIRE, version)
        assert row is not None, "the shipped definitions hold versions 1 and 2"
        found[version] = row
    return found


def seed_waves(session: Session, questionnaires: dict[int, Questionnaire], today: date,
               summary: DemoSummary) -> dict[str, Wave]:
    """The past waves, and this financial year's wave (open since 30 days before `today`, in panel
    mode), added if not there; returns every wave by slug."""
    existing = {w.slug: w for w in session.scalars(select(Wave))}
    year = today.year if today.month >= 4 else today.year - 1
    current = (f"{year}-{(year + 1) % 100:02d}", f"Voicebox {year}/{(year + 1) % 100:02d}",
               today - timedelta(days=30), today + timedelta(days=60))
    for slug, name, opens, closes in [*PAST_WAVES, current]:
        if slug in existing:
            continue
        existing[slug] = Wave(slug=slug, name=name, questionnaire=questionnaires[1],
                              opens_on=opens, closes_on=closes, open_link_mode=True,
                              panel_mode=slug == current[0])
        session.add(existing[slug])
        summary.count("survey wave")
    session.flush()
    return existing


def seed_responses(session: Session, waves: dict[str, Wave], places: dict[str, Neighbourhood], seed: int,
                   per_wave: int, summary: DemoSummary) -> None:
    """About `per_wave` synthetic responses in each past wave that has none yet."""
    frame = generate_waves(per_wave, seed=seed)
    for wave_slug, rows in frame.groupby("wave", sort=False):
        wave = waves[str(wave_slug)]
        if session.scalar(select(func.count()).where(Response.wave_id == wave.id)):
            continue
        meta = {"response_id", "wave", "neighbourhood", "mode", "submitted_at"}
        answer_columns = [c for c in rows.columns if c not in meta]
        records = []
        for row in rows.to_dict("records"):
            answers = {c: row[c] for c in answer_columns if isinstance(row[c], str) and row[c]}
            answers["neighbourhood"] = row["neighbourhood"]
            records.append({
                "uid": row["response_id"], "wave_id": wave.id,
                "neighbourhood_id": places[row["neighbourhood"]].id, "mode": row["mode"],
                "submitted_at": pd.Timestamp(row["submitted_at"]).to_pydatetime().replace(tzinfo=UTC),
                "answers": answers,
            })
        session.execute(insert(Response), records)
        summary.count("survey response", len(records))
