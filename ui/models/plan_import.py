"""Table models for the import preview: the problems found and the activities read."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from rcdesk.services.plan_views import cuatrimestre_marks, stage_marks

from ..formatting import date_text
from .rows import ListTableModel, columns

COL_SEVERITY, COL_SHEET, COL_ROW, COL_COLUMN, COL_MESSAGE = range(5)
PROBLEM_HEADERS = ("Tipo", "Hoja", "Fila", "Columna", "Mensaje")
SEVERITY_LABELS = {"error": "Error", "warning": "Advertencia"}
_ERROR_BRUSH = QBrush(QColor("#b00020"))
_WARN_BRUSH = QBrush(QColor("#8a5300"))


class ProblemModel(ListTableModel):
    COLUMNS = columns(*PROBLEM_HEADERS)
    CACHE_TEXT = True

    def __init__(self, problems=(), parent=None) -> None:
        super().__init__(parent)
        # errors first, then warnings, each in file order
        self.set_rows(sorted(problems, key=lambda p: (p.severity != "error",)))

    def texts(self, p) -> tuple[str, ...]:
        return (
            SEVERITY_LABELS.get(p.severity, p.severity),
            p.sheet or "",
            str(p.row) if p.row else "",
            p.column or "",
            p.message,
        )

    def text(self, p, col: int) -> str:
        return self.texts(p)[col]

    def tooltip(self, p, col: int) -> str | None:
        return p.message if col == COL_MESSAGE else None

    def foreground(self, p, col: int) -> QBrush | None:
        if col != COL_SEVERITY:
            return None
        return _ERROR_BRUSH if p.severity == "error" else _WARN_BRUSH

    def problem(self, row: int):
        return self._rows[row]


(
    PCOL_GROUP,
    PCOL_NUMBER,
    PCOL_DESCRIPTION,
    PCOL_RESPONSIBLE,
    PCOL_META,
    PCOL_STAGES,
    PCOL_CUATRI,
    PCOL_START,
    PCOL_END,
    PCOL_SCHEDULED,
    PCOL_SOURCE,
) = range(11)
PREVIEW_HEADERS = (
    "Grupo",
    "N.º",
    "Actividad",
    "Responsable",
    "Meta / producto",
    "Etapas",
    "Cuatrim.",
    "Inicio",
    "Fin",
    "Fecha programada",
    "Hoja / fila",
)


class ParsedActivityModel(ListTableModel):
    """Every activity of a ParsedPlan (flattened, with its group path); text is built lazily per row."""

    COLUMNS = columns(*PREVIEW_HEADERS)
    _LONG = (PCOL_GROUP, PCOL_DESCRIPTION, PCOL_META, PCOL_RESPONSIBLE)

    def __init__(self, parsed=None, parent=None) -> None:
        super().__init__(parent)
        self._cache: dict[int, tuple[str, ...]] = {}
        if parsed is not None:
            self._flatten(parsed.groups, "")

    def _flatten(self, groups, prefix: str) -> None:
        for g in groups:
            label = g.name if not g.code or g.code == g.name else (f"{g.code} – {g.name}" if g.name else g.code)
            path = f"{prefix} › {label}" if prefix else label
            for a in g.activities:
                self._rows.append((path, a))
            self._flatten(g.children, path)

    def empty_columns(self, sample: int = 5000) -> list[int]:
        """Columns with no text in the first `sample` rows (hidden in the preview)."""
        n = min(len(self._rows), sample)
        return [c for c in range(len(PREVIEW_HEADERS)) if not any(self._row_text(r)[c] for r in range(n))]

    def _row_text(self, row: int) -> tuple[str, ...]:
        t = self._cache.get(row)
        if t is None:
            t = self._cache[row] = self.texts(self._rows[row])
        return t

    def texts(self, item) -> tuple[str, ...]:
        path, a = item
        src = f"{a.source_sheet or ''} / {a.source_row}" if a.source_row else (a.source_sheet or "")
        return (
            path,
            a.number,
            a.description,
            a.responsible,
            a.meta,
            stage_marks(a.stages),
            cuatrimestre_marks(a.cuatrimestres),
            date_text(a.start_date),
            date_text(a.end_date),
            a.scheduled_text,
            src,
        )

    def text(self, item, col: int) -> str:
        return self.texts(item)[col]

    def display(self, r: int, col: int) -> str:
        return self._row_text(r)[col]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            return self._row_text(index.row())[index.column()] or None if index.column() in self._LONG else None
        return super().data(index, role)
