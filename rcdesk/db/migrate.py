"""Versioned schema migrations (Alembic), applied when a database is opened.

Revisions are named "0001", "0002"…; each one also stamps `PRAGMA user_version` with its
number inside its own transaction, so start-up can tell "up to date" from a one-line
pragma without importing Alembic. Before upgrading an existing database a backup is taken
(before any write); a database stamped with a newer number is refused untouched.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

from rcdesk.errors import DatabaseTooNew, StorageError, UserError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def head_version() -> int:
    nums = [int(p.name[:4]) for p in (MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")]
    return max(nums)


def current_version(engine: Engine) -> tuple[int, bool]:
    """(user_version, has_tables) of the database behind `engine`.

    On a server database (no `user_version`) the number is Alembic's own revision."""
    if engine.dialect.name != "sqlite":
        with engine.connect() as c:
            stamped: bool = c.exec_driver_sql("SELECT to_regclass('alembic_version') IS NOT NULL").scalar_one()
            rev = c.exec_driver_sql("SELECT max(version_num) FROM alembic_version").scalar() if stamped else None
            tables: int = c.exec_driver_sql(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
            ).scalar_one()
        return int(rev or 0), bool(tables)
    with engine.connect() as c:
        version: int = c.exec_driver_sql("PRAGMA user_version").scalar_one()
        has_tables = (
            c.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            ).scalar_one()
            > 0
        )
    return int(version), bool(has_tables)


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade_to(engine: Engine, target: str = "head") -> None:
    from alembic import command

    with engine.connect() as conn:
        command.upgrade(_alembic_config(conn), target)


def upgrade_connection(conn) -> None:
    """Migrate to head on `conn`; begun by the caller, the migrations run inside its transaction and
    commit (or roll back) with it (moving a headquarters to a server: all or nothing)."""
    from alembic import command

    command.upgrade(_alembic_config(conn), "head")


def upgrade(engine: Engine, paths=None) -> int:
    latest = head_version()
    try:
        found, has_tables = current_version(engine)
    except UserError:
        raise  # already a Spanish message (DatabaseBusy…): a generic one would hide what to do
    except Exception as exc:
        from rcdesk.db.driver_errors import storage_message

        where = paths.display if paths is not None else None
        raise StorageError(storage_message(exc, where) or "No se puede abrir la base de datos.") from exc
    if found > latest:
        raise DatabaseTooNew(found, latest)
    if found == latest:
        return latest
    if found == 0 and has_tables:
        raise StorageError("El archivo no es una base de datos de rcdesk; no se ha modificado.")
    if found > 0 and paths is not None and paths.is_server:
        from rcdesk.db.backup import backup_server

        backup_server(paths, pre_upgrade_from=found)  # pg_dump, or a logged note that it is the server's job
    elif found > 0 and paths is not None and paths.database.exists():
        from rcdesk.db.backup import backup_database

        backup_database(paths.database, paths.backups, pre_upgrade_from=found)
    if found > 0 and engine.dialect.name == "sqlite":
        from rcdesk.db import schema_repair

        schema_repair.repair(engine, found)
    log.info("upgrading schema %s -> %s", found, latest)
    upgrade_to(engine, "head")
    return latest
