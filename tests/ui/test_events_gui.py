"""GUI flows of the events capability: door registration, lazy tables, import preview, tallies,
survey quick entry, actas, commitments page, people directory."""

from datetime import date

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from rcdesk.services.attendance import AttendanceInput, AttendanceService
from rcdesk.services.commitments import CommitmentInput, CommitmentService
from rcdesk.services.events import EventInput, EventService

pytestmark = pytest.mark.ui


@pytest.fixture
def page(qtbot, ui_ctx):
    from ui.pages.events import EventsPage

    ev = EventService(ui_ctx.db).create(EventInput(title="Deliberación pública", event_date=date(2026, 5, 20)))
    p = EventsPage(ui_ctx)
    qtbot.addWidget(p)
    p.resize(1366, 700)
    p.select_event(ev.event_id)
    assert p.workspace.ev.event_id == ev.event_id
    return p


@pytest.fixture
def errors(monkeypatch):
    """Message boxes: their text is recorded; «Acta incompleta» is answered «Generar de todos modos»
    (these events have no moderator nor attendance; test_events_usability covers the question)."""
    shown = []

    def answer(box):
        shown.append(box.text())
        go = [b for b in box.buttons() if b.text() == "&Generar de todos modos"]
        if go:
            go[0].click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    return shown


def test_door_registration_id_first_enter_saves(qtbot, page):
    tab = page.workspace.tab("asistencia")
    qtbot.keyClicks(tab.id_edit, "1714307103")
    qtbot.keyClick(tab.id_edit, Qt.Key.Key_Return)  # unknown person: focus moves to the name
    tab.name.setText("María García")
    qtbot.keyClick(tab.name, Qt.Key.Key_Return)
    assert tab.model.rowCount() == 1 and "Nº 1" in tab.message.text()
    assert tab.id_edit.text() == ""
    # same person again: refused, earlier row shown
    qtbot.keyClicks(tab.id_edit, "1714307103")
    qtbot.keyClick(tab.id_edit, Qt.Key.Key_Return)
    assert "Nº 1" in tab.message.text() and "Ya registrado" in tab.message.text()
    assert tab.model.rowCount() == 1


def test_known_person_registers_with_only_the_id(qtbot, ui_ctx, page):
    other = EventService(ui_ctx.db).create(EventInput(title="Mesa", event_date=date(2026, 4, 1)))
    AttendanceService(ui_ctx.db).register(
        other.event_id, AttendanceInput(full_name="José Guamán", id_number="0926687856", organization="Comunidad Cacha")
    )
    tab = page.workspace.tab("asistencia")
    qtbot.keyClicks(tab.id_edit, "926687856")  # leading zero lost: repaired
    qtbot.keyClick(tab.id_edit, Qt.Key.Key_Return)
    rows = AttendanceService(ui_ctx.db).all_attendance(page.workspace.ev.event_id)
    assert [(r.full_name, r.id_number, r.organization) for r in rows] == [
        ("José Guamán", "0926687856", "Comunidad Cacha")
    ]


def test_lazy_attendance_model_fetches_pages(qtbot, qtmodeltester):
    from ui.models.events_tables import PAGE, AttendanceModel

    class Row:
        def __init__(self, i):
            self.seq_no, self.full_name, self.id_number, self.id_status = i, f"P{i}", None, "empty"
            self.organization, self.territory, self.role_label, self.is_minor = None, "", "Ciudadano/a", False

    calls = []

    def fetch(off, lim):
        calls.append(off)
        return [Row(i) for i in range(off, min(off + lim, 1000))]

    m = AttendanceModel()
    m.set_fetch(fetch)
    assert m.rowCount() == PAGE and m.canFetchMore()
    m.fetchMore()
    assert m.rowCount() == 2 * PAGE and calls == [0, PAGE]
    qtmodeltester.check(m)


def test_import_preview_then_save(qtbot, ui_ctx, page, tmp_path):
    from ui.dialogs.events_dialogs import ImportPreviewDialog

    wb = Workbook()
    ws = wb.active
    ws.append(["LISTA DE ASISTENCIA"])
    ws.append(["Apellidos y nombres", "Nro. Cédula", "Organización"])
    ws.append(["PILCO ANA", 926687856, "Barrio Central"])
    ws.append(["Luis Caiza", "1714307104", ""])
    ws.append(["Ana Pilco", "0926687856", ""])
    path = tmp_path / "typed.xlsx"
    wb.save(path)
    dlg = ImportPreviewDialog(ui_ctx, page.workspace.ev.event_id, path)
    qtbot.addWidget(dlg)
    dlg.load()
    assert dlg.model.rowCount() == 3
    assert "reparadas: 1" in dlg.summary.text() and "no válido: 1" in dlg.summary.text()
    dlg.reject.setChecked(True)
    qtbot.mouseClick(dlg.import_btn, Qt.MouseButton.LeftButton)
    assert dlg.result_.imported == 1 and dlg.result_.rejected == 1 and dlg.result_.duplicates == 1


