"""The wave analyses of one app, kept between requests: every page and download that shows a wave's
figures (results, API, analyst dashboard, staff home, scorecard, reports) asks `analysis_cache()`,
so a wave is analysed once per change of its data, not once per page.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.report import WaveAnalysis
from portal.models import Neighbourhood, PopulationEstimate, Response, Wave
from portal.reports.data import choose_wave, load_analysis


def data_version(session: Session) -> tuple:
    """A cheap key that changes when responses, waves (their design too), neighbourhoods or
    populations change.

    Responses are only ever added (never edited), so count and highest id per wave name them.
    """
    waves = tuple(session.execute(
        select(Response.wave_id, func.count(), func.max(Response.id)).group_by(Response.wave_id)
        .order_by(Response.wave_id)).all())
    population = tuple(session.execute(
        select(func.count(), func.sum(PopulationEstimate.population), func.max(
            PopulationEstimate.id))).one())
    places_key = tuple(session.execute(
        select(Neighbourhood.slug, Neighbourhood.name, Neighbourhood.area_class)
        .order_by(Neighbourhood.slug)).all())
    wave_key = tuple(session.execute(select(Wave.id, Wave.slug, Wave.opens_on, Wave.design)
                                     .order_by(Wave.id)).all())
    return waves, population, places_key, wave_key


class AnalysisCache:
    """The last few wave analyses of one app, keyed by wave and `data_version` (thread-safe).

    A missing analysis is built by one thread while the others asking for it wait and reuse it:
    without that, a burst of requests on a cold worker builds it once per thread.
    """

    def __init__(self, size: int = 4):
        self.size = size
        self._items: dict[tuple, WaveAnalysis] = {}
        self._building: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, wave_slug: str | None) -> WaveAnalysis:
        wave = choose_wave(session, wave_slug)
        key = (wave.slug, data_version(session))
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                return found
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                found = self._items.get(key)
            if found is not None:
                return found
            analysis = None
            try:
                analysis = load_analysis(session, wave.slug)
            finally:
                with self._lock:  # stored before the lock is dropped, so no thread builds twice
                    if analysis is not None:
                        self._items[key] = analysis
                        while len(self._items) > self.size:
                            self._items.pop(next(iter(self._items)))
                    self._building.pop(key, None)
        return analysis


def analysis_cache(app: Flask | None = None) -> AnalysisCache:
    """The app's cache (one per app, made on first use)."""
    app = app or current_app
    return app.extensions.setdefault("report_analyses", AnalysisCache())
