"""Feedback reports: each generation run (one PDF or a whole wave's set) and the files it kept.

A run records who asked for it, when, and from which data (wave, number of responses, sha256
fingerprint of the responses and weighting population), and its progress while a background
batch builds. Each kept PDF has its sha256 checksum, so a download can be checked against the
record. The bytes are in the database too (`ReportFileContent`, a table of their own so listing a
run's files never loads them): every app server serves every file, and no server's disk matters.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.models.base import Base, UTCDateTime
from portal.models.staff import StaffUser
from portal.models.statuses import ReportRunStatus, StoredEnum
from portal.models.survey import Wave

REPORT_RUN_KINDS = ("neighbourhood", "batch")
STALE_AFTER = timedelta(minutes=10)


class ReportRun(Base):
    __tablename__ = "report_run"
    __table_args__ = (
        CheckConstraint("kind IN ('neighbourhood', 'batch')", name="kind"),
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[ReportRunStatus] = mapped_column(StoredEnum(ReportRunStatus, 20),
                                                   default=ReportRunStatus.QUEUED, index=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"))
    wave_slug: Mapped[str] = mapped_column(String(40))
    neighbourhood_slug: Mapped[str | None] = mapped_column(String(60))
    total: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(String(300), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    response_count: Mapped[int | None]
    data_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Touched on every progress step: a run not touched for a while was interrupted (restart).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    wave: Mapped[Wave] = relationship()
    created_by: Mapped[StaffUser | None] = relationship()
    files: Mapped[list[ReportFile]] = relationship(
        back_populates="run", order_by="ReportFile.id", cascade="all, delete-orphan"
    )

    @property
    def percent(self) -> int:
        return int(100 * self.completed / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (ReportRunStatus.DONE, ReportRunStatus.FAILED)

    def interrupted(self, now: datetime, after: timedelta = STALE_AFTER) -> bool:
        """Queued or running but silent for ``after``: its process stopped (e.g. a restart)."""
        return not self.finished and now - self.updated_at > after


class ReportFile(Base):
    __tablename__ = "report_file"
    # One file per report of a run: a retried batch job skips what is kept and cannot add it twice.
    __table_args__ = (UniqueConstraint("run_id", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("report_run.id", ondelete="CASCADE"), index=True)
    neighbourhood_slug: Mapped[str | None] = mapped_column(String(60))  # None: authority summary
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    checksum: Mapped[str] = mapped_column(String(64))  # sha256 hex of the PDF
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    run: Mapped[ReportRun] = relationship(back_populates="files")
    content: Mapped[ReportFileContent] = relationship(cascade="all, delete-orphan",
                                                      passive_deletes=True, lazy="raise")


class ReportFileContent(Base):
    """The PDF's bytes (about 90 KB), written in the same transaction as its `ReportFile` row."""

    __tablename__ = "report_file_content"

    file_id: Mapped[int] = mapped_column(ForeignKey("report_file.id", ondelete="CASCADE"),
                                         primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
