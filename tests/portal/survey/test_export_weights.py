"""Exports carry the dashboard's rim weight: NI 21 recomputed from the CSV is the dashboard's figure."""

from __future__ import annotations

import io
import subprocess

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook
from sqlalchemy import delete

from analysis.catalogue import AGREE
from portal.models import PopulationEstimate
from portal.reports.data import load_analysis
from tests.portal.reports.conftest import _responses

WAVE = "2010-11"


def read_csv_export(data: bytes) -> pd.DataFrame:
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame["weight"] = pd.to_numeric(frame["weight"].replace("", np.nan))
    return frame


def weighted_ni21(frame: pd.DataFrame) -> float:
    """Methodology: weighted share agreeing among valid answers, dont_know out of the base."""
    answer = frame["police_council_dealing"]
    valid = (answer != "") & (answer != "dont_know")
    positive = answer.isin(AGREE)
    w = frame["weight"].to_numpy(float)
    return float((w * (valid & positive)).sum() / (w * valid).sum())


def note_rows(rows) -> dict:
    return {row[0]: row[1] for row in rows if row and row[0] and len(row) > 1}


def test_csv_weight_reproduces_the_dashboard_ni21(signed_in, survey, db_session):
    analyst = signed_in("analyst")
    frame = read_csv_export(analyst.get(f"/admin/waves/{WAVE}/export.csv").data)
    analysis = load_analysis(db_session, WAVE)
    dashboard = analysis.current.row("ni21", None)["estimate"]
    assert list(frame.columns)[-1] == "weight" and frame["weight"].notna().all()
    assert abs(weighted_ni21(frame) - dashboard) < 1e-9
    # the unweighted share differs, so the test would catch a missing or wrong weight
    assert abs(weighted_ni21(frame.assign(weight=1.0)) - dashboard) > 1e-4
    assert abs(frame["weight"].sum() - analysis.current.diagnostics["population"]) < 1e-6

    note = analyst.get(f"/admin/waves/{WAVE}/weighting.csv")
    assert note.status_code == 200 and note.mimetype == "text/csv"
    rows = list(pd.read_csv(io.BytesIO(note.data), header=None, dtype=str, encoding="utf-8-sig",
                            keep_default_na=False).itertuples(index=False))
    summary = note_rows(rows)
    assert summary["status"] == "weighted"
    assert float(summary["design effect due to weighting"]) == analysis.current.diagnostics[
        "design_effect"]
    assert int(summary["iterations"]) == analysis.current.diagnostics["iterations"]
    margins = [r for r in rows if r[0] == "neighbourhood"]
    assert {r[1] for r in margins} == {"twerton", "keynsham", "chew-valley"}
    for r in margins:  # raked to the population within R's epsilon of 1 person
        assert abs(float(r[5]) - float(r[2])) < 1


