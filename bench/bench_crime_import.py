"""Benchmark: importing a year of police.uk street-level files (~200,000 rows).

    python bench/bench_crime_import.py [--rows 200000] [--database-url URL]

What it does:

1. Generates a synthetic year of one force in the published layout (12 monthly files, ~1,100
   LSOAs, of which the lookup lists 115: a partnership's share of a force), with
   ``demo.crime``. Generation is not timed.
2. Times reading and counting the files (``read_street_file``) and writing the counts
   (``import_street_files``, one transaction) into a fresh database: SQLite in a temporary
   directory, or ``--database-url`` (its tables are created if missing and emptied first).
3. In the same run, times a bare ``csv.reader`` pass over the same bytes: the floor any CSV import
   in Python pays.

It prints seconds for each step and rows per second. Target (issue 15): a year of a force imports
in seconds.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MONTHS = [f"2010-{m:02d}" for m in range(4, 13)] + [f"2011-{m:02d}" for m in range(1, 4)]


def _files(rows: int, seed: int = 15) -> tuple[list[tuple[str, bytes]], list[str]]:
    from demo.crime import TYPICAL_RATES, Lsoa, by_month, draw_counts, street_file

    rng = np.random.default_rng(seed)
    per_lsoa_year = sum(TYPICAL_RATES.values()) * 1.5  # residents 1,500 per LSOA
    n_lsoas = max(1, round(rows / per_lsoa_year))
    lsoas = {f"E0101{4000 + i:04d}": Lsoa(f"E0101{4000 + i:04d}", f"Somewhere {i:03d}A",
                                          -2.5 + i * 1e-4, 51.4, 1500) for i in range(n_lsoas)}
    monthly = by_month(draw_counts(list(lsoas.values()), MONTHS, TYPICAL_RATES, rng))
    files = [(f"{m}-avon-and-somerset-street.csv", street_file(m, monthly[m], lsoas, rng))
             for m in MONTHS]
    return files, sorted(lsoas)[:115]


def _app(database_url: str | None, tmp: Path):
    from portal import create_app
    from portal.models import Base, Neighbourhood

    url = database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"})
    with app.app_context():
        engine = app.extensions["database"].kw["bind"]
        Base.metadata.create_all(engine)
        with engine.begin() as conn:
            for table in ("crime_count", "crime_import", "lsoa_neighbourhood"):
                conn.execute(Base.metadata.tables[table].delete())
            if not conn.execute(Neighbourhood.__table__.select().limit(1)).first():
                conn.execute(Neighbourhood.__table__.insert(), [
                    {"slug": "bench", "name": "Bench", "area_class": "urban", "description": ""}])
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    from portal.areas.importing import import_neighbourhoods
    from portal.core.extensions import db
    from portal.crime.importing import import_street_files, read_street_file
    from portal.models import Neighbourhood

    files, lookup = _files(args.rows)
    total_bytes = sum(len(data) for _, data in files)
    started = time.perf_counter()
    rows = sum(1 for _, data in files for _ in csv.reader(io.StringIO(data.decode()))) - len(files)
    floor = time.perf_counter() - started
    print(f"{rows:,} rows in {len(files)} files ({total_bytes / 1e6:.1f} MB)")
    print(f"bare csv.reader pass (floor):   {floor:6.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(args.database_url, Path(tmp))
        with app.app_context(), db.transaction() as session:
            place = session.query(Neighbourhood).first()
            import_neighbourhoods(session, dict.fromkeys(lookup, place.slug))
        with app.app_context():
            started = time.perf_counter()
            parsed = [read_street_file(data, name) for name, data in files]
            read = time.perf_counter() - started
            with db.transaction() as session:
                outcome = import_street_files(session, parsed)
            total = time.perf_counter() - started
            kind = db.engine.dialect.name
    print(f"read and count (12 files):      {read:6.2f} s ({rows / read:,.0f} rows/s)")
    print(f"whole import into {kind:<10}   {total:6.2f} s ({rows / total:,.0f} rows/s); "
          f"{outcome.kept:,} crimes kept, {outcome.outside_lookup:,} outside the lookup")


if __name__ == "__main__":
    main()
