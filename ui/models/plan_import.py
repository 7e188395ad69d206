"""Table models for the import preview: the problems found and the activities read."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from rcdesk.services.plan_views import cuatrimestre_marks, format_date, stage_marks

_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole

COL_SEVERITY, COL_SHEET, COL_ROW, COL_COLUMN, COL_MESSAGE = range(5)
PROBLEM_HEADERS = ("Tipo", "Hoja", "Fila", "Columna", "Mensaje")
SEVERITY_LABELS = {"error": "Error", "warning": "Advertencia"}
_ERROR_BRUSH = QBrush(QColor("#b00020"))
_WARN_BRUSH = QBrush(QColor("#8a5300"))


class ProblemModel(QAbstractTableModel):
    def __init__(self, problems=(), parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        # errors first, then warnings, each in file order
        self._rows = sorted(problems, key=lambda p: (p.severity != "error",))
        self._text = [
            (SEVERITY_LABELS.get(p.severity, p.severity), p.sheet or "", str(p.row) if p.row else "",
             p.column or "", p.message)
            for p in self._rows
        ]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(PROBLEM_HEADERS)

    def data(self, index, role=_DISPLAY):  # noqa: ANN001, ANN201
        if not index.isValid():
            return None
        if role == _DISPLAY:
            return self._text[index.row()][index.column()]
        if role == _TOOLTIP and index.column() == COL_MESSAGE:
            return self._text[index.row()][COL_MESSAGE]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == COL_SEVERITY:
            return _ERROR_BRUSH if self._rows[index.row()].severity == "error" else _WARN_BRUSH
        return None

    def headerData(self, section, orientation, role=_DISPLAY):  # noqa: ANN001, ANN201, N802
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY and 0 <= section < len(PROBLEM_HEADERS):
            return PROBLEM_HEADERS[section]
        return None

    def problem(self, row: int):  # noqa: ANN201
        return self._rows[row]


(PCOL_GROUP, PCOL_NUMBER, PCOL_DESCRIPTION, PCOL_RESPONSIBLE, PCOL_META, PCOL_STAGES, PCOL_CUATRI, PCOL_START,
 PCOL_END, PCOL_SCHEDULED, PCOL_SOURCE) = range(11)
PREVIEW_HEADERS = ("Grupo", "N.º", "Actividad", "Responsable", "Meta / producto", "Etapas", "Cuatrim.",
                   "Inicio", "Fin", "Fecha programada", "Hoja / fila")


class ParsedActivityModel(QAbstractTableModel):
    """Every activity of a ParsedPlan (flattened, with its group path); text is built lazily per row."""

    def __init__(self, parsed=None, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._rows: list = []
        self._cache: dict[int, tuple[str, ...]] = {}
        if parsed is not None:
            self._flatten(parsed.groups, "")

    def _flatten(self, groups, prefix: str) -> None:  # noqa: ANN001
        for g in groups:
            label = g.name if not g.code or g.code == g.name else (f"{g.code} – {g.name}" if g.name else g.code)
            path = f"{prefix} › {label}" if prefix else label
            for a in g.activities:
                self._rows.append((path, a))
            self._flatten(g.children, path)

    def empty_columns(self, sample: int = 5000) -> list[int]:
        """Columns with no text in the first `sample` rows (hidden in the preview)."""
        n = min(len(self._rows), sample)
        return [c for c in range(len(PREVIEW_HEADERS)) if not any(self._text(r)[c] for r in range(n))]

    def _text(self, row: int) -> tuple[str, ...]:
        t = self._cache.get(row)
        if t is None:
            path, a = self._rows[row]
            src = f"{a.source_sheet or ''} / {a.source_row}" if a.source_row else (a.source_sheet or "")
            t = (path, a.number, a.description, a.responsible, a.meta, stage_marks(a.stages),
                 cuatrimestre_marks(a.cuatrimestres), format_date(a.start_date), format_date(a.end_date),
                 a.scheduled_text, src)
            self._cache[row] = t
        return t

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(PREVIEW_HEADERS)

    def data(self, index, role=_DISPLAY):  # noqa: ANN001, ANN201
        if not index.isValid():
            return None
        if role == _DISPLAY:
            return self._text(index.row())[index.column()]
        if role == _TOOLTIP and index.column() in (PCOL_GROUP, PCOL_DESCRIPTION, PCOL_META, PCOL_RESPONSIBLE):
            return self._text(index.row())[index.column()] or None
        return None

    def headerData(self, section, orientation, role=_DISPLAY):  # noqa: ANN001, ANN201, N802
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY and 0 <= section < len(PREVIEW_HEADERS):
            return PREVIEW_HEADERS[section]
        return None
