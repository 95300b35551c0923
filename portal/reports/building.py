"""Building report PDFs: the models out of one wave analysis, rendered on both cores.

`prepare_reports` runs the engine once for the wave (`load_analysis`) and reads every requested
report out of it; `render_all` renders them in a pool of worker processes (two by default: the
machine's cores), calling back as each file is rendered so the CLI's progress bar can move and the
background job can keep the file in the database with its progress. Workers come from a fork
server that has already imported WeasyPrint and the templates, so they start quickly and never
inherit the app's threads or database connections.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from analysis.report import (
    AuthorityReport,
    NeighbourhoodReport,
    WaveAnalysis,
    authority_report,
    neighbourhood_report,
)
from portal.areas.profile import profile
from portal.reports.data import (
    find_neighbourhood,
    load_analysis,
    pact_section,
    satisfaction_section,
)
from portal.reports.render import pdf_file, write_file

DEFAULT_WORKERS = 2


@dataclass(frozen=True)
class BuiltFile:
    slug: str | None  # None: the authority summary
    title: str
    filename: str
    checksum: str  # sha256 hex of data
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Prepared:
    analysis: WaveAnalysis
    reports: list[NeighbourhoodReport]


def prepare_reports(session: Session, wave: str | None, slugs: list[str] | None, *,
                    now: datetime, authority: bool = False,
                    analysis: WaveAnalysis | None = None) -> Prepared:
    """The report models for ``slugs`` (None: every neighbourhood) and the authority summary."""
    analysis = analysis or load_analysis(session, wave)
    places = [find_neighbourhood(session, s) for s in slugs] if slugs is not None else None
    if places is None:
        from sqlalchemy import select

        from portal.models import Neighbourhood
        places = list(session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)))
    reports: list[NeighbourhoodReport] = []
    from portal.analyst.pages import national_rows
    from portal.comparators.table import current_comparators
    from portal.comparators.wordings import wave_wordings
    from portal.crime.fear import fear_risk_section
    from portal.pact.concerns import concern_rows
    from portal.reports.data import pact_period
    from portal.scorecard.actuals import build_rows
    from portal.scorecard.targets import current_targets
    targets = current_targets(session)
    if authority:
        summary = authority_report(analysis, name=profile(session).area_name, generated_at=now,
                                   pact=pact_section(session, None, analysis.wave, now),
                                   targets=targets)
        reports.append(summary)
        summary.fear_risk = fear_risk_section(session, analysis, None)
        summary.satisfaction = satisfaction_section(session, None, analysis.wave, now)
        summary.scorecard = build_rows(session, targets, analysis)
        summary.national = national_rows(analysis, current_comparators(session),
                                         wave_wordings(session, analysis.wave.slug))
    from portal.reports.small_areas import ni21_model
    model = ni21_model(session, analysis)
    for place in places:
        reports.append(neighbourhood_report(analysis, place.slug, generated_at=now,
                                            pact=pact_section(session, place, analysis.wave, now),
                                            targets=targets))
        reports[-1].fear_risk = fear_risk_section(session, analysis, place.slug)
        reports[-1].satisfaction = satisfaction_section(session, place, analysis.wave, now)
        reports[-1].model_based = model.figures.get(place.slug) if model else None
        reports[-1].concerns = concern_rows(session, analysis, place,
                                            as_of=pact_period(analysis.wave.opens_on,
                                                              analysis.wave.closes_on, now).end)
    partnership = profile(session)
    for report in reports:
        report.partnership, report.demo = partnership.name, partnership.demo
    return Prepared(analysis, reports)


def _context():
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["portal.reports.worker"])
    return ctx


def _built(report: NeighbourhoodReport, result: tuple[str, bytes]) -> BuiltFile:
    filename, data = result
    slug = None if isinstance(report, AuthorityReport) else report.slug
    return BuiltFile(slug, report.title, filename, hashlib.sha256(data).hexdigest(), data)


def render_all(reports: list[NeighbourhoodReport], directory: str | os.PathLike | None = None, *,
               workers: int = DEFAULT_WORKERS,
               progress: Callable[[BuiltFile], None] | None = None) -> list[BuiltFile]:
    """Render every report, ``workers`` at a time, also writing each into ``directory`` (created
    if needed) when one is given."""
    out = Path(directory) if directory is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    built: list[BuiltFile] = []

    def done(item: BuiltFile) -> None:
        if out is not None:
            write_file(out / item.filename, item.data)
        built.append(item)
        if progress is not None:
            progress(item)

    if workers <= 1 or len(reports) <= 1:
        for report in reports:
            done(_built(report, pdf_file(report)))
        return built
    with ProcessPoolExecutor(max_workers=min(workers, len(reports)),
                             mp_context=_context()) as pool:
        pending = {pool.submit(pdf_file, report): report for report in reports}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                report = pending.pop(future)
                done(_built(report, future.result()))
    return built
