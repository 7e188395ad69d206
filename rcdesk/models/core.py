"""Installation identity, settings and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rcdesk.db.base import Base
from rcdesk.ids import utcnow

ROLE_FIELD = "field"
ROLE_HQ = "hq"
ROLE_LABELS = {ROLE_FIELD: "Campo", ROLE_HQ: "Sede central"}


class Installation(Base):
    """One copy of rcdesk (a laptop or headquarters). `is_self` marks this database's own."""

    __tablename__ = "installation"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(10), nullable=False, default=ROLE_FIELD)
    is_self: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    # Next local change sequence number handed to a Record written on this database.
    next_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class Setting(Base):
    """Small key/value settings (JSON text), e.g. thresholds or the default plan."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class AuditLog(Base):
    """Who changed what and when; `changes` is JSON {field: [before, after]}."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    installation_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("installation.id"), nullable=True)
    user: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    table_name: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    record_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    action: Mapped[str] = mapped_column(String(10), nullable=False)  # insert|update|delete|restore|import
    changes: Mapped[str | None] = mapped_column(Text, nullable=True)


class ImportMapping(Base):
    """A confirmed column mapping, offered again for workbooks with the same headers.

    `signature` is the SHA-256 of the kind plus the normalised header paths (see rcdesk.imports.profiles);
    `mapping` is the profile document (JSON text) exactly as `--mapping FILE` would hold it. Local to an
    installation: not a Record, never synced.
    """

    __tablename__ = "import_mapping"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    signature: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    mapping: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("kind", "signature", name="uq_import_mapping_kind_signature"),)
