"""The Fay-Herriot model: published milk results, an independent REML fit, the CLI and its errors.

The independent implementation below shares no code with ``analysis.small_areas``: it builds the
full covariance matrix V, gets beta by closed-form GLS, finds sigma2_u by numeric maximisation of
the restricted likelihood with scipy.optimize (a bounded search, polished by a root of its
numeric derivative), and takes the MSE from the general mixed-model formulas (Henderson's g1,
Kackar-Harville's g2, Prasad-Rao's g3) written with matrices.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from analysis.cli import main
from analysis.errors import SmallAreaError
from analysis.small_areas import AreaKind, fit_small_areas
from tests.analysis.conftest import REFERENCE

# ---------------------------------------------------------------------------------------------
# The independent implementation


def gls(A, y, X, D):
    V = np.diag(A + D)
    Vi = np.linalg.inv(V)
    cov = np.linalg.inv(X.T @ Vi @ X)
    return cov @ X.T @ Vi @ y, cov, V, Vi


def reml_objective(A, y, X, D):
    """Minus the restricted log-likelihood (Patterson-Thompson), up to a constant."""
    beta, cov, V, Vi = gls(A, y, X, D)
    r = y - X @ beta
    return 0.5 * (np.linalg.slogdet(V)[1] + np.linalg.slogdet(np.linalg.inv(cov))[1]
                  + r @ Vi @ r)


def reml_numeric(y, X, D):
    upper = 10 * (np.var(y) + D.max())
    best = optimize.minimize_scalar(reml_objective, bounds=(0.0, upper), args=(y, X, D),
                                    method="bounded", options={"xatol": 1e-14, "maxiter": 2000})
    A = float(best.x)
    h = 1e-6 * max(A, np.median(D))

    def slope(a):
        return (reml_objective(a + h, y, X, D) - reml_objective(a - h, y, X, D)) / (2 * h)

    if 10 * h < A and slope(A * 0.9) < 0 < slope(A * 1.1):
        A = optimize.brentq(slope, A * 0.9, A * 1.1, xtol=1e-16, rtol=1e-15)
    elif slope(h) > 0:  # the maximum is at (or numerically next to) the boundary
        A = 0.0
    return A


def eblup_mse(A, y, X, D):
    """EBLUP and the Prasad-Rao MSE, g1 + g2 + 2 g3, from the mixed-model matrices."""
    m = len(y)
    beta, cov, V, Vi = gls(A, y, X, D)
    G = A * np.eye(m)
    u = G @ Vi @ (y - X @ beta)
    eblup = X @ beta + u
    var_a = 2.0 / np.trace(Vi @ Vi)  # asymptotic variance of the REML estimate
    dVi = -Vi @ Vi  # derivative of V^-1 in A
    mse = np.empty(m)
    for i in range(m):
        e = np.eye(m)[i]
        b = A * Vi @ e  # b' = m' G Z' V^-1
        g1 = A - A * A * e @ Vi @ e
        d = X[i] - X.T @ b
        g2 = d @ cov @ d
        db = Vi @ e + A * dVi @ e
        g3 = db @ V @ db * var_a
        mse[i] = g1 + g2 + 2 * g3
    return eblup, mse, beta, cov


def synthetic_data(m=30, seed=3, sigma2_u=0.004):
    rng = np.random.default_rng(seed)
    x1 = rng.normal(0, 1, m)
    x2 = rng.uniform(0, 10, m)
    n = rng.integers(15, 150, m)
    truth = np.clip(0.25 + 0.05 * x1 - 0.004 * x2 + rng.normal(0, math.sqrt(sigma2_u), m),
                    0.03, 0.9)
    D = truth * (1 - truth) / n * rng.uniform(0.8, 1.6, m)
    y = np.clip(truth + rng.normal(0, np.sqrt(D)), 0.005, 0.99)
    areas = [f"area-{i:02d}" for i in range(m)]
    direct = pd.DataFrame({"area": areas, "estimate": y, "variance": D, "n": n,
                           "population": rng.integers(2000, 9000, m)})
    covariates = pd.DataFrame({"area": areas, "crime_rate": x1, "deprivation": x2})
    return direct, covariates


def arrays(direct, covariates):
    X = np.column_stack([np.ones(len(direct)), covariates.drop(columns="area").to_numpy(float)])
    return direct["estimate"].to_numpy(float), X, direct["variance"].to_numpy(float)


# ---------------------------------------------------------------------------------------------
# The milk example


@pytest.fixture(scope="module")
def milk():
    m = pd.read_csv(REFERENCE / "milk.csv")
    direct = pd.DataFrame({"area": m["small_area"].astype(str), "estimate": m["direct_est"],
                           "variance": m["std_error"] ** 2, "n": m["samp_size"]})
    covariates = pd.DataFrame({"area": m["small_area"].astype(str)})
    for k in (2, 3, 4):
        covariates[f"major_area_{k}"] = (m["major_area"] == k).astype(float)
    return direct, covariates


def test_milk_matches_the_published_results(milk):
    """R sae's mseFH (REML) on milk; sae stops at 1e-4, so agreement is to about 1e-6."""
    fit = fit_small_areas(*milk)
    areas = pd.read_csv(REFERENCE / "milk_published_areas.csv")
    model = pd.read_csv(REFERENCE / "milk_published_model.csv").set_index("term")
    np.testing.assert_allclose([a.eblup for a in fit.areas], areas["eblup"], atol=2e-6)
    np.testing.assert_allclose([a.mse for a in fit.areas], areas["mse"], rtol=1e-4)
    coef = {c.name: c for c in fit.coefficients}
    for term in ("intercept", "major_area_2", "major_area_3", "major_area_4"):
        assert coef[term].estimate == pytest.approx(model.loc[term, "estimate"], abs=1e-6)
        assert coef[term].se == pytest.approx(model.loc[term, "se"], rel=1e-5)
    assert fit.loglik == pytest.approx(model.loc["loglik", "estimate"], abs=1e-4)
    assert fit.diagnostics.aic == pytest.approx(model.loc["aic", "estimate"], abs=1e-4)
    assert fit.diagnostics.bic == pytest.approx(model.loc["bic", "estimate"], abs=1e-4)
    assert fit.sigma2_u == pytest.approx(0.01855, abs=1e-5)
    assert fit.method == "REML" and not fit.zero_variance


