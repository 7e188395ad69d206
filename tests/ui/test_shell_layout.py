"""Layout at 1366×768: maximized on first start, remembered window and splitters, table columns that give
the width to the text, widths and hidden columns remembered per table."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QSplitter

from ui.models.followup_tables import ActivityStatusModel as M


def _followup(qtbot, ctx, user_screen):
    from rcdesk.services.plan_reads import list_plans
    from ui.pages.followup import FollowupPage

    ctx.select_plan(list_plans(ctx.db)[0].plan_id)
    page = FollowupPage(ctx)
    qtbot.addWidget(page)
    page.resize(*user_screen)
    page.show()
    qtbot.waitUntil(lambda: page.table.columnWidth(M.COL_ACTIVITY) > 300)
    return page


def test_first_start_is_maximized_and_later_starts_as_left(qtbot, ui_ctx):
    from ui.main_window import MainWindow

    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.show_at_start()
    qtbot.waitUntil(window.isMaximized)
    window.showNormal()
    window.resize(1100, 700)
    qtbot.waitUntil(lambda: window.width() == 1100)
    window.close()
    again = MainWindow(ui_ctx)
    qtbot.addWidget(again)
    again.show_at_start()
    assert not again.isMaximized() and (again.width(), again.height()) == (1100, 700)


def test_the_activity_text_gets_the_width_and_short_columns_fit(qtbot, demo_ctx, user_screen):
    page = _followup(qtbot, demo_ctx, user_screen)
    table = page.table
    widths = {c: table.columnWidth(c) for c in range(page.model.columnCount())}
    assert widths[M.COL_ACTIVITY] == max(widths.values())
    assert widths[M.COL_NUMBER] < 90 and widths[M.COL_PCT] < 120  # fit their content, not an equal share
    visible = sum(w for c, w in widths.items() if not table.isColumnHidden(c))
    assert visible <= table.viewport().width() + 2  # everything in view: no horizontal scrolling


def test_a_width_the_user_drags_and_hidden_columns_are_kept_per_table(qtbot, demo_ctx, user_screen):
    page = _followup(qtbot, demo_ctx, user_screen)
    header = page.table.horizontalHeader()
    layout = page.table.column_layout
    edge = QPoint(header.sectionViewportPosition(M.COL_RESPONSIBLE) + header.sectionSize(M.COL_RESPONSIBLE) - 1, 5)
    qtbot.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=edge)
    header.resizeSection(M.COL_RESPONSIBLE, 333)  # the drag itself
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, pos=edge + QPoint(40, 0))
    menu = layout.build_menu()
    flags = next(a for a in menu.actions() if a.text() == "Alertas")
    assert flags.isChecked()
    flags.setChecked(False)  # the column chooser on the header's context menu
    assert page.table.isColumnHidden(M.COL_FLAGS)

    again = _followup_later(qtbot, demo_ctx, user_screen)
    assert again.table.columnWidth(M.COL_RESPONSIBLE) == 333 and again.table.isColumnHidden(M.COL_FLAGS)
    assert not again.pending.isColumnHidden(M.COL_FLAGS)  # another table keeps its own columns
    reset = next(a for a in again.table.column_layout.build_menu().actions() if a.text().startswith("Ajustar"))
    reset.trigger()
    assert again.table.columnWidth(M.COL_RESPONSIBLE) != 333


def _followup_later(qtbot, ctx, user_screen):
    from ui.pages.followup import FollowupPage

    page = FollowupPage(ctx)
    qtbot.addWidget(page)
    page.resize(*user_screen)
    page.show()
    qtbot.waitUntil(lambda: page.table.columnWidth(M.COL_ACTIVITY) > 100)
    return page


def test_splitters_come_back_as_the_user_left_them(qtbot, demo_ctx, user_screen):
    from ui.main_window import MainWindow

    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.resize(*user_screen)
    window.show()
    split = window.show_page("followup").findChildren(QSplitter)[0]
    split.setSizes([150, 450])
    split.splitterMoved.emit(150, 1)  # what a drag of the handle announces
    kept = split.sizes()
    again = MainWindow(demo_ctx)
    qtbot.addWidget(again)
    again.resize(*user_screen)
    again.show()
    assert again.show_page("followup").findChildren(QSplitter)[0].sizes() == kept


def test_the_home_pages_splitter_comes_back_under_the_name_it_always_had(qtbot, demo_ctx, user_screen):
    """The home page lists its splitter itself (no search of the page at start-up); the setting
    keeps its name, so a state saved before that still applies."""
    from ui.main_window import MainWindow

    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.resize(*user_screen)
    window.show()
    split = window.show_page("dashboard").findChildren(QSplitter)[0]
    assert window.page("dashboard").splitters == [split]
    split.setSizes([700, 400])
    split.splitterMoved.emit(700, 1)
    kept = split.sizes()
    assert demo_ctx.settings.value("splitters/dashboard/0") is not None
    again = MainWindow(demo_ctx)
    qtbot.addWidget(again)
    again.resize(*user_screen)
    again.show()
    assert again.show_page("dashboard").findChildren(QSplitter)[0].sizes() == kept
