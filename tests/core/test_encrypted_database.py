"""An encrypted database (issue 16): nothing personal readable on the disk, backups encrypted with the
same key, plain databases converted, and every raw connection keyed the same way."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from rcdesk.db import driver
from rcdesk.db.backup import backup_database, check_backup_file, list_backups, restore_database
from rcdesk.db.database import Database
from rcdesk.db.migrate import head_version
from rcdesk.errors import UserError
from rcdesk.paths import AppPaths
from rcdesk.security import convert, setup, unlocked, vault
from rcdesk.services.attendance import AttendanceInput, AttendanceService
from rcdesk.services.events import EventInput, EventService

PASS = "río Napo 2026"
PEOPLE = [
    ("Zenobia Quishpe Tandazo", "1714307103", "0987654321"),
    ("Wilfrido Caiza Amaguaña", "0926687856", "0991234567"),
]


def _secrets() -> list[bytes]:
    out = []
    for name, cedula, phone in PEOPLE:
        for word in name.split():
            out += [word.encode("utf-8"), word.lower().encode("utf-8"), word.encode("utf-16-le")]
        out += [cedula.encode(), phone.encode(), cedula.encode("utf-16-le")]
    return out


def _register(db: Database) -> None:
    event = EventService(db).create(EventInput(title="Asamblea barrial", event_date=date(2026, 5, 20)))
    svc = AttendanceService(db)
    for name, cedula, phone in PEOPLE:
        svc.register(event.event_id, AttendanceInput(full_name=name, id_number=cedula, phone=phone))


def _leaks(files: list[Path]) -> list[str]:
    found = []
    for f in files:
        data = f.read_bytes()
        found += [f"{f.name}: {s!r}" for s in _secrets() if s in data]
    return found


@pytest.fixture(autouse=True)
def _forget_keys():
    yield
    unlocked.forget_all()


def _all_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".lock")]


def test_registered_attendees_are_nowhere_in_clear_on_disk(tmp_path):
    path = tmp_path / "campo.db"
    db = setup.create_encrypted(path, PASS)
    try:
        _register(db)
        wal = path.with_name(path.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0  # the test really looks at a WAL with the rows in it
        with db.read() as c:
            assert c.execute("SELECT count(*) FROM person").fetchone()[0] == 2  # the fast reads are keyed too
        backup_database(path, db.paths.backups)
        assert _leaks(_all_files(tmp_path)) == []
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".llave")] == ["campo.db.llave"]
        copies = list_backups(db.paths.backups)
        assert copies and all(vault.key_file(c.path).exists() for c in copies)
    finally:
        db.close()
    assert _leaks(_all_files(tmp_path)) == []


def test_the_same_registrations_on_a_plain_database_are_found_by_the_search(tmp_path):
    """The bytes search finds what it looks for: the control for the test above."""
    db = Database.open(tmp_path / "plano.db")
    try:
        _register(db)
    finally:
        db.close()
    assert _leaks(_all_files(tmp_path))


def test_an_encrypted_database_without_its_key_is_locked_and_a_wrong_key_file_refused(tmp_path):
    path = tmp_path / "campo.db"
    setup.create_encrypted(path, PASS).close()
    unlocked.forget_all()
    with pytest.raises(unlocked.DatabaseLocked) as exc:
        Database.open(path)
    assert "está cifrada" in str(exc.value)
    other = tmp_path / "otra.db"
    setup.create_encrypted(other, PASS).close()
    vault.key_file(path).write_bytes(vault.key_file(other).read_bytes())  # another database's key file
    unlocked.forget_all()
    setup.unlock(path, PASS)
    with pytest.raises(driver.WrongDatabaseKey) as exc2:
        Database.open(path)
    assert "no corresponde" in str(exc2.value)


def test_encrypted_backup_checks_and_restores_with_the_remembered_key(tmp_path):
    path = tmp_path / "campo.db"
    db = setup.create_encrypted(path, PASS)
    paths = db.paths
    _register(db)
    db.close()
    copy = backup_database(path, paths.backups)
    assert driver.is_encrypted(copy)
    assert check_backup_file(copy, head_version()) == head_version()
    db = Database.open(path)
    with db.begin() as s:
        from sqlalchemy import text

        s.execute(text("DELETE FROM attendance"))
    db.close()
    restore_database(copy, path, paths.backups, head_version())
    db = Database.open(path)
    with db.read() as c:
        assert c.execute("SELECT count(*) FROM attendance").fetchone()[0] == 2
    db.close()
    unlocked.forget_all()
    with pytest.raises(UserError, match="cifrada con la llave de otra base"):
        check_backup_file(copy, head_version())


def test_a_plain_copy_is_restored_encrypted_into_an_encrypted_database(tmp_path):
    plain = tmp_path / "plano.db"
    Database.open(plain).close()
    path = tmp_path / "campo.db"
    db = setup.create_encrypted(path, PASS)
    paths = db.paths
    db.close()
    restore_database(plain, path, paths.backups, head_version())
    assert driver.is_encrypted(path)
    with Database.open(path) as db2, db2.read() as c:
        assert c.execute("SELECT count(*) FROM installation").fetchone()[0] == 1


def _plain_with_backups(tmp_path: Path) -> tuple[Path, AppPaths]:
    path = tmp_path / "campo.db"
    db = Database.open(path)
    _register(db)
    paths = db.paths
    db.close()
    backup_database(path, paths.backups)
    backup_database(path, paths.backups)
    assert _leaks(_all_files(tmp_path))
    return path, paths


def test_a_plain_database_is_converted_and_no_plain_copy_is_left(tmp_path):
    path, paths = _plain_with_backups(tmp_path)
    seen = []
    convert.encrypt_database(path, PASS, evidence=lambda p, k, progress: seen.append(k))
    assert driver.is_encrypted(path) and not convert.is_pending(path)
    assert vault.installation_of(path) is not None  # headquarters can find the sealed key by it
    assert len(seen) == 1 and seen[0] == unlocked.key_for(path)
    assert _leaks(_all_files(tmp_path)) == []
    copies = list_backups(paths.backups)
    assert len(copies) == 3 and all(driver.is_encrypted(c.path) for c in copies)
    unlocked.forget_all()
    setup.unlock(path, PASS)
    with Database.open(path) as db, db.read() as c:
        names = {r[0] for r in c.execute("SELECT full_name FROM person")}
    assert names == {p[0] for p in PEOPLE}
    for c in copies:
        assert check_backup_file(c.path, head_version()) == head_version()


def _power_cut_at(monkeypatch, step: str, path) -> None:
    """Convert `path`, the process dying when the conversion reaches `convert.<step>`; then forget
    the unlocked keys, as a new process would."""

    def crash(*a, **k):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(convert, step, crash)
    with pytest.raises(KeyboardInterrupt):
        convert.encrypt_database(path, PASS)
    monkeypatch.undo()
    unlocked.forget_all()


def test_a_conversion_that_crashes_before_the_swap_leaves_the_plain_database_working(tmp_path, monkeypatch):
    path, _paths = _plain_with_backups(tmp_path)

    _power_cut_at(monkeypatch, "_replace_blanking", path)
    assert not driver.is_encrypted(path) and vault.key_file(path).exists()
    with Database.open(path) as db, db.read() as c:  # plain + key file = not converted yet: opens plain
        assert c.execute("SELECT count(*) FROM person").fetchone()[0] == 2
    convert.encrypt_database(path, "otra contraseña larga")  # offered again; any passphrase
    unlocked.forget_all()
    setup.unlock(path, "otra contraseña larga")
    with Database.open(path) as db, db.read() as c:
        assert c.execute("SELECT count(*) FROM person").fetchone()[0] == 2
    assert _leaks(_all_files(tmp_path)) == []


def test_a_conversion_that_crashes_after_the_swap_is_finished_by_the_next_unlock(tmp_path, monkeypatch):
    path, paths = _plain_with_backups(tmp_path)

    _power_cut_at(monkeypatch, "encrypt_backups", path)
    assert driver.is_encrypted(path) and convert.is_pending(path)
    assert _leaks(list(paths.backups.iterdir()))  # the plain copies were not reached yet
    setup.unlock(path, PASS, paths=paths)
    assert not convert.is_pending(path)
    assert _leaks(_all_files(tmp_path)) == []
    with Database.open(path) as db, db.read() as c:
        assert c.execute("SELECT count(*) FROM person").fetchone()[0] == 2


def test_converting_an_encrypted_database_again_is_refused(tmp_path):
    path = tmp_path / "campo.db"
    setup.create_encrypted(path, PASS).close()
    with pytest.raises(UserError, match="ya está cifrada"):
        convert.encrypt_database(path, PASS)


def test_both_drivers_errors_are_recognised_as_storage_problems(tmp_path):
    from rcdesk.db.driver_errors import storage_message
    from rcdesk.db.engine import is_busy

    cipher = driver.cipher_module()
    busy = cipher.OperationalError("database is locked")
    assert is_busy(busy) and is_busy(sqlite3.OperationalError("database is locked"))
    assert "ocupada" in (storage_message(busy, tmp_path / "x.db") or "")
    assert driver.is_connection(cipher.connect(":memory:"))


def test_a_folder_name_with_uri_characters_opens_read_only_both_ways(tmp_path):
    folder = tmp_path / "Técnico #2 50%"
    folder.mkdir()
    setup.create_encrypted(folder / "campo?.db", PASS).close()
    Database.open(folder / "plano.db").close()
    for name in ("campo?.db", "plano.db"):
        with driver.connect(folder / name, read_only=True) as c:
            assert c.execute("PRAGMA user_version").fetchone()[0] == head_version()


def test_rotation_removes_an_old_copy_with_its_key_file(tmp_path):
    from rcdesk.db.backup import rotate

    path = tmp_path / "campo.db"
    db = setup.create_encrypted(path, PASS)
    paths = db.paths
    db.close()
    copies = [backup_database(path, paths.backups) for _ in range(3)]
    rotate(paths.backups, keep=1)
    assert [c.exists() for c in copies] == [False, False, True]
    assert [vault.key_file(c).exists() for c in copies] == [False, False, True]
