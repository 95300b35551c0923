"""Key drivers: the weighted logistic regression of NI 21 against R svyglm(family =
quasibinomial()) (make_models.R), on the simple, clustered and stratified designs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.regression import ModelError, key_drivers
from tests.analysis.conftest import REFERENCE
from tests.analysis.models_fixture import model_designs

PREDICTORS = ["safe_after_dark", "age_band", "victim_burglary"]


@pytest.fixture(scope="module")
def designs():
    return model_designs()


@pytest.mark.parametrize("design", ["simple", "clustered", "stratified"])
def test_coefficients_and_ses_match_r_svyglm(designs, design):
    d, by_name = designs
    ref = pd.read_csv(REFERENCE / "design_glm.csv")
    ref = ref[ref["design"] == design].reset_index(drop=True)
    fit = key_drivers(d, by_name[design], PREDICTORS)
    table = fit.table()
    assert list(table["term"].str.replace("=", "")) == list(ref["term"])
    assert fit.df == ref["df"].iloc[0] and fit.n == ref["n"].iloc[0]
    for column in ("estimate", "se", "ci_lower", "ci_upper", "odds_ratio", "or_lower",
                   "or_upper", "p"):
        np.testing.assert_allclose(table[column], ref[column], rtol=1e-9, atol=1e-10,
                                   err_msg=column)
    np.testing.assert_allclose(table["t"], ref["t"], rtol=1e-9)


def test_reference_levels_are_the_first_codes(designs):
    d, by_name = designs
    fit = key_drivers(d, by_name["simple"], PREDICTORS)
    assert fit.reference == {"safe_after_dark": "very_safe", "age_band": "16_24",
                             "victim_burglary": "yes"}
    base = d["police_council_dealing"].notna() & (d["police_council_dealing"] != "dont_know")
    answered = base & d[PREDICTORS].notna().all(axis=1)
    assert fit.n == int(answered.sum()) < int(base.sum())


def test_one_level_separation_and_too_few_rows_are_refused(designs):
    d, by_name = designs
    design = by_name["simple"]
    with pytest.raises(ModelError, match="'mode' has only 1 answer"):
        key_drivers(d.assign(mode="online"), design, ["mode", "sex"])
    agree = d.copy()
    agree.loc[agree["sex"] == "male", "police_council_dealing"] = "strongly_agree"
    with pytest.raises(ModelError, match="perfect separation: every response with sex = 'male'"):
        key_drivers(agree, design, ["sex"])
    few = d.copy()
    keep = [few.index[few["sex"] == s][0] for s in ("male", "female")]
    few.loc[~few.index.isin(keep), "police_council_dealing"] = np.nan
    few.loc[keep, "police_council_dealing"] = ["strongly_agree", "tend_to_disagree"]
    with pytest.raises(ModelError, match="2 rows answered the outcome and every predictor, too "
                       "few to fit 2"):
        key_drivers(few, design, ["sex"])
    with pytest.raises(ModelError, match="'nope' is not a column"):
        key_drivers(d, design, ["sex", "nope"])
    with pytest.raises(ModelError, match="outcome's own question"):
        key_drivers(d, design, ["police_council_dealing"])
