"""Area covariates for the small-area model (`portal.reports.small_areas`): numbers per
neighbourhood a partnership loads from a file read by `portal.areas.covariate_files`.

An LSOA covariate is the mean of the neighbourhood's LSOAs in the file weighted by their residents
aged 16+ (from the mid-year estimates, `LsoaNeighbourhood.adults`), over the LSOAs the file has;
LSOAs of the file outside the lookup (the national file has all of England) are counted and
ignored. Its LSOA values are kept, so that a new lookup or new populations aggregate it again
(`reaggregate_covariates`); LSOAs added to the lookup later have no value until it is loaded again.

Loading a name again replaces it whole; each load and removal is audited; all in the caller's
transaction, so a refused file leaves what was there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from analysis.formatting import plural
from portal.areas.covariate_files import CovariateTable, weighted_means
from portal.areas.files import AreaFileError
from portal.core import audit
from portal.core.clock import utcnow
from portal.core.refusals import Refusal
from portal.models import (
    Covariate,
    CovariateLevel,
    CovariateLsoaValue,
    CovariateValue,
    LsoaNeighbourhood,
    Neighbourhood,
)

SOURCE_MAX = 200


@dataclass
class CovariateOutcome:
    """What a load did, for the command line and the page."""

    names: list[str]
    level: CovariateLevel
    matched: int  # the partnership's LSOAs (or neighbourhoods) in the file
    missing: int = 0  # the partnership's LSOAs not in the file
    ignored: int = 0  # the file's LSOAs outside the lookup
    without_value: list[str] = field(default_factory=list)  # neighbourhoods left with no value
    code_heading: str = ""

    def describe(self) -> str:
        areas = "LSOA" if self.level is CovariateLevel.LSOA else "neighbourhood"
        text = f"Loaded {', '.join(self.names)} for {plural(self.matched, areas)}"
        if self.level is CovariateLevel.LSOA:
            text += ", averaged over each neighbourhood's LSOAs weighted by residents aged 16+"
        text += "."
        if self.ignored:
            text += f" {plural(self.ignored, 'LSOA')} of the file outside the partnership were ignored."
        if self.missing:
            text += (f" {plural(self.missing, 'LSOA')} of the lookup are not in the file"
                     + (" (its LSOAs are on 2011 codes; the lookup's are 2021 ones)"
                        if "2011" in self.code_heading else "")
                     + "; each neighbourhood's mean is over its LSOAs that are.")
        if self.without_value:
            text += (f" No value for: {', '.join(self.without_value)}; the model leaves this "
                     "covariate out until every neighbourhood has one.")
        return text


def import_covariates(session: Session, table: CovariateTable, source: str, source_date: date,
                      filename: str, actor=None) -> CovariateOutcome:
    """Store each covariate of ``table`` (replacing any of the same name) with ``source`` and
    ``source_date`` as the admin gave them."""
    source = " ".join(source.split())
    if not source:
        raise AreaFileError(["Say where the figures come from (the source), e.g. 'MHCLG English "
                             "Indices of Deprivation 2025, File 7'."])
    if len(source) > SOURCE_MAX:
        raise AreaFileError([f"The source must be {SOURCE_MAX} characters or fewer."])
    names = {n.id: n.name for n in session.scalars(select(Neighbourhood))}
    if table.level is CovariateLevel.LSOA:
        lsoas, adults = _lookup(session)
        outcome, by_place = _from_lsoas(table, lsoas, adults)
    else:
        lsoas = {}
        outcome, by_place = _from_neighbourhoods(session, table)
    # The neighbourhoods that should each have a value: the lookup's (all, before there is one).
    wanted = set(session.scalars(select(LsoaNeighbourhood.neighbourhood_id))) or set(names)
    for name, label in table.labels.items():
        _remove(session, name)
        covariate = Covariate(name=name, label=label[:200], source=source, source_date=source_date,
                              level=table.level, filename=filename[:120],
                              areas_matched=outcome.matched, areas_missing=outcome.missing,
                              areas_ignored=outcome.ignored, loaded_at=utcnow(),
                              loaded_by_id=getattr(actor, "id", None))
        session.add(covariate)
        session.flush()
        if table.level is CovariateLevel.LSOA:
            session.add_all(CovariateLsoaValue(covariate_id=covariate.id, lsoa_code=code,
                                               value=values[name])
                            for code, values in sorted(table.values.items()) if code in lsoas)
        means = by_place(name)
        session.add_all(CovariateValue(covariate_id=covariate.id, neighbourhood_id=nb, value=value)
                        for nb, value in sorted(means.items()))
        outcome.without_value = sorted({names[nb] for nb in wanted if nb not in means})
        audit.record(session, "areas_covariate_loaded", "covariate", name, actor=actor,
                     source=source, source_date=source_date.isoformat(), level=table.level.value,
                     matched=outcome.matched, missing=outcome.missing, ignored=outcome.ignored)
    return outcome


def _lookup(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """({LSOA code: neighbourhood id}, {LSOA code: residents 16+}); refused without either."""
    rows = session.execute(select(LsoaNeighbourhood.lsoa_code, LsoaNeighbourhood.neighbourhood_id,
                                  LsoaNeighbourhood.adults)).all()
    if not rows:
        raise AreaFileError(["No neighbourhoods are set up yet: import the LSOA lookup first "
                             "(flask --app portal areas import-neighbourhoods LOOKUP.csv)."])
    adults = {code: people for code, _nb, people in rows if people}
    if not adults:
        raise AreaFileError(["The LSOAs' residents aged 16+ are not loaded, so an LSOA covariate "
                             "cannot be averaged over a neighbourhood: import the population "
                             "first (flask --app portal areas import-population, or step 3 of "
                             "the areas page)."])
    return {code: nb for code, nb, _people in rows}, adults


def _from_lsoas(table: CovariateTable, lsoas: dict[str, int], adults: dict[str, int]):
    matched = [code for code in table.values if code in lsoas]
    if not matched:
        raise AreaFileError([f"No LSOA of the file is in the partnership's lookup ({len(lsoas):,} "
                             "LSOAs): is it the file for this part of the country, and on the "
                             "lookup's LSOA codes?"])
    outcome = CovariateOutcome(list(table.labels), table.level, len(matched),
                               missing=sum(1 for code in lsoas if code not in table.values),
                               ignored=len(table.values) - len(matched),
                               code_heading=table.code_heading)

    def by_place(name: str) -> dict[int, float]:
        values = {code: table.values[code][name] for code in matched}
        return weighted_means(values, lsoas, adults)
    return outcome, by_place


def _from_neighbourhoods(session: Session, table: CovariateTable):
    """Each row's neighbourhood by its address or name (any case), as the lookup names them."""
    places = list(session.scalars(select(Neighbourhood)))
    known = {n.slug.casefold(): n for n in places} | {n.name.casefold(): n for n in places}
    problems, found = [], dict[int, dict[str, float]]()
    for written, values in table.values.items():
        place = known.get(written.casefold())
        if place is None:
            problems.append(f"There is no neighbourhood {written[:60]!r}.")
        elif place.id in found:
            problems.append(f"{place.name} is listed twice (by its name and its address).")
        else:
            found[place.id] = values
    if problems:
        known_names = ", ".join(sorted(n.name for n in places)) or "none yet"
        raise AreaFileError([*problems, f"The neighbourhoods are: {known_names}."])
    outcome = CovariateOutcome(list(table.labels), table.level, len(found),
                               code_heading=table.code_heading)
    return outcome, lambda name: {nb: values[name] for nb, values in found.items()}


