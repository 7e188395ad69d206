"""Bulk inserts of many rows: the driver's executemany of plain tuples.

Values go through the columns' own SQLAlchemy bind processors, so they are stored exactly as a
Core `insert()` stores them, without Core's per-row compilation (measured ≈ 2× faster on the
POA import's 100 000+ rows). Portable: the placeholder follows the dialect's paramstyle.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table


def bulk_insert(conn: Connection, table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    # the dialect's own type (SQLite's DATETIME, not the generic DateTime, which has no processor)
    procs = [table.c[c].type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for c in cols]
    names = ", ".join('"' + c + '"' for c in cols)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    marks = ", ".join([mark] * len(cols))
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
    getter = itemgetter(*cols) if len(cols) > 1 else (lambda r: (r[cols[0]],))
    converted: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = [
        (i, p, {}) for i, p in enumerate(procs) if p is not None
    ]
    if not converted:
        params = [getter(r) for r in rows]
    else:
        params = []
        for r in rows:
            t = list(getter(r))
            for i, p, memo in converted:
                v = t[i]
                try:  # timestamps and flags repeat across a batch: convert each distinct value once
                    t[i] = memo[v]
                except KeyError:
                    t[i] = memo[v] = p(v)
                except TypeError:  # unhashable (a JSON dict or list)
                    t[i] = p(v)
            params.append(tuple(t))
    conn.exec_driver_sql(sql, params)
