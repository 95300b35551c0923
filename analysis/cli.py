"""Command line: ``python -m analysis indicators RESPONSES.csv --margins MARGINS.csv``.

Weights the responses (rim weighting to the margins), then prints every indicator in the
catalogue for the whole sample and, with ``--by``, for each group, plus the perception gap, as
JSON (default) or CSV. Other commands: ``compare-waves``, ``compare-rest`` and ``small-areas``
(the Fay-Herriot model on a file of direct estimates; see :mod:`analysis.small_areas`),
``crosstab`` (Rao-Scott tests, :mod:`analysis.tables`) and ``drivers`` (weighted logistic
regression, :mod:`analysis.regression`). Errors of the
engine are printed as one line (a list of columns for unknown answer codes) on stderr with exit
code 2. It calls exactly the functions the dashboard and the reports call; ``indicators`` can
also calibrate (``--calibrate linear|logit``, ``--bounds``) and trim (``--trim L,U``,
``--strict-trim``) instead of raking (see :mod:`analysis.calibration`, :mod:`analysis.trimming`).

Before anything is weighted, every column the command reads is checked against its codes (the
catalogue's answer scales; the margins' categories for the weighting variables): a file holding
labels instead of codes stops with exit code 2 rather than printing NI 21 = 0.0%. ``--lenient``
treats unknown values as no answer and says on stderr how many it dropped per column.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.calibration import CalFun, calibrate_weights
from analysis.catalogue import CATALOGUE, CRIMES, QUESTION_CODES, target_status
from analysis.comparisons import ADJUSTMENTS, compare_to_rest, compare_waves
from analysis.designs import LONELY_PSU, sample_design
from analysis.errors import AnalysisError, InputError
from analysis.estimates import CI_METHODS, DisclosureRules, estimate_indicators
from analysis.gap import perception_gap
from analysis.margins import load_margins
from analysis.pooled import PooledWave, pooled_indicators, wave_totals
from analysis.replicates import REPLICATE_METHODS, make_replicates, with_replicate_se
from analysis.responses import read_responses
from analysis.scorecard import load_scorecard, with_targets
from analysis.small_areas import (
    Transform,
    Variances,
    run_small_area_files,
    small_area_records,
    small_area_table,
)
from analysis.trimming import trim_weights
from analysis.validation import UnknownCodesError, catalogue_codes, check_codes, margin_codes
from analysis.weighting import rake_weights

# What the perception gap reads (the JSON output of ``indicators`` includes it unless
# ``--indicators`` leaves out every worry_ and victim_ indicator).
GAP_INDICATORS = tuple(f"{kind}_{crime}" for kind in ("worry", "victim") for crime in CRIMES)
LENIENT_HINT = ("Recode these columns to the codes, or rerun with --lenient to treat unknown "
                "values as no answer.")


def _clean(value):
    """JSON-safe: NaN -> null, numpy scalars -> Python."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [_clean(r) for r in frame.astype(object).to_dict("records")]


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--margins", required=True, help="population margins CSV")
    p.add_argument("--wave", help="weight this wave only (when the file holds several)")
    p.add_argument("--weight-by", help="comma-separated weighting variables (default: all "
                   "variables in the margins file)")
    p.add_argument("--trim", type=_trim_arg, help="one number X: cap weights at X times the "
                   "mean weight and re-rake (default: no trimming); L,U (indicators): trim the "
                   "final weights to [L, U] as R trimWeights, the excess shared over the rest")
    p.add_argument("--epsilon", type=float, default=1.0,
                   help="raking convergence, as R rake(): largest change of a cell total between "
                   "iterations (below 1: relative to the sample size); default 1 as R")
    p.add_argument("--maxit", type=int, default=10, help="raking iteration limit (R: 10)")
    p.add_argument("--lenient", action="store_true",
                   help="treat values that are not answer codes as no answer (default: stop "
                   "with an error naming them); the values dropped are counted on stderr")


def _weight_variables(args) -> list[str] | None:
    return args.weight_by.split(",") if args.weight_by else None


