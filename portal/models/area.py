"""Places and partners: neighbourhoods with their weighting population, postcodes (full, from the
ONS lookup, or by sector in older installs), agencies."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base

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


class Agency(Base):
    """A partner that issues and priorities are given to. A retired agency is offered for no new
    work, but keeps its name on the work it had."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    retired_on: Mapped[date | None] = mapped_column(Date, default=None)
