"""Benchmark: calibration and trimming against raking, each with the whole catalogue by neighbourhood.

    .venv/bin/python bench/bench_calibration.py                 # 10,000 / 100,000
    .venv/bin/python bench/bench_calibration.py --sizes 10000 1000000

For each size, on the same generated responses (those who gave age, sex and neighbourhood, as
calibration needs; already in memory), seconds for: raking (the
baseline, ``rake_weights``), linear (GREG closed form), logit with bounds 0.3,3 (Newton), and
linear then ``trim_weights`` to the 1st-99th percentile of the weights; each followed by
``estimate_indicators`` for the catalogue by neighbourhood. Trimmed weights split the cells by
base and trimmed weight (here no base weights: a few groups per cell; with base weights that all
differ, one per response, and the sums grow with n x neighbourhoods). Prints the peak memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.calibration import calibrate_weights
from analysis.codes import CodedFrame
from analysis.estimates import estimate_indicators
from analysis.trimming import trim_weights
from analysis.weighting import rake_weights
from demo.responses import generate_responses, population_margins

VARIABLES = ["age_band", "sex", "neighbourhood"]


def _trimmed(coded, margins):
    linear = calibrate_weights(coded, margins, VARIABLES, scale_base=True)
    lo, hi = np.percentile(linear.weights, [1, 99])
    return trim_weights(linear, float(lo), float(hi), strict=True)


METHODS = {
    "raking": lambda c, m: rake_weights(c, m, VARIABLES),
    "linear": lambda c, m: calibrate_weights(c, m, VARIABLES, scale_base=True),
    "logit 0.3,3": lambda c, m: calibrate_weights(c, m, VARIABLES, method="logit",
                                                  bounds=(0.3, 3.0), scale_base=True),
    "linear + trim": _trimmed,
}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args(argv)
    margins = population_margins(ethnicity=False)
    for n in args.sizes:
        d = generate_responses(n, seed=1)
        gave = d[VARIABLES].notna().all(axis=1) & ~d[VARIABLES].isin(["prefer_not_to_say"]).any(
            axis=1)
        coded = CodedFrame(d[gave].reset_index(drop=True))  # calibration needs all three
        print(f"n = {n:,}")
        for name, make in METHODS.items():
            t = time.perf_counter()
            weighting = make(coded, margins)
            t_weights = time.perf_counter() - t
            estimate_indicators(coded, weighting, by="neighbourhood")
            total = time.perf_counter() - t
            print(f"  {name:<14} weights {t_weights:7.3f} s   with indicators {total:7.3f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()
