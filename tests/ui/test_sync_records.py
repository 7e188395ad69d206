"""Sincronización → Registros: every record with its sync status, and the badge hook other pages use."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QTableView, QVBoxLayout, QWidget

from rcdesk.models.plans import PlanActivity
from tests.core.sync_world import World
from tests.ui.test_sync_page import _ctx

pytestmark = pytest.mark.ui


@pytest.fixture
def world(tmp_path, qtbot):
    w = World(tmp_path)
    w.ids = w.seed_hq()
    w.join(w.a, w.A)
    yield w
    w.close()


def test_record_browser_shows_status_and_follows_the_selection(world, tmp_path, qtbot):
    from ui.pages.sync import SyncPage

    w = world
    a1, a2, _ = w.ids["acts"]
    w.edit(w.a, PlanActivity, a1, meta="Equipo conformado")
    page = SyncPage(_ctx(w.a, tmp_path, "a"))
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.tabs.setCurrentIndex(page._records_tab)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("plan_activity"))
    m = page.records_model
    status = {m.row_at(r).record_id: m.index(r, m.COL_STATUS).data() for r in range(m.rowCount())}
    assert status[a1] == "Solo en este equipo" and status[a2] == "Consolidado en la sede"
    summaries = [m.index(r, m.COL_SUMMARY).data() for r in range(m.rowCount())]
    assert "Conformar el equipo técnico" in summaries
    # only what has not reached headquarters
    page.status_combo.setCurrentIndex(page.status_combo.findData("local"))
    assert [m.row_at(r).record_id for r in range(m.rowCount())] == [a1]
    page.records_view.setCurrentIndex(m.index(0, 0))
    assert page.record_badge.text() == "Solo en este equipo" and not page.record_badge.isHidden()
    page.grab().save(str(tmp_path / "sync_records.png"))
    # after exporting, the list and the badge follow
    w.send(w.A)
    page.refresh()
    page.status_combo.setCurrentIndex(page.status_combo.findData(None))
    row = next(r for r in range(m.rowCount()) if m.row_at(r).record_id == a1)
    page.records_view.setCurrentIndex(m.index(row, 0))
    assert page.record_badge.text() == "Enviado, sin acuse"


def test_install_sync_badge_hook_on_any_table(world, tmp_path, qtbot):
    from ui.models.rows import ListTableModel, columns
    from ui.widgets.sync_badge import install_sync_badge

    w = world
    acts = w.ids["acts"]

    class Acts(ListTableModel):
        COLUMNS = columns("Actividad")

        def text(self, row, col: int) -> str:
            return str(row[col])

    ctx = _ctx(w.a, tmp_path, "hook")
    host = QWidget()
    qtbot.addWidget(host)
    lay = QVBoxLayout(host)
    model = Acts(host)
    model.set_rows([(a,) for a in acts])
    view = QTableView()
    view.setModel(model)
    lay.addWidget(view)
    badge = install_sync_badge(ctx, view, "plan_activity", lambda r: model.row_at(r)[0], lay)
    assert badge.isHidden()  # nothing selected yet
    view.setCurrentIndex(model.index(1, 0))
    assert badge.text() == "Consolidado en la sede"
    # an edit elsewhere in the app (data_changed) refreshes the badge
    w.edit(w.a, PlanActivity, acts[1], meta="Cambio local")
    from rcdesk.services.changes import Changes

    ctx.events.data_changed.emit(Changes(everything=True), None)
    assert badge.text() == "Solo en este equipo"
    assert "sincronización" in badge.accessibleName()
    # behind a sorting proxy the hook maps the view's row to the source model's row
    from PySide6.QtCore import QSortFilterProxyModel, Qt

    proxy = QSortFilterProxyModel(host)
    proxy.setSourceModel(model)
    view2 = QTableView()
    view2.setModel(proxy)
    lay.addWidget(view2)
    badge2 = install_sync_badge(ctx, view2, "plan_activity", lambda r: model.row_at(r)[0], lay)
    w.edit(w.a, PlanActivity, acts[0], meta="Otro cambio local")
    proxy.sort(0, Qt.SortOrder.DescendingOrder)  # the newest id (acts[2], consolidated) on top
    assert proxy.mapToSource(proxy.index(2, 0)).row() == 0
    view2.setCurrentIndex(proxy.index(2, 0))
    assert badge2.text() == "Solo en este equipo"  # acts[0], not the source's row 2
    view2.setCurrentIndex(proxy.index(0, 0))
    assert badge2.text() == "Consolidado en la sede"
