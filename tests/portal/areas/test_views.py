"""The admin uploads of the ONS files: the same readers and imports as the commands, all or
nothing, each problem listed with its line."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.core.jobs import wait_for_jobs
from portal.models import LsoaNeighbourhood, Neighbourhood, PopulationEstimate, Postcode
from tests.portal.areas.test_files import BEST_FIT, NSPL_HEADER, _mye, _nspl_row, _ts021
from tests.portal.areas.test_importing import RUC


def _upload(client, path: str, **files: tuple[str, str]):
    data = {field: (BytesIO(text.encode("utf-8-sig")), name) for field, (name, text) in files.items()}
    return client.post(path, data=data, content_type="multipart/form-data", follow_redirects=True)


def _postcodes(app, client, name: str, text: str):
    """Upload a postcode file, let its background job finish, and give its page."""
    page = _upload(client, "/admin/setup/areas/postcodes", postcodes=(name, text))
    assert page.status_code == 200 and "Postcodes from" in page.text
    wait_for_jobs(app)
    return client.get(page.request.path)


def test_an_admin_loads_the_areas_from_ons_files(app, signed_in, db_session):
    admin = signed_in("admin")
    assert admin.get("/admin/setup/areas").status_code == 200
    page = _upload(admin, "/admin/setup/areas/neighbourhoods", lookup=("lookup.csv", BEST_FIT),
                   rural_urban=("ruc.csv", RUC))
    assert page.status_code == 200 and "Loaded 3 LSOAs in" in page.text
    assert "new: Abbey &amp; St. Mary&#39;s, Vale Villages." in page.text
    assert db_session.scalar(select(Neighbourhood.area_class)
                             .where(Neighbourhood.slug == "vale-villages")) == "rural"
    nspl = NSPL_HEADER + _nspl_row("SN8 1AA", "E01014370") + _nspl_row("SN8 1AB", "E01014372")
    page = _postcodes(app, admin, "bad<2>.csv", "pcds\nSN8 1AA\n")
    assert "The postcodes were not loaded" in page.text and "no column doterm" in page.text
    assert "bad&lt;2&gt;.csv" in page.text and "Refresh" not in page.headers
    assert db_session.scalar(select(func.count()).select_from(Postcode)) == 0
    page = _postcodes(app, admin, "nspl.csv", nspl)
    assert "Loaded 2 live postcodes" in page.text and "Refresh" not in page.headers
    assert list(Path(app.config["UPLOADS_DIR"]).iterdir()) == []  # the upload is not kept
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


def test_a_bad_upload_lists_its_lines_and_writes_nothing(app, signed_in, db_session):
    admin = signed_in("admin")
    before = db_session.scalar(select(func.count()).select_from(LsoaNeighbourhood))
    bad = "LSOA21CD,neighbourhood\nE01014370,Abbey\nE0101437X,Vale\n"
    page = _upload(admin, "/admin/setup/areas/neighbourhoods", lookup=("bad<1>.csv", bad))
    assert page.status_code == 400
    assert "Nothing was imported: fix the problems below" in page.text
    assert "bad&lt;1&gt;.csv, line 3: &#39;E0101437X&#39; is not an LSOA code" in page.text
    assert db_session.scalar(select(func.count()).select_from(LsoaNeighbourhood)) == before
    page = _upload(admin, "/admin/setup/areas/postcodes", postcodes=("nspl.csv", "pcds\nSN8 1AA\n"))
    assert page.status_code == 400 and "No neighbourhoods are set up yet" in page.text
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


def test_the_postcode_page_follows_the_job_and_says_when_it_stopped(app, signed_in, db_session):
    """While the job reads, the page refreshes itself and shows a progress bar; a job whose
    process died is named as stopped, not left spinning."""
    from datetime import timedelta

    from portal.core.clock import utcnow
    from portal.models import FileImportStatus, PostcodeImport

    admin = signed_in("admin")
    run = PostcodeImport(filename="NSPL_FEB_2025_UK.csv", path="/nowhere", bytes_total=1000,
                         bytes_read=250, rows_read=700_000, status=FileImportStatus.RUNNING)
    db_session.add(run)
    db_session.commit()
    page = admin.get(f"/admin/setup/areas/postcodes/{run.id}")
    assert page.headers["Refresh"] == "2"
    assert "Reading the file: 700,000 rows so far (25%)" in page.text
    assert '<progress id="progress" max="100" value="25">' in page.text
    run.updated_at = utcnow() - timedelta(minutes=11)
    db_session.commit()
    db_session.execute(PostcodeImport.__table__.update().values(updated_at=utcnow() - timedelta(minutes=11)))
    db_session.commit()
    page = admin.get(f"/admin/setup/areas/postcodes/{run.id}")
    assert "This import stopped" in page.text and "Refresh" not in page.headers
    assert admin.get("/admin/setup/areas/postcodes/999").status_code == 404


def test_postcodes_need_the_neighbourhoods_first_on_the_page_too(signed_in):
    admin = signed_in("admin")
    page = _upload(admin, "/admin/setup/areas/postcodes", postcodes=("nspl.csv", NSPL_HEADER))
    assert page.status_code == 400 and "No neighbourhoods are set up yet" in page.text


@pytest.mark.redis
def test_with_redis_the_postcode_file_waits_for_a_worker(queue_app, signed_in, db_session):
    from portal.core import jobs
    from portal.models import FileImportStatus, PostcodeImport

    admin = signed_in("admin")
    _upload(admin, "/admin/setup/areas/neighbourhoods", lookup=("lookup.csv", BEST_FIT))
    nspl = NSPL_HEADER + _nspl_row("SN8 1AA", "E01014370") + _nspl_row("SN8 1AB", "E01014372")
    page = _upload(admin, "/admin/setup/areas/postcodes", postcodes=("nspl.csv", nspl))
    assert "Queued: 0 rows so far (0%)" in page.text and page.headers["Refresh"] == "2"
    with queue_app.app_context():
        assert jobs.rq_queue().count == 1
    assert jobs.run_worker(queue_app, burst=True)
    run = db_session.scalars(select(PostcodeImport)).one()
    assert run.status == FileImportStatus.DONE and "Loaded 2 live postcodes" in run.message
    assert db_session.scalar(select(func.count()).select_from(Postcode)) == 2


def test_a_queue_that_does_not_answer_fails_the_import_with_a_sentence(app, signed_in, db_session):
    from portal.models import FileImportStatus, PostcodeImport
    from tests.portal.conftest import free_port

    admin = signed_in("admin")
    _upload(admin, "/admin/setup/areas/neighbourhoods", lookup=("lookup.csv", BEST_FIT))
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    page = _upload(admin, "/admin/setup/areas/postcodes", postcodes=("nspl.csv", NSPL_HEADER))
    assert "the job queue is not answering" in page.text
    assert db_session.scalars(select(PostcodeImport)).one().status == FileImportStatus.FAILED
    assert list(Path(app.config["UPLOADS_DIR"]).iterdir()) == []


def _covariate(client, name: str, text: str, kind: str = "iod", **fields):
    data = {"covariate": (BytesIO(text.encode("utf-8-sig")), name), "kind": kind,
            "source": "MHCLG <IoD2025> File 7", "source_date": "2025-10-30", **fields}
    return client.post("/admin/setup/areas/covariates", data=data, content_type="multipart/form-data",
                       follow_redirects=True)


def test_an_admin_loads_lists_and_removes_an_area_covariate(signed_in, db_session):
    from portal.areas.queries import covariate_values
    from portal.models import AuditEvent, Covariate
    from tests.portal.areas.test_covariate_files import ROWS, iod
    from tests.portal.areas.test_covariates import PEOPLE, mye

    admin = signed_in("admin")
    assert 'href="/admin/setup/areas/covariates"' in admin.get("/admin/setup/areas").text
    page = admin.get("/admin/setup/areas/covariates")
    assert page.status_code == 200 and "No area covariate is loaded yet." in page.text
    _upload(admin, "/admin/setup/areas/neighbourhoods", lookup=("lookup.csv", BEST_FIT))
    page = _covariate(admin, "f7.csv", iod(2025, ROWS))
    assert page.status_code == 400 and "import the population first" in page.text
    _upload(admin, "/admin/setup/areas/population", population=("mye.csv", mye(PEOPLE)))
    page = _covariate(admin, "bad<1>.csv", "LSOA code (2021),Index of Multiple Deprivation (IMD) Score\n"
                      "E01014370,high\nE01014370,2\n")
    assert page.status_code == 400 and page.text.count("<title>Error: ") == 1
    assert "Nothing was loaded: fix the problems below" in page.text
    assert ("bad&lt;1&gt;.csv, line 2: Index of Multiple Deprivation (IMD) Score: &#39;high&#39; "
            "is not a number.") in page.text
    assert "line 3: E01014370 is listed twice (also on line 2)." in page.text
    assert db_session.scalar(select(func.count()).select_from(Covariate)) == 0
    page = _covariate(admin, "f7.csv", iod(2025, ROWS), source_date="2025-13-01")
    assert page.status_code == 400 and "Enter the figures&#39; date, like 2025-10-30" in page.text
    page = _covariate(admin, "f7.csv", iod(2025, ROWS))
    assert page.status_code == 200 and "Loaded imd_score for 3 LSOAs" in page.text
    assert "MHCLG &lt;IoD2025&gt; File 7 (f7.csv)" in page.text and "<IoD2025>" not in page.text
    assert covariate_values(db_session)["imd_score"] == {"abbey-and-st-marys": pytest.approx(25.0),
                                                         "vale-villages": pytest.approx(5.0)}
    page = _covariate(admin, "t.csv", "neighbourhood,Footfall\nAbbey & St. Mary's,3\nAtlantis,4\n",
                      kind="table")
    assert page.status_code == 400 and "There is no neighbourhood &#39;Atlantis&#39;." in page.text
    page = admin.post("/admin/setup/areas/covariates/imd_score/remove", follow_redirects=True)
    assert "Removed the covariate imd_score." in page.text and "No area covariate is loaded" in page.text
    page = admin.post("/admin/setup/areas/covariates/imd_score/remove", follow_redirects=True)
    assert "There is no covariate &#39;imd_score&#39;" in page.text
    who = db_session.scalars(select(AuditEvent.actor_email).where(
        AuditEvent.action.like("areas_covariate_%"))).all()
    assert len(who) == 2 and all(who)


@pytest.mark.parametrize("role", ["analyst", "coordinator"])
def test_only_admins_load_covariates(signed_in, role):
    other = signed_in(role)
    assert other.get("/admin/setup/areas/covariates").status_code == 403
    assert _covariate(other, "f7.csv", "x").status_code == 403
