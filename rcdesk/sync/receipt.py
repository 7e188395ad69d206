"""Receipts (acuses de recibo): headquarters → field, signed.

A receipt says "every package up to n.º N from your installation is consolidated", and
lists the records of yours still in the conflict queue. Imported on the field, it marks
every record sent in those packages (and not in conflict) as consolidated, so the next
package only carries what headquarters has not acknowledged and every record can show
whether it reached headquarters.
"""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, insert, select, tuple_, update

from rcdesk.db.migrate import head_version
from rcdesk.errors import UserError
from rcdesk.ids import utcnow
from rcdesk.models.core import ROLE_HQ, Installation
from rcdesk.models.sync import CONFLICT_OPEN, SyncConflict, SyncPackage, SyncPeer, SyncRecord
from rcdesk.sync.consolidate import PackageReport, ST_IMPORTED
from rcdesk.sync.keys import load_or_create
from rcdesk.sync.package import OpenedPackage, PackageWriter
from rcdesk.sync.peers import resolve_id


def export_receipt(db, installation_id: str, out: Path) -> dict:  # noqa: ANN001
    if db.role != ROLE_HQ:
        raise UserError("Solo la sede central emite acuses de recibo.")
    iid = resolve_id(db, installation_id)
    ring = load_or_create(db)
    out = Path(out)
    with db.connect() as conn:
        pt, it, ct, pk = SyncPeer.__table__, Installation.__table__, SyncConflict.__table__, SyncPackage.__table__
        peer = conn.execute(select(pt).where(pt.c.installation_id == iid)).mappings().first()
        name = conn.execute(select(it.c.name).where(it.c.id == iid)).scalar() or iid
        if peer is None or not peer["last_seq"]:
            raise UserError(f"Todavía no se ha consolidado ningún paquete de «{name}»; no hay nada que acusar.")
        conflicts = [[r[0], r[1], r[2]] for r in conn.execute(
            select(ct.c.table_name, ct.c.record_id, ct.c.incoming_version).where(
                ct.c.installation_id == iid, ct.c.status == CONFLICT_OPEN))]
        last = conn.execute(select(pk.c.seq, pk.c.sha256).where(
            pk.c.direction == "out", pk.c.kind == "receipt", pk.c.target_id == iid).order_by(pk.c.seq.desc())
            .limit(1)).first()
        seq = (last[0] if last else 0) + 1
        body = {"consolidated_seq": peer["last_seq"], "consolidated_hash": peer["last_hash"],
                "conflicts": conflicts, "issued_at": utcnow().isoformat(timespec="seconds")}
        writer = PackageWriter(out, "receipt")
        try:
            writer.add_bytes("acuse.json", json.dumps(body, ensure_ascii=False).encode("utf-8"))
            sha, manifest = writer.finish({
                "schema_version": head_version(),
                "installation": {"id": db.installation_id, "name": db.installation_name, "role": db.role,
                                 "sign_public": ring.sign_public, "enc_public": ring.enc_public},
                "target": {"id": iid, "name": name}, "seq": seq, "prev_hash": last[1] if last else None,
                "tables": {}, "counts": {},
            }, ring)
        except BaseException:
            writer.abort()
            raise
        try:
            conn.execute(insert(pk).values(
                sha256=sha, package_id=manifest["package_id"], direction="out", kind="receipt",
                installation_id=db.installation_id, target_id=iid, seq=seq, prev_hash=manifest["prev_hash"],
                file_name=out.name[:300], created_at=utcnow(), processed_at=utcnow(),
                counts=json.dumps({"consolidated_seq": peer["last_seq"], "conflicts": len(conflicts)}), report="{}"))
        except BaseException:
            out.unlink(missing_ok=True)
            raise
    return {"file": str(out), "installation_id": iid, "name": name, "consolidated_seq": peer["last_seq"],
            "conflicts": len(conflicts), "seq": seq}


