"""E-mail alerts: a resident following a neighbourhood. Personal data (an e-mail address): kept
only while subscribed, deleted on unsubscribing and, if never confirmed, after 7 days."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.models.area import Neighbourhood
from portal.models.base import Base, UTCDateTime
from portal.models.statuses import AlertFrequency, StoredEnum


class AlertSubscription(Base):
    __tablename__ = "alert_subscription"
    __table_args__ = (
        UniqueConstraint("email", "neighbourhood_id"),
        CheckConstraint("frequency IN ('weekly', 'immediate')", name="frequency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id", ondelete="CASCADE"),
                                                  index=True)
    frequency: Mapped[AlertFrequency] = mapped_column(StoredEnum(AlertFrequency, 10),
                                                      default=AlertFrequency.WEEKLY)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The end of the period the last digest covered: activity after it goes in the next one.
    digested_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language of the page the alerts were asked for on ("cy"), so the digests the command line
    # sends later are written in it; None: English (subscriptions made before it was kept).
    language: Mapped[str | None] = mapped_column(String(12))

    neighbourhood: Mapped[Neighbourhood] = relationship()
