"""Staff accounts. Residents never have one; staff have exactly one role."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.models.area import Agency, Neighbourhood
from portal.models.base import Base, UTCDateTime
from portal.models.statuses import Role, StoredEnum, one_of

ROLES = Role.values()

coordinator_neighbourhood = Table(
    "coordinator_neighbourhood",
    Base.metadata,
    Column("staff_user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("neighbourhood_id", ForeignKey("neighbourhood.id", ondelete="CASCADE"), primary_key=True),
)


class StaffUser(UserMixin, Base):
    __tablename__ = "staff_user"
    __table_args__ = (one_of("role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(StoredEnum(Role, 20))
    active: Mapped[bool] = mapped_column(default=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every staff session's identity: raising it (sign-out, a new password, disabling the
    # account) ends all the user's sessions at once, on every server, since each request checks it.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    agency: Mapped[Agency | None] = relationship()
    neighbourhoods: Mapped[list[Neighbourhood]] = relationship(
        secondary=coordinator_neighbourhood, order_by="Neighbourhood.name"
    )

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """The session's user id for flask-login: "id:version", so an old version no longer loads."""
        return f"{self.id}:{self.session_version}"

    @property
    def sees_all_neighbourhoods(self) -> bool:
        """Admins and analysts work across the authority; coordinators only where they cover."""
        return self.role in (Role.ADMIN, Role.ANALYST)

    def covers(self, neighbourhood_id: int) -> bool:
        return self.sees_all_neighbourhoods or any(
            n.id == neighbourhood_id for n in self.neighbourhoods
        )

    def __repr__(self) -> str:
        return f"<StaffUser {self.email} {self.role}>"
