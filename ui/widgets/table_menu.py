"""Right-click menu for a table: the row's own actions (abrir, editar…), copy the row, export the table.

One helper so every page offers the same words in the same order:

    install_table_menu(view, actions=[("Registrar seguimiento…", self.followup)],
                       export=("compromisos", ctx.settings))

Row actions are the page's existing slots (they act on the selected row, which the right click
selects first). «Exportar tabla» writes what the table shows — its visible columns and the rows
loaded — so it is offered only where that is the whole list and holds no personal data.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QMenu,
    QTableView,
    QTreeView,
    QWidget,
)

Action = tuple[str, Callable[[], None]]


class TableMenu:
    """The menu of one view; `build(index)` returns it (tests trigger its actions by text).

    Works for tables and trees: a row is read through its index's siblings, and a tree's export
    lists every row, parents before their children.
    """

    def __init__(
        self,
        view: QAbstractItemView,
        actions: list[Action] | None = None,
        export: tuple[str, object] | None = None,
        open_action: Action | None = None,
        host: QWidget | Callable[[], QWidget] | None = None,
    ) -> None:
        self.view = view
        self.host = host
        self.actions = list(actions or [])
        self.open_action = open_action
        self.export = export  # (file name words, QSettings)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._show)
        if open_action is not None:
            view.doubleClicked.connect(lambda _i: open_action[1]())

    # -- what the table shows ---------------------------------------------------------------------
    def _hidden(self, column: int) -> bool:
        view = self.view
        if isinstance(view, QTableView | QTreeView):
            return view.isColumnHidden(column)
        return False

    def columns(self) -> list[int]:
        model = self.view.model()
        return [c for c in range(model.columnCount()) if not self._hidden(c)]

    def headers(self) -> list[str]:
        model = self.view.model()
        return [
            str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
            for c in self.columns()
        ]

    def _index(self, row: int | QModelIndex) -> QModelIndex:
        return row if isinstance(row, QModelIndex) else self.view.model().index(row, 0)

    def shown_text(self, index: QModelIndex) -> str:
        """The cell as the user sees it: a form table's combo or line edit sits over an empty item."""
        v = index.data(Qt.ItemDataRole.DisplayRole)
        if v is None or v == "":
            editor = self.view.indexWidget(index)
            if isinstance(editor, QComboBox):
                return editor.currentText()
            if isinstance(editor, QLineEdit):
                return editor.text()
        return "" if v is None else str(v)

    def row_texts(self, row: int | QModelIndex) -> list[str]:
        index = self._index(row)
        return [self.shown_text(index.sibling(index.row(), c)) for c in self.columns()]

    def all_rows(self) -> list[list[str]]:
        model = self.view.model()
        rows: list[list[str]] = []
        tree = isinstance(self.view, QTreeView)

        def walk(parent: QModelIndex) -> None:
            for r in range(model.rowCount(parent)):
                index = model.index(r, 0, parent)
                rows.append(self.row_texts(index))
                if tree and model.rowCount(index):
                    walk(index)

        walk(QModelIndex())
        return rows

    # -- the menu ----------------------------------------------------------------------------------
    def build(self, index: QModelIndex | None = None) -> QMenu:
        menu = QMenu(self.view)
        has_row = index is not None and index.isValid()
        if has_row:
            if isinstance(self.view, QTableView):
                self.view.selectRow(index.row())
            self.view.setCurrentIndex(index)
        for caption, slot in ([self.open_action] if self.open_action else []) + self.actions:
            a = menu.addAction(caption)
            a.setEnabled(has_row)
            a.triggered.connect(lambda _c=False, s=slot: s())
        if self.open_action or self.actions:
            menu.addSeparator()
        cell = menu.addAction("Copiar &celda")
        cell.setEnabled(has_row)
        cell.triggered.connect(lambda _c=False, i=index: self.copy_cell(i))
        copy = menu.addAction("&Copiar fila")
        copy.setEnabled(has_row)
        copy.triggered.connect(lambda _c=False, i=index: self.copy_row(i if has_row else -1))
        if self.export is not None:
            empty = self.view.model().rowCount() == 0
            menu.addSeparator()
            for caption, suffix in (("Exportar tabla a &CSV…", "csv"), ("Exportar tabla a &Excel…", "xlsx")):
                a = menu.addAction(caption)
                a.setEnabled(not empty)
                a.triggered.connect(lambda _c=False, s=suffix: self.export_table(s))
        return menu

    def _show(self, pos: QPoint) -> None:
        menu = self.build(self.view.indexAt(pos))
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def copy_cell(self, index: QModelIndex | None) -> None:
        if index is None or not index.isValid():
            return
        QApplication.clipboard().setText(self.shown_text(index))

    def copy_row(self, row: int | QModelIndex) -> None:
        if isinstance(row, int) and row < 0:
            return
        # tab-separated with the headers: pasted into Excel or a document it lands in columns
        text = "\t".join(self.headers()) + "\n" + "\t".join(self.row_texts(row))
        QApplication.clipboard().setText(text)

    def export_table(self, suffix: str) -> None:
        from rcdesk.errors import UserError
        from rcdesk.reports.table_file import write_table_csv, write_table_xlsx

        from ..files import announce_saved, ask_save_path, default_name
        from ..tasks import show_error

        words, settings = self.export
        filters = "CSV separado por punto y coma (*.csv)" if suffix == "csv" else "Excel (*.xlsx)"
        host = self.host() if callable(self.host) else self.host
        page = host or _page_of(self.view)
        path = ask_save_path(
            page,
            settings,
            kind="tablas",
            title="Exportar tabla",
            name=default_name(words, suffix=suffix),
            filters=filters,
            suffix=suffix,
        )
        if path is None:
            return
        headers, rows = self.headers(), self.all_rows()
        try:
            if suffix == "csv":
                write_table_csv(path, headers, rows)
            else:
                write_table_xlsx(path, words.capitalize(), headers, rows)
        except UserError as exc:  # a file held open by Excel, a full disk: said in Spanish
            show_error(page, exc)
            return
        announce_saved(page, path, "Tabla exportada")


# `ui.pages` in the source tree, `rcdesk_gui.pages` when installed from the wheel
_PAGES_PACKAGE = __package__.rsplit(".", 1)[0] + ".pages"


def _page_of(view: QWidget) -> QWidget:
    """The page (or dialog) holding the view: where the «Tabla exportada» banner goes."""
    w = view
    while w.parentWidget() is not None and not w.isWindow():
        parent = w.parentWidget()
        if parent.isWindow() or type(parent).__module__.startswith(_PAGES_PACKAGE):
            return parent
        w = parent
    return w


def install_table_menu(
    view: QAbstractItemView,
    actions: list[Action] | None = None,
    *,
    open_action: Action | None = None,
    export: tuple[str, object] | None = None,
    host: QWidget | Callable[[], QWidget] | None = None,
) -> TableMenu:
    """Give `view` its right-click menu (stored on it as `table_menu`); `host` is the page whose banner
    announces an export (else the page holding the view)."""
    menu = TableMenu(view, actions, export, open_action, host)
    view.table_menu = menu
    return menu
