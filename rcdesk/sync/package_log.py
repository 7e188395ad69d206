"""The package log (`sync_package`): one line per package written or imported, whatever its kind."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert

from rcdesk.ids import utcnow
from rcdesk.models.sync import SyncPackage


def log_outgoing(
    conn: Connection,
    *,
    sha: str,
    manifest: dict,
    kind: str,
    installation_id: str,
    target_id: str | None,
    seq: int,
    prev_hash: str | None,
    out: Path,
    counts: dict,
) -> None:
    now = utcnow()
    conn.execute(
        insert(SyncPackage).values(
            sha256=sha,
            package_id=manifest["package_id"],
            direction="out",
            kind=kind,
            installation_id=installation_id,
            target_id=target_id,
            seq=seq,
            prev_hash=prev_hash,
            file_name=out.name[:300],
            created_at=now,
            processed_at=now,
            counts=json.dumps(counts),
            report="{}",
        )
    )


def log_incoming(
    conn: Connection,
    *,
    sha: str,
    manifest: dict,
    kind: str,
    author_id: str,
    target_id: str | None,
    seq: int,
    file_name: str,
    counts: dict,
    report: dict[str, Any] | None = None,
    created_at: datetime | None = None,
    seqs: Any = None,
) -> None:
    """`seqs` is the SeqRange of local change numbers the import used (None when it wrote no records)."""
    conn.execute(
        insert(SyncPackage).values(
            sha256=sha,
            package_id=manifest["package_id"],
            direction="in",
            kind=kind,
            installation_id=author_id,
            target_id=target_id,
            seq=seq,
            prev_hash=manifest.get("prev_hash"),
            file_name=file_name[:300],
            created_at=created_at or utcnow(),
            processed_at=utcnow(),
            counts=json.dumps(counts),
            report=json.dumps(report, ensure_ascii=False) if report else "{}",
            local_seq_from=seqs.first if seqs is not None else None,
            local_seq_to=seqs.last if seqs is not None else None,
        )
    )
