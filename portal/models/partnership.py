"""The partnership running this install: the one name every page, e-mail, PDF, feed, calendar
and API answer carries, so nothing in the code names a partnership."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import utcnow
from portal.models.base import Base, UTCDateTime


class Partnership(Base):
    """One row (id 1), written by `portal.areas.profile.save_profile`."""

    __tablename__ = "partnership"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    name: Mapped[str] = mapped_column(String(160))  # Kennet Vale Community Safety Partnership
    short_name: Mapped[str] = mapped_column(String(60))  # Kennet Vale CSP
    area_name: Mapped[str] = mapped_column(String(120))  # the authority or authorities covered
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    privacy_contact: Mapped[str] = mapped_column(String(254), default="")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    logo_type: Mapped[str | None] = mapped_column(String(20), default=None)
    # Set by `flask --app portal demo`: every page then says its figures are synthetic.
    demo: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
