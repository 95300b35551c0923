"""The demo's recorded crime: an LSOA lookup and a year of police.uk street-level files per wave.

The files are synthetic but in the published layout (UTF-8, CRLF, the 12 columns; a 64-hex `Crime
ID`, empty for anti-social behaviour; "On or near ..." locations; an outcome category), and are
imported through the same `read_street_file` / `import_street_files` as real ones; the benchmark
(`bench/bench_crime_import.py`) writes its files with the same functions. Deterministic from a seed:
counts per LSOA, month and crime type are Poisson draws around yearly rates.

Rates follow each demo neighbourhood's traits (deprivation drives burglary and vehicle crime, the
night-time economy violence, robbery and shoplifting) and fall a little each year, so serious
acquisitive crime (NI 16) moves toward the plan's target. Recorded burglary is around one household
in a hundred a year while about a third of residents are worried about it: the plan's "fear runs
far ahead of risk". A few crimes each month fall in LSOAs of neighbouring authorities (outside the
lookup), and a few have no location, as in real files.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from demo.responses import NEIGHBOURHOOD_LIST
from portal.areas.importing import import_neighbourhoods
from portal.crime.importing import STREET_COLUMNS, import_street_files, read_street_file
from portal.models import CrimeImport, LsoaNeighbourhood, Neighbourhood, PopulationEstimate

FORCE = "Avon and Somerset Constabulary"
# police.uk crime types with a typical yearly rate per 1,000 residents (England and Wales, about
# 2010), which the demo scales per neighbourhood.
TYPICAL_RATES = {
    "Anti-social behaviour": 45.0, "Bicycle theft": 2.5, "Burglary": 8.0,
    "Criminal damage and arson": 11.0, "Drugs": 3.5, "Other crime": 1.5, "Other theft": 11.0,
    "Possession of weapons": 0.5, "Public order": 4.0, "Robbery": 1.2, "Shoplifting": 6.5,
    "Theft from the person": 1.5, "Vehicle crime": 8.0, "Violence and sexual offences": 15.0,
}
OUTCOMES = ("Investigation complete; no suspect identified", "Unable to prosecute suspect",
            "Under investigation", "Offender given a caution", "Awaiting court outcome",
            "Local resolution", "Offender sent to prison")
STREETS = ("High Street", "Church Road", "Station Road", "Mill Lane", "Park Avenue", "The Green",
           "Queen Square", "Bath Road", "Manor Way", "School Lane", "Parking Area",
           "Supermarket", "Petrol Station", "Nightclub", "Shopping Area", "Sports/Recreation Area")


@dataclass(frozen=True)
class Lsoa:
    code: str
    name: str
    longitude: float
    latitude: float
    residents: int


def draw_counts(lsoas: list[Lsoa], months: list[str], yearly_rates: dict[str, float],
                rng: np.random.Generator, scale: dict[str, float] | None = None) -> dict:
    """{(month, lsoa code, crime type): crimes}: Poisson draws with mean rate x residents / 12000
    (the rate is per 1,000 a year), times ``scale[lsoa code]`` when given."""
    types = list(yearly_rates)
    rates = np.array([yearly_rates[t] for t in types])
    out = {}
    for lsoa in lsoas:
        factor = (scale or {}).get(lsoa.code, 1.0)
        means = rates * lsoa.residents / 12000 * factor
        draws = rng.poisson(means, size=(len(months), len(types)))
        for m, month in enumerate(months):
            for t, kind in enumerate(types):
                if draws[m, t]:
                    out[(month, lsoa.code, kind)] = int(draws[m, t])
    return out


def by_month(counts: dict) -> dict[str, dict]:
    """{month: {(lsoa code, crime type): crimes}} from `draw_counts`' output."""
    months: dict[str, dict] = {}
    for (month, code, kind), n in counts.items():
        months.setdefault(month, {})[(code, kind)] = n
    return months


def street_file(month: str, counts: dict, lsoas: dict[str, Lsoa], rng: np.random.Generator,
                force: str = FORCE, no_location: int = 0) -> bytes:
    """One month's file as police.uk publishes it (UTF-8, CRLF, the 12 columns), from that
    month's ``{(lsoa code, crime type): crimes}``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(STREET_COLUMNS)
    cells = sorted(counts.items())
    total = sum(n for _, n in cells)
    jitter = rng.uniform(-0.004, 0.004, size=(total, 2)).tolist()
    ids = rng.bytes(32 * total).hex()
    streets = rng.integers(0, len(STREETS), size=total).tolist()
    outcomes = rng.integers(0, len(OUTCOMES), size=total).tolist()
    i = 0
    for (code, kind), n in cells:
        lsoa = lsoas[code]
        asb = kind == "Anti-social behaviour"
        writer.writerows(
            ["" if asb else ids[64 * k:64 * (k + 1)], month, force, force,
             f"{lsoa.longitude + jitter[k][0]:.6f}", f"{lsoa.latitude + jitter[k][1]:.6f}",
             f"On or near {STREETS[streets[k]]}", lsoa.code, lsoa.name, kind,
             "" if asb else OUTCOMES[outcomes[k]], ""] for k in range(i, i + n))
        i += n
    for _ in range(no_location):
        writer.writerow(["", month, force, force, "", "", "No Location", "", "",
                         "Anti-social behaviour", "", ""])
    return buffer.getvalue().encode("utf-8")


# --- the demo authority's files ------------------------------------------------------------

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
    for index, nb in enumerate(NEIGHBOURHOOD_LIST):
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
    nb = next(n for n in NEIGHBOURHOOD_LIST if n.slug == slug)
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
        import_neighbourhoods(session, {lsoa.code: slug  # by slug: the names stay as they are
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
    for nb in NEIGHBOURHOOD_LIST:
        place = places.get(nb.slug)
        if place is not None and place.id not in have:
            session.add(PopulationEstimate(
                neighbourhood_id=place.id, variable="households", category="all",
                population=round(nb.adults / ADULTS_PER_HOUSEHOLD),
                source="Synthetic demo households (adults / 1.9)"))
    session.flush()
