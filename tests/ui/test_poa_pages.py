"""GUI flows of the POA capability: keyboard entry in the execution grid, import with preview,
canton overview with traffic lights and exports, visits and oficios."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLineEdit, QMessageBox

from rcdesk.services.poa import PoaService
from tests.core import poa_world as pw

pytestmark = pytest.mark.ui


@pytest.fixture
def world(ui_ctx):
    return pw.make_world(ui_ctx.db)


def _select_unit(page, name: str) -> None:
    i = page.unit_combo.findText(name, Qt.MatchFlag.MatchStartsWith)
    assert i >= 0, name
    page.unit_combo.setCurrentIndex(i)


def test_grid_typing_and_enter_moves_down(qtbot, ui_ctx, world):
    from ui.models.poa_grid import COL_EXECUTED, COL_PCT
    from ui.pages.poa import PoaPage

    page = PoaPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    _select_unit(page, "Jefatura Política de Guano")
    page.period_combo.setCurrentIndex(2)  # Trimestre 3
    grid = page.grid
    grid.setFocus()
    grid.setCurrentIndex(page.grid_model.index(0, COL_EXECUTED))
    qtbot.keyClicks(grid, "7")  # any key starts editing
    editor = grid.findChild(QLineEdit)
    assert editor is not None and editor.text() == "7"
    # Intro as the keyboard delivers it (through the delegate's event filter)
    QApplication.sendEvent(
        editor, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r")
    )
    QApplication.processEvents()
    assert grid.currentIndex().row() == 1 and grid.currentIndex().column() == COL_EXECUTED
    assert PoaService(ui_ctx.db).execution(world.meta_11, 3).executed_qty == 7
    assert page.grid_model.index(0, COL_PCT).data() == "70,00 %"
    # a wrong value is refused with a Spanish message and nothing is saved
    assert not page.grid_model.setData(page.grid_model.index(1, COL_EXECUTED), "-4")
    assert "no puede ser negativo" in page.status.text()
    assert PoaService(ui_ctx.db).execution(world.meta_12, 3).executed_qty is None


def test_narrative_validation_and_link_evidence(qtbot, ui_ctx, world, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from ui.pages.poa import PoaPage

    page = PoaPage(ui_ctx)
    qtbot.addWidget(page)
    _select_unit(page, "Jefatura Política de Guano")
    page.narrative.setPlainText("Se realizaron 8 mesas con actas firmadas")
    page.save_text_button.click()
    assert PoaService(ui_ctx.db).execution(world.meta_11, 1).narrative.startswith("Se realizaron 8 mesas")
    page.validate_button.click()
    assert PoaService(ui_ctx.db).execution(world.meta_11, 1).validation_status == "VALIDADO"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("https://gob.ec/actas.pdf", True))
    page.add_link_button.click()
    assert page.evidence_list.count() == 1 and "https://gob.ec/actas.pdf" in page.evidence_list.item(0).text()


def test_import_dialog_lists_problems_then_imports(qtbot, ui_ctx, tmp_path, monkeypatch):
    from ui.dialogs.poa_import import PoaImportDialog

    pw.make_units(ui_ctx.db)
    bad = pw.bad_workbook(tmp_path / "malo.xlsx")
    good = pw.messy_two_row_header(tmp_path / "bueno.xlsx")
    dlg = PoaImportDialog(ui_ctx)
    qtbot.addWidget(dlg)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    dlg.browse_button.click()
    assert not dlg.import_button.isEnabled()
    texts = [dlg.problems.item(i).text() for i in range(dlg.problems.count())]
    assert any("«doce» no es un número" in t for t in texts)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(good), ""))
    dlg.browse_button.click()
    assert dlg.import_button.isEnabled() and dlg.poa_model.rowCount() == 2
    changes = []
    ui_ctx.events.data_changed.connect(lambda c, i: changes.append(c))
    dlg.import_button.click()
    assert dlg.result is not None and dlg.result.poas == 2
    assert changes and changes[-1].poa
    assert len(PoaService(ui_ctx.db).list_poas(year=2025)) == 2


def test_canton_overview_traffic_lights_and_exports(qtbot, ui_ctx, world, tmp_path, monkeypatch):
    from ui.models.poa_tables import ResultsModel
    from ui.pages.cantons import CantonsPage

    page = CantonsPage(ui_ctx)
    qtbot.addWidget(page)
    page.cut_edit.setDate(QDate(2025, 6, 30))
    m = page.canton_model
    rows = {m.index(r, 0).data(): r for r in range(m.rowCount())}
    assert set(rows) == {"Guano", "Chambo"}
    assert m.index(rows["Guano"], ResultsModel.COL_PCT).data() == "82,50 %"
    assert m.index(rows["Guano"], ResultsModel.COL_LIGHT).data() == "Amarillo"
    assert (
        m.index(rows["Chambo"], ResultsModel.COL_LIGHT).data(Qt.ItemDataRole.BackgroundRole).color().name() == "#d32f2f"
    )
    assert "67,50 %" in page.summary.text()
    page.cantons.selectRow(
        [r for r in range(page.cantons.model().rowCount()) if page.cantons.model().index(r, 0).data() == "Guano"][0]
    )
    assert page.unit_model.rowCount() == 2
    out = tmp_path / "cpccs.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    page.cpccs_button.click()
    assert out.exists()
    pdf = tmp_path / "eval.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), ""))
    page.pdf_button.click()
    assert pdf.read_bytes().startswith(b"%PDF")


def test_new_oficio_and_overdue_alert(qtbot, ui_ctx, world, monkeypatch):
    from ui.dialogs.poa_visit import OficioDialog
    from ui.pages.visits import OficiosPage

    page = OficiosPage(ui_ctx)
    qtbot.addWidget(page)
    assert "No hay oficios" in page.alert.text()

    def fill(dlg) -> int:
        dlg.number_edit.setText("GCH-PLA-2025-0001-O")
        dlg.date_edit.setDate(QDate(2025, 1, 6))
        dlg.unit_combo.setCurrentIndex(
            dlg.unit_combo.findText("Jefatura Política de Chambo", Qt.MatchFlag.MatchStartsWith)
        )
        dlg.subject_edit.setText("Información del cuarto trimestre")
        dlg.term_spin.setValue(5)
        assert dlg.due_label.text().startswith("13/01/2025")
        dlg._save()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(OficioDialog, "exec", fill)
    page.new_button.click()
    assert page.model.rowCount() == 1
    assert "1 oficio(s) vencido(s)" in page.alert.text()  # 2025 is long past
    assert page.model.index(0, page.model.COL_STATE).data().startswith("Vencido")


def test_visit_dialog_saves_canton_units_and_the_page_shows_it(qtbot, ui_ctx, world, monkeypatch):
    from ui.dialogs.poa_visit import VisitDialog
    from ui.pages.visits import VisitsPage

    page = VisitsPage(ui_ctx)
    qtbot.addWidget(page)

    def fill(dlg) -> int:
        dlg.canton_combo.setCurrentIndex(dlg.canton_combo.findText("Guano"))
        dlg.date_edit.setDate(QDate(2025, 6, 18))
        dlg.team_edit.setText("Ing. Ana Pilco")
        dlg.units_list.item(0).setCheckState(Qt.CheckState.Checked)
        dlg.findings_edit.setPlainText("Sin vehículo para los recorridos")
        dlg._save()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(VisitDialog, "exec", fill)
    page.new_button.click()
    assert page.model.rowCount() == 1
    v = page.current()
    assert v.canton_name == "Guano" and v.visit_date == date(2025, 6, 18) and len(v.unit_ids) == 1
    assert "Sin vehículo" in page.detail.toPlainText()


def test_missing_canton_in_visit_form_is_a_spanish_message(qtbot, ui_ctx, monkeypatch):
    from ui.dialogs.poa_visit import VisitDialog

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    dlg = VisitDialog(ui_ctx)  # no units → no canton to choose
    qtbot.addWidget(dlg)
    dlg._save()
    assert shown == ["Elija el cantón visitado."] and dlg.result_row is None
