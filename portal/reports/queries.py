"""Named reads of report runs and their files, and of the saved small-area model choices, for the
analyst pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import ModelChoice, ReportFile, ReportRun, Wave


def recent_runs(session: Session, limit: int) -> list[ReportRun]:
    """The latest `limit` report runs, newest first."""
    return list(session.scalars(select(ReportRun).order_by(ReportRun.id.desc()).limit(limit)))


def run_file(session: Session, run_id: int, filename: str) -> ReportFile | None:
    """The file of a run with this name, or None."""
    return session.scalar(select(ReportFile).where(ReportFile.run_id == run_id,
                                                   ReportFile.filename == filename))


def model_choices(session: Session, wave_slug: str) -> list[ModelChoice]:
    """Every saved covariate choice of the wave, by indicator id."""
    return list(session.scalars(select(ModelChoice).join(Wave, ModelChoice.wave_id == Wave.id)
                                .where(Wave.slug == wave_slug).order_by(ModelChoice.indicator)))


def model_choice(session: Session, wave_id: int, indicator: str) -> ModelChoice | None:
    """The saved covariate choice of one indicator in one wave, or None."""
    return session.scalar(select(ModelChoice).where(ModelChoice.wave_id == wave_id,
                                                    ModelChoice.indicator == indicator))