def test_tally_over_total_is_refused_then_saved(qtbot, page, errors):
    tab = page.workspace.tab("estadisticas")
    tab.total.setValue(10)
    tab.spins[("genero", "FEMENINO")].setValue(11)
    qtbot.mouseClick(tab.save_btn, Qt.MouseButton.LeftButton)
    assert errors and "conteo" in errors[0]
    tab.spins[("genero", "FEMENINO")].setValue(6)
    qtbot.mouseClick(tab.save_btn, Qt.MouseButton.LeftButton)
    assert "Conteo guardado" in tab.warnings.text() and "No responde" in tab.warnings.text()


def test_survey_quick_entry(qtbot, page):
    tab = page.workspace.tab("evaluacion")
    first = next(iter(tab.widgets.values()))
    first.setCurrentIndex(2)
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "1 encuesta" in tab.count.text()
    assert first.currentIndex() == 0


def test_acta_saved_and_verified(qtbot, page, monkeypatch, tmp_path, errors):
    out = tmp_path / "acta.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    tab = page.workspace.tab("actas")
    tab.save("deliberacion")
    assert out.exists() and tab.model.rowCount() == 1
    sha = tab.model.row_at(0).sha256
    qtbot.keyClicks(tab.hash, sha[:10])
    qtbot.keyClick(tab.hash, Qt.Key.Key_Return)
    assert "coincide" in tab.result.text() and "firma válida" in tab.result.text()
    altered = tmp_path / "alterada.pdf"
    altered.write_bytes(out.read_bytes() + b" ")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(altered), ""))
    tab.verify_file()
    assert errors and "no coincide con ninguna acta emitida" in errors[-1]
    assert errors[0].startswith("Al acta le falta: moderador/a, secretario/a, autoridad")


def test_commitments_page_overdue_filter_and_followup(qtbot, ui_ctx, page, monkeypatch):
    from ui.dialogs.events_dialogs import FollowUpDialog
    from ui.pages.commitments import CommitmentsPage

    cs = CommitmentService(ui_ctx.db)
    ev = page.workspace.ev
    late = cs.add(
        CommitmentInput(description="Vencido", due_date=date(2026, 6, 1), responsible_text="U", event_id=ev.event_id)
    )
    cs.add(
        CommitmentInput(description="A tiempo", due_date=date(2099, 1, 1), responsible_text="U", event_id=ev.event_id)
    )
    p = CommitmentsPage(ui_ctx)
    qtbot.addWidget(p)
    assert p.model.rowCount() == 2
    p.filter.setCurrentIndex(p.filter.findData("overdue"))
    assert p.model.rowCount() == 1 and p.model.row_at(0).commitment_id == late.commitment_id
    p.view.selectRow(0)
    monkeypatch.setattr(FollowUpDialog, "exec", lambda self: (self.pct.setValue(100), 1)[1])
    p.followup()
    assert p.model.rowCount() == 0  # fulfilled: no longer overdue
    assert cs.get(late.commitment_id).status == "CUMPLIDO"


def test_directory_page_filters_as_you_type(qtbot, ui_ctx, page):
    from ui.pages.events import DirectoryPage

    svc = AttendanceService(ui_ctx.db)
    svc.register(page.workspace.ev.event_id, AttendanceInput(full_name="Rosa García", id_number="1714307103"))
    svc.register(page.workspace.ev.event_id, AttendanceInput(full_name="Luis Pérez", id_number="0926687856"))
    d = DirectoryPage(ui_ctx)
    qtbot.addWidget(d)
    assert d.model.rowCount() == 2
    qtbot.keyClicks(d.search, "garcia")
    d.search.flush()
    assert d.model.rowCount() == 1 and d.model.row_at(0).full_name == "Rosa García"


def test_new_event_dialog_refuses_date_outside_plan(qtbot, ui_ctx, page, errors, monkeypatch):
    from rcdesk.models.plans import Plan
    from rcdesk.services.reference import ReferenceService
    from ui.dialogs.events_dialogs import NewEventDialog, qdate

    inst = ReferenceService(ui_ctx.db).find_or_create_institution("Gobernación de Chimborazo")
    with ui_ctx.db.begin() as s:
        plan = Plan(institution_id=inst.institution_id, year=2021, layout="cpccs", title="P", header_lines=[])
        s.add(plan)
        s.flush()
        plan_id = plan.id

    def fake_exec(self):
        self.title.setText("Audiencia")
        self.date.setDate(qdate(date(2022, 2, 1)))
        self.plan.setCurrentIndex(self.plan.findData(plan_id))
        return 1

    monkeypatch.setattr(NewEventDialog, "exec", fake_exec)
    page.new_event()
    assert errors and "vigencia" in errors[0]
    assert page.model.rowCount() == 1


def test_acta_printed_through_the_print_dialog(qtbot, page, monkeypatch, tmp_path, errors):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printed = tmp_path / "impreso.pdf"

    def accept(self):
        self.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        self.printer().setOutputFileName(str(printed))
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    tab = page.workspace.tab("actas")
    tab.print_("compromiso")
    assert printed.exists() and printed.stat().st_size > 1000
    assert tab.model.rowCount() == 1 and "Huella" in tab.result.text()
