"""The records of a base package, streamed from the database and narrowed to the technician's scope.

Rows are read in batches and written straight into their members, so memory does not grow
with the database: `Scope.keep` judges each batch (its per-table results are carried across
batches here), the ids already sent wait in a temporary SQLite table for the evidence
records that follow their owners, and units are written last, once every row that could
refer to one was seen (`scope.TRIMMED_TABLES`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

from sqlalchemy import select

from rcdesk.db.portable import mark, marks
from rcdesk.jobs import CancelToken, ProgressFn
from rcdesk.sync.apply import BATCH
from rcdesk.sync.lines import encode_lines
from rcdesk.sync.package import PackageWriter
from rcdesk.sync.scope import TRIMMED_TABLES, build_scope, is_evidence_table
from rcdesk.sync.tables import (
    BASE_FILTERS,
    EVIDENCE_HASH_COLUMN,
    base_columns,
    exchange_tables,
    fk_columns,
    in_base_package,
    label,
    raw_table,
)

_SENT = "rcdesk_base_sent"  # ids already in the base package being written (connection-local)


def write_records(
    conn,
    writer: PackageWriter,
    target: str,
    assignments: list[dict],
    everything: bool,
    cancel: CancelToken,
    progress: ProgressFn,
) -> tuple:
    """Stream every table the base package carries, narrowed to the scope, into its records member:
    (scope, tables of the manifest, counts, evidence hashes to carry).

    A trimmed table (units) can only be cut once every row pointing to it has been seen, so it is
    read twice: first to follow the scope, then, after the others, to be written."""
    scope = build_scope(
        conn, assignments, {t.name for t in exchange_tables() if not in_base_package(t)}, everything=everything
    )
    tables = [t for t in exchange_tables() if in_base_package(t)]
    # evidence records follow their owners: gather them last
    tables = [t for t in tables if not is_evidence_table(t)] + [t for t in tables if is_evidence_table(t)]
    wanted = {} if scope.units is None else {n: set(scope.units) for n in TRIMMED_TABLES}  # None: everything
    out: tuple[dict[str, dict], dict[str, int], set[str]] = ({}, {}, set())
    deferred = []
    conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {_SENT} (id TEXT PRIMARY KEY)")
    conn.exec_driver_sql(f"DELETE FROM {_SENT}")  # unqualified: both engines look in temp first
    for ti, table in enumerate(tables):
        cancel.check()
        progress(ti, len(tables) + 1, f"Reuniendo {label(table.name)}")
        cols = base_columns(table)
        refs = [(cols.index(c), ref) for c, ref in fk_columns(table) if ref in wanted and c in cols]
        batches = _scoped(conn, scope, table, cols, target, assignments, refs, wanted, cancel)
        if table.name in wanted:
            kept = {r[cols.index("id")] for batch in batches for r in batch}
            deferred.append((table, cols, kept))
        else:
            _write_member(writer, table, cols, batches, out)
    for table, cols, kept in deferred:
        rows = _rows(conn, table, cols, target, assignments, cancel)
        id_i, ok = cols.index("id"), wanted[table.name]
        sent = _write_member(
            writer, table, cols, ([r for r in b if r[id_i] in kept and r[id_i] in ok] for b in rows), out
        )
        if sent != len(kept):
            scope.left_out[table.name] = scope.left_out.get(table.name, 0) + len(kept) - sent
    conn.exec_driver_sql(f"DROP TABLE {_SENT}")
    return (scope, *out)


def _rows(conn, table, cols: list[str], target: str, assignments: list[dict], cancel: CancelToken) -> Iterator[list]:
    """Batches of the table's rows (values in `cols` order, then the version), after its base filter;
    at least one batch, maybe empty, so an empty table still narrows its children."""
    rt = raw_table(table.name)
    stmt = select(*[rt.c[c] for c in cols], rt.c.version)
    flt = BASE_FILTERS.get(table.name)
    if flt is not None:
        where = flt(rt, target, assignments)
        if where is not None:
            stmt = stmt.where(where)
    result = conn.execute(stmt.order_by(rt.c.id))
    batch = result.fetchmany(BATCH)
    yield batch
    while batch:
        cancel.check()
        batch = result.fetchmany(BATCH)
        if batch:
            yield batch


def _scoped(
    conn,
    scope,
    table,
    cols: list[str],
    target: str,
    assignments: list[dict],
    refs: list[tuple[int, str]],
    wanted: dict[str, set[str]],
    cancel: CancelToken,
) -> Iterator[list]:
    """The table's batches narrowed by `scope.keep`, noting the trimmed tables they refer to."""
    name = table.name
    owner_i = cols.index("owner_id") if is_evidence_table(table) else None
    for batch in _rows(conn, table, cols, target, assignments, cancel):
        if owner_i is not None:  # the owners of this batch that were sent, from the temporary table
            scope.sent = _were_sent(conn, {r[owner_i] for r in batch})
        # Scope.keep judges one list at a time: carry its per-table results across batches
        narrowed, left = scope.narrowed.get(name), scope.left_out.get(name, 0)
        kept = scope.keep(table, cols, batch)
        if scope.sent:  # every id sent so far would grow with the package: SQLite keeps them
            conn.exec_driver_sql(
                f"INSERT INTO {_SENT} (id) VALUES ({mark(conn)}) ON CONFLICT DO NOTHING", [(i,) for i in scope.sent]
            )
            scope.sent = set()
        if narrowed is not None and name in scope.narrowed:
            scope.narrowed[name] |= narrowed
        if len(kept) != len(batch):
            scope.left_out[name] = left + len(batch) - len(kept)
        for i, ref in refs:
            wanted[ref].update(r[i] for r in kept if r[i] is not None)
        yield kept


def _were_sent(conn, ids: set) -> set:
    vals = [i for i in ids if i is not None]
    found: set = set()
    for k in range(0, len(vals), 900):
        part = vals[k : k + 900]
        found.update(
            r[0]
            for r in conn.exec_driver_sql(f"SELECT id FROM {_SENT} WHERE id IN ({marks(conn, len(part))})", tuple(part))
        )
    return found


def _write_member(writer: PackageWriter, table, cols: list[str], batches, out: tuple) -> int:
    """Write the batches into the table's records member (none when no row is left); returns the count."""
    tables_meta, counts, hashes = out
    hi = cols.index(EVIDENCE_HASH_COLUMN) if EVIDENCE_HASH_COLUMN in cols else None
    di = cols.index("deleted")
    n = 0
    with ExitStack() as stack:
        sink = None
        for batch in batches:
            if not batch:
                continue
            if sink is None:
                sink = stack.enter_context(writer.member(f"records/{table.name}.jsonl"))
            sink.write(encode_lines(batch, [])[0])
            n += len(batch)
            if hi is not None:
                hashes.update(r[hi] for r in batch if isinstance(r[hi], str) and len(r[hi]) == 64 and not r[di])
    if n:
        tables_meta[table.name] = {"columns": cols, "personal": [], "count": n}
        counts[table.name] = n
    return n
