"""The demo's places: twelve neighbourhoods of a Bath-and-North-East-Somerset-like authority (from
`demo.responses.NEIGHBOURHOOD_LIST`), each with its population by age band, sex and ethnicity and
its postcode sectors, and the partner agencies that own PACT work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.responses import NEIGHBOURHOOD_LIST, population_margins
from demo.summary import DemoSummary
from portal.areas.profile import save_profile
from portal.models import Agency, Neighbourhood, Partnership, PopulationEstimate, PostcodeSector
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
    """Add the neighbourhoods not there yet, with their populations and postcode sectors; returns
    every neighbourhood by slug."""
    existing = {n.slug: n for n in session.scalars(select(Neighbourhood))}
    row: Any  # a row of the margins table; pandas-stubs cannot know its column types
    for nb in NEIGHBOURHOOD_LIST:
        if nb.slug in existing:
            continue
        place = Neighbourhood(slug=nb.slug, name=nb.name, area_class=nb.area_class,
                              description=f"Synthetic demo neighbourhood ({nb.area_class}).")
        margins = population_margins([nb.slug])
        for row in margins[margins.variable != "neighbourhood"].itertuples():
            place.population.append(PopulationEstimate(
                variable=row.variable, category=row.category, population=int(row.population),
                source="Synthetic demo population (modelled on ONS mid-year estimates)"))
        for sector in POSTCODE_SECTORS.get(nb.slug, []):
            place.postcode_sectors.append(PostcodeSector(sector=sector))
        session.add(place)
        existing[nb.slug] = place
        summary.count("neighbourhood")
    session.flush()
    return existing


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
