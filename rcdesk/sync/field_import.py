"""Consolidating one field package at headquarters.

One package = one transaction (on SQLite, a savepoint in a batch's transaction:
`write_group`). Before anything is written the package is verified (structure, limits,
signature, member hashes: `package.open_package`), its author checked (registered and
trusted, key matching the pinned one, not revoked; an unknown author sends the package to
quarantine), its place in the author's chain checked (sequence number and previous-package
hash), personal data decrypted and every record validated (`verify.read_tables`,
`verify.check_references`). Only then are records applied, with
Core bulk statements, following `conflict_rules.classify_hq`:

- a record headquarters does not have is inserted (tombstones too, so it can never be
  created again later);
- a copy with the same content is left alone (re-importing a package changes nothing);
- a newer version replaces headquarters' copy when headquarters' copy is still the version
  the field edited (`base_version`), or was last written by the same installation;
- otherwise both versions go to the conflict queue with the list of differing fields and
  headquarters' copy stays as it is until a reviewer chooses;
- a change to a record deleted at headquarters never resurrects it: the field's version is
  kept in the conflict table as "descartado".

Writes take local change numbers from one contiguous range recorded on the package log
row, which is how every record keeps its provenance (installation, package).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from rcdesk.db.portable import defer_foreign_keys
from rcdesk.errors import UserError
from rcdesk.ids import new_id, utcnow
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.models.core import ROLE_HQ, AuditLog, Installation
from rcdesk.models.sync import (
    CONFLICT_DISCARDED,
    CONFLICT_OPEN,
    SyncConflict,
    SyncPackage,
    SyncPeer,
)
from rcdesk.security.recovery import incoming_entry
from rcdesk.sync.apply import BATCH, Applier, SeqRange
from rcdesk.sync.conflict_rules import CONFLICT, SAME, UPDATE, classify_hq
from rcdesk.sync.evidence_files import evidence_hashes, store_evidence
from rcdesk.sync.import_report import ST_DONE, PackageReport, Quarantine
from rcdesk.sync.keys import KeyRing, Opener, fingerprint, load_or_create
from rcdesk.sync.package import OpenedPackage
from rcdesk.sync.package_log import log_incoming
from rcdesk.sync.streamed import PART_ROWS, References, reader, start_early
from rcdesk.sync.tables import label, to_wire
from rcdesk.sync.verify import TableRows, declared_tables


def consolidate_package(
    db,
    pkg: OpenedPackage,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
    records_applied: Callable[[KeyRing], None] | None = None,
) -> PackageReport:
    """Consolidate one verified field package (raises UserError / Quarantine, DB untouched).
    `records_applied`: called with headquarters' keys once the records are written, before the
    commit (the batch driver starts reading the next package there)."""
    m = pkg.manifest
    author = m["installation"]
    report = PackageReport(
        file=pkg.file_name,
        kind="field",
        installation_id=author["id"],
        installation_name=author.get("name", ""),
        seq=m["seq"],
        sha256=pkg.sha256,
    )
    for name in m.get("tables") or {}:
        report.counts(name)
    if db.role != ROLE_HQ:
        raise UserError(
            f"«{pkg.file_name}» es un paquete de campo: se consolida en la sede central, no en esta "
            "instalación de campo."
        )
    target = (m.get("target") or {}).get("id")
    if target != db.installation_id:
        raise UserError(
            f"«{pkg.file_name}» está dirigido a otra sede central "
            f"(«{(m.get('target') or {}).get('name', '?')}», {target}); no se importó nada."
        )
    ring = load_or_create(db)
    src = author["id"]
    if src == db.installation_id:
        raise UserError(f"«{pkg.file_name}» fue creado por esta misma instalación.")
    with db.connect() as conn:
        _check_place_in_chain(conn, pkg, report)
        opener = None
        enc = m.get("encryption")
        if enc:
            if enc.get("recipient") != db.installation_id:
                raise UserError(f"«{pkg.file_name}»: los datos personales están cifrados para otra sede central.")
            opener = Opener(ring.enc_key, enc["ephemeral_public"])
        declared = declared_tables(pkg)
        defer_foreign_keys(conn)
        seqs = SeqRange(conn, reserve=sum(spec.get("count", 0) for _, spec in declared))
        try:
            referenced = apply_field_tables(conn, pkg, declared, opener, report, src, seqs, cancel, progress)
        except IntegrityError as exc:
            raise UserError(
                f"«{pkg.file_name}»: los registros chocan con datos existentes ({exc.orig}); no se importó nada."
            ) from exc
        if records_applied is not None:
            records_applied(ring)
        store_evidence(db, pkg, referenced, report, opener=opener)
        _log_package(db, conn, pkg, report, seqs)
        try:
            defer_foreign_keys(conn, False)
        except Exception:
            pass
    report.status = ST_DONE
    t = report.total()
    report.message = (
        f"{t.inserted} nuevos, {t.updated} actualizados, {t.unchanged} sin cambios, {t.conflicts} en conflicto"
    )
    return report


def read_early(db, pkg: OpenedPackage, ring: KeyRing) -> None:
    """On a server, begin reading a field package's records before its turn (`streamed.start_early`),
    when it is plainly readable here; anything else is left to `consolidate_package` to refuse."""
    if db.engine.dialect.name == "sqlite" or pkg.kind != "field" or db.role != ROLE_HQ:
        return
    enc = pkg.manifest.get("encryption")
    try:
        declared = declared_tables(pkg)
        opener = None
        if enc:
            if enc.get("recipient") != db.installation_id:
                return
            opener = Opener(ring.enc_key, enc["ephemeral_public"])
    except (UserError, KeyError, TypeError, ValueError):
        return
    start_early(pkg, declared, opener)


def _check_place_in_chain(conn, pkg: OpenedPackage, report: PackageReport) -> None:
    """Refuse or quarantine a package that is not the next one its trusted author sent."""
    m = pkg.manifest
    author = m["installation"]
    src = author["id"]
    pk = SyncPackage.__table__
    dup = conn.execute(select(pk.c.processed_at).where(pk.c.sha256 == pkg.sha256)).first()
    if dup is not None:
        raise UserError(
            f"«{pkg.file_name}» ya fue consolidado el {dup[0]:%d/%m/%Y %H:%M}; volver a importarlo no cambia nada."
        )
    peer = conn.execute(select(SyncPeer.__table__).where(SyncPeer.installation_id == src)).mappings().first()
    if peer is not None and peer["revoked"]:
        raise UserError(
            f"«{pkg.file_name}» está firmado por «{author.get('name')}», una instalación revocada; no se importó nada."
        )
    if peer is None or not peer["trusted"] or not peer["sign_public"]:
        raise Quarantine(
            f"«{author.get('name')}» ({src}) todavía no es una instalación de confianza. El paquete "
            "espera en cuarentena hasta que la sede la acepte (huella de su clave: "
            f"{fingerprint(author.get('sign_public'))})."
        )
    if peer["sign_public"] != author.get("sign_public"):
        raise UserError(
            f"«{pkg.file_name}» dice venir de «{author.get('name')}» pero su clave de firma no es la "
            "registrada para esa instalación (posible suplantación); no se importó nada."
        )
    last = int(peer["last_seq"] or 0)
    seq = int(m["seq"])
    if seq <= last:
        raise UserError(
            f"«{pkg.file_name}» es el paquete n.º {seq} de «{author.get('name')}», anterior al último "
            f"consolidado (n.º {last}): llegó fuera de orden y su contenido ya está incluido en los "
            "posteriores. No se importó nada."
        )
    if seq > last + 1:
        acked = int(m.get("acked_seq") or 0)
        if acked > last and not m.get("full"):
            raise Quarantine(
                f"Faltan los paquetes n.º {last + 1} a {seq - 1} de «{author.get('name')}»; este "
                "espera en cuarentena hasta que lleguen."
            )
        report.warnings.append(
            f"No llegaron los paquetes n.º {last + 1} a {seq - 1} de «{author.get('name')}»; "
            "su contenido viene incluido en este (cada paquete lleva todo lo no confirmado)."
        )
    elif peer["last_hash"] and m.get("prev_hash") != peer["last_hash"]:
        raise UserError(
            f"«{pkg.file_name}» no continúa la cadena de paquetes de «{author.get('name')}» (el "
            "paquete anterior no es el que tiene la sede). No se importó nada."
        )


def _log_package(db, conn, pkg: OpenedPackage, report: PackageReport, seqs: SeqRange) -> None:
    """The package log row (with the change numbers it took), the author's chain head, the audit entry."""
    m = pkg.manifest
    author = m["installation"]
    src = author["id"]
    seq = int(m["seq"])
    counts = {k: v.as_json() for k, v in report.kinds.items()}
    log_incoming(
        conn,
        sha=pkg.sha256,
        manifest=m,
        kind="field",
        author_id=src,
        target_id=db.installation_id,
        seq=seq,
        file_name=pkg.file_name,
        counts=counts,
        report={"warnings": report.warnings, **incoming_entry(m)},  # the author's sealed key, kept for recovery
        created_at=_parse_dt(m.get("created_at")),
        seqs=seqs,
    )
    conn.execute(
        update(SyncPeer.__table__).where(SyncPeer.installation_id == src).values(last_seq=seq, last_hash=pkg.sha256)
    )
    if author.get("name"):
        it = Installation.__table__
        conn.execute(update(it).where(it.c.id == src, it.c.is_self.is_(False)).values(name=author["name"][:200]))
    conn.execute(
        insert(AuditLog.__table__).values(
            at=utcnow(),
            installation_id=db.installation_id,
            user=db.user[:100],
            table_name="sync_package",
            record_id=m["package_id"],
            action="import",
            changes=json.dumps(
                {"archivo": pkg.file_name, "origen": author.get("name"), "n": seq, "registros": counts},
                ensure_ascii=False,
            ),
        )
    )


