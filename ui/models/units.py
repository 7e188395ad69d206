"""Table model for an institution's units (dependencias)."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt


class UnitTableModel(QAbstractTableModel):
    COL_NAME, COL_TYPE, COL_TERRITORY = range(3)
    HEADERS = ("Dependencia", "Tipo", "Territorio")
    RowRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._rows: list = []
        self._territories: dict[str, str] = {}

    def set_rows(self, rows: Sequence, territories: dict[str, str]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._territories = dict(territories)
        self.endResetModel()

    def row_at(self, row: int):  # noqa: ANN201
        return self._rows[row]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        u = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == self.COL_NAME:
                return u.name
            if col == self.COL_TYPE:
                return u.type_label
            if col == self.COL_TERRITORY:
                return self._territories.get(u.territory_id, "") if u.territory_id else ""
        if role == self.RowRole:
            return u.unit_id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201, N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None
