"""Named reads of the recorded-crime tables, for the admin page."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import CrimeImport, LsoaNeighbourhood, Neighbourhood


def imported_months(session: Session) -> list[CrimeImport]:
    """Every month of every force imported, newest first."""
    return list(session.scalars(select(CrimeImport).order_by(CrimeImport.month.desc(),
                                                             CrimeImport.force)))


def lookup_sizes(session: Session) -> list[tuple[str, int]]:
    """(neighbourhood name, LSOAs in the lookup) for each neighbourhood that has any."""
    rows = session.execute(
        select(Neighbourhood.name, func.count(LsoaNeighbourhood.lsoa_code))
        .join(LsoaNeighbourhood, LsoaNeighbourhood.neighbourhood_id == Neighbourhood.id)
        .group_by(Neighbourhood.name).order_by(Neighbourhood.name))
    return [(name, int(count)) for name, count in rows]
