"""The migrations build, tear down and rebuild the schema on the test database's engine, and they
describe exactly the models (an autogenerate comparison finds nothing)."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from portal.core import migrate
from portal.models import Base


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(empty_database_url):
    migrate.upgrade(empty_database_url)
    assert _tables(empty_database_url) == set(Base.metadata.tables)
    migrate.downgrade(empty_database_url, "base")
    assert _tables(empty_database_url) == set()
    migrate.upgrade(empty_database_url)
    assert _tables(empty_database_url) == set(Base.metadata.tables)


def test_models_and_migrations_do_not_drift(empty_database_url):
    migrate.upgrade(empty_database_url)
    engine = create_engine(empty_database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == [], (
        "The models and the migrations differ; write a migration with "
        "`flask --app portal db revision -m '...'`:\n" + "\n".join(map(str, differences))
    )


def test_kept_pdfs_move_from_the_reports_folder_into_the_database_and_back(empty_database_url,
                                                                           tmp_path, monkeypatch):
    """065b84ca8c90 copies each kept PDF that is on disk and matches its checksum into
    report_file_content and forgets the rows whose file is lost; downgrading writes them back."""
    monkeypatch.setenv("REPORTS_DIR", str(tmp_path))
    pdf = b"%PDF-1.7 a kept report"
    (tmp_path / "run-1").mkdir()
    (tmp_path / "run-1" / "2010-11-twerton.pdf").write_bytes(pdf)
    migrate.upgrade(empty_database_url, "065dd218d66a")
    engine = create_engine(empty_database_url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO questionnaire (id, slug, version, title, checksum, definition, "
                          "created_at) VALUES (1, 'q', 1, 'Q', 'x', '{}', :now)"), {"now": now})
        conn.execute(text("INSERT INTO wave (id, slug, name, questionnaire_id, opens_on, closes_on, "
                          "panel_mode, open_link_mode, created_at) VALUES (1, '2010-11', 'W', 1, "
                          ":day, :day, false, true, :now)"), {"day": date(2010, 4, 1), "now": now})
        conn.execute(text("INSERT INTO report_run (id, kind, status, wave_id, wave_slug, total, "
                          "completed, message, error, data_fingerprint, created_at, updated_at) "
                          "VALUES (1, 'batch', 'done', 1, '2010-11', 2, 2, '', '', '', :now, :now)"),
                     {"now": now})
        for file_id, name, checksum in ((1, "2010-11-twerton.pdf", hashlib.sha256(pdf).hexdigest()),
                                        (2, "2010-11-keynsham.pdf", "0" * 64)):
            conn.execute(text("INSERT INTO report_file (id, run_id, title, filename, path, checksum, "
                              "size, created_at) VALUES (:id, 1, 'T', :name, :path, :checksum, 22, "
                              ":now)"), {"id": file_id, "name": name, "path": f"run-1/{name}",
                                         "checksum": checksum, "now": now})
    migrate.upgrade(empty_database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM report_file")).scalars().all() == [1]
        assert conn.execute(text("SELECT data FROM report_file_content WHERE file_id = 1")).scalar() == pdf
    (tmp_path / "run-1" / "2010-11-twerton.pdf").unlink()
    migrate.downgrade(empty_database_url, "065dd218d66a")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT path FROM report_file")).scalar() == "run-1/2010-11-twerton.pdf"
    engine.dispose()
    assert (tmp_path / "run-1" / "2010-11-twerton.pdf").read_bytes() == pdf


def test_stored_questionnaires_become_documents_and_back(empty_database_url):
    """d7a3e5c1b842 rewrites each stored definition (the loaded questionnaire's fields) as its
    document, which builds the same questionnaire (same checksum); downgrading writes the fields."""
    import dataclasses
    import json

    from surveys.documents import questionnaire_from_document
    from surveys.loading import checksum, load_questionnaire

    loaded = load_questionnaire("crime-and-community-safety", 2)
    fields = dataclasses.asdict(dataclasses.replace(loaded, source=None))
    migrate.upgrade(empty_database_url, "b3f1c8e2a9d4")
    engine = create_engine(empty_database_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO questionnaire (id, slug, version, title, checksum, definition, "
                          "created_at) VALUES (1, 'crime-and-community-safety', 2, 'Q', :c, :d, :now)"),
                     {"c": checksum(loaded), "d": json.dumps(fields), "now": datetime.now(UTC)})
    migrate.upgrade(empty_database_url)

    def stored():
        with engine.connect() as conn:
            value = conn.execute(text("SELECT definition FROM questionnaire")).scalar_one()
        return json.loads(value) if isinstance(value, str) else value

    document = stored()
    assert "source" not in document
    assert checksum(questionnaire_from_document(document, "x")) == checksum(loaded)
    migrate.downgrade(empty_database_url, "b3f1c8e2a9d4")
    assert stored() == json.loads(json.dumps(fields))
    engine.dispose()
