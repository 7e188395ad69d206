"""Synchronization service: what the GUI, the command line and other pages call.

`SyncService(db).status_of(table, record_id)` tells any page whether a record is only on
this laptop, sent, consolidated at headquarters or in conflict (for a badge).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from rcdesk.db.database import Database
from rcdesk.errors import UserError
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.models.core import ROLE_HQ, ROLE_LABELS
from rcdesk.models.sync import CONFLICT_OPEN, SyncConflict, SyncPackage, SyncRecord
from rcdesk.sync import conflicts as _conflicts
from rcdesk.sync import peers
from rcdesk.sync.conflicts import ConflictRow
from rcdesk.sync.field_package import ExportResult
from rcdesk.sync.import_report import ImportResult
from rcdesk.sync.peers import InstallationRow

ST_LOCAL = "local"
ST_SENT = "exportado"
ST_DONE = "consolidado"
ST_CONFLICT = "conflicto"
STATUS_LABELS = {
    ST_LOCAL: "Solo en este equipo",
    ST_SENT: "Enviado, sin acuse",
    ST_DONE: "Consolidado en la sede",
    ST_CONFLICT: "En conflicto en la sede",
}


@dataclass(frozen=True)
class RecordStatus:
    code: str
    installation: str = ""
    package: str = ""

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.code, self.code)


@dataclass(frozen=True)
class BrowseRow:
    """One record in the Sincronización page's record browser."""

    table: str
    record_id: str
    summary: str
    version: int
    updated_at: str
    deleted: bool
    status: RecordStatus


@dataclass(frozen=True)
class PackageLogRow:
    direction: str
    kind: str
    installation: str
    seq: int
    file_name: str
    processed_at: datetime
    records: int
    sha256: str

    @property
    def label(self) -> str:
        kinds = {"field": "Paquete de campo", "base": "Paquete base", "receipt": "Acuse de recibo"}
        return kinds.get(self.kind, self.kind) + (" enviado" if self.direction == "out" else " recibido")


@dataclass(frozen=True)
class SyncOverview:
    installation_id: str
    name: str
    role: str
    headquarters: str | None
    fingerprint: str
    pending_records: int
    open_conflicts: int
    quarantined: int
    last_export: str | None
    last_receipt_seq: int

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


