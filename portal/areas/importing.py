"""Setting up a partnership's areas from the ONS files read by ``portal.areas.files``: its
neighbourhoods and their LSOAs, its postcodes, and its weighting populations.

Each import runs in the caller's transaction and replaces what an earlier import of the same
kind stored (never adds to it), so the caller commits everything or, on a refusal, nothing. The
LSOA lookup is the one definition of a neighbourhood's area: recorded crime counts by it,
postcodes find their neighbourhood through it, and populations are summed over it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

import surveys
from analysis.formatting import plural
from portal.areas.covariates import reaggregate_covariates
from portal.areas.files import (
    AreaFileError,
    LsoaPopulation,
    PostcodeFile,
    ethnicity_margins,
    neighbourhood_margins,
)
from portal.core import audit
from portal.models import LsoaNeighbourhood, Neighbourhood, PopulationEstimate, Postcode
from portal.questionnaires.queries import latest_version
from portal.questionnaires.versions import version_questionnaire

# The weighting variables a mid-year estimates file gives; others (households, ethnicity) stay.
POPULATION_VARIABLES = ("age_band", "sex")


def questionnaire_age_bands(session: Session, questionnaire: str = "crime-and-community-safety") -> list[str]:
    """The age bands (codes) of the latest published version of `questionnaire` (the shipped
    definition file's newest version on an install with none published yet): what populations
    are summed to, so that weighting finds each band it asks about."""
    row = latest_version(session, questionnaire)
    definition = version_questionnaire(row) if row is not None else surveys.load_questionnaire(questionnaire)
    return [code for code in surveys.option_labels(definition, "age_band") if code != "prefer_not_to_say"]


def slug_for(name: str) -> str:
    """``Abbey & St. Mary's`` -> ``abbey-and-st-marys``: the neighbourhood's address in URLs."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60]


@dataclass
class NeighbourhoodOutcome:
    """What an import of the LSOA lookup did, for the command line and the upload page."""

    created: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    kept: int = 0  # already there under the same name
    lsoas: int = 0
    rural: list[str] = field(default_factory=list)
    without_class: int = 0  # LSOAs the rural-urban file does not list
    left_out: list[str] = field(default_factory=list)  # neighbourhoods no longer in the lookup

    def describe(self) -> str:
        text = (f"Loaded {plural(self.lsoas, 'LSOA')} in "
                f"{plural(len(self.created) + len(self.renamed) + self.kept, 'neighbourhood')}")
        if self.created:
            text += f"; new: {', '.join(self.created)}"
        text += "."
        if self.rural:
            text += f" Rural (most LSOAs rural): {', '.join(self.rural)}."
        if self.without_class:
            text += (f" {plural(self.without_class, 'LSOA')} are not in the rural-urban file and "
                     "were counted as urban.")
        if self.left_out:
            text += (f" Not in this lookup, so now without LSOAs (kept, with their issues): "
                     f"{', '.join(self.left_out)}.")
        return text


def import_neighbourhoods(session: Session, lookup: dict[str, str],
                          rural: dict[str, bool] | None = None) -> NeighbourhoodOutcome:
    """Create or rename the lookup's neighbourhoods and replace the LSOA lookup with it. With
    ``rural`` (the Rural Urban Classification), a neighbourhood is rural when most of its LSOAs
    are; the population import refines that to most of its residents aged 16+.

    A neighbourhood is named in the lookup by its name or, for one that exists, by its slug
    (``twerton`` for Twerton): a lookup written against the portal's addresses renames nothing,
    and an existing neighbourhood whose slug is not its name's (an older install's) is kept."""
    existing = {n.slug: n for n in session.scalars(select(Neighbourhood))}
    named = {n.name.casefold(): n.slug for n in existing.values()}

    def slug_of(value: str) -> str:
        return value if value in existing else named.get(value.casefold()) or slug_for(value)

    lookup = {code: existing[value].name if value in existing else value
              for code, value in lookup.items()}
    by_slug: dict[str, str] = {}
    for name in sorted(set(lookup.values())):
        slug = slug_of(name)
        if not slug:
            raise AreaFileError([f"The neighbourhood name {name!r} has no letters or digits."])
        if slug in by_slug:
            raise AreaFileError([f"The neighbourhoods {by_slug[slug]!r} and {name!r} would have the "
                                 f"same address (/neighbourhoods/{slug}); rename one of them."])
        by_slug[slug] = name
    outcome = NeighbourhoodOutcome(lsoas=len(lookup))
    places: dict[str, Neighbourhood] = {}
    for slug, name in by_slug.items():
        place = existing.get(slug)
        if place is None:
            place = Neighbourhood(slug=slug, name=name, area_class="urban", description="")
            session.add(place)
            outcome.created.append(name)
        elif place.name != name:
            place.name = name
            outcome.renamed.append(name)
        else:
            outcome.kept += 1
        places[name] = place
    outcome.left_out = sorted(n.name for slug, n in existing.items() if slug not in by_slug)
    session.flush()
    if rural is not None:
        outcome.without_class = sum(1 for code in lookup if code not in rural)
        for name, place in places.items():
            if place.area_class_fixed:
                continue
            codes = [c for c, n in lookup.items() if n == name]
            place.area_class = ("rural" if sum(rural.get(c, False) for c in codes) * 2 > len(codes)
                                else "urban")
            if place.area_class == "rural":
                outcome.rural.append(name)
    adults = dict(session.execute(select(LsoaNeighbourhood.lsoa_code, LsoaNeighbourhood.adults)).all())
    session.execute(delete(LsoaNeighbourhood))
    session.execute(insert(LsoaNeighbourhood), [
        {"lsoa_code": code, "neighbourhood_id": places[name].id,
         "rural": None if rural is None else rural.get(code), "adults": adults.get(code)}
        for code, name in sorted(lookup.items())])
    reaggregate_covariates(session)
    audit.record(session, "areas_neighbourhoods_imported", "areas", "lsoa-lookup",
                 lsoas=len(lookup), neighbourhoods=len(places))
    return outcome


def partnership_lsoas(session: Session) -> set[str]:
    """The LSOA codes of every neighbourhood: what the postcode and population files are cut to."""
    return set(session.scalars(select(LsoaNeighbourhood.lsoa_code)))


def _need_lookup(session: Session) -> dict[str, int]:
    lsoas = dict(session.execute(select(LsoaNeighbourhood.lsoa_code,
                                        LsoaNeighbourhood.neighbourhood_id)).all())
    if not lsoas:
        raise AreaFileError(["No neighbourhoods are set up yet: import the LSOA lookup first "
                             "(flask --app portal areas import-neighbourhoods LOOKUP.csv)."])
    return lsoas


@dataclass
class PostcodeOutcome:
    postcodes: int
    read: PostcodeFile
    without_postcodes: list[str]

    def describe(self) -> str:
        text = (f"Loaded {plural(self.postcodes, 'live postcode')} from {self.read.rows:,} rows; "
                f"left out {plural(self.read.terminated, 'terminated postcode')} in the area and "
                f"{self.read.outside + self.read.no_lsoa:,} outside it.")
        if self.without_postcodes:
            text += f" No postcode lies in: {', '.join(self.without_postcodes)}."
        return text


def import_postcodes(session: Session, read: PostcodeFile) -> PostcodeOutcome:
    """Replace the stored postcodes with the file's live ones in the partnership's LSOAs."""
    lsoas = _need_lookup(session)
    if not read.postcodes:
        raise AreaFileError(["The postcode file holds no live postcode in the partnership's LSOAs: "
                             "is it the lookup for this part of the country, and is the LSOA "
                             "lookup the 2021 one?"])
    session.execute(delete(Postcode))
    rows = [{"postcode": p, "lsoa_code": lsoa} for p, lsoa in read.postcodes.items()]
    for start in range(0, len(rows), 10_000):
        session.execute(insert(Postcode), rows[start:start + 10_000])
    covered = {lsoas[lsoa] for lsoa in read.postcodes.values()}
    without = sorted(n.name for n in session.scalars(select(Neighbourhood))
                     if n.id in set(lsoas.values()) and n.id not in covered)
    audit.record(session, "areas_postcodes_imported", "areas", "postcodes",
                 postcodes=len(rows), terminated=read.terminated)
    return PostcodeOutcome(len(rows), read, without)


@dataclass
class PopulationOutcome:
    neighbourhoods: int
    residents: int
    not_in_area: int  # LSOAs of the file in no neighbourhood
    without_population: list[str]
    source: str
    ethnicity: str = ""  # "loaded" (from the Census file), "rescaled" (kept shares) or ""
    not_in_census: int = 0  # the partnership's LSOAs missing from the Census file

    def describe(self) -> str:
        text = (f"Loaded {self.residents:,} residents aged 16+ in "
                f"{plural(self.neighbourhoods, 'neighbourhood')} ({self.source}).")
        if self.not_in_area:
            text += f" {plural(self.not_in_area, 'LSOA')} of the file are in no neighbourhood."
        if self.without_population:
            text += (" No LSOA of the file lies in: " + ", ".join(self.without_population)
                     + "; their residents cannot be weighted until it does.")
        if self.ethnicity == "loaded":
            text += " Ethnicity from Census 2021 (TS021), scaled to the residents aged 16+."
            if self.not_in_census:
                text += (f" {plural(self.not_in_census, 'LSOA')} of the neighbourhoods are not in "
                         "the Census file; their neighbourhoods' mix is that of their other LSOAs.")
        elif self.ethnicity == "rescaled":
            text += (" The ethnicity margins loaded before keep their shares, scaled to these "
                     "residents (load TS021 again with the estimates to refresh them).")
        return text


def ethnicity_source(filename: str) -> str:
    """How ethnicity margins from a Census file are labelled where margins are shown."""
    return f"Census 2021 TS021 ethnic group by LSOA ({filename}), scaled to residents aged 16+"


def import_population(session: Session, populations: dict[str, LsoaPopulation],
                      age_bands: list[str], source: str,
                      ethnicity: dict[str, dict[str, int]] | None = None,
                      ethnicity_source: str = "") -> PopulationOutcome:
    """Replace each neighbourhood's residents 16+ by age band and by sex with the sums of its LSOAs,
    and where the LSOAs' rural-urban class is known, class each neighbourhood by where most of
    its residents 16+ live.

    With ``ethnicity`` (Census 2021 TS021 by LSOA) the ethnicity margins are replaced by each
    neighbourhood's Census mix scaled to these residents; without it, margins loaded before keep
    their shares, scaled to the new totals, so every margin still sums to the same people."""
    lsoas = _need_lookup(session)
    places = {n.id: n for n in session.scalars(select(Neighbourhood))}
    lookup = {code: places[nb].slug for code, nb in lsoas.items()}
    margins = neighbourhood_margins(populations, lookup, age_bands)
    adults = {slug: sum(v for (var, _), v in cells.items() if var == "sex")
              for slug, cells in margins.items()}
    by_slug = {n.slug: n for n in places.values()}
    if ethnicity is not None:
        mixes = ethnicity_margins(ethnicity, lookup, adults)
        uncounted = sorted(by_slug[slug].name for slug in margins if slug not in mixes)
        if uncounted:
            raise AreaFileError([f"No LSOA of {', '.join(uncounted)} is in the Census ethnicity "
                                 "file, so its residents could not be weighted by ethnicity; use "
                                 "the file for England and Wales, or for your region."])
        state, ethnic_source = "loaded", ethnicity_source
    else:
        mixes, ethnic_source = _rescaled_ethnicity(session, by_slug, adults)
        state = "rescaled" if mixes else ""
    session.execute(delete(PopulationEstimate).where(PopulationEstimate.variable.in_(
        POPULATION_VARIABLES + (("ethnicity",) if ethnicity is not None or mixes else ()))))
    for slug, cells in sorted(margins.items()):
        for (variable, category), people in sorted(cells.items()):
            session.add(PopulationEstimate(neighbourhood_id=by_slug[slug].id, variable=variable,
                                           category=category, population=people,
                                           source=source[:200]))
    for slug, groups in sorted(mixes.items()):
        for group, people in groups.items():
            session.add(PopulationEstimate(neighbourhood_id=by_slug[slug].id, variable="ethnicity",
                                           category=group, population=people,
                                           source=ethnic_source[:200]))
    _class_by_residents(session, populations, lsoas, places)
    _store_lsoa_adults(session, populations)
    wanted = {places[nb].slug for nb in lsoas.values()}
    outcome = PopulationOutcome(
        neighbourhoods=len(margins),
        residents=sum(v for cells in margins.values() for (var, _), v in cells.items()
                      if var == "sex"),
        not_in_area=sum(1 for code in populations if code not in lsoas),
        without_population=sorted(by_slug[s].name for s in wanted - set(margins)),
        source=source, ethnicity=state,
        not_in_census=sum(1 for code in lsoas if code not in ethnicity) if ethnicity else 0)
    audit.record(session, "areas_population_imported", "areas", "population",
                 neighbourhoods=outcome.neighbourhoods, residents=outcome.residents)
    return outcome


def _rescaled_ethnicity(session: Session, by_slug: dict[str, Neighbourhood],
                        adults: dict[str, int]) -> tuple[dict[str, dict[str, int]], str]:
    """The ethnicity margins stored before, as shares of each neighbourhood scaled to its new
    residents 16+ ({} when there are none); and their source, marked as rescaled."""
    rows = session.execute(select(Neighbourhood.slug, PopulationEstimate.category,
                                  PopulationEstimate.population, PopulationEstimate.source)
                           .join(Neighbourhood)
                           .where(PopulationEstimate.variable == "ethnicity")).all()
    if not rows:
        return {}, ""
    stored: dict[str, dict[str, int]] = {}
    for slug, category, people, _source in rows:
        stored.setdefault(slug, {})[category] = people
    groups = sorted({category for _slug, category, _people, _source in rows})
    as_lsoas = {slug: {g: cells.get(g, 0) for g in groups} for slug, cells in stored.items()}
    mixes = ethnicity_margins(as_lsoas, {slug: slug for slug in as_lsoas}, adults, groups)
    source = rows[0][3] or "ethnicity margins"
    return mixes, (source if source.endswith("(rescaled)") else f"{source} (rescaled)")


def _store_lsoa_adults(session: Session, populations: dict[str, LsoaPopulation]) -> None:
    """Each LSOA's residents aged 16+ (None when the file lacks it): an LSOA covariate's weight
    over its neighbourhood; the covariates are averaged again with them."""
    for row in session.scalars(select(LsoaNeighbourhood)):
        people = populations.get(row.lsoa_code)
        row.adults = sum(people.female[16:]) + sum(people.male[16:]) if people else None
    session.flush()
    reaggregate_covariates(session)


def _class_by_residents(session: Session, populations: dict[str, LsoaPopulation],
                        lsoas: dict[str, int], places: dict[int, Neighbourhood]) -> None:
    known = dict(session.execute(select(LsoaNeighbourhood.lsoa_code, LsoaNeighbourhood.rural)
                                 .where(LsoaNeighbourhood.rural.is_not(None))).all())
    rural: dict[int, int] = {}
    everyone: dict[int, int] = {}
    for code, nb in lsoas.items():
        people = populations.get(code)
        if people is None or code not in known:
            continue
        adults = sum(people.female[16:]) + sum(people.male[16:])
        everyone[nb] = everyone.get(nb, 0) + adults
        rural[nb] = rural.get(nb, 0) + (adults if known[code] else 0)
    for nb, total in everyone.items():
        if not places[nb].area_class_fixed:
            places[nb].area_class = "rural" if rural[nb] * 2 > total else "urban"


def set_area_class(session: Session, place: Neighbourhood, area_class: str | None) -> None:
    """An admin's class for `place` ("urban" or "rural"), kept over later imports; None goes
    back to the class the ONS files give (at the next import)."""
    if area_class not in (None, "urban", "rural"):
        raise AreaFileError([f"{area_class!r} is not urban or rural."])
    if area_class is None:
        place.area_class_fixed = False
    else:
        place.area_class, place.area_class_fixed = area_class, True
    audit.record(session, "area_class_set", "neighbourhood", place.slug,
                 area_class=area_class or "from the ONS files")
