"""Declarative base and the columns every user-created record carries.

`Record` rows are what field installations exchange with headquarters: a UUID made where
the record was created, UTC created/updated times, the installation that last changed it,
a version number, a tombstone instead of deletion, and a local change sequence number
(monotonic per database) so incremental packages can ask "what changed since N".
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import Boolean, DateTime, Integer, MetaData, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from rcdesk.ids import new_id, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    if TYPE_CHECKING:  # every model here is a plain table (SQLAlchemy types it as any FROM clause)
        __table__: ClassVar[Table]


class Record:
    """Mixin: identity, provenance and tombstone columns (see module docstring)."""

    if TYPE_CHECKING:  # every Record is also a mapped Base class with its own table name
        __tablename__: str

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    modified_by: Mapped[str | None] = mapped_column(String(36), nullable=True)  # installation id
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    @declared_attr
    def change_seq(cls) -> Mapped[int]:
        return mapped_column(Integer, default=0, nullable=False, index=True)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        # Row versions: an ORM update says `WHERE version = <the version read>`, so a write that
        # read a record before another operator's committed change fails (StaleDataError →
        # `ConcurrentEdit`) instead of overwriting it. Stamping sets the new version itself.
        return {"version_id_col": cls.version, "version_id_generator": False}


def check_version(record: Record, expected: int | None) -> None:
    """Refuse a save made from a form when the record changed since the form read it.

    `expected` is the version the form loaded (None: not from a form, nothing to compare). The ORM's
    `WHERE version = …` covers the moment between a write transaction's read and its update; this
    covers the minutes a form stays open while another operator saves the same record."""
    if expected is not None and record.version != expected:
        from rcdesk.errors import ConcurrentEdit

        raise ConcurrentEdit()


RECORD_COLUMNS = ("id", "created_at", "updated_at", "modified_by", "version", "deleted", "change_seq")


def record_tables() -> list:
    """Every table whose rows are Records (the kinds exchanged between installations)."""
    import rcdesk.models  # noqa: F401  (registers every model)

    out = []
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if issubclass(cls, Record):
            out.append(mapper.local_table)
    return sorted(out, key=lambda t: t.name)
