"""The model-based NI 21 of each neighbourhood (`analysis.model_based`) with the covariates the
portal holds: whether the neighbourhood is rural, its recorded crime per 1,000 residents aged
16+ over the wave's year (when crime for that year is loaded), and each area covariate the
partnership loaded (`portal.areas.covariates`, e.g. the IMD score). A covariate the same in every
neighbourhood tells the model nothing and is left out. The fit is a few milliseconds, so it is
made when asked for, once per request and wave."""

from __future__ import annotations

import pandas as pd
from flask import g, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.model_based import ModelBased, model_based
from analysis.report import HEADLINE_ID, WaveAnalysis
from portal.areas.queries import covariate_values
from portal.crime.fear import wave_year
from portal.crime.rates import monthly_counts, residents
from portal.models import Neighbourhood
from portal.survey.queries import DatasetError


def neighbourhood_covariates(session: Session, analysis: WaveAnalysis
                             ) -> tuple[pd.DataFrame, dict[str, float]]:
    """(``area`` plus numeric covariate columns, {area: residents 16+}) for every neighbourhood
    with a weighting population. The columns are ``rural`` (1 or 0), ``recorded_crime_per_1000``
    and each loaded area covariate by its name (`portal.areas.queries.covariate_labels` gives
    their labels); a loaded covariate that some of these neighbourhoods have no value for is left
    out (the model needs every area's), as is any column the same in every neighbourhood."""
    try:
        people = residents(session).set_index("neighbourhood")["population"].astype(float)
    except DatasetError:
        return pd.DataFrame({"area": []}), {}
    people = people[people > 0]
    classes = dict(session.execute(select(Neighbourhood.slug, Neighbourhood.area_class)).all())
    frame = pd.DataFrame({"area": list(people.index)})
    frame["rural"] = [float(classes.get(a) == "rural") for a in frame["area"]]
    start, end = wave_year(analysis.wave.opens_on, analysis.wave.closes_on)
    counts = monthly_counts(session, start, end)
    if not counts.empty:
        crimes = counts.groupby("neighbourhood")["count"].sum()
        frame["recorded_crime_per_1000"] = [1000 * float(crimes.get(a, 0)) / people[a]
                                            for a in frame["area"]]
    for name, values in covariate_values(session).items():
        if all(a in values for a in frame["area"]):
            frame[name] = [values[a] for a in frame["area"]]
    varying = [c for c in frame.columns if c == "area" or frame[c].nunique() > 1]
    return frame[varying], {str(a): float(v) for a, v in people.items()}


def ni21_model(session: Session, analysis: WaveAnalysis) -> ModelBased | None:
    """The wave's model-based NI 21 by neighbourhood, or None when it cannot be fitted."""
    key = ("ni21_model", analysis.wave.slug, analysis.fingerprint)
    if has_app_context() and key in g.get("small_areas", {}):
        return g.small_areas[key]
    covariates, populations = neighbourhood_covariates(session, analysis)
    model = None
    if len(covariates):
        current = analysis.current
        rows = {area: current.row(HEADLINE_ID, area) for area in covariates["area"]}
        authority = current.row(HEADLINE_ID, None)
        model = model_based(rows, authority["estimate"] if authority else None, covariates,
                            populations, HEADLINE_ID, analysis.disclosure.flag_below)
    if has_app_context():
        g.setdefault("small_areas", {})[key] = model
    return model