def test_milk_matches_the_independent_fit_tightly(milk):
    y, X, D = arrays(*milk)
    A = reml_numeric(y, X, D)
    eblup, mse, beta, cov = eblup_mse(A, y, X, D)
    fit = fit_small_areas(*milk)
    assert fit.sigma2_u == pytest.approx(A, rel=1e-7)
    np.testing.assert_allclose([a.eblup for a in fit.areas], eblup, rtol=0, atol=1e-8)
    np.testing.assert_allclose([a.mse for a in fit.areas], mse, rtol=1e-6)
    np.testing.assert_allclose([c.estimate for c in fit.coefficients], beta, atol=1e-8)
    np.testing.assert_allclose([c.se for c in fit.coefficients], np.sqrt(np.diag(cov)),
                               rtol=1e-6)


@pytest.mark.parametrize("seed", [3, 8, 21])
def test_unseen_data_match_the_independent_fit(seed):
    direct, covariates = synthetic_data(seed=seed)
    y, X, D = arrays(direct, covariates)
    A = reml_numeric(y, X, D)
    eblup, mse, _, _ = eblup_mse(A, y, X, D)
    fit = fit_small_areas(direct.astype(str), covariates.astype(str))
    if A == 0:
        assert fit.sigma2_u == pytest.approx(0, abs=1e-9)
    else:
        assert fit.sigma2_u == pytest.approx(A, rel=1e-6)
    np.testing.assert_allclose([a.eblup for a in fit.areas], eblup, rtol=0, atol=1e-8)
    np.testing.assert_allclose([a.mse for a in fit.areas], mse, rtol=1e-6)
    gamma = fit.sigma2_u / (fit.sigma2_u + D)
    np.testing.assert_allclose([a.gamma for a in fit.areas], gamma, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# The command on unseen data


@pytest.fixture
def files(tmp_path):
    direct, covariates = synthetic_data(m=35, seed=99)
    direct.to_csv(tmp_path / "direct.csv", index=False)
    covariates.to_csv(tmp_path / "covariates.csv", index=False)
    return tmp_path, direct, covariates


def run(capsys, *args):
    rc = main(["small-areas", *map(str, args)])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_cli_json_matches_the_independent_fit(files, capsys):
    root, direct, covariates = files
    rc, out, _ = run(capsys, root / "direct.csv", "--covariates", root / "covariates.csv")
    assert rc == 0
    doc = json.loads(out)
    model = doc["model"]
    assert model["method"] == "REML" and set(model["beta"]) == {"intercept", "crime_rate",
                                                                 "deprivation"}
    assert {"sigma2_u", "beta_se", "aic", "shapiro_p", "bias_slope", "coverage",
            "areas_over_cv_direct", "areas_over_cv_model", "variances_used",
            "zero_variance", "warnings"} <= set(model)
    y, X, D = arrays(direct, covariates)
    A = reml_numeric(y, X, D)
    eblup, mse, beta, _ = eblup_mse(A, y, X, D)
    rows = doc["areas"]
    assert [r["area"] for r in rows] == list(direct["area"])
    assert set(rows[0]) >= {"area", "direct", "variance", "eblup", "mse", "gamma", "ci_lower",
                            "ci_upper", "kind", "cv_direct", "cv_model"}
    np.testing.assert_allclose([r["eblup"] for r in rows], eblup, rtol=0, atol=1e-8)
    np.testing.assert_allclose([r["mse"] for r in rows], mse, rtol=1e-6)
    np.testing.assert_allclose(list(model["beta"].values()), beta, atol=1e-8)


def test_cli_csv(files, capsys):
    root, direct, _ = files
    rc, out, _ = run(capsys, root / "direct.csv", "--covariates", root / "covariates.csv",
                     "--format", "csv")
    assert rc == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("area,n,direct,variance,variance_used,kind,gamma,synthetic,eblup,mse")
    assert len(lines) == len(direct) + 1


def test_benchmarking_is_exact(files, capsys):
    root, direct, _ = files
    rc, out, _ = run(capsys, root / "direct.csv", "--covariates", root / "covariates.csv",
                     "--benchmark", "0.2345")
    assert rc == 0
    doc = json.loads(out)
    w = direct["population"].to_numpy(float) / direct["population"].sum()
    bench = np.array([r["benchmarked"] for r in doc["areas"]])
    assert float(w @ bench) == pytest.approx(0.2345, abs=1e-14)
    ratio = doc["model"]["benchmark_ratio"]
    for r in doc["areas"]:
        assert r["benchmarked"] == pytest.approx(r["eblup"] * ratio, rel=1e-14)
        assert r["mse_benchmarked"] == pytest.approx(r["mse"] + (r["benchmarked"] - r["eblup"])
                                                     ** 2, rel=1e-12)
    assert doc["model"]["mse_adjusted_for_benchmark"] is True


def test_out_of_sample_areas_get_the_synthetic_estimate(files):
    _, direct, covariates = files
    fit = fit_small_areas(direct.iloc[:30], covariates)
    y, X, D = arrays(direct.iloc[:30], covariates.iloc[:30])
    A = reml_numeric(y, X, D)
    beta, cov, _, _ = gls(A, y, X, D)
    outside = [a for a in fit.areas if a.kind is AreaKind.OUT_OF_SAMPLE]
    assert [a.area for a in outside] == list(covariates["area"].iloc[30:])
    X_out = np.column_stack([np.ones(5), covariates.iloc[30:, 1:].to_numpy(float)])
    np.testing.assert_allclose([a.eblup for a in outside], X_out @ beta, atol=1e-8)
    np.testing.assert_allclose([a.mse for a in outside],
                               A + np.einsum("ij,jk,ik->i", X_out, cov, X_out), rtol=1e-6)
    assert all(a.direct is None and a.gamma == 0 for a in outside)
    assert fit.diagnostics.n_areas == 30


def test_zero_random_effect_variance_gives_labelled_synthetic_estimates():
    """Direct estimates that scatter less than their sampling errors: REML at the boundary."""
    rng = np.random.default_rng(5)
    m = 25
    x = rng.normal(0, 1, m)
    D = np.full(m, 0.01)
    y = 0.3 + 0.1 * x + rng.normal(0, 0.02, m)  # far less scatter than sqrt(D) = 0.1
    areas = [str(i) for i in range(m)]
    direct = pd.DataFrame({"area": areas, "estimate": y, "variance": D, "n": 50})
    fit = fit_small_areas(direct, pd.DataFrame({"area": areas, "x": x}))
    assert fit.sigma2_u == 0.0 and fit.zero_variance
    assert reml_numeric(y, np.column_stack([np.ones(m), x]), D) == 0.0
    assert all(a.kind is AreaKind.SYNTHETIC and a.gamma == 0 and a.g1 == 0 for a in fit.areas)
    assert all(a.eblup == pytest.approx(a.synthetic, abs=1e-15) for a in fit.areas)
    assert any("estimated at 0" in w for w in fit.diagnostics.warnings)
    _, mse, _, _ = eblup_mse(0.0, y, np.column_stack([np.ones(m), x]), D)
    np.testing.assert_allclose([a.mse for a in fit.areas], mse, rtol=1e-6)


def test_diagnostics_are_what_they_say(milk):
    fit = fit_small_areas(*milk)
    d = fit.diagnostics
    direct = np.array([a.direct for a in fit.areas])
    model = np.array([a.eblup for a in fit.areas])
    cv_direct = np.sqrt(milk[0]["variance"].to_numpy()) / direct
    assert d.areas_over_cv_direct == int(np.sum(cv_direct > 0.2)) == 6
    assert d.areas_over_cv_model == int(np.sum(np.sqrt([a.mse for a in fit.areas]) / model > 0.2))
    y, X, D = arrays(*milk)
    beta = np.array([c.estimate for c in fit.coefficients])
    resid = (y - X @ beta) / np.sqrt(fit.sigma2_u + D)
    assert d.shapiro_w == pytest.approx(stats.shapiro(resid).statistic, rel=1e-9)
    slope, intercept = np.polyfit(model, direct, 1)
    assert d.bias_slope == pytest.approx(slope) and d.bias_intercept == pytest.approx(intercept)
    assert 0 <= d.bias_p_value <= 1 and 0 <= d.coverage <= 1
    assert d.warnings == ()


def test_fewer_than_ten_areas_are_warned(files):
    _, direct, covariates = files
    fit = fit_small_areas(direct.iloc[:8], covariates.iloc[:8])
    assert any("only 8 areas" in w for w in fit.diagnostics.warnings)


def test_smoothed_variances_are_the_stated_gvf():
    rng = np.random.default_rng(2)
    m = 20
    n = rng.integers(15, 150, m)
    p = rng.uniform(0.1, 0.4, m)
    p[0] = 0.0  # a share of 0%: its own variance is 0, the GVF gives it one
    D = p * (1 - p) / n * 1.3
    areas = [str(i) for i in range(m)]
    direct = pd.DataFrame({"area": areas, "estimate": p, "variance": D, "n": n})
    fit = fit_small_areas(direct, pd.DataFrame({"area": areas, "x": rng.normal(size=m)}),
                          variances="smoothed")
    pooled = np.sum(n * p) / np.sum(n)
    expected = 1.3 * pooled * (1 - pooled) / n
    np.testing.assert_allclose([a.variance_used for a in fit.areas], expected, rtol=1e-12)
    assert "smoothed" in fit.variance_note and "1.3000" in fit.variance_note
    assert fit.areas[0].variance == 0.0 and fit.areas[0].variance_used > 0


def test_arcsine_transformation_back_transforms_to_shares(files):
    _, direct, covariates = files
    plain = fit_small_areas(direct, covariates)
    arcsin = fit_small_areas(direct, covariates, transform="arcsin")
    assert arcsin.transform == "arcsin"
    for a, b in zip(plain.areas, arcsin.areas, strict=True):
        assert 0 <= b.ci_lower < b.eblup < b.ci_upper <= 1
        assert b.eblup == pytest.approx(a.eblup, abs=0.03)  # same data, another scale
    theta = np.arcsin(np.sqrt(direct["estimate"].to_numpy()))
    deff = direct["variance"] / (direct["estimate"] * (1 - direct["estimate"]) / direct["n"])
    _, X, _ = arrays(direct, covariates)
    D_t = (deff / (4 * direct["n"])).to_numpy()
    A = reml_numeric(theta, X, D_t)
    eblup_t, _, _, _ = eblup_mse(A, theta, X, D_t)
    g1 = A * D_t / (A + D_t)
    back = (1 - np.cos(2 * eblup_t) * np.exp(-2 * g1)) / 2
    np.testing.assert_allclose([b.eblup for b in arcsin.areas], back, atol=1e-8)


def test_benchmark_needs_populations(milk):
    with pytest.raises(SmallAreaError, match="population column"):
        fit_small_areas(*milk, benchmark=1.0)


# ---------------------------------------------------------------------------------------------
# Bad input: exit 2, one line, naming the problem


def _write(root, name, text):
    path = root / name
    path.write_text(text)
    return path


GOOD_COVARIATES = "area,x\na,1\nb,2\nc,4\nd,3\ne,7\n"
GOOD_DIRECT = "area,estimate,variance,n\na,0.1,0.002,40\nb,0.2,0.003,50\nc,0.15,0.001,90\n" \
              "d,0.3,0.004,30\ne,0.25,0.002,60\n"


@pytest.mark.parametrize("direct, covariates, message", [
    ("area,estimate,n\na,0.1,4\n", GOOD_COVARIATES, "missing: variance"),
    ("", GOOD_COVARIATES, "not a readable CSV"),
    ("area,estimate,variance,n\n", GOOD_COVARIATES, "has no areas"),
    (GOOD_DIRECT.replace("0.2,0.003", "0.2,abc"), GOOD_COVARIATES,
     "direct file line 3 (area b): variance 'abc' is not a number"),
    (GOOD_DIRECT.replace("0.15,", "fifteen,"), GOOD_COVARIATES,
     "line 4 (area c): estimate 'fifteen' is not a number"),
    (GOOD_DIRECT.replace("0.3,0.004", "0.3,"), GOOD_COVARIATES,
     "line 5 (area d): variance '' is not a number"),
    (GOOD_DIRECT.replace("0.3,0.004", "0.3,-0.004"), GOOD_COVARIATES,
     "line 5 (area d): variance -0.004 is negative"),
    (GOOD_DIRECT.replace("0.3,0.004", "0.3,0"), GOOD_COVARIATES,
     "line 5 (area d): variance is 0"),
    (GOOD_DIRECT.replace(",30\n", ",2.5\n"), GOOD_COVARIATES, "line 5 (area d): n 2.5"),
    (GOOD_DIRECT + "c,0.2,0.002,40\n", GOOD_COVARIATES,
     "direct file line 7: area c appears more than once"),
    (GOOD_DIRECT + "f,0.2,0.002,40\ng,0.1,0.001,20\n", GOOD_COVARIATES,
     "areas in the direct file without covariates: f, g"),
    (GOOD_DIRECT, "name,x\na,1\n", "covariates file needs an area column"),
    (GOOD_DIRECT, GOOD_COVARIATES.replace("c,4", "c,high"),
     "covariates file line 4 (area c): x 'high' is not a number"),
    (GOOD_DIRECT, GOOD_COVARIATES + "b,5\n", "covariates file line 7: area b appears more"),
    (GOOD_DIRECT, "area,x,y\na,1,2\nb,2,4\nc,4,8\nd,3,6\ne,7,14\n",
     "covariate y is collinear"),
    (GOOD_DIRECT, "area,x,k\na,1,5\nb,2,5\nc,4,5\nd,3,5\ne,7,5\n", "covariate k is collinear"),
    (GOOD_DIRECT, "area,x,y,z,w\na,1,2,3,1\nb,2,1,3,0\nc,4,2,1,9\nd,3,3,3,3\ne,7,0,2,1\n",
     "5 areas cannot fit 5 coefficients"),
])
def test_bad_input_exits_2_naming_the_problem(tmp_path, capsys, direct, covariates, message):
    d = _write(tmp_path, "direct.csv", direct)
    c = _write(tmp_path, "covariates.csv", covariates)
    rc, out, err = run(capsys, d, "--covariates", c)
    assert rc == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (["--benchmark", "0.2"], "needs a population column"),
    (["--transform", "arcsin"], None),
    (["--variances", "smoothed"], None),
])
def test_options_on_good_input(tmp_path, capsys, args, message):
    d = _write(tmp_path, "direct.csv", GOOD_DIRECT)
    c = _write(tmp_path, "covariates.csv", GOOD_COVARIATES)
    rc, out, err = run(capsys, d, "--covariates", c, *args)
    if message:
        assert rc == 2 and message in err
    else:
        assert rc == 0 and "only 5 areas" in err  # the few-areas warning goes to stderr
        assert json.loads(out)["model"]["warnings"]


