"""Every page and tab of the main window on a headquarters database on a PostgreSQL server (issue 11).

The demo headquarters is moved to a server (`rcdesk.db.move_to_server`), then the window is opened
on the file and on the server and walked page by page, tab by tab (as the right-click menu test
walks them): no error dialog, no exception, and every table and tree shows as many rows on the
server as on the file.
"""

from __future__ import annotations

import logging

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox, QTreeView

import tests.cli.test_hq_engines as hq
from tests.ui.page_walk import data_views, walk_pages
from ui.widgets.search_filter import SearchBox


@pytest.fixture
def errors(monkeypatch, caplog) -> list[str]:
    """Every dialog the walk would have shown (error boxes, the crash report: walking pages opens no
    dialog) and every error logged."""
    shown: list[str] = []

    def shown_instead(dialog, *a, **k) -> int:
        text = dialog.text() if isinstance(dialog, QMessageBox) else dialog.windowTitle()
        shown.append(f"{type(dialog).__name__}: {text}")
        return 0

    for cls in (QDialog, QMessageBox):
        monkeypatch.setattr(cls, "exec", shown_instead)
    for name in ("warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda parent, title, text, *a, **k: shown.append(f"{title}: {text}"))
    yield shown
    shown.extend(f"log: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR)


def _context(qtbot, target, tmp_path, name: str):
    from PySide6.QtCore import QSettings

    from rcdesk.db.database import Database
    from rcdesk.services.plan_reads import list_plans
    from ui.shell import UiContext
    from ui.tasks import SyncTaskRunner

    db = Database.open(target)
    ctx = UiContext(
        db=db, runner=SyncTaskRunner(), settings=QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    )
    ctx.select_plan(list_plans(db)[0].plan_id)
    return ctx


def _rows(model, tree: bool, parent=None) -> int:
    """Rows of a table, or of a tree with its children (a tree's top level alone hides a lost branch)."""
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    n = model.rowCount(parent)
    if not tree or parent.isValid() and parent.column() != 0:
        return n
    return n + sum(_rows(model, True, model.index(r, 0, parent)) for r in range(n))


def _walk(qtbot, ctx) -> dict[str, int]:
    """Show every page and tab; rows of every table and tree, by page and position."""
    from ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    counts: dict[str, int] = {}

    def take(key: str, page) -> None:
        for i, view in enumerate(data_views(page)):
            name = view.accessibleName() or view.objectName() or type(view.model()).__name__
            counts[f"{key} #{i} {name}"] = (
                _rows(view.model(), isinstance(view, QTreeView)) if view.model() is not None else -1
            )

    def search_and_choose(key: str, page) -> None:
        for i, box in enumerate(page.findChildren(SearchBox)):  # people search, filters: the server's own SQL
            for typed in ("mar", "06", ""):
                box.setText(typed)
                box.flush()
                take(f"{key} buscar{i} «{typed}»", page)
        for view in data_views(page):  # a chosen row fills the page's detail panes from the database too
            if view.model() is not None and view.model().rowCount() and view.isVisible():
                view.setCurrentIndex(view.model().index(0, 0))

    walk_pages(window, take, search_and_choose)
    window.close()
    return counts


def test_every_page_and_tab_shows_the_same_on_the_server(qtbot, hq_demo, blank_pg_url, tmp_path, errors, caplog):
    from rcdesk.db.move_to_server import move

    path = hq.copy_file_database(hq_demo[0], tmp_path / "sede.db")
    move(path, blank_pg_url, passphrase=b"frase de la sede de pruebas")  # keys sealed, as after a real move
    on_file = _context(qtbot, path, tmp_path, "archivo")
    on_server = _context(qtbot, blank_pg_url, tmp_path, "servidor")
    try:
        file_counts = _walk(qtbot, on_file)
        assert not errors, errors
        server_counts = _walk(qtbot, on_server)
        assert not errors, "error shown on the server:\n" + "\n".join(errors)
    finally:
        on_file.db.close()
        on_server.db.close()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(file_counts) > 50 and sum(file_counts.values()) > 1000
    searched = [k for k, n in file_counts.items() if "buscar" in k and "«mar»" in k and n]
    assert searched, "the people search and the filters were typed into"
    differ = {k: (v, server_counts.get(k)) for k, v in file_counts.items() if server_counts.get(k) != v}
    assert not differ, f"rows (file, server) differ: {differ}"
    assert server_counts.keys() == file_counts.keys()
