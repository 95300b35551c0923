"""The dashboard's rim weight of every response of a wave, for the exports.

Why here: the exports (`portal.survey.views.admin`) must carry exactly the weight the dashboard used, so
this loads the wave and its population the way the dashboard does (`portal.datasets.wave_frame`
and `population_margins`, as `portal.reports.data.load_analysis`) and weights it with the engine
(`analysis.wave_weights.export_weights`, which calls `analysis.report.weigh_wave`). A wave that
cannot be weighted still exports: the weights are blank and the note says why.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from analysis.wave_weights import export_weights
from portal.datasets import DatasetError, population_margins, wave_frame
from portal.models import Wave
from surveys import WeightColumn


def export_weight_column(session: Session, wave: Wave) -> WeightColumn:
    """Each response's rim weight (by response id), its one-line label and the weighting note."""
    frame = wave_frame(session, wave)
    try:
        margins, reason = population_margins(session), None
    except DatasetError as error:
        margins, reason = None, str(error)
    weights = export_weights(frame, margins, wave.slug, reason=reason)
    values = {} if weights.weights is None else dict(
        zip(frame["response_id"].astype(str), weights.weights.tolist(), strict=True))
    return WeightColumn(values, weights.label(), weights.note_rows())
