"""Sync status badges: whether a record is only on this laptop, sent, consolidated at
headquarters or in conflict.

For a page with a table of records, one line wires a badge that follows the current row
(and refreshes after packages, receipts or edits):

    install_sync_badge(ctx, self.table, "plan_activity", lambda r: self.model.row_at(r).activity_id, layout)

For a detail view, create one and tell it which record to show:

    badge = SyncBadge(ctx)
    badge.show_record("plan_activity", activity_id)

`status_brushes(code)` gives the same colours for a status column in a table model.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractProxyModel
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLayout, QWidget

COLORS = {
    "local": ("#fff3cd", "#664d03"),
    "exportado": ("#cfe2ff", "#084298"),
    "consolidado": ("#d1e7dd", "#0f5132"),
    "conflicto": ("#f8d7da", "#842029"),
}


def status_colors(code: str) -> tuple[str, str]:
    """(background, text) colours of a status code."""
    return COLORS.get(code, ("#eeeeee", "#333333"))


class SyncBadge(QLabel):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._record: tuple[str, str] | None = None
        self.setVisible(False)

    def show_record(self, table: str | None, record_id: str | None) -> None:
        if not table or not record_id:
            self._record = None
            self.setVisible(False)
            return
        from rcdesk.services.sync import SyncService

        self._record = (table, record_id)
        st = SyncService(self.ctx.db).status_of(table, record_id)
        self.show_status(st)

    def show_status(self, st) -> None:
        """Show an already known `RecordStatus` (e.g. from `SyncService.statuses`)."""
        bg, fg = status_colors(st.code)
        self.setText(st.label)
        self.setStyleSheet(f"background:{bg}; color:{fg}; border-radius:6px; padding:1px 8px;")
        tip = [st.label]
        if st.installation:
            tip.append(f"Último cambio: {st.installation}")
        if st.package:
            tip.append(f"Llegó en: {st.package}")
        self.setToolTip("\n".join(tip))
        self.setAccessibleName(f"Estado de sincronización: {st.label}")
        self.setVisible(True)

    def refresh(self) -> None:
        if self._record is not None:
            self.show_record(*self._record)


def install_sync_badge(
    ctx,
    view: QAbstractItemView,
    table: str | Callable[[], str | None],
    record_id_of: Callable[[int], str | None],
    layout: QLayout | None = None,
) -> SyncBadge:
    """A badge that shows the sync status of `view`'s current row, a record of `table` (a
    table name, or a function returning it for views that list several kinds);
    `record_id_of(row)` gives the record's id, or None, from a row of the *source* model
    (sorting/filtering proxies are mapped through). Added to `layout` when given; follows
    the selection and refreshes when data changes. Returns the badge."""
    badge = SyncBadge(ctx, view.parentWidget())
    if layout is not None:
        layout.addWidget(badge)

    def current_id() -> str | None:
        idx = view.currentIndex()
        model = view.model()
        while idx.isValid() and isinstance(model, QAbstractProxyModel):
            idx = model.mapToSource(idx)
            model = model.sourceModel()
        if not idx.isValid():
            return None
        try:
            return record_id_of(idx.row())
        except (AttributeError, IndexError, TypeError):  # row vanished during a model reset
            return None

    def update(*_args) -> None:
        try:
            badge.show_record(table() if callable(table) else table, current_id())
        except RuntimeError:  # the widget was deleted with its page
            pass

    def hook_selection(*_args) -> None:
        sm = view.selectionModel()
        if sm is not None:
            sm.currentRowChanged.connect(update)

    hook_selection()
    model = view.model()
    if model is not None:
        model.modelReset.connect(update)
    events = getattr(ctx, "events", None)
    if events is not None:
        events.data_changed.connect(update)
        badge.destroyed.connect(lambda *_: _disconnect(events.data_changed, update))
    return badge


def _disconnect(signal, slot) -> None:
    try:
        signal.disconnect(slot)
    except (RuntimeError, TypeError):
        pass