class SyncService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- overview ----------------------------------------------------------------------
    def overview(self) -> SyncOverview:
        from rcdesk.sync.field_package import headquarters
        from rcdesk.sync.keys import fingerprint, public_keys

        sign_public, _ = public_keys(self.db)  # no passphrase asked to show a fingerprint
        with self.db.connect() as conn:
            hq = headquarters(conn) if self.db.role != ROLE_HQ else None
            ct, pk = SyncConflict.__table__, SyncPackage.__table__
            open_c = conn.execute(select(func.count()).select_from(ct).where(ct.c.status == CONFLICT_OPEN)).scalar()
            last = conn.execute(
                select(pk.c.seq, pk.c.processed_at)
                .where(pk.c.direction == "out", pk.c.kind == "field")
                .order_by(pk.c.seq.desc())
                .limit(1)
            ).first()
        pending = self.pending_count() if self.db.role != ROLE_HQ else 0
        return SyncOverview(
            self.db.installation_id or "",  # set once the database is open
            self.db.installation_name,
            self.db.role,
            hq["name"] if hq else None,
            fingerprint(sign_public),
            pending,
            int(open_c or 0),
            len(peers.quarantined(self.db)),
            f"n.º {last[0]} ({last[1]:%d/%m/%Y %H:%M})" if last else None,
            int(hq["last_seq"] or 0) if hq else 0,
        )

    def pending_count(self) -> int:
        from sqlalchemy import and_, or_

        from rcdesk.sync.tables import exchange_tables, raw_table

        sr = SyncRecord.__table__
        n = 0
        with self.db.connect() as conn:
            for t in exchange_tables():
                rt = raw_table(t.name)
                n += (
                    conn.execute(
                        select(func.count())
                        .select_from(rt.outerjoin(sr, and_(sr.c.table_name == t.name, sr.c.record_id == rt.c.id)))
                        .where(or_(sr.c.base_version.is_(None), sr.c.base_version < rt.c.version))
                    ).scalar()
                    or 0
                )
        return n

    # -- packages ----------------------------------------------------------------------
    def export_package(
        self,
        out: Path,
        *,
        full: bool = False,
        progress: ProgressFn = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> ExportResult:
        from rcdesk.sync.field_package import export_field_package

        return export_field_package(self.db, Path(out), full=full, progress=progress, cancel=cancel)

    def import_packages(
        self,
        files: list[Path],
        *,
        progress: ProgressFn = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
        kinds: tuple[str, ...] = ("field", "base", "receipt"),
    ) -> ImportResult:
        from rcdesk.sync.consolidate import import_files

        if "field" in kinds:
            self._unlock_server_keys()
        return import_files(self.db, [Path(f) for f in files], kinds=kinds, progress=progress, cancel=cancel)

    def _unlock_server_keys(self) -> None:
        """On a server headquarters, ask the passphrase once before a batch of packages: a wrong
        one refuses the whole command before anything is written, not each package in turn."""
        if self.db.is_server and self.db.role == ROLE_HQ:
            from rcdesk.sync.keys import load_or_create

            load_or_create(self.db)

    def export_base(
        self,
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
        """Base package for a technician, narrowed to their assignments unless `everything`."""
        from rcdesk.sync.base_package import export_base

        return export_base(
            self.db,
            installation_id,
            Path(out),
            territories=territories,
            units=units,
            name=name,
            everything=everything,
            progress=progress,
            cancel=cancel,
        )

    def export_receipt(self, installation_id: str, out: Path) -> dict:
        from rcdesk.sync.receipt import export_receipt

        return export_receipt(self.db, installation_id, Path(out))

    def package_log(self, limit: int = 200) -> list[PackageLogRow]:
        import json

        from rcdesk.models.core import Installation

        pk, it = SyncPackage.__table__, Installation.__table__
        with self.db.connect() as conn:
            names = {r[0]: r[1] for r in conn.execute(select(it.c.id, it.c.name))}
            rows = conn.execute(select(pk).order_by(pk.c.processed_at.desc(), pk.c.id.desc()).limit(limit)).mappings()
            out = []
            for r in rows:
                counts = json.loads(r["counts"] or "{}")
                total = 0
                if r["kind"] == "receipt":
                    counts = {"acknowledged": counts.get("acknowledged", 0)}
                for v in counts.values():
                    if isinstance(v, int):
                        total += v
                    elif isinstance(v, dict):
                        total += sum(int(x) for k, x in v.items() if k != "rejected")
                other = r["target_id"] if r["direction"] == "out" else r["installation_id"]
                out.append(
                    PackageLogRow(
                        r["direction"],
                        r["kind"],
                        names.get(other, (other or "")[:8]),
                        r["seq"],
                        r["file_name"],
                        r["processed_at"],
                        total,
                        r["sha256"],
                    )
                )
        return out

    # -- installations ----------------------------------------------------------------
    def installations(self) -> list[InstallationRow]:
        return peers.list_installations(self.db)

    def me(self) -> InstallationRow:
        return next(r for r in self.installations() if r.is_self)

    def trust(
        self, installation_id: str, *, progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED
    ) -> tuple[InstallationRow, ImportResult]:
        from rcdesk.sync.consolidate import retry_quarantined

        self._unlock_server_keys()
        row = peers.set_trust(self.db, installation_id, True)
        result = retry_quarantined(self.db, progress=progress, cancel=cancel)
        return row, result

    def revoke(self, installation_id: str) -> InstallationRow:
        return peers.set_trust(self.db, installation_id, False)

    def quarantined(self) -> list[dict]:
        return peers.quarantined(self.db)

    # -- conflicts --------------------------------------------------------------------
    def conflicts(self, *, status: str | None = CONFLICT_OPEN) -> list[ConflictRow]:
        return _conflicts.list_conflicts(self.db, status=status)

    def resolve(self, conflict_id: str, choice: str | dict[str, str]) -> dict:
        cid = _conflicts.find_conflict(self.db, conflict_id)
        return _conflicts.resolve_conflict(self.db, cid, choice)

    # -- record status (badges) -------------------------------------------------------
    def status_of(self, table: str, record_id: str) -> RecordStatus:
        return self.statuses(table, [record_id]).get(record_id, RecordStatus(ST_LOCAL))

    def statuses(self, table: str, record_ids: list[str]) -> dict[str, RecordStatus]:
        from rcdesk.sync.provenance import ProvenanceIndex
        from rcdesk.sync.tables import raw_table, table_by_name

        if table_by_name(table) is None:
            raise UserError(f"Tipo de registro desconocido: {table}.")
        rt = raw_table(table)
        ct, sr = SyncConflict.__table__, SyncRecord.__table__
        out: dict[str, RecordStatus] = {}
        with self.db.connect(write=False) as conn:  # the badge reads on the GUI thread: never take the write lock
            prov = ProvenanceIndex(conn)
            for k in range(0, len(record_ids), 900):
                ids = record_ids[k : k + 900]
                rows = {
                    r[0]: (r[1], r[2], r[3])
                    for r in conn.execute(
                        select(rt.c.id, rt.c.version, rt.c.modified_by, rt.c.change_seq).where(rt.c.id.in_(ids))
                    )
                }
                conflicted: set[str] = set(
                    conn.execute(
                        select(ct.c.record_id).where(
                            ct.c.table_name == table, ct.c.status == CONFLICT_OPEN, ct.c.record_id.in_(ids)
                        )
                    ).scalars()
                )
                sync = {
                    r[0]: (r[1], r[2], r[3])
                    for r in conn.execute(
                        select(sr.c.record_id, sr.c.base_version, sr.c.sent_version, sr.c.hq_conflict).where(
                            sr.c.table_name == table, sr.c.record_id.in_(ids)
                        )
                    )
                }
                for rid in ids:
                    if rid not in rows:
                        continue
                    version, modified_by, seq = rows[rid]
                    inst, pkg = prov.installation(modified_by), prov.package(seq)
                    if self.db.role == ROLE_HQ:
                        code = ST_CONFLICT if rid in conflicted else ST_DONE
                    else:
                        base, sent, hq_conflict = sync.get(rid, (0, 0, False))
                        if hq_conflict:
                            code = ST_CONFLICT
                        elif version <= base:
                            code = ST_DONE
                        elif version <= sent:
                            code = ST_SENT
                        else:
                            code = ST_LOCAL
                    out[rid] = RecordStatus(code, inst, pkg)
        return out

    def record_kinds(self) -> list[tuple[str, str]]:
        """(table, Spanish label) of every exchanged kind of record that has rows here."""
        from rcdesk.sync.tables import exchange_tables, label, raw_table

        out = []
        with self.db.connect() as conn:
            for t in exchange_tables():
                rt = raw_table(t.name)
                if conn.execute(select(rt.c.id).limit(1)).first() is not None:
                    out.append((t.name, label(t.name)))
        return sorted(out, key=lambda x: x[1].lower())

    def browse(self, table: str, *, status: str | None = None, limit: int = 500) -> list[BrowseRow]:
        """The most recently changed records of `table` with their sync status (optionally
        only one status), newest first. Summaries never show citizens' personal data."""
        from rcdesk.sync.tables import personal_columns, raw_table, table_by_name

        t = table_by_name(table)
        if t is None:
            raise UserError(f"Tipo de registro desconocido: {table}.")
        personal = set(personal_columns(t))
        cols = [c.name for c in t.columns if c.name not in personal]
        rt = raw_table(table)
        scan = limit if status is None else max(limit * 10, 5000)
        with self.db.connect() as conn:
            rows = (
                conn.execute(select(*[rt.c[c] for c in cols]).order_by(rt.c.change_seq.desc()).limit(scan))
                .mappings()
                .all()
            )
        statuses = self.statuses(table, [r["id"] for r in rows])
        out = []
        for r in rows:
            st = statuses.get(r["id"], RecordStatus(ST_LOCAL))
            if status is not None and st.code != status:
                continue
            out.append(
                BrowseRow(
                    table,
                    r["id"],
                    _record_summary(r, cols),
                    int(r["version"]),
                    str(r["updated_at"] or "")[:16],
                    bool(r["deleted"]),
                    st,
                )
            )
            if len(out) >= limit:
                break
        return out

    # -- keys -------------------------------------------------------------------------
    def export_keys(self, out: Path, passphrase: str) -> Path:
        from rcdesk.reports.output import write_bytes
        from rcdesk.sync.keys import export_keys

        return write_bytes(out, export_keys(self.db, passphrase))

    def change_hq_passphrase(self) -> str:
        """A server headquarters' passphrase changed (the current one, then the new one, asked the
        way `rcdesk.sync.hq_keys` asks); keys kept in clear are sealed. The unchanged fingerprint."""
        from rcdesk.sync.hq_keys import change_passphrase
        from rcdesk.sync.keys import fingerprint, public_keys

        if not self.db.is_server:
            raise UserError(
                "Esta base de datos es un archivo de este equipo: sus claves no llevan frase de paso de la sede. "
                "La frase de paso protege las claves de una sede central en un servidor PostgreSQL."
            )
        change_passphrase(self.db)
        return fingerprint(public_keys(self.db)[0])

    def import_keys(self, path: Path, passphrase: str) -> str:
        from rcdesk.sync.keys import fingerprint, import_keys

        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise UserError(f"No se puede leer «{path}»: {exc.strerror}.") from exc
        ring = import_keys(self.db, data, passphrase)
        return fingerprint(ring.sign_public)

    # -- consolidated files -----------------------------------------------------------
    def export_consolidated(
        self, out: Path, *, progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED
    ) -> dict:
        out = Path(out)
        suffix = out.suffix.lower()
        if suffix == ".xlsx":
            from rcdesk.services.consolidated_report import export_xlsx

            return export_xlsx(self.db, out, progress=progress, cancel=cancel)
        if suffix == ".pdf":
            from rcdesk.services.consolidated_report import export_pdf

            return export_pdf(self.db, out, progress=progress, cancel=cancel)
        raise UserError(f"«{out.name}»: el archivo consolidado debe terminar en .xlsx o .pdf.")


_SUMMARY_KEYS = ("title", "name", "description", "number", "code", "question", "text", "filename", "content")


def _record_summary(r, cols: list[str]) -> str:
    """A short readable line for a record (its title, name, description…)."""
    for key in _SUMMARY_KEYS + tuple(c for c in cols if c not in _SUMMARY_KEYS):
        if key in ("id", "modified_by", "created_at", "updated_at") or key.endswith("_id"):
            continue
        v = r.get(key) if key in cols else None
        if isinstance(v, str) and v.strip() and not v.lstrip().startswith(("{", "[")):
            return " ".join(v.split())[:90]
    return ""
