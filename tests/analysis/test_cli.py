"""The command line: JSON and CSV output, and one-line errors with exit code 2."""

from __future__ import annotations

import json

import pytest

from analysis.cli import main
from demo.places import TARGETS_FILE
from demo.responses import DEMO_AREA_CLASS, generate_responses, population_margins


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    d = generate_responses(2500, seed=4, wave="2009-10")
    d.to_csv(root / "responses.csv", index=False)
    population_margins(ethnicity=False).to_csv(root / "margins.csv", index=False)
    both = generate_responses(500, seed=4, wave="2008-09")
    import pandas as pd
    pd.concat([d, both]).to_csv(root / "two_waves.csv", index=False)
    return root


def test_json_by_neighbourhood(files, capsys):
    rc = main(["indicators", str(files / "responses.csv"), "--margins",
               str(files / "margins.csv"), "--by", "neighbourhood"])
    assert rc == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc["weighting"]) >= {"n", "effective_n", "design_effect", "weight_min",
                                     "weight_max", "iterations"}
    ids = {r["indicator"] for r in doc["indicators"]}
    assert {"ni21", "ni17", "ni4", "ni23", "ni41", "ni42", "safe_after_dark",
            "worry_burglary", "victim_car_crime", "worry_violent_crime"} <= ids
    first = doc["indicators"][0]
    assert first["group"] is None and 0 < first["estimate"] < 1
    assert set(first) >= {"indicator", "group", "estimate", "se", "ci_lower", "ci_upper", "n",
                          "effective_n", "flag"}
    groups = [r["group"] for r in doc["indicators"] if r["indicator"] == "ni21"]
    assert {"neighbourhood": "twerton"} in groups
    crimes = {r["crime"] for r in doc["perception_gap"] if r["group"] is None}
    assert crimes == {"burglary", "car_crime", "violent_crime", "any"}
    gap = doc["perception_gap"][0]
    assert set(gap) >= {"crime", "worried", "victim", "difference", "ratio", "ratio_ci_lower",
                        "ratio_ci_upper"}
    assert doc["targets"] == []  # targets are a partnership's: none unless given


def test_targets_judge_ni21_against_the_partnerships_path(files, capsys):
    rc = main(["indicators", str(files / "responses.csv"), "--margins", str(files / "margins.csv"),
               "--targets", str(TARGETS_FILE)])
    assert rc == 0
    (ni21,) = json.loads(capsys.readouterr().out)["targets"]
    assert ni21["indicator"] == "ni21" and ni21["target"] == 0.325 and ni21["target_wave"] == "2010-11"
    # 2009-10 lies two thirds of the way from the 25.5% baseline (2008-09... 2010-11 is 2 years on)
    assert ni21["trajectory"] == pytest.approx(0.255 + (0.325 - 0.255) / 2)


def test_a_bad_targets_file_names_the_entry(files, tmp_path, capsys):
    bad = tmp_path / "targets.yaml"
    bad.write_text("indicators:\n  - id: ni21\n    direction: up\n    source: survey\n")
    rc = main(["indicators", str(files / "responses.csv"), "--margins", str(files / "margins.csv"),
               "--targets", str(bad)])
    assert rc == 2
    assert "ni21: direction must be one of higher, lower" in capsys.readouterr().err


def test_csv(files, capsys):
    rc = main(["indicators", str(files / "responses.csv"), "--margins",
               str(files / "margins.csv"), "--format", "csv", "--indicators", "ni21,ni41"])
    assert rc == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("indicator,group_variable,group,estimate,se,ci_lower,ci_upper")
    assert len(lines) == 3


