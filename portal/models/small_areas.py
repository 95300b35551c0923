"""The analyst's choice of covariates for one indicator's small-area model in one wave."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.models.base import Base, UTCDateTime
from portal.models.staff import StaffUser


class ModelChoice(Base):
    """Which of the portal's neighbourhood covariates the Fay-Herriot model of ``indicator``
    uses in the wave (a list of covariate column names; empty: intercept only). A wave and
    indicator without one use every covariate available (`portal.reports.small_areas`)."""

    __tablename__ = "model_choice"
    __table_args__ = (UniqueConstraint("wave_id", "indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    indicator: Mapped[str] = mapped_column(String(60))
    covariates: Mapped[list] = mapped_column(JSON, default=list)
    chosen_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    chosen_by: Mapped[StaffUser | None] = relationship()