def _parse_dt(text: str | None) -> datetime:
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return utcnow()


def apply_field_tables(
    conn,
    pkg: OpenedPackage,
    declared: list[tuple[sa.Table, dict]],
    opener,
    report: PackageReport,
    src: str,
    seqs: SeqRange,
    cancel: CancelToken,
    progress: ProgressFn,
) -> set[str]:
    """Read, check and apply the package's records part by part (`streamed.table_parts`), all in
    the caller's transaction; returns the evidence files its records name."""
    total = sum(spec.get("count", 0) for _, spec in declared)
    done = 0
    now = utcnow()
    refs = References(conn, pkg.file_name, [t.name for t, _ in declared])
    referenced: set[str] = set()
    # a server takes a whole part per lookup and per COPY: each is a round trip
    batch = BATCH if conn.dialect.name == "sqlite" else PART_ROWS
    parts = reader(conn, pkg, declared, opener)
    try:
        for i, (table, spec) in enumerate(declared):
            withheld = spec.get("withheld") or []
            ap: Applier | None = None
            counts = report.counts(table.name)
            discarded = 0
            for first, tr in parts.parts(i):
                cancel.check()
                refs.check(tr, first)
                if ap is None:
                    ap = Applier(conn, table, tr.columns, withheld if isinstance(withheld, list) else [])
                for k in range(0, len(tr.rows), batch):
                    discarded += _apply_batch(conn, tr, tr.rows[k : k + batch], ap, counts, src, seqs, pkg.sha256, now)
                referenced |= evidence_hashes([tr])
                done += len(tr.rows)
                progress(done, total, f"Consolidando {label(table.name)}")
            if discarded:
                report.warnings.append(
                    f"{label(table.name)}: {discarded} cambio(s) a registros eliminados en la sede no "
                    "se aplicaron (un registro eliminado no se revive); quedan archivados en "
                    "la revisión de conflictos como «descartados»."
                )
    finally:
        parts.close()
    refs.finish()
    return referenced


