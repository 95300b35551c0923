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

    .venv/bin/python bench/bench_analysis.py --files 1000000   # file to figures, whole processes

``--files``: each size is written to a CSV (in a temporary folder), then timed from file to figures
as a whole child process, NI 21 by neighbourhood: ours is ``python -m analysis indicators FILE
--margins M --by neighbourhood --indicators ni21``; the peers are ``bench/peers/``: svy (polars),
weightipy (pandas) and R ``survey`` (read.csv, rake, svyby). Wall seconds and the child's peak
memory (``/usr/bin/time``), and each peer's time over ours. A peer that is not installed is skipped
and said so.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import shutil
import subprocess
import sys
import tempfile
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
PEERS = Path(__file__).resolve().parent / "peers"


def _child(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one child process (its output is discarded).

    The peak comes from ``/usr/bin/time``: a child forked straight from this process would
    report this process's own peak (Linux keeps it across exec).
    """
    t = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "peak %M", *argv], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} {argv[1]} failed: {proc.stderr.strip()[-400:]}")
    peak = next(line for line in reversed(proc.stderr.splitlines()) if line.startswith("peak "))
    return wall, int(peak.split()[1]) / 1024


def _peers() -> dict[str, list[str] | str]:
    """Peer name -> command before FILE MARGINS, or why it is skipped."""
    py = sys.executable
    out: dict[str, list[str] | str] = {}
    out["svy"] = ([py, str(PEERS / "svy_ni21.py")] if importlib.util.find_spec("svy")
                  else "not installed (pip install svy)")
    out["weightipy"] = ([py, str(PEERS / "weightipy_ni21.py")]
                        if importlib.util.find_spec("weightipy")
                        else "not installed (pip install weightipy)")
    rscript = shutil.which("Rscript")
    usable = rscript and subprocess.run([rscript, "-e", "library(survey)"],
                                        capture_output=True).returncode == 0
    out["R survey"] = ([str(rscript), str(PEERS / "survey_ni21.R")] if usable
                       else "R with the survey package not found")
    return out


def files(sizes: list[int], repeat: int) -> None:
    """File to figures, whole processes: ours and each peer on the same CSV."""
    peers = _peers()
    for name, why in peers.items():
        if isinstance(why, str):
            print(f"skipped {name}: {why}")
    ours = [sys.executable, "-m", "analysis", "indicators"]
    with tempfile.TemporaryDirectory() as tmp:
        margins = Path(tmp) / "margins.csv"
        population_margins(ethnicity=False).to_csv(margins, index=False)
        for n in sizes:
            path = Path(tmp) / f"responses_{n}.csv"
            generate_responses(n, seed=1, wave="2008-09").to_csv(path, index=False)
            print(f"\n{n:,} rows, {path.stat().st_size / 1e6:.0f} MB CSV; load {os.getloadavg()[0]:.2f}")
            print(f"{'':12} {'wall s':>8} {'peak MB':>8} {'peer/ours':>10}")
            for _ in range(repeat):
                t_ours, mb = _child([*ours, str(path), "--margins", str(margins), "--by",
                                     "neighbourhood", "--indicators", "ni21"])
                print(f"{'ours':12} {t_ours:8.2f} {mb:8.0f}", flush=True)
                for name, cmd in peers.items():
                    if isinstance(cmd, list):
                        t, mb = _child([*cmd, str(path), str(margins)])
                        print(f"{name:12} {t:8.2f} {mb:8.0f} {t / t_ours:9.1f}x", flush=True)


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
    parser.add_argument("--files", type=int, nargs="+", metavar="N",
                        help="file to figures in whole processes against svy, weightipy and R")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each with --files")
    args = parser.parse_args(argv)
    if args.files:
        files(args.files, args.repeat)
        return
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