def _unused_answers(args, indicators: list[str]) -> set[str]:
    """The catalogue's answer columns that none of ``indicators``, the weighting, the breakdown
    or the design reads: ``indicators --indicators ni21`` on a wide file reads a few columns."""
    def reads(ind) -> set[str]:
        return set(ind.questions) | ({ind.routing[0]} if ind.routing else set())

    answers = set().union(*(reads(ind) for ind in CATALOGUE.values()))
    needed = set().union(*(reads(CATALOGUE[i]) for i in indicators if i in CATALOGUE))
    try:
        weighting = set(load_margins(args.margins)["variable"])
    except AnalysisError:  # reported in its turn, after the responses file's own problems
        return set()
    needed |= weighting | {args.by, args.strata, args.cluster, args.fpc}
    return answers - needed


def _read(args, path, wave, indicators, skip: set[str] | None = None) -> pd.DataFrame:
    """Read one wave and check every column the command reads against its expected codes.

    Unknown values stop the run (UnknownCodesError), or with ``--lenient`` become no answer and
    are counted on stderr, so a count can never silently include labels or typos.
    """
    responses = read_responses(path, wave, skip or set())
    expected = {**catalogue_codes(indicators),
                **margin_codes(load_margins(args.margins), _weight_variables(args))}
    responses, dropped = check_codes(responses, expected, lenient=args.lenient)
    if dropped:
        lines = [f"warning: --lenient: values of {path} that are not answer codes were "
                 "treated as no answer:"]
        lines += [f"  {column}: {count:,} dropped" for column, count in dropped.items()]
        print("\n".join(lines), file=sys.stderr)
    return responses


def _trim_arg(text: str) -> float | tuple[float, float]:
    """``--trim``: one number (a cap as a multiple of the mean) or ``L,U`` (weight bounds)."""
    parts = [_number(t) for t in text.split(",")]
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    raise argparse.ArgumentTypeError(f"must be one number or two as L,U, not {text!r}")


def _bounds_arg(text: str) -> tuple[float, float]:
    """``--bounds L,U``: two numbers."""
    parts = text.split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"must be two numbers as L,U, not {text!r}")
    return _number(parts[0]), _number(parts[1])


def _weigh(args, responses):
    margins = load_margins(args.margins)
    variables = _weight_variables(args)
    base = "base_weight" if "base_weight" in responses.columns else None
    calfun = CalFun(getattr(args, "calibrate", CalFun.RAKING))
    bounds = getattr(args, "bounds", None)
    bounded = isinstance(args.trim, tuple)
    if getattr(args, "strict_trim", False) and not bounded:
        raise AnalysisError("--strict-trim needs --trim L,U")
    if bounded and args.command != "indicators":
        raise AnalysisError("--trim L,U is for the indicators command; give one number here")
    if calfun is CalFun.RAKING:
        if bounds is not None:
            raise AnalysisError("--bounds is for --calibrate linear or logit")
        weighting = rake_weights(responses, margins, variables, base_weights=base,
                                 epsilon=args.epsilon, maxit=args.maxit,
                                 trim=None if bounded else args.trim)
    else:
        if args.trim is not None and not bounded:
            raise AnalysisError("--trim X re-rakes: with --calibrate linear or logit give --trim L,U")
        weighting = calibrate_weights(responses, margins, variables, method=calfun, bounds=bounds,
                                      base_weights=base, scale_base=True)
    if bounded:
        lower, upper = args.trim
        weighting = trim_weights(weighting, lower, upper, strict=args.strict_trim)
    return weighting


def _disclosure(args) -> DisclosureRules:
    return DisclosureRules(args.suppress_below, args.flag_below, not args.no_suppress)


