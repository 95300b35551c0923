"""The admin uploads of the ONS files: the same readers and imports as the commands, all or
nothing, each problem listed with its line."""

from __future__ import annotations

from io import BytesIO

from sqlalchemy import func, select

from portal.models import LsoaNeighbourhood, Neighbourhood, PopulationEstimate, Postcode
from tests.portal.areas.test_files import BEST_FIT, NSPL_HEADER, _mye, _nspl_row, _ts021
from tests.portal.areas.test_importing import RUC


def _upload(client, path: str, **files: tuple[str, str]):
    data = {field: (BytesIO(text.encode("utf-8-sig")), name) for field, (name, text) in files.items()}
    return client.post(path, data=data, content_type="multipart/form-data", follow_redirects=True)


def test_an_admin_loads_the_areas_from_ons_files(signed_in, db_session):
    admin = signed_in("admin")
    assert admin.get("/admin/setup/areas").status_code == 200
    page = _upload(admin, "/admin/setup/areas/neighbourhoods", lookup=("lookup.csv", BEST_FIT),
                   rural_urban=("ruc.csv", RUC))
    assert page.status_code == 200 and "Loaded 3 LSOAs in" in page.text
    assert "new: Abbey &amp; St. Mary&#39;s, Vale Villages." in page.text
    assert db_session.scalar(select(Neighbourhood.area_class)
                             .where(Neighbourhood.slug == "vale-villages")) == "rural"
    nspl = NSPL_HEADER + _nspl_row("SN8 1AA", "E01014370") + _nspl_row("SN8 1AB", "E01014372")
    page = _upload(admin, "/admin/setup/areas/postcodes", postcodes=("nspl.csv", nspl))
    assert "Loaded 2 live postcodes" in page.text
    page = _upload(admin, "/admin/setup/areas/population", population=("mye.csv", _mye()))
    assert "residents aged 16+ in" in page.text
    assert "Where the weighting populations come from" in page.text
    assert "ONS mid-year population estimates by LSOA (mye.csv, LSOA 2021 Code)" in page.text
    page = _upload(admin, "/admin/setup/areas/population", population=("mye.csv", _mye()),
                   ethnicity=("ts021.csv", _ts021()))
    assert "Ethnicity from Census 2021 (TS021)" in page.text
    assert "Census 2021 TS021 ethnic group by LSOA (ts021.csv)" in page.text
    assert db_session.scalar(select(func.count()).select_from(PopulationEstimate)) > 0
    # the test's own three neighbourhoods (from the fixture) are named as having no LSOAs
    checklist = admin.get("/admin/setup/").text
    assert "without LSOAs: Chew Valley, Keynsham, Twerton" in checklist


def test_a_bad_upload_lists_its_lines_and_writes_nothing(signed_in, db_session):
    admin = signed_in("admin")
    before = db_session.scalar(select(func.count()).select_from(LsoaNeighbourhood))
    bad = "LSOA21CD,neighbourhood\nE01014370,Abbey\nE0101437X,Vale\n"
    page = _upload(admin, "/admin/setup/areas/neighbourhoods", lookup=("bad<1>.csv", bad))
    assert page.status_code == 400
    assert "Nothing was imported: fix the problems below" in page.text
    assert "bad&lt;1&gt;.csv, line 3: &#39;E0101437X&#39; is not an LSOA code" in page.text
    assert db_session.scalar(select(func.count()).select_from(LsoaNeighbourhood)) == before
    page = _upload(admin, "/admin/setup/areas/postcodes", postcodes=("nspl.csv", "pcds\nSN8 1AA\n"))
    assert page.status_code == 400 and "no column doterm" in page.text
    assert db_session.scalar(select(func.count()).select_from(Postcode)) == 0
    page = admin.post("/admin/setup/areas/population", data={}, content_type="multipart/form-data")
    assert page.status_code == 400 and "Choose the population estimates file" in page.text


def test_only_admins_load_areas(signed_in):
    assert signed_in("analyst").get("/admin/setup/areas").status_code == 403
    assert signed_in("coordinator", "twerton").post("/admin/setup/areas/postcodes").status_code == 403


def test_the_checklist_reads_as_sentences(signed_in, db_session):
    from portal.areas.agencies import add_agency

    admin = signed_in("admin")
    for name in ("Police", "Housing"):
        add_agency(db_session, name)
    db_session.commit()
    signed_in("coordinator", "twerton")
    page = admin.get("/admin/setup/").text
    assert "3 agencies" in page and "1 PACT coordinator" in page and "1 administrator" in page


def test_an_admin_fixes_a_neighbourhood_s_class_and_an_import_keeps_it(signed_in, db_session):
    admin = signed_in("admin")
    _upload(admin, "/admin/setup/areas/neighbourhoods", lookup=("lookup.csv", BEST_FIT),
            rural_urban=("ruc.csv", RUC))
    page = admin.post("/admin/setup/areas/vale-villages/class", data={"area_class": "urban"},
                      follow_redirects=True)
    assert "Vale Villages is urban (set here, kept over imports)." in page.text
    _upload(admin, "/admin/setup/areas/neighbourhoods", lookup=("lookup.csv", BEST_FIT),
            rural_urban=("ruc.csv", RUC))
    _upload(admin, "/admin/setup/areas/population", population=("mye.csv", _mye()))
    place = db_session.scalar(select(Neighbourhood).where(Neighbourhood.slug == "vale-villages"))
    assert (place.area_class, place.area_class_fixed) == ("urban", True)
    admin.post("/admin/setup/areas/vale-villages/class", data={"area_class": "ons"})
    _upload(admin, "/admin/setup/areas/neighbourhoods", lookup=("lookup.csv", BEST_FIT),
            rural_urban=("ruc.csv", RUC))
    db_session.expire_all()
    assert db_session.get(Neighbourhood, place.id).area_class == "rural"
    page = admin.post("/admin/setup/areas/vale-villages/class", data={"area_class": "suburban"},
                      follow_redirects=True)
    assert "Not a valid choice" in page.text
    assert admin.post("/admin/setup/areas/atlantis/class", data={"area_class": "urban"}
                      ).status_code == 404
