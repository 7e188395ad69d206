"""Consolidation of field packages at headquarters, and the machinery base packages reuse.

One package = one transaction. Before anything is written the package is verified
(structure, limits, signature, member hashes: `package.open_package`), its author checked
(registered and trusted, key matching the pinned one, not revoked; an unknown author sends
the package to quarantine), its place in the author's chain checked (sequence number and
previous-package hash), personal data decrypted and every record validated (known kind and
columns, identifiers, required values, value types, references to records that exist here
or in the same package). Only then are records applied, with Core bulk statements:

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
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from rcdesk.db.stamping import allocate_seq
from rcdesk.errors import UserError
from rcdesk.ids import new_id, utcnow
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.models.core import ROLE_HQ, AuditLog
from rcdesk.models.sync import CONFLICT_DISCARDED, CONFLICT_OPEN, SyncConflict, SyncPackage, SyncPeer
from rcdesk.sync import peers
from rcdesk.sync.package import EXTENSION, OpenedPackage, open_package
from rcdesk.sync.scope import is_evidence_table
from rcdesk.sync.tables import (
    EVIDENCE_HASH_COLUMN,
    ID_RE,
    binary_columns,
    content_columns,
    exchange_tables,
    fk_columns,
    from_wire,
    label,
    raw_table,
    table_by_name,
)

BATCH = 2000
ST_DONE = "consolidado"
ST_IMPORTED = "importado"
ST_REJECTED = "rechazado"
ST_QUARANTINE = "en cuarentena"
STATUS_LABELS = {ST_DONE: "Consolidado", ST_IMPORTED: "Importado", ST_REJECTED: "Rechazado",
                 ST_QUARANTINE: "En cuarentena"}

INSERT, UPDATE, SAME, CONFLICT, DISCARD, KEEP_LOCAL = "insert", "update", "same", "conflict", "discard", "keep"

_DT_RE = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?$")
_D_RE = re.compile(r"^\d{4}-\d\d-\d\d$")


class Quarantine(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class KindCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    rejected: int = 0

    def add(self, other: "KindCounts") -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def as_json(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class PackageReport:
    file: str
    kind: str = ""
    status: str = ST_REJECTED
    message: str = ""
    installation_id: str | None = None
    installation_name: str = ""
    seq: int | None = None
    sha256: str = ""
    kinds: dict[str, KindCounts] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    def counts(self, kind: str) -> KindCounts:
        return self.kinds.setdefault(kind, KindCounts())

    def total(self) -> KindCounts:
        t = KindCounts()
        for c in self.kinds.values():
            t.add(c)
        return t

    def as_json(self) -> dict:
        return {
            "file": self.file, "kind": self.kind, "status": self.status, "message": self.message,
            "installation_id": self.installation_id, "installation_name": self.installation_name,
            "seq": self.seq, "sha256": self.sha256, "warnings": self.warnings, "details": self.details,
            "kinds": {k: v.as_json() for k, v in self.kinds.items()},
        }


@dataclass
class ImportResult:
    packages: list[PackageReport] = field(default_factory=list)

    def total(self) -> KindCounts:
        t = KindCounts()
        for p in self.packages:
            t.add(p.total())
        return t

    @property
    def rejected(self) -> list[PackageReport]:
        return [p for p in self.packages if p.status == ST_REJECTED]

    @property
    def quarantined(self) -> list[PackageReport]:
        return [p for p in self.packages if p.status == ST_QUARANTINE]

    def by_kind(self) -> dict[str, KindCounts]:
        out: dict[str, KindCounts] = {}
        for p in self.packages:
            for k, c in p.kinds.items():
                out.setdefault(k, KindCounts()).add(c)
        return out

    def as_json(self) -> dict:
        t = self.total()
        return {
            "packages": len([p for p in self.packages if p.status in (ST_DONE, ST_IMPORTED)]),
            "inserted": t.inserted, "updated": t.updated, "unchanged": t.unchanged,
            "conflicts": t.conflicts,
            "rejected": [{"file": p.file, "reason": p.message} for p in self.rejected],
            "quarantined": [{"file": p.file, "reason": p.message} for p in self.quarantined],
            "rejected_records": t.rejected,
            "kinds": {k: v.as_json() for k, v in self.by_kind().items()},
            "warnings": [w for p in self.packages for w in p.warnings],
            "reports": [p.as_json() for p in self.packages],
        }

    def text(self) -> str:
        lines = []
        for p in self.packages:
            head = f"{p.file}: {STATUS_LABELS.get(p.status, p.status)}"
            if p.installation_name:
                head += f" — {p.installation_name}" + (f", paquete n.º {p.seq}" if p.seq else "")
            lines.append(head)
            if p.message and p.status != ST_DONE:
                lines.append(f"  {p.message}")
            for d in p.details[:20]:
                lines.append(f"    - {d}")
            for k, c in p.kinds.items():
                if p.status in (ST_DONE, ST_IMPORTED):
                    lines.append(f"  {label(k)}: {c.inserted} nuevos, {c.updated} actualizados, "
                                 f"{c.unchanged} sin cambios, {c.conflicts} en conflicto, {c.rejected} rechazados")
            for w in p.warnings:
                lines.append(f"  Aviso: {w}")
        t = self.total()
        lines.append(f"Total: {t.inserted} nuevos, {t.updated} actualizados, {t.unchanged} sin cambios, "
                     f"{t.conflicts} en conflicto; {len(self.rejected)} paquete(s) rechazado(s), "
                     f"{len(self.quarantined)} en cuarentena.")
        return "\n".join(lines)


# -- reading and validating the records of a package --------------------------------------
def _kind(col: sa.Column) -> str | None:
    """The check applied to a column's stored values (see `_check_column`)."""
    t = col.type
    if isinstance(t, sa.Boolean):
        return "bool"
    if isinstance(t, sa.Integer):
        return "int"
    if isinstance(t, (sa.Float, sa.Numeric)):
        return "num"
    if isinstance(t, sa.DateTime):
        return "datetime"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, sa.LargeBinary):
        return "bin"
    if isinstance(t, (sa.String, sa.Text, sa.JSON)):
        return "str"
    return None


