"""Give a database the schema its stamp promises, before it is upgraded further.

Revisions 0002–0005 were edited after they were committed (the skeleton shipped them empty;
0004 later gained attendance.search_text, 0005 sync_record.hq_conflict). A database made in
between is stamped with a version whose tables or columns it lacks, and the next revisions
assume them. Committed revisions are never edited again, so the repair compares the file with
what the revisions up to its stamp build today (in a throw-away in-memory database) and adds
what is missing: tables, indexes and triggers are created from that reference's own SQL, a
table lacking columns is rebuilt from it with its rows copied (SQLite cannot add a NOT NULL
column without a default). Nothing is dropped or changed that exists, so running it again does
nothing. Revision 0006 was never edited: later stamps are trusted.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rcdesk.db import driver
from rcdesk.errors import StorageError

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

# The last revision whose file changed after it was committed (see tests/core/test_schema_fixtures.py).
LAST_EDITED_REVISION = 5


def _search_text(full_name: str | None, id_number: str | None, org: str | None, terr: str | None) -> str:
    # The attendance search key as the attendance service builds it, so searches find repaired rows.
    from rcdesk.text import fold

    return fold(" ".join(p for p in (full_name, id_number, org, terr) if p))


# Values for NOT NULL columns a repaired table gains: SQL over the old row, with helper functions.
_FILLS: dict[tuple[str, str], str] = {
    ("attendance", "search_text"): "rcdesk_search_text(full_name, id_number, organization, territory_text)",
}
_FUNCTIONS: dict[str, tuple[int, Callable]] = {"rcdesk_search_text": (4, _search_text)}


@dataclass(frozen=True)
class _Object:
    kind: str  # table, index, trigger, view
    name: str
    table: str
    sql: str | None


@dataclass(frozen=True)
class _Schema:
    objects: dict[str, _Object]
    columns: dict[str, list[tuple[str, str, bool, str | None]]]  # name, type, not null, default

    @classmethod
    def read(cls, conn: sqlite3.Connection) -> _Schema:
        rows = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid"
        ).fetchall()
        virtual = [n for t, n, _, s in rows if t == "table" and (s or "").upper().startswith("CREATE VIRTUAL")]
        objects: dict[str, _Object] = {}
        columns = {}
        for kind, name, table, sql in rows:
            if any(name.startswith(v + "_") for v in virtual):
                continue  # FTS shadow tables: created by their virtual table
            objects[name] = _Object(kind, name, table, sql)
            if kind == "table":
                columns[name] = [(r[1], r[2], bool(r[3]), r[4]) for r in conn.execute(f'PRAGMA table_info("{name}")')]
        return cls(objects, columns)


@functools.cache
def reference_schema(version: int) -> _Schema:
    """What revisions 0001…`version` build today, read from a throw-away in-memory database."""
    from rcdesk.db import migrate
    from rcdesk.db.engine import make_engine

    engine = make_engine(None)
    try:
        migrate.upgrade_to(engine, f"{version:04d}")
        raw = engine.raw_connection()
        try:
            return _Schema.read(_sqlite(raw.driver_connection))
        finally:
            raw.close()
    finally:
        engine.dispose()


def missing_parts(version: int, conn: sqlite3.Connection) -> list[str]:
    """Names of the tables, columns, indexes and triggers stamp `version` promises but the file lacks."""
    ref, have = reference_schema(version), _Schema.read(conn)
    out = [name for name in ref.objects if name not in have.objects]
    for table, cols in ref.columns.items():
        if table in have.columns:
            present = {c[0] for c in have.columns[table]}
            out += [f"{table}.{c[0]}" for c in cols if c[0] not in present]
    return out


def repair(engine: Engine, version: int) -> list[str]:
    """Add what stamp `version` promises and the database lacks; returns what was added."""
    if not 0 < version <= LAST_EDITED_REVISION:
        return []
    raw = engine.raw_connection()
    try:
        return _repair(_sqlite(raw.driver_connection), version)
    except driver.errors("OperationalError") as exc:
        from rcdesk.db.engine import busy_error, is_busy

        if is_busy(exc):
            raise busy_error(None) from exc
        raise
    finally:
        raw.close()


def _sqlite(conn: object) -> sqlite3.Connection:
    """The driver connection under a pooled one: the repair only ever runs on SQLite files."""
    assert driver.is_connection(conn)
    return cast(sqlite3.Connection, conn)  # sqlcipher3's connection (an encrypted file) has the same API


def _repair(conn: sqlite3.Connection, version: int) -> list[str]:
    ref, have = reference_schema(version), _Schema.read(conn)
    rebuild = []
    for table, cols in ref.columns.items():
        if table not in have.columns or (ref.objects[table].sql or "").upper().startswith("CREATE VIRTUAL"):
            continue
        present = {c[0] for c in have.columns[table]}
        wanted = {c[0] for c in cols}
        if wanted - present:
            if present - wanted:
                raise StorageError(
                    f"La tabla «{table}» de la base de datos no tiene la forma esperada para el esquema "
                    f"{version}; no se ha modificado."
                )
            rebuild.append(table)
    create = [o for o in ref.objects.values() if o.name not in have.objects and o.table not in rebuild]
    if not rebuild and not create:
        return []

    added = [o.name for o in create] + [
        f"{t}.{c[0]}" for t in rebuild for c in ref.columns[t] if c[0] not in {h[0] for h in have.columns[t]}
    ]
    log.warning("schema %s lacks %s: repairing", version, ", ".join(added))
    for fname, (nargs, fn) in _FUNCTIONS.items():
        conn.create_function(fname, nargs, fn, deterministic=True)
    # Rebuilding a table means dropping the one other tables point at: foreign keys are checked
    # once at the end instead (the pragma is a no-op inside a transaction, so it goes first).
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for table in rebuild:
                _rebuild(conn, table, ref, have)
            for obj in create:
                if obj.sql:
                    conn.execute(obj.sql)
                if obj.kind == "table" and re.search(r"\bcontent\s*=", obj.sql or "", re.IGNORECASE):
                    # an external-content index made now must be filled from its content table
                    conn.execute(f'INSERT INTO "{obj.name}"("{obj.name}") VALUES (\'rebuild\')')
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise StorageError(
                    "La base de datos tiene referencias rotas entre tablas y no se puede reparar su "
                    "esquema; no se ha modificado."
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("PRAGMA foreign_keys=ON")
    return added


def _rebuild(conn: sqlite3.Connection, table: str, ref: _Schema, have: _Schema) -> None:
    temp = f"_rcdesk_repair_{table}"
    sql = re.sub(
        rf'^CREATE TABLE\s+("?){re.escape(table)}\1',
        f'CREATE TABLE "{temp}"',
        ref.objects[table].sql or "",
        count=1,
        flags=re.IGNORECASE,
    )
    conn.execute(sql)
    present = {c[0] for c in have.columns[table]}
    names, values = [], []
    for name, type_, notnull, default in ref.columns[table]:
        names.append(f'"{name}"')
        if name in present:
            values.append(f'"{name}"')
        elif (table, name) in _FILLS:
            values.append(_FILLS[(table, name)])
        elif default is not None or not notnull:
            values.append(default if default is not None else "NULL")
        else:
            values.append("''" if any(t in type_.upper() for t in ("CHAR", "TEXT", "CLOB")) else "0")
    conn.execute(f'INSERT INTO "{temp}" ({", ".join(names)}) SELECT {", ".join(values)} FROM "{table}"')
    conn.execute(f'DROP TABLE "{table}"')
    conn.execute(f'ALTER TABLE "{temp}" RENAME TO "{table}"')
    # The drop took the table's indexes and triggers with it: recreate them as the reference has them.
    for obj in ref.objects.values():
        if obj.table == table and obj.kind in ("index", "trigger") and obj.sql:
            conn.execute(obj.sql)
