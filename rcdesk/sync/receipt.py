"""Receipts (acuses de recibo): headquarters → field, signed.

A receipt says "every package up to n.º N from your installation is consolidated", and
lists the records of yours still in the conflict queue. Imported on the field, it marks
every record sent in those packages (and not in conflict) as consolidated, so the next
package only carries what headquarters has not acknowledged and every record can show
whether it reached headquarters.

It also carries **corrections**: headquarters' current copy of every record this
installation sent that headquarters settled differently (a reviewed conflict, or a change
"descartado" because the record was deleted at headquarters), as `records/<table>.jsonl`
members in the package format. Personal columns of tables about people travel encrypted
for the field installation's own public key (pinned from its packages); other tables go
without their personal columns, as in base packages. On the field a correction replaces
the local copy only when the laptop has no change newer than what headquarters already
consolidated (otherwise the local change is kept and travels in the next package), and it
never brings a locally deleted record back to life (a tombstone from headquarters is
applied like any correction, so a pending local edit still reaches headquarters, where it
is archived as "descartado", before the laptop lets the record go). Rows that point to
records this laptop does not have are left out with a warning instead of blocking the
receipt. After a receipt the field holds exactly headquarters' decision, so its next edit
of that record is a clean update instead of a new conflict.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import RowMapping, func, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from rcdesk.db.migrate import head_version
from rcdesk.db.portable import defer_foreign_keys
from rcdesk.errors import UserError
from rcdesk.ids import utcnow
from rcdesk.models.core import ROLE_HQ, AuditLog, Installation
from rcdesk.models.sync import (
    CONFLICT_DISCARDED,
    CONFLICT_OPEN,
    CONFLICT_RESOLVED,
    SyncConflict,
    SyncPackage,
    SyncPeer,
    SyncRecord,
)
from rcdesk.sync.apply import BATCH, Applier, SeqRange, mark_in_step
from rcdesk.sync.conflict_rules import INSERT, SAME, UPDATE, classify_correction
from rcdesk.sync.import_report import ST_IMPORTED, PackageReport
from rcdesk.sync.keys import Opener, Sealer, load_or_create
from rcdesk.sync.package import OpenedPackage, PackageWriter
from rcdesk.sync.package_log import log_incoming, log_outgoing
from rcdesk.sync.peers import resolve_id
from rcdesk.sync.tables import (
    base_columns,
    exchange_tables,
    fk_columns,
    in_base_package,
    label,
    personal_columns,
    raw_table,
    wire_columns,
    wire_row,
)
from rcdesk.sync.verify import TableRows, read_tables


def export_receipt(db, installation_id: str, out: Path) -> dict:
    if db.role != ROLE_HQ:
        raise UserError("Solo la sede central emite acuses de recibo.")
    iid = resolve_id(db, installation_id)
    ring = load_or_create(db)
    out = Path(out)
    with db.connect() as conn:
        pt, it, ct, pk = (
            SyncPeer.__table__,
            Installation.__table__,
            SyncConflict.__table__,
            SyncPackage.__table__,
        )
        peer = conn.execute(select(pt).where(pt.c.installation_id == iid)).mappings().first()
        name = conn.execute(select(it.c.name).where(it.c.id == iid)).scalar() or iid
        if peer is None or not peer["last_seq"]:
            raise UserError(f"Todavía no se ha consolidado ningún paquete de «{name}»; no hay nada que acusar.")
        conflicts = [
            [r[0], r[1], r[2]]
            for r in conn.execute(
                select(ct.c.table_name, ct.c.record_id, ct.c.incoming_version).where(
                    ct.c.installation_id == iid, ct.c.status == CONFLICT_OPEN
                )
            )
        ]
        last = conn.execute(
            select(pk.c.seq, pk.c.sha256)
            .where(pk.c.direction == "out", pk.c.kind == "receipt", pk.c.target_id == iid)
            .order_by(pk.c.seq.desc())
            .limit(1)
        ).first()
        seq = (last[0] if last else 0) + 1
        writer = PackageWriter(out, "receipt")
        try:
            tables_meta, counts, extra = _write_corrections(conn, writer, iid, peer["enc_public"])
            body = {
                "consolidated_seq": peer["last_seq"],
                "consolidated_hash": peer["last_hash"],
                "conflicts": conflicts,
                "corrections": sum(counts.values()),
                "issued_at": utcnow().isoformat(timespec="seconds"),
            }
            writer.add_bytes("acuse.json", json.dumps(body, ensure_ascii=False).encode("utf-8"))
            sha, manifest = writer.finish(
                {
                    "schema_version": head_version(),
                    "installation": {
                        "id": db.installation_id,
                        "name": db.installation_name,
                        "role": db.role,
                        "sign_public": ring.sign_public,
                        "enc_public": ring.enc_public,
                    },
                    "target": {"id": iid, "name": name},
                    "seq": seq,
                    "prev_hash": last[1] if last else None,
                    "tables": tables_meta,
                    "counts": counts,
                    **extra,
                },
                ring,
            )
        except BaseException:
            writer.abort()
            raise
        try:
            log_outgoing(
                conn,
                sha=sha,
                manifest=manifest,
                kind="receipt",
                installation_id=db.installation_id,
                target_id=iid,
                seq=seq,
                prev_hash=manifest["prev_hash"],
                out=out,
                counts={
                    "consolidated_seq": peer["last_seq"],
                    "conflicts": len(conflicts),
                    "corrections": sum(counts.values()),
                },
            )
        except BaseException:
            out.unlink(missing_ok=True)
            raise
    return {
        "file": str(out),
        "installation_id": iid,
        "name": name,
        "consolidated_seq": peer["last_seq"],
        "conflicts": len(conflicts),
        "corrections": sum(counts.values()),
        "correction_counts": counts,
        "seq": seq,
    }


def _write_corrections(conn, writer: PackageWriter, iid: str, field_enc_public: str | None):
    """Add headquarters' current copy of every record of `iid` settled differently (reviewed
    or discarded conflicts with no newer open conflict). Returns (tables, counts, extra manifest)."""
    ct = SyncConflict.__table__
    settled = conn.execute(
        select(ct.c.table_name, ct.c.record_id)
        .where(ct.c.installation_id == iid, ct.c.status.in_([CONFLICT_RESOLVED, CONFLICT_DISCARDED]))
        .distinct()
    ).all()
    still_open = set(
        conn.execute(
            select(ct.c.table_name, ct.c.record_id).where(ct.c.installation_id == iid, ct.c.status == CONFLICT_OPEN)
        ).all()
    )
    wanted: dict[str, list[str]] = {}
    for t, r in settled:
        if (t, r) not in still_open:
            wanted.setdefault(t, []).append(r)
    tables_meta: dict[str, dict] = {}
    counts: dict[str, int] = {}
    sealer = None
    for table in exchange_tables():
        ids = sorted(wanted.get(table.name, []))
        if not ids:
            continue
        people = not in_base_package(table)
        if people and not field_enc_public:
            continue  # no key to protect the personal data with: a new base package will carry the rest
        cols = wire_columns(table) if people else base_columns(table)
        rt = raw_table(table.name)
        rows = []
        for k in range(0, len(ids), 900):
            rows += conn.execute(
                select(*[rt.c[c] for c in cols]).where(rt.c.id.in_(ids[k : k + 900])).order_by(rt.c.id)
            ).all()
        if not rows:
            continue
        personal = personal_columns(table) if people else []
        pidx = [cols.index(c) for c in personal]
        lines, plines = [], []
        for row in rows:
            values, pvalues = wire_row(row, pidx)
            if pvalues is not None:
                plines.append(json.dumps(pvalues, ensure_ascii=False))
            lines.append(json.dumps(values + [0], ensure_ascii=False))
        writer.add_bytes(f"records/{table.name}.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
        if pidx:
            assert field_enc_public is not None  # tables of people were skipped above without a key
            sealer = sealer or Sealer(field_enc_public)
            name = f"personal/{table.name}.jsonl.enc"
            data = ("\n".join(plines) + "\n").encode("utf-8")
            writer.add_bytes(
                name, sealer.seal(data, name.encode("ascii") + b"|" + writer.package_id.encode()), compress=False
            )
        tables_meta[table.name] = {"columns": cols, "personal": personal, "count": len(rows)}
        counts[table.name] = len(rows)
    extra = {}
    if sealer is not None:
        extra["encryption"] = {
            "scheme": "X25519-HKDF-SHA256/AES-256-GCM",
            "recipient": iid,
            "ephemeral_public": sealer.ephemeral_public,
        }
    return tables_meta, counts, extra


def import_receipt(db, pkg: OpenedPackage) -> PackageReport:
    m = pkg.manifest
    author = m["installation"]
    report = PackageReport(
        file=pkg.file_name,
        kind="receipt",
        installation_id=author["id"],
        installation_name=author.get("name", ""),
        seq=m["seq"],
        sha256=pkg.sha256,
    )
    if db.role == ROLE_HQ:
        raise UserError(f"«{pkg.file_name}» es un acuse de recibo: se importa en la instalación de campo.")
    target = (m.get("target") or {}).get("id")
    if target != db.installation_id:
        raise UserError(
            f"«{pkg.file_name}» es el acuse de otra instalación ({(m.get('target') or {}).get('name')}); "
            "no se importó nada."
        )
    try:
        body = json.loads(pkg.read("acuse.json", limit=256 * 1024**2))
        n = int(body["consolidated_seq"])
        conflicts = [(str(t), str(r)) for t, r, _v in body.get("conflicts", [])]
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(f"«{pkg.file_name}»: el acuse de recibo está dañado.") from exc
    enc = m.get("encryption")
    opener = None
    if enc:
        if not isinstance(enc, dict) or enc.get("recipient") != db.installation_id:
            raise UserError(
                f"«{pkg.file_name}»: las correcciones están cifradas para otra instalación; no se importó nada."
            )
        opener = Opener(load_or_create(db).enc_key, str(enc.get("ephemeral_public", "")))
    with db.connect() as conn:
        pt = SyncPeer.__table__
        peer = _check_receipt(conn, pkg, n, body)
        tables = list(read_tables(pkg, opener))
        acked = _acknowledge(conn, n, conflicts)
        fixed = 0
        if tables:
            conflict_set = set(conflicts)
            tables = _drop_unreachable(conn, tables, report)
            defer_foreign_keys(conn)
            seqs = SeqRange(conn)
            try:
                fixed = _apply_corrections(conn, tables, report, seqs, n, conflict_set)
            except IntegrityError as exc:
                raise UserError(
                    f"«{pkg.file_name}»: las correcciones de la sede chocan con datos de este equipo "
                    f"({exc.orig}); no se importó nada."
                ) from exc
            if fixed:
                conn.execute(
                    insert(AuditLog.__table__).values(
                        at=utcnow(),
                        installation_id=db.installation_id,
                        user=db.user[:100],
                        table_name="sync_package",
                        record_id=m["package_id"],
                        action="import",
                        changes=json.dumps({"archivo": pkg.file_name, "correcciones": fixed}, ensure_ascii=False),
                    )
                )
        conn.execute(
            update(pt)
            .where(pt.c.installation_id == author["id"])
            .values(last_seq=max(n, int(peer["last_seq"] or 0)), changed_at=utcnow())
        )
        log_incoming(
            conn,
            sha=pkg.sha256,
            manifest=m,
            kind="receipt",
            author_id=author["id"],
            target_id=db.installation_id,
            seq=m["seq"],
            file_name=pkg.file_name,
            counts={"consolidated_seq": n, "acknowledged": acked, "conflicts": len(conflicts), "corrections": fixed},
            report={"warnings": report.warnings},
        )
    report.status = ST_IMPORTED
    report.message = (
        f"La sede confirmó los paquetes hasta el n.º {n}: {acked} registro(s) marcados como "
        f"consolidados; {len(conflicts)} en conflicto en la sede."
    )
    if fixed:
        report.message += f" Se aplicaron {fixed} corrección(es) decididas en la sede."
    return report


def _check_receipt(conn, pkg: OpenedPackage, n: int, body: dict) -> RowMapping:
    """Refuse a receipt from an unknown or impersonated headquarters, already imported, older
    than the last one, or acknowledging a package this installation never sent."""
    m = pkg.manifest
    author = m["installation"]
    pt, pk = SyncPeer.__table__, SyncPackage.__table__
    peer = conn.execute(select(pt).where(pt.c.installation_id == author["id"])).mappings().first()
    if peer is None or not peer["trusted"] or peer["revoked"]:
        raise UserError(
            f"«{pkg.file_name}» viene de una sede central que esta instalación no conoce; importe "
            "primero el paquete base de su sede."
        )
    if peer["sign_public"] != author.get("sign_public"):
        raise UserError(
            f"«{pkg.file_name}»: la firma no es la de la sede registrada (posible suplantación); no se importó nada."
        )
    if conn.execute(select(pk.c.id).where(pk.c.sha256 == pkg.sha256)).first() is not None:
        raise UserError(f"«{pkg.file_name}» ya fue importado; no se cambió nada.")
    last_in = (
        conn.execute(
            select(func.max(pk.c.seq)).where(
                pk.c.direction == "in", pk.c.kind == "receipt", pk.c.installation_id == author["id"]
            )
        ).scalar()
        or 0
    )
    if m["seq"] <= last_in:
        raise UserError(f"«{pkg.file_name}» es un acuse anterior al último importado; no se cambió nada.")
    sent = conn.execute(
        select(pk.c.sha256).where(pk.c.direction == "out", pk.c.kind == "field", pk.c.seq == n)
    ).scalar()
    if sent is None or (body.get("consolidated_hash") and sent != body["consolidated_hash"]):
        raise UserError(
            f"«{pkg.file_name}» acusa un paquete n.º {n} que esta instalación no exportó; no se cambió nada."
        )
    return peer


def _acknowledge(conn, n: int, conflicts: list[tuple[str, str]]) -> int:
    """Mark what travelled up to package `n` as consolidated, except the records in conflict."""
    sr = SyncRecord.__table__
    conn.execute(update(sr).where(sr.c.sent_seq > 0, sr.c.sent_seq <= n).values(hq_conflict=False))
    for k in range(0, len(conflicts), 400):
        conn.execute(
            update(sr)
            .where(tuple_(sr.c.table_name, sr.c.record_id).in_(conflicts[k : k + 400]))
            .values(hq_conflict=True)
        )
    return conn.execute(
        update(sr)
        .where(
            sr.c.sent_seq > 0, sr.c.sent_seq <= n, sr.c.hq_conflict.is_(False), sr.c.base_version < sr.c.sent_version
        )
        .values(base_version=sr.c.sent_version)
    ).rowcount


def _drop_unreachable(conn, tables: list[TableRows], report: PackageReport) -> list[TableRows]:
    """Leave out corrections pointing to records this laptop does not have (parents first)."""
    kept: dict[str, set[str]] = {}
    out = []
    for tr in tables:
        refs = [(tr.columns.index(c), ref) for c, ref in fk_columns(tr.table) if c in tr.columns]
        rows = tr.rows
        for i, ref in refs:
            wanted = {r[i] for r in rows if r[i] is not None} - kept.get(ref, set())
            if not wanted:
                continue
            rt, found, vals = raw_table(ref), set(), sorted(wanted)
            for k in range(0, len(vals), 900):
                found.update(conn.execute(select(rt.c.id).where(rt.c.id.in_(vals[k : k + 900]))).scalars())
            missing = wanted - found
            if missing:
                before = len(rows)
                rows = [r for r in rows if r[i] not in missing]
                report.warnings.append(
                    f"{label(tr.name)}: {before - len(rows)} corrección(es) se omitieron porque "
                    f"hacen referencia a {label(ref)} que este equipo no tiene (llegarán con el "
                    "próximo paquete base)."
                )
        id_i = tr.columns.index("id")
        kept[tr.name] = {r[id_i] for r in rows}
        if rows:
            out.append(TableRows(tr.table, tr.columns, rows))
    return out


def _apply_corrections(
    conn, tables: list[TableRows], report: PackageReport, seqs: SeqRange, n: int, in_conflict: set
) -> int:
    sr = SyncRecord.__table__
    fixed = 0
    for tr in tables:
        ap = Applier(conn, tr.table, tr.columns)
        counts = report.counts(tr.name)
        kept = 0
        for k in range(0, len(tr.rows), BATCH):
            batch = [dict(zip(tr.columns, r)) for r in tr.rows[k : k + BATCH]]
            batch = [r for r in batch if (tr.name, r["id"]) not in in_conflict]
            ids = [r["id"] for r in batch]
            have = ap.existing(ids)
            state = {}
            for i in range(0, len(ids), 900):
                for row in conn.execute(
                    select(sr.c.record_id, sr.c.base_version, sr.c.sent_version, sr.c.sent_seq).where(
                        sr.c.table_name == tr.name, sr.c.record_id.in_(ids[i : i + 900])
                    )
                ):
                    state[row[0]] = (row[1], row[2], row[3])
            ins, upd, synced = [], [], []
            for r in batch:
                action = classify_correction(r, have.get(r["id"]), state.get(r["id"]), n, ap)
                if action == INSERT:
                    ins.append(r)
                elif action == UPDATE:
                    upd.append(r)
                elif action == SAME:
                    synced.append(r)
                else:
                    kept += 1
            start = seqs.take(len(ins) + len(upd))
            for r in ins + upd:
                r["change_seq"] = start
                start += 1
            ap.insert(ins)
            ap.update(upd)
            counts.inserted += len(ins)
            counts.updated += len(upd)
            counts.unchanged += len(synced)
            counts.conflicts += kept
            fixed += len(ins) + len(upd)
            mark_in_step(conn, tr.name, ins + upd + synced)
        if kept:
            report.warnings.append(
                f"{label(tr.name)}: {kept} registro(s) tienen cambios en este equipo posteriores a "
                "la decisión de la sede; se conservaron y viajarán en el próximo paquete."
            )
    return fixed