_ALLOWED_TYPES = {"bool": {int}, "int": {int}, "num": {int, float, str}, "datetime": {str}, "date": {str},
                  "bin": {dict, bytes}, "str": {str}}


def _bad_value(kind: str, v: object) -> bool:
    if type(v) not in _ALLOWED_TYPES[kind]:
        return True
    if kind == "bool":
        return v not in (0, 1)
    if kind == "datetime":
        return _DT_RE.match(v) is None
    if kind == "date":
        return _D_RE.match(v) is None
    return False


def _check_column(kind: str | None, values: tuple) -> bool:
    """True when every non-NULL stored value fits the column (fast, column at a time)."""
    if kind is None:
        return True
    present = [v for v in values if v is not None]
    if not present:
        return True
    if not set(map(type, present)) <= _ALLOWED_TYPES[kind]:
        return False
    if kind == "bool":
        return set(present) <= {0, 1}
    if kind == "datetime":
        return all(map(_DT_RE.match, present))
    if kind == "date":
        return all(map(_D_RE.match, present))
    return True


_TYPE_WORDS = {"Boolean": "sí/no", "Integer": "número entero", "Float": "número", "Numeric": "número",
               "DateTime": "fecha y hora", "Date": "fecha", "String": "texto", "Text": "texto", "JSON": "texto JSON"}


@dataclass
class TableRows:
    table: sa.Table
    columns: list[str]
    rows: list[list]  # values in `columns` order, then the base version

    @property
    def name(self) -> str:
        return self.table.name


def read_tables(pkg: OpenedPackage, opener=None, *, cancel: CancelToken = NEVER_CANCELLED,  # noqa: ANN001
                progress: ProgressFn = no_progress) -> Iterable[TableRows]:
    """Yield the validated rows of every table in the package, in dependency order."""
    fname = pkg.file_name
    declared = pkg.manifest.get("tables") or {}
    if not isinstance(declared, dict):
        raise UserError(f"«{fname}»: el manifiesto no describe los registros.")
    unknown = [n for n in declared if table_by_name(n) is None]
    if unknown:
        raise UserError(f"«{fname}» contiene tipos de registro que esta versión de rcdesk no conoce "
                        f"({', '.join(unknown)}). Actualice rcdesk para importarlo.")
    total = sum(int((declared[n] or {}).get("count", 0)) for n in declared)
    done = 0
    for table in exchange_tables():
        spec = declared.get(table.name)
        if spec is None:
            continue
        cancel.check()
        tr = _read_table(pkg, table, spec, opener)
        done += len(tr.rows)
        progress(done, total, f"Verificando {label(table.name)}")
        yield tr


def parse_lines(data: bytes) -> list:
    """JSON lines -> list of values, parsed in one call (JSON strings never hold raw newlines)."""
    text = data.decode("utf-8").strip()
    if not text:
        return []
    return json.loads("[" + text.replace("\n", ",") + "]")


