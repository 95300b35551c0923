"""The demo's ONS-layout files: committed as the generator makes them, and loaded through the
partnership imports they give exactly the margins the responses are drawn from."""

from __future__ import annotations

from sqlalchemy import select

from demo.ons_files import FILES, FOLDER, area_files
from demo.places import seed_neighbourhoods
from demo.responses import NEIGHBOURHOOD_LIST, population_margins
from demo.summary import DemoSummary
from portal.models import LsoaNeighbourhood, Neighbourhood, PopulationEstimate


def test_the_committed_files_are_the_generators():
    for role, text in area_files().items():
        assert (FOLDER / FILES[role]).read_bytes() == text.encode("utf-8"), (
            f"demo/ons/{FILES[role]} is out of date: run python -m demo.ons_files")


def test_the_demo_sets_up_its_areas_from_its_files(db_session):
    summary = DemoSummary()
    seed_neighbourhoods(db_session, summary)
    assert summary.added["LSOA"] == 111
    for nb in NEIGHBOURHOOD_LIST:
        margins = population_margins([nb.slug])
        wanted = {(r.variable, r.category): int(r.population)
                  for r in margins[margins.variable != "neighbourhood"].itertuples()}
        stored = dict(((variable, category), people) for variable, category, people in
                      db_session.execute(select(PopulationEstimate.variable,
                                                PopulationEstimate.category,
                                                PopulationEstimate.population)
                                         .join(Neighbourhood).where(Neighbourhood.slug == nb.slug)))
        assert stored == wanted, nb.slug
        place = db_session.scalars(select(Neighbourhood).where(Neighbourhood.slug == nb.slug)).one()
        assert (place.name, place.area_class) == (nb.name, nb.area_class)  # nothing renamed
    rural = set(db_session.scalars(select(LsoaNeighbourhood.rural)))
    assert rural == {True, False}
    again = DemoSummary()
    seed_neighbourhoods(db_session, again)
    assert not any(again.added.values())


def test_the_demo_loads_its_synthetic_deprivation_score(db_session):
    from portal.areas.queries import covariate_labels, covariate_values

    seed_neighbourhoods(db_session, DemoSummary())
    assert covariate_labels(db_session) == {"imd_score": "Index of Multiple Deprivation (IMD) Score"}
    scores = covariate_values(db_session)["imd_score"]
    assert set(scores) == {nb.slug for nb in NEIGHBOURHOOD_LIST}
    assert scores["twerton"] > scores["combe-down"]  # the demo's most and least deprived
