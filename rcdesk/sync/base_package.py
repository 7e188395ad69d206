"""Base package: headquarters → one field installation.

Carries the reference and planning data a technician works on (every exchanged table
without citizens' personal data: institution, territory, units, plans, POAs, planned
events, catalogs, holiday calendars…; a table can narrow what it sends through
`tables.register_base_filter`), headquarters' public keys, and the territories/units
assigned to that technician. Signed by headquarters. By default the package is narrowed
to the technician's assignments (`rcdesk.sync.scope`: a technician of Guamote gets
Guamote's units, POAs and events); "everything" sends the whole database. The evidence
files of the evidence records sent travel in the package (`evidence/<sha256>`), and
every file's hash is verified on import before anything is stored.

On the field installation the first base package pins headquarters' keys (its fingerprint
is shown so it can be checked by phone); later ones must be signed with the same key.
Records are applied when the local copy has no unsent local changes; a local change is
kept (it will travel to headquarters and be reconciled there).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import RowMapping, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from rcdesk.db.migrate import head_version
from rcdesk.db.portable import defer_foreign_keys
from rcdesk.errors import UserError
from rcdesk.ids import utcnow
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.models.core import ROLE_FIELD, ROLE_HQ, Installation
from rcdesk.models.sync import SyncAssignment, SyncPackage, SyncPeer, SyncRecord
from rcdesk.security.recovery import seal_after_base_package
from rcdesk.sync.apply import BATCH, Applier, SeqRange, mark_in_step
from rcdesk.sync.base_records import write_records
from rcdesk.sync.conflict_rules import INSERT, SAME, UPDATE, classify_field
from rcdesk.sync.evidence_files import carry_evidence, evidence_hashes, store_evidence
from rcdesk.sync.import_report import ST_IMPORTED, PackageReport
from rcdesk.sync.keys import fingerprint, load_or_create
from rcdesk.sync.package import OpenedPackage, PackageWriter
from rcdesk.sync.package_log import log_incoming, log_outgoing
from rcdesk.sync.tables import ID_RE, label
from rcdesk.sync.verify import check_references, read_tables
from rcdesk.sync.withheld import remember_withheld


def export_base(
    db,
    installation_id: str,
    out: Path,
    *,
    territories: list[str] | None = None,
    units: list[str] | None = None,
    name: str | None = None,
    everything: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> dict:
    """Write the base package for field installation `installation_id`.

    `territories`/`units` replace the technician's assignments when given. The package is
    narrowed to the assignments (`rcdesk.sync.scope`) unless `everything` is true or there
    are none. Evidence files of the evidence records sent travel with them."""
    if db.role != ROLE_HQ:
        raise UserError(
            "Solo la sede central emite paquetes base. Esta instalación es de campo "
            "(use «rcdesk init --role hq» en la sede)."
        )
    target = (installation_id or "").strip().lower()
    if not ID_RE.match(target):
        raise UserError(
            f"«{installation_id}» no es un identificador de instalación válido (se ve con "
            "«rcdesk installation show» en el equipo del técnico)."
        )
    if target == db.installation_id:
        raise UserError("El paquete base es para una instalación de campo, no para la sede misma.")
    ring = load_or_create(db)
    out = Path(out)
    with db.connect() as conn:
        inst_name = _ensure_field_installation(conn, target, name)
        assignments = _assignments(conn, target, territories, units)
        pk = SyncPackage.__table__
        last = conn.execute(
            select(pk.c.seq, pk.c.sha256)
            .where(pk.c.direction == "out", pk.c.kind == "base", pk.c.target_id == target)
            .order_by(pk.c.seq.desc())
            .limit(1)
        ).first()
        seq = (last[0] if last else 0) + 1
        writer = PackageWriter(out, "base")
        try:
            scope, tables_meta, counts, hashes = write_records(
                conn, writer, target, assignments, everything, cancel, progress
            )
            progress(len(tables_meta), len(tables_meta) + 1, "Copiando archivos de evidencia")
            carried, missing = carry_evidence(db, writer, hashes, cancel)
            manifest = {
                "schema_version": head_version(),
                "installation": {
                    "id": db.installation_id,
                    "name": db.installation_name,
                    "role": db.role,
                    "sign_public": ring.sign_public,
                    "enc_public": ring.enc_public,
                },
                "target": {"id": target, "name": inst_name},
                "seq": seq,
                "prev_hash": last[1] if last else None,
                "tables": tables_meta,
                "counts": counts,
                "assignments": assignments,
                "evidence": carried,
                "scope": {
                    "everything": scope.everything,
                    "territories": None if scope.everything else len(scope.territories),
                    "units": None if scope.everything else len(scope.units),
                },
            }
            sha, manifest = writer.finish(manifest, ring)
        except BaseException:
            writer.abort()
            raise
        try:
            log_outgoing(
                conn,
                sha=sha,
                manifest=manifest,
                kind="base",
                installation_id=db.installation_id,
                target_id=target,
                seq=seq,
                prev_hash=manifest["prev_hash"],
                out=out,
                counts=counts,
            )
        except BaseException:
            out.unlink(missing_ok=True)
            raise
    return {
        "file": str(out),
        "installation_id": target,
        "name": inst_name,
        "seq": seq,
        "sha256": sha,
        "counts": counts,
        "records": sum(counts.values()),
        "assignments": len(assignments),
        "scope": "todo" if scope.everything else "asignado",
        "left_out": dict(scope.left_out),
        "evidence": carried,
        "missing_evidence": missing,
    }


def _ensure_field_installation(conn, target: str, name: str | None) -> str:
    """Register the technician's installation (or rename it); returns its name."""
    it = Installation.__table__
    if conn.execute(select(it.c.id).where(it.c.id == target)).first() is None:
        conn.execute(
            insert(it).values(
                id=target,
                name=name or f"Instalación {target[:8]}",
                role=ROLE_FIELD,
                is_self=False,
                created_at=utcnow(),
                next_seq=1,
            )
        )
    elif name:
        conn.execute(update(it).where(it.c.id == target).values(name=name))
    return conn.execute(select(it.c.name).where(it.c.id == target)).scalar_one()


