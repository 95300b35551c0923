"""Two-way tables and the Rao-Scott tests against R svychisq (make_models.R), on the simple
(raked) design and the stratified, clustered and stratified-only designs of the fixture."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.tables import TableError, two_way_table
from tests.analysis.conftest import REFERENCE
from tests.analysis.models_fixture import model_designs

TABLES = [("safe_after_dark", "police_council_dealing"), ("car_use", "sex")]
DESIGNS = ["simple", "clustered", "stratified"]


@pytest.fixture(scope="module")
def designs():
    return model_designs()


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("row, col", TABLES)
def test_tests_match_r_svychisq(designs, design, row, col):
    d, by_name = designs
    ref = pd.read_csv(REFERENCE / "design_chisq.csv")
    r = ref[(ref["design"] == design) & (ref["row_variable"] == row)].iloc[0]
    t = two_way_table(d, by_name[design], row, col)
    assert t.n_total == r["n_total"] and t.design_df == r["design_df"]
    assert t.chisq_df == r["chisq_df"]
    # survey 4.1 prints the unadjusted X2 under "Chisq" and tests X2 / mean(diag(Delta)), ours
    assert r["chisq"] == r["pearson"]
    assert t.chisq == pytest.approx(t.pearson / t.design_effect_mean, rel=1e-14)
    for ours, theirs in ((t.pearson, "pearson"), (t.f, "f"), (t.ndf, "ndf"),
                         (t.f_p, "f_p"), (t.chisq_p, "chisq_p")):
        assert ours == pytest.approx(r[theirs], rel=1e-10, abs=1e-8), theirs
    assert t.ddf == pytest.approx(r["ddf"], rel=1e-10)


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("row, col", TABLES)
def test_cells_match_r_svymean(designs, design, row, col):
    d, by_name = designs
    ref = pd.read_csv(REFERENCE / "design_tables.csv", keep_default_na=False)
    ref = ref[(ref["design"] == design) & (ref["row_variable"] == row)]
    cells = two_way_table(d, by_name[design], row, col).cells()
    merged = cells.merge(ref, on=["row", "col"], suffixes=("", "_r"))
    assert len(merged) == len(ref) == len(cells)
    np.testing.assert_allclose(merged["proportion"], merged["proportion_r"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(merged["se"], merged["se_r"], rtol=1e-10, atol=1e-14)


def test_the_design_moves_the_test_not_the_table(designs):
    d, by_name = designs
    simple, clustered = (two_way_table(d, by_name[k], *TABLES[0])
                         for k in ("simple", "clustered"))
    np.testing.assert_array_equal(simple.proportion, clustered.proportion)
    assert simple.pearson == clustered.pearson
    assert clustered.ddf < simple.ddf / 50 and clustered.f_p < simple.f_p


def test_categories_follow_the_scale_and_blanks_are_out(designs):
    d, by_name = designs
    t = two_way_table(d, by_name["simple"], *TABLES[0])
    assert t.rows[:2] == ["very_safe", "fairly_safe"] and t.cols[0] == "strongly_agree"
    answered = d["safe_after_dark"].notna() & d["police_council_dealing"].notna()
    assert t.n == int(answered.sum()) < len(d)
    assert t.proportion.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("row, col, message", [
    ("safe_after_dark", "no_such_column", "column variable 'no_such_column' is not a column"),
    ("sex", "sex", "both 'sex'"),
    ("constant", "sex", "'constant' has 1 answer category"),
])
def test_bad_tables_are_refused(designs, row, col, message):
    d, by_name = designs
    d = d.assign(constant="x")
    with pytest.raises(TableError, match=message):
        two_way_table(d, by_name["simple"], row, col)