def _apply_batch(conn, tr: TableRows, batch: list, ap: Applier, counts, src: str, seqs: SeqRange, sha: str, now) -> int:
    """Insert, update or queue as conflicts one batch of checked rows; returns how many were discarded."""
    cols = tr.columns
    id_i = cols.index("id")
    have = ap.existing([r[id_i] for r in batch])
    new_rows, upd, conflicts = [], [], []
    for r in batch:
        h = have.get(r[id_i]) if have else None
        if h is None:
            new_rows.append(r)
            continue
        rd = dict(zip(cols, r))
        rd["_base"] = r[-1]
        action = classify_hq(rd, h, src, ap)
        if action == UPDATE:
            upd.append(rd)
        elif action == SAME:
            counts.unchanged += 1
        else:
            conflicts.append((action, rd, h))
    start = seqs.take(len(new_rows) + len(upd))
    for i, r in enumerate(new_rows):  # the base version's place takes the change number
        r[-1] = start + i
    ins = new_rows
    start += len(ins)
    for rd in upd:
        del rd["_base"]
        rd["change_seq"] = start
        start += 1
    ap.insert(ins)
    ap.update(upd)
    counts.inserted += len(ins)
    counts.updated += len(upd)
    discarded = 0
    for action, rd, h in conflicts:
        _queue_conflict(conn, tr.name, rd, h, src, sha, ap, action, now)
        if action == CONFLICT:
            counts.conflicts += 1
        else:
            counts.rejected += 1
            discarded += 1
    return discarded


def _queue_conflict(conn, table_name: str, r: dict, h: dict, src: str, sha: str, ap: Applier, action: str, now) -> None:
    base = r.pop("_base")
    ct = SyncConflict.__table__
    fields = ap.diff(r, h)
    status = CONFLICT_OPEN if action == CONFLICT else CONFLICT_DISCARDED
    prev = conn.execute(
        select(ct.c.id).where(
            ct.c.table_name == table_name,
            ct.c.record_id == r["id"],
            ct.c.installation_id == src,
            ct.c.status == CONFLICT_OPEN,
        )
    ).scalar()
    values = {
        "package_sha": sha,
        "base_version": base,
        "local_version": h["version"],
        "incoming_version": r["version"],
        "local_data": _jsonable_row(h),
        "incoming_data": _jsonable_row(r),
        "fields": json.dumps(fields),
        "status": status,
        "created_at": now,
    }
    if prev is not None and status == CONFLICT_OPEN:
        conn.execute(update(ct).where(ct.c.id == prev).values(**values))
    else:
        conn.execute(
            insert(ct).values(id=new_id(), table_name=table_name, record_id=r["id"], installation_id=src, **values)
        )


def _jsonable_row(d: dict) -> str:
    return json.dumps({k: to_wire(v) for k, v in d.items() if k != "change_seq"}, ensure_ascii=False)
