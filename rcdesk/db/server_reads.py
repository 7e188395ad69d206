"""`db.read()` on a server database: the fast-read layer's plain SQL, answered by PostgreSQL.

The fast reads (`services/plan_reads.py`, `followup/reads.py`…) are written for `sqlite3`: `?`
placeholders, dates and times read back as ISO text, flags as numbers. Rather than a second copy
of every query, a server connection here speaks the same dialect to them: placeholders are
rewritten to psycopg's, dates, timestamps and JSON are loaded as the text SQLite would hold
(`2024-03-01`, `2024-03-01 10:00:00.123`, `["a"]`), and the connection is in autocommit, as the sqlite3
readers are (each read sees the latest committed data and holds no transaction).

Written SQL must stay portable: booleans compared with `TRUE`/`FALSE` (SQLite reads them as 1/0),
no SQLite-only functions.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

_CROSS_JOIN = re.compile(r"\bCROSS\s+JOIN\b", re.IGNORECASE)


def to_pyformat(sql: str) -> str:
    """`?` → `%s` and a literal `%` → `%%`, outside quoted strings and identifiers; SQLite's
    `CROSS JOIN … ON` (a join-order hint there, a syntax error on PostgreSQL) → `JOIN … ON`."""
    out: list[str] = []
    plain: list[str] = []  # the current stretch outside quotes
    quote: str | None = None

    def flush() -> None:
        out.append(_CROSS_JOIN.sub("JOIN", "".join(plain)))
        plain.clear()

    for ch in sql:
        if quote is not None:
            if ch == quote:
                quote = None
            out.append("%%" if ch == "%" else ch)
        elif ch in ("'", '"'):
            flush()
            quote = ch
            out.append(ch)
        elif ch == "?":
            plain.append("%s")
        elif ch == "%":
            plain.append("%%")
        else:
            plain.append(ch)
    flush()
    return "".join(out)


_cache: dict[str, str] = {}
_cache_lock = threading.Lock()


def _translated(sql: str) -> str:
    try:
        return _cache[sql]
    except KeyError:
        with _cache_lock:
            _cache[sql] = done = to_pyformat(sql)
        return done


class ServerReader:
    """The subset of `sqlite3.Connection` the fast reads use: `execute(sql, params)` → cursor."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] | dict = ()) -> Any:
        cur = self._conn.cursor()
        if isinstance(params, dict):
            raise TypeError("the fast reads use positional parameters")
        cur.execute(_translated(sql), tuple(params))
        return cur

    def close(self) -> None:
        self._conn.close()


def connect(url: str) -> ServerReader:
    """A psycopg connection for plain reads, configured as described in the module docstring."""
    import psycopg
    from psycopg.types.string import TextLoader
    from sqlalchemy.engine import make_url

    from rcdesk.db import BUSY_TIMEOUT_MS

    u = make_url(url)
    params: dict[str, Any] = {k: v for k, v in u.query.items() if isinstance(v, str)}  # sslmode=…
    params.update(
        host=u.host or None,
        port=u.port or None,
        user=u.username or None,
        password=u.password or None,
        dbname=u.database or None,
        connect_timeout=10,
        application_name="rcdesk",
        options=f"-c lock_timeout={BUSY_TIMEOUT_MS} -c TimeZone=UTC -c DateStyle=ISO",
    )
    conn = psycopg.connect(autocommit=True, **params)
    for name in ("date", "timestamp", "timestamptz", "json", "jsonb"):
        conn.adapters.register_loader(name, TextLoader)
    return ServerReader(conn)