def _assignments(conn, target: str, territories: list[str] | None, units: list[str] | None) -> list[dict]:
    """The technician's territories and units, replaced first when new ones are given."""
    at = SyncAssignment.__table__
    if territories is not None or units is not None:
        conn.execute(delete(at).where(at.c.installation_id == target))
        rows = [{"installation_id": target, "territory_id": t, "unit_id": None} for t in territories or []]
        rows += [{"installation_id": target, "territory_id": None, "unit_id": u} for u in units or []]
        if rows:
            conn.execute(insert(at), rows)
    return [
        dict(r)
        for r in conn.execute(select(at.c.territory_id, at.c.unit_id).where(at.c.installation_id == target)).mappings()
    ]


def import_base(
    db, pkg: OpenedPackage, *, progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED
) -> PackageReport:
    m = pkg.manifest
    author = m["installation"]
    report = PackageReport(
        file=pkg.file_name,
        kind="base",
        installation_id=author["id"],
        installation_name=author.get("name", ""),
        seq=m["seq"],
        sha256=pkg.sha256,
    )
    if db.role == ROLE_HQ:
        raise UserError(
            f"«{pkg.file_name}» es un paquete base: se importa en una instalación de campo, no en la sede central."
        )
    if author.get("role") != ROLE_HQ:
        raise UserError(f"«{pkg.file_name}» no fue emitido por una sede central.")
    target = (m.get("target") or {}).get("id")
    if target != db.installation_id:
        raise UserError(
            f"«{pkg.file_name}» es el paquete base de otra instalación («{(m.get('target') or {}).get('name')}», "
            f"{target}); esta es {db.installation_name} ({db.installation_id}). No se importó nada."
        )
    load_or_create(db)
    with db.connect() as conn:
        peer = _check_headquarters(conn, pkg)
        tables = list(read_tables(pkg, None, cancel=cancel, progress=progress))
        check_references(conn, pkg.file_name, tables)
        _pin_headquarters(conn, author, peer, report)
        defer_foreign_keys(conn)
        seqs = SeqRange(conn)
        try:
            _apply_base(conn, db.installation_id, tables, report, seqs, cancel, progress)
        except IntegrityError as exc:
            raise UserError(
                f"«{pkg.file_name}»: los registros chocan con datos existentes ({exc.orig}); no se importó nada."
            ) from exc
        remember_withheld(conn, tables)
        store_evidence(db, pkg, evidence_hashes(tables), report)
        at = SyncAssignment.__table__
        conn.execute(delete(at).where(at.c.installation_id == db.installation_id))
        rows = [
            {"installation_id": db.installation_id, "territory_id": a.get("territory_id"), "unit_id": a.get("unit_id")}
            for a in (m.get("assignments") or [])
            if isinstance(a, dict)
        ]
        if rows:
            conn.execute(insert(at), rows)
        counts = {k: v.as_json() for k, v in report.kinds.items()}
        log_incoming(
            conn,
            sha=pkg.sha256,
            manifest=m,
            kind="base",
            author_id=author["id"],
            target_id=db.installation_id,
            seq=m["seq"],
            file_name=pkg.file_name,
            counts=counts,
            seqs=seqs,
        )
    seal_after_base_package(db, report.warnings)
    kept = sum(c.conflicts for c in report.kinds.values())
    if kept:
        report.warnings.append(
            f"{kept} registro(s) con cambios locales sin enviar se conservaron; la sede los "
            "conciliará cuando reciba su próximo paquete."
        )
    report.status = ST_IMPORTED
    t = report.total()
    report.message = f"{t.inserted} nuevos, {t.updated} actualizados, {t.unchanged} sin cambios"
    return report