def run_indicators(args) -> int:
    indicators = args.indicators.split(",") if args.indicators else list(CATALOGUE)
    # the JSON's perception gap, unless --indicators chose none of the worry and victim ones
    with_gap = args.format != "csv" and (not args.indicators
                                         or bool(set(indicators) & set(GAP_INDICATORS)))
    read = indicators + (list(GAP_INDICATORS) if with_gap else [])
    responses = _read(args, args.responses, args.wave, read, skip=_unused_answers(args, read))
    weighting = _weigh(args, responses)
    design = _design(args, responses, weighting)
    table = estimate_indicators(responses, design, by=args.by, indicators=indicators,
                                disclosure=_disclosure(args), ci=args.ci)
    if args.replicates or args.write_replicates:
        if args.calibrate != CalFun.RAKING or isinstance(args.trim, tuple):
            raise AnalysisError("replicate weights are re-raked: drop --calibrate and --trim L,U")
        table = _replicated(args, responses, table)
    if args.format == "csv":
        out = table.copy()
        out.insert(1, "group_variable", out["group"].map(lambda g: next(iter(g)) if g else ""))
        out["group"] = out["group"].map(lambda g: next(iter(g.values())) if g else "")
        out.to_csv(sys.stdout, index=False)
        return 0
    gap = (perception_gap(responses, design, by=args.by, disclosure=_disclosure(args))
           if with_gap else None)
    wave = args.wave or (str(responses["wave"].dropna().iloc[0])
                         if "wave" in responses.columns and responses["wave"].notna().any()
                         else None)
    targets = []
    r: Any  # a row of the estimates table; pandas-stubs cannot know its column types
    judged = with_targets(CATALOGUE, load_scorecard(args.targets)) if args.targets else {}
    if wave is not None:
        for r in table.itertuples():
            ind = judged.get(r.indicator)
            if ind is not None and ind.target is not None and r.estimate is not None \
                    and r.estimate == r.estimate:
                st = target_status(ind, r.estimate, wave, r.ci_lower, r.ci_upper)
                if st is not None:
                    targets.append({"indicator": r.indicator, "group": r.group, "wave": wave,
                                    **st})
    doc = {
        "weighting": _clean(weighting.diagnostics()),
        **_design_doc(design),
        "disclosure": {"suppress_below": args.suppress_below, "flag_below": args.flag_below,
                       "suppressed_values_hidden": not args.no_suppress},
        "indicators": _records(table),
        "perception_gap": None if gap is None else _records(gap),
        "targets": _clean(targets),
    }
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


def run_pooled(args) -> int:
    """Every indicator pooled over the wave files: stacked, raked per wave, stratified by wave.

    Every error names the file it is about (a wave's name is followed by its file).
    """
    per_wave = args.margins_per_wave.split(",") if args.margins_per_wave else None
    if per_wave is not None and len(per_wave) != len(args.waves):
        raise InputError(f"--margins-per-wave gives {len(per_wave)} margins files for "
                         f"{len(args.waves)} wave files: give one per wave, in the same order")
    period = load_margins(args.margins)
    indicators = args.indicators.split(",") if args.indicators else None
    waves: list[PooledWave] = []
    files: dict[str, str] = {}
    for i, path in enumerate(args.waves):
        try:
            frame = _read(args, path, None, indicators or list(CATALOGUE))
        except AnalysisError as exc:
            raise InputError(f"{path}: {_problem(exc)}") from None
        try:
            own = load_margins(per_wave[i]) if per_wave else None
        except AnalysisError as exc:
            raise InputError(f"{per_wave[i] if per_wave else ''}: {exc}") from None
        names = sorted({str(w) for w in frame["wave"].dropna()}) if "wave" in frame else []
        name = names[0] if names else Path(path).stem
        if name in files:
            raise InputError(f"{path} and {files[name]} both hold wave {name!r}: give each "
                             "wave once")
        files[name] = path
        waves.append(PooledWave(name, frame, own))
    try:
        table, pooled = pooled_indicators(
            waves, period, by=args.by, indicators=indicators, variables=_weight_variables(args),
            disclosure=_disclosure(args), epsilon=args.epsilon, maxit=args.maxit)
    except AnalysisError as exc:
        message = str(exc)
        for name, path in files.items():
            message = message.replace(f"wave {name!r}", f"wave {name!r} ({path})")
        raise AnalysisError(message) from None
    if args.format == "csv":
        out = table.copy()
        out.insert(1, "group_variable", out["group"].map(lambda g: next(iter(g)) if g else ""))
        out["group"] = out["group"].map(lambda g: next(iter(g.values())) if g else "")
        out["waves"] = out["waves"].map(" + ".join)
        out.to_csv(sys.stdout, index=False)
        return 0
    totals = wave_totals(pooled)
    doc = {
        "waves": [{"wave": w.name, "file": files[w.name], "n": len(w.responses),
                   "weighted_total": totals[w.name], "share": pooled.shares[w.name],
                   "margins": per_wave[i] if per_wave else args.margins}
                  for i, w in enumerate(waves)],
        "weighting": _clean(pooled.diagnostics()),
        "design": pooled.design.sample.describe() if pooled.design.sample else None,
        "disclosure": {"suppress_below": args.suppress_below, "flag_below": args.flag_below,
                       "suppressed_values_hidden": not args.no_suppress},
        "indicators": _records(table),
    }
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