def import_receipt(db, pkg: OpenedPackage) -> PackageReport:  # noqa: ANN001
    m = pkg.manifest
    author = m["installation"]
    report = PackageReport(file=pkg.file_name, kind="receipt", installation_id=author["id"],
                           installation_name=author.get("name", ""), seq=m["seq"], sha256=pkg.sha256)
    if db.role == ROLE_HQ:
        raise UserError(f"«{pkg.file_name}» es un acuse de recibo: se importa en la instalación de campo.")
    target = (m.get("target") or {}).get("id")
    if target != db.installation_id:
        raise UserError(f"«{pkg.file_name}» es el acuse de otra instalación ({(m.get('target') or {}).get('name')}); "
                        "no se importó nada.")
    try:
        body = json.loads(pkg.read("acuse.json", limit=256 * 1024**2))
        n = int(body["consolidated_seq"])
        conflicts = [(str(t), str(r)) for t, r, _v in body.get("conflicts", [])]
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(f"«{pkg.file_name}»: el acuse de recibo está dañado.") from exc
    with db.connect() as conn:
        pt, pk, sr = SyncPeer.__table__, SyncPackage.__table__, SyncRecord.__table__
        peer = conn.execute(select(pt).where(pt.c.installation_id == author["id"])).mappings().first()
        if peer is None or not peer["trusted"] or peer["revoked"]:
            raise UserError(f"«{pkg.file_name}» viene de una sede central que esta instalación no conoce; importe "
                            "primero el paquete base de su sede.")
        if peer["sign_public"] != author.get("sign_public"):
            raise UserError(f"«{pkg.file_name}»: la firma no es la de la sede registrada (posible suplantación); no "
                            "se importó nada.")
        if conn.execute(select(pk.c.id).where(pk.c.sha256 == pkg.sha256)).first() is not None:
            raise UserError(f"«{pkg.file_name}» ya fue importado; no se cambió nada.")
        last_in = conn.execute(select(func.max(pk.c.seq)).where(
            pk.c.direction == "in", pk.c.kind == "receipt", pk.c.installation_id == author["id"])).scalar() or 0
        if m["seq"] <= last_in:
            raise UserError(f"«{pkg.file_name}» es un acuse anterior al último importado; no se cambió nada.")
        sent = conn.execute(select(pk.c.sha256).where(
            pk.c.direction == "out", pk.c.kind == "field", pk.c.seq == n)).scalar()
        if sent is None or (body.get("consolidated_hash") and sent != body["consolidated_hash"]):
            raise UserError(f"«{pkg.file_name}» acusa un paquete n.º {n} que esta instalación no exportó; no se "
                            "cambió nada.")
        conn.execute(update(sr).where(sr.c.sent_seq > 0, sr.c.sent_seq <= n).values(hq_conflict=False))
        for k in range(0, len(conflicts), 400):
            conn.execute(update(sr).where(tuple_(sr.c.table_name, sr.c.record_id).in_(conflicts[k:k + 400]))
                         .values(hq_conflict=True))
        acked = conn.execute(update(sr).where(
            sr.c.sent_seq > 0, sr.c.sent_seq <= n, sr.c.hq_conflict.is_(False),
            sr.c.base_version < sr.c.sent_version).values(base_version=sr.c.sent_version)).rowcount
        conn.execute(update(pt).where(pt.c.installation_id == author["id"]).values(
            last_seq=max(n, int(peer["last_seq"] or 0)), changed_at=utcnow()))
        conn.execute(insert(pk).values(
            sha256=pkg.sha256, package_id=m["package_id"], direction="in", kind="receipt",
            installation_id=author["id"], target_id=db.installation_id, seq=m["seq"], prev_hash=m.get("prev_hash"),
            file_name=pkg.file_name[:300], created_at=utcnow(), processed_at=utcnow(),
            counts=json.dumps({"consolidated_seq": n, "acknowledged": acked, "conflicts": len(conflicts)}),
            report="{}"))
    report.status = ST_IMPORTED
    report.message = (f"La sede confirmó los paquetes hasta el n.º {n}: {acked} registro(s) marcados como "
                      f"consolidados; {len(conflicts)} en conflicto en la sede.")
    return report
