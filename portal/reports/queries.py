"""Named reads of report runs and their files, for the analyst pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import ReportFile, ReportRun


def recent_runs(session: Session, limit: int) -> list[ReportRun]:
    """The latest `limit` report runs, newest first."""
    return list(session.scalars(select(ReportRun).order_by(ReportRun.id.desc()).limit(limit)))


def run_file(session: Session, run_id: int, filename: str) -> ReportFile | None:
    """The file of a run with this name, or None."""
    return session.scalar(select(ReportFile).where(ReportFile.run_id == run_id,
                                                   ReportFile.filename == filename))
