"""The accessibility statement's editable part (the Public Sector Bodies Accessibility Regulations
2018): the compliance status, what is not accessible and why, and the dates it was prepared and
last reviewed. One row, written by admins at /admin/accessibility; the rest of the statement is
generated (`portal.accessibility.statement`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import utcnow
from portal.models.base import Base, UTCDateTime
from portal.models.statuses import ComplianceStatus, StoredEnum, one_of


class AccessibilityStatement(Base):
    """One row (id 1). `items` is a list of {"what": ..., "why": ...}: each thing that is not
    accessible and the reason (with when it will be fixed, if known)."""

    __tablename__ = "accessibility_statement"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"), one_of("status", ComplianceStatus))

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    status: Mapped[ComplianceStatus] = mapped_column(StoredEnum(ComplianceStatus, 20))
    items: Mapped[list] = mapped_column(JSON, default=list)
    prepared_on: Mapped[date] = mapped_column(Date)
    reviewed_on: Mapped[date] = mapped_column(Date)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
