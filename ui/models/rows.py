"""The one shape of the GUI's table models: a list of rows described by column specs.

A model lists its `COLUMNS` (header, how a row becomes text, header tip, alignment) and
overrides only what differs: `text()` or `texts()` when a row's cells come together, `background()` /
`foreground()` (a colour name or a QBrush), `tooltip()`, `sort_key()`. Every model answers
`RowRole` with the row itself, so views and pages never keep a second list of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

RowRole = Qt.ItemDataRole.UserRole + 1  # the row object behind a cell
SortRole = Qt.ItemDataRole.UserRole + 2  # what a QSortFilterProxyModel sorts by (dates, numbers, not text)
IdRole = Qt.ItemDataRole.UserRole + 3  # the id of the row's record (activity, meta)

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTER = int(Qt.AlignmentFlag.AlignCenter)

_DISPLAY = Qt.ItemDataRole.DisplayRole
_brushes: dict[str, QBrush] = {}


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], str] | None = None  # None: the model's text() gives the cell
    tip: str = ""
    align: int | None = None


def columns(
    *headers: str, tips: Sequence[str] = (), right: Sequence[int] = (), center: Sequence[int] = ()
) -> tuple[Column, ...]:
    """Specs for a model whose `text()` builds a row's cells together."""
    return tuple(
        Column(h, tip=tips[i] if i < len(tips) else "", align=RIGHT if i in right else CENTER if i in center else None)
        for i, h in enumerate(headers)
    )


def brush(color: str | QBrush | None) -> QBrush | None:
    if color is None or isinstance(color, QBrush):
        return color
    if color not in _brushes:
        _brushes[color] = QBrush(QColor(color))
    return _brushes[color]


class ListTableModel(QAbstractTableModel):
    COLUMNS: tuple[Column, ...] = ()
    CACHE_TEXT = False  # compute every cell once in set_rows(), for long lists scrolled often

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []
        self._text: list[tuple[str, ...]] = []

    # -- rows ------------------------------------------------------------------------------
    @property
    def rows(self) -> list:
        return self._rows

    def set_rows(self, rows: Sequence) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self.CACHE_TEXT:
            self._text = [self.texts(r) for r in self._rows]
        self.endResetModel()

    def row_at(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- what subclasses describe ----------------------------------------------------------
    def headers(self) -> list[str]:
        return [c.header for c in self.COLUMNS]

    def text(self, row, col: int) -> str:
        getter = self.COLUMNS[col].text
        return getter(row) if getter is not None else ""

    def texts(self, row) -> tuple[str, ...]:
        """Every cell of one row (what CACHE_TEXT keeps)."""
        return tuple(self.text(row, c) for c in range(len(self.COLUMNS)))

    def display(self, r: int, col: int) -> str:
        return self._text[r][col] if self.CACHE_TEXT else self.text(self._rows[r], col)

    def background(self, row, col: int) -> str | QBrush | None:
        return None

    def foreground(self, row, col: int) -> str | QBrush | None:
        return None

    def tooltip(self, row, col: int) -> str | None:
        return None

    def sort_key(self, row, col: int):
        return self.text(row, col)

    # -- Qt --------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation, role=_DISPLAY):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == _DISPLAY:
            return self.headers()[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.COLUMNS[section].tip or None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=_DISPLAY):
        if not index.isValid():
            return None
        r, col = index.row(), index.column()
        if role == _DISPLAY:
            return self.display(r, col)
        row = self._rows[r]
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.COLUMNS[col].align
        if role == Qt.ItemDataRole.BackgroundRole:
            return brush(self.background(row, col))
        if role == Qt.ItemDataRole.ForegroundRole:
            return brush(self.foreground(row, col))
        if role == SortRole:
            return self.sort_key(row, col)
        return None
