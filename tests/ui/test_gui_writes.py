"""GUI writes run on the one worker, never on the GUI thread; a busy database reaches the user
as a Spanish dialog; a second window on the same database file is refused by name."""

from __future__ import annotations

import sqlite3
import threading
import traceback
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

    def _begin(conn) -> None:
        if (
            conn.get_execution_options().get(BEGIN_OPTION, "IMMEDIATE") == "IMMEDIATE"
            and threading.current_thread() is threading.main_thread()
        ):
            seen.append("".join(traceback.format_stack(limit=12)))  # where: to find the culprit

    event.listen(db.engine, "begin", _begin)
    yield seen
    event.remove(db.engine, "begin", _begin)


@pytest.fixture
def real_ctx(qtbot, db, tmp_path):
    from PySide6.QtCore import QSettings

    from ui.shell import UiContext
    from ui.tasks import TaskRunner

    runner = TaskRunner()
    ctx = UiContext(db=db, runner=runner, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    yield ctx
    runner.shutdown()


def _event_tab(qtbot, ctx, cls_name: str):
    from ui.widgets.events.attendance_tab import AttendanceTab
    from ui.widgets.events.contributions_tab import ContributionsTab

    ev = EventService(ctx.db).create(EventInput(title="Deliberación", event_date=date(2026, 5, 20)))
    tab = {"AttendanceTab": AttendanceTab, "ContributionsTab": ContributionsTab}[cls_name](ctx)
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
    import ui.widgets.events.base as tabs
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


def test_second_window_on_the_same_database_is_refused_by_name(qtbot, db_path, monkeypatch):
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


# -- every page and dialog that saves does it on the worker ----------------------------------------
def _small_plan(db, tmp_path) -> str:
    import openpyxl

    from rcdesk.plans.importer import read_plan
    from rcdesk.services.plans import PlanService

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ALCALDÍA MUNICIPAL DE PRUEBAS"])
    ws.append(["CRONOGRAMA RENDICIÓN DE CUENTAS VIGENCIA 2024"])
    ws.append(["No.", "ACTIVIDAD", "FECHA INICIAL", "FECHA FINAL", "RESPONSABLE"])
    ws.append(["ETAPA 1: ALISTAMIENTO"])
    ws.append([1, "Conformar el equipo", "1/02/2024", "1/03/2024", "Secretaría de Planeación"])
    ws.append([2, "Elaborar el diagnóstico", "1/03/2024", "30/04/2024", "Oficina TIC"])
    wb.save(tmp_path / "plan.xlsx")
    return PlanService(db).save_parsed(read_plan(tmp_path / "plan.xlsx")).plan_id


def test_plans_page_saves_activities_and_deletes_plans_on_the_worker(
    qtbot, real_ctx, gui_thread_writes, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    from rcdesk.services.plans import PlanService
    from ui.pages.plans import PlansPage

    plan_id = _small_plan(real_ctx.db, tmp_path)
    svc = PlanService(real_ctx.db)
    page = PlansPage(real_ctx)
    qtbot.addWidget(page)
    real_ctx.select_plan(plan_id)
    gui_thread_writes.clear()

    page.new_activity()
    page.form_dialog.description.setPlainText("Audiencia pública participativa")
    page.form_dialog.accept()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    new = next(a for a in svc.activities(plan_id) if a.description.startswith("Audiencia"))
    assert page.current_activity_id() == new.activity_id

    page.edit_current()
    page.form_dialog.responsible.setText("Despacho del alcalde")
    page.form_dialog.accept()
    qtbot.waitUntil(lambda: svc.activity(new.activity_id).responsible == "Despacho del alcalde", timeout=5000)

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.select_activity(new.activity_id)
    page.delete_current()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    page.delete_plan()
    qtbot.waitUntil(lambda: svc.list_plans() == [], timeout=5000)
    real_ctx.runner.wait(5000)
    assert gui_thread_writes == []


def test_reference_page_saves_entities_and_units_on_the_worker(qtbot, real_ctx, gui_thread_writes, monkeypatch):
    from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox

    from rcdesk.services.reference import ReferenceService
    from ui.pages import reference as page_module

    ref = ReferenceService(real_ctx.db)
    ref.ensure_builtin_territories()
    ref.find_or_create_institution("Gobernación de Chimborazo")
    page = page_module.ReferencePage(real_ctx)
    qtbot.addWidget(page)
    gui_thread_writes.clear()

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("GAD Municipal de Guamote", True))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (a[3][0], True))
    page._new_entity()
    qtbot.waitUntil(lambda: page.entity.currentText().startswith("GAD Municipal de Guamote"), timeout=5000)

    page.f_tax.setText("1760001550001")
    page.save_profile.click()
    inst_id = page.entity.currentData()
    qtbot.waitUntil(lambda: ref.institution(inst_id)["tax_id"] == "1760001550001", timeout=5000)

    shown: list[str] = []
    monkeypatch.setattr(page_module, "show_error", lambda parent, exc: shown.append(str(exc)))
    names = iter(["", "Jefatura Política de Guamote"])  # the first is refused: the form comes back

    def fake_exec(dlg):
        dlg.name.setText(next(names))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(page_module.UnitDialog, "exec", fake_exec)
    page.add_unit.click()
    qtbot.waitUntil(lambda: page.unit_model.rowCount() == 1, timeout=5000)
    assert len(shown) == 1

    page.unit_view.selectRow(0)
    monkeypatch.setattr(
        page_module.UnitDialog,
        "exec",
        lambda dlg: (dlg.name.setText("Jefatura Política del cantón Guamote"), QDialog.DialogCode.Accepted)[1],
    )
    page.edit_unit.click()
    qtbot.waitUntil(lambda: page.unit_model.index(0, 0).data() == "Jefatura Política del cantón Guamote", timeout=5000)
    page.unit_view.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.del_unit.click()
    qtbot.waitUntil(lambda: page.unit_model.rowCount() == 0, timeout=5000)
    real_ctx.runner.wait(5000)
    assert gui_thread_writes == []


