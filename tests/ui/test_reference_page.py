"""Entity profile, units and territories from the GUI."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from rcdesk.services.reference import ReferenceService
from ui.pages import reference as page_module
from ui.pages.reference import ReferencePage


def _page(qtbot, ui_ctx):
    ReferenceService(ui_ctx.db).find_or_create_institution("Gobernación de Chimborazo")
    page = ReferencePage(ui_ctx)
    qtbot.addWidget(page)
    return page


def test_profile_saves_and_rejects_a_bad_ruc(qtbot, ui_ctx, monkeypatch):
    page = _page(qtbot, ui_ctx)
    shown = []
    monkeypatch.setattr(page_module, "show_error", lambda parent, exc: shown.append(str(exc)))
    page.f_tax.setText("123")
    page.save_profile.click()
    assert shown and "RUC" in shown[0] and "no es válido" in shown[0]
    inst = ReferenceService(ui_ctx.db).institutions()[0]
    assert inst.tax_id is None  # nothing was saved

    page.f_tax.setText("1760001550001")
    page.f_territory.setCurrentIndex(page.f_territory.findText("Chimborazo", Qt.MatchFlag.MatchContains))
    page.save_profile.click()
    data = ReferenceService(ui_ctx.db).institution(inst.institution_id)
    assert data["tax_id"] == "1760001550001"
    assert data["territory_id"] == ReferenceService(ui_ctx.db).territory_by_code("06").territory_id


def test_add_edit_delete_unit(qtbot, ui_ctx, monkeypatch):
    page = _page(qtbot, ui_ctx)

    def fake_exec(dlg):
        dlg.name.setText("Jefatura Política de Guamote")
        dlg.kind.setCurrentIndex(dlg.kind.findData("JEFATURA_POLITICA"))
        dlg.territory.setCurrentIndex(
            dlg.territory.findData(ReferenceService(ui_ctx.db).territory_by_code("0606").territory_id)
        )
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(page_module.UnitDialog, "exec", fake_exec)
    page.add_unit.click()
    assert page.unit_model.rowCount() == 1
    assert page.unit_model.index(0, 2).data() == "Guamote (0606)"

    page.unit_view.selectRow(0)
    monkeypatch.setattr(
        page_module.UnitDialog,
        "exec",
        lambda dlg: (dlg.name.setText("Jefatura Política del cantón Guamote"), QDialog.DialogCode.Accepted)[1],
    )
    page.edit_unit.click()
    assert page.unit_model.index(0, 0).data() == "Jefatura Política del cantón Guamote"

    page.unit_view.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.del_unit.click()
    assert page.unit_model.rowCount() == 0
    assert ReferenceService(ui_ctx.db).units() == []


def test_territory_tree_shows_chimborazo(qtbot, ui_ctx):
    page = _page(qtbot, ui_ctx)
    tops = [page.tree.topLevelItem(i).text(0) for i in range(page.tree.topLevelItemCount())]
    assert any(t.startswith("Chimborazo") for t in tops)
    chimborazo = next(
        page.tree.topLevelItem(i)
        for i in range(page.tree.topLevelItemCount())
        if page.tree.topLevelItem(i).text(0).startswith("Chimborazo")
    )
    assert chimborazo.childCount() == 10
