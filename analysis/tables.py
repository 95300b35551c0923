"""Two-way tables of two answers with the Rao-Scott tests of independence (R ``svychisq``).

Reference: R ``survey`` 4.1 ``svychisq.survey.design`` on a raked (optionally stratified and
clustered) design. Rows that left either answer blank are out of the table but stay in the design
with zero weight (R zeroes them, ``na.rm``): the cell proportions p and their covariance V come
from the influence values of the interaction's means (:mod:`analysis.sandwich`, which takes the
raking into account as ``svyrecvar`` does), and the denominator df is the whole design's
(PSUs less strata), as R computes it.

Pearson's X2 is the one of the weighted table scaled to N, the design's rows (R's
``svytable(Ntotal = N)``). The design effect matrix is Delta = (C' D^-1 C / N)^-1 C' D^-1 V D^-1 C
with D = diag(p) and C the interaction contrasts made orthogonal to the main effects; the
second-order (default, ``statistic = "F"``) test is F = X2 / tr(Delta) on d = tr(Delta)^2 /
tr(Delta^2) and d nu degrees of freedom; the first-order one X2 (r-1)(c-1) / tr(Delta) on
chi-square with (r-1)(c-1) (survey 4.1's ``statistic = "Chisq"`` prints the unadjusted X2 but
its p-value is this one's). Both are invariant to the order of the categories.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.catalogue import QUESTION_CODES
from analysis.codes import CodedFrame
from analysis.errors import InputError
from analysis.sandwich import design_df, design_vcov, raked_design
from analysis.weighting import RakedDesign, WeightingResult


class TableError(InputError):
    """A two-way table cannot be made: unknown column, too few categories or rows."""


@dataclass
class TwoWayTable:
    """A weighted two-way table and its Rao-Scott tests."""

    row_variable: str
    col_variable: str
    rows: list[str]
    cols: list[str]
    proportion: np.ndarray  # (r, c) weighted share of all who answered both
    se: np.ndarray  # (r, c)
    n: int  # responses that answered both
    n_total: int  # rows of the design (R's N)
    pearson: float
    f: float
    ndf: float
    ddf: float
    f_p: float
    chisq: float
    chisq_df: int
    chisq_p: float
    design_df: int
    design_effect_mean: float  # tr(Delta) / (r-1)(c-1): the mean generalised design effect

    def cells(self) -> pd.DataFrame:
        """One row per cell: row, col, proportion, se, unweighted count left to the caller."""
        r, c = np.meshgrid(np.arange(len(self.rows)), np.arange(len(self.cols)), indexing="ij")
        return pd.DataFrame({
            "row_variable": self.row_variable, "col_variable": self.col_variable,
            "row": [self.rows[i] for i in r.ravel()], "col": [self.cols[j] for j in c.ravel()],
            "proportion": self.proportion.ravel(), "se": self.se.ravel()})

    def tests(self) -> dict:
        return {
            "row_variable": self.row_variable, "col_variable": self.col_variable, "n": self.n,
            "n_total": self.n_total, "pearson": self.pearson,
            "rao_scott_f": {"f": self.f, "ndf": self.ndf, "ddf": self.ddf, "p": self.f_p},
            "rao_scott_chisq": {"chisq": self.chisq, "df": self.chisq_df, "p": self.chisq_p},
            "design_df": self.design_df, "design_effect_mean": self.design_effect_mean}


def ordered_levels(question: str, present: list[str]) -> list[str]:
    """The categories in the question's scale order when the catalogue knows it, else sorted."""
    scale = QUESTION_CODES.get(question)
    if scale is not None and set(present) <= set(scale):
        return [code for code in scale if code in present]
    return sorted(present)