def _read_table(pkg: OpenedPackage, table: sa.Table, spec: dict, opener) -> TableRows:  # noqa: ANN001
    fname = pkg.file_name
    name = table.name
    columns = spec.get("columns")
    local = {c.name: c for c in table.columns}
    if not isinstance(columns, list) or "id" not in columns or "version" not in columns or "deleted" not in columns:
        raise UserError(f"«{fname}»: el manifiesto no describe las columnas de «{label(name)}».")
    extra = [c for c in columns if c not in local or c == "change_seq"]
    if extra:
        raise UserError(f"«{fname}»: «{label(name)}» trae columnas desconocidas ({', '.join(extra)}); "
                        "el paquete es de una versión más reciente de rcdesk.")
    missing = [c.name for c in table.columns
               if c.name not in columns and c.name != "change_seq" and not c.nullable]
    if missing:
        raise UserError(f"«{fname}»: a «{label(name)}» le faltan columnas obligatorias ({', '.join(missing)}).")
    member = f"records/{name}.jsonl"
    rows = pkg.lines(member) if pkg.has(member) else []
    if len(rows) != int(spec.get("count", -1)):
        raise UserError(f"«{fname}»: «{label(name)}» declara {spec.get('count')} registros pero trae {len(rows)}.")
    width = len(columns) + 1
    personal = spec.get("personal") or []
    pidx = [columns.index(c) for c in personal if c in columns]
    if len(pidx) != len(personal):
        raise UserError(f"«{fname}»: las columnas personales de «{label(name)}» no coinciden con el manifiesto.")
    if personal and rows:
        pmember = f"personal/{name}.jsonl.enc"
        if opener is None:
            raise UserError(f"«{fname}» trae datos personales cifrados y esta instalación no puede descifrarlos.")
        plain = opener.open(pkg.read(pmember), pmember.encode("ascii") + b"|" + pkg.manifest["package_id"].encode())
        try:
            plines = parse_lines(plain)
        except ValueError as exc:
            raise UserError(f"«{fname}»: los datos personales de «{label(name)}» están dañados.") from exc
        if len(plines) != len(rows):
            raise UserError(f"«{fname}»: los datos personales de «{label(name)}» no corresponden a sus registros.")
    else:
        plines = None
    id_i = columns.index("id")
    bins = binary_columns(table)
    errors: list[str] = []
    bad_width = [n for n, row in enumerate(rows, 1) if row.__class__ is not list or len(row) != width]
    if bad_width:
        raise UserError(f"«{fname}»: hay registros no válidos; no se importó nada.",
                        details=[f"{label(name)}, fila {n}: número de valores incorrecto" for n in bad_width[:20]])
    if plines is not None:
        for row, pl in zip(rows, plines):
            if pl.__class__ is not list or len(pl) != len(pidx):
                raise UserError(f"«{fname}»: los datos personales de «{label(name)}» están incompletos.")
            for j, i in enumerate(pidx):
                row[i] = pl[j]
    by_column = list(zip(*rows)) if rows else [()] * width
    ids = by_column[id_i]
    if len(set(ids)) != len(ids) or not all(isinstance(r, str) and ID_RE.match(r) for r in ids):
        seen: set = set()
        for n, rid in enumerate(ids, 1):
            if not isinstance(rid, str) or not ID_RE.match(rid):
                errors.append(f"{label(name)}, fila {n}: identificador no válido ({str(rid)[:40]!r})")
            elif rid in seen:
                errors.append(f"{label(name)}, fila {n}: el registro {rid} aparece dos veces")
            seen.add(rid)
    bases = by_column[-1]
    if not _check_column("int", bases) or None in bases or any(b < 0 for b in bases):
        errors += [f"{label(name)}, fila {n}: versión base no válida" for n, b in enumerate(bases, 1)
                   if not isinstance(b, int) or isinstance(b, bool) or b < 0][:5]
    for i, c in enumerate(columns):
        col = local[c]
        kind = _kind(col)
        values = by_column[i]
        if not col.nullable and None in values:
            errors += [f"{label(name)}, fila {n} ({ids[n - 1]}), campo «{c}»: falta el valor obligatorio"
                       for n, v in enumerate(values, 1) if v is None][:5]
        if not _check_column(kind, values):
            word = _TYPE_WORDS.get(type(col.type).__name__, type(col.type).__name__.lower())
            errors += [f"{label(name)}, fila {n} ({ids[n - 1]}), campo «{c}»: se esperaba {word}, "
                       f"llegó {str(v)[:40]!r}" for n, v in enumerate(values, 1)
                       if v is not None and _bad_value(kind, v)][:5]
        if len(errors) >= 20:
            break
    if errors:
        raise UserError(f"«{fname}»: hay registros no válidos; no se importó nada.", details=errors[:20])
    if bins:
        bidx = [columns.index(c) for c in bins if c in columns]
        for row in rows:
            for i in bidx:
                row[i] = from_wire(row[i])
    return TableRows(table, columns, rows)


