"""Small pieces of SQL that differ between SQLite and PostgreSQL, in one place."""

from __future__ import annotations

from typing import Any


def mark(conn: Any) -> str:
    """The driver's placeholder for `exec_driver_sql`: `?` for sqlite3, `%s` for psycopg."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def marks(conn: Any, n: int) -> str:
    """`n` placeholders separated by commas."""
    return ", ".join([mark(conn)] * n)