@pytest.mark.parametrize("args, message", [
    (["indicators", "missing.csv", "--margins", "m.csv"], "responses file not found"),
    (["indicators", "{responses}", "--margins", "nope.csv"], "margins file not found"),
    (["indicators", "{two_waves}", "--margins", "{margins}"], "choose it with --wave"),
    (["indicators", "{responses}", "--margins", "{margins}", "--maxit", "1"], "did not converge"),
    (["indicators", "{responses}", "--margins", "{margins}", "--indicators", "ni99"],
     "unknown indicator"),
    (["indicators", "{folder}", "--margins", "{margins}"], "is a folder"),
    (["indicators", "{responses}", "--margins", "{folder}"], "is a folder"),
])
def test_errors_are_one_line_exit_2(files, capsys, args, message):
    paths = {"responses": files / "responses.csv", "margins": files / "margins.csv",
             "two_waves": files / "two_waves.csv", "folder": files}
    rc = main([a.format(**paths) for a in args])
    err = capsys.readouterr().err
    assert rc == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_area_class_without_classes_is_refused(files, capsys):
    """Another authority's file has no area_class column: a clear error, not blank rows."""
    rc = main(["indicators", str(files / "responses.csv"), "--margins",
               str(files / "margins.csv"), "--by", "area_class"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "no area_class column" in err and err.count("\n") == 1 and "Traceback" not in err


def test_area_class_column_breaks_down(files, tmp_path, capsys):
    import pandas as pd
    d = pd.read_csv(files / "responses.csv")
    d["area_class"] = d["neighbourhood"].map(DEMO_AREA_CLASS)
    d.to_csv(tmp_path / "classed.csv", index=False)
    rc = main(["indicators", str(tmp_path / "classed.csv"), "--margins",
               str(files / "margins.csv"), "--by", "area_class", "--indicators", "ni21"])
    assert rc == 0
    groups = [r["group"] for r in json.loads(capsys.readouterr().out)["indicators"]]
    assert groups == [None, {"area_class": "rural"}, {"area_class": "urban"}]


def test_compare_rest_and_waves(files, capsys):
    rc = main(["compare-rest", str(files / "responses.csv"), "--margins",
               str(files / "margins.csv"), "--indicator", "ni21"])
    assert rc == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 12 and rows[0]["adjustment"] == "holm"
    rc = main(["compare-waves", str(files / "two_waves.csv"), str(files / "two_waves.csv"),
               "--before-wave", "2008-09", "--after-wave", "2009-10", "--margins",
               str(files / "margins.csv")])
    assert rc == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["indicator"] == "ni21" and "since 2008-09" in rows[0]["verdict"]


def test_cli_reproduces_the_r_reference(capsys):
    from tests.analysis.conftest import REFERENCE, reference_case

    _d, _m, ref, gap_ref, _w, control = reference_case("biased")
    assert control == {"epsilon": 1.0, "maxit": 10}  # R's rake() defaults = the CLI's
    rc = main(["indicators", str(REFERENCE / "biased_responses.csv.gz"), "--margins",
               str(REFERENCE / "biased_margins.csv"), "--by", "neighbourhood"])
    assert rc == 0
    doc = json.loads(capsys.readouterr().out)
    ours = {(r["indicator"], (r["group"] or {}).get("neighbourhood", "")): r
            for r in doc["indicators"]}
    checked = 0
    for row in ref[ref["by"].isin(["", "neighbourhood"])].itertuples():
        mine = ours[(row.indicator, str(row.group))]
        assert mine["n"] == row.n
        assert mine["estimate"] == pytest.approx(row.estimate, abs=1e-9)
        assert mine["se"] == pytest.approx(row.se, rel=1e-6)
        assert mine["ci_lower"] == pytest.approx(row.ci_lower, abs=1e-6)
        assert mine["ci_upper"] == pytest.approx(row.ci_upper, abs=1e-6)
        checked += 1
    assert checked == 15 * 13
    gaps = {g["crime"]: g for g in doc["perception_gap"] if g["group"] is None}
    for row in gap_ref.itertuples():
        assert gaps[row.crime]["ratio"] == pytest.approx(row.ratio, rel=1e-9)
        assert gaps[row.crime]["ratio_ci_lower"] == pytest.approx(row.ratio_ci_lower, rel=1e-6)
        assert gaps[row.crime]["ratio_ci_upper"] == pytest.approx(row.ratio_ci_upper, rel=1e-6)


LABELS = {"strongly_agree": "Strongly agree", "tend_to_agree": "Tend to agree",
          "neither_agree_nor_disagree": "Neither agree nor disagree",
          "tend_to_disagree": "Tend to disagree", "strongly_disagree": "Strongly disagree",
          "dont_know": "Don't know"}


@pytest.fixture(scope="module")
def labelled(files):
    """The responses with NI 21 written as labels, and two unknown sex values."""
    import pandas as pd
    d = pd.read_csv(files / "responses.csv", dtype=str, keep_default_na=False)
    counts = d["police_council_dealing"].map(LABELS).value_counts()
    d["police_council_dealing"] = d["police_council_dealing"].map(lambda v: LABELS.get(v, v))
    d.loc[:1, "sex"] = "M"
    d.to_csv(files / "labelled.csv", index=False)
    return files / "labelled.csv", counts


def test_labels_instead_of_codes_stop_with_exit_2(files, labelled, capsys):
    path, counts = labelled
    rc = main(["indicators", str(path), "--margins", str(files / "margins.csv")])
    captured = capsys.readouterr()
    assert rc == 2 and captured.out == "" and "Traceback" not in captured.err
    err = captured.err
    assert err.startswith("error: 2 columns hold values that are not answer codes")
    ni21 = next(line for line in err.splitlines() if "police_council_dealing:" in line)
    top = counts.sort_values(ascending=False, kind="stable")
    for label, count in list(top.items())[:5]:
        assert f"{label!r} ({count:,})" in ni21
    assert "and 1 more value" in ni21
    assert ("expected one of: strongly_agree, tend_to_agree, neither_agree_nor_disagree, "
            "tend_to_disagree, strongly_disagree, dont_know") in ni21
    sex = next(line for line in err.splitlines() if line.strip().startswith("sex:"))
    assert "'M' (2)" in sex and "female, male, prefer_not_to_say" in sex
    assert "--lenient" in err


def test_lenient_drops_unknown_values_and_says_how_many(files, labelled, capsys):
    path, counts = labelled
    rc = main(["indicators", str(path), "--margins", str(files / "margins.csv"), "--lenient",
               "--format", "csv", "--indicators", "ni21,ni41"])
    captured = capsys.readouterr()
    assert rc == 0
    assert f"police_council_dealing: {counts.sum():,} dropped" in captured.err
    assert "sex: 2 dropped" in captured.err
    rows = {line.split(",")[0]: line for line in captured.out.splitlines()[1:]}
    assert "no responses in the base" in rows["ni21"]  # every NI 21 answer was a label
    assert rows["ni41"].split(",")[3] != ""  # the other columns were still counted


def test_compare_rest_checks_its_indicator_only(files, labelled, capsys):
    path, _ = labelled
    rc = main(["compare-rest", str(path), "--margins", str(files / "margins.csv"),
               "--indicator", "ni41", "--weight-by", "age_band,neighbourhood"])
    assert rc == 0, capsys.readouterr().err


@pytest.mark.parametrize("threshold", ["-5", "many"])
def test_a_threshold_below_zero_or_not_a_number_is_refused(files, capsys, threshold):
    with pytest.raises(SystemExit) as exit_:
        main(["indicators", str(files / "responses.csv"), "--margins", str(files / "margins.csv"),
              "--suppress-below", threshold])
    assert exit_.value.code == 2
    assert "--suppress-below: must be a whole number, 0 or more" in capsys.readouterr().err


@pytest.fixture(scope="module")
def design_files(tmp_path_factory):
    import numpy as np
    root = tmp_path_factory.mktemp("design")
    d = generate_responses(2500, seed=4, wave="2009-10")
    rng = np.random.default_rng(3)
    d["stratum"] = np.where(d["neighbourhood"].isin(["twerton", "southdown", "widcombe"]),
                            "bath", "rest")
    d["cluster"] = [f"oa{c}" for c in rng.integers(1, 20, len(d))]
    d["fpc"] = np.where(d["stratum"] == "bath", 80, 200)
    d.to_csv(root / "responses.csv", index=False)
    population_margins(ethnicity=False).to_csv(root / "margins.csv", index=False)
    return root


def test_a_stratified_clustered_design_changes_se_and_df(design_files, capsys):
    base = ["indicators", str(design_files / "responses.csv"), "--margins",
            str(design_files / "margins.csv"), "--indicators", "ni21"]
    assert main(base) == 0
    simple = json.loads(capsys.readouterr().out)
    assert main([*base, "--strata", "stratum", "--cluster", "cluster", "--fpc", "fpc"]) == 0
    designed = json.loads(capsys.readouterr().out)
    a, b = simple["indicators"][0], designed["indicators"][0]
    # the same point estimate (up to the order of floating-point sums), another SE
    assert b["estimate"] == pytest.approx(a["estimate"], rel=1e-12) and a["se"] != b["se"]
    assert a["df"] == a["n"] - 1 and b["df"] == 38 - 2
    assert designed["design"]["n_strata"] == 2 and designed["design"]["n_psu"] == 38
    assert "design" not in simple


@pytest.mark.parametrize("extra, message", [
    (["--strata", "district"], "strata column 'district' is not a column of the responses"),
    (["--cluster", "block"], "cluster column 'block' is not a column of the responses"),
    (["--strata", "stratum", "--fpc", "fpc"], "more than 100% sampling in stratum"),
    (["--strata", "mode", "--fpc", "fpc"], "varies within stratum"),
    (["--strata", "response_id"], "has only one respondent (PSU)"),
])
def test_bad_design_options_exit_2(design_files, capsys, extra, message):
    rc = main(["indicators", str(design_files / "responses.csv"), "--margins",
               str(design_files / "margins.csv"), "--indicators", "ni21", *extra])
    err = capsys.readouterr().err
    assert rc == 2 and message in err and "Traceback" not in err


def test_lonely_psu_rule_is_a_choice(design_files, capsys):
    with pytest.raises(SystemExit):
        main(["indicators", str(design_files / "responses.csv"), "--margins",
              str(design_files / "margins.csv"), "--lonely-psu", "drop"])
    assert "invalid choice: 'drop'" in capsys.readouterr().err


def test_ci_method_option(design_files, capsys):
    base = ["indicators", str(design_files / "responses.csv"), "--margins",
            str(design_files / "margins.csv"), "--indicators", "ni21", "--format", "csv"]
    assert main([*base, "--ci", "wilson"]) == 0
    assert ",wilson," in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main([*base, "--ci", "exact"])
    assert "invalid choice: 'exact'" in capsys.readouterr().err


def test_replicates_are_written_and_used(design_files, tmp_path, capsys):
    import pandas as pd
    out = tmp_path / "repw.csv"
    rc = main(["indicators", str(design_files / "responses.csv"), "--margins",
               str(design_files / "margins.csv"), "--indicators", "ni21", "--cluster", "cluster",
               "--replicates", "jk1", "--write-replicates", str(out), "--by", "neighbourhood"])
    assert rc == 0
    doc = json.loads(capsys.readouterr().out)
    whole = doc["indicators"][0]
    assert whole["df"] == 18 and whole["ci_method"] == "logit (JK1 replicates)"
    written = pd.read_csv(out)
    assert [f"repw_{r}" for r in range(1, 20)] == [c for c in written if c.startswith("repw_")]
    assert written["replicate_type"].iloc[0] == "JK1" and len(written) == 2500


def test_jk1_with_strata_exits_2(design_files, capsys):
    rc = main(["indicators", str(design_files / "responses.csv"), "--margins",
               str(design_files / "margins.csv"), "--indicators", "ni21", "--cluster", "cluster",
               "--strata", "stratum", "--replicates", "jk1"])
    assert rc == 2 and "for unstratified designs" in capsys.readouterr().err


def test_the_gap_comes_only_with_the_indicators_it_reads(files, capsys):
    """``--indicators ni21`` neither reads the worry and victim columns nor prints a gap."""
    base = ["indicators", str(files / "responses.csv"), "--margins", str(files / "margins.csv")]
    assert main([*base, "--indicators", "ni21"]) == 0
    assert json.loads(capsys.readouterr().out)["perception_gap"] is None
    assert main([*base, "--indicators", "ni21,worry_burglary"]) == 0
    gap = json.loads(capsys.readouterr().out)["perception_gap"]
    assert {r["crime"] for r in gap if r["group"] is None} == {"burglary", "car_crime",
                                                                "violent_crime", "any"}
