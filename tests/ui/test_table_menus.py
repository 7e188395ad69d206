"""Every table and tree of every page answers a right click (copy the cell or the row, export where
the table holds no personal data, the row's own actions); the menu copies what the row shows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.page_walk import data_views, walk_pages

_MENU_POLICIES = {Qt.ContextMenuPolicy.CustomContextMenu, Qt.ContextMenuPolicy.ActionsContextMenu}


def test_every_table_and_tree_of_every_page_has_a_context_menu(qtbot, demo_ctx):
    from rcdesk.services.plan_reads import list_plans
    from ui.main_window import MainWindow

    demo_ctx.select_plan(list_plans(demo_ctx.db)[0].plan_id)
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    missing: list[str] = []
    walked = 0

    def check(key: str, page) -> None:
        nonlocal walked
        for view in data_views(page):
            walked += 1
            if view.contextMenuPolicy() not in _MENU_POLICIES:
                name = view.accessibleName() or view.objectName() or type(view.model()).__name__
                missing.append(f"{key}: {name}")

    walk_pages(window, check)
    assert walked > 50
    assert not missing, "tables without a right-click menu:\n" + "\n".join(missing)


def test_the_menu_copies_a_cell_and_a_tree_row_and_exports_a_tree(qtbot, demo_ctx, monkeypatch, tmp_path):
    from ui.pages.reference import ReferencePage

    page = ReferencePage(demo_ctx)
    qtbot.addWidget(page)
    tree = page.tree
    province = tree.model().index(0, 0)
    child = tree.model().index(0, 0, province)
    assert child.isValid()
    menu = tree.table_menu.build(child)
    texts = [a.text().replace("&", "") for a in menu.actions()]
    assert texts[:2] == ["Copiar celda", "Copiar fila"] and "Exportar tabla a CSV…" in texts
    next(a for a in menu.actions() if a.text().replace("&", "") == "Copiar fila").trigger()
    header, line = QApplication.clipboard().text().split("\n")
    assert header.split("\t") == ["Territorio", "Código", "Nivel"]
    assert line.split("\t")[0] == child.data() and line.split("\t")[1] == child.siblingAtColumn(1).data()
    next(a for a in menu.actions() if a.text().replace("&", "") == "Copiar celda").trigger()
    assert QApplication.clipboard().text() == child.data()

    rows = tree.table_menu.all_rows()
    assert rows[0][0] == province.data() and rows[1][0] == child.data()  # parents before their children
    assert len(rows) > tree.model().rowCount()  # the children are exported too


def test_a_cpccs_form_row_copies_what_its_choices_show_and_can_be_removed(qtbot, ui_ctx):
    from tests.core import poa_world as pw
    from ui.pages.cpccs import CpccsPage

    pw.make_world(ui_ctx.db)
    page = CpccsPage(ui_ctx)
    qtbot.addWidget(page)
    keys = [s.key for s in page.report.sections]
    page.sections.setCurrentRow(keys.index("recomendaciones"))
    preview_menu = page.preview.table_menu
    assert preview_menu.export[0] == f"informe CPCCS 2025 sección {keys.index('recomendaciones') + 1}"
    assert "Exportar tabla a CSV…" in [a.text().replace("&", "") for a in preview_menu.build().actions()]

    table = page.editors["table"]
    for _ in range(2):
        page._add_row(table, page.editors["section"])
    choice = table.cellWidget(0, 0)
    choice.setCurrentIndex(1)
    table.item(0, 1).setText("Publicar las actas")
    menu = table.table_menu.build(table.model().index(0, 1))
    texts = [a.text().replace("&", "") for a in menu.actions() if a.text()]
    assert texts == ["Quitar fila", "Copiar celda", "Copiar fila"]  # a form: nothing to export
    next(a for a in menu.actions() if a.text().replace("&", "") == "Copiar fila").trigger()
    header, line = QApplication.clipboard().text().split("\n")
    assert header.split("\t")[0] == table.horizontalHeaderItem(0).text()
    assert line.split("\t")[:2] == [choice.currentText(), "Publicar las actas"] and choice.currentText()

    menu = table.table_menu.build(table.model().index(1, 0))
    next(a for a in menu.actions() if a.text().replace("&", "") == "Quitar fila").trigger()
    assert table.rowCount() == 1 and table.item(0, 1).text() == "Publicar las actas"  # the row clicked went
