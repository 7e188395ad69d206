"""GUI writes run on the one worker, never on the GUI thread; a busy database reaches the user
as a Spanish dialog; a second window on the same database file is refused by name."""
from __future__ import annotations

import sqlite3
import threading
from datetime import date

import pytest
from sqlalchemy import event

from rcdesk.db.engine import BEGIN_OPTION
from rcdesk.services.events import EventInput, EventService

pytestmark = pytest.mark.ui


@pytest.fixture
def gui_thread_writes(db):
    """Write transactions begun on the GUI (main) thread, recorded from the engine."""
    seen: list[str] = []

    def _begin(conn) -> None:  # noqa: ANN001
        if conn.get_execution_options().get(BEGIN_OPTION, "IMMEDIATE") == "IMMEDIATE" \
                and threading.current_thread() is threading.main_thread():
            seen.append("write on the GUI thread")

    event.listen(db.engine, "begin", _begin)
    yield seen
    event.remove(db.engine, "begin", _begin)


@pytest.fixture
def real_ctx(qtbot, db, tmp_path):  # noqa: ARG001 - qtbot ensures a QApplication
    from PySide6.QtCore import QSettings

    from ui.shell import UiContext
    from ui.tasks import TaskRunner

    runner = TaskRunner()
    ctx = UiContext(db=db, runner=runner, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    yield ctx
    runner.shutdown()


def _event_tab(qtbot, ctx, cls_name: str):  # noqa: ANN202
    import ui.widgets.events_tabs as tabs

    ev = EventService(ctx.db).create(EventInput(title="Deliberación", event_date=date(2026, 5, 20)))
    tab = getattr(tabs, cls_name)(ctx)
    qtbot.addWidget(tab)
    tab.set_event(ev)
    return tab, ev


def test_saving_on_a_page_writes_on_the_worker_then_updates_the_page(qtbot, real_ctx, gui_thread_writes):
    tab, ev = _event_tab(qtbot, real_ctx, "ContributionsTab")
    gui_thread_writes.clear()  # the event above was made by the test itself
    tab.text.setText("Arreglar la vía a la parroquia")
    tab.by.setText("Junta parroquial")
    tab.add()
    qtbot.waitUntil(lambda: tab.cmodel.rowCount() == 1, timeout=5000)
    assert tab.text.text() == ""  # cleared only after the save
    assert gui_thread_writes == []
    from rcdesk.services.commitments import CommitmentService

    rows = CommitmentService(real_ctx.db).contributions(ev.event_id)
    assert [r.text for r in rows] == ["Arreglar la vía a la parroquia"]


def test_door_registration_is_saved_on_the_worker(qtbot, real_ctx, gui_thread_writes):
    from rcdesk.services.attendance import AttendanceService

    tab, ev = _event_tab(qtbot, real_ctx, "AttendanceTab")
    gui_thread_writes.clear()
    tab.name.setText("Ana Pérez")
    tab.register()
    qtbot.waitUntil(lambda: "Registrado/a" in tab.message.text(), timeout=5000)
    assert [r.full_name for r in AttendanceService(real_ctx.db).all_attendance(ev.event_id)] == ["Ana Pérez"]
    assert tab.name.text() == ""
    assert gui_thread_writes == []


def test_busy_database_shows_a_spanish_dialog_and_keeps_the_form(qtbot, real_ctx, db_path, monkeypatch):
    import rcdesk.db.engine as engine_mod
    import ui.widgets.events_tabs as tabs
    from rcdesk.db.database import Database

    monkeypatch.setattr(engine_mod, "BUSY_TIMEOUT_MS", 200)
    busy_db = Database.open(db_path)  # a fresh engine, built with the short timeout
    real_ctx.db = busy_db
    shown: list[str] = []
    monkeypatch.setattr(tabs, "show_error", lambda parent, exc: shown.append(str(exc)))
    tab, _ev = _event_tab(qtbot, real_ctx, "ContributionsTab")
    tab.text.setText("Más alumbrado público")
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program in the middle of a write
    try:
        tab.add()
        qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        real_ctx.runner.shutdown()
        busy_db.close()
    assert "La base de datos está ocupada por otro programa" in shown[0]
    assert "Intente de nuevo en unos segundos" in shown[0]
    assert tab.text.text() == "Más alumbrado público"  # nothing lost: the user can press again
    assert tab.cmodel.rowCount() == 0


def test_followup_settings_write_on_the_worker(qtbot, real_ctx, gui_thread_writes):
    from rcdesk.services.evidence import EvidenceService
    from ui.dialogs.followup_settings import FollowupSettingsTab

    tab = FollowupSettingsTab(real_ctx)
    qtbot.addWidget(tab)
    gui_thread_writes.clear()
    tab.max_mb.setValue(7)
    tab.save_max_mb()
    qtbot.waitUntil(lambda: EvidenceService(real_ctx.db).max_mb() == 7, timeout=5000)
    real_ctx.runner.wait(5000)
    assert gui_thread_writes == []


def test_second_window_on_the_same_database_is_refused_by_name(qtbot, db_path, monkeypatch):  # noqa: ARG001
    from PySide6.QtWidgets import QMessageBox

    import rcdesk.logsetup
    import ui.crash
    from rcdesk.db.lock import GUI_PROGRAM, ProcessLock
    from ui.app import run

    monkeypatch.setattr(ui.crash, "install_crash_handler", lambda *_a: None)
    monkeypatch.setattr(rcdesk.logsetup, "setup_logging", lambda *_a: None)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]) or 0)
    with ProcessLock(db_path):  # the first window
        code = run(["rcdesk", "--db", str(db_path)])
    assert code == 2
    assert "ya está abierta en" in warned[0] and GUI_PROGRAM in warned[0]
    assert not db_path.exists()  # the second window did not even create the database
