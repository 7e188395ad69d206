"""Building a POA by hand on the POA page: new POA, objective, meta with programming typed
in the table, warning when the programming does not add up, edit with F2, delete with Supr."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from rcdesk.services.poa import PoaService
from rcdesk.services.poa_edit import PoaEditService
from tests.core import poa_world as pw

pytestmark = pytest.mark.ui


def _run_dialog(monkeypatch, cls, fill):
    """Replace cls.exec: fill the form like a user, press Guardar, return the dialog result."""
    seen = []

    def fake_exec(self):
        seen.append(self)
        self.show()
        fill(self)
        self._save()
        return self.result()

    monkeypatch.setattr(cls, "exec", fake_exec)
    return seen


def test_create_poa_objective_and_meta_by_hand(qtbot, ui_ctx, monkeypatch):
    from ui.dialogs import poa_edit as dialogs
    from ui.pages.poa import PoaPage

    w = pw.make_units(ui_ctx.db)
    page = PoaPage(ui_ctx)
    qtbot.addWidget(page)
    assert page.empty.isVisibleTo(page) and "Nuevo POA" in page.empty.text()

    def new_poa(d):
        d.unit_combo.setEditText("Jefatura Política de Chambo — Chambo")
        d.year_spin.setValue(2026)
        d.kind_combo.setCurrentIndex(d.kind_combo.findData("cuatrimestre"))

    _run_dialog(monkeypatch, dialogs.NewPoaDialog, new_poa)
    page.new_poa_button.click()
    assert page.poa is not None and page.poa.unit_id == w.jp_chambo and page.poa.period_kind == "cuatrimestre"
    assert page.year_combo.currentData() == 2026

    def objective(d):
        d.code_edit.setText("OE1")
        d.description_edit.setPlainText("Fortalecer la gobernabilidad del cantón")

    _run_dialog(monkeypatch, dialogs.ObjectiveDialog, objective)
    page.new_objective_button.click()
    assert page.selected_node()[0] == "obj"

    asked = []

    def meta(d):
        d.number_edit.setText("1.1")
        d.description_edit.setPlainText("Reuniones con el GAD municipal")
        d.uom_edit.setText("Reunión")
        d.target_edit.setText("12")
        d.codificado_edit.setText("1.200,50")
        # type the programming with the keyboard: 4, Intro… (third period left short on purpose)
        d.programming.setFocus()
        for row, text in enumerate(("4", "4", "3")):
            d.programming.setCurrentCell(row, 0)
            qtbot.keyClicks(d.programming, text)  # any key starts editing the cell
            if row < 2:
                qtbot.keyClick(d.programming.indexWidget(d.programming.currentIndex()), Qt.Key.Key_Return)
        # the last cell is still being edited when the user presses «Guardar» (Ctrl+S): it counts
        assert "no coinciden" in d.sum_label.text()
        d.indicators.item(0, 0).setText("Reuniones realizadas")

    # first «Guardar»: the warning is shown and the user goes back (nothing saved)
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel
    )
    seen = _run_dialog(monkeypatch, dialogs.MetaDialog, meta)
    page.new_meta_button.click()
    assert seen[0].result() != QDialog.DialogCode.Accepted
    assert "suma 11 y la meta anual es 12" in asked[0]
    assert PoaService(ui_ctx.db).tree(page.poa.poa_id)[0].metas == ()

    # the user fixes the programming with «Repartir la meta anual» and saves
    def meta_fixed(d):
        meta(d)
        d.spread_button.click()
        assert "✓" in d.sum_label.text()

    _run_dialog(monkeypatch, dialogs.MetaDialog, meta_fixed)
    page.new_meta_button.click()
    node = page.selected_node()
    assert node[0] == "meta"
    detail = PoaEditService(ui_ctx.db).meta(node[1])
    assert detail.planned == (4, 4, 4) and detail.codificado == 1200.5
    assert [i.name for i in detail.indicators] == ["Reuniones realizadas"]
    assert page.grid_model.rowCount() == 1 and page.grid_model.rows[0].execution.planned_qty == 4
    assert page.status.text() == "Cambios guardados."


def test_edit_with_f2_and_delete_with_supr(qtbot, ui_ctx, monkeypatch):
    from ui.dialogs import poa_edit as dialogs
    from ui.pages.poa import PoaPage

    world = pw.make_world(ui_ctx.db)
    page = PoaPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    page.unit_combo.setCurrentIndex(
        page.unit_combo.findText("Jefatura Política de Guano", Qt.MatchFlag.MatchStartsWith)
    )
    page.select_node(("meta", world.meta_12))
    page.tree.setFocus()

    def edit(d):
        assert d.target_edit.text() == "20" and d.codificado_edit.text() == "1.000"
        d.target_edit.setText("24")
        d.spread_button.click()
        d.polarity_combo.setCurrentIndex(d.polarity_combo.findData("REDUCCION"))

    _run_dialog(monkeypatch, dialogs.MetaDialog, edit)
    qtbot.keyClick(page.tree, Qt.Key.Key_F2)
    m = PoaEditService(ui_ctx.db).meta(world.meta_12)
    assert m.annual_target == 24 and m.planned == (6, 6, 6, 6) and m.polarity == "REDUCCION"
    assert PoaService(ui_ctx.db).execution(world.meta_12, 1).executed_qty == 2  # reports kept

    questions = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: questions.append(a[2]) or QMessageBox.StandardButton.No
    )
    assert page.selected_node() == ("meta", world.meta_12)
    qtbot.keyClick(page.tree, Qt.Key.Key_Delete)
    assert "y sus 2 reportes de ejecución" in questions[-1]
    assert len(PoaService(ui_ctx.db).tree(world.poa_guano)[0].metas) == 2  # «No»: nothing deleted
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.keyClick(page.tree, Qt.Key.Key_Delete)
    assert [m.meta_id for m in PoaService(ui_ctx.db).tree(world.poa_guano)[0].metas] == [world.meta_11]
    assert page.grid_model.rowCount() == 1 and page.status.text() == "Meta eliminada."
    # «Todas las metas» selected: Supr deletes the whole POA
    page.tree.setCurrentIndex(page.tree_model.index(0, 0))
    qtbot.keyClick(page.tree, Qt.Key.Key_Delete)
    assert all(r.poa_id != world.poa_guano for r in PoaService(ui_ctx.db).list_poas())
    assert page.poa is None or page.poa.poa_id != world.poa_guano


def test_meta_form_refuses_negative_budget_and_stays_open(qtbot, ui_ctx, monkeypatch):
    from ui.dialogs import poa_edit as dialogs
    from ui.pages.poa import PoaPage

    world = pw.make_world(ui_ctx.db)
    page = PoaPage(ui_ctx)
    qtbot.addWidget(page)
    page.unit_combo.setCurrentIndex(
        page.unit_combo.findText("Jefatura Política de Guano", Qt.MatchFlag.MatchStartsWith)
    )
    errors = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, exc: errors.append(str(exc)))

    def bad(d):
        d.description_edit.setPlainText("Meta nueva")
        d.target_edit.setText("4")
        d.spread_button.click()
        d.programming.item(1, 1).setText("-50")

    seen = _run_dialog(monkeypatch, dialogs.MetaDialog, bad)
    page.new_meta_button.click()
    assert seen[0].result() != QDialog.DialogCode.Accepted
    assert errors == ["Presupuesto programado T2 no puede ser negativo (-50)."]
    assert len(PoaService(ui_ctx.db).tree(world.poa_guano)[0].metas) == 2


def test_evaluation_settings_dialog_on_the_cantons_page(qtbot, ui_ctx, monkeypatch):
    from PySide6.QtCore import QDate

    from rcdesk.services.poa_eval import EvaluationService
    from ui.dialogs.poa_eval_settings import EvalSettingsDialog
    from ui.models.poa_tables import ResultsModel
    from ui.pages.cantons import CantonsPage

    pw.make_world(ui_ctx.db)
    page = CantonsPage(ui_ctx)
    qtbot.addWidget(page)
    page.cut_edit.setDate(QDate(2025, 6, 30))
    m = page.canton_model

    def guano_pct() -> str:
        return next(
            m.index(r, ResultsModel.COL_PCT).data() for r in range(m.rowCount()) if m.index(r, 0).data() == "Guano"
        )

    assert guano_pct() == "82,50 %" and "promedio simple; brecha &gt; 20 puntos" in page.summary.text()

    def fill(d):
        assert d.gap_spin.value() == 20 and d.aggregation_combo.currentData() == "simple"
        d.gap_spin.setValue(35.5)
        d.aggregation_combo.setCurrentIndex(d.aggregation_combo.findData("presupuesto"))

    _run_dialog(monkeypatch, EvalSettingsDialog, fill)
    page.settings_button.click()
    st = EvaluationService(ui_ctx.db).settings()
    assert (st.gap_pp, st.aggregation, st.only_validated) == (35.5, "presupuesto", False)
    # Jefatura de Guano now weighs its metas by codificado: only 1.2 (50 %) has budget → (50 + 90) / 2
    assert guano_pct() == "70,00 %"
    assert "promedio ponderado por codificado; brecha &gt; 35,5 puntos" in page.summary.text()
    assert "mayor a 35,5 puntos" in page.units_title.text()
