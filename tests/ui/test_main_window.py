"""The main window: every discovered section opens, the plan selector follows, geometry is kept."""

from __future__ import annotations

from PySide6.QtCore import QByteArray

from rcdesk.demo import plans as demo_plans
from rcdesk.jobs import no_progress
from ui.main_window import MainWindow


def test_every_section_opens_and_the_plan_selector_follows(qtbot, demo_ctx):
    ui_ctx = demo_ctx
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
    assert (again.width(), again.height()) == (1000, 640)


def test_every_section_fits_a_1366x768_laptop(qtbot, demo_ctx, user_screen):
    from PySide6.QtWidgets import QApplication

    screen = QApplication.primaryScreen().availableGeometry()
    assert (screen.width(), screen.height()) == user_screen  # tests see the screen users have
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.resize(*user_screen)
    window.show()
    for row, spec in enumerate(window.specs):
        window.nav.setCurrentRow(row)
        need = window.minimumSizeHint().expandedTo(window.minimumSize())
        assert need.width() <= user_screen[0] and need.height() <= user_screen[1], (spec.key, need)
        assert (window.width(), window.height()) == user_screen, spec.key


def test_a_new_installation_opens_where_a_plan_can_be_imported(qtbot, ui_ctx):
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    assert window.specs[window.nav.currentRow()].key == "plans"
    demo_plans.load(ui_ctx.db, no_progress)
    again = MainWindow(ui_ctx)
    qtbot.addWidget(again)
    assert again.nav.currentRow() == 0  # with plans, the home page (the dashboard) comes first
