"""The admin upload page for police.uk street-level files (the LSOA lookup is the areas' page's)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from sqlalchemy import func, select

from portal.models import CrimeCount

FIXTURES = Path(__file__).parent / "fixtures"
STREET = (FIXTURES / "2010-12-avon-and-somerset-street.csv").read_bytes()
LOOKUP = (FIXTURES / "lookup.csv").read_bytes()


def _upload(client, path, field, name, data):
    return client.post(path, data={field: (BytesIO(data), name)}, content_type="multipart/form-data",
                       follow_redirects=True)


def test_only_admins_reach_the_page(signed_in):
    assert signed_in("analyst").get("/admin/crime/").status_code == 403
    assert signed_in("coordinator", "twerton").get("/admin/crime/").status_code == 403


def test_admin_uploads_lookup_then_files(signed_in, db_session):
    client = signed_in("admin")
    before = client.get("/admin/crime/")
    assert "No lookup is loaded yet: load the neighbourhoods first" in before.text
    assert 'href="/admin/setup/areas"' in before.text
    page = _upload(client, "/admin/setup/areas/neighbourhoods", "lookup", "lookup.csv", LOOKUP)
    assert "Loaded 3 LSOAs in 2 neighbourhoods" in page.text
    assert "Twerton" in client.get("/admin/crime/").text  # the lookup table
    page = _upload(client, "/admin/crime/files", "files", "2010-12-street.csv", STREET)
    assert page.status_code == 200
    assert "Imported 7 rows for 1 month (2010-12)" in page.text
    assert "E01014540" in page.text
    assert db_session.scalar(select(func.sum(CrimeCount.count))) == 5
    assert "Avon and Somerset Constabulary" in page.text  # the months table


def test_a_malformed_upload_lists_the_line_and_imports_nothing(signed_in, db_session):
    client = signed_in("admin")
    _upload(client, "/admin/setup/areas/neighbourhoods", "lookup", "lookup.csv", LOOKUP)
    bad = STREET.replace(b"2010-12,Avon", b"2010-12-01,Avon", 1)
    page = _upload(client, "/admin/crime/files", "files", "bad<b>.csv", bad)
    assert page.status_code == 400
    assert "bad&lt;b&gt;.csv, line 2: month &#39;2010-12-01&#39; is not written YYYY-MM" in page.text
    assert db_session.scalar(select(func.count()).select_from(CrimeCount)) == 0


def test_no_file_chosen(signed_in):
    page = signed_in("admin").post("/admin/crime/files", data={}, content_type="multipart/form-data")
    assert page.status_code == 400
    assert "Choose one or more street-level CSV files" in page.text


HEADER = STREET.splitlines()[0] + b"\n"
LONG_FIELD = HEADER + b'"' + b"x" * 140_000 + b'\n' + STREET.split(b"\n", 1)[1]


def test_a_header_only_or_unclosed_quote_upload_is_refused_not_a_500(signed_in, db_session):
    client = signed_in("admin")
    _upload(client, "/admin/setup/areas/neighbourhoods", "lookup", "lookup.csv", LOOKUP)
    page = _upload(client, "/admin/crime/files", "files", "empty.csv", HEADER)
    assert page.status_code == 400
    assert "empty.csv holds only its header line: there are no crimes in it." in page.text
    page = _upload(client, "/admin/crime/files", "files", "quote.csv", LONG_FIELD)
    assert page.status_code == 400
    assert "quote.csv, line 2: a field is longer than 131,072 characters" in page.text
    assert db_session.scalar(select(func.count()).select_from(CrimeCount)) == 0
