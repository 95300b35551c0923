"""Written complaints and enquiries under the Service Charter (appendix 5 of the plan): the
partnership acknowledges each within 5 working days and answers in full within 15, or records an
extension with its reason and a new date. Personal data (the resident's name and e-mail address) is
kept on the record itself, which only staff pages read.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.models.area import Neighbourhood
from portal.models.base import Base, UTCDateTime
from portal.models.statuses import CharterKind, CharterStatus, StoredEnum, one_of


class CharterCase(Base):
    __tablename__ = "charter_case"
    __table_args__ = (Index("ix_charter_case_status_received", "status", "received_at"),
                      one_of("kind", CharterKind), one_of("status", CharterStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[CharterKind] = mapped_column(StoredEnum(CharterKind, 20))
    status: Mapped[CharterStatus] = mapped_column(StoredEnum(CharterStatus, 20),
                                                  default=CharterStatus.RECEIVED)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhood.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response: Mapped[str] = mapped_column(Text, default="")
    # An extension replaces the 15-working-day date for the full response; recorded with its reason.
    extended_to: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    # The language of the page it was written on ("cy"), so staff actions write back in it; None when
    # not known (recorded before it was kept): English.
    language: Mapped[str | None] = mapped_column(String(12))

    neighbourhood: Mapped[Neighbourhood | None] = relationship()