def _design(args, responses, weighting):
    """The raked design with ``--strata``/``--cluster``/``--fpc``; the weighting itself if none."""
    if args.strata is None and args.cluster is None and args.fpc is None:
        return weighting
    return sample_design(weighting, responses, args.strata, args.cluster, args.fpc,
                         args.lonely_psu)


def _replicated(args, responses, table):
    """Replicate SEs in the table (``--replicates``); the weights written if asked."""
    if args.ci != "logit":
        raise AnalysisError("replicate standard errors come with logit intervals: drop --ci")
    base = "base_weight" if "base_weight" in responses.columns else None
    reps = make_replicates(responses, load_margins(args.margins), _weight_variables(args),
                           method=args.replicates or "jk1", strata=args.strata,
                           cluster=args.cluster, fpc=args.fpc, replicates=args.n_replicates,
                           seed=args.seed, base_weights=base, epsilon=args.epsilon,
                           maxit=args.maxit)
    if args.write_replicates:
        ids = responses["response_id"] if "response_id" in responses.columns else responses.index
        reps.frame(ids).to_csv(args.write_replicates, index=False, float_format="%.17g")
    return with_replicate_se(table, responses, reps, by=args.by)


def _design_doc(design) -> dict:
    sample = getattr(design, "sample", None)
    return {} if sample is None else {"design": _clean(sample.describe())}


def _add_design(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strata", metavar="COL", help="column of the design's strata")
    p.add_argument("--cluster", metavar="COL", help="column of the clusters (PSUs), numbered "
                   "within their stratum (default: every response is its own PSU)")
    p.add_argument("--fpc", metavar="COL", help="finite-population correction per stratum: PSUs "
                   "in the population, or (all values at most 1) the sampling fraction")
    p.add_argument("--lonely-psu", choices=LONELY_PSU, default="fail",
                   help="a stratum with one PSU: fail (R's default), certainty or remove (it "
                   "adds nothing), adjust (compared with the overall mean), average")


def run_compare_waves(args) -> int:
    tables = []
    labels = []
    for path, wave in ((args.before, args.before_wave), (args.after, args.after_wave)):
        responses = _read(args, path, wave, list(CATALOGUE))
        weighting = _weigh(args, responses)
        tables.append(estimate_indicators(responses, weighting, by=args.by,
                                          disclosure=_disclosure(args)))
        labels.append(wave or str(path))
    result = compare_waves(tables[0], tables[1], before_label=labels[0], after_label=labels[1])
    _emit(args, result)
    return 0


def run_compare_rest(args) -> int:
    responses = _read(args, args.responses, args.wave, [args.indicator])
    weighting = _weigh(args, responses)
    result = compare_to_rest(responses, weighting, args.indicator, by=args.by or "neighbourhood",
                             adjust=args.adjust)
    _emit(args, result)
    return 0


def run_small_areas(args) -> int:
    fit = run_small_area_files(args.direct, args.covariates, transform=args.transform,
                               variances=args.variances, benchmark=args.benchmark)
    for warning in fit.diagnostics.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.format == "csv":
        small_area_table(fit).to_csv(sys.stdout, index=False)
    else:
        json.dump(_clean(small_area_records(fit)), sys.stdout, indent=1)
        sys.stdout.write("\n")
    return 0


# --- two-way tables and key drivers (analysis.tables, analysis.regression) ---

def _read_answers(args, columns: list[str], indicators: list[str]) -> pd.DataFrame:
    """As _read, with the answer columns the command tabulates also checked against their
    scale when the catalogue knows one."""
    responses = _read(args, args.responses, args.wave, indicators)
    known = {c: QUESTION_CODES[c] for c in columns
             if c in QUESTION_CODES and c in responses.columns}
    responses, dropped = check_codes(responses, known, lenient=args.lenient)
    for column, count in dropped.items():
        print(f"warning: --lenient: {column}: {count:,} values that are not answer codes "
              "were treated as no answer", file=sys.stderr)
    return responses


def run_crosstab(args) -> int:
    responses = _read_answers(args, [args.row, args.col], [])
    weighting = _weigh(args, responses)
    design = _design(args, responses, weighting)
    from analysis.tables import two_way_table  # scipy, only for this command

    table = two_way_table(responses, design, args.row, args.col)
    if args.format == "csv":
        out = table.cells()
        for key, value in table.tests().items():
            if isinstance(value, dict):
                for k, v in value.items():
                    out[f"{key}_{k}"] = v
            elif key not in out.columns:
                out[key] = value
        out.to_csv(sys.stdout, index=False, float_format="%.17g")
        return 0
    doc = {"weighting": _clean(weighting.diagnostics()),
           **_design_doc(design),
           "test": _clean(table.tests()), "cells": _records(table.cells())}
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


def run_drivers(args) -> int:
    predictors = [p.strip() for p in args.predictors.split(",") if p.strip()]
    responses = _read_answers(args, predictors, [args.outcome])
    weighting = _weigh(args, responses)
    design = _design(args, responses, weighting)
    from analysis.regression import key_drivers  # scipy, only for this command

    fit = key_drivers(responses, design, predictors, outcome=args.outcome)
    table = fit.table()
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False, float_format="%.17g")
        return 0
    doc = {"weighting": _clean(weighting.diagnostics()), **_design_doc(design),
           "outcome": fit.outcome, "n": fit.n, "df": fit.df, "reference": fit.reference,
           "iterations": fit.iterations, "coefficients": _records(table)}
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


