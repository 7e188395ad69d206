"""Reference data: institutions, the territory tree and organizational units."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rcdesk.db.base import Base, Record

COUNTRIES = {"EC": "Ecuador", "CO": "Colombia"}

TERRITORY_LEVELS = {
    "PROVINCIA": "Provincia",
    "CANTON": "Cantón",
    "PARROQUIA_URBANA": "Parroquia urbana",
    "PARROQUIA_RURAL": "Parroquia rural",
    "DEPARTAMENTO": "Departamento",
    "MUNICIPIO": "Municipio",
    "CENTRO_POBLADO": "Centro poblado",
}

INSTITUTION_KINDS = {
    "GOBERNACION_EC": "Gobernación (Función Ejecutiva)",
    "EJECUTIVA": "Función Ejecutiva (otra entidad)",
    "GAD_PROVINCIAL": "GAD provincial",
    "GAD_MUNICIPAL": "GAD municipal",
    "GAD_PARROQUIAL": "GAD parroquial",
    "ALCALDIA": "Alcaldía (Colombia)",
    "GOBERNACION_CO": "Gobernación (Colombia)",
    "OTRA": "Otra entidad",
}

UNIT_TYPES = {
    "JEFATURA_POLITICA": "Jefatura Política",
    "TENENCIA_POLITICA": "Tenencia Política",
    "COMISARIA_NACIONAL": "Comisaría Nacional de Policía",
    "INTENDENCIA_POLICIA": "Intendencia General de Policía",
    "SUBINTENDENCIA_POLICIA": "Subintendencia General de Policía",
    "DESPACHO": "Despacho",
    "DIRECCION": "Dirección",
    "SECRETARIA": "Secretaría",
    "OFICINA": "Oficina",
    "UNIDAD": "Unidad",
    "OFICINA_CONTROL_INTERNO": "Oficina de Control Interno",
    "EQUIPO": "Equipo / comité",
    "OTRA": "Otra",
}


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
