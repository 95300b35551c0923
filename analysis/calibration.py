"""Calibration of base weights to population margins beyond raking: linear (GREG) and logit.

Method: R ``survey::calibrate(design, ~ v1 + v2 + ..., population, calfun, bounds)`` exactly, with
the margins' categories as dummy totals (intercept = population, then every category but the
first of each variable, in the order of the weighting variables). The g-weights (calibrated /
base weight) depend only on a respondent's categories, so the work is done on the cells of the
cross-table, as for raking:

- ``linear`` without bounds: R's ``regcalibrate``, the closed-form GREG g = 1 + x'T^-1(N - t),
  T = sum d x x'. Weights can be negative or below 1 (GREG allows it).
- ``linear`` with bounds (L, U) and ``logit`` (bounds required, L < 1 < U): R's ``grake``
  Newton iterations with the truncated-linear or logit distance, stopping when every total is
  within ``epsilon`` x (1 + |total|) (R's 1e-7, at most 50 iterations), with R's rescaling of the
  base weights when every population/sample ratio exceeds 20 (the bounds then apply after it).
  Not converging, or bounds that no weights can meet, is a ``ConvergenceError`` naming the
  method and bounds (R warns and stops with "Calibration failed").

Bounds are on g = w / base weight, as in R: with base weights far from the population scale,
pick bounds around N / sum(base), or pass ``scale_base=True`` (the CLI does) to scale the base
weights to the population total first, so that g is near 1.

Standard errors: the calibrated design carries R's ``greg_calibration`` residualisation
(:class:`analysis.weighting.Calibration`), used by :func:`analysis.linearisation.linearise`.
Every weighting variable must be given by every respondent (R's ``model.matrix`` drops the row);
raking (:func:`analysis.weighting.rake_weights`) keeps its mean-adjustment rule for them.
"""

from __future__ import annotations

import enum

import numpy as np
import pandas as pd

from analysis.codes import CodedFrame
from analysis.errors import ConvergenceError, WeightingError
from analysis.formatting import plural
from analysis.margins import check_totals, validate_margins
from analysis.weighting import (
    Calibration,
    RakedDesign,
    WeightingResult,
    _base_weights,
    _build_cells,
    _cell_sums,
    _check_inputs,
    _encode_margins,
    weighting_variables,
)

RESCALE_THRESHOLD = 20.0  # R grake's SOMETHRESHOLD


class CalFun(enum.StrEnum):
    """Calibration distance (R ``calfun``); ``raking`` is :func:`rake_weights` (R ``rake``)."""

    RAKING = "raking"
    LINEAR = "linear"
    LOGIT = "logit"


def _bounds_text(bounds: tuple[float, float] | None) -> str:
    return "no bounds" if bounds is None else f"bounds {bounds[0]:g},{bounds[1]:g}"


