"""Small pieces of SQL that differ between SQLite and PostgreSQL, in one place."""

from __future__ import annotations

from typing import Any


def mark(conn: Any) -> str:
    """The driver's placeholder for `exec_driver_sql`: `?` for sqlite3, `%s` for psycopg."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def marks(conn: Any, n: int) -> str:
    """`n` placeholders separated by commas."""
    return ", ".join([mark(conn)] * n)


def defer_foreign_keys(conn: Any, on: bool = True) -> None:
    """Check foreign keys at commit (on) or per statement again (off), in this transaction.

    PostgreSQL's keys are DEFERRABLE INITIALLY IMMEDIATE from revision 0011."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA defer_foreign_keys = {'ON' if on else 'OFF'}")
    else:
        conn.exec_driver_sql(f"SET CONSTRAINTS ALL {'DEFERRED' if on else 'IMMEDIATE'}")


def upsert_insert(conn: Any, table: Any) -> Any:
    """`insert(table)` of the connection's dialect, with `on_conflict_do_update`/`do_nothing`
    (SQLite and PostgreSQL spell them alike in SQLAlchemy)."""
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)
    from sqlalchemy.dialects import postgresql

    return postgresql.insert(table)
