"""Places and partners: neighbourhoods with their weighting population, postcodes (full, from the
ONS lookup, or by sector in older installs), agencies."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.models.base import Base, UTCDateTime
from portal.models.statuses import FileImportStatus, StoredEnum, one_of

if TYPE_CHECKING:
    from portal.models.staff import StaffUser

AREA_CLASSES = ("urban", "rural")


class Neighbourhood(Base):
    __tablename__ = "neighbourhood"
    __table_args__ = (CheckConstraint("area_class IN ('urban', 'rural')", name="area_class"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    area_class: Mapped[str] = mapped_column(String(10))
    # Set by an admin: the ONS-based class of a re-import does not replace it.
    area_class_fixed: Mapped[bool] = mapped_column(default=False, server_default=false())
    description: Mapped[str] = mapped_column(Text, default="")

    population: Mapped[list[PopulationEstimate]] = relationship(
        back_populates="neighbourhood", cascade="all, delete-orphan"
    )
    postcode_sectors: Mapped[list[PostcodeSector]] = relationship(
        back_populates="neighbourhood", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Neighbourhood {self.slug}>"


class PopulationEstimate(Base):
    """Residents aged 16+ in one category of one weighting variable (age_band, sex, ethnicity)."""

    __tablename__ = "population_estimate"
    __table_args__ = (
        UniqueConstraint("neighbourhood_id", "variable", "category"),
        CheckConstraint("population >= 0", name="population_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id", ondelete="CASCADE"))
    variable: Mapped[str] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(60))
    population: Mapped[int]
    source: Mapped[str] = mapped_column(String(200), default="")

    neighbourhood: Mapped[Neighbourhood] = relationship(back_populates="population")


class PostcodeSector(Base):
    """A postcode sector (e.g. `BA2 1`) lying in a neighbourhood, to find it from a postcode."""

    __tablename__ = "postcode_sector"

    sector: Mapped[str] = mapped_column(String(8), primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id", ondelete="CASCADE"))

    neighbourhood: Mapped[Neighbourhood] = relationship(back_populates="postcode_sectors")


class Postcode(Base):
    """A live postcode of the partnership's area (from the National Statistics Postcode Lookup)
    and the LSOA it lies in; its neighbourhood is the LSOA's, so areas have one definition."""

    __tablename__ = "postcode"

    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    lsoa_code: Mapped[str] = mapped_column(String(12), index=True)


class PostcodeImport(Base):
    """An upload of the postcode lookup read by a background job, with its progress: the national
    file is a gigabyte, so the page shows how far the reading has got and then what was loaded.
    The uploaded file waits in ``path`` (the UPLOADS_DIR) until the job has read it."""

    __tablename__ = "postcode_import"
    __table_args__ = (one_of("status", FileImportStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[FileImportStatus] = mapped_column(StoredEnum(FileImportStatus, 20),
                                                     default=FileImportStatus.QUEUED)
    filename: Mapped[str] = mapped_column(String(120))
    path: Mapped[str] = mapped_column(String(500))
    bytes_total: Mapped[int] = mapped_column(BigInteger, default=0)
    bytes_read: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_read: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(Text, default="")  # what was loaded, or why not
    problems: Mapped[list] = mapped_column(JSON, default=list)  # each bad line, when refused
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Touched at every progress step: an import not touched for a while was interrupted.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    created_by: Mapped[StaffUser | None] = relationship("StaffUser")

    @property
    def finished(self) -> bool:
        return self.status in (FileImportStatus.DONE, FileImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == FileImportStatus.DONE:
            return 100
        return min(99, int(100 * self.bytes_read / self.bytes_total)) if self.bytes_total else 0


class Agency(Base):
    """A partner that issues and priorities are given to. A retired agency is offered for no new
    work, but keeps its name on the work it had."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    retired_on: Mapped[date | None] = mapped_column(Date, default=None)
