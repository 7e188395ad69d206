"""A small badge telling whether a record reached headquarters, for any page's detail view.

    badge = SyncBadge(ctx)
    badge.show_record("plan_activity", activity_id)
"""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

COLORS = {
    "local": ("#fff3cd", "#664d03"),
    "exportado": ("#cfe2ff", "#084298"),
    "consolidado": ("#d1e7dd", "#0f5132"),
    "conflicto": ("#f8d7da", "#842029"),
}


class SyncBadge(QLabel):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.setVisible(False)

    def show_record(self, table: str | None, record_id: str | None) -> None:
        if not table or not record_id:
            self.setVisible(False)
            return
        from rcdesk.services.sync import SyncService

        st = SyncService(self.ctx.db).status_of(table, record_id)
        bg, fg = COLORS.get(st.code, ("#eeeeee", "#333333"))
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
