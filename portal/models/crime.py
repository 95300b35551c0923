"""Recorded crime from police.uk: which neighbourhood each LSOA lies in, and monthly counts; and
the other area covariates a partnership loads for the small-area model.

Counts are kept per month, force, LSOA and police.uk crime type (not one row per crime): a year
of a force is ~200,000 street-level rows but far fewer cells, and rates only ever need counts.
Only LSOAs in the lookup are kept; rows outside it are counted on the import record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.models.area import Neighbourhood
from portal.models.base import Base, UTCDateTime
from portal.models.statuses import CovariateLevel, StoredEnum, one_of

if TYPE_CHECKING:
    from portal.models.staff import StaffUser


class LsoaNeighbourhood(Base):
    """A Lower Layer Super Output Area (e.g. `E01014370`) and the neighbourhood it lies in."""

    __tablename__ = "lsoa_neighbourhood"

    lsoa_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id", ondelete="CASCADE"))
    # From the ONS Rural Urban Classification 2021, where it was loaded; None when not known.
    rural: Mapped[bool | None] = mapped_column(default=None)
    # Residents aged 16+ from the mid-year estimates, where loaded: an LSOA covariate's weight.
    adults: Mapped[int | None] = mapped_column(default=None)

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


class Covariate(Base):
    """A number per neighbourhood that a partnership loaded for the small-area model (e.g. the
    Index of Multiple Deprivation score): its name (snake_case, the model's column), label, source
    and date as the admin gave them, and the level its file was at. An LSOA covariate keeps its
    LSOA values too (`CovariateLsoaValue`), so that it is aggregated again when the lookup or the
    populations change."""

    __tablename__ = "covariate"
    __table_args__ = (one_of("level", CovariateLevel),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200))
    source_date: Mapped[date]
    level: Mapped[CovariateLevel] = mapped_column(StoredEnum(CovariateLevel, 20))
    filename: Mapped[str] = mapped_column(String(120))
    areas_matched: Mapped[int]  # LSOAs (or neighbourhoods) of the partnership the file has
    areas_missing: Mapped[int]  # the partnership's LSOAs the file does not have
    areas_ignored: Mapped[int]  # the file's LSOAs outside the partnership
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    values: Mapped[list[CovariateValue]] = relationship(
        back_populates="covariate", cascade="all, delete-orphan", passive_deletes=True)
    lsoa_values: Mapped[list[CovariateLsoaValue]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True)
    loaded_by: Mapped[StaffUser | None] = relationship("StaffUser")


class CovariateValue(Base):
    """A covariate's value for one neighbourhood: for an LSOA covariate, the mean of its LSOAs in
    the file weighted by their residents aged 16+."""

    __tablename__ = "covariate_value"

    covariate_id: Mapped[int] = mapped_column(ForeignKey("covariate.id", ondelete="CASCADE"),
                                              primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id", ondelete="CASCADE"),
                                                  primary_key=True)
    value: Mapped[float] = mapped_column(Float)

    covariate: Mapped[Covariate] = relationship(back_populates="values")


class CovariateLsoaValue(Base):
    """A covariate's value for one of the partnership's LSOAs, as its file gave it."""

    __tablename__ = "covariate_lsoa_value"

    covariate_id: Mapped[int] = mapped_column(ForeignKey("covariate.id", ondelete="CASCADE"),
                                              primary_key=True)
    lsoa_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
