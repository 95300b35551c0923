"""The demo's recorded crime: an LSOA lookup and a year of police.uk street-level files per wave.

The files are written in the published layout by `portal.crime.synthetic` and imported through
the same `read_street_file` / `import_street_files` as real ones. Rates follow each demo
neighbourhood's traits (deprivation drives burglary and vehicle crime, the night-time economy
violence, robbery and shoplifting) and fall a little each year, so serious acquisitive crime
(NI 16) moves toward the plan's target. Recorded burglary is around one household in a hundred a
year while about a third of residents are worried about it: the plan's "fear runs far ahead of
risk". A few crimes each month fall in LSOAs of neighbouring authorities (outside the lookup),
and a few have no location, as in real files.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.crime.importing import import_street_files, read_street_file, replace_lookup
from portal.crime.synthetic import TYPICAL_RATES, Lsoa, by_month, draw_counts, street_file
from portal.models import CrimeImport, LsoaNeighbourhood, Neighbourhood, PopulationEstimate
from surveys import synthetic

RESIDENTS_PER_LSOA = 1300
ADULTS_PER_HOUSEHOLD = 1.9
FIRST_CODE = 1014370  # E01014370: the demo's codes run on from here, BANES-like but synthetic
NEIGHBOURS = [Lsoa("E01014540", "Bristol 032B", -2.589, 51.454, 1500),
              Lsoa("E01031990", "Wiltshire 007C", -2.262, 51.351, 1500),
              Lsoa("E01029320", "Mendip 011A", -2.480, 51.280, 1500)]
YEARLY_CHANGE = 0.95  # each wave's year has 5% fewer crimes than the one before
# How each crime type follows a neighbourhood's traits: (base, x deprivation, x nightlife).
TRAIT_WEIGHTS = {
    "Burglary": (0.35, 1.0, 0.2), "Vehicle crime": (0.4, 0.8, 0.5),
    "Violence and sexual offences": (0.3, 0.9, 2.0), "Robbery": (0.2, 0.8, 2.0),
    "Shoplifting": (0.2, 0.3, 2.5), "Anti-social behaviour": (0.3, 1.0, 1.5),
    "Public order": (0.2, 0.8, 2.0), "Theft from the person": (0.1, 0.3, 3.0),
}
DEFAULT_WEIGHTS = (0.4, 0.8, 0.8)


def wave_months(opens_on: date) -> list[str]:
    """The twelve months from the wave's first month."""
    months = []
    year, month = opens_on.year, opens_on.month
    for _ in range(12):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def demo_lsoas(places: dict[str, Neighbourhood]) -> dict[str, list[Lsoa]]:
    """Each neighbourhood's LSOAs, about 1,300 adults each, numbered in neighbourhood order."""
    out, code = {}, FIRST_CODE
    for index, nb in enumerate(synthetic.NEIGHBOURHOOD_LIST):
        if nb.slug not in places:
            continue
        count = max(2, round(nb.adults / RESIDENTS_PER_LSOA))
        out[nb.slug] = [Lsoa(f"E0{code + k:07d}", f"Bath and North East Somerset {index + 1:03d}"
                             f"{chr(65 + k % 26)}", -2.36 - 0.01 * index, 51.38 + 0.002 * k,
                             nb.adults // count) for k in range(count)]
        code += count
    return out


def neighbourhood_rates(slug: str, year_factor: float) -> dict[str, float]:
    """Yearly rates per 1,000 by crime type for one demo neighbourhood."""
    nb = next(n for n in synthetic.NEIGHBOURHOOD_LIST if n.slug == slug)
    rates = {}
    for kind, typical in TYPICAL_RATES.items():
        base, by_deprivation, by_nightlife = TRAIT_WEIGHTS.get(kind, DEFAULT_WEIGHTS)
        factor = base + by_deprivation * nb.deprivation + by_nightlife * nb.nightlife
        rates[kind] = typical * factor * year_factor
    return rates


def seed_recorded_crime(session: Session, places: dict[str, Neighbourhood], waves, seed: int) -> int:
    """Load the demo's lookup, households and a year of street-level files per past wave, if no
    recorded crime is loaded yet; returns the street-level rows imported (0 if already there)."""
    if session.scalar(select(func.count()).select_from(CrimeImport)):
        return 0
    lsoas = demo_lsoas(places)
    if not session.scalar(select(func.count()).select_from(LsoaNeighbourhood)):
        replace_lookup(session, {lsoa.code: places[slug].id
                                 for slug, found in lsoas.items() for lsoa in found})
    _households(session, places)
    by_code = {lsoa.code: lsoa for found in lsoas.values() for lsoa in found}
    by_code.update({lsoa.code: lsoa for lsoa in NEIGHBOURS})
    files = []
    for index, wave in enumerate(waves):
        rng = np.random.default_rng([seed, index])
        months = wave_months(wave.opens_on)
        counts = {}
        for slug, found in lsoas.items():
            counts.update(draw_counts(found, months, neighbourhood_rates(slug, YEARLY_CHANGE ** index),
                                      rng))
        counts.update(draw_counts(NEIGHBOURS, months, {"Burglary": 8.0, "Vehicle crime": 8.0,
                                                       "Anti-social behaviour": 20.0}, rng))
        monthly = by_month(counts)
        for month in months:
            name = f"{month}-avon-and-somerset-street.csv"
            data = street_file(month, monthly.get(month, {}), by_code, rng,
                               no_location=int(rng.integers(0, 4)))
            files.append(read_street_file(data, name))
    return import_street_files(session, files).rows


def _households(session: Session, places: dict[str, Neighbourhood]) -> None:
    """A household count per neighbourhood (adults / 1.9), so burglary has a household rate."""
    have = set(session.scalars(select(PopulationEstimate.neighbourhood_id)
                               .where(PopulationEstimate.variable == "households")))
    for nb in synthetic.NEIGHBOURHOOD_LIST:
        place = places.get(nb.slug)
        if place is not None and place.id not in have:
            session.add(PopulationEstimate(
                neighbourhood_id=place.id, variable="households", category="all",
                population=round(nb.adults / ADULTS_PER_HOUSEHOLD),
                source="Synthetic demo households (adults / 1.9)"))
    session.flush()
