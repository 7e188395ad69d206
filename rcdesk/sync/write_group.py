"""Several packages in one write transaction on SQLite (issue 16).

A package's rows land scattered over several indexes, so each commit writes hundreds of
pages; on an encrypted database every one is encrypted and authenticated at commit. Grouping
consecutive packages into one transaction, each inside its own SAVEPOINT, writes a page
touched by several packages once. A package that fails is rolled back to its savepoint alone
and reported exactly as before; the others go on.

The group commits after `GROUP_PACKAGES` packages or once `GROUP_SECONDS` have passed since
it began (checked after each package), so another window or user waits for the write lock
about as long as for one package. A cancel or an ordinary error commits the packages already
finished (as when each had its own transaction); anything harsher (the process killed, a
`BaseException`) leaves the database as it was at the last group commit, and importing the
same packages again completes it (a consolidated package is recognised and skipped).

PostgreSQL keeps one transaction per package: several operators write at once and the rows
a consolidation locks must be released soon.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rcdesk.jobs import Cancelled

GROUP_PACKAGES = 10
GROUP_SECONDS = 1.0


def _now() -> float:
    return time.monotonic()


class WriteGroup:
    """`with WriteGroup(db) as group:` … `_import_one(group.db(), pkg)`; `group.done()` after each."""

    def __init__(
        self,
        db,
        *,
        size: int | None = None,
        seconds: float | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._db = db
        self._size = GROUP_PACKAGES if size is None else size
        self._seconds = GROUP_SECONDS if seconds is None else seconds
        self._clock = clock or _now
        self._enabled = db.engine.dialect.name == "sqlite"
        self._conn: Any = None
        self._count = 0
        self._began = 0.0

    def db(self):
        """What a package is imported with: the database itself, or one whose writes go into the group."""
        if not self._enabled:
            return self._db
        if self._conn is None:
            self._conn = self._db.engine.connect()
            self._conn.begin()  # BEGIN IMMEDIATE (rcdesk/db/engine.py)
            self._began = self._clock()
            self._count = 0
        return _Grouped(self._db, self._conn)

    def done(self) -> None:
        """One package finished (imported or refused): commit if the group is full or old enough."""
        if self._conn is None:
            return
        self._count += 1
        if self._count >= self._size or self._clock() - self._began >= self._seconds:
            self.commit()

    def commit(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.commit()
        finally:
            conn.close()

    def rollback(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.rollback()
        finally:
            conn.close()

    def __enter__(self) -> WriteGroup:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None or issubclass(exc_type, (Cancelled, Exception)):
            try:
                self.commit()
            except BaseException:
                self.rollback()
                if exc_type is None:
                    raise
        else:
            self.rollback()


class _Grouped:
    """The database as seen by one package of a group: every transaction it opens is a SAVEPOINT
    on the group's connection (so it reads what earlier packages of the group wrote)."""

    def __init__(self, db, conn) -> None:
        self.__dict__["_db"] = db
        self.__dict__["_conn"] = conn

    def __getattr__(self, name: str):
        return getattr(self._db, name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._db, name, value)  # e.g. the cached key ring belongs to the database

    @contextmanager
    def connect(self, *, write: bool = True) -> Iterator[Any]:
        with self._conn.begin_nested():
            yield self._conn

    @contextmanager
    def begin(self, **info) -> Iterator[Any]:
        with self._session(info) as s, s.begin():
            yield s

    def session(self, **info):
        return self._session(info)

    def _session(self, info: dict):
        s = self._db._sessionmaker(True)(bind=self._conn, join_transaction_mode="create_savepoint")
        s.info.update(installation_id=self._db.installation_id, user=self._db.user, **info)
        return s
