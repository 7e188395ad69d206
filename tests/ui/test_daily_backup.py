"""The first start of the day copies the database after the window is shown, on its own thread.

A user opening rcdesk must get the window at once, even when the day's copy of a large database
takes seconds; the copy must still be complete when the day's work ends, and a failed copy is
a warning in the status bar, never a crash or a dialog to dismiss.
"""

from __future__ import annotations

import threading

from tests.ui.real_start import run_app


def _start(monkeypatch, db_path, during):
    """Run the real entry point with the copy started at once; `during(window, seen)` runs in its event loop."""
    import ui.app

    monkeypatch.setattr(ui.app, "BACKUP_AFTER_MS", 0)
    return run_app(monkeypatch, db_path, during)


def _copies(db_path):
    from rcdesk.db.backup import list_backups
    from rcdesk.paths import AppPaths

    return [b for b in list_backups(AppPaths.for_database(db_path).backups) if b.kind == "copia"]


def test_the_window_is_shown_and_answers_while_the_days_copy_runs(qtbot, quiet_start, demo_db_path, monkeypatch):
    import rcdesk.db.backup as backup

    copying, release = threading.Event(), threading.Event()
    real_copy = backup.copy_database

    def slow_copy(src, dest):
        copying.set()
        assert release.wait(20)
        return real_copy(src, dest)

    monkeypatch.setattr(backup, "copy_database", slow_copy)
    assert _copies(demo_db_path) == []

    def during(window, seen) -> None:
        qtbot.waitUntil(copying.is_set, timeout=10000)
        seen["visible_while_copying"] = window.isVisible()
        window.show_page("plans")  # the user works meanwhile: the GUI thread is free
        seen["page_while_copying"] = window.current_page_key()
        seen["copies_while_copying"] = len(_copies(demo_db_path))
        release.set()
        qtbot.waitUntil(lambda: len(_copies(demo_db_path)) == 1, timeout=20000)
        window.close()

    seen = _start(monkeypatch, demo_db_path, during)
    assert seen["code"] == 0
    assert seen["visible_while_copying"] and seen["page_while_copying"] == "plans"
    assert seen["copies_while_copying"] == 0
    copies = _copies(demo_db_path)
    assert len(copies) == 1
    import sqlite3

    with sqlite3.connect(copies[0].path) as c:  # a whole, readable database
        assert c.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert c.execute("SELECT count(*) FROM plan").fetchone()[0] > 0


def test_closing_before_the_copy_started_still_takes_it(qtbot, quiet_start, demo_db_path, monkeypatch):
    import ui.app

    monkeypatch.setattr(ui.app, "BACKUP_AFTER_MS", 60_000)  # the window closes long before
    assert run_app(monkeypatch, demo_db_path, lambda window, _seen: window.close())["code"] == 0
    assert len(_copies(demo_db_path)) == 1


def test_one_copy_a_day(qtbot, quiet_start, demo_db_path, monkeypatch):
    def during(window, seen) -> None:
        qtbot.waitUntil(lambda: len(_copies(demo_db_path)) == 1, timeout=20000)
        window.close()

    _start(monkeypatch, demo_db_path, during)
    first = _copies(demo_db_path)
    seen = _start(monkeypatch, demo_db_path, lambda window, _seen: window.close())
    assert seen["code"] == 0
    assert _copies(demo_db_path) == first  # the second start of the day copies nothing


def test_a_failed_copy_is_logged_and_shown_as_a_warning_without_stopping_work(
    qtbot, quiet_start, demo_db_path, monkeypatch, caplog
):
    import rcdesk.db.backup as backup

    def full_disk(src, dest):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "copy_database", full_disk)
    boxes: list = []
    from PySide6.QtWidgets import QMessageBox

    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: boxes.append(a) or 0)

    def during(window, seen) -> None:
        from PySide6.QtWidgets import QLabel

        qtbot.waitUntil(lambda: window.findChild(QLabel, "backup_warning") is not None, timeout=10000)
        label = window.findChild(QLabel, "backup_warning")
        seen["warning"] = label.text()
        seen["warning_visible"] = label.isVisible()
        window.show_page("plans")  # work goes on
        seen["page"] = window.current_page_key()
        window.close()

    seen = _start(monkeypatch, demo_db_path, during)
    assert seen["code"] == 0
    assert "No se pudo hacer la copia de seguridad diaria" in seen["warning"] and seen["warning_visible"]
    assert seen["page"] == "plans" and boxes == []
    assert any("automatic backup" in r.getMessage() and r.exc_info for r in caplog.records)
    assert _copies(demo_db_path) == []