def answer_codes(coded: CodedFrame, column: str, what: str) -> tuple[np.ndarray, list[str]]:
    """(codes in level order, -1 = blank; levels) of a column, or a TableError naming it."""
    if not coded.has(column):
        raise TableError(f"the {what} {column!r} is not a column of the responses")
    codes, labels = coded.codes(column)
    present = sorted({labels[k] for k in np.unique(codes[codes >= 0])})
    levels = ordered_levels(column, present)
    lut = np.full(len(labels) + 1, -1, dtype=np.int64)
    position = {lab: i for i, lab in enumerate(levels)}
    for k, lab in enumerate(labels):
        lut[k + 1] = position.get(lab, -1)
    return lut[codes + 1], levels


def two_way_table(responses, weighting: WeightingResult | RakedDesign, row: str, col: str
                  ) -> TwoWayTable:
    """The table of ``row`` by ``col`` with R svychisq's Rao-Scott F and chi-square tests."""
    design = raked_design(weighting)
    coded = responses if isinstance(responses, CodedFrame) else CodedFrame(responses)
    if len(coded) != design.n:
        raise TableError(f"{design.n:,} weights for {len(coded):,} responses")
    if row == col:
        raise TableError(f"the row and column are both {row!r}; choose two different answers")
    rcode, rows = answer_codes(coded, row, "row variable")
    ccode, cols = answer_codes(coded, col, "column variable")
    for name, levels in ((row, rows), (col, cols)):
        if len(levels) < 2:
            raise TableError(f"{name!r} has {len(levels)} answer category in the responses; a "
                             "table needs at least 2")
    both = (rcode >= 0) & (ccode >= 0)
    nr, nc = len(rows), len(cols)
    n = int(both.sum())
    if n < 2:
        raise TableError(f"only {n} response answered both {row!r} and {col!r}")
    w = np.where(both, design.weights, 0.0)
    total = w.sum()
    # cells in R's order: the row category varies fastest (interaction(row, col))
    cell = np.where(both, rcode + nr * ccode, 0)
    K = nr * nc
    p = np.bincount(cell, weights=w, minlength=K) / total
    x = -np.outer(w, p)
    x[np.flatnonzero(both), cell[both]] += w[both]
    x /= total
    V = design_vcov(design, x)
    N = design.n
    nu = design_df(design)
    table = (N * p).reshape(nc, nr).T  # (r, c)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / N
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = float(np.nansum((table - expected) ** 2 / expected))
    delta = _design_effects(p, V, N, nr, nc)
    tr, tr2 = float(np.trace(delta)), float(np.trace(delta @ delta))
    d0 = tr * tr / tr2
    f = pearson / tr
    dof = (nr - 1) * (nc - 1)
    chisq = pearson * dof / tr
    se = np.sqrt(np.maximum(np.diag(V), 0.0))
    return TwoWayTable(
        row, col, rows, cols, p.reshape(nc, nr).T, se.reshape(nc, nr).T, n, N, pearson,
        f, d0, d0 * nu, float(stats.f.sf(f, d0, d0 * nu)), chisq, dof,
        float(stats.chi2.sf(chisq, dof)), nu, tr / dof)


def _design_effects(p: np.ndarray, V: np.ndarray, N: int, nr: int, nc: int) -> np.ndarray:
    """R svychisq's Delta from the cell proportions p (row fastest) and their covariance."""
    rows = np.tile(np.arange(nr), nc)
    cols = np.repeat(np.arange(nc), nr)
    main = np.column_stack([np.ones(nr * nc)]
                           + [(rows == i).astype(float) for i in range(1, nr)]
                           + [(cols == j).astype(float) for j in range(1, nc)])
    inter = np.column_stack([((rows == i) & (cols == j)).astype(float)
                             for j in range(1, nc) for i in range(1, nr)])
    coef, *_ = np.linalg.lstsq(main, inter, rcond=None)
    C = inter - main @ coef
    with np.errstate(divide="ignore"):
        inv = np.where(p == 0, 0.0, 1.0 / p)
    denom = C.T @ (inv[:, None] * C) / N
    numr = (C * inv[:, None]).T @ V @ (inv[:, None] * C)
    return np.linalg.solve(denom, numr)
