"""Where a record came from: the installation that last wrote it and, when that write
arrived in a consolidated package, which package (found from the record's `change_seq`
and the package log's local change ranges; see `rcdesk.models.sync`)."""

from __future__ import annotations

import bisect

from sqlalchemy import select

from rcdesk.models.core import Installation
from rcdesk.models.sync import SyncPackage


class ProvenanceIndex:
    def __init__(self, conn_or_session) -> None:
        it, pk = Installation.__table__, SyncPackage.__table__
        self.names = {r[0]: r[1] for r in conn_or_session.execute(select(it.c.id, it.c.name))}
        rows = conn_or_session.execute(
            select(pk.c.local_seq_from, pk.c.local_seq_to, pk.c.installation_id, pk.c.seq, pk.c.file_name, pk.c.kind)
            .where(pk.c.direction == "in", pk.c.local_seq_from.is_not(None))
            .order_by(pk.c.local_seq_from)
        ).all()
        self.starts = [r[0] for r in rows]
        self.rows = rows

    def installation(self, installation_id: str | None) -> str:
        if not installation_id:
            return ""
        return self.names.get(installation_id, installation_id[:8])

    def package(self, change_seq: int | None) -> str:
        """'n.º 3 · archivo' of the package that wrote change `change_seq`, '' when local."""
        if change_seq is None or not self.starts:
            return ""
        i = bisect.bisect_right(self.starts, change_seq) - 1
        if i < 0:
            return ""
        lo, hi, _inst, seq, fname, kind = self.rows[i]
        if hi is None or change_seq > hi:
            return ""
        what = "base" if kind == "base" else "paquete"
        return f"{what} n.º {seq} · {fname}"