def check_references(conn, fname: str, tables: list[TableRows]) -> None:  # noqa: ANN001
    """Every foreign key points to a record that exists here or comes in the package."""
    in_package: dict[str, set[str]] = {}
    for tr in tables:
        i = tr.columns.index("id")
        in_package.setdefault(tr.name, set()).update(r[i] for r in tr.rows)
    errors = []
    for tr in tables:
        for col, ref in fk_columns(tr.table):
            if col not in tr.columns:
                continue
            i = tr.columns.index(col)
            wanted = {r[i] for r in tr.rows if r[i] is not None} - in_package.get(ref, set())
            if not wanted:
                continue
            rt = raw_table(ref)
            found: set[str] = set()
            vals = list(wanted)
            for k in range(0, len(vals), 900):
                found.update(conn.execute(select(rt.c.id).where(rt.c.id.in_(vals[k:k + 900]))).scalars())
            for v in sorted(wanted - found)[:10]:
                n = next(k for k, r in enumerate(tr.rows, 1) if r[i] == v)
                errors.append(f"{label(tr.name)}, fila {n}, campo «{col}»: hace referencia a un registro de "
                              f"{label(ref)} que no existe ({v})")
    if errors:
        raise UserError(f"«{fname}»: hay registros que hacen referencia a datos inexistentes; no se importó nada.",
                        details=errors)


# -- applying ---------------------------------------------------------------------------
_STATEMENTS: dict = {}


def _statements(name: str, columns: tuple, dialect) -> tuple:  # noqa: ANN001
    """Insert (dicts), insert compiled for tuples, and update statements; built once per shape."""
    key = (name, columns, dialect.name)
    got = _STATEMENTS.get(key)
    if got is None:
        rt = raw_table(name)
        ins_cols = [c for c in columns if c != "change_seq"] + ["change_seq"]
        compiled = insert(rt).values({c: bindparam(c) for c in ins_cols}).compile(dialect=dialect)
        assert list(compiled.positiontup) == ins_cols
        sets = {c: bindparam(f"p_{c}") for c in columns if c != "id"}
        sets["change_seq"] = bindparam("p_change_seq")
        upd = update(rt).where(rt.c.id == bindparam("p_id")).values(sets)
        got = _STATEMENTS[key] = (insert(rt), str(compiled), upd)
    return got


class Applier:
    """Bulk writes for one table with Core statements on typeless columns."""

    def __init__(self, conn, table: sa.Table, columns: list[str],  # noqa: ANN001
                 withheld: list[str] | None = None) -> None:
        self.conn = conn
        self.table = table
        self.columns = columns
        self.rt = raw_table(table.name)
        self.ins, self.ins_sql, self.upd = _statements(table.name, tuple(columns), conn.dialect)
        self.content = [c for c in content_columns(table) if c in columns]
        # personal columns headquarters withheld from the field's base package: a NULL from
        # the field there means "not known on the laptop", never "erase it"
        self.keep_if_null = [c for c in (withheld or []) if c in columns]

    def fill_withheld(self, r: dict, h: dict) -> None:
        for c in self.keep_if_null:
            if r[c] is None and h[c] is not None:
                r[c] = h[c]

    def existing(self, ids: list[str]) -> dict[str, dict]:
        out = {}
        for k in range(0, len(ids), 900):
            for row in self.conn.execute(select(self.rt).where(self.rt.c.id.in_(ids[k:k + 900]))):
                m = row._mapping
                out[m["id"]] = dict(m)
        return out

    def same(self, r: dict, h: dict) -> bool:
        if self.keep_if_null:
            self.fill_withheld(r, h)
        return all(r[c] == h[c] for c in self.content)

    def diff(self, r: dict, h: dict) -> list[str]:
        if self.keep_if_null:
            self.fill_withheld(r, h)
        return [c for c in self.content if r[c] != h[c]]

    def insert(self, rows: list) -> None:
        """Insert dicts (column -> value) or tuples (columns in order, then change_seq)."""
        if not rows:
            return
        if isinstance(rows[0], dict):
            self.conn.execute(self.ins, rows)
        else:  # the bulk path: the compiled insert through the driver's executemany
            self.conn.exec_driver_sql(self.ins_sql, rows)

    def update(self, rows: list[dict]) -> None:
        if rows:
            self.conn.execute(self.upd, [{f"p_{k}": v for k, v in r.items()} for r in rows])


