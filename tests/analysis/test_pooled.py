"""Pooled estimates: two waves stacked, raked per wave and stratified by wave, against R survey
(``reference/make_pooled.R``), and the refusals of waves that cannot be pooled."""

from __future__ import annotations

import io
import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.errors import IndicatorError, InputError, MarginsError
from analysis.estimates import DisclosureRules, estimate_indicators
from analysis.margins import load_margins
from analysis.pooled import PooledWave, pooled_indicators, stack_waves, wave_totals
from analysis.report import RAKE_OPTIONS, WaveInput, last_two_years
from analysis.responses import read_responses
from analysis.weighting import rake_weights
from tests.analysis.conftest import REFERENCE, TIGHT

WAVES = ("2009-10", "2010-11")


@pytest.fixture(scope="module")
def fixture():
    d = read_responses(REFERENCE / "design_responses.csv.gz")
    a = d.iloc[::2].reset_index(drop=True)
    b = d.iloc[1::2].reset_index(drop=True)
    own = {WAVES[0]: load_margins(REFERENCE / "design_margins.csv"),
           WAVES[1]: load_margins(REFERENCE / "pooled_margins_2010-11.csv")}
    period = load_margins(REFERENCE / "pooled_margins.csv")
    ref = pd.read_csv(REFERENCE / "pooled_reference.csv", keep_default_na=False)
    weights = pd.read_csv(REFERENCE / "pooled_weights.csv")
    return (a, b), own, period, ref, weights


def _waves(fixture, scheme):
    (a, b), own, _, _, _ = fixture
    if scheme == "own":
        return [PooledWave(WAVES[0], a, own[WAVES[0]]), PooledWave(WAVES[1], b, own[WAVES[1]])]
    return [PooledWave(WAVES[0], a), PooledWave(WAVES[1], b)]


@pytest.mark.parametrize("scheme", ["own", "period"])
def test_weights_are_rs(fixture, scheme):
    pooled = stack_waves(_waves(fixture, scheme), fixture[2], **TIGHT)
    np.testing.assert_allclose(pooled.weighting.weights, fixture[4][scheme], rtol=1e-8)


@pytest.mark.parametrize("scheme", ["own", "period"])
def test_estimates_ses_and_intervals_match_r(fixture, scheme):
    table, _ = pooled_indicators(_waves(fixture, scheme), fixture[2], by="neighbourhood",
                                 indicators=["ni21", "ni4"], **TIGHT)
    ref = fixture[3]
    ref = ref[ref["margins"] == scheme]
    assert len(ref) == 2 * 13
    for r in ref.itertuples():
        group = None if r.by == "" else {"neighbourhood": r.group}
        row = table[(table["indicator"] == r.indicator)
                    & (table["group"].map(lambda g, want=group: g == want))].iloc[0]
        assert row["n"] == int(r.n) and row["df"] == int(r.df), (r.indicator, r.group)
        for col in ("estimate", "se", "ci_lower", "ci_upper"):
            assert row[col] == pytest.approx(float(getattr(r, col)), rel=1e-8, abs=1e-12), \
                (r.indicator, r.group, col)
        assert row["waves"] == list(WAVES)


def test_each_wave_counts_by_its_share_of_the_period(fixture):
    pooled = stack_waves(_waves(fixture, "own"), fixture[2], **TIGHT)
    total = fixture[2].query("variable == 'sex'")["population"].sum()
    assert wave_totals(pooled) == pytest.approx({w: total / 2 for w in WAVES}, rel=1e-12)


def test_pooled_is_not_the_mean_of_the_waves(fixture):
    """The stacked design's SE is below either wave's (twice the sample), and the estimate
    weights each wave by its weighted base, not 50:50."""
    waves = _waves(fixture, "own")
    pooled, _ = pooled_indicators(waves, fixture[2], indicators=["ni21"], **TIGHT)
    singles = []
    for w in waves:
        weighting = rake_weights(w.responses, w.margins, base_weights="base_weight", **TIGHT)
        singles.append(estimate_indicators(w.responses, weighting, indicators=["ni21"]).iloc[0])
    assert pooled.iloc[0]["se"] < min(s["se"] for s in singles)
    mean = (singles[0]["estimate"] + singles[1]["estimate"]) / 2
    assert abs(pooled.iloc[0]["estimate"] - mean) > 1e-6


def test_refuses_one_wave_and_a_wave_twice(fixture):
    (a, _b), *_ = fixture
    with pytest.raises(InputError, match="two or more waves"):
        stack_waves([PooledWave("2009-10", a)], fixture[2])
    with pytest.raises(InputError, match="'2009-10' is given twice"):
        stack_waves([PooledWave("2009-10", a), PooledWave("2009-10", a)], fixture[2])


def test_refuses_waves_of_different_questionnaires(fixture):
    (a, b), *_ = fixture
    waves = [PooledWave("2009-10", a, questionnaire="residents-v1"),
             PooledWave("2010-11", b, questionnaire="residents-v2")]
    with pytest.raises(InputError, match="wave '2010-11' asked questionnaire 'residents-v2'"):
        pooled_indicators(waves, fixture[2], indicators=["ni21"])


def test_refuses_a_wave_whose_indicator_is_withheld(fixture):
    (a, b), *_ = fixture
    waves = [PooledWave("2009-10", a),
             PooledWave("2010-11", b, not_comparable=frozenset({"police_council_dealing"}))]
    with pytest.raises(IndicatorError, match="ni21 is withheld in wave '2010-11'"):
        pooled_indicators(waves, fixture[2], indicators=["ni21"])
    table, _ = pooled_indicators(waves, fixture[2], indicators=["ni4"])  # the others still pool
    assert list(table["indicator"]) == ["ni4"]


