"""Backups survive power cuts and bad USB sticks: consistent copies, rotation, safe restore."""

from __future__ import annotations

import pytest

from rcdesk.db import backup
from rcdesk.db.database import Database
from rcdesk.db.migrate import head_version
from rcdesk.errors import UserError
from rcdesk.services.reference import ReferenceService


def test_backup_then_restore_brings_data_back(db_path, tmp_path):
    db = Database.open(db_path)
    ReferenceService(db).find_or_create_institution("Gobernación de Chimborazo")
    copy = backup.backup_database(db_path, db.paths.backups)
    ReferenceService(db).find_or_create_institution("Entidad creada después")
    paths = db.paths
    db.close()

    safety = backup.restore_database(copy, paths.database, paths.backups, head_version())
    db = Database.open(db_path)
    names = [i.name for i in ReferenceService(db).institutions()]
    db.close()
    assert names == ["Gobernación de Chimborazo"]
    assert safety is not None and safety.exists()  # the replaced state is not lost either


def test_rotation_keeps_newest(tmp_path):
    src = tmp_path / "a.db"
    Database.open(src).close()
    for _ in range(backup.KEEP + 3):
        backup.backup_database(src, tmp_path / "copias")
    assert len(list((tmp_path / "copias").glob("rcdesk-copia-*.db"))) == backup.KEEP


def test_restore_refuses_a_file_that_is_not_a_backup(db_path, tmp_path):
    db = Database.open(db_path)
    paths = db.paths
    db.close()
    junk = tmp_path / "foto.db"
    junk.write_bytes(b"\x89PNG not a database")
    before = db_path.read_bytes()
    with pytest.raises(UserError) as err:
        backup.restore_database(junk, paths.database, paths.backups, head_version())
    assert "foto.db" in str(err.value)
    assert db_path.read_bytes() == before