def _jsonable_row(d: dict) -> str:
    from rcdesk.sync.tables import to_wire

    return json.dumps({k: to_wire(v) for k, v in d.items() if k != "change_seq"}, ensure_ascii=False)


class SeqRange:
    def __init__(self, conn) -> None:  # noqa: ANN001
        self.conn = conn
        self.first: int | None = None
        self.last: int | None = None

    def take(self, n: int) -> int:
        start = allocate_seq(self.conn, n)
        if n:
            self.first = start if self.first is None else self.first
            self.last = start + n - 1
        return start


def classify_hq(r: dict, h: dict | None, src: str, applier: Applier) -> str:
    if h is None:
        return INSERT
    if h["deleted"] and r["deleted"]:
        return SAME
    if applier.same(r, h):
        return SAME
    if h["deleted"]:
        return DISCARD
    if h["modified_by"] == src:
        return UPDATE if r["version"] >= h["version"] else SAME
    if r["_base"] == h["version"]:
        return UPDATE
    return CONFLICT


def apply_field_tables(conn, pkg: OpenedPackage, tables: list[TableRows], report: PackageReport,  # noqa: ANN001
                       src: str, seqs: SeqRange, cancel: CancelToken, progress: ProgressFn) -> None:
    total = sum(len(t.rows) for t in tables)
    done = 0
    now = utcnow()
    declared = pkg.manifest.get("tables") or {}
    for tr in tables:
        withheld = (declared.get(tr.name) or {}).get("withheld") or []
        ap = Applier(conn, tr.table, tr.columns, withheld if isinstance(withheld, list) else [])
        counts = report.counts(tr.name)
        cols = tr.columns
        discarded = 0
        id_i = cols.index("id")
        for k in range(0, len(tr.rows), BATCH):
            cancel.check()
            batch = tr.rows[k:k + BATCH]
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
            ins = [(*r[:-1], start + i) for i, r in enumerate(new_rows)]
            start += len(ins)
            for r in upd:
                del r["_base"]
                r["change_seq"] = start
                start += 1
            ap.insert(ins)
            ap.update(upd)
            counts.inserted += len(ins)
            counts.updated += len(upd)
            for action, r, h in conflicts:
                _queue_conflict(conn, tr.name, r, h, src, pkg.sha256, ap, action, now)
                if action == CONFLICT:
                    counts.conflicts += 1
                else:
                    counts.rejected += 1
                    discarded += 1
            done += len(batch)
            progress(done, total, f"Consolidando {label(tr.name)}")
        if discarded:
            report.warnings.append(f"{label(tr.name)}: {discarded} cambio(s) a registros eliminados en la sede no "
                                   "se aplicaron (un registro eliminado no se revive); quedan archivados en "
                                   "la revisión de conflictos como «descartados».")


def _queue_conflict(conn, table_name: str, r: dict, h: dict, src: str, sha: str, ap: Applier,  # noqa: ANN001
                    action: str, now) -> None:  # noqa: ANN001
    base = r.pop("_base")
    ct = SyncConflict.__table__
    fields = ap.diff(r, h)
    status = CONFLICT_OPEN if action == CONFLICT else CONFLICT_DISCARDED
    prev = conn.execute(select(ct.c.id).where(
        ct.c.table_name == table_name, ct.c.record_id == r["id"], ct.c.installation_id == src,
        ct.c.status == CONFLICT_OPEN)).scalar()
    values = dict(package_sha=sha, base_version=base, local_version=h["version"], incoming_version=r["version"],
                  local_data=_jsonable_row(h), incoming_data=_jsonable_row(r), fields=json.dumps(fields),
                  status=status, created_at=now)
    if prev is not None and status == CONFLICT_OPEN:
        conn.execute(update(ct).where(ct.c.id == prev).values(**values))
    else:
        conn.execute(insert(ct).values(id=new_id(), table_name=table_name, record_id=r["id"],
                                       installation_id=src, **values))