def _fm1_linear(u: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """R cal.linear: F(u) - 1 and its derivative, truncated to the bounds."""
    return np.minimum(np.maximum(u + 1, lo), hi) - 1, ((u < hi - 1) & (u > lo - 1)).astype(float)


def _fm1_logit(u: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """R cal.logit: F(u) - 1 and its derivative (g between lo and hi)."""
    a = (hi - lo) / ((hi - 1) * (1 - lo))
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(a * u)
        den = hi - 1 + (1 - lo) * e
        num = lo * (hi - 1) + hi * (1 - lo) * e
        fm1 = num / den - 1
        deriv = hi * (1 - lo) * e * a / den - num * ((1 - lo) * e * a) / den**2
    return fm1, deriv


def _check_bounds(method: CalFun, bounds: tuple[float, float] | None) -> None:
    if bounds is None:
        if method is CalFun.LOGIT:
            raise WeightingError("logit calibration needs bounds L,U with L < 1 < U (e.g. 0.3,3)")
        return
    lo, hi = bounds
    if not (np.isfinite(lo) and np.isfinite(hi)) or not lo < 1 < hi:
        raise WeightingError(
            f"{method.value} calibration: {_bounds_text(bounds)} must be finite with "
            "L < 1 < U (bounds on calibrated / base weight)")


def _grake(X, ww, population, method: CalFun, bounds: tuple[float, float], epsilon: float,
           maxit: int) -> tuple[np.ndarray, int]:
    """R ``grake``: Newton iterations on the cells (``ww`` = base weight total per cell).

    Returns the g-weights and the iterations taken."""
    fm1 = _fm1_logit if method is CalFun.LOGIT else _fm1_linear
    lo, hi = bounds
    sample_total = X.T @ ww
    with np.errstate(divide="ignore"):
        scales = population / sample_total
    scale = None
    if scales.min() > RESCALE_THRESHOLD:
        scale = float(scales.mean())
        ww = ww * scale
        sample_total = sample_total * scale
    eta = np.zeros(X.shape[1])
    g, deriv = fm1(X @ eta, lo, hi)
    iteration = 1
    while True:
        T = (X * (ww * deriv)[:, None]).T @ X
        misfit = population - sample_total - X.T @ (ww * g)
        deta = np.linalg.pinv(T, rcond=256 * np.finfo(float).eps) @ misfit
        eta = eta + deta
        g, deriv = fm1(X @ eta, lo, hi)
        while iteration < maxit and not (np.all(np.isfinite(g)) and np.all(np.isfinite(deriv))):
            iteration += 1
            deta = deta / 2
            eta = eta - deta
            g, deriv = fm1(X @ eta, lo, hi)
        misfit = population - sample_total - X.T @ (ww * g)
        achieved = float(np.max(np.abs(misfit) / (1 + np.abs(population))))
        if achieved < epsilon:
            break
        iteration += 1
        if iteration > maxit:
            raise ConvergenceError(
                f"{method.value} calibration with {_bounds_text(bounds)} did not converge in "
                f"{maxit} iterations (largest relative miss of a total {achieved:.3g}); the "
                "bounds are probably too tight for these margins: widen them")
    g = g + 1
    return (g * scale if scale is not None else g), iteration


def _model_matrix(groups: list[np.ndarray], categories: list[list[str]], populations,
                  population: float) -> tuple[np.ndarray, np.ndarray]:
    """Per cell dummies (intercept, then categories 2..k of each variable) and their totals."""
    cols = [np.ones(len(groups[0]))]
    totals = [population]
    for g, cats, pop in zip(groups, categories, populations, strict=True):
        for j in range(1, len(cats)):
            cols.append((g == j).astype(float))
            totals.append(float(pop[j]))
    return np.column_stack(cols), np.asarray(totals)


def calibrate_weights(
    responses: pd.DataFrame | CodedFrame,
    margins: pd.DataFrame,
    variables: list[str] | tuple[str, ...] | None = None,
    *,
    method: CalFun | str = CalFun.LINEAR,
    bounds: tuple[float, float] | None = None,
    base_weights: str | np.ndarray | pd.Series | None = None,
    epsilon: float = 1e-7,
    maxit: int = 50,
    scale_base: bool = False,
) -> WeightingResult:
    """Calibrate ``base_weights`` (default 1) to ``margins`` as R ``calibrate(calfun=method)``.

    ``bounds`` (L, U) on g = w / base; required for ``logit``. ``epsilon`` and ``maxit`` are
    R's (1e-7, 50). ``scale_base`` first scales the base weights to the population total
    (base x N / sum(base), as the CLI does), so that bounds read as bounds around 1. The
    result's design carries the calibration regression for the SEs.
    """
    method = CalFun(method)
    if method is CalFun.RAKING:
        raise WeightingError("raking is rake_weights; calibrate_weights does linear and logit")
    _check_bounds(method, bounds)
    coded = responses if isinstance(responses, CodedFrame) else CodedFrame(responses)
    margins = validate_margins(margins)
    chosen = weighting_variables(margins, variables)
    _check_inputs(coded, margins, chosen)
    base = _base_weights(coded.frame, base_weights, len(coded))
    encoded = _encode_margins(coded, margins, chosen)
    for var, k in encoded.missing.items():
        if k:
            raise WeightingError(
                f"{method.value} calibration: {plural(k, 'respondent')} did not give {var}; "
                "calibration needs every weighting variable from everyone (use raking, which "
                "gives them the mean adjustment, or drop the variable)")
    population = check_totals(margins, chosen)
    if scale_base:
        base = (np.ones(len(coded)) if base is None else base) * population / (
            len(coded) if base is None else base.sum())
    cells = _build_cells(len(coded), encoded)
    bsum, bsq = _cell_sums(cells, base)
    X, totals = _model_matrix(cells.groups, encoded.categories, encoded.populations, population)
    M = (X * bsum[:, None]).T @ X
    if bounds is None:  # R regcalibrate: closed form
        g = 1 + X @ np.linalg.solve(M, totals - X.T @ bsum)
        iterations = 0
    else:
        g, iterations = _grake(X, bsum, totals, method, bounds, epsilon, maxit)
    design = RakedDesign(len(cells.cell), cells.cell, cells.n_cells, cells.count, base, bsum, bsq,
                         g, [], calibration=Calibration(X, g, g, M))
    note = f"{method.value} calibration ({_bounds_text(bounds)}) to the margins as dummy totals"
    return WeightingResult(
        weights=design.weights, variables=chosen, iterations=iterations, converged=True, epsilon=epsilon,
        maxit=maxit, population=population, missing=encoded.missing, notes=[note], design=design)
