"""One writer at a time: writers wait for each other, a busy database says so in Spanish,
and a second GUI on the same file is refused by its lock file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date

import pytest

from rcdesk.db import engine as engine_mod
from rcdesk.db.database import Database
from rcdesk.db.lock import GUI_PROGRAM, ProcessLock, holder_description, lock_path
from rcdesk.errors import DatabaseBusy, DatabaseInUse, UserError
from rcdesk.services.events import EventInput, EventService

STRESS_SECONDS = 3.0


def _events(db_path) -> int:
    with sqlite3.connect(db_path) as c:
        return c.execute("SELECT count(*) FROM event").fetchone()[0]


def _hold_write_lock(db_path, holding: threading.Event, release: threading.Event) -> None:
    """Another program in the middle of a write: holds SQLite's write lock until told."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE installation SET name = name")  # a real change: readers' snapshots go stale
    holding.set()
    release.wait(10)
    conn.execute("COMMIT")
    conn.close()


def test_two_writers_and_a_long_transaction_never_fail(db, db_path):
    """Two `event create` loops plus an import-like long transaction, each on its own
    connection: every write waits its turn; none fails with "database is locked"."""
    failures: list[BaseException] = []
    created = [0, 0]
    stop = time.monotonic() + STRESS_SECONDS

    def creator(slot: int) -> None:
        with Database.open(db_path) as mine:
            service = EventService(mine)
            while time.monotonic() < stop:
                try:
                    service.create(EventInput(title=f"Evento {slot}", event_date=date(2026, 5, 20)))
                    created[slot] += 1
                except BaseException as exc:
                    failures.append(exc)

    def long_import() -> None:
        # Reads, holds the write lock for a while, then writes: like a 20,000-row import.
        with Database.open(db_path) as mine:
            while time.monotonic() < stop:
                try:
                    with mine.begin() as s:
                        s.connection().exec_driver_sql("SELECT count(*) FROM event").scalar()
                        time.sleep(0.3)
                        s.connection().exec_driver_sql("UPDATE installation SET name = name")
                except BaseException as exc:
                    failures.append(exc)

    threads = [threading.Thread(target=creator, args=(i,)) for i in (0, 1)]
    threads.append(threading.Thread(target=long_import))
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert failures == []
    assert created[0] > 0 and created[1] > 0
    assert _events(db_path) == sum(created)


def test_read_then_write_waits_for_the_other_writer(db, db_path):
    """Updating an event reads it before writing; with a deferred BEGIN that failed at once."""
    event = EventService(db).create(EventInput(title="Antes", event_date=date(2026, 5, 20)))
    holding, release = threading.Event(), threading.Event()
    other = threading.Thread(target=_hold_write_lock, args=(db_path, holding, release))
    other.start()
    holding.wait(5)
    threading.Timer(0.5, release.set).start()
    with Database.open(db_path) as mine:
        row = EventService(mine).update(
            event.event_id, EventInput(title="Espera su turno", event_date=date(2026, 5, 20))
        )
    other.join(5)
    assert row.title == "Espera su turno"
    assert EventService(db).get(event.event_id).title == "Espera su turno"


@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setattr(engine_mod, "BUSY_TIMEOUT_MS", 200)


def test_writer_blocked_beyond_the_timeout_gets_a_spanish_message(db, db_path, short_timeout):
    holding, release = threading.Event(), threading.Event()
    other = threading.Thread(target=_hold_write_lock, args=(db_path, holding, release))
    other.start()
    holding.wait(5)
    try:
        with Database.open(db_path) as mine:
            with pytest.raises(DatabaseBusy) as caught:
                EventService(mine).create(EventInput(title="No entra", event_date=date(2026, 5, 20)))
            # reads take no lock: they go on while the other program writes
            assert EventService(mine).list_events() == []
    finally:
        release.set()
        other.join(5)
    assert isinstance(caught.value, UserError)
    message = str(caught.value)
    assert "La base de datos está ocupada por otro programa" in message
    assert "Intente de nuevo en unos segundos" in message
    assert "OperationalError" not in message and "locked" not in message
    assert _events(db_path) == 0


def test_cli_write_on_a_busy_database_exits_2_with_the_message(db, db_path, short_timeout, capsys):
    from rcdesk.cli import main

    holding, release = threading.Event(), threading.Event()
    other = threading.Thread(target=_hold_write_lock, args=(db_path, holding, release))
    other.start()
    holding.wait(5)
    try:
        code = main(["--db", str(db_path), "event", "create", "--title", "X", "--date", "2026-05-20"])
        listed = main(["--db", str(db_path), "event", "list"])
    finally:
        release.set()
        other.join(5)
    err = capsys.readouterr().err
    assert code == 2
    assert "ocupada por otro programa" in err
    assert "Error inesperado" not in err and "Traceback" not in err
    assert listed == 0  # a read-only command is not blocked by a writer
    assert _events(db_path) == 0


# -- the GUI's lock file ------------------------------------------------------------------------

HOLDER = (
    "import sys, time\n"
    "from rcdesk.db.lock import ProcessLock\n"
    "ProcessLock(sys.argv[1]).acquire()\n"
    "print('held', flush=True)\n"
    "time.sleep(30)\n"
)


@pytest.fixture
def other_gui(tmp_path):
    """Another process holding the GUI lock on a database file."""
    db_file = tmp_path / "compartida.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_file)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=str(engine_mod.Path(__file__).resolve().parents[2]),
    )
    assert proc.stdout.readline().strip() == "held"
    yield db_file, proc
    proc.kill()
    proc.wait(5)


def test_second_gui_is_refused_naming_the_holder(other_gui):
    db_file, proc = other_gui
    with pytest.raises(DatabaseInUse) as caught:
        ProcessLock(db_file).acquire()
    message = str(caught.value)
    assert "ya está abierta en" in message
    assert GUI_PROGRAM in message and f"proceso {proc.pid}" in message
    assert holder_description(db_file) is not None


def test_lock_of_a_dead_process_is_taken_over(other_gui):
    db_file, proc = other_gui
    proc.kill()
    proc.wait(5)
    assert f'"pid": {proc.pid}' in lock_path(db_file).read_text(encoding="utf-8")  # stale text stays
    assert holder_description(db_file) is None  # and is not named as a holder
    with ProcessLock(db_file) as mine:
        assert mine.held
        assert f'"pid": {proc.pid}' not in lock_path(db_file).read_text(encoding="utf-8")
        with pytest.raises(DatabaseInUse):
            ProcessLock(db_file).acquire()
    with ProcessLock(db_file):  # released: the next start gets it
        pass


def test_busy_message_names_the_gui_that_holds_the_file(other_gui, short_timeout):
    db_file, proc = other_gui
    Database.open(db_file, name="Compartida").close()
    holding, release = threading.Event(), threading.Event()
    other = threading.Thread(target=_hold_write_lock, args=(db_file, holding, release))
    other.start()
    holding.wait(5)
    try:
        with Database.open(db_file) as mine, pytest.raises(DatabaseBusy) as caught:
            EventService(mine).create(EventInput(title="No entra", event_date=date(2026, 5, 20)))
    finally:
        release.set()
        other.join(5)
    assert GUI_PROGRAM in str(caught.value) and f"proceso {proc.pid}" in str(caught.value)
