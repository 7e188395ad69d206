"""Bulk writes of incoming records: Core statements built once per table shape.

Rows go in and out through typeless table clauses (values exactly as stored), inserts of
new records use the driver's executemany on a pre-compiled statement, and every write
takes its local change number from one contiguous range per package (`SeqRange`), which
the package log keeps as the provenance of those records.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import bindparam, insert, select, update

from rcdesk.db.portable import upsert_insert
from rcdesk.db.stamping import allocate_seq
from rcdesk.models.sync import SyncRecord
from rcdesk.sync.tables import content_columns, raw_table

BATCH = 2000

_STATEMENTS: dict = {}


def _statements(name: str, columns: tuple, dialect) -> tuple:
    """Insert (dicts), insert compiled for tuples, and update statements; built once per shape."""
    key = (name, columns, dialect.name)
    got = _STATEMENTS.get(key)
    if got is None:
        rt = raw_table(name)
        ins_cols = [c for c in columns if c != "change_seq"] + ["change_seq"]
        compiled = insert(rt).values({c: bindparam(c) for c in ins_cols}).compile(dialect=dialect)
        # SQLite's positional SQL takes the tuples as they are; a server's named parameters get dicts
        assert compiled.positiontup is None or list(compiled.positiontup) == ins_cols
        sets: dict[str, sa.BindParameter] = {c: bindparam(f"p_{c}") for c in columns if c != "id"}
        sets["change_seq"] = bindparam("p_change_seq")
        upd = update(rt).where(rt.c.id == bindparam("p_id")).values(sets)
        got = _STATEMENTS[key] = (insert(rt), str(compiled), upd)
    return got


class Applier:
    """Bulk writes for one table with Core statements on typeless columns."""

    def __init__(self, conn, table: sa.Table, columns: list[str], withheld: list[str] | None = None) -> None:
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
        """The stored rows of `ids`. On a server they stay locked to the commit (in id order, so two
        consolidations meet in one order): a record is classified against the version it will be
        written over, never one another operator replaces meanwhile."""
        out = {}
        server = self.conn.dialect.name != "sqlite"
        if server:
            # A table filled moments ago has no statistics yet (autovacuum analyzes it a minute
            # later), and the planner then reads all of it for every batch: a key lookup only.
            self.conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        step = 900 if not server else max(len(ids), 1)
        for k in range(0, len(ids), step):
            chunk = ids[k : k + step]
            if server:
                # one text parameter split by the server: the same statement every time, parsed and
                # planned once, and no array to build value by value (ids are checked UUIDs: no commas)
                wanted = sa.any_(sa.func.string_to_array(sa.bindparam("ids", ",".join(chunk)), ","))
                stmt = select(self.rt).where(self.rt.c.id == wanted).order_by(self.rt.c.id).with_for_update()
            else:
                stmt = select(self.rt).where(self.rt.c.id.in_(chunk))
            for row in self.conn.execute(stmt):
                m = row._mapping
                out[m["id"]] = dict(m)
        if server:
            self.conn.exec_driver_sql("SET LOCAL enable_seqscan = on")
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
        """Insert dicts (column -> value) or sequences (columns in order, then change_seq)."""
        if not rows:
            return
        if isinstance(rows[0], dict):
            self.conn.execute(self.ins, rows)
        elif self.conn.dialect.name == "sqlite":  # the bulk path: the compiled insert through executemany
            self.conn.exec_driver_sql(self.ins_sql, rows if isinstance(rows[0], tuple) else list(map(tuple, rows)))
        else:
            self._copy(rows)

    def _copy(self, rows: list) -> None:
        """A server's bulk insert: the driver's COPY, in the caller's transaction. The wire form
        is what COPY's text format reads (dates and times as ISO text, flags 1/0, JSON as its
        text), so the rows go as they came; several times faster than one INSERT per row."""
        import psycopg
        from sqlalchemy.exc import IntegrityError

        from rcdesk.db.write_tracking import note_written

        cols = [c for c in self.columns if c != "change_seq"] + ["change_seq"]
        sql = f'COPY "{self.table.name}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) FROM STDIN'
        try:
            with self.conn.connection.driver_connection.cursor() as cur, cur.copy(sql) as cp:
                for r in rows:
                    cp.write_row(r)
        except psycopg.IntegrityError as exc:  # as the INSERT path reports it
            raise IntegrityError(sql, None, exc) from exc
        note_written(self.conn, self.table.name)

    def update(self, rows: list[dict]) -> None:
        if rows:
            self.conn.execute(self.upd, [{f"p_{k}": v for k, v in r.items()} for r in rows])


class SeqRange:
    """The local change numbers one package's writes took (first..last), for its log row.

    On a server other operators take numbers at the same time, so `reserve` (at most the rows
    the package can write) is taken in one piece at the first `take`: the package's range then
    holds no other writer's numbers; the unused rest is a gap."""

    def __init__(self, conn, reserve: int = 0) -> None:
        self.conn = conn
        self.first: int | None = None
        self.last: int | None = None
        self._reserve = reserve if conn.dialect.name != "sqlite" else 0
        self._next = self._end = 0

    def take(self, n: int) -> int:
        if n and self._reserve and not self._end:
            self._next = allocate_seq(self.conn, max(n, self._reserve))
            self._end = self._next + max(n, self._reserve)
        if n and self._next + n <= self._end:
            start, self._next = self._next, self._next + n
        else:
            start = allocate_seq(self.conn, n)
        if n:
            self.first = start if self.first is None else self.first
            self.last = start + n - 1
        return start


def mark_in_step(conn, table_name: str, rows: list[dict]) -> None:
    """Record that this installation now holds headquarters' version of `rows` (on the field)."""
    if not rows:
        return
    sr = SyncRecord.__table__
    marks = [
        {
            "table_name": table_name,
            "record_id": r["id"],
            "base_version": r["version"],
            "sent_version": 0,
            "sent_seq": 0,
            "hq_conflict": False,
        }
        for r in rows
    ]
    stmt = upsert_insert(conn, sr)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[sr.c.table_name, sr.c.record_id],
            set_={"base_version": stmt.excluded.base_version, "hq_conflict": False},
        ),
        marks,
    )
