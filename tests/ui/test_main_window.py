"""The main window: every discovered section opens, the plan selector follows, geometry is kept."""
from __future__ import annotations

from PySide6.QtCore import QByteArray

from rcdesk.demo import plans as demo_plans
from rcdesk.jobs import no_progress
from ui.main_window import MainWindow


def test_every_section_opens_and_the_plan_selector_follows(qtbot, ui_ctx):
    demo_plans.load(ui_ctx.db, no_progress)
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.show()
    assert window.nav.count() >= 1
    for row, spec in enumerate(window.specs):
        window.nav.setCurrentRow(row)
        assert window.stack.currentWidget() is window.page(spec.key)
    other = window.plan_combo.itemData(window.plan_combo.count() - 1)
    ui_ctx.select_plan(other)
    assert window.plan_combo.currentData() == other
    window.plan_combo.setCurrentIndex(0)
    assert ui_ctx.current_plan_id == window.plan_combo.itemData(0)


def test_geometry_is_remembered(qtbot, ui_ctx):
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.show()
    window.resize(1000, 640)
    qtbot.waitUntil(lambda: window.width() == 1000)
    window.close()
    saved = ui_ctx.settings.value("window/geometry")
    assert isinstance(saved, QByteArray) and not saved.isEmpty()
    again = MainWindow(ui_ctx)
    qtbot.addWidget(again)
    again.show()
    # the offscreen screen is 800×600 and clamps widths; the height shows the state came back
    assert again.size().height() == 640


def test_a_new_installation_opens_where_a_plan_can_be_imported(qtbot, ui_ctx):
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    assert window.specs[window.nav.currentRow()].key == "plans"
    demo_plans.load(ui_ctx.db, no_progress)
    again = MainWindow(ui_ctx)
    qtbot.addWidget(again)
    assert again.nav.currentRow() == 0  # with plans, the home page (the dashboard) comes first
