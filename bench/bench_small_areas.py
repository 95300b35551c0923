"""Design-based simulation: model-based (Fay-Herriot EBLUP) against direct neighbourhood estimates.

    python bench/bench_small_areas.py [--samples 1000] [--areas 40] [--seed 23]

What it does:

1. Builds one synthetic population of ``--areas`` neighbourhoods (1,500 to 9,000 residents aged
   16+ each) with a known truth: each neighbourhood's share agreeing (an NI 21-like indicator)
   is ``logit^-1(-1.2 + 0.45 x1 - 0.25 x2 + u)``, with ``x1``, ``x2`` two area covariates (say a
   deprivation score and recorded crime per 1,000, standardised) and ``u ~ N(0, 0.3^2)`` the
   part no covariate explains; the residents' answers are then drawn once, so the truth is the
   finite-population share.
2. Draws ``--samples`` samples as a panel wave would be: each neighbourhood has a fixed number of
   panel members invited, each responds with probability 0.35, and the respondents are a simple
   random sample without replacement of the neighbourhood's residents; achieved bases vary from
   about 15 to 150 between neighbourhoods, evenly on a log scale (many small bases, a few large),
   and a little between samples.
3. For each sample: the direct estimate (the sample share, with the Wald interval on
   p(1 - p)/n), and the model-based estimate from ``analysis.small_areas.fit_small_areas`` with
   the covariates, the variances smoothed by the generalised variance function (an area with a
   share of 0% has no variance of its own) and, in a second line, benchmarked to the
   population-weighted mean of the direct estimates (the authority's direct figure).
   Both the untransformed and the arcsine fit run on the same samples (``--transform`` for one).
   ``--seeds 23 1 2 3 4`` repeats it all on other populations: a design-based figure belongs to
   one population (its realised area effects), so look at several.

It prints, for direct (the baseline, same samples) and model estimates: coverage of the nominal
95% intervals over all neighbourhoods and samples (goal for the model: 93% or more), the share of
neighbourhoods with a base under 50 whose model RMSE is below their direct RMSE (goal: 90% or
more), the mean absolute bias and the worst bias of a neighbourhood, and the seconds taken.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.small_areas import fit_small_areas

Z95 = 1.959963984540054


def population(areas: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    x1, x2 = rng.normal(size=areas), rng.normal(size=areas)
    u = rng.normal(0, 0.3, areas)
    p = 1 / (1 + np.exp(-(-1.2 + 0.45 * x1 - 0.25 * x2 + u)))
    size = rng.integers(1500, 9001, areas)
    positives = rng.binomial(size, p)
    invited = np.round(np.geomspace(15, 150, areas) / 0.35).astype(int)  # many small bases
    rng.shuffle(invited)
    return {"x1": x1, "x2": x2, "size": size, "positives": positives,
            "truth": positives / size, "invited": invited}


def one_sample(pop: dict[str, np.ndarray], rng: np.random.Generator):
    n = np.maximum(rng.binomial(pop["invited"], 0.35), 2)
    hits = rng.hypergeometric(pop["positives"], pop["size"] - pop["positives"], n)
    return n, hits / n


def simulate(samples: int, areas: int, seed: int, transform: str = "none"
             ) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    pop = population(areas, rng)
    names = [f"nb{i:02d}" for i in range(areas)]
    covariates = pd.DataFrame({"area": names, "deprivation": pop["x1"], "crime": pop["x2"]})
    weights = pop["size"] / pop["size"].sum()
    keys = ("direct", "direct_lo", "direct_hi", "model", "model_lo", "model_hi", "bench",
            "bench_lo", "bench_hi", "n")
    out = {k: np.empty((samples, areas)) for k in keys}
    for s in range(samples):
        n, share = one_sample(pop, rng)
        half = Z95 * np.sqrt(share * (1 - share) / n)
        direct = pd.DataFrame({"area": names, "estimate": share,
                               "variance": share * (1 - share) / n, "n": n,
                               "population": pop["size"]})
        fit = fit_small_areas(direct, covariates, variances="smoothed", transform=transform,
                              benchmark=float(weights @ share))
        model = np.array([a.eblup for a in fit.areas])
        model_half = Z95 * np.sqrt([a.mse for a in fit.areas])
        bench = np.array([a.benchmarked for a in fit.areas], dtype=float)
        bench_half = Z95 * np.sqrt(np.array([a.mse_benchmarked for a in fit.areas], dtype=float))
        row = {"direct": share, "direct_lo": share - half, "direct_hi": share + half,
               "model": model, "model_lo": model - model_half, "model_hi": model + model_half,
               "bench": bench, "bench_lo": bench - bench_half, "bench_hi": bench + bench_half,
               "n": n}
        for k, v in row.items():
            out[k][s] = v
    out["truth"] = pop["truth"]
    return out


def figures(sim: dict[str, np.ndarray], name: str) -> dict[str, float | np.ndarray]:
    truth = sim["truth"]
    est = sim[name]
    covered = (sim[f"{name}_lo"] <= truth) & (truth <= sim[f"{name}_hi"])
    bias = (est - truth).mean(axis=0)
    return {"coverage": float(covered.mean()),
            "worst_area_coverage": float(covered.mean(axis=0).min()),
            "rmse": np.sqrt(((est - truth) ** 2).mean(axis=0)),
            "mean_abs_bias": float(np.abs(bias).mean()), "worst_bias": float(np.abs(bias).max())}


def report(sim: dict[str, np.ndarray], heading: str) -> None:
    small = sim["n"].mean(axis=0) < 50
    direct = figures(sim, "direct")
    print(heading)
    print(f"  {'estimate':<22}{'coverage':>9}{'worst area':>11}{'mean RMSE':>10}"
          f"{'RMSE<direct n<50':>17}{'mean |bias|':>12}{'worst bias':>11}")
    for name, label in (("direct", "direct (baseline)"), ("model", "model (EBLUP)"),
                        ("bench", "model, benchmarked")):
        f = figures(sim, name)
        better = float(np.mean(f["rmse"][small] < direct["rmse"][small]))
        shown = "" if name == "direct" else f"{better:.1%}"
        print(f"  {label:<22}{f['coverage']:>9.1%}{f['worst_area_coverage']:>11.1%}"
              f"{np.mean(f['rmse']):>10.4f}{shown:>17}{f['mean_abs_bias']:>12.4f}"
              f"{f['worst_bias']:>11.4f}")
    model = figures(sim, "model")
    better = float(np.mean(model["rmse"][small] < direct["rmse"][small]))
    print(f"  goals: coverage >= 93%: {'met' if model['coverage'] >= 0.93 else 'NOT met'}; "
          f"RMSE below direct in >= 90% of the {small.sum()} areas with n < 50: "
          f"{'met' if better >= 0.90 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--areas", type=int, default=40)
    parser.add_argument("--seeds", type=int, nargs="+", default=[23],
                        help="one population (and its samples) per seed; default 23")
    parser.add_argument("--transform", choices=("none", "arcsin", "both"), default="both")
    args = parser.parse_args()
    transforms = ("none", "arcsin") if args.transform == "both" else (args.transform,)
    for seed in args.seeds:
        for transform in transforms:
            started = time.perf_counter()
            sim = simulate(args.samples, args.areas, seed, transform)
            seconds = time.perf_counter() - started
            report(sim, f"population {seed}, transform {transform}: {args.areas} neighbourhoods, "
                   f"{args.samples:,} samples, bases {sim['n'].min():.0f} to "
                   f"{sim['n'].max():.0f} (mean {sim['n'].mean():.0f}); {seconds:.1f} s")


if __name__ == "__main__":
    main()
