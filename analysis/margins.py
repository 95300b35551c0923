"""Population margins for rim weighting: ``variable,category,population`` (residents aged 16+).

One row per category of each weighting variable (age_band, sex, neighbourhood, optionally
ethnicity). Loaded from CSV or built from stored per-neighbourhood populations; validated here
so that raking only ever sees clean, consistent margins.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import MarginsError

DEFAULT_VARIABLES = ("age_band", "sex", "neighbourhood")
OPTIONAL_VARIABLES = ("ethnicity",)
# Answers that mean "did not give this weighting variable"; they follow the missing rule.
NOT_GIVEN = ("prefer_not_to_say",)


def load_margins(path: str | Path) -> pd.DataFrame:
    """Read a margins CSV (``variable,category,population``) and validate it."""
    try:
        frame = pd.read_csv(path, dtype={"variable": str, "category": str}, keep_default_na=False)
    except FileNotFoundError as exc:
        raise MarginsError(f"margins file not found: {path}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise MarginsError(f"margins file {path} is not a readable CSV: {exc}") from exc
    return validate_margins(frame)


def validate_margins(margins: pd.DataFrame) -> pd.DataFrame:
    """Check columns, populations and duplicates; return a clean copy (population as float)."""
    missing = {"variable", "category", "population"} - set(margins.columns)
    if missing:
        raise MarginsError(
            "margins need the columns variable,category,population; missing: "
            + ", ".join(sorted(missing))
        )
    out = margins[["variable", "category", "population"]].copy()
    out["variable"] = out["variable"].astype(str).str.strip()
    out["category"] = out["category"].astype(str).str.strip()
    pop = pd.to_numeric(out["population"], errors="coerce")
    bad = out.loc[pop.isna(), ["variable", "category"]]
    if len(bad):
        v, c = bad.iloc[0]
        raise MarginsError(f"margin {v}={c}: population is not a number")
    if (pop < 0).any():
        v, c = out.loc[pop < 0, ["variable", "category"]].iloc[0]
        raise MarginsError(f"margin {v}={c}: population is negative")
    out["population"] = pop.astype(float)
    dup = out.duplicated(["variable", "category"])
    if dup.any():
        v, c = out.loc[dup, ["variable", "category"]].iloc[0]
        raise MarginsError(f"margin {v}={c} appears more than once")
    return out.reset_index(drop=True)


def margin_totals(margins: pd.DataFrame) -> dict[str, float]:
    """Population total of each variable's margin."""
    return {str(v): float(g.sum())
            for v, g in margins.groupby("variable", sort=False)["population"]}


def check_totals(margins: pd.DataFrame, variables, rtol: float = 1e-6) -> float:
    """The common population total; MarginsError naming the variables if totals disagree."""
    totals = {v: t for v, t in margin_totals(margins).items() if v in variables}
    values = np.array(list(totals.values()))
    if len(values) and (values.max() - values.min()) > rtol * values.max():
        listing = ", ".join(f"{v} {t:,.0f}" for v, t in totals.items())
        raise MarginsError(
            f"margin totals disagree ({listing}); every weighting variable must sum to the "
            "same 16+ population: correct the margins file"
        )
    return float(values.mean()) if len(values) else 0.0


def margins_from_cells(cells: pd.DataFrame, variables=DEFAULT_VARIABLES) -> pd.DataFrame:
    """Margins from populations stored per cell, e.g. per neighbourhood x age_band x sex.

    ``cells`` has one column per variable and a ``population`` column; each variable's margin is
    the sum over the others, so all margins share one total.
    """
    missing = [v for v in (*variables, "population") if v not in cells.columns]
    if missing:
        raise MarginsError(f"population cells lack the column(s): {', '.join(missing)}")
    parts = []
    for var in variables:
        g = cells.groupby(var, sort=False)["population"].sum()
        parts.append(pd.DataFrame({"variable": var, "category": g.index.astype(str),
                                   "population": g.to_numpy(float)}))
    return validate_margins(pd.concat(parts, ignore_index=True))
