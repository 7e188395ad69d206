"""Tables of the field ↔ headquarters exchange (issue 6).

None of these are `Record`s: they describe this database's own view of the exchange and
never travel in packages themselves.

- `sync_key`: this installation's private keys (Ed25519 signing, X25519 encryption) as PEM.
  They also live as files in `paths.keys`; keeping a copy here means every database backup
  carries them, and a restored backup gets its key files back.
- `sync_peer`: what we know about another installation: its public keys (pinned on first
  acceptance), whether headquarters trusts or revoked it, and the last package consolidated
  from it (`last_seq`, `last_hash`) to detect gaps and out-of-order packages. On a field
  installation the only peer is headquarters (pinned when the first base package arrives).
- `sync_package`: the package log, both directions: field packages exported/consolidated,
  base packages, receipts. For consolidated packages `local_seq_from..local_seq_to` is the
  range of local `change_seq` numbers the package's writes received; since every write of
  a package gets a number from that contiguous range, a record's provenance (installation,
  package) is found from its `change_seq` without one extra row per record.
- `sync_record` (field side): per record, the last version known to be in sync with
  headquarters (`base_version`: received in a base package or acknowledged by a receipt)
  and the last version sent in a package (`sent_version`, in package `sent_seq`). A field
  package carries every record whose `version` is above its `base_version` together with
  that base version; headquarters applies the record when its own copy is still at that
  base version (or was last written by the same installation), and otherwise queues a
  conflict (the last receipt lists such records: `hq_conflict`). Status badges:
  consolidated (`base_version >= version`), exported (`sent_version >= version`), local
  (otherwise), in conflict (`hq_conflict`, or an open `sync_conflict` at headquarters).
- `sync_conflict` (headquarters side): both versions of a record edited concurrently, with
  the list of differing fields; nothing is overwritten until a reviewer chooses per field
  or per record. Changes to records deleted at headquarters are kept here as "descartado".
- `sync_assignment`: territories/units assigned to a field technician (sent in base packages).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rcdesk.db.base import Base
from rcdesk.ids import utcnow

CONFLICT_OPEN = "abierto"
CONFLICT_RESOLVED = "resuelto"
CONFLICT_DISCARDED = "descartado"
CONFLICT_STATES = {
    CONFLICT_OPEN: "Abierto",
    CONFLICT_RESOLVED: "Resuelto",
    CONFLICT_DISCARDED: "Descartado (eliminado en sede)",
}


class SyncKey(Base):
    __tablename__ = "sync_key"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # "sign" | "encrypt"
    private_pem: Mapped[str] = mapped_column(Text, nullable=False)
    public_b64: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class SyncPeer(Base):
    __tablename__ = "sync_peer"

    installation_id: Mapped[str] = mapped_column(ForeignKey("installation.id"), primary_key=True)
    sign_public: Mapped[str | None] = mapped_column(String(100), nullable=True)
    enc_public: Mapped[str | None] = mapped_column(String(100), nullable=True)
    trusted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    revoked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    last_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class SyncPackage(Base):
    __tablename__ = "sync_package"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    package_id: Mapped[str] = mapped_column(String(36), nullable=False)
    direction: Mapped[str] = mapped_column(String(3), nullable=False)  # "out" | "in"
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # "field" | "base" | "receipt"
    installation_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)  # author
    target_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    file_name: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    processed_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    counts: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # JSON
    report: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # JSON
    local_seq_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    local_seq_to: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SyncRecord(Base):
    __tablename__ = "sync_record"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    base_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    sent_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    sent_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    hq_conflict: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class SyncConflict(Base):
    __tablename__ = "sync_conflict"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64), nullable=False)
    record_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    installation_id: Mapped[str] = mapped_column(String(36), nullable=False)
    package_sha: Mapped[str] = mapped_column(String(64), nullable=False)
    base_version: Mapped[int] = mapped_column(Integer, nullable=False)
    local_version: Mapped[int] = mapped_column(Integer, nullable=False)
    incoming_version: Mapped[int] = mapped_column(Integer, nullable=False)
    local_data: Mapped[str] = mapped_column(Text, nullable=False)  # JSON {column: stored value}
    incoming_data: Mapped[str] = mapped_column(Text, nullable=False)
    fields: Mapped[str] = mapped_column(Text, nullable=False)  # JSON list of differing columns
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=CONFLICT_OPEN)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON {column: "sede"|"campo"}


class SyncAssignment(Base):
    __tablename__ = "sync_assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    installation_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    territory_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    unit_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
