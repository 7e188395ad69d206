"""An open rcdesk database: engine, sessions and this installation's identity.

Services receive a `Database` in their constructor; nothing else opens connections.
"""
from __future__ import annotations

import getpass
import logging
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session, sessionmaker

from rcdesk.db import migrate, stamping
from rcdesk.db.engine import make_engine
from rcdesk.ids import new_id
from rcdesk.paths import AppPaths

log = logging.getLogger(__name__)


class RcSession(Session):
    """Session class that carries the Record stamping listener."""


stamping.install(RcSession)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on some Windows set-ups
        return ""


class Database:
    def __init__(self, engine: Engine, paths: AppPaths | None) -> None:
        self.engine = engine
        self.paths = paths
        self._sessions = sessionmaker(engine, class_=RcSession, expire_on_commit=False)
        self.user = _os_user()
        self.installation_id: str | None = None
        self.installation_name: str = ""
        self.role: str = "field"

    # -- opening -----------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: Path | None = None,
        *,
        paths: AppPaths | None = None,
        create: bool = True,
        name: str | None = None,
        role: str | None = None,
    ) -> "Database":
        """Open (and create or upgrade) a database.

        `path=None` and `paths=None` gives a throw-away in-memory database (tests).
        Upgrading an existing database takes a backup first; a database from a newer
        rcdesk is refused untouched (`DatabaseTooNew`).
        """
        if paths is None and path is not None:
            paths = AppPaths.for_database(Path(path))
        if paths is not None:
            paths.ensure()
            if not create and not paths.database.exists():
                from rcdesk.errors import StorageError

                raise StorageError(f"No existe la base de datos «{paths.database}».")
        engine = make_engine(paths.database if paths else None)
        try:
            migrate.upgrade(engine, paths)
        except BaseException:
            engine.dispose()
            raise
        db = cls(engine, paths)
        db._ensure_installation(name=name, role=role)
        return db

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        self.close()

    # -- sessions ----------------------------------------------------------------------
    def session(self, **info) -> RcSession:  # noqa: ANN003
        s = self._sessions()
        s.info.update(installation_id=self.installation_id, user=self.user, **info)
        return s

    @contextmanager
    def begin(self, **info) -> Iterator[RcSession]:  # noqa: ANN003
        """A session inside one transaction: commit on success, roll back on any error."""
        with self.session(**info) as s, s.begin():
            yield s

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A Core connection inside one transaction, for bulk paths."""
        with self.engine.begin() as conn:
            yield conn

    # -- identity ----------------------------------------------------------------------
    def _ensure_installation(self, *, name: str | None, role: str | None) -> None:
        from rcdesk.models.core import ROLE_FIELD, Installation

        with self.session(stamp="off") as s, s.begin():
            me = s.scalars(select(Installation).where(Installation.is_self.is_(True))).first()
            if me is None:
                me = Installation(
                    id=new_id(),
                    name=name or f"Instalación {socket.gethostname()}",
                    role=role or ROLE_FIELD,
                    is_self=True,
                    next_seq=1,
                )
                s.add(me)
                log.info("created installation %s (%s)", me.id, me.name)
            else:
                if name:
                    me.name = name
                if role:
                    me.role = role
            self.installation_id = me.id
            self.installation_name = me.name
            self.role = me.role