def _remove(session: Session, name: str) -> bool:
    covariate = session.scalar(select(Covariate).where(Covariate.name == name))
    if covariate is None:
        return False
    session.execute(delete(CovariateValue).where(CovariateValue.covariate_id == covariate.id))
    session.execute(delete(CovariateLsoaValue).where(CovariateLsoaValue.covariate_id == covariate.id))
    session.execute(delete(Covariate).where(Covariate.id == covariate.id))
    session.expunge(covariate)
    return True


def remove_covariate(session: Session, name: str, actor=None) -> None:
    """Remove the covariate `name` and its values; the model no longer uses it."""
    if not _remove(session, name):
        known = ", ".join(session.scalars(select(Covariate.name).order_by(Covariate.name)))
        raise Refusal(f"There is no covariate {name[:60]!r} (loaded: {known or 'none'}).")
    audit.record(session, "areas_covariate_removed", "covariate", name, actor=actor)


def reaggregate_covariates(session: Session) -> None:
    """Average each LSOA covariate again over the lookup and residents 16+ now stored: run by the
    imports of the lookup and of the populations."""
    covariates = list(session.scalars(select(Covariate).where(
        Covariate.level == CovariateLevel.LSOA)))
    if not covariates:
        return
    rows = session.execute(select(LsoaNeighbourhood.lsoa_code, LsoaNeighbourhood.neighbourhood_id,
                                  LsoaNeighbourhood.adults)).all()
    lsoas = {code: nb for code, nb, _people in rows}
    adults = {code: people for code, _nb, people in rows if people}
    for covariate in covariates:
        values = dict(session.execute(select(CovariateLsoaValue.lsoa_code, CovariateLsoaValue.value)
                                      .where(CovariateLsoaValue.covariate_id == covariate.id)).all())
        means = weighted_means(values, lsoas, adults)
        session.execute(delete(CovariateValue).where(CovariateValue.covariate_id == covariate.id))
        session.add_all(CovariateValue(covariate_id=covariate.id, neighbourhood_id=nb, value=value)
                        for nb, value in sorted(means.items()))
        covariate.areas_matched = sum(1 for code in values if code in lsoas)
        covariate.areas_missing = sum(1 for code in lsoas if code not in values)