def test_files_not_found(tmp_path, capsys):
    rc, _, err = run(capsys, tmp_path / "none.csv", "--covariates", tmp_path / "c.csv")
    assert rc == 2 and "direct file not found" in err


def test_shares_outside_0_1_are_refused_for_arcsin(milk):
    with pytest.raises(SmallAreaError, match="shares between 0 and 1"):
        fit_small_areas(*milk, transform="arcsin")


def test_a_frame_of_numbers_is_checked_too(milk):
    direct, covariates = milk
    broken = direct.copy()
    broken.loc[4, "estimate"] = np.nan
    with pytest.raises(SmallAreaError, match=r"line 6 \(area 5\): estimate 'nan' is not a number"):
        fit_small_areas(broken, covariates)
    broken = covariates.copy()
    broken.loc[0, "major_area_2"] = np.inf
    with pytest.raises(SmallAreaError, match="major_area_2 'inf' is not a number"):
        fit_small_areas(direct, broken)


def test_reml_stops_at_the_tight_tolerance(milk):
    """Fisher scoring to 1e-10: one more step would not move sigma2_u."""
    from analysis.small_areas import fit_reml
    y, X, D = arrays(*milk)
    fit = fit_reml(y, X, D)
    again = fit_reml(y, X, D, tol=1e-14)
    assert fit.sigma2_u == pytest.approx(again.sigma2_u, rel=1e-12)
    with pytest.raises(SmallAreaError, match="did not converge in 2 iterations"):
        fit_reml(y, X, D, maxit=2)


