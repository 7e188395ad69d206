"""Table model for an institution's units (dependencias)."""

from __future__ import annotations

from collections.abc import Sequence

from .rows import Column, ListTableModel


class UnitTableModel(ListTableModel):
    COL_NAME, COL_TYPE, COL_TERRITORY = range(3)
    COLUMNS = (
        Column("Dependencia", lambda u: u.name),
        Column("Tipo", lambda u: u.type_label),
        Column("Territorio"),
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._territories: dict[str, str] = {}

    def set_rows(self, rows: Sequence, territories: dict[str, str] | None = None) -> None:
        self._territories = dict(territories or {})
        super().set_rows(rows)

    def text(self, u, col: int) -> str:
        if col == self.COL_TERRITORY:
            return self._territories.get(u.territory_id, "") if u.territory_id else ""
        return super().text(u, col)