def store_evidence(db, pkg: OpenedPackage, tables: list[TableRows], report: PackageReport) -> None:  # noqa: ANN001
    """Copy the package's evidence files into the content store, checking every hash."""
    import hashlib
    import os

    from rcdesk.sync.field_package import find_blob

    names = [n for n in pkg.manifest["members"] if n.startswith("evidence/")]
    store = db.paths.evidence if db.paths is not None else None
    for n in names:
        fname = n.split("/", 1)[1]
        sha = fname[:64]
        if store is None:
            got = hashlib.sha256(pkg.read(n)).hexdigest()
        else:
            dest = store / sha[:2] / fname
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".{fname}.{os.getpid()}.parcial")
            try:
                with open(tmp, "wb") as fh:
                    got = pkg.copy_to(n, fh)
                if got == sha and find_blob(db, sha) is None:
                    os.replace(tmp, dest)
            finally:
                tmp.unlink(missing_ok=True)
        if got != sha:
            raise UserError(f"«{pkg.file_name}»: el archivo de evidencia «{n}» no coincide con su huella SHA-256 "
                            "(archivo alterado); no se importó nada.")
    referenced = set()
    for tr in tables:
        if is_evidence_table(tr.table) and EVIDENCE_HASH_COLUMN in tr.columns:  # not an acta's fingerprint
            i = tr.columns.index(EVIDENCE_HASH_COLUMN)
            referenced.update(r[i] for r in tr.rows if isinstance(r[i], str) and len(r[i]) == 64)
    carried = {n.split("/", 1)[1][:64] for n in names}
    missing = [s for s in referenced - carried if store is None or find_blob(db, s) is None]
    if missing:
        report.warnings.append(f"{len(missing)} archivo(s) de evidencia no vinieron en el paquete ni están en la "
                               "sede (evidencia faltante).")


