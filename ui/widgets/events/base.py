"""What every tab of the event workspace shares: the tab base (reads shown, writes on the worker,
changes announced), and the small table and combo helpers the tabs and the events pages use."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QTableView,
    QWidget,
)

from rcdesk.errors import UserError

from ...tasks import show_error


def table(model, stretch: int | None = None) -> QTableView:
    t = QTableView()
    t.setModel(model)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(22)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    if stretch is not None:
        t.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return t


def selected(view: QTableView):
    idx = view.currentIndex()
    return view.model().row_at(idx.row()) if idx.isValid() else None


def combo(items: dict, parent: QWidget | None = None) -> QComboBox:
    c = QComboBox(parent)
    for k, v in items.items():
        c.addItem(v, k)
    return c


def set_combo(c: QComboBox, value) -> None:
    i = c.findData(value)
    c.setCurrentIndex(max(i, 0))


class EventTab(QWidget):
    """One tab of the event workspace: shows `self.ev`, reads through services, saves on the worker."""

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ev = None
        self.notice_host: QWidget = self  # where «guardado» banners go; the workspace sets itself

    def set_event(self, ev) -> None:
        self.ev = ev
        self.refresh()

    def refresh(self) -> None:
        pass

    def _try(self, fn, *args, **kwargs):
        """A read on the GUI thread; a refusal is shown and gives None."""
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            show_error(self, exc)
            return None

    def _save(self, on_done, fn, *args, **kwargs) -> None:
        """A write on the worker; `on_done(result)` updates the tab once it is saved."""
        self.ctx.runner.write(
            lambda: fn(*args, **kwargs), parent=self, on_done=on_done, on_user_error=lambda exc: show_error(self, exc)
        )
