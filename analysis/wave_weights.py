"""The dashboard's rim weights of one wave, ready to travel with an export, and their note.

Why: an analyst who reproduces a dashboard figure in SPSS or R needs the very weight the
dashboard used, plus what the weighting achieved. :func:`export_weights` weights the wave with
:func:`analysis.report.weigh_wave` (the function the dashboard calls, same margins and options;
raking is not reimplemented here) and tabulates each margin: population, respondents and weighted
count. A wave that cannot be weighted (too few responses, an empty margin category, no margins)
still exports: the weights are None and the note says why.

:meth:`ExportWeights.note_rows` gives the rows of the XLSX "weighting" sheet and of the CSV
weighting note (numbers as numbers, so a spreadsheet can check them).

:func:`export_replicates` adds bootstrap replicate weights, each replicate raked like the full
sample, so that someone holding only the export reproduces standard errors that allow for the
raking, without declaring the margins (R ``svrepdesign``; see ``REPLICATE_USE``).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.codes import column_codes
from analysis.errors import AnalysisError
from analysis.formatting import number
from analysis.margins import NOT_GIVEN, validate_margins
from analysis.replicates import make_replicates
from analysis.report import RAKE_OPTIONS, weigh_wave
from analysis.weighting import WeightingResult

WEIGHT_COLUMN = "weight"
METHOD = ("Rim weighting (raking) to population margins, as R survey::rake() with epsilon "
          f"{RAKE_OPTIONS['epsilon']:g} and at most {RAKE_OPTIONS['maxit']} iterations; the "
          "weight the dashboard and the reports use")
USE = ("SPSS: WEIGHT BY weight. R: survey::svydesign(ids = ~1, weights = ~weight, data = d). "
       "Estimates match the dashboard; standard errors do too only with the raking margins "
       "declared (R: rake() with the margins above)")
# Bootstrap replicates in an export: enough that the SE is within about 7% of its limit
# (1/sqrt(2R)); a file of 1,500 responses stays near 3 MB. JK1 would need one per response.
EXPORT_REPLICATES = 100
REPLICATE_USE = (
    "R: d <- merge(answers, read.csv(this file), by = 'response_id'); des <- "
    "survey::svrepdesign(data = d, weights = ~weight, repweights = 'repw_[0-9]+', "
    "type = 'bootstrap', scale = d$replicate_scale[1], rscales = 1, combined.weights = TRUE, "
    "mse = FALSE). Stata: svyset [pweight = weight], jkrweight(repw_*, "
    "multiplier(<replicate_scale>)) vce(jackknife), which applies the same variance formula")
NOT_GIVEN_LABEL = "(not given)"
MARGIN_HEADER = ["variable", "category", "population", "population_share", "respondents",
                 "weighted", "weighted_share"]


@dataclass(frozen=True)
class ExportWeights:
    """Weights of one wave in the responses' row order (None: not weighted) and their note."""

    wave: str
    weights: np.ndarray | None
    result: WeightingResult | None
    reason: str | None
    margins: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MARGIN_HEADER))

    def label(self) -> str:
        """A one-line description: the SPSS variable label of the weight."""
        if self.weights is None or self.result is None:
            return f"Rim weight: empty, wave {self.wave} could not be weighted ({self.reason})"
        return (f"Rim weight to the 16+ population (raking, as the dashboard); set it with "
                f"WEIGHT BY weight (effective base {number(self.result.effective_n)})")

    def note_rows(self) -> list[list]:
        """Diagnostics as label/value rows, a blank row, then the margin table."""
        rows: list[list] = [["wave", self.wave], ["weight column", WEIGHT_COLUMN],
                            ["method", METHOD]]
        if self.result is None:
            rows += [["status", "not weighted: the weight column is empty"],
                     ["reason", self.reason]]
        else:
            rows += [["status", "weighted"], *_diagnostic_rows(self.result), ["use", USE]]
        rows.append([])
        if len(self.margins):
            rows.append(list(MARGIN_HEADER))
            rows += [[None if _missing(v) else v for v in r]
                     for r in self.margins.itertuples(index=False)]
        return rows


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _diagnostic_rows(result: WeightingResult) -> list[list]:
    d = result.diagnostics()
    missing = "; ".join(f"{var} {count}" for var, count in d["missing"].items() if count)
    rows = [["responses", d["n"]], ["population (16+)", d["population"]],
            ["weighting variables", ", ".join(d["variables"])],
            ["iterations", d["iterations"]], ["converged", "yes" if d["converged"] else "no"],
            ["epsilon", d["epsilon"]], ["minimum weight", d["weight_min"]],
            ["maximum weight", d["weight_max"]],
            ["design effect due to weighting", d["design_effect"]],
            ["effective base", d["effective_n"]],
            ["trim cap", d["trim_cap"] if d["trim_cap"] is not None else "none"],
            ["did not give a weighting variable", missing or "none"],
            ["rule for them", d["missing_rule"]]]
    rows += [["note", note] for note in d["notes"]]
    return rows


