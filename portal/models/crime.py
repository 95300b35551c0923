"""Recorded crime from police.uk: which neighbourhood each LSOA lies in, and monthly counts.

Counts are kept per month, force, LSOA and police.uk crime type (not one row per crime): a year
of a force is ~200,000 street-level rows but far fewer cells, and rates only ever need counts.
Only LSOAs in the lookup are kept; rows outside it are counted on the import record.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.models.area import Neighbourhood
from portal.models.base import Base, UTCDateTime


class LsoaNeighbourhood(Base):
    """A Lower Layer Super Output Area (e.g. `E01014370`) and the neighbourhood it lies in."""

    __tablename__ = "lsoa_neighbourhood"

    lsoa_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id", ondelete="CASCADE"))
    # From the ONS Rural Urban Classification 2021, where it was loaded; None when not known.
    rural: Mapped[bool | None] = mapped_column(default=None)

    neighbourhood: Mapped[Neighbourhood] = relationship()


class CrimeCount(Base):
    """Crimes of one police.uk type recorded in one LSOA in one month, by one force's file."""

    __tablename__ = "crime_count"
    __table_args__ = (
        UniqueConstraint("month", "force", "lsoa_code", "crime_type"),
        CheckConstraint("count > 0", name="count_positive"),
        Index("ix_crime_count_month_type", "month", "crime_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, as police.uk writes it
    force: Mapped[str] = mapped_column(String(120))  # the file's "Falls within"
    lsoa_code: Mapped[str] = mapped_column(String(12))
    crime_type: Mapped[str] = mapped_column(String(80))
    count: Mapped[int]


class CrimeImport(Base):
    """One month of one force as last imported: what the file held and what was kept."""

    __tablename__ = "crime_import"
    __table_args__ = (UniqueConstraint("month", "force"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    force: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str] = mapped_column(String(255))
    rows: Mapped[int]
    kept: Mapped[int]  # rows in an LSOA of the lookup
    outside_lookup: Mapped[int]  # rows in an LSOA the lookup does not list
    no_location: Mapped[int]  # rows police.uk published without an LSOA
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
