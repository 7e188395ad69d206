"""The frozen revisions on PostgreSQL: their SQLite-only statements translated or skipped.

Committed revision files are never edited (tests/fixtures/schemas/revisions.sha256), and 0004
and 0008 run raw SQLite through `op.execute`: the FTS5 index of the people directory, its
triggers, and the triggers keeping `person_count`. On another engine the migration context's
`execute` goes through `translate()` instead: those statements are skipped (revision 0010 builds
the PostgreSQL equivalents: a trigram index and PL/pgSQL triggers), and the one data statement
comparing a flag with 0 compares it with FALSE. Any other statement passes unchanged, so a new
SQLite-only statement in a future revision fails loudly on PostgreSQL instead of being skipped.
"""

from __future__ import annotations

import re
from typing import Any

# (pattern, replacement or None to skip); matched against the statement with spaces collapsed
_RULES: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(r"^CREATE VIRTUAL TABLE person_fts USING fts5\("), None),
    (re.compile(r"^DROP TABLE IF EXISTS person_fts$"), None),
    (re.compile(r"^INSERT INTO person_fts\(person_fts\) VALUES \('rebuild'\)$"), None),
    # SQLite's trigger bodies (BEGIN … END); revision 0010's PostgreSQL triggers have none
    (re.compile(r"^CREATE TRIGGER person_(fts|count)_a[iud] AFTER .* BEGIN .* END$"), None),
    (re.compile(r"^DROP TRIGGER IF EXISTS person_(fts|count)_a[iud]$"), None),
    (
        re.compile(r"^INSERT INTO person_count \(id, live\) SELECT 1, count\(\*\) FROM person WHERE deleted = 0$"),
        "INSERT INTO person_count (id, live) SELECT 1, count(*) FROM person WHERE deleted = FALSE",
    ),
)


def translate(sql: str) -> str | None:
    """The statement to run on a non-SQLite engine, or None to skip it."""
    flat = " ".join(sql.split())
    for pattern, replacement in _RULES:
        if pattern.search(flat):
            return replacement
    return sql


def install(migration_context: Any) -> None:
    """Route the context's `op.execute` statements through `translate()` (that context only)."""
    impl = migration_context.impl
    original = impl.execute

    def execute(sql: Any, execution_options: dict[str, Any] | None = None) -> None:
        if isinstance(sql, str):
            sql = translate(sql)
            if sql is None:
                return
        original(sql, execution_options)

    impl.execute = execute
