"""«Informe CPCCS» › Contratación pública: the button next to the section reads the procurement
system's list, shows what it would store, and stores it through the worker only on «Guardar»."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from rcdesk.services.cpccs import CpccsService
from tests.core import poa_world as pw
from tests.core.test_cpccs_procurement import sercop_book


def test_procurement_button_previews_then_stores(qtbot, ui_ctx, tmp_path, monkeypatch):
    from ui.pages.cpccs import CpccsPage

    pw.make_world(ui_ctx.db)
    page = CpccsPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    keys = [s.key for s in page.report.sections]
    page.sections.setCurrentRow(keys.index("transparencia"))
    assert not page.procurement_button.isVisible()
    page.sections.setCurrentRow(keys.index("contratacion"))
    assert page.procurement_button.isVisible()

    book = sercop_book(tmp_path / "sercop.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(book), ""))
    shown = []
    monkeypatch.setattr("ui.tasks.show_error", lambda _parent, exc: shown.append(repr(exc)))
    page.procurement_button.click()
    qtbot.waitUntil(lambda: page.procurement_box is not None or bool(shown))
    assert not shown
    qtbot.waitUntil(lambda: page.procurement_box is not None)
    box = page.procurement_box
    assert (
        "SUBASTA INVERSA ELECTRÓNICA: adjudicados 2" in box.text() and "Régimen de Comunicación" in box.detailedText()
    )
    assert CpccsService(ui_ctx.db).form(2025, "contratacion") == {}  # the preview stores nothing

    box.button(QMessageBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: bool(CpccsService(ui_ctx.db).form(2025, "contratacion")))
    tipos = [r["tipo"] for r in CpccsService(ui_ctx.db).form(2025, "contratacion")["filas"]]
    assert "ÍNFIMA CUANTÍA" in tipos and "OTRAS" in tipos
    qtbot.waitUntil(lambda: "ÍNFIMA CUANTÍA" in str(page.report.section("contratacion").rows))
