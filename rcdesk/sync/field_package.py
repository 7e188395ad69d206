"""Field package export: everything not yet acknowledged by headquarters (or everything).

A record goes in the package when its `version` is above the `base_version` headquarters
acknowledged (see `rcdesk.models.sync`), with that base version, so headquarters can tell a
clean update from a concurrent edit. Citizens' personal columns are moved to encrypted
members for headquarters' public key. The export is one read/write transaction: the file
is written, then the package log and the per-record "sent" marks are stored; a failure or
a cancel leaves neither a file nor a trace.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import and_, func, or_, select

from rcdesk.db.migrate import head_version
from rcdesk.db.portable import upsert_insert
from rcdesk.errors import UserError
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.models.core import ROLE_HQ, Installation
from rcdesk.models.sync import SyncPackage, SyncPeer, SyncRecord
from rcdesk.security.recovery import ENTRY as RECOVERY_ENTRY
from rcdesk.security.recovery import outgoing_entry
from rcdesk.sync.evidence_files import carry_evidence
from rcdesk.sync.keys import Sealer, fingerprint, load_or_create
from rcdesk.sync.lines import encode_lines
from rcdesk.sync.package import PackageWriter
from rcdesk.sync.package_log import log_outgoing
from rcdesk.sync.scope import is_evidence_table
from rcdesk.sync.sealed import sealed_encryption
from rcdesk.sync.tables import (
    EVIDENCE_HASH_COLUMN,
    exchange_tables,
    label,
    personal_columns,
    raw_table,
    wire_columns,
)
from rcdesk.sync.withheld import withheld_columns

_BATCH = 2000


@dataclass(frozen=True)
class ExportResult:
    path: Path
    seq: int
    sha256: str
    counts: dict[str, int]
    evidence: int
    missing_evidence: int
    full: bool

    @property
    def records(self) -> int:
        return sum(self.counts.values())

    def as_json(self) -> dict:
        return {
            "file": str(self.path),
            "seq": self.seq,
            "sha256": self.sha256,
            "records": self.records,
            "counts": self.counts,
            "evidence": self.evidence,
            "missing_evidence": self.missing_evidence,
            "full": self.full,
        }


def headquarters(conn) -> dict | None:
    it, pt = Installation.__table__, SyncPeer.__table__
    return (
        conn.execute(
            select(it.c.id, it.c.name, pt.c.sign_public, pt.c.enc_public, pt.c.last_seq, pt.c.revoked)
            .join(pt, pt.c.installation_id == it.c.id)
            .where(it.c.role == ROLE_HQ, it.c.is_self.is_(False), pt.c.trusted.is_(True))
        )
        .mappings()
        .first()
    )


def export_field_package(
    db, out: Path, *, full: bool = False, progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED
) -> ExportResult:
    if db.role == ROLE_HQ:
        raise UserError(
            "Esta instalación es la sede central: los paquetes de campo se exportan en las "
            "instalaciones de campo. Para enviar datos a un técnico use «paquete base»."
        )
    ring = load_or_create(db)
    out = Path(out)
    with db.connect() as conn:
        hq = headquarters(conn)
        if hq is None or not hq["enc_public"]:
            raise UserError(
                "Esta instalación todavía no conoce la sede central: importe primero el paquete base "
                "que le entregó la sede (sin su clave pública no se pueden cifrar los datos personales)."
            )
        pk = SyncPackage.__table__
        last = conn.execute(
            select(pk.c.seq, pk.c.sha256)
            .where(pk.c.direction == "out", pk.c.kind == "field")
            .order_by(pk.c.seq.desc())
            .limit(1)
        ).first()
        seq = (last[0] if last else 0) + 1
        prev_hash = last[1] if last else None
        writer = PackageWriter(out, "field")
        try:
            sealer = Sealer(hq["enc_public"])
            tables_meta: dict[str, dict] = {}
            counts: dict[str, int] = {}
            hashes: set[str] = set()
            tables = exchange_tables()
            withheld_all = withheld_columns(conn)
            for ti, table in enumerate(tables):
                cancel.check()
                progress(ti, len(tables), f"Reuniendo {label(table.name)}")
                cols = wire_columns(table)
                personal = personal_columns(table)
                n = _write_table(
                    conn,
                    writer,
                    sealer,
                    table,
                    cols,
                    personal,
                    full,
                    hashes,
                    cancel,
                    _rows_progress(progress, ti, len(tables), label(table.name)),
                )
                if not n:
                    continue
                tables_meta[table.name] = {
                    "columns": cols,
                    "personal": personal,
                    "count": n,
                    "withheld": withheld_all.get(table.name, []),
                }
                counts[table.name] = n
            carried, missing = carry_evidence(db, writer, hashes, cancel, sealer=sealer)
            manifest = {
                "schema_version": head_version(),
                "installation": {
                    "id": db.installation_id,
                    "name": db.installation_name,
                    "role": db.role,
                    "sign_public": ring.sign_public,
                    "enc_public": ring.enc_public,
                },
                "target": {"id": hq["id"], "name": hq["name"], "enc_fingerprint": fingerprint(hq["enc_public"])},
                "seq": seq,
                "prev_hash": prev_hash,
                "acked_seq": int(hq["last_seq"] or 0),
                "full": full,
                "tables": tables_meta,
                "counts": counts,
                "evidence": carried,
                "encryption": sealed_encryption(sealer, hq["id"], chunk=writer.chunk),
            }
            recovery = outgoing_entry(db, hq["enc_public"])
            if recovery is not None:  # the data key sealed for headquarters: nothing readable here
                manifest[RECOVERY_ENTRY] = recovery
            progress(len(tables), len(tables), "Firmando el paquete")
            cancel.check()
            sha, manifest = writer.finish(manifest, ring)
        except BaseException:
            writer.abort()
            raise
        try:
            log_outgoing(
                conn,
                sha=sha,
                manifest=manifest,
                kind="field",
                installation_id=db.installation_id,
                target_id=hq["id"],
                seq=seq,
                prev_hash=prev_hash,
                out=out,
                counts=counts,
            )
            for table in tables:
                if table.name in counts:
                    _mark_sent(conn, table, full, seq)
        except BaseException:
            out.unlink(missing_ok=True)
            raise
    return ExportResult(out, seq, sha, counts, carried, missing, full)


def _unacknowledged(table: sa.Table, cols: list[str], full: bool) -> sa.Select:
    """Rows of `table` headquarters has not acknowledged (every row when `full`), with their base version."""
    sr = SyncRecord.__table__
    rt = raw_table(table.name)
    base = func.coalesce(sr.c.base_version, 0)
    stmt = select(*[rt.c[c] for c in cols], base).select_from(
        rt.outerjoin(sr, and_(sr.c.table_name == table.name, sr.c.record_id == rt.c.id))
    )
    if not full:
        stmt = stmt.where(or_(sr.c.base_version.is_(None), sr.c.base_version < rt.c.version))
    return stmt.order_by(rt.c.id)


def _rows_progress(progress: ProgressFn, ti: int, total: int, name: str) -> Callable[[int], None]:
    """Progress inside one table: «Reuniendo actividades: 12.000 registros»."""
    return lambda k: progress(ti, total, f"Reuniendo {name}: {k:,} registros".replace(",", "."))


def _write_table(
    conn,
    writer: PackageWriter,
    sealer: Sealer,
    table: sa.Table,
    cols: list[str],
    personal: list[str],
    full: bool,
    hashes: set[str],
    cancel: CancelToken,
    note: Callable[[int], None],
) -> int:
    """Stream a table's unacknowledged rows into its records member (and its sealed personal
    member), batch by batch; returns how many rows went, noting the evidence files to carry."""
    pidx = [cols.index(c) for c in personal]
    # an acta's `sha256` is its content fingerprint, not a file of the evidence store
    hidx = cols.index(EVIDENCE_HASH_COLUMN) if is_evidence_table(table) else None
    result = conn.execute(_unacknowledged(table, cols, full))
    batch = result.fetchmany(_BATCH)
    if not batch:
        result.close()
        return 0
    n = 0
    pname = f"personal/{table.name}.jsonl.enc"
    with ExitStack() as stack:
        psink = stack.enter_context(writer.sealed_member(pname, sealer)) if pidx else None
        sink = stack.enter_context(writer.member(f"records/{table.name}.jsonl"))  # closed before the sealed one
        while batch:
            cancel.check()
            lines, plines = encode_lines(batch, pidx)
            sink.write(lines)
            if psink is not None:
                psink.write(plines)
            if hidx is not None:
                hashes.update(r[hidx] for r in batch if isinstance(r[hidx], str) and len(r[hidx]) == 64)
            n += len(batch)
            if n % (_BATCH * 10) < len(batch):  # a long table moves the text on, not the bar
                note(n)
            batch = result.fetchmany(_BATCH)
    return n


def _mark_sent(conn, table: sa.Table, full: bool, seq: int) -> None:
    """Remember which version of each record travelled in package `seq`: the same rows the export
    read, selected again inside the same write transaction rather than remembered one by one."""
    sr = SyncRecord.__table__
    rt = raw_table(table.name)
    rows = select(sa.literal(table.name), rt.c.id, sa.literal(0), rt.c.version, sa.literal(seq), sa.false())
    if full:  # SQLite's upsert after INSERT…SELECT wants a WHERE clause to parse unambiguously
        rows = rows.where(rt.c.id.is_not(None))
    else:
        rows = rows.select_from(rt.outerjoin(sr, and_(sr.c.table_name == table.name, sr.c.record_id == rt.c.id))).where(
            or_(sr.c.base_version.is_(None), sr.c.base_version < rt.c.version)
        )
    stmt = upsert_insert(conn, sr).from_select(
        ["table_name", "record_id", "base_version", "sent_version", "sent_seq", "hq_conflict"], rows
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[sr.c.table_name, sr.c.record_id],
            set_={"sent_version": stmt.excluded.sent_version, "sent_seq": stmt.excluded.sent_seq},
        )
    )
