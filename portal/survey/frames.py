"""Survey data out of the database in the shapes the analysis engine and the exports read.

`wave_frame` is the one loader of the wide format (the contract's: export = import = analysis
input): one row per response, ordered by submission time then id, with ``response_id, wave,
neighbourhood, mode, submitted_at`` (ISO 8601, UTC, to the second), then one text column per
question field (grid rows each their own column), each cell converted by `surveys.answer_to_cell`
(a multiple-choice answer is its codes joined), blank string = no answer. Only answers are read:
panel members, invitations and contact details are never joined in. The dashboard, the reports,
the weights and the exports all load through here, so they see the same rows in the same order.

`population_margins` gives the weighting population as ``variable,category,population``,
`export_weight_column` the dashboard's rim weight of every response for the exports, and
`export_replicate_weights` that weight with bootstrap replicates for R's or Stata's own SEs.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

import surveys
from analysis.wave_weights import export_replicates, export_weights
from portal.models import Neighbourhood, PopulationEstimate, Response, Wave
from portal.survey.queries import DatasetError
from portal.survey.waves import frozen_questionnaire


def wave_frame(session: Session, wave: Wave,
               questionnaire: surveys.Questionnaire | None = None) -> pd.DataFrame:
    """Every response of ``wave`` in the wide format, ordered by submission time then id.

    ``questionnaire`` defaults to the definition the wave froze; DatasetError if it cannot be read
    (its file is missing or was edited since the wave opened)."""
    if questionnaire is None:
        try:
            questionnaire = frozen_questionnaire(wave.questionnaire)
        except surveys.QuestionnaireError as error:
            raise DatasetError(f"Wave {wave.slug}'s questionnaire cannot be read: {error}") from None
    result = session.execute(
        select(Response.uid, Response.mode, Response.submitted_at, Response.answers, Neighbourhood.slug,
               Response.language)
        .outerjoin(Neighbourhood, Neighbourhood.id == Response.neighbourhood_id)
        .where(Response.wave_id == wave.id)
        .order_by(Response.submitted_at, Response.id))
    rows = []
    for uid, mode, submitted_at, answers, slug, language in result:
        answers = dict(answers or {})
        if slug:
            answers["neighbourhood"] = slug
        row = surveys.wide_row_from_answers(
            questionnaire, answers, response_id=uid, wave=wave.slug, mode=mode, language=language,
            submitted_at=submitted_at.isoformat(timespec="seconds") if submitted_at else "")
        row["neighbourhood"] = row["neighbourhood"] or slug or ""
        rows.append(row)
    return pd.DataFrame(rows, columns=surveys.wide_columns(questionnaire), dtype=object)


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


def export_weight_column(session: Session, wave: Wave,
                         frame: pd.DataFrame | None = None) -> surveys.WeightColumn:
    """Each response's rim weight (by response id), its one-line label and the weighting note:
    exactly the weight the dashboard uses (the same frame and population, weighted by the engine's
    `analysis.wave_weights.export_weights`, which calls `analysis.report.weigh_wave`). A wave that
    cannot be weighted still exports: the weights are blank and the note says why."""
    frame = wave_frame(session, wave) if frame is None else frame
    try:
        margins, reason = population_margins(session), None
    except DatasetError as error:
        margins, reason = None, str(error)
    weights = export_weights(frame, margins, wave.slug, reason=reason)
    values = {} if weights.weights is None else dict(
        zip(frame["response_id"].astype(str), weights.weights.tolist(), strict=True))
    return surveys.WeightColumn(values, weights.label(), weights.note_rows())


def export_replicate_weights(session: Session, wave: Wave) -> bytes:
    """The CSV of `analysis.wave_weights.export_replicates` for ``wave`` (full precision, so R
    reproduces the engine's replicate SEs exactly). Raises DatasetError (no population loaded)
    or AnalysisError (the wave cannot be weighted), each with a sentence saying why."""
    frame = wave_frame(session, wave)
    if frame.empty:
        raise DatasetError(f"Wave {wave.name} has no responses yet.")
    replicates = export_replicates(frame, population_margins(session), wave.slug)
    return replicates.to_csv(index=False, float_format="%.17g").encode("utf-8")
