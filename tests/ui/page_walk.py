"""One walk through every page of the main window, shared by the tests that check every table."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QTableView, QTabWidget, QTreeView


def data_views(page) -> list:
    """The page's tables and trees of data (a QCalendarWidget's own day grid is a QTableView)."""
    return [
        v
        for v in page.findChildren(QTableView) + page.findChildren(QTreeView)
        if not v.objectName().startswith("qt_calendar")
    ]


def walk_pages(window, visit: Callable[[str, object], None], before: Callable | None = None) -> None:
    """Show every page of `window`, then `visit(key, page)` once its tables are built: each CPCCS
    section (each builds its own form table when chosen), every tab (tabs build their tables when
    first shown) and, on the events page, the first event's own tabs. `before(key, page)` runs
    just before `visit` (searches, a chosen row); CPCCS sections are visited as they are chosen."""
    for spec in window.specs:
        page = window.show_page(spec.key)
        if spec.key == "cpccs":
            for row in range(page.sections.count()):
                page.sections.setCurrentRow(row)
                visit(f"cpccs {page.report.sections[row].key}", page)
            continue
        for tabs in page.findChildren(QTabWidget):
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
        events = getattr(page, "workspace", None)
        if events is not None and page.model.rowCount():
            page.view.selectRow(0)
            for i in range(events.tabs.count()):
                events.tabs.setCurrentIndex(i)
        if before is not None:
            before(spec.key, page)
        visit(spec.key, page)