def test_xlsx_weight_column_and_weighting_sheet(signed_in, survey, db_session):
    analyst = signed_in("analyst")
    csv_frame = read_csv_export(analyst.get(f"/admin/waves/{WAVE}/export.csv").data)
    book = load_workbook(io.BytesIO(analyst.get(f"/admin/waves/{WAVE}/export.xlsx").data))
    assert book.sheetnames == ["Responses", "weighting", "Codebook"]
    sheet = book["Responses"]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "weight"
    weights = {row[0]: row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    expected = dict(zip(csv_frame["response_id"], csv_frame["weight"], strict=True))
    # the same numbers (a workbook keeps about 16 significant digits)
    assert weights == pytest.approx(expected, rel=1e-14)
    diagnostics = load_analysis(db_session, WAVE).current.diagnostics
    summary = note_rows(book["weighting"].iter_rows(values_only=True))
    assert summary["status"] == "weighted"
    for label, key in (("effective base", "effective_n"), ("minimum weight", "weight_min"),
                       ("maximum weight", "weight_max"),
                       ("design effect due to weighting", "design_effect")):
        assert summary[label] == pytest.approx(diagnostics[key], rel=1e-14)
    assert "WEIGHT BY weight" in summary["use"]
    table = [r for r in book["weighting"].iter_rows(values_only=True) if r and r[0] == "variable"]
    assert table and list(table[0][:7]) == ["variable", "category", "population",
                                             "population_share", "respondents", "weighted",
                                             "weighted_share"]


def test_sav_weight_is_labelled_and_matches_the_csv(signed_in, survey, tmp_path):
    analyst = signed_in("analyst")
    csv_frame = read_csv_export(analyst.get(f"/admin/waves/{WAVE}/export.csv").data)
    path = tmp_path / "weights.sav"
    with open(path, "wb") as handle:
        handle.write(analyst.get(f"/admin/waves/{WAVE}/export.sav").data)
    data, meta = pyreadstat.read_sav(path)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert meta.column_names[-1] == "weight" and "WEIGHT BY weight" in labels["weight"]
    assert meta.variable_measure["weight"] == "scale"
    assert any("WEIGHT BY weight" in line for line in meta.notes)
    by_id = dict(zip(data["response_id"], data["weight"], strict=True))
    expected = dict(zip(csv_frame["response_id"], csv_frame["weight"], strict=True))
    assert by_id == expected


def test_a_wave_that_cannot_be_weighted_still_exports(signed_in, survey, db_session):
    wave = survey["waves"]["2026-27"]
    _responses(db_session, wave, survey["neighbourhoods"], 10, seed=3)  # empty age bands
    db_session.commit()
    analyst = signed_in("analyst")
    frame = read_csv_export(analyst.get(f"/admin/waves/{wave.slug}/export.csv").data)
    assert len(frame) == 10 and frame["weight"].isna().all()
    summary = note_rows(pd.read_csv(io.BytesIO(analyst.get(
        f"/admin/waves/{wave.slug}/weighting.csv").data), header=None, dtype=str,
        keep_default_na=False, encoding="utf-8-sig").itertuples(index=False))
    assert summary["status"].startswith("not weighted")
    assert "no respondents in" in summary["reason"]
    book = load_workbook(io.BytesIO(analyst.get(f"/admin/waves/{wave.slug}/export.xlsx").data))
    assert all(row[-1] is None for row in book["Responses"].iter_rows(min_row=2, values_only=True))
    assert analyst.get(f"/admin/waves/{wave.slug}/export.sav").status_code == 200


def test_without_population_the_note_says_so(signed_in, survey, db_session):
    db_session.execute(delete(PopulationEstimate))
    db_session.commit()
    analyst = signed_in("analyst")
    frame = read_csv_export(analyst.get(f"/admin/waves/{WAVE}/export.csv").data)
    assert frame["weight"].isna().all()
    book = load_workbook(io.BytesIO(analyst.get(f"/admin/waves/{WAVE}/export.xlsx").data))
    summary = note_rows(book["weighting"].iter_rows(values_only=True))
    assert "No population figures are loaded" in summary["reason"]


def test_the_wave_page_links_the_weighting_note(signed_in, survey):
    page = signed_in("analyst").get(f"/admin/waves/{WAVE}").get_data(as_text=True)
    assert f"/admin/waves/{WAVE}/weighting.csv" in page and "WEIGHT BY weight." in page
    assert f"/admin/waves/{WAVE}/replicates.csv" in page and "svrepdesign" in page


def read_replicates(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype={"response_id": str})


def replicate_ni21_se(answers: pd.DataFrame, reps: pd.DataFrame) -> float:
    """The bootstrap SE by its formula, from the two files alone."""
    joined = answers.drop(columns="weight").merge(reps, on="response_id", validate="one_to_one")
    answer = joined["police_council_dealing"]
    valid = ((answer != "") & (answer != "dont_know")).to_numpy(float)
    positive = answer.isin(AGREE).to_numpy(float) * valid
    w = joined.filter(regex=r"^repw_\d+$").to_numpy(float)
    theta = (w * positive[:, None]).sum(axis=0) / (w * valid[:, None]).sum(axis=0)
    return float(np.sqrt(joined["replicate_scale"].iloc[0] * ((theta - theta.mean()) ** 2).sum()))


def test_replicate_weights_carry_the_dashboard_weight(signed_in, survey, db_session):
    analyst = signed_in("analyst")
    answers = read_csv_export(analyst.get(f"/admin/waves/{WAVE}/export.csv").data)
    response = analyst.get(f"/admin/waves/{WAVE}/replicates.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    reps = read_replicates(response.data)
    repw = [f"repw_{r}" for r in range(1, 101)]
    assert list(reps.columns) == ["response_id", "weight", *repw, "replicate_type",
                                  "replicate_scale"]
    assert set(reps["replicate_type"]) == {"bootstrap"} and reps["replicate_scale"].nunique() == 1
    expected = dict(zip(answers["response_id"], answers["weight"], strict=True))
    assert dict(zip(reps["response_id"], reps["weight"], strict=True)) == pytest.approx(
        expected, rel=1e-15)
    # every replicate is raked to the same population as the full sample
    population = load_analysis(db_session, WAVE).current.diagnostics["population"]
    np.testing.assert_allclose(reps[repw].sum(axis=0), population, rtol=1e-3)
    assert reps[repw].std(axis=1).gt(0).all()  # the replicates differ from each other
    # the same wave gives the same replicates every time (seeded from its slug)
    assert analyst.get(f"/admin/waves/{WAVE}/replicates.csv").data == response.data


def test_replicate_se_is_close_to_the_dashboards(signed_in, survey, db_session):
    analyst = signed_in("analyst")
    answers = read_csv_export(analyst.get(f"/admin/waves/{WAVE}/export.csv").data)
    reps = read_replicates(analyst.get(f"/admin/waves/{WAVE}/replicates.csv").data)
    dashboard = load_analysis(db_session, WAVE).current.row("ni21", None)["se"]
    assert replicate_ni21_se(answers, reps) == pytest.approx(dashboard, rel=0.25)


def test_r_reproduces_the_replicate_se_from_the_two_files(signed_in, survey, rscript, tmp_path):
    """Someone with only the exports gets the same SE in R's svrepdesign as the formula."""
    analyst = signed_in("analyst")
    (tmp_path / "answers.csv").write_bytes(analyst.get(f"/admin/waves/{WAVE}/export.csv").data)
    (tmp_path / "repw.csv").write_bytes(analyst.get(f"/admin/waves/{WAVE}/replicates.csv").data)
    script = f"""
suppressMessages(library(survey))
a <- read.csv("{tmp_path / 'answers.csv'}", colClasses = "character", na.strings = "",
              fileEncoding = "UTF-8-BOM")
a$weight <- NULL
w <- read.csv("{tmp_path / 'repw.csv'}", colClasses = c(response_id = "character"))
d <- merge(a, w, by = "response_id")
des <- svrepdesign(data = d, weights = ~weight, repweights = "repw_[0-9]+", type = "bootstrap",
                   scale = d$replicate_scale[1], rscales = 1, combined.weights = TRUE, mse = FALSE)
q <- d$police_council_dealing
des$variables$vv <- !is.na(q) & q != "dont_know"
des$variables$yy <- as.numeric(des$variables$vv & q %in% c("strongly_agree", "tend_to_agree"))
m <- svymean(~yy, subset(des, vv))
cat(sprintf("%.17g %.17g", coef(m)[[1]], SE(m)[[1]]))
"""
    out = subprocess.run([rscript, "-e", script], capture_output=True, text=True, check=True)
    estimate, se = map(float, out.stdout.split())
    answers = read_csv_export((tmp_path / "answers.csv").read_bytes())
    reps = read_replicates((tmp_path / "repw.csv").read_bytes())
    assert estimate == pytest.approx(weighted_ni21(answers), rel=1e-12)
    assert se == pytest.approx(replicate_ni21_se(answers, reps), rel=1e-10)


def test_a_wave_without_weights_gets_no_replicates_and_a_reason(signed_in, survey, db_session):
    db_session.execute(delete(PopulationEstimate))
    db_session.commit()
    analyst = signed_in("analyst")
    response = analyst.get(f"/admin/waves/{WAVE}/replicates.csv", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == f"/admin/waves/{WAVE}"
    assert "No replicate weights for" in page and "No population figures are loaded" in page
