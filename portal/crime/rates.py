"""Recorded crime out of the database in the shapes `analysis.recorded_crime` reads.

Counts are joined to the LSOA lookup when read, so a corrected lookup applies to every month
already imported (for LSOAs that were in the lookup when their month was imported).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.recorded_crime import crime_rates
from portal.models import CrimeCount, LsoaNeighbourhood, Neighbourhood, PopulationEstimate
from portal.survey.queries import DatasetError

HOUSEHOLDS = "households"  # PopulationEstimate.variable holding a neighbourhood's household count
NO_CRIME = ("No recorded crime is loaded: import police.uk street-level files with "
            "flask --app portal crime import FILE.csv (after areas import-neighbourhoods).")


def monthly_counts(session: Session, start: str | None = None, end: str | None = None
                   ) -> pd.DataFrame:
    """``month, neighbourhood, crime_type, count`` (neighbourhood slugs), optionally in a period."""
    query = (select(CrimeCount.month, Neighbourhood.slug, CrimeCount.crime_type,
                    func.sum(CrimeCount.count))
             .join(LsoaNeighbourhood, LsoaNeighbourhood.lsoa_code == CrimeCount.lsoa_code)
             .join(Neighbourhood, Neighbourhood.id == LsoaNeighbourhood.neighbourhood_id)
             .group_by(CrimeCount.month, Neighbourhood.slug, CrimeCount.crime_type))
    if start:
        query = query.where(CrimeCount.month >= start)
    if end:
        query = query.where(CrimeCount.month <= end)
    frame = pd.DataFrame(session.execute(query).all(),
                         columns=["month", "neighbourhood", "crime_type", "count"])
    frame["count"] = frame["count"].astype(int)
    return frame


def residents(session: Session) -> pd.DataFrame:
    """``neighbourhood, population[, households]``: residents are the weighting estimates'
    total (summed over age bands); households where a `households` estimate is loaded."""
    rows = session.execute(
        select(Neighbourhood.slug, PopulationEstimate.variable, func.sum(PopulationEstimate.population))
        .join(PopulationEstimate, PopulationEstimate.neighbourhood_id == Neighbourhood.id)
        .where(PopulationEstimate.variable.in_(("age_band", HOUSEHOLDS)))
        .group_by(Neighbourhood.slug, PopulationEstimate.variable)).all()
    if not rows:
        raise DatasetError("No population figures are loaded, so no rate can be worked out: load "
                           "each neighbourhood's population by age band first.")
    wide = (pd.DataFrame(rows, columns=["neighbourhood", "variable", "n"])
            .pivot(index="neighbourhood", columns="variable", values="n"))
    frame = pd.DataFrame({"neighbourhood": wide.index,
                          "population": wide.get("age_band", pd.Series(0, index=wide.index)).fillna(0)})
    if HOUSEHOLDS in wide:
        frame["households"] = wide[HOUSEHOLDS].to_numpy()
    return frame.reset_index(drop=True).sort_values("neighbourhood", ignore_index=True)


def latest_year(session: Session) -> tuple[str, str]:
    """The twelve months ending with the latest month loaded (the default period)."""
    last = session.scalar(select(func.max(CrimeCount.month)))
    if last is None:
        raise DatasetError(NO_CRIME)
    year, month = map(int, last.split("-"))
    first = f"{year - 1}-{month + 1:02d}" if month < 12 else f"{year}-01"
    return first, last


def rates_table(session: Session, start: str | None, end: str | None) -> pd.DataFrame:
    """Rates per 1,000 by neighbourhood and crime type over start..end (default: latest year)."""
    if start is None or end is None:
        first, last = latest_year(session)
        start, end = start or first, end or last
    return crime_rates(monthly_counts(session, start, end), residents(session), start, end)
