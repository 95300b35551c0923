"""Scorecard actuals entered by an admin (indicators whose figures come from partners' systems)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import utcnow
from portal.models.base import Base, UTCDateTime


class ScorecardActual(Base):
    """One indicator's actual for one financial year, in the indicator's unit."""

    __tablename__ = "scorecard_actual"
    __table_args__ = (UniqueConstraint("indicator", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator: Mapped[str] = mapped_column(String(60))
    year: Mapped[int]  # the financial year's first calendar year (2009 for 2009/10)
    value: Mapped[float]
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
