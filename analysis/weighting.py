"""Rim weighting (raking, iterative proportional fitting) of responses to population margins.

Method: R ``survey::rake()`` exactly. Each iteration post-stratifies to every margin in turn
(weight x population / weighted sample total of the category), and raking stops when the largest
change of any cell of the full cross-table of the weighting variables between two iterations is
below ``epsilon`` (absolute if ``epsilon >= 1``, else relative to the sum of the starting weights,
as R does). With the same epsilon and maxit the weights agree with R to rounding error. The
defaults are R's (epsilon 1 person, at most 10 iterations; margins in the order age band, sex,
neighbourhood, ethnicity), so a plain ``rake()`` in R reproduces the engine; a tighter epsilon
(e.g. 1e-9) gives fully converged weights (they move by about 1e-5 relative, estimates by about
1e-6). Unlike R, not converging within ``maxit`` is an error, not a warning. The work is done on
the cells of the cross-table (a few hundred), not on the rows, so a million responses rake in
milliseconds.

Respondents who did not give a weighting variable (``prefer_not_to_say`` or blank) have no
category on that margin. Rule (methodology "mean weight adjustment"): at each step for that
variable they receive the mean adjustment (population total / current weighted total) while the
respondents who gave it are raked to its population distribution, scaled to their share of the
weight; on their other margins they are adjusted as everyone else. All margins then hold as
shares among those who answered and the weights still sum to the population. R has no equivalent.

Trimming (optional): weights above ``trim`` x mean weight are capped and the capped weights are
re-raked as base weights, repeated until the cap holds after raking (stated in diagnostics).

Diagnostics: iterations, convergence, minimum and maximum weight, Kish design effect due to
weighting n.sum(w^2)/sum(w)^2 and effective sample size sum(w)^2/sum(w^2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.codes import CodedFrame
from analysis.errors import ConvergenceError, MarginsError, WeightingError
from analysis.formatting import plural
from analysis.margins import (
    DEFAULT_VARIABLES,
    NOT_GIVEN,
    OPTIONAL_VARIABLES,
    check_totals,
    validate_margins,
)

if TYPE_CHECKING:
    from analysis.designs import SampleDesign

MISSING_RULE = "mean_adjustment"


@dataclass
class MarginStep:
    """One post-stratification of the last raking iteration (R's ``postStrata`` element)."""

    variable: str
    categories: list[str]
    group: np.ndarray  # group of each cell: 0..k-1 = category, k = did not give the variable
    n_groups: int
    factor: np.ndarray  # cell weight factor just after this step (weights = base x factor)


@dataclass
class Calibration:
    """A calibration's regression, for R's residuals after ``calibrate()`` (``greg_calibration``).

    Influence values z become z - d g x'beta with beta = M^-1 sum_i x_i z_i / g_i, M = sum d x x'
    (R: ``qr.resid(qr(X sqrt(d)), z / (g sqrt(d))) g sqrt(d)``); per cell: the row of X, g, and
    ``hscale`` with d_i g_i = base_i x hscale_c (g itself unless the cells are single rows).
    """

    x: np.ndarray  # (C, K) model matrix of each cell
    g: np.ndarray  # (C,) calibration g-weight (calibrated / base weight)
    hscale: np.ndarray  # (C,) d g / base of the cell's rows
    M: np.ndarray  # (K, K) sum over rows of d x x'


@dataclass
class RakedDesign:
    """What the linearisation needs: rows -> cells of the cross-table, and the raking steps."""

    n: int
    cell: np.ndarray  # (n,) cell of each row
    n_cells: int
    cell_count: np.ndarray  # rows per cell
    base: np.ndarray | None  # (n,) base weights, None = all 1
    base_sum: np.ndarray  # per cell sum of base weights
    base_sq_sum: np.ndarray  # per cell sum of squared base weights
    factor: np.ndarray  # final weight factor per cell
    steps: list[MarginStep] = field(default_factory=list)
    backfit_sweeps: int = 10  # R svyrecvar's fixed 10 sweeps over the raking margins
    sample: SampleDesign | None = None  # strata, clusters, fpc (None: R's ids = ~1)
    calibration: Calibration | None = None  # linear/logit calibration instead of raking steps

    @property
    def weights(self) -> np.ndarray:
        w = self.factor[self.cell]
        return w if self.base is None else w * self.base


@dataclass
class WeightingResult:
    """Weights (one per response, in row order) and their diagnostics."""

    weights: np.ndarray
    variables: tuple[str, ...]
    iterations: int
    converged: bool
    epsilon: float
    maxit: int
    population: float
    trim_cap: float | None = None
    trim_rounds: int = 0
    missing: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    design: RakedDesign | None = None

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def effective_n(self) -> float:
        w = self.weights
        return float(w.sum() ** 2 / (w * w).sum())

    @property
    def design_effect(self) -> float:
        """Kish design effect due to weighting, n.sum(w^2)/sum(w)^2 (= 1 + CV^2)."""
        return float(self.n / self.effective_n)

    @property
    def weight_min(self) -> float:
        return float(self.weights.min())

    @property
    def weight_max(self) -> float:
        return float(self.weights.max())

    def diagnostics(self) -> dict:
        """The ``weighting`` object of the JSON output."""
        return {
            "n": self.n,
            "effective_n": self.effective_n,
            "design_effect": self.design_effect,
            "weight_min": self.weight_min,
            "weight_max": self.weight_max,
            "iterations": self.iterations,
            "converged": self.converged,
            "epsilon": self.epsilon,
            "variables": list(self.variables),
            "population": self.population,
            "trim_cap": self.trim_cap,
            "missing": dict(self.missing),
            "missing_rule": MISSING_RULE,
            "notes": list(self.notes),
        }


def _neighbours_hint(categories: list[str], i: int) -> str:
    near = [categories[j] for j in (i - 1, i + 1) if 0 <= j < len(categories)]
    if not near:
        return ""
    return " (e.g. with " + " or ".join(near) + ")"


def _is_blank(label: str) -> bool:
    """A label `column_codes` reads as no answer ("" or NaN): not given, never an unknown category
    (a resident who left age band blank is weighted by the missing rule, not refused)."""
    return label.strip() == "" or label.lower() == "nan"


def _encode_margin(
    coded: CodedFrame, var: str, margin: pd.DataFrame
) -> tuple[np.ndarray, list[str]]:
    """Row codes 0..k-1 for the margin's categories, k for not given; checks both directions."""
    codes, labels = coded.codes(var)
    cats = list(margin["category"])
    index = {c: i for i, c in enumerate(cats)}
    k = len(cats)
    lut = np.full(len(labels) + 1, k, dtype=np.int64)
    unknown = []
    for j, lab in enumerate(labels):
        if lab in index:
            lut[j + 1] = index[lab]
        elif lab not in NOT_GIVEN and not _is_blank(lab):
            unknown.append(lab)
    if unknown:
        raise MarginsError(
            f"{var}: {', '.join(repr(u) for u in sorted(unknown))} in the responses "
            f"{'has' if len(unknown) == 1 else 'have'} no population margin; add "
            f"{'it' if len(unknown) == 1 else 'them'} to the margins or recode the responses"
        )
    return lut[codes + 1], cats


@dataclass
class _EncodedMargins:
    """The weighting variables, each as row codes (k = not given), its categories and populations."""

    variables: tuple[str, ...]
    row_codes: list[np.ndarray]
    categories: list[list[str]]
    populations: list[np.ndarray]
    missing: dict[str, int]  # respondents who did not give each variable


@dataclass
class _Cells:
    """The non-empty cells of the cross-table of the weighting variables."""

    cell: np.ndarray  # (n,) cell of each row
    n_cells: int
    count: np.ndarray  # rows per cell (float)
    groups: list[np.ndarray]  # per variable, the group (category code) of each cell


@dataclass
class _Raking:
    """One raking run on the cells: final factor per cell, the last iteration's steps."""

    factor: np.ndarray
    steps: list[MarginStep]
    iterations: int
    converged: bool


def weighting_variables(
    margins: pd.DataFrame, variables: list[str] | tuple[str, ...] | None
) -> tuple[str, ...]:
    """The variables as given, or every margin variable in the canonical raking order."""
    if variables is None:
        in_file = list(dict.fromkeys(margins["variable"]))
        canonical = [v for v in (*DEFAULT_VARIABLES, *OPTIONAL_VARIABLES) if v in in_file]
        variables = canonical + [v for v in in_file if v not in canonical]
    return tuple(variables)


def _check_inputs(coded: CodedFrame, margins: pd.DataFrame, variables: tuple[str, ...]) -> None:
    """Refuse empty margins, no responses, and variables missing from either side."""
    if not variables:
        raise MarginsError("no weighting variables: the margins file is empty")
    if len(coded) == 0:
        raise WeightingError("there are no responses to weight")
    margin_variables = set(margins["variable"])
    for var in variables:
        if var not in margin_variables:
            raise MarginsError(f"no population margin for weighting variable {var!r}")
        if not coded.has(var):
            raise MarginsError(f"weighting variable {var!r} is not a column of the responses")


def _base_weights(frame: pd.DataFrame, base_weights: object, n: int) -> np.ndarray | None:
    """Base weights as a float array (from an array or a column name); None = all 1."""
    if base_weights is None:
        return None
    given = frame[base_weights] if isinstance(base_weights, str) else base_weights
    base = np.asarray(given, dtype=float)
    if base.shape != (n,) or not np.all(np.isfinite(base)) or (base <= 0).any():
        raise WeightingError("base weights must be positive numbers, one per response")
    return base


def _check_respondents(var: str, cats: list[str], counts: np.ndarray, pop: np.ndarray) -> None:
    """Every category with people needs respondents, and no respondents in a category of 0."""
    for i, c in enumerate(cats):
        if pop[i] == 0 and counts[i] > 0:
            raise MarginsError(
                f"{var}={c} has {plural(int(counts[i]), 'respondent')} but a population of 0; "
                "correct the margins"
            )
        if pop[i] > 0 and counts[i] == 0:
            raise WeightingError(
                f"no respondents in {var}={c} (population {pop[i]:,.0f}); collapse it "
                f"with a neighbouring category{_neighbours_hint(cats, i)} in both the "
                "margins and the responses, or drop the variable from the weighting"
            )


def _drop_empty_categories(
    codes: np.ndarray, cats: list[str], pop: np.ndarray
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Drop categories empty in both population and sample (as R does), recoding the rows."""
    keep = pop > 0
    if keep.all():
        return codes, cats, pop
    remap = np.full(len(cats) + 1, int(keep.sum()), dtype=np.int64)
    remap[np.flatnonzero(keep)] = np.arange(keep.sum())
    return remap[codes], [c for c, k in zip(cats, keep, strict=True) if k], pop[keep]


def _encode_margins(
    coded: CodedFrame, margins: pd.DataFrame, variables: tuple[str, ...]
) -> _EncodedMargins:
    """Encode the rows on every margin, check respondents per category, drop empty categories."""
    encoded = _EncodedMargins(variables, [], [], [], {})
    n = len(coded)
    for var in variables:
        m = margins[margins["variable"] == var].reset_index(drop=True)
        codes, cats = _encode_margin(coded, var, m)
        pop = m["population"].to_numpy(float)
        _check_respondents(var, cats, np.bincount(codes, minlength=len(cats) + 1), pop)
        codes, cats, pop = _drop_empty_categories(codes, cats, pop)
        n_missing = int((codes == len(cats)).sum())
        if n_missing == n:
            raise WeightingError(f"no respondent gave {var}; drop it from the weighting")
        encoded.missing[var] = n_missing
        encoded.row_codes.append(codes)
        encoded.categories.append(cats)
        encoded.populations.append(pop)
    return encoded


def _build_cells(n: int, encoded: _EncodedMargins) -> _Cells:
    """Map each row to its non-empty cell of the cross-table (dense bincount when small)."""
    key = np.zeros(n, dtype=np.int64)
    stride = 1
    for codes, cats in zip(encoded.row_codes, encoded.categories, strict=True):
        key += codes * stride
        stride *= len(cats) + 1
    if stride <= 4 * n + 1024:
        present = np.bincount(key, minlength=stride) > 0
        cell = (np.cumsum(present) - 1)[key]
        keys = np.flatnonzero(present)
    else:
        keys, cell = np.unique(key, return_inverse=True)
    n_cells = len(keys)
    groups = []
    rem = keys.copy()
    for cats in encoded.categories:
        groups.append(rem % (len(cats) + 1))
        rem //= len(cats) + 1
    return _Cells(cell, n_cells, np.bincount(cell, minlength=n_cells).astype(float), groups)


def _margin_adjustment(
    var: str, cats: list[str], pop: np.ndarray, totals: np.ndarray
) -> np.ndarray:
    """Post-stratification factor per group (categories, then not given: mean adjustment)."""
    k = len(cats)
    known, allw = totals[:k].sum(), totals.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        if totals[k] > 0:  # some did not give var: mean adjustment rule
            adj = np.append(pop * (known / allw) / totals[:k], pop.sum() / allw)
        else:
            adj = np.append(pop / totals[:k], 1.0)
    if not np.all(np.isfinite(adj)):
        bad = cats[int(np.flatnonzero(~np.isfinite(adj[:k]))[0])]
        raise WeightingError(
            f"the weights of {var}={bad} fell to zero while raking; collapse it "
            "with a neighbouring category"
        )
    return adj


def _rake_cells(
    bsum: np.ndarray,
    base_total: float,
    cells: _Cells,
    encoded: _EncodedMargins,
    epsilon: float,
    maxit: int,
) -> _Raking:
    """R ``rake()`` on the cells: post-stratify to each margin in turn until cells move < epsilon."""
    eps = epsilon * base_total if epsilon < 1 else epsilon
    f = np.ones(cells.n_cells)
    old = bsum.copy()
    steps: list[MarginStep] = []
    margins = list(zip(
        encoded.variables, cells.groups, encoded.categories, encoded.populations, strict=True
    ))
    for iteration in range(1, maxit + 1):
        steps = []
        for var, g, cats, pop in margins:
            totals = np.bincount(g, weights=bsum * f, minlength=len(cats) + 1)
            f = f * _margin_adjustment(var, cats, pop, totals)[g]
            steps.append(MarginStep(var, cats, g, len(cats) + 1, f.copy()))
        new = bsum * f
        if np.max(np.abs(new - old)) < eps:
            return _Raking(f, steps, iteration, True)
        old = new
    return _Raking(f, steps, maxit, False)


def _cell_sums(cells: _Cells, b: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Per cell sum of base weights and of their squares (counts when there are none)."""
    if b is None:
        return cells.count, cells.count
    return (np.bincount(cells.cell, weights=b, minlength=cells.n_cells),
            np.bincount(cells.cell, weights=b * b, minlength=cells.n_cells))


def _raked_design(
    cells: _Cells, encoded: _EncodedMargins, base: np.ndarray | None, epsilon: float, maxit: int
) -> tuple[RakedDesign, _Raking]:
    """Rake from ``base`` weights; the design the linearisation needs, and the raking run."""
    bsum, bsq = _cell_sums(cells, base)
    base_total = float(len(cells.cell) if base is None else base.sum())
    raking = _rake_cells(bsum, base_total, cells, encoded, epsilon, maxit)
    design = RakedDesign(len(cells.cell), cells.cell, cells.n_cells, cells.count, base, bsum, bsq,
                         raking.factor, raking.steps)
    return design, raking


def _trim(
    design: RakedDesign,
    cells: _Cells,
    encoded: _EncodedMargins,
    trim: float,
    *,
    epsilon: float,
    maxit: int,
    max_rounds: int,
) -> tuple[RakedDesign, float, int, int]:
    """Cap weights at ``trim`` x mean and re-rake until the cap holds after raking.

    Returns the design, the cap, the rounds and the iterations of all re-rakings.
    """
    if trim <= 1:
        raise WeightingError("the trimming cap must be a multiple of the mean weight above 1")
    weights = design.weights
    cap = float(trim * weights.mean())
    rounds = iterations = 0
    while weights.max() > cap * (1 + 1e-6):
        rounds += 1
        if rounds > max_rounds:
            raise ConvergenceError(
                f"trimming at {trim:g} x mean weight (cap {cap:.4g}) cannot be met together "
                f"with the margins: after {max_rounds} re-rakings the largest weight is "
                f"still {weights.max():.4g}; use a higher cap or collapse sparse categories"
            )
        design, raking = _raked_design(cells, encoded, np.minimum(weights, cap), epsilon, maxit)
        if not raking.converged:
            raise ConvergenceError(
                f"re-raking after trimming did not converge within {maxit} iterations; "
                "use a higher cap"
            )
        iterations += raking.iterations
        weights = design.weights
    return design, cap, rounds, iterations


def _missing_notes(missing: dict[str, int]) -> list[str]:
    """One diagnostics note per variable some respondents did not give."""
    notes = []
    for var, k in missing.items():
        if k:
            words = var.replace("_", " ")
            who = "respondent" if k == 1 else "respondents"
            notes.append(f"{k:,} {who} did not give their {words}: given the mean weight "
                         f"adjustment on {words} and raked on their other answers")
    return notes


def rake_weights(
    responses: pd.DataFrame | CodedFrame,
    margins: pd.DataFrame,
    variables: list[str] | tuple[str, ...] | None = None,
    *,
    base_weights: str | np.ndarray | pd.Series | None = None,
    epsilon: float = 1.0,
    maxit: int = 10,
    trim: float | None = None,
    max_trim_rounds: int = 50,
) -> WeightingResult:
    """Rake ``responses`` to ``margins`` (``variable,category,population``), as R ``rake()``.

    ``variables`` default to every variable in ``margins``, raked in the order age_band, sex,
    neighbourhood, ethnicity, then any others in file order (the order matters only before full
    convergence). ``base_weights`` (array or column name) start the raking; default 1.
    ``epsilon`` and ``maxit`` have R's meaning and R's defaults (1 and 10), so the default
    weights are exactly those of ``rake(design, list(~age_band, ~sex, ~neighbourhood), ...)``;
    pass e.g. ``epsilon=1e-9, maxit=100`` for full convergence. ``trim`` caps weights at
    ``trim`` x mean weight, re-raking after.
    Raises MarginsError / WeightingError / ConvergenceError with a message a user can act on.
    """
    coded = responses if isinstance(responses, CodedFrame) else CodedFrame(responses)
    margins = validate_margins(margins)
    chosen = weighting_variables(margins, variables)
    _check_inputs(coded, margins, chosen)
    base = _base_weights(coded.frame, base_weights, len(coded))
    encoded = _encode_margins(coded, margins, chosen)
    population = check_totals(margins, chosen)
    cells = _build_cells(len(coded), encoded)
    design, raking = _raked_design(cells, encoded, base, epsilon, maxit)
    if not raking.converged:
        raise ConvergenceError(
            f"raking did not converge within {maxit} iterations (epsilon {epsilon:g}); "
            "collapse sparse categories or raise the iteration limit"
        )
    iterations, cap, rounds, notes = raking.iterations, None, 0, []
    if trim is not None:
        design, cap, rounds, trim_iterations = _trim(
            design, cells, encoded, trim, epsilon=epsilon, maxit=maxit, max_rounds=max_trim_rounds
        )
        iterations += trim_iterations
        notes.append(
            f"weights capped at {trim:g} x mean weight ({cap:.4g}) and re-raked "
            f"({rounds} round(s))"
        )
    return WeightingResult(
        weights=design.weights,
        variables=chosen,
        iterations=iterations,
        converged=True,
        epsilon=epsilon,
        maxit=maxit,
        population=population,
        trim_cap=cap,
        trim_rounds=rounds,
        missing=encoded.missing,
        notes=notes + _missing_notes(encoded.missing),
        design=design,
    )


def unraked_design(weights) -> RakedDesign:
    """A design with given weights and no raking steps (R ``svydesign(weights=)``)."""
    w = np.asarray(weights, dtype=float)
    n = len(w)
    cell = np.zeros(n, dtype=np.int64)
    return RakedDesign(n, cell, 1, np.array([float(n)]), w, np.array([w.sum()]),
                       np.array([(w * w).sum()]), np.ones(1), [])