def consolidate_package(db, pkg: OpenedPackage, *, progress: ProgressFn = no_progress,  # noqa: ANN001
                        cancel: CancelToken = NEVER_CANCELLED) -> PackageReport:
    """Consolidate one verified field package (raises UserError / Quarantine, DB untouched)."""
    from rcdesk.sync.keys import Opener, load_or_create

    m = pkg.manifest
    author = m["installation"]
    report = PackageReport(file=pkg.file_name, kind="field", installation_id=author["id"],
                           installation_name=author.get("name", ""), seq=m["seq"], sha256=pkg.sha256)
    for name, spec in (m.get("tables") or {}).items():
        report.counts(name)
    if db.role != ROLE_HQ:
        raise UserError(f"«{pkg.file_name}» es un paquete de campo: se consolida en la sede central, no en esta "
                        "instalación de campo.")
    target = (m.get("target") or {}).get("id")
    if target != db.installation_id:
        raise UserError(f"«{pkg.file_name}» está dirigido a otra sede central "
                        f"(«{(m.get('target') or {}).get('name', '?')}», {target}); no se importó nada.")
    ring = load_or_create(db)
    src = author["id"]
    if src == db.installation_id:
        raise UserError(f"«{pkg.file_name}» fue creado por esta misma instalación.")
    with db.connect() as conn:
        pk = SyncPackage.__table__
        dup = conn.execute(select(pk.c.processed_at).where(pk.c.sha256 == pkg.sha256)).first()
        if dup is not None:
            raise UserError(f"«{pkg.file_name}» ya fue consolidado el {dup[0]:%d/%m/%Y %H:%M}; volver a importarlo "
                            "no cambia nada.")
        peer = conn.execute(select(SyncPeer.__table__).where(SyncPeer.installation_id == src)).mappings().first()
        if peer is not None and peer["revoked"]:
            raise UserError(f"«{pkg.file_name}» está firmado por «{author.get('name')}», una instalación revocada; "
                            "no se importó nada.")
        if peer is None or not peer["trusted"] or not peer["sign_public"]:
            raise Quarantine(f"«{author.get('name')}» ({src}) todavía no es una instalación de confianza. El paquete "
                             "espera en cuarentena hasta que la sede la acepte (huella de su clave: "
                             f"{_fp(author.get('sign_public'))}).")
        if peer["sign_public"] != author.get("sign_public"):
            raise UserError(f"«{pkg.file_name}» dice venir de «{author.get('name')}» pero su clave de firma no es la "
                            "registrada para esa instalación (posible suplantación); no se importó nada.")
        last = int(peer["last_seq"] or 0)
        seq = int(m["seq"])
        if seq <= last:
            raise UserError(f"«{pkg.file_name}» es el paquete n.º {seq} de «{author.get('name')}», anterior al último "
                            f"consolidado (n.º {last}): llegó fuera de orden y su contenido ya está incluido en los "
                            "posteriores. No se importó nada.")
        if seq > last + 1:
            acked = int(m.get("acked_seq") or 0)
            if acked > last and not m.get("full"):
                raise Quarantine(f"Faltan los paquetes n.º {last + 1} a {seq - 1} de «{author.get('name')}»; este "
                                 "espera en cuarentena hasta que lleguen.")
            report.warnings.append(f"No llegaron los paquetes n.º {last + 1} a {seq - 1} de «{author.get('name')}»; "
                                   "su contenido viene incluido en este (cada paquete lleva todo lo no confirmado).")
        elif peer["last_hash"] and m.get("prev_hash") != peer["last_hash"]:
            raise UserError(f"«{pkg.file_name}» no continúa la cadena de paquetes de «{author.get('name')}» (el "
                            "paquete anterior no es el que tiene la sede). No se importó nada.")
        enc = m.get("encryption")
        opener = None
        if enc:
            if enc.get("recipient") != db.installation_id:
                raise UserError(f"«{pkg.file_name}»: los datos personales están cifrados para otra sede central.")
            opener = Opener(ring.enc_key, enc["ephemeral_public"])
        tables = list(read_tables(pkg, opener, cancel=cancel, progress=progress))
        check_references(conn, pkg.file_name, tables)
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        seqs = SeqRange(conn)
        try:
            apply_field_tables(conn, pkg, tables, report, src, seqs, cancel, progress)
        except IntegrityError as exc:
            raise UserError(f"«{pkg.file_name}»: los registros chocan con datos existentes ({exc.orig}); "
                            "no se importó nada.") from exc
        store_evidence(db, pkg, tables, report)
        counts = {k: v.as_json() for k, v in report.kinds.items()}
        conn.execute(insert(pk).values(
            sha256=pkg.sha256, package_id=m["package_id"], direction="in", kind="field", installation_id=src,
            target_id=db.installation_id, seq=seq, prev_hash=m.get("prev_hash"), file_name=pkg.file_name[:300],
            created_at=_parse_dt(m.get("created_at")), processed_at=utcnow(), counts=json.dumps(counts),
            report=json.dumps({"warnings": report.warnings}, ensure_ascii=False),
            local_seq_from=seqs.first, local_seq_to=seqs.last))
        conn.execute(update(SyncPeer.__table__).where(SyncPeer.installation_id == src).values(
            last_seq=seq, last_hash=pkg.sha256))
        if author.get("name"):
            from rcdesk.models.core import Installation

            it = Installation.__table__
            conn.execute(update(it).where(it.c.id == src, it.c.is_self.is_(False)).values(name=author["name"][:200]))
        conn.execute(insert(AuditLog.__table__).values(
            at=utcnow(), installation_id=db.installation_id, user=db.user[:100], table_name="sync_package",
            record_id=m["package_id"], action="import",
            changes=json.dumps({"archivo": pkg.file_name, "origen": author.get("name"), "n": seq,
                                "registros": counts}, ensure_ascii=False)))
        try:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = OFF")
        except Exception:  # noqa: BLE001
            pass
    report.status = ST_DONE
    t = report.total()
    report.message = (f"{t.inserted} nuevos, {t.updated} actualizados, {t.unchanged} sin cambios, "
                      f"{t.conflicts} en conflicto")
    return report


def _fp(key: str | None) -> str:
    from rcdesk.sync.keys import fingerprint

    return fingerprint(key)


def _parse_dt(text: str | None):  # noqa: ANN202
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return utcnow()


