"""Survey data out of the database in the shapes the analysis engine reads.

`wave_frame` gives a wave's responses in the wide format (one row per response, one column per
question id, snake_case codes, blanks for no answer), the same format as the exports and the
paper import; `population_margins` gives the weighting population as `variable,category,population`.
The dashboard, the reports and the CLI all load through here, so they analyse the same data.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.core.clock import today
from portal.core.refusals import Refusal
from portal.models import Neighbourhood, PopulationEstimate, Response, Wave
from surveys import METADATA_COLUMNS, QuestionnaireError, load_questionnaire, wide_columns


class DatasetError(Refusal):
    """The data asked for does not exist; the message names the valid choices."""


def find_wave(session: Session, slug: str | None) -> Wave:
    """The wave with this slug, or (slug None) the latest wave that has responses, preferring one
    whose fieldwork has closed: a wave still in the field has a handful of answers that cannot yet
    be weighted, and analysts report on finished waves (they can still choose an open one)."""
    waves = session.scalars(select(Wave).order_by(Wave.opens_on)).all()
    if slug is None:
        with_data = set(session.scalars(select(Response.wave_id).distinct()))
        answered = [w for w in waves if w.id in with_data]
        if not answered:
            raise DatasetError("No wave has any responses yet.")
        closed = [w for w in answered if w.closes_on < today()]
        return (closed or answered)[-1]
    for wave in waves:
        if wave.slug == slug:
            return wave
    raise DatasetError(f"Unknown wave {slug!r}. Choose from: {', '.join(w.slug for w in waves)}")


def wave_frame(session: Session, wave: Wave, neighbourhood_ids: list[int] | None = None
               ) -> pd.DataFrame:
    """A wave's responses in the wide format, ordered by response id."""
    query = (select(Response.uid, Response.mode, Response.submitted_at, Response.answers,
                    Neighbourhood.slug)
             .join(Neighbourhood, Response.neighbourhood_id == Neighbourhood.id, isouter=True)
             .where(Response.wave_id == wave.id).order_by(Response.uid))
    if neighbourhood_ids is not None:
        query = query.where(Response.neighbourhood_id.in_(neighbourhood_ids))
    records = []
    for uid, mode, submitted_at, answers, slug in session.execute(query):
        record = dict(answers)
        record.update(response_id=uid, wave=wave.slug, neighbourhood=slug or "", mode=mode,
                      submitted_at=submitted_at.isoformat(timespec="seconds"))
        records.append(record)
    columns = _columns(wave, records)
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.fillna("") if len(frame) else frame


def _columns(wave: Wave, records: list[dict]) -> list[str]:
    try:
        questionnaire = load_questionnaire(wave.questionnaire.slug, wave.questionnaire.version)
        columns = wide_columns(questionnaire)
    except QuestionnaireError:
        columns = list(METADATA_COLUMNS)
    extra = sorted({key for record in records for key in record} - set(columns) - {"postcode"})
    return columns + extra


def population_margins(session: Session, variables=("age_band", "sex", "neighbourhood")
                       ) -> pd.DataFrame:
    """Authority-wide margins summed over neighbourhoods; `neighbourhood` from each one's total."""
    rows = session.execute(
        select(Neighbourhood.slug, PopulationEstimate.variable, PopulationEstimate.category,
               PopulationEstimate.population)
        .join(Neighbourhood, PopulationEstimate.neighbourhood_id == Neighbourhood.id)
    ).all()
    frame = pd.DataFrame(rows, columns=["neighbourhood", "variable", "category", "population"])
    if frame.empty:
        raise DatasetError("No population figures are loaded: load each neighbourhood's population "
                           "by age band and sex (variable,category,population) before weighting.")
    parts = []
    for variable in variables:
        if variable == "neighbourhood":
            totals = frame[frame.variable == "age_band"].groupby("neighbourhood")["population"].sum()
            parts.append(pd.DataFrame({"variable": "neighbourhood", "category": totals.index,
                                       "population": totals.to_numpy()}))
        else:
            sums = frame[frame.variable == variable].groupby("category")["population"].sum()
            if sums.empty:
                raise DatasetError(f"No population figures for {variable!r} are loaded.")
            parts.append(pd.DataFrame({"variable": variable, "category": sums.index,
                                       "population": sums.to_numpy()}))
    return pd.concat(parts, ignore_index=True)
