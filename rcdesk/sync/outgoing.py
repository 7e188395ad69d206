"""The package log's line for a package this installation wrote (base, field or receipt)."""

from __future__ import annotations

import json
from pathlib import Path

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
