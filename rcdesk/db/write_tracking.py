"""Which tables the committed write transactions of a piece of work changed.

The GUI announces what a write changed so that each page can decide whether to refresh
(`rcdesk.services.changes`). Building that announcement by hand after every write was easy to
get wrong, so the write path records it instead: `make_engine` installs these listeners on every
engine, and inside `tracking()` each statement that writes (INSERT, UPDATE, DELETE, whatever built
it: the ORM's flush, Core, `text()` or the bulk path's driver SQL) adds its target table to its
connection's transaction; the tables count when that transaction commits, and are forgotten when
it rolls back (a refused import or a `dry_run` changes nothing). Savepoints are followed too.

Only the tracking thread's statements count: the GUI's writes run on one worker thread, and other
threads (the start-up figures, the daily copy) neither see nor disturb them. Outside `tracking()`
the listeners return at once, so the command line and the benchmarks pay one attribute lookup
per statement.

SQLAlchemy-level events, so SQLite and PostgreSQL engines behave the same. Nothing writes through
the plain sqlite3 readers (`Database.read()` serves SELECTs only).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from rcdesk.services.changes import Changes

# The target of a writing statement: `INSERT [OR …] INTO t`, `REPLACE INTO t`, `UPDATE [OR …] t`,
# `DELETE FROM t`, the name optionally quoted or schema-qualified. Anchored at the start (after an
# optional CTE, whose own SELECTs name no target), so a SELECT mentioning «update» never matches.
_TARGET = re.compile(
    r"""^\s*(?:WITH\b.*?\)\s*)?
        (?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+
        (?:ONLY\s+)?
        ((?:(?:"[^"]+"|\w+)\.)?(?:"[^"]+"|\w+))""",
    re.IGNORECASE | re.DOTALL | re.VERBOSE,
)

# The change-sequence counter every stamped write bumps (`stamping.allocate_seq`): bookkeeping,
# not a change anybody looks at.
_COUNTER = re.compile(r"^\s*UPDATE\s+\"?installation\"?\s+SET\s+next_seq\s*=\s*next_seq\b", re.IGNORECASE)

_PENDING = "rcdesk_written_tables"  # key in Connection.info: a stack, one set per open (save)point


@lru_cache(maxsize=1024)
def written_table(statement: str) -> str | None:
    """The table a statement writes, lower case and unquoted; None for anything else."""
    m = _TARGET.match(statement)
    if m is None or _COUNTER.match(statement):
        return None
    return m.group(1).rsplit(".", 1)[-1].strip('"').lower()


class Tracked:
    """The tables changed by transactions committed while it was open; `changes` says what that means."""

    def __init__(self, engine_of: Callable[[], Engine | None] | None) -> None:
        self._engine_of = engine_of
        self.tables: set[str] = set()

    def wants(self, engine: Engine) -> bool:
        return self._engine_of is None or self._engine_of() is engine

    @property
    def changes(self) -> Changes:
        from rcdesk.services.changes import changes_for_tables

        return changes_for_tables(self.tables)


class _Local(threading.local):
    def __init__(self) -> None:
        self.open: list[Tracked] = []


_local = _Local()


@contextmanager
def tracking(engine_of: Callable[[], Engine | None] | None = None) -> Iterator[Tracked]:
    """Collect what this thread's committed write transactions change while the block runs.

    `engine_of` limits it to one database's engine (read when a transaction commits: the engine may
    be built during the block); None counts every engine. Blocks nest: an outer block sees what
    the inner ones saw."""
    tracked = Tracked(engine_of)
    _local.open.append(tracked)
    try:
        yield tracked
    finally:
        _local.open.remove(tracked)


def _stack(conn: Connection) -> list[set[str]]:
    stack: list[set[str]] | None = conn.info.get(_PENDING)
    if stack is None:
        stack = conn.info[_PENDING] = [set()]
    return stack


def _before_execute(conn: Connection, _cursor, statement: str, *_args: Any) -> None:
    if not _local.open:
        return
    table = written_table(statement)
    if table is not None:
        _stack(conn)[-1].add(table)


def note_written(conn: Connection, table: str) -> None:
    """Count a write SQLAlchemy does not see (a driver's COPY on a server) as one to `table`."""
    if _local.open:
        _stack(conn)[-1].add(table.lower())


def _commit(conn: Connection) -> None:
    stack = conn.info.pop(_PENDING, None)
    if not stack or not _local.open:
        return
    written = set().union(*stack)
    if written:
        for tracked in _local.open:
            if tracked.wants(conn.engine):
                tracked.tables |= written


def _rollback(conn: Connection) -> None:
    conn.info.pop(_PENDING, None)


def _savepoint(conn: Connection, _name: str) -> None:
    if _local.open:
        _stack(conn).append(set())


def _rollback_savepoint(conn: Connection, _name: str, _context: object) -> None:
    stack = conn.info.get(_PENDING)
    if stack and len(stack) > 1:
        stack.pop()
    elif stack:
        stack[-1].clear()


def _release_savepoint(conn: Connection, _name: str, _context: object) -> None:
    stack = conn.info.get(_PENDING)
    if stack and len(stack) > 1:
        inner = stack.pop()
        stack[-1] |= inner


def install(engine: Engine) -> None:
    """Listen to `engine`'s statements and transaction ends (called by `make_engine`)."""
    from sqlalchemy import event

    event.listen(engine, "begin", _rollback)  # nothing left over from a transaction that ended unseen
    event.listen(engine, "before_cursor_execute", _before_execute)
    event.listen(engine, "commit", _commit)
    event.listen(engine, "rollback", _rollback)
    event.listen(engine, "savepoint", _savepoint)
    event.listen(engine, "rollback_savepoint", _rollback_savepoint)
    event.listen(engine, "release_savepoint", _release_savepoint)
