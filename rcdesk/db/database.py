"""An open rcdesk database: engine, sessions, fast reads and this installation's identity.

Services receive a `Database` in their constructor; nothing else opens connections.

Start-up budget: importing SQLAlchemy costs more than showing a whole Qt window, so an
up-to-date database is opened with a plain `sqlite3` probe and the engine is built on
first use. Read paths that the first screen needs use `db.read()` (a plain sqlite3
connection per thread); writes go through SQLAlchemy sessions as usual.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rcdesk.db import BUSY_TIMEOUT_MS, migrate
from rcdesk.ids import new_id
from rcdesk.paths import AppPaths

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

    from rcdesk.db.write_tracking import Tracked

log = logging.getLogger(__name__)

_session_class = None


def _rc_session_class():
    """Session class carrying the Record stamping listener (built once, on first use)."""
    global _session_class
    if _session_class is None:
        from sqlalchemy.orm import Session

        from rcdesk.db import stamping

        class RcSession(Session):
            pass

        stamping.install(RcSession)
        _session_class = RcSession
    return _session_class


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return ""


def _driver_errors(name: str = "Error") -> tuple[type[BaseException], ...]:
    from rcdesk.db.driver import errors

    return errors(name)


def _probe(path: Path) -> tuple[int, tuple | None]:
    """(user_version, own installation row or None) read with plain sqlite3, read-only."""
    from rcdesk.db import driver

    conn = driver.connect(path, read_only=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        row = None
        if version:
            row = conn.execute("SELECT id, name, role FROM installation WHERE is_self = TRUE").fetchone()
        return int(version), row
    finally:
        conn.close()


class Database:
    def __init__(self, paths: AppPaths | None, engine: Engine | None = None) -> None:
        self.paths = paths
        self._engine = engine
        self._sessions: dict[bool, Any] | None = None
        self._local = threading.local()
        self._readers: list[Any] = []
        self._lock = threading.Lock()
        self._user: str | None = None
        self.installation_id: str | None = None
        self.installation_name: str = ""
        self.role: str = "field"

    @property
    def user(self) -> str:
        """The operating-system user, recorded in the audit log."""
        if self._user is None:
            self._user = _os_user()
        return self._user

    # -- opening -----------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        paths: AppPaths | None = None,
        create: bool = True,
        name: str | None = None,
        role: str | None = None,
    ) -> Database:
        """Open (and create or upgrade) a database: an SQLite file or a server URL (`str`).

        `path=None` and `paths=None` gives a throw-away in-memory database (tests).
        Upgrading an existing database takes a backup first; a database from a newer
        rcdesk is refused untouched (`DatabaseTooNew`).
        """
        if paths is None and path is not None:
            paths = AppPaths.for_target(path)
        if paths is not None:
            paths.ensure()
            if not paths.is_server and not create and not paths.database.exists():
                from rcdesk.errors import StorageError

                raise StorageError(f"No existe la base de datos «{paths.database}».")
            if not paths.is_server and paths.database.exists() and not name and not role:
                try:
                    version, me = _probe(paths.database)
                except _driver_errors():
                    version, me = -1, None  # let the full path report what is wrong
                if version == migrate.head_version() and me is not None:
                    db = cls(paths)
                    db.installation_id, db.installation_name, db.role = me
                    return db
        from rcdesk.db.engine import make_engine

        engine = make_engine(paths.target if paths else None)
        try:
            migrate.upgrade(engine, paths)
        except BaseException:
            engine.dispose()
            raise
        db = cls(paths, engine)
        try:
            db._ensure_installation(name=name, role=role)
        except BaseException:
            engine.dispose()
            raise
        return db

    @property
    def is_server(self) -> bool:
        """A server database (PostgreSQL at headquarters) rather than an SQLite file."""
        return self.paths is not None and self.paths.is_server

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from rcdesk.db.engine import make_engine

            with self._lock:
                if self._engine is None:
                    self._engine = make_engine(self.paths.target if self.paths else None)
        return self._engine

    def close(self) -> None:
        with self._lock:
            for conn in self._readers:
                try:
                    conn.close()
                except Exception:  # sqlite3 or psycopg: closing a broken reader must not stop closing
                    pass
            self._readers.clear()
            self._local = threading.local()
        if self._engine is not None:
            self._engine.dispose()

    def reopen(self) -> None:
        """Close every connection and let the next use build a new engine. The engine factory picks
        the driver (sqlite3, or SQLCipher with the key) when it makes the engine, so after the file
        changed from plain to encrypted the old engine must not reconnect; callers keep this object."""
        self.close()
        with self._lock:
            self._engine = None
            self._sessions = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- fast reads --------------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A plain sqlite3 connection for read-only queries (one per thread, reused).

        On a server database, a psycopg connection that answers the same SQL the same way
        (`rcdesk/db/server_reads.py`)."""
        if self.paths is not None and self.paths.url is not None:
            reader = getattr(self._local, "conn", None)
            if reader is None:
                from rcdesk.db import server_reads

                reader = server_reads.connect(self.paths.url)
                self._local.conn = reader
                with self._lock:
                    self._readers.append(reader)
            # typed as what the callers program against: the same calls, answered the same way
            yield cast(sqlite3.Connection, reader)
            return
        if self.paths is None:  # in-memory: the engine's single shared connection
            raw = self.engine.raw_connection()
            try:
                conn = raw.driver_connection
                assert isinstance(conn, sqlite3.Connection)  # the fast-read layer is SQLite-only
                yield conn
            finally:
                raw.close()
            return
        conn = getattr(self._local, "conn", None)
        if conn is None:
            from rcdesk.db import driver

            conn = driver.connect(
                self.paths.database, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, isolation_level=None
            )
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._local.conn = conn
            with self._lock:
                self._readers.append(conn)
        try:
            yield conn
        except _driver_errors("OperationalError") as exc:
            from rcdesk.db.engine import busy_error, is_busy

            if is_busy(exc):
                raise busy_error(self.paths.database) from exc
            raise

    # -- sessions ----------------------------------------------------------------------
    # A session for reading begins deferred (no lock); `begin()` and `connect()` are writes and
    # begin IMMEDIATE on SQLite: they wait for another writer up to the busy timeout instead of
    # failing when they first write (see rcdesk/db/engine.py).
    def _sessionmaker(self, write: bool):
        if self._sessions is None:
            from sqlalchemy.orm import sessionmaker

            from rcdesk.db.engine import READ_ONLY

            cls = _rc_session_class()
            self._sessions = {
                True: sessionmaker(self.engine, class_=cls, expire_on_commit=False),
                False: sessionmaker(self.engine.execution_options(**READ_ONLY), class_=cls, expire_on_commit=False),
            }
        return self._sessions[write]

    def session(self, **info) -> Session:
        """A session for reading: its transaction takes no lock (use `begin()` to write)."""
        return self._new_session(False, info)

    def _new_session(self, write: bool, info: dict) -> Session:
        s = self._sessionmaker(write)()
        s.info.update(installation_id=self.installation_id, user=self.user, **info)
        return s

    @contextmanager
    def begin(self, **info) -> Iterator[Session]:
        """A session inside one write transaction: commit on success, roll back on any error.

        A record another operator changed after this transaction read it (row versions, see
        `Record`) rolls the whole transaction back with `ConcurrentEdit`."""
        from sqlalchemy.orm.exc import StaleDataError

        try:
            with self._new_session(True, info) as s, s.begin():
                yield s
        except StaleDataError as exc:
            from rcdesk.errors import ConcurrentEdit

            raise ConcurrentEdit() from exc

    def tracking(self) -> AbstractContextManager[Tracked]:
        """`with db.tracking() as tracked:` … `tracked.changes`: what this thread's writes committed
        to this database changed meanwhile (rcdesk/db/write_tracking.py)."""
        from rcdesk.db.write_tracking import tracking

        return tracking(lambda: self._engine)

    @contextmanager
    def connect(self, *, write: bool = True) -> Iterator[Connection]:
        """A Core connection inside one transaction, for bulk paths (`write=False`: reads only)."""
        if write:
            with self.engine.begin() as conn:
                yield conn
            return
        from rcdesk.db.engine import READ_ONLY

        with self.engine.connect().execution_options(**READ_ONLY) as conn, conn.begin():
            yield conn

    # -- identity ----------------------------------------------------------------------
    def _ensure_installation(self, *, name: str | None, role: str | None) -> None:
        from sqlalchemy import select

        from rcdesk.models.core import ROLE_FIELD, Installation

        with self.begin(stamp="off") as s:
            me = s.scalars(select(Installation).where(Installation.is_self.is_(True))).first()
            if me is None:
                import socket

                me = Installation(
                    id=new_id(),
                    name=name or f"Instalación {socket.gethostname()}",
                    role=role or ROLE_FIELD,
                    is_self=True,
                    next_seq=1,
                )
                s.add(me)
                log.info("created installation %s", me.id)  # not its name: it may be a technician's (issue 16)
            else:
                if name:
                    me.name = name
                if role:
                    me.role = role
            self.installation_id = me.id
            self.installation_name = me.name
            self.role = me.role