def test_refuses_waves_whose_questions_differ(fixture):
    (a, b), *_ = fixture
    waves = [PooledWave("2009-10", a),
             PooledWave("2010-11", b.drop(columns=["police_council_dealing"]))]
    with pytest.raises(IndicatorError, match="wave '2010-11' has no police_council_dealing"):
        pooled_indicators(waves, fixture[2])


def test_refuses_a_wave_margins_without_a_variable(fixture):
    (a, b), own, period, *_ = fixture
    no_sex = own[WAVES[1]].query("variable != 'sex'")
    with pytest.raises(MarginsError, match="margins of wave '2010-11' have no sex"):
        stack_waves([PooledWave(WAVES[0], a), PooledWave(WAVES[1], b, no_sex)], period)


@pytest.fixture(scope="module")
def wave_files(fixture, tmp_path_factory):
    (a, b), *_ = fixture
    root = tmp_path_factory.mktemp("pooled")
    a.to_csv(root / "a.csv", index=False)
    b.assign(wave=WAVES[1]).to_csv(root / "b.csv", index=False)
    return root


def _run(wave_files, *extra):
    return main(["pooled", str(wave_files / "a.csv"), str(wave_files / "b.csv"), "--margins",
                 str(REFERENCE / "pooled_margins.csv"), "--epsilon", "1e-9", "--maxit", "100",
                 *extra])


def test_cli_pools_by_neighbourhood_as_r(wave_files, fixture, capsys):
    per_wave = f"{REFERENCE / 'design_margins.csv'},{REFERENCE / 'pooled_margins_2010-11.csv'}"
    rc = _run(wave_files, "--margins-per-wave", per_wave, "--by", "neighbourhood",
              "--indicators", "ni21")
    assert rc == 0
    doc = json.loads(capsys.readouterr().out)
    assert [w["wave"] for w in doc["waves"]] == list(WAVES)
    assert doc["design"]["strata"] == "wave" and doc["design"]["n_strata"] == 2
    assert doc["weighting"]["variables"] == ["age_band", "sex", "neighbourhood"]
    ref = fixture[3].query("margins == 'own' and indicator == 'ni21' and group == 'twerton'")
    row = next(r for r in doc["indicators"] if r["group"] == {"neighbourhood": "twerton"})
    assert row["se"] == pytest.approx(float(ref["se"].iloc[0]), rel=1e-8)
    assert row["waves"] == list(WAVES)


def test_cli_csv_has_every_indicator_and_the_waves(wave_files, capsys):
    assert _run(wave_files, "--format", "csv") == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert {"ni21", "ni17", "ni4", "safe_after_dark"} <= set(table["indicator"])
    assert set(table["waves"]) == {"2009-10 + 2010-11"}


@pytest.mark.parametrize("extra, message", [
    (["--margins-per-wave", "m.csv"], "gives 1 margins files for 2 wave files"),
    (["--margins-per-wave", "nope1.csv,nope2.csv"], "margins file not found: nope1.csv"),
    (["--indicators", "ni99"], "ni99"),
])
def test_cli_bad_input_exits_2_naming_the_problem(wave_files, capsys, extra, message):
    assert _run(wave_files, *extra) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == "" and "Traceback" not in captured.err


def test_cli_names_the_file_of_a_bad_wave(wave_files, capsys):
    bad = wave_files / "labels.csv"
    pd.read_csv(wave_files / "b.csv").assign(
        police_council_dealing="Tend to agree").to_csv(bad, index=False)
    rc = main(["pooled", str(wave_files / "a.csv"), str(bad), "--margins",
               str(REFERENCE / "pooled_margins.csv")])
    assert rc == 2
    err = capsys.readouterr().err
    assert f"{bad}:" in err and "police_council_dealing" in err


def test_cli_names_the_file_of_a_wave_lacking_a_question(wave_files, capsys):
    lacking = wave_files / "lacking.csv"
    pd.read_csv(wave_files / "b.csv").drop(columns=["police_council_dealing"]).to_csv(
        lacking, index=False)
    rc = main(["pooled", str(wave_files / "a.csv"), str(lacking), "--margins",
               str(REFERENCE / "pooled_margins.csv")])
    assert rc == 2
    assert f"wave '2010-11' ({lacking}) has no police_council_dealing" in capsys.readouterr().err


def _inputs(fixture, questionnaire="q", second_opens=date(2010, 4, 1)):
    (a, b), *_ = fixture
    return [WaveInput("2009-10", "Wave 2009/10", date(2009, 4, 1), date(2010, 3, 31), a, "q"),
            WaveInput("2010-11", "Wave 2010/11", second_opens,
                      second_opens.replace(year=second_opens.year + 1), b, questionnaire)]


def test_the_reports_last_two_years_is_the_stacked_ni21(fixture):
    period = fixture[2]
    pooled = last_two_years(_inputs(fixture), period, DisclosureRules())
    assert pooled is not None and pooled.label == "Wave 2009/10 and Wave 2010/11 together"
    (a, b), *_ = fixture
    table, _ = pooled_indicators([PooledWave("2009-10", a), PooledWave("2010-11", b)], period,
                                 indicators=["ni21"], **RAKE_OPTIONS)
    assert pooled.row(None)["estimate"] == pytest.approx(table.iloc[0]["estimate"], rel=1e-12)
    assert pooled.figure("twerton").n == pooled.row("twerton")["n"]


@pytest.mark.parametrize("kwargs", [{"questionnaire": "other"},
                                    {"second_opens": date(2014, 4, 1)}])
def test_no_last_two_years_across_questionnaires_or_eras(fixture, kwargs):
    assert last_two_years(_inputs(fixture, **kwargs), fixture[2], DisclosureRules()) is None
