"""Named reads of the places and partners every area of the portal shows: neighbourhoods (the
authority's list, one by slug, the one a postcode is in) and agencies. Views call these instead of
building the query, so "the neighbourhood list" is the same list, in the same order, on every page.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload
from werkzeug.exceptions import NotFound

import surveys
from portal.models import (
    Agency,
    Covariate,
    CovariateValue,
    LsoaNeighbourhood,
    Neighbourhood,
    PopulationEstimate,
    Postcode,
    PostcodeSector,
)


def population_sources(session: Session) -> list[tuple[str, str, int]]:
    """(variable, source, residents) of the weighting populations loaded: where each margin's
    figures come from, shown beside them."""
    rows = session.execute(select(PopulationEstimate.variable, PopulationEstimate.source,
                                  func.sum(PopulationEstimate.population))
                           .group_by(PopulationEstimate.variable, PopulationEstimate.source)
                           .order_by(PopulationEstimate.variable, PopulationEstimate.source))
    return [(variable, source or "not recorded", int(people)) for variable, source, people in rows]


def loaded_covariates(session: Session) -> list[Covariate]:
    """The area covariates loaded for the small-area model, by name, with who loaded each."""
    return list(session.scalars(select(Covariate).options(selectinload(Covariate.loaded_by))
                                .order_by(Covariate.name)))


def covariate_labels(session: Session) -> dict[str, str]:
    """{covariate name: label} of the loaded covariates, by name: the model's column names in words."""
    return dict(session.execute(select(Covariate.name, Covariate.label).order_by(Covariate.name)).all())


def covariate_values(session: Session) -> dict[str, dict[str, float]]:
    """{covariate name: {neighbourhood slug: value}} of the loaded covariates."""
    out: dict[str, dict[str, float]] = {}
    rows = session.execute(select(Covariate.name, Neighbourhood.slug, CovariateValue.value)
                           .join(CovariateValue, CovariateValue.covariate_id == Covariate.id)
                           .join(Neighbourhood, Neighbourhood.id == CovariateValue.neighbourhood_id)
                           .order_by(Covariate.name, Neighbourhood.slug))
    for name, slug, value in rows:
        out.setdefault(name, {})[slug] = float(value)
    return out


def all_neighbourhoods(session: Session) -> list[Neighbourhood]:
    """Every neighbourhood of the authority, by name."""
    return list(session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)))


def neighbourhood_by_slug(session: Session, slug: str | None) -> Neighbourhood | None:
    if not slug:
        return None
    return session.scalar(select(Neighbourhood).where(Neighbourhood.slug == slug))


def neighbourhood_or_404(session: Session, slug: str | None) -> Neighbourhood:
    """The neighbourhood a public address names; a 404 when there is none (the pages that take a
    slug in their URL all answer the same way)."""
    place = neighbourhood_by_slug(session, slug)
    if place is None:
        raise NotFound()
    return place


def neighbourhood_names(session: Session) -> dict[str, str]:
    """{slug: name}, by name: the labels of the neighbourhood codes in templates and exports."""
    return {slug: name for slug, name in session.execute(
        select(Neighbourhood.slug, Neighbourhood.name).order_by(Neighbourhood.name))}


def neighbourhood_for_postcode(session: Session, postcode: str) -> Neighbourhood | None:
    """The neighbourhood `postcode` lies in; None for a postcode that is malformed or outside the
    area. Once the ONS postcode lookup is loaded the full postcode decides (through its LSOA); an
    install without it matches the postcode sector (``BA2 1`` of ``BA2 1AA``)."""
    normalised = surveys.normalise_postcode(postcode)
    if normalised is None:
        return None
    place = session.scalar(
        select(Neighbourhood)
        .join(LsoaNeighbourhood, LsoaNeighbourhood.neighbourhood_id == Neighbourhood.id)
        .join(Postcode, Postcode.lsoa_code == LsoaNeighbourhood.lsoa_code)
        .where(Postcode.postcode == normalised))
    if place is not None or session.scalar(select(Postcode.postcode).limit(1)) is not None:
        return place
    return session.scalar(select(Neighbourhood).join(PostcodeSector)
                          .where(PostcodeSector.sector == normalised[:-2]))


def counts_by_neighbourhood(session: Session, column: InstrumentedAttribute,
                            neighbourhood_ids: list[int]) -> dict[int, int]:
    """{neighbourhood id: number of rows} of the table `column` (its neighbourhood id) belongs to."""
    rows = session.execute(select(column, func.count()).where(column.in_(neighbourhood_ids))
                           .group_by(column))
    return dict(rows.all())


def all_agencies(session: Session) -> list[Agency]:
    """The partner agencies new issues and priorities can be given to (not retired), by name."""
    return list(session.scalars(select(Agency).where(Agency.retired_on.is_(None))
                                .order_by(Agency.name)))


def every_agency(session: Session) -> list[Agency]:
    """Every agency, retired ones too, by name: the set-up page lists them all."""
    return list(session.scalars(select(Agency).order_by(Agency.retired_on.is_not(None), Agency.name)))


def agency_by_slug(session: Session, slug: str | None) -> Agency | None:
    if not slug:
        return None
    return session.scalar(select(Agency).where(Agency.slug == slug))
