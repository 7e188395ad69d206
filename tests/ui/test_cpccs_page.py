"""«Informe CPCCS» page: completeness list, a form saved through the worker, exports, 1366×768."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFileDialog

from rcdesk.services.cpccs import CpccsService
from tests.core import poa_world as pw


def _open(page, key: str) -> None:
    keys = [s.key for s in page.report.sections]
    page.sections.setCurrentRow(keys.index(key))


def test_fill_a_section_and_see_it_complete(qtbot, ui_ctx, user_screen):
    from ui.pages.cpccs import CpccsPage

    pw.make_world(ui_ctx.db)
    page = CpccsPage(ui_ctx)
    qtbot.addWidget(page)
    page.resize(*user_screen)
    assert page.year.value() == 2025 and page.sections.count() == 18
    _open(page, "transparencia")
    assert "Incompleta" in page.sections.currentItem().text()
    t = page.editors["table"]
    yes19, yes29 = t.cellWidget(0, 1), t.cellWidget(1, 1)
    assert isinstance(yes19, QComboBox)
    yes19.setCurrentIndex(yes19.findData("SI"))
    t.item(0, 2).setText("https://gob.ec/lotaip")
    yes29.setCurrentIndex(yes29.findData("NO"))
    page.save_button.click()
    assert CpccsService(ui_ctx.db).form(2025, "transparencia") == {
        "art19": {"aplica": "SI", "link": "https://gob.ec/lotaip"},
        "art29": {"aplica": "NO"},
    }
    assert "Completa" in page.sections.currentItem().text()
    assert page.report.section("transparencia").state == "completa"


def test_bad_value_is_refused_and_nothing_saved(qtbot, ui_ctx, monkeypatch):
    from ui.pages.cpccs import CpccsPage

    pw.make_world(ui_ctx.db)
    page = CpccsPage(ui_ctx)
    qtbot.addWidget(page)
    _open(page, "datos_generales")
    page.editors["ruc"][1].setText("0660000000001")
    page.editors["fecha_fin"][1].setText("31/13/2025")
    shown = []
    monkeypatch.setattr("ui.tasks.show_error", lambda _parent, exc: shown.append(str(exc)))
    page.save_button.click()
    assert shown and "no es una fecha" in shown[0]
    assert CpccsService(ui_ctx.db).form(2025, "datos_generales") == {}


def test_exports_and_fits_the_screen(qtbot, ui_ctx, user_screen, tmp_path, monkeypatch):
    from ui.pages.cpccs import CpccsPage

    pw.make_world(ui_ctx.db)
    page = CpccsPage(ui_ctx)
    qtbot.addWidget(page)
    page.resize(*user_screen)
    page.show()
    for ext, button in ((".xlsx", page.xlsx_button), (".pdf", page.pdf_button)):
        out = tmp_path / f"informe{ext}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, _o=out, **k: (str(_o), ""))
        button.click()
        assert out.exists() and out.stat().st_size > 0
    assert page.sizeHint().width() <= user_screen[0] and page.minimumSizeHint().height() <= user_screen[1]


def test_import_a_filled_workbook_through_the_worker(qtbot, ui_ctx, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from rcdesk.services.cpccs_export import export_report
    from ui.pages.cpccs import CpccsPage

    pw.make_world(ui_ctx.db)
    book = tmp_path / "informe.xlsx"
    export_report(ui_ctx.db, 2025, book)
    wb = load_workbook(book)
    ws = wb["Fases del proceso"]
    r = next(c.row for row in ws.iter_rows() for c in row if c.value == "REDACCIÓN DEL INFORME DE RENDICIÓN DE CUENTAS")
    ws.cell(r, 3, "SI")
    ws.cell(r, 4, "Informe redactado por la Unidad de Planificación")
    ws.cell(r, 5, "https://gob.ec/informe")
    wb.create_sheet("Borrador")["A1"] = "pendiente"
    wb.save(book)
    page = CpccsPage(ui_ctx)
    qtbot.addWidget(page)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(book), ""))
    page.import_button.click()
    assert CpccsService(ui_ctx.db).form(2025, "fases") == {
        "redaccion": {
            "aplica": "SI",
            "descripcion": "Informe redactado por la Unidad de Planificación",
            "link": "https://gob.ec/informe",
        }
    }
    assert [n.sheet for n in page.last_import.not_imported] == ["Borrador"]
    _open(page, "fases")
    row = next(x for x in page.report.section("fases").rows if x[1].startswith("REDACCIÓN"))
    assert row[2:5] == ("SI", "Informe redactado por la Unidad de Planificación", "https://gob.ec/informe")


def test_phases_form_keeps_the_section_wide_text(qtbot, ui_ctx):
    from ui.pages.cpccs import CpccsPage

    pw.make_world(ui_ctx.db)
    page = CpccsPage(ui_ctx)
    qtbot.addWidget(page)
    _open(page, "fases")
    page.editors["aportes_recibidos"][1].setText("Más alumbrado")
    t = page.editors["table"]
    t.cellWidget(0, 1).setCurrentIndex(t.cellWidget(0, 1).findData("NO"))
    page.save_button.click()
    assert CpccsService(ui_ctx.db).form(2025, "fases") == {
        "aportes_recibidos": "Más alumbrado",
        "equipo": {"aplica": "NO"},
    }


def test_budget_lines_are_classified_on_the_page(qtbot, ui_ctx):
    """«Presupuesto institucional»: each POA budget line gets corriente / inversión from a combo and it is stored."""
    from ui.pages.cpccs import CpccsPage

    pw.make_world(ui_ctx.db)
    page = CpccsPage(ui_ctx)
    qtbot.addWidget(page)
    _open(page, "presupuesto")
    t, lines = page.editors["lines"]
    assert lines and t.rowCount() == len(lines)
    combo = t.cellWidget(0, 3)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData("INVERSION"))
    page.save_button.click()
    stored = CpccsService(ui_ctx.db).form(2025, "presupuesto")
    assert stored["clasificacion"] == {lines[0].meta_id: "INVERSION"}
    assert CpccsService(ui_ctx.db).budget_lines(2025)[0].klass == "INVERSION"