def test_events_and_directory_requests_save_on_the_worker(qtbot, real_ctx, gui_thread_writes, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

    from rcdesk.services.attendance import AttendanceInput, AttendanceService
    from rcdesk.services.privacy import ANON_NAME, PrivacyService
    from ui.dialogs import events_dialogs, events_people
    from ui.pages.events import DirectoryPage, EventsPage

    page = EventsPage(real_ctx)
    qtbot.addWidget(page)
    gui_thread_writes.clear()
    monkeypatch.setattr(events_dialogs.NewEventDialog, "exec", lambda dlg: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(
        events_dialogs.NewEventDialog,
        "values",
        lambda dlg: EventInput(title="Audiencia pública 2026", event_date=date(2026, 5, 20)),
    )
    page.new_event()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    ev = EventService(real_ctx.db).list_events()[0]
    assert ev.title == "Audiencia pública 2026"

    att = AttendanceService(real_ctx.db)
    att.register(ev.event_id, AttendanceInput(full_name="María García", id_number="1714307103"))
    att.register(ev.event_id, AttendanceInput(full_name="José Pérez", id_number="0602910945"))
    directory = DirectoryPage(real_ctx)
    qtbot.addWidget(directory)
    gui_thread_writes.clear()

    def choose(text: str) -> str:
        directory.search.setText(text)
        directory.search.flush()
        directory.view.setCurrentIndex(directory.model.index(0, 0))
        return directory.model.row_at(0).person_id

    maria = choose("garcia")
    monkeypatch.setattr(
        events_people.RectifyDialog,
        "exec",
        lambda dlg: (dlg.org.setText("Barrio La Paz"), QDialog.DialogCode.Accepted)[1],
    )
    directory.rectify()
    privacy = PrivacyService(real_ctx.db)
    qtbot.waitUntil(lambda: privacy.dossier(maria).person["organization"] == "Barrio La Paz", timeout=5000)

    monkeypatch.setattr(events_people.RevokeConsentDialog, "exec", lambda dlg: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(events_people.RevokeConsentDialog, "scopes", lambda dlg: ["IDENTIFICACION"])
    monkeypatch.setattr(DirectoryPage, "_confirm_anonymize", lambda self, p: True)
    directory.revoke()
    qtbot.waitUntil(lambda: privacy.dossier(maria).person["full_name"] == ANON_NAME, timeout=5000)

    jose = choose("perez")
    directory.anonymize()
    qtbot.waitUntil(lambda: privacy.dossier(jose).person["full_name"] == ANON_NAME, timeout=5000)

    retention = events_people.RetentionDialog(real_ctx, directory)
    qtbot.addWidget(retention)
    key = next(iter(retention.years))
    retention.years[key].setValue(retention.years[key].value() + 1)
    wanted = retention.years[key].value()
    retention.save_years()
    qtbot.waitUntil(lambda: privacy.retention_years()[key] == wanted, timeout=5000)

    dossier = events_people.DossierDialog(real_ctx, jose, directory)
    qtbot.addWidget(dossier)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "datos.json"), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    dossier.save("json")
    qtbot.waitUntil(lambda: dossier.saved == str(tmp_path / "datos.json"), timeout=5000)
    assert (tmp_path / "datos.json").exists()
    real_ctx.runner.wait(5000)
    assert gui_thread_writes == [], "\n".join(gui_thread_writes)
