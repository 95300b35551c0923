"""Benchmark: neighbourhood feedback reports (PDF) for the demo's neighbourhoods.

    python bench/bench_reports.py [--database-url URL] [--repeat N] [--workers N]

What it does:

1. A database with the demo loaded (SQLite in a temporary directory, seeded with
   ``demo.seed_demo``, unless ``--database-url`` names one that already holds the demo).
2. Times the analysis of the latest wave with responses, done once per wave (load the waves,
   rake each, estimate every indicator by neighbourhood, breakdowns, gap, comparisons).
3. Times one neighbourhood report (model + charts + WeasyPrint PDF/UA) in this process, ``--repeat``
   times, and the whole set (every neighbourhood plus the authority summary) through the same
   ``render_all`` the CLI and the background job use, with ``--workers`` processes.
4. In the same run, times WeasyPrint rendering a one-page plain document (the floor).

It prints the median seconds per report for each, the machine's CPU count and load, and the CPU
seconds per report (a fairer figure when other work shares the machine).
Target (issue 6): under 1.5 s per report on a 2-core machine, the whole set using both cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _demo_app(database_url: str | None, tmp: Path):
    from portal import create_app
    from portal.core.extensions import db
    from portal.models import Base

    url = database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"})
    if database_url is None:
        from demo import seed_demo
        from portal.core.clock import utcnow

        with app.app_context():
            Base.metadata.create_all(db.engine)
            with db.transaction() as session:
                seed_demo(session, app.config, utcnow())
    return app


def _median(values):
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from portal.core.extensions import db
    from portal.reports.building import prepare_reports, render_all
    from portal.reports.data import load_analysis
    from portal.reports.render import render_pdf, render_plain_page

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        started = time.perf_counter()
        app = _demo_app(args.database_url, tmp)
        print(f"demo database ready in {time.perf_counter() - started:.1f} s")
        now = datetime.now(UTC)
        with app.app_context(), db.transaction() as session:
            t = time.perf_counter()
            analysis = load_analysis(session, None)
            analysis_s = time.perf_counter() - t
            prepared = prepare_reports(session, None, None, now=now, authority=True,
                                       analysis=analysis)
        reports = prepared.reports
        one = next(r for r in reports if r.kind == "neighbourhood")

        render_plain_page()  # warm fonts and imports for both measurements
        render_pdf(one)
        floor, floor_cpu, single, single_cpu = [], [], [], []
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            render_plain_page()
            floor.append(time.perf_counter() - t)
            floor_cpu.append(time.process_time() - c)
            t, c = time.perf_counter(), time.process_time()
            render_pdf(one)
            single.append(time.perf_counter() - t)
            single_cpu.append(time.process_time() - c)

        per_report = []
        for i in range(args.repeat):
            t = time.perf_counter()
            render_all(reports, tmp / f"set-{i}", workers=args.workers)
            per_report.append((time.perf_counter() - t) / len(reports))
        try:  # pypdf is a test dependency; the page count is only informative
            from pypdf import PdfReader
        except ImportError:
            pages = None
        else:
            pages = len(PdfReader(tmp / "set-0" / f"{one.wave}-{one.slug}.pdf").pages)

    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f} (other work on the machine slows every figure below)")
    print(f"wave {analysis.wave.slug}: {analysis.n:,} responses, {len(reports)} reports "
          f"({len(reports) - 1} neighbourhoods + authority summary)"
          + (f", {pages} pages each" if pages else ""))
    print(f"analysis of the wave (once per wave)          {analysis_s:6.2f} s")
    print(f"floor: plain one-page PDF (median)            {_median(floor):6.2f} s   "
          f"cpu {_median(floor_cpu):.2f} s")
    print(f"one neighbourhood report, 1 process (median)  {_median(single):6.2f} s   "
          f"cpu {_median(single_cpu):.2f} s")
    print(f"whole set, {args.workers} workers, per report (median)   {_median(per_report):6.2f} s   "
          f"(set of {len(reports)}: {_median(per_report) * len(reports):.1f} s)")
    target = 1.5
    verdict = "meets" if _median(per_report) < target else "misses"
    print(f"target: under {target} s per report with both cores -> {verdict}")


if __name__ == "__main__":
    main()
