"""Reference data: institutions, the territory tree and organizational units."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rcdesk.catalogs import COUNTRIES, INSTITUTION_KINDS, TERRITORY_LEVELS, UNIT_TYPES  # noqa: F401
from rcdesk.db.base import Base, Record


class Territory(Record, Base):
    """INEC DPA (Ecuador) or DIVIPOLA (Colombia) territory; ids are deterministic from the code."""

    __tablename__ = "territory"
    __table_args__ = (UniqueConstraint("country", "code"),)

    country: Mapped[str] = mapped_column(String(2), nullable=False)
    level: Mapped[str] = mapped_column(String(20), nullable=False)
    code: Mapped[str] = mapped_column(String(10), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("territory.id"), nullable=True, index=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)


class Institution(Record, Base):
    __tablename__ = "institution"

    name: Mapped[str] = mapped_column(String(300), nullable=False)
    country: Mapped[str] = mapped_column(String(2), nullable=False, default="EC")
    kind: Mapped[str] = mapped_column(String(30), nullable=False, default="OTRA")
    tax_id: Mapped[str | None] = mapped_column(String(20), nullable=True)
    territory_id: Mapped[str | None] = mapped_column(ForeignKey("territory.id"), nullable=True)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(50), nullable=True)
    website: Mapped[str | None] = mapped_column(String(300), nullable=True)


class OrgUnit(Record, Base):
    """Dependencia: Jefatura Política, Tenencia Política, Dirección…"""

    __tablename__ = "org_unit"

    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    unit_type: Mapped[str] = mapped_column(String(30), nullable=False, default="OTRA")
    territory_id: Mapped[str | None] = mapped_column(ForeignKey("territory.id"), nullable=True)
    head_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(50), nullable=True)
