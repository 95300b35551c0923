"""Fixtures for the analysis tests: generated responses and margins, and the R reference files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.catalogue import CATALOGUE
from analysis.margins import load_margins
from analysis.responses import read_responses
from analysis.scorecard import load_scorecard, with_targets
from demo.places import TARGETS_FILE
from demo.responses import generate_responses, population_margins

REFERENCE = Path(__file__).parent / "reference"
TIGHT = {"epsilon": 1e-9, "maxit": 100}  # fully converged raking


@pytest.fixture(scope="session")
def plan():
    """The demo plan's targets (its appendix 1), as a partnership sets its own."""
    return load_scorecard(TARGETS_FILE)


@pytest.fixture(scope="session")
def plan_catalogue(plan):
    """The catalogue with the plan's NI 21 baseline (25.5%, 2008-09) and target (32.5%, 2010-11)."""
    return with_targets(CATALOGUE, plan)


@pytest.fixture(scope="session")
def margins() -> pd.DataFrame:
    return population_margins(ethnicity=False)


@pytest.fixture(scope="session")
def responses() -> pd.DataFrame:
    """3,000 responses of wave 2008-09 with prefer-not-to-say answers and blanks."""
    return generate_responses(3000, seed=11, wave="2008-09")


@pytest.fixture(scope="session")
def complete_responses() -> pd.DataFrame:
    """2,000 responses where every weighting variable is given."""
    return generate_responses(2000, seed=12, wave="2008-09", prefer_not_to_say=0.0)


def reference_case(name: str):
    """(responses, margins, reference, gap, R weights, raking control) of a committed fixture."""
    d = read_responses(REFERENCE / f"{name}_responses.csv.gz")
    m = load_margins(REFERENCE / f"{name}_margins.csv")
    ref = pd.read_csv(REFERENCE / f"{name}_reference.csv", keep_default_na=False,
                      na_values=["NA"])
    gap = pd.read_csv(REFERENCE / f"{name}_gap.csv")
    w = pd.read_csv(REFERENCE / f"{name}_weights.csv")["weight"].to_numpy(float)
    control = pd.read_csv(REFERENCE / f"{name}_control.csv").iloc[0]
    control = {"epsilon": float(control["epsilon"]), "maxit": int(control["maxit"])}
    if "base_weight" in d.columns:
        control["base_weights"] = "base_weight"
    return d, m, ref, gap, w, control


@pytest.fixture(scope="session", params=["biased", "ethnicity_base"])
def reference(request):
    return request.param, reference_case(request.param)


def brute_force_variance(weights, y, base, steps, sweeps=10):
    """Row-level port of R svyrecvar for a raked design (for checking the cell algebra).

    ``steps``: list of (group per row, psw per row) for the margins of the last iteration.
    """
    w = np.asarray(weights, float)
    W = w[base].sum()
    p = (w * y)[base].sum() / W
    z = np.where(base, w * (y - p) / W, 0.0)
    for _ in range(sweeps):
        for g, psw in steps:
            m = np.bincount(g, weights=z / psw) / np.bincount(g)
            z = z - psw * m[g]
    n = len(z)
    return p, n / (n - 1) * ((z - z.mean()) ** 2).sum(), z
