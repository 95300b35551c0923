"""The crosstab and drivers commands: R's figures through the command line, and exit code 2."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from analysis.cli import main
from tests.analysis.conftest import REFERENCE

RESPONSES = str(REFERENCE / "design_responses.csv.gz")
BASE = ["--margins", str(REFERENCE / "design_margins.csv"), "--epsilon", "1e-9", "--maxit", "100"]
CLUSTERED = ["--strata", "stratum", "--cluster", "cluster", "--fpc", "fpc_clusters"]


def test_crosstab_json_is_r_svychisq(capsys):
    assert main(["crosstab", RESPONSES, *BASE, *CLUSTERED, "--row", "car_use",
                 "--col", "sex"]) == 0
    doc = json.loads(capsys.readouterr().out)
    ref = pd.read_csv(REFERENCE / "design_chisq.csv")
    r = ref[(ref["design"] == "clustered") & (ref["row_variable"] == "car_use")].iloc[0]
    assert doc["test"]["rao_scott_f"]["f"] == pytest.approx(r["f"], rel=1e-10)
    assert doc["test"]["rao_scott_f"]["p"] == pytest.approx(r["f_p"], rel=1e-10)
    assert doc["design"]["n_psu"] == 98 and len(doc["cells"]) == 4


def test_drivers_csv_is_r_svyglm(capsys):
    assert main(["drivers", RESPONSES, *BASE, "--predictors",
                 "safe_after_dark,age_band,victim_burglary", "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    ref = pd.read_csv(REFERENCE / "design_glm.csv")
    ref = ref[ref["design"] == "simple"]
    assert list(table["term"].str.replace("=", "")) == list(ref["term"])
    assert table["se"].to_numpy() == pytest.approx(ref["se"].to_numpy(), rel=1e-9)


@pytest.mark.parametrize("command, message", [
    (["crosstab", "--row", "car_use", "--col", "no_such"], "'no_such' is not a column"),
    (["drivers", "--predictors", "sex,no_such"], "predictor 'no_such' is not a column"),
    (["drivers", "--predictors", "wave"], "'wave' has only 1 answer"),
    (["drivers", "--predictors", "sex", "--outcome", "ni17"], "single-question indicator"),
])
def test_bad_input_exits_2_naming_it(capsys, command, message):
    assert main([command[0], RESPONSES, *BASE, *command[1:]]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_perfect_separation_exits_2(tmp_path, capsys):
    d = pd.read_csv(RESPONSES, dtype=str, keep_default_na=False)
    d.loc[d["sex"] == "male", "police_council_dealing"] = "strongly_agree"
    path = tmp_path / "separated.csv"
    d.to_csv(path, index=False)
    assert main(["drivers", str(path), *BASE, "--predictors", "sex,age_band"]) == 2
    assert "perfect separation: every response with sex = 'male'" in capsys.readouterr().err
