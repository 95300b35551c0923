"""Loading area covariates with the commands: weighted by the LSOAs' residents 16+, replaced
whole by a load of the same name, removed, aggregated again when the lookup or the populations
change; a refused file (exit 2) stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.areas.queries import covariate_labels, covariate_values, loaded_covariates
from portal.models import AuditEvent, Covariate, CovariateLsoaValue, CovariateValue, LsoaNeighbourhood
from tests.portal.areas.test_covariate_files import ROWS, iod
from tests.portal.areas.test_files import BEST_FIT

ABBEY, VALE = "abbey-and-st-marys", "vale-villages"


def mye(women_per_year: dict[str, int]) -> str:
    """Mid-year estimates with ``k`` women of each age in each LSOA (so 75k aged 16+), no men."""
    ages = [f"{sex}{a}" for sex in "FM" for a in range(91)]
    header = ",".join(["LAD 2021 Code", "LAD 2021 Name", "LSOA 2021 Code", "LSOA 2021 Name",
                       "Total", *ages])
    rows = [",".join(["E06000054", "Wiltshire", code, "Kennet", str(91 * k), *[str(k)] * 91,
                      *["0"] * 91]) for code, k in women_per_year.items()]
    return header + "\r\n" + "\r\n".join(rows) + "\r\n"


# 75, 225 and 150 residents aged 16+: Abbey's IMD is (75 x 10 + 225 x 30) / 300 = 25.
PEOPLE = {"E01014370": 1, "E01014371": 3, "E01014372": 2}


@pytest.fixture
def paths(tmp_path) -> dict[str, Path]:
    texts = {"lookup": BEST_FIT, "mye": mye(PEOPLE), "iod": iod(2025, ROWS),
             "iod2019": iod(2019, ROWS[:2]),
             "table": "neighbourhood,Footfall,Street lights\r\nAbbey & St. Mary's,3,10\r\n"
                      "VALE-VILLAGES,4,12\r\n"}
    out = {}
    for name, text in texts.items():
        out[name] = tmp_path / f"{name}.csv"
        out[name].write_text(text, encoding="utf-8-sig", newline="")
    return out


def _areas(runner, *args, code: int = 0) -> str:
    result = runner.invoke(args=["areas", *map(str, args)])
    assert result.exit_code == code, result.output
    return result.output


def _load(runner, path, kind="iod", *more, code: int = 0) -> str:
    return _areas(runner, "import-covariate", path, "--kind", kind, "--source", "MHCLG IoD2025 File 7",
                  "--date", "2025-10-30", *more, code=code)


@pytest.fixture
def set_up(runner, db_session, paths):
    _areas(runner, "import-neighbourhoods", paths["lookup"])
    _areas(runner, "import-population", paths["mye"])


def test_an_lsoa_covariate_is_the_mean_weighted_by_residents_16_plus(runner, db_session, paths,
                                                                      set_up):
    assert dict(db_session.execute(select(LsoaNeighbourhood.lsoa_code, LsoaNeighbourhood.adults))
                .all()) == {"E01014370": 75, "E01014371": 225, "E01014372": 150}
    out = _load(runner, paths["iod"])
    assert "Loaded imd_score for 3 LSOAs, averaged over each neighbourhood's LSOAs" in out
    assert "1 LSOA of the file outside the partnership were ignored." in out
    assert covariate_values(db_session) == {"imd_score": {ABBEY: pytest.approx(25.0),
                                                          VALE: pytest.approx(5.0)}}
    assert covariate_labels(db_session) == {"imd_score": "Index of Multiple Deprivation (IMD) Score"}
    [covariate] = loaded_covariates(db_session)
    assert (covariate.source, covariate.source_date.isoformat(), covariate.level.value) == (
        "MHCLG IoD2025 File 7", "2025-10-30", "lsoa")
    assert (covariate.areas_matched, covariate.areas_missing, covariate.areas_ignored) == (3, 0, 1)
    listed = _areas(runner, "covariates")
    assert "imd_score\tIndex of Multiple Deprivation (IMD) Score\tLSOA\tMHCLG IoD2025 File 7" in listed
    assert db_session.scalar(select(AuditEvent.target_id)
                             .where(AuditEvent.action == "areas_covariate_loaded")) == "imd_score"


def test_missing_lsoas_are_counted_and_a_neighbourhood_without_any_is_named(runner, db_session,
                                                                           paths, set_up):
    out = _load(runner, paths["iod2019"], "iod", "--column", "Income Score (rate)")
    assert "Loaded income_score_rate for 2 LSOAs" in out
    assert ("1 LSOA of the lookup are not in the file (its LSOAs are on 2011 codes; the lookup's "
            "are 2021 ones)") in out
    assert "No value for: Vale Villages; the model leaves this covariate out" in out
    # Abbey: (75 x 0.1 + 225 x 0.3) / 300
    assert covariate_values(db_session) == {"income_score_rate": {ABBEY: pytest.approx(0.25)}}


def test_a_load_of_the_same_name_replaces_it_whole_and_remove_removes_it(runner, db_session,
                                                                         paths, set_up):
    _load(runner, paths["iod"])
    _load(runner, paths["iod2019"])
    assert db_session.scalar(select(func.count()).select_from(Covariate)) == 1
    assert db_session.scalar(select(func.count()).select_from(CovariateLsoaValue)) == 2
    assert covariate_values(db_session) == {"imd_score": {ABBEY: pytest.approx(25.0)}}
    out = _load(runner, paths["table"], "table")
    assert "Loaded footfall, street_lights for 2 neighbourhoods." in out
    assert covariate_values(db_session)["street_lights"] == {ABBEY: 10.0, VALE: 12.0}
    paths["table"].write_text("neighbourhood,Footfall\r\nabbey-and-st-marys,5\r\n")
    out = _load(runner, paths["table"], "table")
    assert "Loaded footfall for 1 neighbourhood. No value for: Vale Villages;" in out
    assert _areas(runner, "remove-covariate", "imd_score") == "Removed the covariate imd_score.\n"
    assert sorted(covariate_labels(db_session)) == ["footfall", "street_lights"]
    assert db_session.scalar(select(func.count()).select_from(CovariateLsoaValue)) == 0
    out = _areas(runner, "remove-covariate", "imd_score", code=2)
    assert "There is no covariate 'imd_score' (loaded: footfall, street_lights)." in out
    actions = list(db_session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("areas_covariate_%")).order_by(AuditEvent.id)))
    assert actions == ["areas_covariate_loaded"] * 5 + ["areas_covariate_removed"]


def test_new_populations_or_lookup_aggregate_again(runner, db_session, paths, set_up, tmp_path):
    _load(runner, paths["iod"])
    paths["mye"].write_text(mye({"E01014370": 3, "E01014371": 1, "E01014372": 2}),
                            encoding="utf-8-sig")
    _areas(runner, "import-population", paths["mye"])
    # Abbey: (225 x 10 + 75 x 30) / 300
    assert covariate_values(db_session)["imd_score"][ABBEY] == pytest.approx(15.0)
    moved = tmp_path / "moved.csv"
    moved.write_text("LSOA21CD,neighbourhood\nE01014370,Abbey & St. Mary's\n"
                     "E01014371,Vale Villages\nE01014372,Vale Villages\n")
    _areas(runner, "import-neighbourhoods", moved)
    # the residents are kept over a new lookup; Vale: (75 x 30 + 150 x 5) / 225
    assert covariate_values(db_session)["imd_score"] == {ABBEY: pytest.approx(10.0),
                                                         VALE: pytest.approx(3000 / 225)}


def test_refused_files_exit_2_and_store_nothing(runner, db_session, paths, set_up, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("lsoa,score\nE01014370,high\nE01014371,1\nE01014371,2\n")
    out = _load(runner, bad, "table", code=2)
    assert "bad.csv, line 2: score: 'high' is not a number." in out
    assert "bad.csv, line 4: E01014371 is listed twice (also on line 3)." in out
    bad.write_text("neighbourhood,score\nAtlantis,1\nAbbey & St. Mary's,2\nLemuria,3\n")
    out = _load(runner, bad, "table", code=2)
    assert "There is no neighbourhood 'Atlantis'. There is no neighbourhood 'Lemuria'." in out
    bad.write_text("lsoa,score\nE01000001,1\n")
    out = _load(runner, bad, "table", code=2)
    assert "No LSOA of the file is in the partnership's lookup (3 LSOAs)" in out
    out = _areas(runner, "import-covariate", paths["iod"], "--kind", "iod", "--source", " ",
                 "--date", "2025-10-30", code=2)
    assert "Say where the figures come from" in out
    out = _areas(runner, "import-covariate", paths["iod"], "--kind", "iod", "--source", "x",
                 "--date", "30/10/2025", code=2)
    assert "Invalid value for '--date'" in out
    assert db_session.scalar(select(func.count()).select_from(Covariate)) == 0
    assert db_session.scalar(select(func.count()).select_from(CovariateValue)) == 0


def test_an_lsoa_covariate_needs_the_lookup_and_the_population_first(runner, db_session, paths):
    out = _load(runner, paths["iod"], code=2)
    assert "No neighbourhoods are set up yet: import the LSOA lookup first" in out
    _areas(runner, "import-neighbourhoods", paths["lookup"])
    out = _load(runner, paths["iod"], code=2)
    assert "The LSOAs' residents aged 16+ are not loaded" in out
    assert "import the population first" in out
    assert "No area covariates are loaded" in _areas(runner, "covariates")