def test_arcsine_with_smoothed_variances_uses_the_mean_design_effect(files):
    _, direct, covariates = files
    fit = fit_small_areas(direct, covariates, transform="arcsin", variances="smoothed")
    p, n = direct["estimate"].to_numpy(), direct["n"].to_numpy()
    deff = np.mean(direct["variance"] / (p * (1 - p) / n))
    theta = np.arcsin(np.sqrt(p))
    _, X, _ = arrays(direct, covariates)
    D_t = deff / (4 * n)
    A = reml_numeric(theta, X, D_t)
    eblup_t, _, _, _ = eblup_mse(A, theta, X, D_t)
    g1 = A * D_t / (A + D_t)
    np.testing.assert_allclose([a.eblup for a in fit.areas],
                               (1 - np.cos(2 * eblup_t) * np.exp(-2 * g1)) / 2, atol=1e-8)
    np.testing.assert_allclose([a.g1 for a in fit.areas], g1, rtol=1e-6)
    assert f"deff = {deff:.4f}" in fit.variance_note


def test_cli_out_of_sample_and_zero_share_rows(tmp_path, capsys):
    """An area with no direct row is out of sample; a share of 0% needs smoothed variances."""
    d = _write(tmp_path, "direct.csv", GOOD_DIRECT.replace("0.1,0.002,40", "0,0,40"))
    c = _write(tmp_path, "covariates.csv", GOOD_COVARIATES + "f,5\n")
    rc, _, err = run(capsys, d, "--covariates", c)
    assert rc == 2 and "line 2 (area a): variance is 0" in err
    rc, out, _ = run(capsys, d, "--covariates", c, "--variances", "smoothed")
    assert rc == 0
    doc = json.loads(out)
    rows = {r["area"]: r for r in doc["areas"]}
    assert rows["f"]["kind"] == "out_of_sample" and rows["f"]["direct"] is None
    assert rows["a"]["cv_direct"] is None  # infinite for a share of 0%: null in JSON
    assert rows["a"]["variance_used"] > 0
    assert doc["model"]["variances"] == "smoothed"
    assert doc["model"]["variances_used"].startswith("smoothed: deff * p(1 - p) / n")
