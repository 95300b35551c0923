"""Each response records the language it was given in: online, the page's; on paper or by phone,
the file's language column, else English. Exports carry it and the wave's page counts by it."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import insert, select

from portal.models import Response
from tests.portal.survey.conftest import location, walk
from tests.portal.survey.test_admin_views import csv_file, paper_row


def _languages(db_session) -> list[str]:
    db_session.expire_all()
    return list(db_session.scalars(select(Response.language).order_by(Response.uid)))


def test_an_online_response_records_the_language_it_was_answered_in(app, wave, db_session):
    welsh, english = app.test_client(), app.test_client()
    assert "Dechrau nawr" in welsh.get(f"/survey/{wave.slug}/?lang=cy").get_data(as_text=True)
    for client in (welsh, english):
        assert walk(client, wave).endswith("/check")
        assert location(client.post(f"/survey/{wave.slug}/check")).endswith("/thank-you")
    assert sorted(_languages(db_session)) == ["cy", "en"]
    thanks = welsh.get(f"/survey/{wave.slug}/thank-you").get_data(as_text=True)
    assert '<html lang="cy">' in thanks and "Diolch" in thanks


def _import(admin, wave, rows, *, with_language: bool):
    template = admin.get(f"/admin/waves/{wave.slug}/template.csv").get_data(as_text=True)
    if not with_language:
        template = template.replace(",language,", ",")
    return admin.post(f"/admin/waves/{wave.slug}/import", data={
        "mode": "paper", "file": (io.BytesIO(csv_file(rows, template)), "forms.csv")},
        content_type="multipart/form-data")


def test_paper_forms_are_english_unless_the_file_says_otherwise(signed_in, wave, db_session):
    admin = signed_in("admin")
    assert "language" in admin.get(f"/admin/waves/{wave.slug}/template.csv").get_data(as_text=True)
    location(_import(admin, wave, [paper_row("P001")], with_language=False))
    location(_import(admin, wave, [paper_row("P002", language="cy"), paper_row("P003")], with_language=True))
    assert _languages(db_session) == ["en", "cy", "en"]
    refused = _import(admin, wave, [paper_row("P004", language="Welsh")], with_language=True)
    assert refused.status_code == 400
    message = "Language must be a language code like en or cy, not &#39;Welsh&#39;"
    assert message in refused.get_data(as_text=True)
    # The export carries the column; the wave's page counts by it.
    analyst = signed_in("analyst")
    frame = pd.read_csv(io.BytesIO(analyst.get(f"/admin/waves/{wave.slug}/export.csv").data), dtype=str,
                        keep_default_na=False, encoding="utf-8-sig")
    assert sorted(frame["language"]) == ["cy", "en", "en"]
    page = admin.get(f"/admin/waves/{wave.slug}").get_data(as_text=True)
    table = page[page.index('id="responses-by-language"'):]
    table = table[:table.index("</table>")]
    assert "English (en)" in table and "Welsh (cy)" in table
    assert table.index("English (en)") < table.index("Welsh (cy)")  # most first
    assert '<td class="numeric">2</td>' in table and "66.7%" in table


def test_the_column_defaults_to_english_for_responses_stored_without_one(app, wave, db_session):
    """Rows written without the column (as every response before it was) read back as English:
    the database's own default, as the migration gives it."""
    db_session.execute(insert(Response.__table__).values(uid="old-1", wave_id=wave.id, mode="paper",
                                                        answers={}, submitted_at=datetime.now(UTC)))
    db_session.commit()
    assert _languages(db_session) == ["en"]
