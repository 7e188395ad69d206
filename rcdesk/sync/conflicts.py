"""The conflict queue at headquarters: listing with field-by-field differences, resolving.

A reviewer chooses, per field or for the whole record, headquarters' value ("sede") or the
field's ("campo"). The result is written as a new version above both versions involved,
stamped by headquarters and audited, so neither side's later edit can silently replace the
decision (it would come with an older base and be queued again).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from rcdesk.db.stamping import allocate_seq
from rcdesk.errors import NotFound, UserError
from rcdesk.ids import utcnow
from rcdesk.models.core import AuditLog, Installation
from rcdesk.models.sync import CONFLICT_OPEN, CONFLICT_RESOLVED, CONFLICT_STATES, SyncConflict
from rcdesk.sync.tables import from_wire, label, personal_columns, raw_table, table_by_name

SEDE, CAMPO = "sede", "campo"
CHOICE_LABELS = {SEDE: "Valor de la sede", CAMPO: "Valor del campo"}


@dataclass(frozen=True)
class FieldDiff:
    column: str
    local: object
    incoming: object
    personal: bool


@dataclass(frozen=True)
class ConflictRow:
    conflict_id: str
    table_name: str
    kind_label: str
    record_id: str
    installation_id: str
    installation_name: str
    status: str
    base_version: int
    local_version: int
    incoming_version: int
    created_at: datetime
    diffs: tuple[FieldDiff, ...]
    summary: str

    @property
    def status_label(self) -> str:
        return CONFLICT_STATES.get(self.status, self.status)

    def as_json(self) -> dict:
        return {
            "conflict_id": self.conflict_id,
            "table": self.table_name,
            "record_id": self.record_id,
            "installation_id": self.installation_id,
            "installation_name": self.installation_name,
            "status": self.status,
            "base_version": self.base_version,
            "local_version": self.local_version,
            "incoming_version": self.incoming_version,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "fields": [{"field": d.column, "sede": d.local, "campo": d.incoming} for d in self.diffs],
        }


def _summary(data: dict) -> str:
    for key in ("description", "title", "name", "number", "code"):
        v = data.get(key)
        if isinstance(v, str) and v.strip():
            return v.strip()[:80]
    return ""


def list_conflicts(db, *, status: str | None = CONFLICT_OPEN) -> list[ConflictRow]:
    ct, it = SyncConflict.__table__, Installation.__table__
    with db.connect() as conn:
        names = {r[0]: r[1] for r in conn.execute(select(it.c.id, it.c.name))}
        stmt = select(ct).order_by(ct.c.created_at, ct.c.id)
        if status:
            stmt = stmt.where(ct.c.status == status)
        rows = conn.execute(stmt).mappings().all()
    out = []
    for r in rows:
        local = json.loads(r["local_data"])
        incoming = json.loads(r["incoming_data"])
        table = table_by_name(r["table_name"])
        pers = set(personal_columns(table)) if table is not None else set()
        diffs = tuple(
            FieldDiff(c, from_wire(local.get(c)), from_wire(incoming.get(c)), c in pers)
            for c in json.loads(r["fields"])
        )
        out.append(
            ConflictRow(
                r["id"],
                r["table_name"],
                label(r["table_name"]),
                r["record_id"],
                r["installation_id"],
                names.get(r["installation_id"], r["installation_id"][:8]),
                r["status"],
                r["base_version"],
                r["local_version"],
                r["incoming_version"],
                r["created_at"],
                diffs,
                _summary(local) or _summary(incoming),
            )
        )
    return out


def find_conflict(db, prefix: str) -> str:
    prefix = (prefix or "").strip().lower()
    ct = SyncConflict.__table__
    with db.connect() as conn:
        ids = [r[0] for r in conn.execute(select(ct.c.id).where(ct.c.id.like(f"{prefix}%")))] if prefix else []
    if not ids:
        raise NotFound(f"No hay ningún conflicto con identificador «{prefix}».")
    if len(ids) > 1:
        raise UserError(f"«{prefix}» coincide con varios conflictos; escriba más caracteres.")
    return ids[0]


def resolve_conflict(db, conflict_id: str, choice: str | dict[str, str]) -> dict:
    """Apply the reviewer's choice: "sede", "campo", or {field: "sede"|"campo"}."""
    ct = SyncConflict.__table__
    with db.connect() as conn:
        # FOR UPDATE (a server; SQLite has one writer anyway): a second reviewer deciding the same
        # conflict waits here for the first one's commit, then reads its decision below
        c = conn.execute(select(ct).where(ct.c.id == conflict_id).with_for_update()).mappings().first()
        if c is None:
            raise NotFound(f"No existe el conflicto «{conflict_id}».")
        if c["status"] != CONFLICT_OPEN:
            who = f" por {c['resolved_by']}" if c["resolved_by"] else ""
            raise UserError(f"Ese conflicto ya no está abierto: ya fue resuelto o descartado{who}. No se cambió nada.")
        fields = json.loads(c["fields"])
        if isinstance(choice, str):
            if choice not in (SEDE, CAMPO):
                raise UserError("Elija «sede» o «campo».")
            per = {f: choice for f in fields}
        else:
            unknown = [f for f in choice if f not in fields]
            bad = [v for v in choice.values() if v not in (SEDE, CAMPO)]
            if unknown or bad:
                raise UserError(
                    "Elección no válida: cada campo en conflicto se resuelve con «sede» o «campo».",
                    details=[f"campo desconocido: {f}" for f in unknown] + [f"valor: {v}" for v in bad],
                )
            per = {f: choice.get(f, SEDE) for f in fields}
        table = table_by_name(c["table_name"])
        if table is None:
            raise UserError(f"Tipo de registro desconocido: {c['table_name']}.")
        rt = raw_table(table.name)
        h = conn.execute(select(rt).where(rt.c.id == c["record_id"]).with_for_update()).mappings().first()
        if h is None:
            raise NotFound("El registro en conflicto ya no existe.")
        incoming = {k: from_wire(v) for k, v in json.loads(c["incoming_data"]).items()}
        changed = {f: incoming[f] for f, v in per.items() if v == CAMPO and h[f] != incoming[f]}
        seq = allocate_seq(conn, 1)
        now = utcnow()
        version = max(int(h["version"]), int(c["incoming_version"])) + 1
        conn.execute(
            update(rt)
            .where(rt.c.id == c["record_id"])
            .values(
                **changed,
                version=version,
                updated_at=now.strftime("%Y-%m-%d %H:%M:%S.%f"),
                modified_by=db.installation_id,
                change_seq=seq,
            )
        )
        pers = set(personal_columns(table))
        conn.execute(
            insert(AuditLog.__table__).values(
                at=now,
                installation_id=db.installation_id,
                user=db.user[:100],
                table_name=table.name,
                record_id=c["record_id"],
                action="update",
                changes=json.dumps(
                    {
                        f: (["(dato personal)", "(dato personal)"] if f in pers else [h[f], v])
                        for f, v in changed.items()
                    }
                    | {"conflicto": [None, per]},
                    ensure_ascii=False,
                    default=str,
                ),
            )
        )
        conn.execute(
            update(ct)
            .where(ct.c.id == conflict_id)
            .values(
                status=CONFLICT_RESOLVED, resolved_at=now, resolved_by=(db.user or "")[:100], resolution=json.dumps(per)
            )
        )
    return {
        "conflict_id": conflict_id,
        "record_id": c["record_id"],
        "table": table.name,
        "version": version,
        "changed": sorted(changed),
        "choices": per,
    }