def _check_headquarters(conn, pkg: OpenedPackage) -> RowMapping | None:
    """Refuse a package already imported, from another or a revoked headquarters, with a key
    other than the pinned one, or older than the last one; returns headquarters' peer row."""
    m = pkg.manifest
    author = m["installation"]
    hq_id = author["id"]
    pk, pt, it = SyncPackage.__table__, SyncPeer.__table__, Installation.__table__
    dup = conn.execute(select(pk.c.processed_at).where(pk.c.sha256 == pkg.sha256)).first()
    if dup is not None:
        raise UserError(f"«{pkg.file_name}» ya fue importado el {dup[0]:%d/%m/%Y %H:%M}; no se cambió nada.")
    other_hq = conn.execute(
        select(it.c.name)
        .join(pt, pt.c.installation_id == it.c.id)
        .where(it.c.role == ROLE_HQ, it.c.id != hq_id, pt.c.trusted.is_(True))
    ).scalar()
    if other_hq:
        raise UserError(
            f"«{pkg.file_name}» viene de otra sede central; esta instalación trabaja con «{other_hq}». "
            "No se importó nada."
        )
    peer = conn.execute(select(pt).where(pt.c.installation_id == hq_id)).mappings().first()
    if peer is not None and peer["revoked"]:
        raise UserError(f"«{pkg.file_name}» está firmado por una sede revocada; no se importó nada.")
    if peer is not None and peer["sign_public"] and peer["sign_public"] != author.get("sign_public"):
        raise UserError(
            f"«{pkg.file_name}» dice venir de «{author.get('name')}» pero su clave de firma no es la "
            "registrada (posible suplantación); no se importó nada."
        )
    last_base = (
        conn.execute(
            select(func.max(pk.c.seq)).where(pk.c.direction == "in", pk.c.kind == "base", pk.c.installation_id == hq_id)
        ).scalar()
        or 0
    )
    if m["seq"] <= last_base:
        raise UserError(
            f"«{pkg.file_name}» (paquete base n.º {m['seq']}) es anterior al último importado "
            f"(n.º {last_base}); no se importó nada."
        )
    return peer


def _pin_headquarters(conn, author: dict, peer: RowMapping | None, report: PackageReport) -> None:
    """Register headquarters and trust its keys (the first package pins them)."""
    hq_id = author["id"]
    pt, it = SyncPeer.__table__, Installation.__table__
    if conn.execute(select(it.c.id).where(it.c.id == hq_id)).first() is None:
        conn.execute(
            insert(it).values(
                id=hq_id,
                name=author.get("name") or "Sede central",
                role=ROLE_HQ,
                is_self=False,
                created_at=utcnow(),
                next_seq=1,
            )
        )
    else:
        conn.execute(update(it).where(it.c.id == hq_id).values(name=author.get("name") or "Sede central", role=ROLE_HQ))
    if peer is None:
        conn.execute(
            insert(pt).values(
                installation_id=hq_id,
                sign_public=author.get("sign_public"),
                enc_public=author.get("enc_public"),
                trusted=True,
                revoked=False,
                last_seq=0,
                changed_at=utcnow(),
            )
        )
        report.warnings.append(
            "Primera vez que se recibe un paquete de esta sede central: compruebe con la sede "
            f"que la huella de su clave es {fingerprint(author.get('sign_public'))}."
        )
    else:
        conn.execute(
            update(pt)
            .where(pt.c.installation_id == hq_id)
            .values(sign_public=author.get("sign_public"), enc_public=author.get("enc_public"), trusted=True)
        )


def _apply_base(
    conn, self_id: str, tables, report: PackageReport, seqs: SeqRange, cancel: CancelToken, progress: ProgressFn
) -> None:
    sr = SyncRecord.__table__
    total = sum(len(t.rows) for t in tables)
    done = 0
    for tr in tables:
        ap = Applier(conn, tr.table, tr.columns)
        counts = report.counts(tr.name)
        for k in range(0, len(tr.rows), BATCH):
            cancel.check()
            batch = [dict(zip(tr.columns, r)) for r in tr.rows[k : k + BATCH]]
            ids = [r["id"] for r in batch]
            have = ap.existing(ids)
            state = {}
            for i in range(0, len(ids), 900):
                for row in conn.execute(
                    select(sr.c.record_id, sr.c.base_version).where(
                        sr.c.table_name == tr.name, sr.c.record_id.in_(ids[i : i + 900])
                    )
                ):
                    state[row[0]] = (row[1],)
            ins, upd, synced = [], [], []
            for r in batch:
                action = classify_field(r, have.get(r["id"]), state.get(r["id"]), self_id, ap)
                if action == INSERT:
                    ins.append(r)
                elif action == UPDATE:
                    if ap.same(r, have[r["id"]]):
                        counts.unchanged += 1
                    else:
                        counts.updated += 1
                    upd.append(r)
                elif action == SAME:
                    counts.unchanged += 1
                    synced.append(r)
                else:
                    counts.conflicts += 1
            start = seqs.take(len(ins) + len(upd))
            for r in ins + upd:
                r["change_seq"] = start
                start += 1
            ap.insert(ins)
            ap.update(upd)
            counts.inserted += len(ins)
            mark_in_step(conn, tr.name, ins + upd + synced)
            done += len(batch)
            progress(done, total, f"Importando {label(tr.name)}")
