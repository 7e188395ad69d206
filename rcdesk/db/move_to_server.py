"""Move a headquarters kept in one desktop's SQLite file to a PostgreSQL server, history included.

`rcdesk server move --to URL` and the GUI's «Mover esta sede a un servidor…». The target must be an
empty database (nothing in it, or only rcdesk's schema without rows); anything else is refused
before a single write. Everything happens in one server transaction: the same Alembic history
builds the schema, every table is copied in foreign-key order, converted through the package's
canonical wire forms (`rcdesk/sync/wire.py`: the values a laptop's package would carry, bound as
the server's own types) and streamed with the driver's `COPY` in chunks, so memory does not grow
with the rows. Then the counters move past what was copied (serial ids and the change-number
sequence of revision 0013), the evidence folder's files go into the shared blobs (revision 0014),
the keys travel as `sync_key` rows, and every table's row count and content checksum are compared
with the source before the commit. A failure or a cancel rolls it all back: the server database is
left as it was, and the SQLite file is only ever opened read-only.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from rcdesk.errors import UserError
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress

CHUNK = 5000
# filled by the migrations themselves and kept by the server's triggers, never copied
_DERIVED = {"person_count"}
_MOD = 1 << 256
_BLOB_NAME = re.compile(r"^[0-9a-f]{64}(\.[A-Za-z0-9]{1,10})?$")


@dataclass
class MoveResult:
    """What was moved: rows per table (equal on both sides, checksums included), evidence files."""

    rows: dict[str, int] = field(default_factory=dict)
    evidence_files: int = 0
    missing_evidence: list[str] = field(default_factory=list)
    keys: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


# -- the source: the SQLite file, read-only, one snapshot -------------------------------------------
def _source_engine(path: Path) -> sa.Engine:
    from sqlalchemy.pool import StaticPool

    path = path.resolve()

    def connect() -> sqlite3.Connection:
        from rcdesk.db import driver  # an encrypted file is read keyed (its key unlocked first)

        conn = driver.connect(path, read_only=True, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    from rcdesk.db import driver

    # the dialect wraps the errors of the driver that made the connection (sqlcipher3's for an encrypted file)
    module = driver.cipher_module() if driver.uses_cipher(path) else sqlite3
    return sa.create_engine("sqlite://", creator=connect, poolclass=StaticPool, module=module)


def check_source(path: Path) -> None:
    """An rcdesk headquarters database of this version, or a Spanish refusal (nothing touched)."""
    from rcdesk.db.migrate import head_version

    if not path.is_file():
        raise UserError(f"No existe la base de datos «{path}».")
    from rcdesk.db import driver

    try:
        conn = driver.connect(path.resolve(), read_only=True)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            me = conn.execute("SELECT role FROM installation WHERE is_self = TRUE").fetchone() if version else None
        finally:
            conn.close()
    except driver.errors() as exc:
        raise UserError(f"«{path}» no es una base de datos de rcdesk que se pueda leer.") from exc
    if version != head_version():
        raise UserError(
            f"La base de datos «{path}» es de otra versión de rcdesk (esquema {version}, esta versión usa "
            f"{head_version()}). Ábrala una vez con esta versión (se actualiza con copia de seguridad) y "
            "vuelva a intentar el traslado. No se ha modificado nada."
        )
    if me is None or me[0] != "hq":
        raise UserError(
            f"«{path}» es la base de una instalación de campo, no de una sede central: solo la sede central "
            "trabaja sobre un servidor (los equipos de campo usan siempre su archivo). No se ha modificado nada."
        )


# -- the target: an empty server database ----------------------------------------------------------
def _data_tables() -> list[sa.Table]:
    import rcdesk.models  # noqa: F401  # registers every table on Base.metadata
    from rcdesk.db.base import Base

    return [t for t in Base.metadata.sorted_tables if t.name not in _DERIVED]


def target_state(conn: sa.Connection) -> str:
    """ "blank" (no tables), "schema" (rcdesk's schema at head without a row) or "used"."""
    from rcdesk.db.migrate import head_version

    tables = {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    }
    if not tables:
        return "blank"
    if "alembic_version" not in tables:
        return "used"
    rev = conn.exec_driver_sql("SELECT max(version_num) FROM alembic_version").scalar()
    if int(rev or 0) != head_version():
        return "used"
    for t in _data_tables():
        if conn.execute(sa.select(sa.literal(1)).select_from(sa.table(t.name)).limit(1)).first() is not None:
            return "used"
    return "schema"


def _refuse_used(display: str) -> UserError:
    return UserError(
        f"La base de datos del servidor «{display}» no está vacía: ya tiene datos o tablas. La sede solo se "
        "traslada a una base vacía, para no mezclar ni reemplazar datos. Pida al área de tecnología una base "
        "nueva (CREATE DATABASE …) e indíquela. No se ha modificado nada."
    )


# -- copying ---------------------------------------------------------------------------------------
def _kind(column: sa.Column) -> str:
    if isinstance(column.type, (sa.Float, sa.Numeric)):
        return "number"
    if isinstance(column.type, sa.LargeBinary):
        return "bytes"
    if isinstance(column.type, sa.DateTime):
        return "datetime"
    if isinstance(column.type, sa.Date):
        return "date"
    if isinstance(column.type, sa.Boolean):
        return "bool"
    return "plain"


def _datetime(v: Any) -> str:
    from rcdesk.sync.wire import datetime_text

    if isinstance(v, str):
        if len(v) == 26 and v[10] == " " and v[19] == ".":
            return v  # already the wire form (what SQLAlchemy stores and the server's reads give)
        v = datetime.fromisoformat(v)
    return datetime_text(v)


# each kind's value as compared between the engines: its wire form, spelled one way only
_CANONICAL: dict[str, Callable[[Any], Any]] = {
    "datetime": _datetime,
    "date": lambda v: str(v)[:10],
    "bool": int,
    "number": float,
    "bytes": bytes,
}


class _Checksum:
    """Row count and an order-free content checksum (sum of row digests): the engines may order
    text differently, and nothing needs to be held to compare."""

    def __init__(self, table: sa.Table) -> None:
        self.convert = [(i, _CANONICAL[k]) for i, k in enumerate(_kind(c) for c in table.columns) if k in _CANONICAL]
        self.count = 0
        self.total = 0

    def add(self, rows: Iterable[Iterable[Any]]) -> None:
        total, sha = self.total, hashlib.sha256
        for row in rows:
            values = list(row)
            for i, canonical in self.convert:
                if values[i] is not None:
                    values[i] = canonical(values[i])
            total += int.from_bytes(sha(repr(values).encode()).digest(), "big")
            self.count += 1
        self.total = total % _MOD


def _copy_table(src: sa.Connection, dst: sa.Connection, table: sa.Table, step: Callable[[int], None]) -> _Checksum:
    from rcdesk.sync.tables import raw_table

    raw = raw_table(table.name)
    names = [c.name for c in table.columns]
    writers = [raw.c[n].type.bind_processor(dst.dialect) for n in names]
    columns = ", ".join(f'"{n}"' for n in names)
    checksum = _Checksum(table)
    result = src.execute(sa.select(*[raw.c[n] for n in names]))
    cursor = dst.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        while chunk := result.fetchmany(CHUNK):
            checksum.add(chunk)
            with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
                for row in chunk:
                    copy.write_row([w(v) if w is not None else v for w, v in zip(writers, row, strict=True)])
            step(len(chunk))
    finally:
        cursor.close()
    return checksum


def _target_checksum(dst: sa.Connection, table: sa.Table) -> _Checksum:
    from rcdesk.sync.tables import raw_table

    raw = raw_table(table.name)
    checksum = _Checksum(table)
    # a server-side cursor (per statement: `Connection.execution_options` would stream every later one)
    stmt = sa.select(*[raw.c[c.name] for c in table.columns]).execution_options(stream_results=True, yield_per=CHUNK)
    result = dst.execute(stmt)
    for part in result.partitions(CHUNK):
        checksum.add(part)
    return checksum


def _move_counters(dst: sa.Connection, tables: list[sa.Table]) -> None:
    """Serial ids and the change-number sequence (revision 0013) past everything copied."""
    from rcdesk.db.base import record_tables

    for t in tables:
        pk = list(t.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
            continue
        seq = dst.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": t.name, "c": pk[0].name}).scalar()
        if seq:
            dst.execute(
                sa.text(f'SELECT setval(:s, COALESCE((SELECT max("{pk[0].name}") FROM "{t.name}"), 0) + 1, false)'),
                {"s": seq},
            )
    highest = " UNION ALL ".join(f'SELECT max(change_seq) + 1 AS n FROM "{t.name}"' for t in record_tables())
    dst.exec_driver_sql(
        "SELECT setval('rcdesk_change_seq', GREATEST(1, "
        "COALESCE((SELECT max(next_seq) FROM installation WHERE is_self = TRUE), 1), "
        f"COALESCE((SELECT max(n) FROM ({highest}) AS copied), 1)), false)"
    )
    dst.exec_driver_sql("UPDATE person_count SET live = (SELECT count(*) FROM person WHERE NOT deleted) WHERE id = 1")
    if dst.exec_driver_sql("SELECT to_regclass('person_count_delta') IS NOT NULL").scalar():
        dst.exec_driver_sql("DELETE FROM person_count_delta")  # pending changes of the copy's own inserts (rev. 0015)


def _move_evidence(
    dst: sa.Connection, folder: Path, cancel: CancelToken, result: MoveResult, key: bytes | None = None
) -> None:
    """The evidence folder's files into the shared blobs, one file in memory at a time (decrypted
    with `key`, the "evidencias" key, when the file was an encrypted database's)."""
    from rcdesk.ids import utcnow
    from rcdesk.models.followup import EvidenceBlob
    from rcdesk.security.files import read_bytes as read_evidence

    t = EvidenceBlob.__table__
    stored = {r[0] for r in dst.execute(sa.select(t.c.sha256))}
    for path in sorted(folder.glob("[0-9a-f][0-9a-f]/*")) if folder.is_dir() else []:
        if not path.is_file() or not _BLOB_NAME.match(path.name) or path.name[:2] != path.parent.name:
            continue
        sha = path.name[:64]
        if sha in stored:
            continue
        cancel.check()
        data = read_evidence(path, key, what=path.name)
        if hashlib.sha256(data).hexdigest() != sha:
            continue  # a damaged file: never stored under a hash it does not have
        dst.execute(sa.insert(t).values(sha256=sha, filename=path.name, size=len(data), data=data, created_at=utcnow()))
        stored.add(sha)
        result.evidence_files += 1
    referenced = dst.exec_driver_sql(
        "SELECT DISTINCT sha256 FROM evidence WHERE sha256 IS NOT NULL AND sha256 <> '' AND NOT deleted"
    )
    result.missing_evidence = sorted(r[0] for r in referenced if r[0] not in stored)


# -- the whole move ----------------------------------------------------------------------------------
def _total_rows(src: sa.Connection, tables: list[sa.Table]) -> dict[str, int]:
    return {
        t.name: int(src.execute(sa.select(sa.func.count()).select_from(sa.table(t.name))).scalar_one()) for t in tables
    }


def _compare(dst: sa.Connection, table: sa.Table, copied: _Checksum) -> None:
    moved = _target_checksum(dst, table)
    if (moved.count, moved.total) != (copied.count, copied.total):
        from rcdesk.sync.tables import label

        raise UserError(
            f"El traslado no coincide en «{label(table.name)}» ({copied.count} filas en el archivo, {moved.count} "
            "en el servidor, o su contenido difiere). Se deshizo todo: la base del servidor quedó vacía y el "
            "archivo no se modificó."
        )


def move(
    source: Path,
    url: str,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
    passphrase: bytes | None = None,
) -> MoveResult:
    """Move the headquarters database `source` (an SQLite file) into the empty server database `url`.

    All or nothing (see the module docstring); `Cancelled` from `cancel` rolls back like any failure.
    With `passphrase`, headquarters' private keys arrive sealed under it (`rcdesk.sync.hq_keys`);
    without, as the file stores them, and the server seals them the first time they are used."""
    from rcdesk.db.engine import make_engine
    from rcdesk.paths import AppPaths, mask_password, parse_target

    target = parse_target(url)
    if not isinstance(target, str):
        raise UserError(f"«{url}» no es un servidor: indique postgresql+psycopg://usuario@servidor/base.")
    source = Path(source)
    check_source(source)
    result = MoveResult()
    tables = _data_tables()
    src_engine, dst_engine = _source_engine(source), make_engine(target)
    try:
        with src_engine.connect() as src, dst_engine.connect() as dst:
            src.exec_driver_sql("BEGIN")  # one snapshot of the file, whatever another window writes meanwhile
            totals = _total_rows(src, tables)
            with dst.begin():
                _prepare_target(dst, mask_password(target), progress)
                _copy_all(src, dst, tables, totals, progress, cancel, result)
                progress(0, None, "Archivos de evidencia…")
                _move_evidence(dst, AppPaths.for_database(source).evidence, cancel, result, _evidence_key(source))
                result.keys = _move_keys(dst, AppPaths.for_database(source).keys, passphrase)
                cancel.check()
            src.exec_driver_sql("ROLLBACK")
    finally:
        src_engine.dispose()
        dst_engine.dispose()
    return result


def _evidence_key(source: Path) -> bytes | None:
    from rcdesk.security import unlocked, vault
    from rcdesk.security.files import EVIDENCE_PURPOSE

    data_key = unlocked.key_for(source)
    return vault.subkey(data_key, EVIDENCE_PURPOSE) if data_key is not None else None


def _prepare_target(dst: sa.Connection, display: str, progress: ProgressFn) -> None:
    """Refuse a used database; build the schema of a blank one (inside the move's transaction)."""
    state = target_state(dst)
    if state == "used":
        raise _refuse_used(display)
    if state == "blank":
        progress(0, None, "Creando las tablas en el servidor…")
        from rcdesk.db.migrate import upgrade_connection

        upgrade_connection(dst)
    from rcdesk.db.portable import defer_foreign_keys

    defer_foreign_keys(dst)


def _copy_all(
    src: sa.Connection,
    dst: sa.Connection,
    tables: list[sa.Table],
    totals: dict[str, int],
    progress: ProgressFn,
    cancel: CancelToken,
    result: MoveResult,
) -> None:
    from rcdesk.sync.tables import label

    total, done = sum(totals.values()) * 2, 0  # each row is copied, then read back to compare
    for t in tables:
        text = f"Copiando {label(t.name)}…"

        def step(n: int, text: str = text) -> None:
            nonlocal done
            done += n
            progress(done, total, text)
            cancel.check()

        copied = _copy_table(src, dst, t, step)
        cancel.check()
        _compare(dst, t, copied)
        step(copied.count, f"Comparando {label(t.name)}…")
        result.rows[t.name] = copied.count
    _move_counters(dst, tables)


def source_has_keys(source: Path) -> bool:
    """Whether the headquarters in `source` has private keys (then a passphrase seals them on the server)."""
    from rcdesk.db import driver

    conn = driver.connect(Path(source).resolve(), read_only=True)
    try:
        return bool(conn.execute("SELECT count(*) FROM sync_key").fetchone()[0])
    except driver.errors():
        return False
    finally:
        conn.close()


def _move_keys(dst: sa.Connection, folder: Path, passphrase: bytes | None) -> int:
    """The copied `sync_key` rows sealed under `passphrase` (a key file of the source, which wins
    over its row on SQLite, is the key taken); returns how many keys the server holds."""
    from types import SimpleNamespace

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from rcdesk.models.sync import SyncKey
    from rcdesk.sync import hq_keys, keys

    t = SyncKey.__table__
    rows = {
        r.kind: SimpleNamespace(private_pem=r.private_pem) for r in dst.execute(sa.select(t.c.kind, t.c.private_pem))
    }
    if passphrase is None or not rows:
        return len(rows)
    found: list[tuple[str, Ed25519PrivateKey | X25519PrivateKey | None]] = [
        (keys.SIGN, keys._stored_key(rows, folder, keys.SIGN, keys._sign_key)),
        (keys.ENCRYPT, keys._stored_key(rows, folder, keys.ENCRYPT, keys._enc_key)),
    ]
    for kind, key in found:
        if key is None or kind not in rows:
            continue
        public = keys.b64(keys._raw_public(key))
        sealed = hq_keys.seal(key, kind, public, passphrase)
        dst.execute(sa.update(t).where(t.c.kind == kind).values(private_pem=sealed, public_b64=public))
    return len(rows)
