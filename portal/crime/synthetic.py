"""Synthetic police.uk street-level files, in the published layout, for the demo and the benchmark.

Deterministic from a seed: counts per LSOA, month and crime type are Poisson draws around the
yearly rates given, and each crime becomes one row as police.uk writes it (a 64-hex `Crime ID`,
empty for anti-social behaviour; "On or near ..." locations; an outcome category).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from portal.crime.importing import STREET_COLUMNS

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
