"""Replicate weights: R reading the engine's written file (svrepdesign) gives the engine's SEs."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pandas as pd
import pytest

from analysis.catalogue import CATALOGUE
from analysis.cli import main
from analysis.codes import CodedFrame
from analysis.errors import DesignError
from analysis.estimates import indicator_vectors
from analysis.replicates import make_replicates, replicate_proportions
from tests.analysis.conftest import REFERENCE, reference_case
from tests.analysis.reference.make_replicates import replicates


@pytest.fixture(scope="module", params=["jk1", "bootstrap"])
def made(request):
    d, reps = replicates(request.param)
    return request.param, d, reps


def test_the_written_file_is_what_the_engine_makes(made):
    method, d, reps = made
    written = pd.read_csv(REFERENCE / f"design_repw_{method}.csv.gz")
    ours = reps.frame(d["response_id"])
    assert list(written.columns) == list(ours.columns)
    cols = [c for c in ours.columns if c.startswith("repw_")] + ["weight"]
    np.testing.assert_allclose(written[cols].to_numpy(), ours[cols].to_numpy(), rtol=1e-14)
    assert written["replicate_scale"].iloc[0] == pytest.approx(reps.scale, rel=1e-15)


def test_r_reading_the_file_reproduces_the_engine_se(made):
    method, d, reps = made
    ref = pd.read_csv(REFERENCE / "design_replicates.csv", keep_default_na=False)
    ref = ref[ref["method"] == method]
    coded = CodedFrame(d)
    codes, labels = coded.codes("neighbourhood")
    order = np.argsort(labels)
    rank = np.empty(len(labels), np.int64)
    rank[order] = np.arange(len(labels))
    dom = rank[codes]
    names = [labels[i] for i in order]
    for ind in ("ni21", "ni41"):
        y, valid = indicator_vectors(coded, CATALOGUE[ind])
        est, se = replicate_proportions(reps, y, valid, np.zeros(len(d), np.int64), 1)
        groups_est, groups_se = replicate_proportions(reps, y, valid, dom, len(names))
        want = ref[ref["indicator"] == ind].set_index("group")
        np.testing.assert_allclose([est[0], *groups_est], want.loc[["", *names], "estimate"],
                                   rtol=0, atol=1e-12)
        np.testing.assert_allclose([se[0], *groups_se], want.loc[["", *names], "se"],
                                   rtol=1e-10, atol=1e-12)


def test_bootstrap_seed_reproduces():
    d, reps = replicates("bootstrap")
    _d, _m, _r, _g, _w, control = reference_case("design")
    again = make_replicates(d, _m, method="bootstrap", strata="stratum", cluster="cluster",
                            replicates=40, seed=24, **control)
    other = make_replicates(d, _m, method="bootstrap", strata="stratum", cluster="cluster",
                            replicates=40, seed=25, **control)
    assert np.array_equal(again.weights, reps.weights)
    assert not np.allclose(other.weights, reps.weights)


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "jk1", "strata": "stratum", "cluster": "cluster"}, "for unstratified designs"),
    ({"method": "jk2", "cluster": "cluster"}, "unknown replicate method 'jk2'"),
    ({"method": "bootstrap", "cluster": "block"}, "cluster column 'block' is not a column"),
    ({"method": "bootstrap", "cluster": "cluster", "fpc": "fpc_clusters"}, "with an fpc"),
    ({"method": "bootstrap", "strata": "stratum_lonely", "cluster": "cluster"},
     "a stratum with one cluster"),
])
def test_bad_replicate_options_are_refused(kwargs, message):
    d, m, _r, _g, _w, control = reference_case("design")
    with pytest.raises(DesignError, match=message):
        make_replicates(d, m, **kwargs, **control)


def test_r_reproduces_the_commands_se_from_its_export(rscript, tmp_path, capsys):
    """The command's JSON SE of NI 21 and R's svrepdesign on the file it wrote agree."""
    d, m, _r, _g, _w, _control = reference_case("design")
    d.to_csv(tmp_path / "responses.csv", index=False)
    m.to_csv(tmp_path / "margins.csv", index=False)
    rc = main(["indicators", str(tmp_path / "responses.csv"), "--margins",
               str(tmp_path / "margins.csv"), "--indicators", "ni21", "--cluster", "cluster",
               "--replicates", "jk1", "--write-replicates", str(tmp_path / "repw.csv")])
    assert rc == 0
    se = json.loads(capsys.readouterr().out)["indicators"][0]["se"]
    script = f"""
suppressMessages(library(survey))
d <- read.csv("{tmp_path / 'responses.csv'}", colClasses = "character", na.strings = "")
w <- read.csv("{tmp_path / 'repw.csv'}", colClasses = c(response_id = "character"))
x <- merge(d, w, by = "response_id")
des <- svrepdesign(data = x, weights = ~weight, repweights = "repw_[0-9]+",
                   type = x$replicate_type[1], scale = x$replicate_scale[1], rscales = 1,
                   combined.weights = TRUE, mse = FALSE)
q <- x$police_council_dealing
des$variables$vv <- !is.na(q) & q != "dont_know"
des$variables$yy <- as.numeric(des$variables$vv & q %in% c("strongly_agree", "tend_to_agree"))
cat(sprintf("%.17g", SE(svymean(~yy, subset(des, vv)))[[1]]))
"""
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True)
    assert float(out.stdout) == pytest.approx(se, rel=1e-10)


def test_replicate_ses_fill_shown_rows_and_leave_suppressed_ones_empty():
    """Every shown row gets its own group's replicate SE (computed per breakdown at once); a
    suppressed row keeps no SE or interval."""
    from analysis.estimates import estimate_indicators
    from analysis.replicates import with_replicate_se
    from analysis.weighting import rake_weights

    d, m, _r, _g, _w, control = reference_case("design")
    small = d.groupby("neighbourhood", group_keys=False).head(40)  # a few groups under 30
    small = small[~((small["neighbourhood"] == small["neighbourhood"].iloc[0])
                    & (small.groupby("neighbourhood").cumcount() >= 20))].reset_index(drop=True)
    reps = make_replicates(small, m, method="bootstrap", replicates=20, seed=2, **control)
    table = estimate_indicators(small, rake_weights(small, m, **control), by="neighbourhood",
                                indicators=["ni21", "ni4"])
    out = with_replicate_se(table, small, reps, by="neighbourhood")
    hidden = table["estimate"].isna()
    assert hidden.any() and (~hidden).any()
    assert out.loc[hidden, ["se", "ci_lower", "ci_upper"]].isna().all().all()
    coded = CodedFrame(small)
    labels = sorted(small["neighbourhood"].unique())
    for _, row in out[~hidden].iterrows():
        y, valid = indicator_vectors(coded, CATALOGUE[row["indicator"]], CATALOGUE)
        if row["group"] is None:
            dom, k = np.zeros(len(small), np.int64), 0
        else:
            dom = small["neighbourhood"].map(labels.index).to_numpy()
            k = labels.index(row["group"]["neighbourhood"])
        assert row["se"] == pytest.approx(
            replicate_proportions(reps, y, valid, dom, len(labels))[1][k], rel=1e-12)
        assert row["df"] == 19 and row["ci_lower"] < row["estimate"] < row["ci_upper"]
