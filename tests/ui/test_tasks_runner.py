"""The real task runner (ui/tasks.py): its worker thread, progress dialog and Cancelar.

Other GUI tests use SyncTaskRunner (inline); these run jobs on the actual worker thread, so
what the user sees while a long job runs — the dialog, Cancelar, an error box — is covered.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton, QWidget

from rcdesk.errors import UserError
from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.services.plans import PlanService
from ui.tasks import CANCELLED_TEXT, SHOW_AFTER_MS, TaskRunner


@pytest.fixture
def runner(qtbot):
    r = TaskRunner()
    yield r
    r.shutdown()


@pytest.fixture
def window(qtbot):
    w = QWidget()
    w.resize(800, 500)
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def boxes(monkeypatch):
    """Message boxes the runner shows, recorded instead of waiting for a click."""
    from ui.crash import CrashDialog

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(("aviso", box.text())) or 0)
    monkeypatch.setattr(
        QMessageBox,
        "information",
        staticmethod(lambda _parent, _title, text, *a, **k: shown.append(("información", text))),
    )
    monkeypatch.setattr(CrashDialog, "exec", lambda dlg: shown.append(("fallo", dlg.text.toPlainText())) or 0)
    return shown


def _progress_dialog(parent: QWidget) -> QProgressDialog | None:
    return next((d for d in parent.findChildren(QProgressDialog) if d.isVisible()), None)


def _big_plan(n: int = 2_000) -> ParsedPlan:
    acts = [ParsedActivity(f"Actividad {i}", number=str(i), responsible="Planeación") for i in range(n)]
    return ParsedPlan(
        layout="paac",
        title="PAAC grande",
        entity="Alcaldía de Pasto",
        year=2022,
        groups=[ParsedGroup("componente", "Componente 1", activities=acts)],
        source_name="grande.xlsx",
    )


def _dump(path) -> list[str]:
    with sqlite3.connect(path) as c:
        return list(c.iterdump())


def test_a_long_job_shows_progress_on_the_worker_thread_then_closes(qtbot, runner, window):
    release = threading.Event()
    seen: dict = {}

    def job(progress, cancel):
        seen["thread"] = threading.get_ident()
        progress(3, 10, "Leyendo filas…")
        release.wait(10)
        return 42

    results: list = []
    runner.run(job, title="Importando el plan", parent=window, on_done=results.append)
    qtbot.waitUntil(lambda: _progress_dialog(window) is not None, timeout=5000)
    dlg = _progress_dialog(window)
    qtbot.waitUntil(lambda: dlg.value() == 3 and dlg.maximum() == 10)
    assert "Importando el plan" in dlg.labelText() and "Leyendo filas…" in dlg.labelText()
    assert any(b.text() == "Cancelar" for b in dlg.findChildren(QPushButton))
    assert results == []  # the GUI thread is free while the job runs
    release.set()
    qtbot.waitUntil(lambda: results == [42], timeout=5000)
    assert seen["thread"] != threading.get_ident()
    qtbot.waitUntil(lambda: _progress_dialog(window) is None)


def test_a_quick_job_shows_no_dialog(qtbot, runner, window):
    results: list = []
    runner.run(lambda progress, cancel: "listo", title="Calculando", parent=window, on_done=results.append)
    qtbot.waitUntil(lambda: results == ["listo"], timeout=5000)
    qtbot.wait(SHOW_AFTER_MS + 100)
    assert window.findChildren(QProgressDialog) == []


def test_cancelar_leaves_the_database_as_it_was(qtbot, runner, window, db, db_path, boxes):
    before = _dump(db_path)
    first_batch_written = threading.Event()
    go_on = threading.Event()

    def job(progress, cancel):
        def held(done, total=None, text=""):
            progress(done, total, text)
            first_batch_written.set()
            go_on.wait(10)  # keep the transaction open until the user has pressed Cancelar

        return PlanService(db).save_parsed(_big_plan(), progress=held, cancel=cancel)

    outcome: list[str] = []
    runner.run(job, title="Guardando el plan", parent=window, on_done=lambda r: outcome.append("guardado"))
    assert first_batch_written.wait(10)
    qtbot.waitUntil(lambda: _progress_dialog(window) is not None, timeout=5000)
    dlg = _progress_dialog(window)
    cancel_button = next(b for b in dlg.findChildren(QPushButton) if b.text() == "Cancelar")
    qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    go_on.set()
    qtbot.waitUntil(lambda: bool(boxes), timeout=10000)
    assert boxes == [("información", CANCELLED_TEXT)] and outcome == []
    qtbot.waitUntil(lambda: _progress_dialog(window) is None)
    runner.wait()
    assert _dump(db_path) == before
    assert PlanService(db).list_plans() == []


def test_a_refusal_in_the_worker_reaches_the_user_as_a_warning(qtbot, runner, window, boxes):
    def job(progress, cancel):
        raise UserError("La hoja «POA» no tiene la columna «Meta»; no se importó nada.")

    runner.run(job, title="Importando", parent=window, on_done=lambda r: boxes.append(("hecho", r)))
    qtbot.waitUntil(lambda: bool(boxes), timeout=5000)
    assert boxes == [("aviso", "La hoja «POA» no tiene la columna «Meta»; no se importó nada.")]


def test_a_bug_in_the_worker_reaches_the_user_as_the_crash_report(qtbot, runner, window, boxes):
    def job(progress, cancel):
        return {}["falta"]

    runner.run(job, title="Calculando", parent=window)
    qtbot.waitUntil(lambda: bool(boxes), timeout=5000)
    ((kind, report),) = boxes
    assert kind == "fallo" and "KeyError" in report and "in job" in report  # the report says where


def test_a_write_runs_on_the_worker_and_a_refusal_goes_to_its_handler(qtbot, runner, window, boxes):
    threads: list[int] = []
    done: list = []
    refused: list[str] = []

    def write():
        threads.append(threading.get_ident())
        return "ok"

    runner.write(write, parent=window, on_done=done.append)
    qtbot.waitUntil(lambda: done == ["ok"], timeout=5000)
    assert threads[0] != threading.get_ident()

    def refuse():
        raise UserError("La base de datos está ocupada por otro programa.")

    runner.write(refuse, parent=window, on_user_error=lambda e: refused.append(e.message))
    qtbot.waitUntil(lambda: bool(refused), timeout=5000)
    assert refused == ["La base de datos está ocupada por otro programa."] and boxes == []
