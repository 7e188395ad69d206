"""Entity profile, units and territories from the GUI."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton

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
    page.f_territory.set_current(ReferenceService(ui_ctx.db).territory_by_code("0606").territory_id)
    page.save_profile.click()
    assert ReferenceService(ui_ctx.db).institution(inst.institution_id)["territory_id"] == (
        ReferenceService(ui_ctx.db).territory_by_code("0606").territory_id
    )
    page.f_territory.set_current(ReferenceService(ui_ctx.db).territory_by_code("06").territory_id)
    page.save_profile.click()
    data = ReferenceService(ui_ctx.db).institution(inst.institution_id)
    assert data["tax_id"] == "1760001550001"
    assert data["territory_id"] == ReferenceService(ui_ctx.db).territory_by_code("06").territory_id


def test_add_edit_delete_unit(qtbot, ui_ctx, monkeypatch):
    page = _page(qtbot, ui_ctx)

    def fake_exec(dlg):
        dlg.name.setText("Jefatura Política de Guamote")
        dlg.kind.setCurrentIndex(dlg.kind.findData("JEFATURA_POLITICA"))
        dlg.territory.set_current(ReferenceService(ui_ctx.db).territory_by_code("0606").territory_id)
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


def _bold(item) -> bool:
    return item.font(0).bold()


def test_the_entity_can_be_its_whole_province_picked_by_typing(qtbot, ui_ctx):
    """An entity's territory may be a province (a gobernación) or a canton; the picker offers both,
    grouped and searchable, and no parish."""
    page = _page(qtbot, ui_ctx)
    ref = ReferenceService(ui_ctx.db)
    field = page.f_territory
    dlg = field.picker_dialog()
    qtbot.addWidget(dlg)
    picker = dlg.picker
    names = picker.names()
    assert names[:2] == ["Chimborazo", "Riobamba"] and "Guamote" in names
    assert "Cebadas" not in names and "Lizarzaburu" not in names  # parishes are not an entity's territory
    assert "Itagüí" not in names and "Antioquia" not in names  # only the entity's country
    province = picker.item_for(ref.territory_by_code("06").territory_id)
    assert province.parent() is None and _bold(province)  # still the heading the cantons hang under
    assert province.childCount() == 10

    qtbot.keyClicks(picker.search, "chimbo")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.current_id() == ref.territory_by_code("06").territory_id
    field.accept_choice(picker.current_id())
    assert field.line.text() == "Chimborazo (06)"
    page.save_profile.click()
    inst = ref.institutions()[0]
    assert ref.institution(inst.institution_id)["territory_id"] == ref.territory_by_code("06").territory_id
    page.reload()
    assert page.f_territory.current_id() == ref.territory_by_code("06").territory_id  # read back as saved

    page.f_country.setCurrentIndex(page.f_country.findData("CO"))  # another country: its departments
    assert page.f_territory.current_id() is None
    dlg = page.f_territory.picker_dialog()
    qtbot.addWidget(dlg)
    assert dlg.picker.names()[:2] == ["Antioquia", "Itagüí"] and "Chimborazo" not in dlg.picker.names()


def test_enter_takes_the_canton_typed_not_the_province_above_it(qtbot, ui_ctx):
    page = _page(qtbot, ui_ctx)
    ref = ReferenceService(ui_ctx.db)
    dlg = page.f_territory.picker_dialog()
    qtbot.addWidget(dlg)
    picker = dlg.picker
    qtbot.keyClicks(picker.search, "guamo")
    assert picker.shown_names() == ["Chimborazo", "Guamote"]  # the province stays on screen as the heading
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.current_id() == ref.territory_by_code("0606").territory_id


def test_a_unit_can_sit_in_a_province_a_canton_or_a_parish(qtbot, ui_ctx, monkeypatch):
    page = _page(qtbot, ui_ctx)
    ref = ReferenceService(ui_ctx.db)
    cebadas = ref.territory_by_code("060651").territory_id
    picked = []

    def fake_exec(dlg):
        label = dlg.layout().labelForField(dlg.territory)
        assert label.buddy() is dlg.territory and dlg.territory.focusProxy() is dlg.territory.button
        assert isinstance(dlg.territory.button, QPushButton)
        picker_dlg = dlg.territory.picker_dialog()
        qtbot.addWidget(picker_dlg)
        names = picker_dlg.picker.names()
        picked.append(names)
        qtbot.keyClicks(picker_dlg.picker.search, "cebadas")
        qtbot.keyClick(picker_dlg.picker.search, Qt.Key.Key_Return)
        dlg.territory.accept_choice(picker_dlg.picker.current_id())
        dlg.name.setText("Tenencia Política de Cebadas")
        dlg.kind.setCurrentIndex(dlg.kind.findData("TENENCIA_POLITICA"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(page_module.UnitDialog, "exec", fake_exec)
    page.add_unit.click()
    names = picked[0]
    assert {"Chimborazo", "Guamote", "Cebadas", "Lizarzaburu"} <= set(names) and "Itagüí" not in names
    assert ref.units()[0].territory_id == cebadas
    assert page.unit_model.index(0, 2).data() == "Cebadas (060651)"

    page.unit_view.selectRow(0)
    monkeypatch.setattr(
        page_module.UnitDialog,
        "exec",
        lambda dlg: (picked.append(dlg.territory.current_id()), QDialog.DialogCode.Rejected)[1],
    )
    page.edit_unit.click()
    assert picked[-1] == cebadas  # the form opens on the unit's parish
