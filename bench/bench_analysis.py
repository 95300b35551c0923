"""Benchmark: weighting plus every indicator by neighbourhood, against a numpy floor and weightipy.

    .venv/bin/python bench/bench_analysis.py                 # 10,000 / 100,000 / 1,000,000
    .venv/bin/python bench/bench_analysis.py --sizes 10000 100000

For each size, on the same generated responses (categorical columns, already in memory):
* engine: ``rake_weights`` (age, sex, neighbourhood) + ``estimate_indicators`` for the whole
  catalogue by neighbourhood (estimates, linearised SEs under raking, logit intervals) + the
  perception gap;
* rake only: ``rake_weights`` alone;
* numpy floor: one plain numpy pass over the same columns (weighted share of positives per
  neighbourhood with bincount; no raking, no variances);
* weightipy: ``weight_dataframe`` raking the same three margins (the peer).
Prints seconds per step and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.catalogue import CATALOGUE
from analysis.codes import CodedFrame
from analysis.estimates import estimate_indicators
from analysis.gap import perception_gap
from analysis.weighting import rake_weights
from demo.responses import generate_responses, population_margins

VARIABLES = ["age_band", "sex", "neighbourhood"]


def _clock(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def engine(d, margins):
    coded = CodedFrame(d)
    r = rake_weights(coded, margins, VARIABLES)
    table = estimate_indicators(coded, r, by="neighbourhood")
    gap = perception_gap(coded, r, by="neighbourhood")
    return r, table, gap


def numpy_floor(d, weights):
    """Weighted share of positive codes per neighbourhood for every single-question indicator."""
    nb = d["neighbourhood"].cat.codes.to_numpy()
    k = int(nb.max()) + 1
    out = {}
    for ind in CATALOGUE.values():
        cols = ind.questions
        for q in cols:
            s = d[q]
            codes = s.cat.codes.to_numpy()
            cats = list(s.cat.categories)
            pos = np.isin(codes, [cats.index(c) for c in ind.positive if c in cats])
            base = (codes >= 0) & ~np.isin(codes, [cats.index(c) for c in ind.excluded
                                                   if c in cats])
            num = np.bincount(nb[pos & base], weights=weights[pos & base], minlength=k)
            den = np.bincount(nb[base], weights=weights[base], minlength=k)
            out[(ind.id, q)] = num / den
    return out


def weightipy_rake(d, margins):
    import weightipy as wp

    scheme = {}
    for var in VARIABLES:
        m = margins[margins.variable == var]
        scheme[var] = dict(zip(m.category, 100 * m.population / m.population.sum(), strict=True))
    rim = wp.scheme_from_dict(scheme)
    return wp.weight_dataframe(d[VARIABLES].astype(str), rim)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--no-weightipy", action="store_true")
    args = parser.parse_args(argv)
    margins = population_margins(ethnicity=False)
    print(f"{'n':>10} {'engine s':>9} {'rake s':>8} {'floor s':>8} {'weightipy s':>12} "
          f"{'rows/group':>10} {'peak MB':>8}")
    for n in args.sizes:
        d = generate_responses(n, seed=1, wave="2008-09", categorical=True)
        t_engine, (r, table, _gap) = _clock(lambda d=d: engine(d, margins))
        t_rake, _ = _clock(lambda d=d: rake_weights(d, margins, VARIABLES))
        t_floor, _ = _clock(lambda d=d, w=r.weights: numpy_floor(d, w))
        if args.no_weightipy:
            t_wp = float("nan")
        else:
            t_wp, _ = _clock(lambda d=d: weightipy_rake(d, margins))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{n:>10,} {t_engine:9.3f} {t_rake:8.3f} {t_floor:8.3f} {t_wp:12.3f} "
              f"{len(table):>10} {peak:8.0f}", flush=True)
        del d
    pd.set_option("display.width", 120)


if __name__ == "__main__":
    main()
