"""Definitions an admin edits in the portal (YAML text), overriding the copy shipped in the code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import utcnow
from portal.models.base import Base, UTCDateTime


class EditedDefinition(Base):
    """The current text of one editable definition, e.g. `concerns-and-priorities`."""

    __tablename__ = "edited_definition"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
