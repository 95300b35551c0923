"""The demo authority's ONS-layout files (in `demo/ons/`), from which `flask --app portal demo`
sets up its areas through the same readers and imports as any partnership: the LSOA lookup with
the neighbourhood column a partnership adds, the Rural Urban Classification, the mid-year
estimates by single year of age and sex, Census 2021 ethnic group (TS021), and deprivation
scores in the layout of the English Indices of Deprivation 2025, File 7 (made up from each demo
neighbourhood's deprivation trait: not MHCLG's figures).

They are synthetic, made here from the demo's populations (`demo.responses`) and LSOAs
(`demo.crime.demo_lsoas`), so that summed back to neighbourhoods they give exactly the margins the
generator draws responses from. Regenerate them with `python -m demo.ons_files`; a test keeps the
committed files equal to what this module makes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from demo.crime import demo_lsoas
from demo.responses import AGE_BANDS, NEIGHBOURHOOD_LIST, SEXES, population_cells, population_margins
from portal.areas.files import ETHNIC_GROUPS, ETHNIC_TOTAL, OLDEST, WHITE, WHITE_BRITISH, age_band_range

FOLDER = Path(__file__).resolve().parent / "ons"
FILES = {
    "lookup": "lsoa21-neighbourhood-lookup.csv",
    "rural_urban": "ruc21-lsoa.csv",
    "population": "sapelsoasyoa-mid-2010.csv",
    "ethnicity": "census2021-ts021-lsoa.csv",
    "deprivation": "iod2025-file7-synthetic.csv",
}
# IoD2025 File 7's first columns, then its IMD, two domain scores and the crime domain's.
IOD_HEADER = ["LSOA code (2021)", "LSOA name (2021)", "Local Authority District code (2024)",
              "Local Authority District name (2024)", "Index of Multiple Deprivation (IMD) Score",
              "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
              "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
              "Income Score (rate)", "Employment Score (rate)", "Crime Score"]
ENGLAND_LSOAS = 33_755
LAD = ("E06000022", "Bath and North East Somerset")
CHILDREN_PER_YEAR = 0.013  # of an LSOA's adults, for each single year of age 0 to 15 and sex


def _split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` whole shares that differ by at most one and sum to it."""
    base, extra = divmod(total, parts)
    return [base + (1 if k < extra else 0) for k in range(parts)]


def _csv(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def area_files() -> dict[str, str]:
    """{role: CSV text} of the four files."""
    places = {nb.slug: nb for nb in NEIGHBOURHOOD_LIST}
    lsoas = demo_lsoas(places)  # type: ignore[arg-type]  # only the slugs are read
    cells = population_cells().set_index(["neighbourhood", "age_band", "sex"])["population"]
    lookup, classes, people, groups, scores = [], [], [], [], []
    ethnic_codes = ["white_british", "white_other", *ETHNIC_GROUPS]
    for slug, found in lsoas.items():
        nb = places[slug]
        by_lsoa = {lsoa.code: {"F": [0] * (OLDEST + 1), "M": [0] * (OLDEST + 1)} for lsoa in found}
        for band in AGE_BANDS:
            ages = list(age_band_range(band))
            for sex, letter in zip(SEXES, "FM", strict=True):
                for age, in_year in zip(ages, _split(int(cells[(slug, band, sex)]), len(ages)),
                                        strict=True):
                    for lsoa, share in zip(found, _split(in_year, len(found)), strict=True):
                        by_lsoa[lsoa.code][letter][age] += share
        margins = population_margins([slug])
        ethnicity = dict(zip(margins[margins.variable == "ethnicity"].category,
                             margins[margins.variable == "ethnicity"].population, strict=True))
        shares = {code: _split(int(ethnicity[code]), len(found)) for code in ethnic_codes}
        for k, lsoa in enumerate(found):
            lookup.append([lsoa.code, lsoa.name, *LAD, nb.name])
            rural = nb.area_class == "rural"
            classes.append([lsoa.code, lsoa.name, "RLF1" if rural else "UN1",
                            "Larger rural: Further from a major town or city" if rural
                            else "Urban: Nearer to a major town or city"])
            years = by_lsoa[lsoa.code]
            adults = sum(years["F"][16:]) + sum(years["M"][16:])
            for letter in "FM":
                for age in range(16):
                    years[letter][age] = round(adults * CHILDREN_PER_YEAR)
            people.append([*LAD, lsoa.code, lsoa.name, sum(years["F"]) + sum(years["M"]),
                           *years["F"], *years["M"]])
            mix = {code: shares[code][k] for code in ethnic_codes}
            white = mix["white_british"] + mix["white_other"]
            groups.append(["2021", lsoa.name, lsoa.code, sum(mix.values()),
                           *(mix[code] for code in ETHNIC_GROUPS), white, mix["white_british"]])
            scores.append([lsoa.code, lsoa.name, *LAD, *_deprivation(nb, k)])
    ages_header = [f"{letter}{age}" for letter in "FM" for age in range(OLDEST + 1)]
    return {
        "lookup": _csv(["LSOA21CD", "LSOA21NM", "LAD24CD", "LAD24NM", "neighbourhood"], lookup),
        "rural_urban": _csv(["LSOA21CD", "LSOA21NM", "RUC21CD", "RUC21NM"], classes),
        "population": _csv(["LAD 2021 Code", "LAD 2021 Name", "LSOA 2021 Code", "LSOA 2021 Name",
                            "Total", *ages_header], people),
        "ethnicity": _csv(["date", "geography", "geography code", ETHNIC_TOTAL,
                           *ETHNIC_GROUPS.values(), WHITE, WHITE_BRITISH], groups),
        "deprivation": _csv(IOD_HEADER, scores),
    }


def _deprivation(nb, k: int) -> list:
    """Made-up IoD scores of a neighbourhood's k-th LSOA: from its deprivation trait (0 to 1),
    varied a little from LSOA to LSOA; rank and decile as if among England's LSOAs."""
    spread = ((k * 7) % 5 - 2) / 2  # -1 .. 1, the same every run
    imd = round(max(1.0, 6 + 42 * nb.deprivation + 3 * spread), 3)
    rank = max(1, min(ENGLAND_LSOAS, round(ENGLAND_LSOAS * (1 - imd / 60))))
    decile = min(10, 1 + (rank - 1) * 10 // ENGLAND_LSOAS)
    return [imd, rank, decile, round(0.03 + 0.22 * nb.deprivation + 0.01 * spread, 3),
            round(0.02 + 0.15 * nb.deprivation + 0.01 * spread, 3),
            round(-1 + 1.2 * nb.nightlife + nb.deprivation + 0.1 * spread, 3)]


def write(folder: Path = FOLDER) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for role, text in area_files().items():
        (folder / FILES[role]).write_text(text, encoding="utf-8", newline="")


if __name__ == "__main__":
    write()
