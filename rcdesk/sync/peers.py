"""Other installations: registration, trust, revocation, quarantine folder.

A package from an installation headquarters has never accepted is not applied: the file
is copied into the quarantine folder (`<data>/cuarentena/`) with a small JSON note (who
signed it, key fingerprint, why it waits) and the database is left untouched. Accepting
the installation (`trust`) pins the signing key it presented and consolidates what waits.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from rcdesk.errors import NotFound, UserError
from rcdesk.ids import utcnow
from rcdesk.models.core import ROLE_HQ, ROLE_LABELS, Installation
from rcdesk.models.sync import SyncPeer
from rcdesk.sync.keys import fingerprint, public_keys


@dataclass(frozen=True)
class InstallationRow:
    installation_id: str
    name: str
    role: str
    is_self: bool
    trusted: bool
    revoked: bool
    sign_fingerprint: str
    last_seq: int
    pending: int = 0  # packages waiting in quarantine

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def state_label(self) -> str:
        if self.is_self:
            return "Esta instalación"
        if self.revoked:
            return "Revocada"
        if self.trusted:
            return "De confianza"
        return "Pendiente de aceptar"

    def as_json(self) -> dict:
        return {
            "installation_id": self.installation_id,
            "name": self.name,
            "role": self.role,
            "trusted": self.trusted or self.is_self,
            "revoked": self.revoked,
            "is_self": self.is_self,
            "fingerprint": self.sign_fingerprint,
            "last_seq": self.last_seq,
            "pending": self.pending,
        }


def quarantine_dir(db) -> Path | None:
    return db.paths.data / "cuarentena" if db.paths is not None else None


def quarantined(db) -> list[dict]:
    folder = quarantine_dir(db)
    out: list[dict] = []
    if folder is None or not folder.is_dir():
        return out
    for note in sorted(folder.glob("*.json")):
        try:
            doc = json.loads(note.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        doc["path"] = str(note.with_suffix(".rcpaq"))
        out.append(doc)
    return out


def put_in_quarantine(db, pkg, reason: str) -> str | None:
    folder = quarantine_dir(db)
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{pkg.sha256}.rcpaq"
    if not dest.exists():
        shutil.copyfile(pkg.path, dest)
    author = pkg.author
    note = {
        "sha256": pkg.sha256,
        "file": pkg.file_name,
        "reason": reason,
        "installation_id": author["id"],
        "name": author.get("name", ""),
        "role": author.get("role", "field"),
        "sign_public": author.get("sign_public"),
        "enc_public": author.get("enc_public"),
        "fingerprint": fingerprint(author.get("sign_public")),
        "seq": pkg.manifest.get("seq"),
        "at": utcnow().isoformat(timespec="seconds"),
    }
    dest.with_suffix(".json").write_text(json.dumps(note, ensure_ascii=False, indent=1), "utf-8")
    return str(dest)


def release_from_quarantine(db, sha256: str) -> None:
    folder = quarantine_dir(db)
    if folder is None:
        return
    (folder / f"{sha256}.rcpaq").unlink(missing_ok=True)
    (folder / f"{sha256}.json").unlink(missing_ok=True)


def list_installations(db) -> list[InstallationRow]:
    pending: dict[str, int] = {}
    waiting = quarantined(db)
    waiting_fp: dict[str, str] = {}
    for q in waiting:
        pending[q["installation_id"]] = pending.get(q["installation_id"], 0) + 1
        waiting_fp[q["installation_id"]] = q.get("fingerprint", "—")
    waiting_name = {q["installation_id"]: q.get("name") for q in waiting if q.get("name")}
    my_fp = fingerprint(public_keys(db)[0])
    out = []
    with db.session() as s:
        rows = s.execute(
            select(Installation, SyncPeer).outerjoin(SyncPeer, SyncPeer.installation_id == Installation.id)
        ).all()
        known = set()
        for inst, peer in rows:
            known.add(inst.id)
            if inst.is_self:
                fp = my_fp
            elif peer is not None and peer.sign_public:
                fp = fingerprint(peer.sign_public)
            else:
                fp = waiting_fp.get(inst.id, "—")
            name = inst.name
            if not inst.is_self and name.startswith("Instalación ") and inst.id in waiting_name:
                name = waiting_name[inst.id]
            out.append(
                InstallationRow(
                    inst.id,
                    name,
                    inst.role,
                    bool(inst.is_self),
                    bool(peer and peer.trusted),
                    bool(peer and peer.revoked),
                    fp,
                    peer.last_seq if peer else 0,
                    pending.get(inst.id, 0),
                )
            )
    seen = set()
    for q in waiting:
        if q["installation_id"] in known or q["installation_id"] in seen:
            continue
        seen.add(q["installation_id"])
        out.append(
            InstallationRow(
                q["installation_id"],
                q.get("name", ""),
                q.get("role", "field"),
                False,
                False,
                False,
                q.get("fingerprint", "—"),
                0,
                pending[q["installation_id"]],
            )
        )
    out.sort(key=lambda r: (not r.is_self, r.role != ROLE_HQ, r.name.lower()))
    return out


def resolve_id(db, prefix: str) -> str:
    """Full installation id from an id or a unique prefix of one (known or in quarantine)."""
    prefix = (prefix or "").strip().lower()
    if len(prefix) < 4:
        raise UserError("Indique el identificador de la instalación (al menos 4 caracteres).")
    ids = {r.installation_id for r in list_installations(db)}
    hits = sorted(i for i in ids if i.lower().startswith(prefix))
    if not hits:
        raise NotFound(f"No hay ninguna instalación con identificador «{prefix}».")
    if len(hits) > 1:
        raise UserError(f"«{prefix}» coincide con varias instalaciones; escriba más caracteres.", details=hits[:10])
    return hits[0]


def ensure_installation(s, installation_id: str, name: str, role: str) -> Installation:
    inst = s.get(Installation, installation_id)
    if inst is None:
        inst = Installation(
            id=installation_id, name=name or f"Instalación {installation_id[:8]}", role=role, is_self=False, next_seq=1
        )
        s.add(inst)
        s.flush()
    elif name and inst.name != name and not inst.is_self:
        inst.name = name
    return inst


def set_trust(db, installation_id: str, trusted: bool) -> InstallationRow:
    """Trust (pinning the key of its quarantined packages if needed) or revoke."""
    iid = resolve_id(db, installation_id)
    if iid == db.installation_id:
        raise UserError("No se puede cambiar la confianza de esta misma instalación.")
    waiting = [q for q in quarantined(db) if q["installation_id"] == iid]
    with db.begin(stamp="off") as s:
        inst = s.get(Installation, iid)
        peer = s.get(SyncPeer, iid)
        if inst is None or (waiting and inst.name.startswith("Instalación ")):
            q = waiting[0]
            inst = ensure_installation(s, iid, q.get("name", ""), q.get("role", "field"))
        if peer is None:
            peer = SyncPeer(installation_id=iid, trusted=False, revoked=False, last_seq=0)
            s.add(peer)
        if trusted:
            if not peer.sign_public:
                keys = {q.get("sign_public") for q in waiting if q.get("sign_public")}
                if len(keys) > 1:
                    raise UserError(
                        "Los paquetes en cuarentena de esta instalación están firmados con claves "
                        "distintas; no se puede decidir cuál aceptar."
                    )
                if keys:
                    peer.sign_public = keys.pop()
                    enc = [q.get("enc_public") for q in waiting if q.get("enc_public")]
                    peer.enc_public = peer.enc_public or (enc[0] if enc else None)
            peer.trusted = True
            peer.revoked = False
        else:
            peer.trusted = False
            peer.revoked = True
        peer.changed_at = utcnow()
    return next(r for r in list_installations(db) if r.installation_id == iid)
