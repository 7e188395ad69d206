"""Schema upgrades: users' databases must survive every new version of rcdesk."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine

from rcdesk.db import migrate
from rcdesk.db.database import Database
from rcdesk.db.engine import make_engine
from rcdesk.errors import DatabaseTooNew, StorageError


def _user_version(path) -> int:
    with sqlite3.connect(path) as c:
        return c.execute("PRAGMA user_version").fetchone()[0]


def test_fresh_database_matches_the_models(db_path):
    """Hand-written migrations and ORM models must describe the same schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import rcdesk.models  # noqa: F401
    from rcdesk.db.base import Base

    Database.open(db_path).close()
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        virtual = [
            r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
        ]

        def include(obj, name, type_, reflected, compare_to):
            # FTS5 indexes (and their shadow tables) are created by raw SQL, not by the models
            return not (type_ == "table" and any(name == v or name.startswith(v + "_") for v in virtual))

        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include})
        diffs = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diffs == []
    assert _user_version(db_path) == migrate.head_version()


def test_upgrade_from_first_schema_keeps_data_and_backs_up_first(tmp_path):
    db_path = tmp_path / "vieja.db"
    engine = make_engine(db_path)
    migrate.upgrade_to(engine, "0001")
    with engine.begin() as c:
        c.exec_driver_sql(
            "INSERT INTO installation (id, name, role, is_self, created_at, next_seq) "
            "VALUES ('i1', 'Técnico Guamote', 'field', 1, '2024-01-01 00:00:00', 5)"
        )
        c.exec_driver_sql(
            "INSERT INTO institution (id, created_at, updated_at, modified_by, version, deleted, change_seq, "
            "name, country, kind) VALUES ('e1', '2024-01-01', '2024-01-01', 'i1', 1, 0, 1, "
            "'Gobernación de Chimborazo', 'EC', 'GOBERNACION_EC')"
        )
    engine.dispose()
    assert _user_version(db_path) == 1

    db = Database.open(db_path)
    try:
        assert db.installation_id == "i1"
        from rcdesk.services.reference import ReferenceService

        assert [i.name for i in ReferenceService(db).institutions()] == ["Gobernación de Chimborazo"]
    finally:
        db.close()
    assert _user_version(db_path) == migrate.head_version()
    backups = list((tmp_path / "vieja-archivos" / "copias").glob("rcdesk-antes-de-actualizar-v1-*.db"))
    assert len(backups) == 1
    assert _user_version(backups[0]) == 1  # the copy is of the database before any write


def test_database_from_newer_version_is_refused_untouched(db_path):
    Database.open(db_path).close()
    newer = migrate.head_version() + 1
    with sqlite3.connect(db_path) as c:
        c.execute(f"PRAGMA user_version = {newer}")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseTooNew) as err:
        Database.open(db_path)
    assert "más reciente" in str(err.value)
    assert db_path.read_bytes() == before
    assert _user_version(db_path) == newer


def test_foreign_file_is_not_taken_over(tmp_path):
    other = tmp_path / "otra.db"
    with sqlite3.connect(other) as c:
        c.execute("CREATE TABLE clientes (id INTEGER)")
    with pytest.raises(StorageError):
        Database.open(other)
    with sqlite3.connect(other) as c:
        tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["clientes"]


def test_pragmas_wal_and_foreign_keys(db):
    with db.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_ddl_inside_a_failed_step_rolls_back(tmp_path):
    """Migrations rely on transactional DDL: a failing step must leave nothing behind."""
    engine = make_engine(tmp_path / "x.db")
    with pytest.raises(RuntimeError):
        with engine.begin() as c:
            c.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
            c.exec_driver_sql("PRAGMA user_version = 99")
            raise RuntimeError("step failed")
    with engine.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name='half_done'").scalar() == 0
        assert c.exec_driver_sql("PRAGMA user_version").scalar() == 0
    engine.dispose()
