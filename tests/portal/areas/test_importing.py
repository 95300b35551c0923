"""Setting up a partnership that is not B&NES on an empty database from ONS-layout files, with
the commands an officer with a shell runs; each import replaces the last, and a refused one
writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.areas.importing import slug_for
from portal.areas.queries import neighbourhood_for_postcode
from portal.models import LsoaNeighbourhood, Neighbourhood, PopulationEstimate, Postcode
from tests.portal.areas.test_files import BEST_FIT, NSPL_HEADER, _mye, _nspl_row

RUC = ("LSOA21CD,LSOA21NM,RUC21CD,RUC21NM\r\nE01014370,Kennet 001A,UN1,Urban\r\n"
       "E01014371,Kennet 001B,UN1,Urban\r\nE01014372,Kennet 002A,RLF1,Larger rural\r\n")


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    paths = {}
    nspl = (NSPL_HEADER + _nspl_row("SN8 1AA", "E01014370") + _nspl_row("SN8 1AB", "E01014372")
            + _nspl_row("SN8 1AD", "E01014370", doterm="202106") + _nspl_row("SW1A 1AA", "E01004736"))
    for name, text in (("lookup", BEST_FIT), ("ruc", RUC), ("nspl", nspl), ("mye", _mye())):
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8-sig", newline="")
    return paths


def _run(runner, *args) -> str:
    result = runner.invoke(args=["areas", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_partnership_sets_up_its_areas_from_ons_files(runner, db_session, files):
    out = _run(runner, "import-neighbourhoods", files["lookup"], "--rural-urban", files["ruc"])
    assert "Loaded 3 LSOAs in 2 neighbourhoods; new: Abbey & St. Mary's, Vale Villages." in out
    assert "Rural (most LSOAs rural): Vale Villages." in out
    places = {n.slug: n for n in db_session.scalars(select(Neighbourhood))}
    assert sorted(places) == ["abbey-and-st-marys", "vale-villages"]
    assert places["abbey-and-st-marys"].name == "Abbey & St. Mary's"
    assert (places["abbey-and-st-marys"].area_class, places["vale-villages"].area_class) == (
        "urban", "rural")

    out = _run(runner, "import-postcodes", files["nspl"])
    assert "Loaded 2 live postcodes from 4 rows; left out 1 terminated postcode" in out
    assert neighbourhood_for_postcode(db_session, "sn81ab").slug == "vale-villages"
    assert neighbourhood_for_postcode(db_session, "SN8 1AD") is None  # terminated
    assert neighbourhood_for_postcode(db_session, "SW1A 1AA") is None  # elsewhere

    out = _run(runner, "import-population", files["mye"])
    assert "residents aged 16+ in 2 neighbourhoods" in out
    rows = db_session.execute(select(Neighbourhood.slug, PopulationEstimate.variable,
                                     PopulationEstimate.category, PopulationEstimate.population)
                              .join(Neighbourhood)).all()
    cells = {(slug, variable, category): people for slug, variable, category, people in rows}
    assert cells[("vale-villages", "sex", "male")] == 75
    assert sum(v for (s, var, _), v in cells.items() if s == "vale-villages" and var == "age_band") \
        == cells[("vale-villages", "sex", "male")] + cells[("vale-villages", "sex", "female")]
    assert {c for (_, var, c) in cells if var == "age_band"} == {
        "16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus"}


def test_importing_again_replaces_and_a_refused_file_writes_nothing(runner, db_session, files,
                                                                   tmp_path):
    _run(runner, "import-neighbourhoods", files["lookup"])
    _run(runner, "import-postcodes", files["nspl"])
    _run(runner, "import-population", files["mye"])
    _run(runner, "import-population", files["mye"])  # again: replaced, not doubled
    _run(runner, "import-postcodes", files["nspl"])
    assert db_session.scalar(select(func.count()).select_from(Postcode)) == 2
    assert db_session.scalar(select(func.count()).select_from(PopulationEstimate)) == 2 * 9
    bad = tmp_path / "bad.csv"
    bad.write_text("LSOA21CD,neighbourhood\nE01014370,Abbey\nE01099999,Elsewhere\nnot-a-code,X\n")
    result = runner.invoke(args=["areas", "import-neighbourhoods", str(bad)])
    assert result.exit_code == 2
    assert "Nothing was imported. bad.csv, line 4: 'NOT-A-CODE' is not an LSOA code" in result.output
    assert db_session.scalar(select(func.count()).select_from(Neighbourhood)) == 2
    assert db_session.scalar(select(func.count()).select_from(LsoaNeighbourhood)) == 3


def test_postcodes_and_population_need_the_neighbourhoods_first(runner, files):
    for command, path in (("import-postcodes", files["nspl"]), ("import-population", files["mye"])):
        result = runner.invoke(args=["areas", command, str(path)])
        assert result.exit_code == 2
        assert "No neighbourhoods are set up yet: import the LSOA lookup first" in result.output


def test_two_names_with_one_address_are_refused(runner, tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text("lsoa_code,neighbourhood\nE01014370,St Mary's\nE01014371,St Marys\n")
    result = runner.invoke(args=["areas", "import-neighbourhoods", str(path)])
    assert result.exit_code == 2
    assert "would have the same address (/neighbourhoods/st-marys); rename one of them" in result.output


@pytest.mark.parametrize("name, slug", [("Abbey & St. Mary's", "abbey-and-st-marys"),
                                        ("Ynys Môn North", "ynys-mon-north"),
                                        ("Bath City Centre", "bath-city-centre")])
def test_slugs(name, slug):
    assert slug_for(name) == slug


def test_a_lookup_may_name_existing_neighbourhoods_by_slug_or_name(db_session):
    """Slugs and names of existing neighbourhoods find them, whatever their slug was made from,
    so re-importing never duplicates or renames; a new name makes a new neighbourhood."""
    from portal.areas.importing import import_neighbourhoods

    db_session.add(Neighbourhood(slug="larkhall", name="Larkhall and Walcot", area_class="urban",
                                 description="kept"))
    db_session.flush()
    outcome = import_neighbourhoods(db_session, {"E01014370": "larkhall",
                                                 "E01014372": "Vale Villages"})
    assert outcome.created == ["Vale Villages"] and outcome.renamed == [] and outcome.kept == 1
    by_name = import_neighbourhoods(db_session, {"E01014370": "Larkhall and Walcot",
                                                 "E01014371": "Larkhall and Walcot",
                                                 "E01014372": "vale-villages"})
    assert by_name.created == [] and by_name.renamed == [] and by_name.kept == 2
    places = {n.slug: n for n in db_session.scalars(select(Neighbourhood))}
    assert sorted(places) == ["larkhall", "vale-villages"]
    assert places["larkhall"].description == "kept"
    lookup = dict(db_session.execute(select(LsoaNeighbourhood.lsoa_code,
                                            LsoaNeighbourhood.neighbourhood_id)).all())
    assert lookup == {"E01014370": places["larkhall"].id, "E01014371": places["larkhall"].id,
                      "E01014372": places["vale-villages"].id}


def test_ethnicity_margins_come_from_the_census_scaled_to_the_adults(runner, db_session, files,
                                                                     tmp_path):
    """With TS021 the ethnicity margin of each neighbourhood sums to its residents 16+ (as raking
    needs), its source is recorded; a later estimates file alone keeps the shares."""
    from tests.portal.areas.test_files import _ts021

    census = tmp_path / "census2021-ts021-lsoa.csv"
    census.write_text(_ts021(), encoding="utf-8", newline="")
    _run(runner, "import-neighbourhoods", files["lookup"])
    out = _run(runner, "import-population", files["mye"], "--ethnicity", census)
    assert "Ethnicity from Census 2021 (TS021), scaled to the residents aged 16+." in out

    def margins() -> dict[tuple[str, str], dict[str, int]]:
        rows = db_session.execute(select(Neighbourhood.slug, PopulationEstimate.variable,
                                         PopulationEstimate.category, PopulationEstimate.population,
                                         PopulationEstimate.source).join(Neighbourhood)).all()
        out: dict[tuple[str, str], dict[str, int]] = {}
        for slug, variable, category, people, source in rows:
            out.setdefault((slug, variable), {})[category] = people
            if variable == "ethnicity":
                assert "TS021" in source and "census2021-ts021-lsoa.csv" in source
        return out

    first = margins()
    for slug in ("abbey-and-st-marys", "vale-villages"):
        assert sum(first[(slug, "ethnicity")].values()) == sum(first[(slug, "sex")].values())
    assert set(first[("vale-villages", "ethnicity")]) == {
        "white_british", "white_other", "mixed", "asian_or_asian_british",
        "black_or_black_british", "other_ethnic_group"}
    out = _run(runner, "import-population", files["mye"])
    assert "keep their shares, scaled to these residents" in out
    db_session.expire_all()
    assert margins()[("vale-villages", "ethnicity")] == first[("vale-villages", "ethnicity")]

    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text(_ts021({"E01099999": (10, 1, 1, 1, 1, 6, 5, 0, 1)}), encoding="utf-8")
    result = runner.invoke(args=["areas", "import-population", str(files["mye"]),
                                 "--ethnicity", str(elsewhere)])
    assert result.exit_code == 2
    assert "No LSOA of Abbey & St. Mary's, Vale Villages is in the Census ethnicity file" in result.output
    db_session.expire_all()
    assert margins() == first  # nothing changed


def test_population_age_bands_are_the_latest_published_versions(db_session):
    """Read from the database (a version published since, with other bands, wins); the shipped
    definition file's only on an install with no version published yet."""
    import surveys
    from portal.areas.importing import questionnaire_age_bands
    from portal.models import Questionnaire
    from portal.questionnaires.versions import add_version, load_shipped, version_questionnaire
    from surveys.documents import document_of

    shipped = [c for c in surveys.option_labels(surveys.load_questionnaire("crime-and-community-safety"),
                                                "age_band") if c != "prefer_not_to_say"]
    assert db_session.scalar(select(func.count()).select_from(Questionnaire)) == 0
    assert questionnaire_age_bands(db_session) == shipped
    load_shipped(db_session)
    latest = db_session.query(Questionnaire).order_by(Questionnaire.version.desc()).first()
    document = document_of(version_questionnaire(latest))
    for page in document["pages"]:
        for question in page["questions"]:
            if question["id"] == "age_band":  # the oldest band left out
                question["options"] = [o for o in question["options"] if o["code"] != "75_plus"]
    add_version(db_session, document, based_on=latest, note="fewer age bands")
    assert questionnaire_age_bands(db_session) == [c for c in shipped if c != "75_plus"]