def margin_table(responses: pd.DataFrame, margins: pd.DataFrame,
                 weights: np.ndarray | None) -> pd.DataFrame:
    """Each margin category: population and share, respondents, weighted count and share.

    Respondents who did not give a variable get a ``(not given)`` row (no population). Weighted
    columns are NaN when there are no weights.
    """
    margins = validate_margins(margins)
    rows = []
    for variable, group in margins.groupby("variable", sort=False):
        if variable not in responses.columns:
            continue
        codes, labels = column_codes(responses[variable])
        label_of = np.array([*labels, NOT_GIVEN_LABEL])[np.where(codes < 0, len(labels), codes)]
        label_of[np.isin(label_of, NOT_GIVEN)] = NOT_GIVEN_LABEL
        total_pop = float(group["population"].sum())
        total_w = float(weights.sum()) if weights is not None else np.nan
        cats = [*map(str, group["category"]), NOT_GIVEN_LABEL]
        pops = [*group["population"].astype(float), np.nan]
        for category, pop in zip(cats, pops, strict=True):
            hit = label_of == category
            if category == NOT_GIVEN_LABEL and not hit.any():
                continue
            w = float(weights[hit].sum()) if weights is not None else np.nan
            rows.append([variable, category, pop, pop / total_pop if total_pop else np.nan,
                         int(hit.sum()), w, w / total_w if weights is not None else np.nan])
    return pd.DataFrame(rows, columns=MARGIN_HEADER)


def export_weights(responses: pd.DataFrame, margins: pd.DataFrame | None, wave: str, *,
                   reason: str | None = None) -> ExportWeights:
    """Weight ``responses`` (one wave, wide format) as the dashboard does, never raising.

    ``margins`` None means the population is not loaded; ``reason`` then says why.
    """
    if margins is None:
        return ExportWeights(wave, None, None, reason or "no population margins are loaded")
    try:
        result = weigh_wave(responses, margins)
    except AnalysisError as error:
        table = _safe_margin_table(responses, margins, None)
        return ExportWeights(wave, None, None, str(error), table)
    table = margin_table(responses, margins, result.weights)
    return ExportWeights(wave, result.weights, result, None, table)


def _safe_margin_table(responses, margins, weights) -> pd.DataFrame:
    try:
        return margin_table(responses, margins, weights)
    except AnalysisError:  # margins unusable: the reason already says so
        return pd.DataFrame(columns=MARGIN_HEADER)


def export_replicates(responses: pd.DataFrame, margins: pd.DataFrame, wave: str,
                      replicates: int = EXPORT_REPLICATES) -> pd.DataFrame:
    """``response_id, weight, repw_1..R, replicate_type, replicate_scale`` for one wave.

    Bootstrap replicates (R ``bootweights``, every replicate raked with the dashboard's options);
    ``weight`` is the dashboard's weight. The draws are seeded from the wave's slug, so the same
    wave exports the same replicates every time. Raises AnalysisError when the wave cannot be
    weighted (the message says why).
    """
    reps = make_replicates(responses, margins, method="bootstrap", replicates=replicates,
                           seed=zlib.crc32(wave.encode()), **RAKE_OPTIONS)
    return reps.frame(responses["response_id"].astype(str).to_numpy())