def _add_model_commands(sub) -> None:
    p = sub.add_parser("crosstab", help="two-way table of two answers with the Rao-Scott tests "
                       "(R svychisq)")
    p.add_argument("responses")
    p.add_argument("--row", required=True, help="answer column of the rows")
    p.add_argument("--col", required=True, help="answer column of the columns")
    _add_common(p)
    _add_design(p)
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(func=run_crosstab)

    p = sub.add_parser("drivers", help="key drivers: weighted logistic regression of an "
                       "indicator on answers (R svyglm, quasibinomial)")
    p.add_argument("responses")
    p.add_argument("--predictors", required=True, help="comma-separated answer columns, each "
                   "a factor whose reference level is its first code")
    p.add_argument("--outcome", default="ni21", help="a single-question indicator (default "
                   "ni21)")
    _add_common(p)
    _add_design(p)
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(func=run_drivers)


def _number(text: str) -> float:
    """A finite number."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a number, not {text!r}")
    return value


def _emit(args, frame):
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        json.dump(_records(frame), sys.stdout, indent=1)
        sys.stdout.write("\n")


def _count(text: str) -> int:
    """A base threshold: a whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number, 0 or more, not {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def common_output(p):
        p.add_argument("--by", help="break down by this column (neighbourhood, area_class, "
                       "age_band, sex, ethnicity, disability)")
        p.add_argument("--format", choices=("json", "csv"), default="json")
        p.add_argument("--suppress-below", type=_count, default=30)
        p.add_argument("--flag-below", type=_count, default=100)
        p.add_argument("--no-suppress", action="store_true",
                       help="show values below the suppression threshold (still flagged)")

    p = sub.add_parser("indicators", help="weight and print every indicator and the gap")
    p.add_argument("responses")
    p.add_argument("--indicators", help="comma-separated indicator ids (default: all); the "
                   "JSON's perception gap comes with the default or when a worry_ or victim_ "
                   "indicator is chosen, else it is null")
    p.add_argument("--targets", help="the partnership's targets (YAML, the scorecard's layout): "
                   "judge each survey indicator that has one against its path")
    _add_common(p)
    _add_design(p)
    p.add_argument("--ci", choices=CI_METHODS, default="logit",
                   help="interval for a proportion: logit (default, R svyciprop's), "
                   "korn-graubard (svyciprop method \"beta\") or wilson (score interval on the "
                   "effective base) or auto (the portal's: Korn-Graubard where the base is under "
                   "100 or the estimate is 0%% or 100%%, logit elsewhere); at 0%% or 100%% every "
                   "method gives Korn-Graubard's")
    p.add_argument("--replicates", choices=REPLICATE_METHODS,
                   help="standard errors from replicate weights made from the design (JK1: "
                   "delete one cluster; bootstrap: within strata), raked in each replicate")
    p.add_argument("--n-replicates", type=int, default=50, help="bootstrap replicates (R: 50)")
    p.add_argument("--seed", type=int, help="bootstrap seed, so the weights can be made again")
    p.add_argument("--write-replicates", metavar="CSV",
                   help="write response_id, weight, repw_1..R, replicate_type and "
                   "replicate_scale to this file, for R's svrepdesign")
    p.add_argument("--calibrate", choices=[c.value for c in CalFun], default=CalFun.RAKING.value,
                   help="how the base weights meet the margins: raking (default, R rake), linear "
                   "(GREG, R calibrate calfun \"linear\") or logit (bounded; needs --bounds)")
    p.add_argument("--bounds", type=_bounds_arg, metavar="L,U",
                   help="bounds on calibrated / base weight for --calibrate linear or logit, "
                   "the base weights (base_weight or 1) first scaled to the population total "
                   "(default: none; logit needs them, with L < 1 < U)")
    p.add_argument("--strict-trim", action="store_true",
                   help="with --trim L,U: repeat until every weight is within the bounds "
                   "(R strict = TRUE; default: one round)")
    common_output(p)
    p.set_defaults(func=run_indicators)

    p = sub.add_parser("compare-waves", help="change in every indicator between two waves")
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--before-wave")
    p.add_argument("--after-wave")
    _add_common(p)
    common_output(p)
    p.set_defaults(func=run_compare_waves)

    p = sub.add_parser("pooled", help="indicators pooled over two or more waves (e.g. the last "
                       "two years): stacked, each wave raked to its margins and counting by its "
                       "share of the period, the waves as strata")
    p.add_argument("waves", nargs="+", metavar="WAVE.csv", help="one file per wave")
    p.add_argument("--margins", required=True, help="the period's population margins CSV")
    p.add_argument("--margins-per-wave", metavar="M1.csv,M2.csv",
                   help="each wave's own margins, in the order of the wave files (default: "
                   "every wave raked to --margins)")
    p.add_argument("--indicators", help="comma-separated indicator ids (default: every one "
                   "the waves ask)")
    p.add_argument("--weight-by", help="comma-separated weighting variables (default: all "
                   "variables in the margins file)")
    p.add_argument("--epsilon", type=float, default=1.0, help="raking convergence, as R rake()")
    p.add_argument("--maxit", type=int, default=10, help="raking iteration limit (R: 10)")
    p.add_argument("--lenient", action="store_true",
                   help="treat values that are not answer codes as no answer")
    common_output(p)
    p.set_defaults(func=run_pooled)

    p = sub.add_parser("compare-rest", help="each neighbourhood against the rest of the area")
    p.add_argument("responses")
    p.add_argument("--indicator", default="ni21")
    p.add_argument("--adjust", choices=ADJUSTMENTS, default="holm")
    _add_common(p)
    common_output(p)
    p.set_defaults(func=run_compare_rest)

    p = sub.add_parser("small-areas", help="model-based (Fay-Herriot EBLUP) estimates per area")
    p.add_argument("direct", help="CSV: area,estimate,variance,n (and population, to benchmark)")
    p.add_argument("--covariates", required=True,
                   help="CSV: area and numeric columns (an intercept is added); areas here but "
                   "not in the direct file get the synthetic estimate")
    p.add_argument("--transform", choices=[t.value for t in Transform], default="none",
                   help="arcsin: fit on the arcsine square-root scale (shares only); default none")
    p.add_argument("--variances", choices=[v.value for v in Variances], default="direct",
                   help="smoothed: a generalised variance function from the pooled share and "
                   "the mean design effect instead of each area's own variance")
    p.add_argument("--benchmark", type=_number,
                   help="the authority's direct estimate: the population-weighted mean of the "
                   "area estimates is made equal to it (ratio benchmarking)")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(func=run_small_areas)
    _add_model_commands(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (AnalysisError, ValueError, OSError) as exc:  # ValueError: e.g. a bad adjustment name
        print(f"error: {_problem(exc)}", file=sys.stderr)
        return 2


def _problem(exc: Exception) -> str:
    """One line saying what went wrong, for the command line."""
    if isinstance(exc, UnknownCodesError):
        return f"{exc}\n{LENIENT_HINT}"
    if isinstance(exc, IsADirectoryError):
        return f"{exc.filename} is a folder: give the CSV file inside it"
    if isinstance(exc, OSError):
        return f"cannot read {exc.filename}: {exc.strerror}"
    return str(exc)
