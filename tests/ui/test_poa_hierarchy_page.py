"""A plan de acción imported with its hierarchy reads as a tree on the POA page, and a meta
shows its level, baseline and «otros datos»."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from rcdesk.services.poa import PoaService
from tests.core import poa_world as pw
from tests.core import real_poa_workbooks as rw

pytestmark = pytest.mark.ui


def _items(model, parent=None) -> list:
    out = []
    rows = model.rowCount() if parent is None else parent.rowCount()
    for i in range(rows):
        item = model.item(i) if parent is None else parent.child(i)
        out.append((item.text(), _items(model, item)))
    return out


def test_hierarchy_tree_and_otros_datos(qtbot, ui_ctx, tmp_path, user_screen):
    from ui.models.poa_grid import fmt_number
    from ui.pages.poa import PoaPage

    pw.make_units(ui_ctx.db)
    svc = PoaService(ui_ctx.db)
    svc.save_import(
        svc.preview_import(rw.plan_accion(tmp_path / "accion.xlsx"), overrides={"Fecha de inicio": "otros"})
    )
    page = PoaPage(ui_ctx)
    qtbot.addWidget(page)
    page.resize(*user_screen)
    page.show()
    i = page.unit_combo.findText("4112 Secretaría de Gobierno", Qt.MatchFlag.MatchStartsWith)
    assert i >= 0
    page.unit_combo.setCurrentIndex(i)
    tree = _items(page.tree_model)
    ((root, top),) = tree
    assert root.startswith("Todas las metas (6)")
    ((dimension, under_dim),) = top
    assert dimension == "Dimensión: 1 Dimensión social"
    ((linea, under_linea),) = under_dim
    ((programa, under_prog),) = under_linea
    assert programa == "Programa: 1.1.1 Programa seguridad"
    names = [t for t, _ in under_prog]
    assert "Proyecto: 2024-001 Proyecto cámaras" in names
    # selecting the programa shows the metas of every project under it
    prog_item = page.tree_model.item(0).child(0).child(0).child(0)
    page.tree.setCurrentIndex(prog_item.index())
    shown = {r.meta.description for r in page.grid_model.rows}
    assert {"Cámaras instaladas", "Jornadas de convivencia", "Tasa de hurtos por 100 mil"} <= shown
    row = next(i for i, r in enumerate(page.grid_model.rows) if r.meta.description == "Cámaras instaladas")
    page.grid.setCurrentIndex(page.grid_model.index(row, 1))
    text = page.detail_title.text()
    assert "Nivel: Producto" in text and "Otros datos: Fecha de inicio: 2024-02-01" in text
    frentes = next(r for r in page.grid_model.rows if r.meta.description == "Frentes de seguridad")
    assert fmt_number(frentes.meta.annual_target) == "0,125"  # shown as typed, not 0,13
    qtbot.wait(50)
    page.grab().save(str(tmp_path / "poa_hierarchy.png"))
