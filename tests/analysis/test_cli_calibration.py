"""``python -m analysis indicators`` with --calibrate, --bounds, --trim L,U and --strict-trim:
the default output is the engine's before these flags (files made by main's CLI, in
reference/cli_main_*: the same text and structure, every number equal to 1e-10, since another
numpy or pandas may sum in another order and move the last digit), and the calibrated output
matches R (make_calibration.R)."""

from __future__ import annotations

import gzip
import io
import json

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from tests.analysis.conftest import REFERENCE

DESIGN = ["--strata", "stratum", "--cluster", "cluster", "--fpc", "fpc_clusters"]


def _run(capsys, *extra):
    rc = main(["indicators", str(REFERENCE / "design_responses.csv.gz"), "--margins",
               str(REFERENCE / "design_margins.csv"), *extra])
    out = capsys.readouterr()
    return rc, out.out, out.err


def _golden(name):
    with gzip.open(REFERENCE / name, "rt") as fh:
        return fh.read()


def _same(new, old, where="") -> None:
    """The same JSON document, numbers equal to 1e-10 (relative), everything else exactly."""
    if isinstance(old, dict):
        assert list(new) == list(old), where
        for key in old:
            _same(new[key], old[key], f"{where}/{key}")
    elif isinstance(old, list):
        assert len(new) == len(old), where
        for i, (a, b) in enumerate(zip(new, old, strict=True)):
            _same(a, b, f"{where}[{i}]")
    elif isinstance(old, float):
        assert new == pytest.approx(old, rel=1e-10, abs=1e-14), where
    else:
        assert new == old, where


@pytest.mark.parametrize("extra", [[], ["--calibrate", "raking"]])
def test_default_output_is_unchanged(capsys, extra):
    rc, out, _ = _run(capsys, *DESIGN, "--by", "neighbourhood", *extra)
    assert rc == 0
    _same(json.loads(out), json.loads(_golden("cli_main_default.json.gz")))


def test_trim_as_a_cap_on_the_mean_is_unchanged(capsys):
    rc, out, _ = _run(capsys, "--trim", "4", "--format", "csv")
    assert rc == 0
    new, old = (pd.read_csv(io.StringIO(text), keep_default_na=False)
                for text in (out, _golden("cli_main_trim_cap.csv.gz")))
    pd.testing.assert_frame_equal(new, old, check_exact=False, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("method, extra", [
    ("linear", ["--calibrate", "linear"]),
    ("linear_bounded", ["--calibrate", "linear", "--bounds", "0.35,2.2"]),
    ("logit", ["--calibrate", "logit", "--bounds", "0.3,2.4"]),
    ("raking_trim", ["--epsilon", "1e-9", "--maxit", "100", "--trim", "8,45", "--strict-trim"]),
    ("trim_strict", ["--calibrate", "linear", "--trim", "8,45", "--strict-trim"]),
    ("trim", ["--calibrate", "linear", "--trim", "8,45"]),
])
def test_calibrated_output_matches_r(capsys, method, extra):
    # the CLI scales the base weights to the population total, as the R fixture does
    rc, out, _ = _run(capsys, *DESIGN, "--by", "neighbourhood", "--indicators", "ni21,ni4,ni41",
                      "--format", "csv", "--no-suppress", *extra)
    assert rc == 0
    table = pd.read_csv(io.StringIO(out), keep_default_na=False)
    ref = pd.read_csv(REFERENCE / "design_calibration.csv", keep_default_na=False)
    ref = ref[(ref["method"] == method) & ref["indicator"].isin(["ni21", "ni4", "ni41"])]
    merged = ref.assign(group=ref["group"].astype(str)).merge(
        table, on=["indicator", "group"], suffixes=("_r", ""))
    assert len(merged) == len(ref) == 39
    for col in ("estimate", "se", "ci_lower", "ci_upper"):
        np.testing.assert_allclose(merged[col].astype(float), merged[f"{col}_r"], atol=1e-8,
                                   rtol=0)


def test_logit_with_bounds_and_its_notes(capsys):
    rc, out, _ = _run(capsys, "--calibrate", "logit", "--bounds", "0.3,2.4", "--trim", "10,60",
                      "--strict-trim")
    assert rc == 0
    weighting = json.loads(out)["weighting"]
    assert weighting["notes"][0].startswith("logit calibration (bounds 0.3,2.4)")
    assert "trimmed to 10,60 with the excess shared over the untrimmed (strict" in \
        weighting["notes"][1]
    assert weighting["weight_min"] >= 10 - 1e-9


@pytest.mark.parametrize("extra, message", [
    (["--calibrate", "logit"], "logit calibration needs bounds"),
    (["--calibrate", "logit", "--bounds", "0.99,1.01"], "logit calibration with bounds "
     "0.99,1.01 did not converge"),
    (["--bounds", "0.5,2"], "--bounds is for --calibrate linear or logit"),
    (["--strict-trim"], "--strict-trim needs --trim L,U"),
    (["--calibrate", "linear", "--trim", "3"], "--trim X re-rakes"),
    (["--trim", "50,10"], "the lower must be below the upper"),
    (["--calibrate", "linear", "--replicates", "jk1"], "replicate weights are re-raked"),
])
def test_bad_calibration_options_exit_2(capsys, extra, message):
    rc, _, err = _run(capsys, *extra)
    assert rc == 2
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize("extra", [["--bounds", "1"], ["--trim", "1,2,3"], ["--bounds", "a,2"]])
def test_malformed_numbers_are_usage_errors(capsys, extra):
    with pytest.raises(SystemExit) as exc:
        _run(capsys, *extra)
    assert exc.value.code == 2
