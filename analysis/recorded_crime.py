"""Recorded crime rates per 1,000 residents, and NI 16 approximated from police.uk crime types.

Inputs are plain frames: monthly counts ``month, neighbourhood, crime_type, count`` (months as
``YYYY-MM``, crime types as police.uk names them) and the population ``neighbourhood,
population[, households]``. A rate is the crimes recorded in the whole period per 1,000
residents (not annualised: a quarter's rate is a quarter's crimes). The authority total is the
sum of the neighbourhoods' crimes over the sum of their populations.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.errors import InputError

AUTHORITY = "authority"
RATE_COLUMNS = ["neighbourhood", "crime_type", "count", "population", "rate_per_1000",
                "households", "rate_per_1000_households"]
BURGLARY = "Burglary"
# NI 16 serious acquisitive crime counts domestic burglary, theft of and from a vehicle and
# robbery; police.uk publishes "Burglary" (dwelling and non-dwelling together), "Vehicle crime"
# and "Robbery", so the rate from them approximates (over-states) NI 16.
NI16_TYPES = ("Burglary", "Robbery", "Vehicle crime")
NI16_CAVEAT = ("NI 16 is approximated from police.uk street-level data: police.uk does not separate "
               "burglary of a dwelling from other burglary, so its “Burglary” (all burglary), "
               "“Vehicle crime” and “Robbery” are counted, which over-states the NI 16 definition "
               "(domestic burglary, vehicle crime and robbery). Rates are per 1,000 residents aged "
               "16 and over (the population loaded for weighting), where NI 16 counts every age, "
               "which raises them further. Locations are approximate and some crimes have none.")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def check_month(value: str, name: str = "month") -> str:
    """``value`` if it is a month written YYYY-MM, else InputError saying how to write it."""
    if not isinstance(value, str) or not _MONTH.fullmatch(value):
        raise InputError(f"{name} {value!r} is not a month written YYYY-MM (e.g. 2010-04)")
    return value


def financial_year(year: int) -> tuple[str, str]:
    """The first and last month of the financial year starting in April of ``year``."""
    return f"{year}-04", f"{year + 1}-03"


def financial_year_label(year: int) -> str:
    """2010 -> '2010/11', as the plan writes years."""
    return f"{year}/{(year + 1) % 100:02d}"


def months_between(start: str, end: str) -> int:
    """Months from ``start`` to ``end`` inclusive (12 for a financial year)."""
    (y0, m0), (y1, m1) = (map(int, start.split("-")), map(int, end.split("-")))
    return (y1 - y0) * 12 + (m1 - m0) + 1


def month_span(start: str, end: str) -> list[str]:
    """Every month from ``start`` to ``end`` inclusive, as YYYY-MM."""
    year, month = map(int, start.split("-"))
    out = []
    for _ in range(months_between(start, end)):
        out.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _in_period(counts: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    check_month(start, "--from")
    check_month(end, "--to")
    if start > end:
        raise InputError(f"the period starts ({start}) after it ends ({end})")
    return counts[(counts["month"] >= start) & (counts["month"] <= end)]


def _rate(count, base):
    return (1000 * count / base).where(base > 0) if isinstance(count, pd.Series) \
        else (1000 * count / base if base else None)


def crime_rates(counts: pd.DataFrame, population: pd.DataFrame, start: str, end: str,
                crime_types: list[str] | None = None) -> pd.DataFrame:
    """Crimes and rate per 1,000 residents by neighbourhood and crime type over start..end.

    Every neighbourhood of ``population`` gets a row for every crime type (``crime_types``, or
    every type recorded in the period), zeros included; then the authority rows. Burglary also
    per 1,000 households where ``households`` is given. Columns ``RATE_COLUMNS``.
    """
    period = _in_period(counts, start, end)
    types = sorted(crime_types if crime_types is not None else period["crime_type"].unique())
    places = population.set_index("neighbourhood")
    grid = pd.MultiIndex.from_product([list(places.index), types],
                                      names=["neighbourhood", "crime_type"])
    summed = (period.groupby(["neighbourhood", "crime_type"])["count"].sum()
              .reindex(grid, fill_value=0).reset_index())
    summed = summed.merge(places, left_on="neighbourhood", right_index=True)
    authority = summed.groupby("crime_type", as_index=False)[
        ["count", "population", *(["households"] if "households" in summed else [])]].sum()
    authority.insert(0, "neighbourhood", AUTHORITY)
    table = pd.concat([summed, authority], ignore_index=True)
    return _with_rates(table)


def _with_rates(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table["count"] = table["count"].astype(int)
    table["rate_per_1000"] = _rate(table["count"], table["population"])
    if "households" not in table:
        table["households"] = float("nan")
    burglary = table["crime_type"].eq(BURGLARY) & table["households"].gt(0)
    table["rate_per_1000_households"] = _rate(table["count"], table["households"]).where(burglary)
    table.loc[~burglary, "households"] = float("nan")
    return table[RATE_COLUMNS]


def type_rates(counts: pd.DataFrame, population: pd.DataFrame, start: str, end: str,
               types: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Rates of groups of police.uk types (``{key: types}``) by neighbourhood and authority.

    Columns ``neighbourhood, key, count, population, rate_per_1000``; used for NI 16 and the
    survey's crime types (a group's count is the sum of its types).
    """
    period = _in_period(counts, start, end)
    rows = []
    totals = population.set_index("neighbourhood")["population"]
    for key, members in types.items():
        chosen = period[period["crime_type"].isin(members)]
        by_place = chosen.groupby("neighbourhood")["count"].sum().reindex(totals.index, fill_value=0)
        for place, n in zip(by_place.index, by_place.to_numpy(), strict=True):
            rows.append((place, key, int(n), float(totals.loc[place])))
        rows.append((AUTHORITY, key, int(by_place.sum()), float(totals.sum())))
    frame = pd.DataFrame(rows, columns=["neighbourhood", "key", "count", "population"])
    frame["rate_per_1000"] = _rate(frame["count"], frame["population"])
    return frame


def ni16_by_financial_year(counts: pd.DataFrame, population: pd.DataFrame,
                           years: list[int] | None = None) -> pd.DataFrame:
    """NI 16 (approximated, see ``NI16_CAVEAT``) for the authority per financial year.

    Columns ``year`` (start year), ``label`` ('2010/11'), ``count``, ``population``,
    ``rate_per_1000``, ``months`` (months of the year with any recorded crime loaded; a year
    with fewer than 12 is incomplete and its rate is left empty).
    """
    if years is None:
        starts = {int(m[:4]) - (1 if int(m[5:]) < 4 else 0) for m in counts["month"].unique()}
        years = sorted(starts)
    rows = []
    for year in years:
        start, end = financial_year(year)
        period = counts[(counts["month"] >= start) & (counts["month"] <= end)]
        table = type_rates(counts, population, start, end, {"ni16": NI16_TYPES})
        total = table[table["neighbourhood"] == AUTHORITY].iloc[0]
        months = int(period["month"].nunique())
        rows.append({"year": year, "label": financial_year_label(year), "count": int(total["count"]),
                     "population": float(total["population"]),
                     "rate_per_1000": float(total["rate_per_1000"]) if months == 12 else None,
                     "months": months})
    return pd.DataFrame(rows, columns=["year", "label", "count", "population", "rate_per_1000",
                                       "months"])
