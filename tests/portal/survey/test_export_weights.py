"""Exports carry the dashboard's rim weight: NI 21 recomputed from the CSV is the dashboard's figure."""

from __future__ import annotations

import io

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
