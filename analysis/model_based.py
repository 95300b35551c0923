"""Model-based neighbourhood figures: the Fay-Herriot model (`analysis.small_areas`) fitted to a
wave's direct neighbourhood estimates of one indicator, for the neighbourhoods whose direct figure
cannot be stood behind (a coefficient of variation over 20%, a base under the low-base threshold,
or suppressed).

The choices, and why (the method note says the same):

- **Arcsine scale with smoothed variances**: shares from small bases; it did as well as or better
  than the untransformed model in every population of the design-based simulation.
- **Only published direct figures go in.** A neighbourhood whose direct figure is suppressed
  (under 30 responses) is predicted from its covariates alone (out of sample), so the model-based
  figure cannot be worked back to the suppressed one.
- **Benchmarked**: every neighbourhood's estimate, in sample or not, is scaled so that their
  16+-population-weighted mean equals the authority's direct estimate exactly; the MSE is adjusted.

Pure pandas and numpy: the portal passes the estimates, covariates and populations in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.errors import SmallAreaError
from analysis.small_areas import CV_THRESHOLD, SmallAreaFit, fit_small_areas

METHOD = ("Fay-Herriot area-level model (REML, EBLUP) on the arcsine scale with smoothed "
          "variances, benchmarked to the authority's direct estimate")
FEWEST_AREAS = 4  # with fewer published direct figures no model is fitted
SPARE_AREAS = 3  # areas beyond the coefficients: covariates are dropped, last first, to keep them


@dataclass(frozen=True)
class ModelFigure:
    """One neighbourhood's model-based figure; ``needed`` when its direct figure is too uncertain
    to publish on its own (so the public pages show this one instead)."""

    area: str
    estimate: float
    ci_lower: float
    ci_upper: float
    rmse: float
    kind: str  # eblup | synthetic | out_of_sample (from analysis.small_areas.AreaKind)
    needed: bool


@dataclass(frozen=True)
class ModelBased:
    indicator: str
    method: str
    covariates: tuple[str, ...]
    fit: SmallAreaFit
    figures: dict[str, ModelFigure]

    def api(self, area: str) -> dict | None:
        """The API's ``model_based`` object for one neighbourhood (None: not modelled)."""
        figure = self.figures.get(area)
        if figure is None:
            return None
        return {"estimate": figure.estimate, "ci_lower": figure.ci_lower,
                "ci_upper": figure.ci_upper, "rmse": figure.rmse, "method": self.method,
                "covariates": list(self.covariates)}


def needs_model(estimate: float | None, se: float | None, n: int, flag_below: int) -> bool:
    """A direct figure that cannot stand alone: suppressed, a low base, or a CV over 20%."""
    if estimate is None or se is None or n < flag_below or estimate <= 0:
        return True
    return se / estimate > CV_THRESHOLD


def model_based(rows: dict[str, dict | None], authority: float | None,
                covariates: pd.DataFrame, populations: dict[str, float], indicator: str,
                flag_below: int) -> ModelBased | None:
    """Fit the model to ``rows`` ({neighbourhood: its estimate row, with ``estimate``, ``se``
    and ``n``; None or a null estimate when suppressed}) with ``covariates`` (``area`` and
    numeric columns, one row per neighbourhood), benchmarked to ``authority``. None when there
    are too few published figures, no authority figure, or the model cannot be fitted (say, the
    covariates are collinear); the caller then shows the direct figures alone."""
    published = [(area, row) for area, row in rows.items() if row is not None
                 and _number(row.get("estimate")) is not None and _number(row.get("se"))
                 and int(row.get("n") or 0) > 0]
    if len(published) < FEWEST_AREAS or authority is None or not math.isfinite(authority):
        return None
    direct = pd.DataFrame({"area": [a for a, _ in published],
                           "estimate": [float(r["estimate"]) for _, r in published],
                           "variance": [float(r["se"]) ** 2 for _, r in published],
                           "n": [int(r["n"]) for _, r in published]})
    names = [c for c in covariates.columns if c != "area"]
    names = names[:max(0, len(published) - 1 - SPARE_AREAS)]
    covariates = covariates[["area", *names]]  # so that the fit has areas to spare
    try:
        fit = fit_small_areas(direct, covariates, transform="arcsin", variances="smoothed",
                              benchmark=authority, populations=populations)
    except SmallAreaError:
        return None
    figures = {}
    for a in fit.areas:
        row = rows.get(a.area)
        estimate = a.benchmarked if a.benchmarked is not None else a.eblup
        mse = a.mse_benchmarked if a.mse_benchmarked is not None else a.mse
        scale = estimate / a.eblup if a.eblup else 1.0  # the interval moves with the benchmark
        figures[a.area] = ModelFigure(
            area=a.area, estimate=estimate, ci_lower=max(0.0, a.ci_lower * scale),
            ci_upper=min(1.0, a.ci_upper * scale), rmse=math.sqrt(mse), kind=str(a.kind),
            needed=needs_model(_number(row.get("estimate")) if row else None,
                               _number(row.get("se")) if row else None,
                               int(row.get("n") or 0) if row else 0, flag_below))
    return ModelBased(indicator, METHOD, tuple(names), fit, figures)


def _number(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