# -- batch driver -----------------------------------------------------------------------
def expand(files: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for f in files:
        f = Path(f)
        if f.is_dir():
            out.extend(sorted(p for p in f.iterdir() if p.is_file() and p.suffix.lower() in (EXTENSION, ".zip")))
        else:
            out.append(f)
    if not out:
        raise UserError("No se encontró ningún paquete (.rcpaq) para importar.")
    return out


_KIND_ORDER = {"base": 0, "field": 1, "receipt": 2}


def import_files(db, files: Iterable[Path], *, kinds: tuple[str, ...] = ("field", "base", "receipt"),  # noqa: ANN001
                 progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED,
                 retry_quarantine: bool = True) -> ImportResult:
    """Import packages (files or folders). Each package is one transaction; a bad package
    is reported and does not stop the others."""
    from rcdesk.db.migrate import head_version

    result = ImportResult()
    opened: list[OpenedPackage] = []
    paths = expand(files)
    for i, p in enumerate(paths):
        cancel.check()
        progress(i, len(paths), f"Verificando {p.name}")
        try:
            pkg = open_package(p, schema_version=head_version())
        except UserError as exc:
            result.packages.append(PackageReport(file=p.name, status=ST_REJECTED, message=exc.message,
                                                 details=exc.details))
            continue
        if pkg.kind not in kinds:
            result.packages.append(PackageReport(
                file=p.name, kind=pkg.kind, status=ST_REJECTED,
                message=f"«{p.name}» es un {_kind_label(pkg.kind)}, no un {' ni un '.join(_kind_label(k) for k in kinds)}."))
            pkg.close()
            continue
        opened.append(pkg)
    opened.sort(key=lambda k: (_KIND_ORDER.get(k.kind, 9), k.author["id"], k.manifest["seq"]))
    try:
        for i, pkg in enumerate(opened):
            cancel.check()
            progress(i, len(opened), f"Importando {pkg.file_name}")
            result.packages.append(_import_one(db, pkg, progress=progress, cancel=cancel))
    finally:
        for pkg in opened:
            pkg.close()
    if retry_quarantine and any(p.status == ST_DONE for p in result.packages):
        result.packages.extend(retry_quarantined(db, progress=progress, cancel=cancel).packages)
    return result


def _kind_label(kind: str) -> str:
    from rcdesk.sync.package import KINDS

    return KINDS.get(kind, kind)


def _import_one(db, pkg: OpenedPackage, *, progress: ProgressFn, cancel: CancelToken,  # noqa: ANN001
                from_quarantine: bool = False) -> PackageReport:
    from rcdesk.sync import base_package, receipt

    try:
        if pkg.kind == "field":
            rep = consolidate_package(db, pkg, progress=progress, cancel=cancel)
        elif pkg.kind == "base":
            rep = base_package.import_base(db, pkg, progress=progress, cancel=cancel)
        else:
            rep = receipt.import_receipt(db, pkg)
        if from_quarantine:
            peers.release_from_quarantine(db, pkg.sha256)
        return rep
    except Quarantine as q:
        if not from_quarantine:
            peers.put_in_quarantine(db, pkg, q.reason)
        rep = PackageReport(file=pkg.file_name, kind=pkg.kind, status=ST_QUARANTINE, message=q.reason,
                            installation_id=pkg.author["id"], installation_name=pkg.author.get("name", ""),
                            seq=pkg.manifest.get("seq"), sha256=pkg.sha256)
        return rep
    except UserError as exc:
        rep = PackageReport(file=pkg.file_name, kind=pkg.kind, status=ST_REJECTED, message=exc.message,
                            details=exc.details, installation_id=pkg.author["id"],
                            installation_name=pkg.author.get("name", ""), seq=pkg.manifest.get("seq"),
                            sha256=pkg.sha256)
        for name, spec in (pkg.manifest.get("tables") or {}).items():
            if isinstance(spec, dict):
                rep.counts(name).rejected = int(spec.get("count", 0) or 0)
        if from_quarantine:  # refused for good: reported now, no longer waiting
            peers.release_from_quarantine(db, pkg.sha256)
        return rep


def retry_quarantined(db, *, progress: ProgressFn = no_progress,  # noqa: ANN001
                      cancel: CancelToken = NEVER_CANCELLED) -> ImportResult:
    """Try again every package waiting in quarantine (after trusting an installation or
    after the missing packages arrived); the ones that still cannot go in stay there."""
    from rcdesk.db.migrate import head_version

    result = ImportResult()
    waiting = peers.quarantined(db)
    pkgs = []
    for q in waiting:
        try:
            pkg = open_package(Path(q["path"]), schema_version=head_version())
            pkg.display_name = q.get("file") or None
            pkgs.append(pkg)
        except UserError:
            continue
    pkgs.sort(key=lambda k: (k.author["id"], k.manifest["seq"]))
    progressed = True
    try:
        while progressed and pkgs:
            progressed = False
            for pkg in list(pkgs):
                cancel.check()
                rep = _import_one(db, pkg, progress=progress, cancel=cancel, from_quarantine=True)
                if rep.status != ST_QUARANTINE:
                    result.packages.append(rep)
                    pkgs.remove(pkg)
                    pkg.close()
                    progressed = progressed or rep.status == ST_DONE
    finally:
        for pkg in pkgs:
            pkg.close()
    return result
