"""The demo's places: twelve neighbourhoods of a Bath-and-North-East-Somerset-like authority (from
`demo.responses.NEIGHBOURHOOD_LIST`) with their postcode sectors; their LSOAs, urban or rural
class, populations by age band, sex and ethnicity and a (synthetic) IMD score loaded from the
demo's ONS- and IoD-layout files (`demo/ons/`) through the imports any partnership uses; and the
partner agencies that own PACT work."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from demo.responses import NEIGHBOURHOOD_LIST
from demo.summary import DemoSummary
from portal.areas.covariate_files import read_deprivation
from portal.areas.covariates import import_covariates
from portal.areas.files import (
    read_ethnicity,
    read_neighbourhood_lookup,
    read_population,
    read_rural_urban,
)
from portal.areas.importing import import_neighbourhoods, import_population, questionnaire_age_bands
from portal.areas.profile import save_profile
from portal.models import (
    Agency,
    Covariate,
    CovariateFile,
    LsoaNeighbourhood,
    Neighbourhood,
    Partnership,
    PopulationEstimate,
    PostcodeSector,
)
from portal.scorecard.targets import save_targets, targets_text

# The plan's Local Area Agreement targets (appendix 1), set as any partnership sets its own.
TARGETS_FILE = Path(__file__).resolve().parent / "laa-targets.yaml"

# The demo partnership's profile, set as any partnership sets its own (`save_profile`).
PROFILE = {
    "name": "Bath and North East Somerset Community Safety Partnership",
    "short_name": "B&NES CSP",
    "area_name": "Bath and North East Somerset",
    "contact_email": "community.safety@bathnes-csp.example.org",
    "contact_phone": "01225 000000",
    "website": "https://bathnes-csp.example.org",
    "privacy_contact": "data.protection@bathnes-csp.example.org",
}

AGENCIES = [
    ("police", "Police neighbourhood team"),
    ("council-asb", "Council anti-social behaviour team"),
    ("housing-trust", "Housing trust"),
    ("fire-rescue", "Fire and rescue service"),
    ("environmental-services", "Council environmental services"),
    ("highways", "Council highways and parking"),
    ("youth-offending", "Youth Offending Team"),
    ("drug-alcohol", "Drug and alcohol action team"),
]

POSTCODE_SECTORS = {
    "bath-city-centre": ["BA1 1", "BA1 2", "BA1 5"],
    "twerton": ["BA2 1"],
    "southdown": ["BA2 2"],
    "whiteway": ["BA2 9"],
    "oldfield-park": ["BA2 3"],
    "widcombe": ["BA2 4", "BA2 6"],
    "larkhall": ["BA1 6", "BA1 7"],
    "combe-down": ["BA2 5", "BA2 7"],
    "keynsham": ["BS31 1", "BS31 2"],
    "midsomer-norton": ["BA3 2", "BA3 3", "BA3 4"],
    "chew-valley": ["BS39 6", "BS40 8"],
    "bathavon": ["BA1 8", "BA1 9", "BA2 8", "BA15 2"],
}


def seed_neighbourhoods(session: Session, summary: DemoSummary) -> dict[str, Neighbourhood]:
    """Add the neighbourhoods not there yet, with their postcode sectors, then their areas and
    populations from the demo's files; returns every neighbourhood by slug."""
    existing = {n.slug: n for n in session.scalars(select(Neighbourhood))}
    for nb in NEIGHBOURHOOD_LIST:
        if nb.slug in existing:
            continue
        place = Neighbourhood(slug=nb.slug, name=nb.name, area_class=nb.area_class,
                              description=f"Synthetic demo neighbourhood ({nb.area_class}).")
        for sector in POSTCODE_SECTORS.get(nb.slug, []):
            place.postcode_sectors.append(PostcodeSector(sector=sector))
        session.add(place)
        existing[nb.slug] = place
        summary.count("neighbourhood")
    session.flush()
    seed_area_files(session, summary)
    return existing


def _open(role: str) -> Any:
    from demo.ons_files import FILES, FOLDER  # lazily: `python -m demo.ons_files` writes them

    return open(FOLDER / FILES[role], encoding="utf-8-sig", newline="")


def seed_area_files(session: Session, summary: DemoSummary) -> None:
    """The LSOA lookup with its rural-urban classes, the populations by age, sex and ethnicity,
    and the synthetic IMD score, from `demo/ons/`, unless loaded already. The neighbourhoods
    exist by then, so the lookup's names find them (whatever their slugs) and nothing is renamed.
    The demo keeps postcode sectors rather than a postcode file: any postcode of a sector finds
    its neighbourhood."""
    from demo.ons_files import FILES

    if not session.scalar(select(func.count()).select_from(LsoaNeighbourhood)):
        with _open("lookup") as lookup, _open("rural_urban") as classes:
            outcome = import_neighbourhoods(
                session, read_neighbourhood_lookup(lookup, FILES["lookup"]),
                read_rural_urban(classes, FILES["rural_urban"]))
        summary.count("LSOA", outcome.lsoas)
    if not session.scalar(select(func.count()).select_from(PopulationEstimate)
                          .where(PopulationEstimate.variable == "age_band")):
        with _open("population") as people, _open("ethnicity") as groups:
            populations, _column = read_population(people, FILES["population"])
            ethnicity = read_ethnicity(groups, FILES["ethnicity"])
        import_population(
            session, populations, questionnaire_age_bands(session),
            f"Synthetic demo estimates in the ONS mid-year layout ({FILES['population']})",
            ethnicity, f"Synthetic demo Census 2021 ethnic group in the TS021 layout "
                       f"({FILES['ethnicity']}), scaled to residents aged 16+")
        summary.count("weighting population file")
    # An install whose populations were loaded before LSOAs kept their residents has no weights.
    weighted = session.scalar(select(func.count()).select_from(LsoaNeighbourhood)
                              .where(LsoaNeighbourhood.adults.is_not(None)))
    if weighted and not session.scalar(select(func.count()).select_from(Covariate)):
        with _open("deprivation") as scores:
            table = read_deprivation(scores, FILES["deprivation"], CovariateFile.IOD)
        import_covariates(session, table, "Synthetic demo scores in the layout of the English "
                          "Indices of Deprivation 2025, File 7", date(2025, 10, 30),
                          FILES["deprivation"])
        summary.count("area covariate")


def seed_partnership(session: Session, summary: DemoSummary) -> None:
    """The partnership's profile, unless one is set already."""
    if session.get(Partnership, 1) is None:
        save_profile(session, PROFILE).demo = True
        summary.count("partnership profile")


def seed_targets(session: Session, summary: DemoSummary) -> None:
    """The plan's targets, unless the partnership has set its own."""
    if targets_text(session) is None:
        save_targets(session, TARGETS_FILE.read_text(encoding="utf-8"), None)
        summary.count("LAA targets file")


def seed_agencies(session: Session, summary: DemoSummary) -> dict[str, Agency]:
    """Add the agencies not there yet; returns every agency by slug."""
    existing = {a.slug: a for a in session.scalars(select(Agency))}
    for slug, name in AGENCIES:
        if slug not in existing:
            existing[slug] = Agency(slug=slug, name=name)
            session.add(existing[slug])
            summary.count("agency")
    session.flush()
    return existing
