"""The one place that builds a SQLAlchemy engine for an rcdesk database.

SQLite is configured on every new connection: foreign keys on, WAL, busy timeout. The
driver's own transaction handling is switched off and `BEGIN` is issued by us, so DDL in
migrations is transactional and a failed step leaves nothing behind.

One writer at a time: a transaction begins `BEGIN IMMEDIATE` (it takes the write lock
first, waiting up to the busy timeout) unless it was opened as a read (`READ_ONLY`
execution options: `Database.session()`, `Database.connect(write=False)`). A deferred
transaction that reads and then writes cannot wait for another writer: SQLite refuses the
upgrade at once (its snapshot may be stale), which is how "database is locked" used to reach
users in 0.00 s despite the timeout. Only SQLite needs this; the option is ignored elsewhere.

A database that stays busy beyond the timeout raises `DatabaseBusy` (a `UserError`, exit 2 on
the command line, a dialog in the GUI), never the driver's OperationalError.

PostgreSQL (headquarters on a server, `postgresql+psycopg://…`) gets none of the SQLite set-up:
several operators write at once, each transaction at READ COMMITTED. What the one-writer rule
guarantees on SQLite comes from the rows themselves there: change numbers come from a sequence
outside any transaction (revision 0013; nobody waits for another's commit to take them); an ORM
update says `WHERE version = <version read>` (`Record`'s row versions), so an edit made on a stale
read fails with `ConcurrentEdit` instead of overwriting another operator's; a conflict decision
and a consolidation lock the rows they decide on (`SELECT … FOR UPDATE`), so the second reviewer
reads the first one's decision and nothing is applied twice. A lock held longer than the busy
timeout (`lock_timeout`) or a deadlock gives the same `DatabaseBusy` message.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.pool import StaticPool

from rcdesk.db import BUSY_TIMEOUT_MS
from rcdesk.errors import DatabaseBusy

log = logging.getLogger(__name__)

# Execution option naming how a transaction begins; absent means a write.
BEGIN_OPTION = "rcdesk_begin"
READ_ONLY = {BEGIN_OPTION: "DEFERRED"}

# SQLite primary result codes meaning "someone else holds the lock".
_BUSY_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED (extended codes keep these in the low byte)


def is_busy(exc: BaseException) -> bool:
    """True when a sqlite3 (or sqlcipher3) error means another connection holds the database."""
    from rcdesk.db.driver import errors

    if not isinstance(exc, errors("OperationalError")):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    return "locked" in str(exc) or "busy" in str(exc)


def busy_error(path: Path | None, timeout_ms: int | None = None) -> DatabaseBusy:
    """The Spanish message for a database still busy after the timeout, naming the holder if known."""
    from rcdesk.db.lock import holder_description

    seconds = (BUSY_TIMEOUT_MS if timeout_ms is None else timeout_ms) / 1000
    holder = holder_description(path) if path is not None else None
    who = holder or "otro programa o ventana de rcdesk que está guardando cambios"
    return DatabaseBusy(
        f"La base de datos está ocupada por otro programa ({who}; se esperó {seconds:g} s). "
        "Intente de nuevo en unos segundos. No se guardó ningún cambio."
    )


class _WriteHolders(threading.local):
    """DBAPI connections of this thread that hold an IMMEDIATE transaction."""

    def __init__(self) -> None:
        self.ids: set[int] = set()


def is_sqlite(engine_or_conn) -> bool:
    return bool(engine_or_conn.dialect.name == "sqlite")


def make_engine(target: Path | str | None) -> Engine:
    """An engine for an SQLite file (`Path`), a server URL (`str`, see `rcdesk.paths.parse_target`)
    or, with None, one shared in-memory SQLite connection (tests)."""
    if isinstance(target, str):
        from rcdesk.paths import parse_target

        parsed = parse_target(target)  # a path typed as sqlite:///… or a refused scheme
        if isinstance(parsed, str):
            return _tracked(_server_engine(parsed))
        target = parsed
    return _tracked(_sqlite_engine(target))


def _tracked(engine: Engine) -> Engine:
    from rcdesk.db import write_tracking

    write_tracking.install(engine)  # what a write changed, for the GUI's refreshes
    return engine


def _server_engine(url: str) -> Engine:
    from sqlalchemy.engine import make_url

    timeout_ms = BUSY_TIMEOUT_MS
    engine = create_engine(
        make_url(url),
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": 10,
            "application_name": "rcdesk",
            # waits for another operator's row lock as long as SQLite waits for the file
            "options": f"-c lock_timeout={timeout_ms} -c TimeZone=UTC",
        },
    )

    @event.listens_for(engine, "handle_error")
    def _busy(ctx):
        if server_busy(ctx.original_exception):
            raise busy_error(None, timeout_ms) from ctx.original_exception

    return engine


# SQLSTATEs meaning "another transaction is in the way; try again": lock_not_available,
# deadlock_detected, serialization_failure
_SERVER_BUSY = {"55P03", "40P01", "40001"}


def server_busy(exc: BaseException) -> bool:
    return getattr(exc, "sqlstate", None) in _SERVER_BUSY


def _file_engine(path: Path, timeout_ms: int) -> Engine:
    """A plain file through stdlib sqlite3; an encrypted one (or one to be created encrypted, see
    rcdesk/db/driver.py) through sqlcipher3, each connection keyed before anything else runs on it.
    `DatabaseLocked` when the file is encrypted and its key was not unlocked in this process."""
    from rcdesk.db import driver

    url = URL.create("sqlite", database=str(path))
    connect_args = {"check_same_thread": False, "timeout": timeout_ms / 1000}
    data_key = driver.data_key_for(path)
    if data_key is None:
        return create_engine(url, connect_args=connect_args)

    def creator():
        return driver.connect(path, data_key=data_key, **connect_args)

    return create_engine(url, module=driver.cipher_module(), creator=creator)


def _sqlite_engine(path: Path | None) -> Engine:
    timeout_ms = BUSY_TIMEOUT_MS
    if path is None:  # tests: one shared in-memory connection
        engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = _file_engine(path, timeout_ms)
    holders = _WriteHolders()

    @event.listens_for(engine, "connect")
    def _configure(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")  # a no-op inside a transaction: do it here
        cur.execute(f"PRAGMA busy_timeout={timeout_ms}")
        if path is not None:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        mode = conn.get_execution_options().get(BEGIN_OPTION, "IMMEDIATE")
        me = id(conn.connection.dbapi_connection)
        if mode == "IMMEDIATE" and holders.ids - {me}:
            # This thread already holds the write lock on another connection: waiting for it
            # would wait for ourselves. Such a nested transaction can only read safely, so it
            # begins deferred, as all transactions did before.
            log.warning("nested write transaction on a second connection begins deferred")
            mode = "DEFERRED"
        conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")
        if mode == "IMMEDIATE":
            holders.ids.add(me)

    def _end(conn) -> None:
        dbapi = conn.connection.dbapi_connection if not conn.invalidated else None
        if dbapi is not None:
            holders.ids.discard(id(dbapi))

    event.listen(engine, "commit", _end)
    event.listen(engine, "rollback", _end)

    @event.listens_for(engine, "handle_error")
    def _busy(ctx):
        if is_busy(ctx.original_exception):
            raise busy_error(path, timeout_ms) from ctx.original_exception

    return engine
