"""The column-mapping page of «Importar POA»: every column of a real-shaped plan indicativo with its
proposed field, changes by keyboard re-reading the preview, the year chooser, saving, profiles and
the remembered mapping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QLabel

from rcdesk.imports.mapping import kept_columns
from rcdesk.services.poa import PoaService
from tests.core import poa_world as pw
from ui.models.column_mapping import IGNORED_FG, QUESTION_BG, ColumnMappingModel

YEARS = (2024, 2025)


def plan_indicativo(path: Path) -> Path:
    """A Colombian plan indicativo: two year blocks of quarters, budget per year, one unknown column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "PDM"
    heads = ["RESPONSABLE", "Meta de producto", "Indicador de producto", "L.B", "Tendencia"]
    for y in YEARS:
        for q in range(1, 5):
            heads += [f"T{q}. PLANEADO {y}", f"T{q}. EJECUTADO {y}"]
        heads.append(f"Apropiación {y}")
    heads.append("Observaciones internas")
    ws.append(["PLAN INDICATIVO 2024-2027"])
    ws.append(heads)
    rows = [
        ("Secretaría de Gobierno", "Realizar 4 consejos de seguridad", "Consejos realizados", 2, "I"),
        ("Secretaría de Salud", "Vacunar 1000 niños", "Niños vacunados", 0.125, "I"),
        ("Secretaría de Gobierno", "Atender 50 PQRS", "PQRS atendidas", 10, "M"),
    ]
    for i, r in enumerate(rows):
        vals = list(r)
        for y in YEARS:
            for q in range(1, 5):
                vals += [q + i + 0.125, (q + i) if y == 2024 and q <= 2 else None]
            vals.append(1000 * (i + 1))
        vals.append(f"revisar con planeación {i}")
        ws.append(vals)
    wb.save(path)
    return path


@pytest.fixture
def dialog(qtbot, ui_ctx, tmp_path):
    from ui.dialogs.poa_import import PoaImportDialog

    pw.make_units(ui_ctx.db)
    path = plan_indicativo(tmp_path / "pdm.xlsx")

    def make():
        dlg = PoaImportDialog(ui_ctx)
        qtbot.addWidget(dlg)
        dlg.show()
        dlg.path_edit.setText(str(path))
        dlg.run_preview()
        return dlg

    return make


def _row(dlg, header: str) -> int:
    m = dlg.mapping_page.model
    return next(r for r in range(m.rowCount()) if m.index(r, m.COL_HEADER).data() == header)


def _specs(dlg) -> dict[str, str]:
    m = dlg.mapping_page.model
    return {m.index(r, m.COL_HEADER).data(): m.spec(r) for r in range(m.rowCount())}


def _details(dlg) -> list[str]:
    return [dlg.problems.item(i).text() for i in range(dlg.problems.count())]


def _choose(dlg, column: str, label: str) -> None:
    """Pick a field the way a keyboard user does: F2 on the row, type its first word, arrows, Enter.
    `column` is a header, or a letter for repeated headers."""
    page = dlg.mapping_page
    row = page.model.row_of(column) if column.isalpha() and column.isupper() else _row(dlg, column)
    page.table.setCurrentIndex(page.model.index(row, ColumnMappingModel.COL_HEADER))
    QTest.keyClick(page.table, Qt.Key.Key_F2)
    (editor,) = [w for w in page.table.viewport().findChildren(QComboBox) if w.isVisible()]
    QTest.keyClicks(editor, label.split()[0])  # (a space would open the list)
    for _ in range(12):
        if editor.currentText() == label:
            break
        QTest.keyClick(editor, Qt.Key.Key_Down)
    assert editor.currentText() == label
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits on the next turn of the event loop


def _choose_year(dlg, year: int | None) -> None:
    combo = dlg.mapping_page.year_combo
    combo.setCurrentIndex(combo.findData(year))
    combo.activated.emit(combo.currentIndex())


