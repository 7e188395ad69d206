"""One row per source column of a sheet: letter, header, sample values, the field it goes to,
why the importer proposed it, and its note. Only «Campo» is editable; a change is announced
with `spec_chosen(key, spec)` and shown at once, until the next preview replaces the rows."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from rcdesk.imports.choices import Choice, choices_for, current_spec, override_key, spec_label
from rcdesk.imports.fields import IGNORE, Catalog
from rcdesk.imports.mapping import Decision

from .rows import ListTableModel, RowRole, columns

QUESTION_BG = QColor("#FFF6C7")  # pale yellow: the importer chose between candidates
IGNORED_FG = QColor("#8A8A8A")  # grey: the column is not imported
REMEMBERED = "recordado"  # the importer's profile name for a remembered mapping
REMEMBERED_NOTE = "asignación recordada para estos encabezados"


class ColumnMappingModel(ListTableModel):
    COL_LETTER, COL_HEADER, COL_SAMPLES, COL_FIELD, COL_SOURCE, COL_NOTE = range(6)
    COLUMNS = columns(
        "Col.",
        "Encabezado",
        "Ejemplos",
        "Campo",
        "Origen",
        "Nota",
        tips=(
            "",
            "",
            "",
            "",
            "exacto: el encabezado es un nombre conocido del campo; probable: por sus palabras clave; "
            "parecido: se escribe casi igual; perfil: de un perfil cargado o de la asignación recordada; "
            "usuario: elegido por usted",
            "",
        ),
    )
    ChoicesRole = Qt.ItemDataRole.UserRole + 4  # list[Choice] for the field editor
    SpecRole = Qt.ItemDataRole.UserRole + 5  # the spec now chosen («programado:T1@2024», «ignorar»…)

    spec_chosen = Signal(str, str)  # (column key for the importer, spec)

    def __init__(self, catalog: Catalog, parent=None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self._choices: list[Choice] = []
        self._pending: dict[int, str] = {}

    def set_decisions(self, decisions: list[Decision], choices: list[Choice]) -> None:
        self._choices = choices
        self._pending = {}
        self.set_rows(decisions)

    def spec(self, row: int) -> str:
        return self._pending.get(row) or current_spec(self._rows[row])

    def _label(self, row: int) -> str:
        d: Decision = self._rows[row]
        spec = self.spec(row)
        return next((c.label for c in self.choices(row) if c.spec == spec), None) or spec_label(
            spec, self.catalog, d.period_kind
        )

    def choices(self, row: int) -> list[Choice]:
        return choices_for(self._rows[row], self._choices, self.catalog)

    def flags(self, index: QModelIndex):
        flags = super().flags(index)
        if index.isValid() and index.column() == self.COL_FIELD:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        d: Decision = self._rows[row]
        pending = row in self._pending
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == self.COL_LETTER:
                return d.letter
            if col == self.COL_HEADER:
                return d.header
            if col == self.COL_SAMPLES:
                return " · ".join(d.column.samples) if d.column.samples else "(sin datos)"
            if col == self.COL_FIELD:
                return self._label(row)
            if col == self.COL_SOURCE:
                return "usuario" if pending else d.source
            if col == self.COL_NOTE:
                if pending:
                    return "se revisa de nuevo…"
                return REMEMBERED_NOTE if d.note == f"perfil «{REMEMBERED}»" else d.note
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if d.question and d.ask and not pending:
                return d.ask
            if col == self.COL_SAMPLES and d.column.samples:
                return "\n".join(d.column.samples)
            if col == self.COL_HEADER:
                return d.header
            return d.note or None
        if role == Qt.ItemDataRole.BackgroundRole and d.question and not pending:
            return QBrush(QUESTION_BG)
        if role == Qt.ItemDataRole.ForegroundRole and self.spec(row) == IGNORE:
            return QBrush(IGNORED_FG)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and d.question and not pending:
            return f"Pregunta: {d.ask}"
        if role == self.ChoicesRole and col == self.COL_FIELD:
            return self.choices(row)
        if role == self.SpecRole:
            return self.spec(row)
        if role == RowRole:
            return d
        return None

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or index.column() != self.COL_FIELD
            or role not in (Qt.ItemDataRole.EditRole, self.SpecRole)
        ):
            return False
        spec = str(value)
        if not any(c.spec == spec for c in self.choices(index.row())) or spec == self.spec(index.row()):
            return False
        self._pending[index.row()] = spec
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.columnCount() - 1))
        self.spec_chosen.emit(override_key(self._rows[index.row()]), spec)
        return True

    def row_of(self, letter: str) -> int:
        return next((r for r, d in enumerate(self._rows) if d.letter == letter), -1)