def test_every_column_is_listed_with_its_proposed_field(dialog, qtmodeltester):
    dlg = dialog()
    page, m = dlg.mapping_page, dlg.mapping_page.model
    qtmodeltester.check(m)
    assert m.rowCount() == 24
    specs = _specs(dlg)
    assert specs["RESPONSABLE"] == "unidad" and specs["Meta de producto"] == "meta"
    assert specs["L.B"] == "linea_base" and specs["Tendencia"] == "tendencia"
    assert specs["T1. PLANEADO 2024"] == "programado:T1@2024"
    assert specs["T4. EJECUTADO 2025"] == "ejecutado:T4@2025"
    assert specs["Apropiación 2024"] == "codificado@2024"
    assert specs["Observaciones internas"] == "ignorar"
    r = _row(dlg, "T1. PLANEADO 2024")
    assert m.index(r, m.COL_LETTER).data() == "F"
    assert m.index(r, m.COL_SAMPLES).data() == "1,125 · 2,125 · 3,125"
    assert m.index(r, m.COL_FIELD).data() == "Programado del periodo T1 2024"
    assert m.index(r, m.COL_SOURCE).data() == "exacto"
    unknown = _row(dlg, "Observaciones internas")
    assert m.index(unknown, m.COL_FIELD).data() == "Ignorar"
    assert m.index(unknown, m.COL_NOTE).data() == "ningún campo corresponde a este encabezado"
    assert m.index(unknown, 0).data(Qt.ItemDataRole.ForegroundRole).color() == IGNORED_FG
    assert m.index(r, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    # a periodic field is offered per quarter and per year of the file
    labels = [c.label for c in m.index(unknown, m.COL_FIELD).data(m.ChoicesRole)]
    assert labels[:2] == ["Ignorar", "Guardar como otros datos"]
    assert {"Programado del periodo T3 2025", "Ejecutado del periodo T1 2024", "Línea base"} <= set(labels)
    # the file has two years: the chooser offers both and all of them
    assert page.year_combo.isVisibleTo(dlg)
    assert [page.year_combo.itemText(i) for i in range(page.year_combo.count())] == ["Todos los años", "2024", "2025"]
    assert not page.sheet_combo.isVisibleTo(dlg)  # one sheet: no sheet chooser
    assert "Observaciones internas" in "\n".join(_details(dlg))


def test_choices_and_year_change_the_preview_then_import(dialog, ui_ctx):
    dlg = dialog()
    assert dlg.preview.meta_count == 6 and {p.fiscal_year for p in dlg.preview.poas} == set(YEARS)
    _choose(dlg, "Observaciones internas", "Guardar como otros datos")
    assert _specs(dlg)["Observaciones internas"] == "otros"
    assert dlg.mapping_page.overrides == {"Observaciones internas": "otros"}
    _choose_year(dlg, 2024)
    prev = dlg.preview
    assert prev.year == 2024 and prev.meta_count == 3
    assert {p.fiscal_year for p in prev.poas} == {2024}
    assert prev.values_count == {"planned": 12, "executed": 6}
    assert prev.poas[0].objectives[0].metas[0].extra == {"Observaciones internas": "revisar con planeación 0"}
    details = "\n".join(_details(dlg))
    assert "Columnas guardadas como otros datos (1)" in details
    ignored = details.split("Columnas que no se importan")[1]
    assert "Observaciones internas" not in ignored and "T1. PLANEADO 2025" in ignored
    assert "3 metas, 12 valores programados y 6 ejecutados" in dlg.summary.text()
    # the 2025 block is set aside (grey) but keeps its field, so «Todos los años» brings it back
    m = dlg.mapping_page.model
    r = _row(dlg, "T1. PLANEADO 2025")
    assert m.spec(r) == "ignorar" and "se importa el año 2024" in m.index(r, m.COL_NOTE).data()
    assert _specs(dlg)["Observaciones internas"] == "otros"  # the choice survived the new preview
    assert dlg.import_button.isEnabled()
    dlg.import_button.click()
    assert dlg.result is not None and dlg.result.poas == 2 and dlg.result.metas == 3
    assert {p.fiscal_year for p in PoaService(ui_ctx.db).list_poas()} == {2024}


def test_a_saved_profile_loads_back_as_the_same_mapping(dialog, tmp_path, monkeypatch):
    dlg = dialog()
    _choose(dlg, "Observaciones internas", "Guardar como otros datos")
    _choose(dlg, "L.B", "Ignorar")
    _choose_year(dlg, 2024)
    saved = _specs(dlg)
    out = tmp_path / "perfil pdm.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    dlg.mapping_page.save_button.click()
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["columnas"]["Observaciones internas"] == "otros" and doc["columnas"]["L.B"] == "ignorar"
    # the block the year chooser set aside keeps its field in the profile
    assert doc["columnas"]["T1. PLANEADO 2025"] == "programado:T1@2025"
    # a profile made for a workbook with one more column says so instead of failing
    doc["columnas"]["Columna de otro libro"] = "otros"
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    fresh = dialog()
    assert _specs(fresh)["Observaciones internas"] == "ignorar"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    fresh.mapping_page.load_button.click()
    assert fresh.mapping_page.note_frame.isVisibleTo(fresh)
    assert "Se aplicó el perfil «perfil pdm»" in fresh.mapping_page.note_label.text()
    assert "Este libro no tiene 1 de sus columnas: «Columna de otro libro»" in fresh.mapping_page.note_label.text()
    _choose_year(fresh, 2024)
    assert _specs(fresh) == saved
    m = fresh.mapping_page.model
    assert m.index(_row(fresh, "L.B"), m.COL_SOURCE).data() == "perfil"


def test_remembered_mapping_is_said_and_can_be_set_aside(dialog):
    first = dialog()
    _choose(first, "Observaciones internas", "Guardar como otros datos")
    _choose_year(first, 2024)
    assert not first.mapping_page.note_frame.isVisibleTo(first)
    first.import_button.click()
    assert first.result is not None

    again = dialog()
    page = again.mapping_page
    assert page.note_frame.isVisibleTo(again)
    assert page.note_label.text() == "Se aplicó la asignación recordada para estos encabezados."
    assert _specs(again)["Observaciones internas"] == "otros"
    m = page.model
    assert m.index(_row(again, "RESPONSABLE"), m.COL_NOTE).data() == "asignación recordada para estos encabezados"
    # 2024 was imported alone; next time the 2025 block is still there to import
    assert _specs(again)["T1. PLANEADO 2025"] == "programado:T1@2025"
    _choose_year(again, 2025)
    assert again.preview.ok and again.preview.meta_count == 3
    assert {p.fiscal_year for p in again.preview.poas} == {2025}
    page.note_button.click()
    assert _specs(again)["Observaciones internas"] == "ignorar"
    assert page.preview_options()["remembered"] is False
    assert "no se aplica la asignación recordada" in page.note_label.text()
    page.note_button.click()
    assert _specs(again)["Observaciones internas"] == "otros"


def test_a_question_row_is_highlighted_with_the_question(qtbot, ui_ctx, tmp_path):
    from ui.dialogs.poa_import import PoaImportDialog

    pw.make_units(ui_ctx.db)
    dlg = PoaImportDialog(ui_ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.path_edit.setText(str(pw.merged_header_workbook(tmp_path / "m.xlsx")))
    dlg.year_spin.setValue(2025)
    dlg.run_preview()
    m = dlg.mapping_page.model
    r = m.row_of("E")
    assert m.index(r, 0).data(Qt.ItemDataRole.BackgroundRole).color() == QUESTION_BG
    assert "las columnas C («Meta anual») y E («Programado»)" in m.index(r, m.COL_NOTE).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert m.index(m.row_of("C"), 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert any(t.startswith("Pregunta:") for t in _details(dlg))
    for letter, quarter in zip("DEFG", range(1, 5), strict=True):
        _choose(dlg, letter, f"Programado del periodo T{quarter}")
    assert dlg.preview.questions == [] and dlg.preview.ok
    assert dlg.preview.poas[0].objectives[0].metas[0].planned == [3, 3, 3, 3]
    assert m.index(m.row_of("E"), 0).data(Qt.ItemDataRole.BackgroundRole) is None


def test_sheets_with_the_same_headers_share_one_mapping(qtbot, ui_ctx, tmp_path):
    from ui.dialogs.poa_import import PoaImportDialog

    pw.make_units(ui_ctx.db)
    wb = Workbook()
    heads = [
        "Objetivo",
        "Meta",
        "Meta anual",
        "Programado T1",
        "Programado T2",
        "Programado T3",
        "Programado T4",
        "Comentario del técnico",
    ]
    for i, name in enumerate(("Jefatura Política de Guano", "Jefatura Política de Chambo")):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        ws.append(["POA 2025"])
        ws.append(heads)
        ws.append(["OE1", f"Mesas {i}", 4, 1, 1, 1, 1, "ok"])
    other = wb.create_sheet("Tenencia Política de San Andrés")
    other.append(["POA 2025"])
    other.append(["Meta", "Meta anual", "Programado T1", "Programado T2", "Programado T3", "Programado T4"])
    other.append(["Charlas", 8, 2, 2, 2, 2])
    path = tmp_path / "hojas.xlsx"
    wb.save(path)
    dlg = PoaImportDialog(ui_ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.path_edit.setText(str(path))
    dlg.run_preview()
    page = dlg.mapping_page
    assert page.sheet_combo.isVisibleTo(dlg) and page.sheet_combo.count() == 2
    assert "2 hojas con los mismos encabezados" in page.sheet_combo.itemText(0)
    _choose(dlg, "Comentario del técnico", "Guardar como otros datos")
    kept = [k["sheet"] for k in kept_columns(dlg.preview.mappings)]
    assert kept == ["Jefatura Política de Guano", "Jefatura Política de Chambo"]
    page.sheet_combo.setCurrentIndex(1)
    assert page.model.rowCount() == 6


def test_fits_a_1366x768_screen_and_is_reachable_by_keyboard(dialog):
    dlg = dialog()
    dlg.resize(1366, 700)
    assert dlg.minimumSizeHint().height() <= 700 and dlg.minimumSizeHint().width() <= 1366
    assert dlg.height() <= 700
    page = dlg.mapping_page
    labels = {w.text(): w.buddy() for w in dlg.findChildren(QLabel) if w.buddy() is not None}
    assert labels["Año a i&mportar:"] is page.year_combo
    assert any(k.startswith("Colum&nas del libro") and v is page.table for k, v in labels.items())
    texts = [b.text() for b in (page.load_button, page.save_button, dlg.import_button, dlg.browse_button)]
    assert all("&" in t for t in texts)
    # Tab walks from the table to «Importar» without stopping in every cell
    assert not page.table.tabKeyNavigation()
    # Enter on a row opens its field list; it never imports by surprise
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(_row(dlg, "Tendencia"), ColumnMappingModel.COL_LETTER))
    QTest.keyClick(page.table, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert [w for w in page.table.viewport().findChildren(QComboBox) if w.isVisible()]
    assert dlg.result is None and dlg.isVisible()
    QTest.keyClick(dlg.path_edit, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert dlg.result is None and dlg.isVisible()
    # typing on a row starts the choice with that letter
    page.table.setCurrentIndex(page.model.index(_row(dlg, "L.B"), ColumnMappingModel.COL_HEADER))
    QTest.keyClick(page.table, "g")
    (editor,) = [w for w in page.table.viewport().findChildren(QComboBox) if w.isVisible()]
    assert editor.currentText().startswith("G")
    QTest.keyClicks(editor, "uar")
    assert editor.currentText() == "Guardar como otros datos"
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert page.overrides == {"L.B": "otros"}


def test_a_pick_from_the_open_list_applies_at_once(dialog):
    dlg = dialog()
    page = dlg.mapping_page
    page.table.setCurrentIndex(page.model.index(_row(dlg, "Tendencia"), ColumnMappingModel.COL_FIELD))
    QTest.keyClick(page.table, Qt.Key.Key_F2)
    (editor,) = [w for w in page.table.viewport().findChildren(QComboBox) if w.isVisible()]
    editor.showPopup()
    view = editor.view()
    target = view.model().index(editor.findText("Guardar como otros datos"), 0)
    view.scrollTo(target)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(target).center())
    QApplication.processEvents()
    assert page.overrides == {"Tendencia": "otros"}
    assert _specs(dlg)["Tendencia"] == "otros"


def test_changes_are_read_off_the_gui_thread_and_the_last_one_wins(dialog, ui_ctx, qtbot):
    from ui.tasks import TaskRunner

    dlg = dialog()
    runner = ui_ctx.runner = TaskRunner()
    try:
        m = dlg.mapping_page.model
        # two quick changes: the second arrives while the first preview is being read
        m.setData(m.index(_row(dlg, "Observaciones internas"), m.COL_FIELD), "otros")
        assert dlg._busy and not dlg.import_button.isEnabled()
        m.setData(m.index(_row(dlg, "L.B"), m.COL_FIELD), "ignorar")
        qtbot.waitUntil(lambda: not dlg._busy and _specs(dlg)["L.B"] == "ignorar", timeout=10_000)
        assert _specs(dlg)["Observaciones internas"] == "otros"
        assert dlg.import_button.isEnabled()
        dlg.replace_check.setChecked(True)  # an option of the file step reads the file again too
        qtbot.waitUntil(lambda: not dlg._busy and dlg.preview.replace, timeout=10_000)
    finally:
        runner.shutdown()


def test_a_choice_the_file_cannot_be_read_with_is_taken_back(dialog, monkeypatch):
    import ui.dialogs.poa_import as mod
    from rcdesk.errors import UserError

    dlg = dialog()
    shown = []
    monkeypatch.setattr(mod, "show_error", lambda parent, exc: shown.append(str(exc)))
    real = dlg.service.preview_import

    def preview(path, **kw):
        if "L.B" in (kw.get("overrides") or {}):
            raise UserError("La columna D no se puede leer así.")
        return real(path, **kw)

    monkeypatch.setattr(dlg.service, "preview_import", preview)
    _choose(dlg, "L.B", "Ignorar")
    assert shown == ["La columna D no se puede leer así."]
    assert dlg.mapping_page.overrides == {}
    assert _specs(dlg)["L.B"] == "linea_base"
    assert dlg.preview is not None and dlg.import_button.isEnabled()


def test_a_fiscal_year_typed_before_reading_shows_on_the_year_chooser(dialog, qtbot, ui_ctx, tmp_path):
    from ui.dialogs.poa_import import PoaImportDialog

    dlg = PoaImportDialog(ui_ctx)
    qtbot.addWidget(dlg)
    dlg.year_spin.setValue(2025)
    dlg.path_edit.setText(str(plan_indicativo(tmp_path / "otro.xlsx")))
    dlg.run_preview()
    assert {p.fiscal_year for p in dlg.preview.poas} == {2025}
    assert dlg.mapping_page.year_combo.currentText() == "2025"
    assert not dlg.year_spin.isEnabled()  # from now on the page's chooser decides
    _choose_year(dlg, None)
    assert {p.fiscal_year for p in dlg.preview.poas} == set(YEARS)
