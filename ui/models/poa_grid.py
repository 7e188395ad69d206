"""Execution grid of one POA for one period: one row per meta, executed and budget cells
editable. Edits go through `PoaService.save_execution` (the model never touches SQL)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from rcdesk.compliance import COLOR_HEX, compliance

from ..formatting import number_as_typed, percent
from .rows import RIGHT, IdRole, ListTableModel, columns

(
    COL_NUMBER,
    COL_META,
    COL_UOM,
    COL_TARGET,
    COL_PLANNED,
    COL_EXECUTED,
    COL_CODIFICADO,
    COL_COMPROMETIDO,
    COL_DEVENGADO,
    COL_PCT,
    COL_PCT_BUDGET,
    COL_STATE,
) = range(12)
HEADERS = (
    "No.",
    "Meta",
    "Unidad",
    "Anual",
    "Program.",
    "Ejecutado",
    "Codificado",
    "Comprometido",
    "Devengado",
    "% cumpl.",
    "% presup.",
    "Validación",
)
HEADER_TIPS = (
    "Número de la meta",
    "Descripción de la meta",
    "Unidad de medida",
    "Meta anual",
    "Cantidad programada en el periodo",
    "Cantidad ejecutada en el periodo (editable)",
    "Presupuesto codificado al cierre del periodo, USD (editable; entre paréntesis el anual de la meta)",
    "Presupuesto comprometido en el periodo, USD (editable)",
    "Presupuesto devengado en el periodo, USD (editable)",
    "% de cumplimiento del periodo (color del semáforo)",
    "% de ejecución presupuestaria del periodo",
    "Estado de validación del reporte",
)
EDITABLE = {
    COL_EXECUTED: "executed_qty",
    COL_CODIFICADO: "codificado",
    COL_COMPROMETIDO: "comprometido",
    COL_DEVENGADO: "devengado",
}
MetaIdRole = IdRole
STATE_COLORS = {"VALIDADO": "#2E7D32", "OBSERVADO": "#E65100", "REPORTADO": "#1565C0"}


fmt_number = number_as_typed  # the name the POA page and dialogs know


def parse_cell(text: str) -> float | None:
    """Accept what people type: "1.234,5", "1234.5", "85", empty → None.

    Raises ValueError for text that is no number, and for "nan", "inf" or "1e400": float()
    takes them, and every caller already answers a ValueError with a Spanish message."""
    import math

    from rcdesk.poa.importer import parse_number

    number = parse_number(text.strip()) if text.strip() else None
    if number is not None and not math.isfinite(number):
        raise ValueError(text)
    return number


@dataclass
class GridRow:
    meta: object  # rcdesk.services.poa.MetaRow
    execution: object  # rcdesk.services.poa.ExecutionRow


class PoaGridModel(ListTableModel):
    COLUMNS = columns(*HEADERS, tips=HEADER_TIPS)
    edit_failed = Signal(str)
    saved = Signal(object)  # ExecutionRow (with warnings)

    def __init__(self, service, parent=None, runner=None) -> None:
        super().__init__(parent)
        self.service = service
        self.runner = runner  # the worker that saves edits (ui/tasks.py); never the GUI thread
        self.profile = None

    def set_rows(self, rows: list[GridRow], profile=None) -> None:
        self.profile = profile
        super().set_rows(rows)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        tip = super().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.ToolTipRole and tip and section in EDITABLE:
            return tip + ". Escriba el valor y pulse Intro para pasar a la fila siguiente"
        return tip

    def flags(self, index):
        if not index.isValid():  # the root is no cell (Qt's model contract)
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in EDITABLE:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def _pcts(self, r: GridRow):
        e = r.execution
        pct = compliance(e.executed_qty, e.planned_qty) if e.executed_qty is not None else compliance(0, e.planned_qty)
        cod = e.codificado if e.codificado is not None else r.meta.codificado
        budget = compliance(e.devengado, cod) if e.devengado is not None and cod else None
        return pct, budget

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        m, e, col = r.meta, r.execution, index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == COL_NUMBER:
                return m.number
            if col == COL_META:
                return m.description
            if col == COL_UOM:
                return m.unit_of_measure
            if col == COL_TARGET:
                return fmt_number(m.annual_target)
            if col == COL_PLANNED:
                return fmt_number(e.planned_qty)
            if col in EDITABLE:
                v = getattr(e, EDITABLE[col])
                if col == COL_CODIFICADO and v is None and role == Qt.ItemDataRole.DisplayRole and m.codificado:
                    # the meta's annual amount, shown as a hint (grey, see ForegroundRole); parentheses
                    # would read as a negative amount to finance staff
                    return fmt_number(m.codificado)
                return fmt_number(v)
            if col == COL_PCT:
                pct, _ = self._pcts(r)
                return percent(pct.raw, 2)
            if col == COL_PCT_BUDGET:
                _, b = self._pcts(r)
                return percent(None if b is None else b.raw, 2, none="")
            if col == COL_STATE:
                return e.validation_label if e.execution_id else "Sin reporte"
        if col == COL_CODIFICADO and getattr(e, EDITABLE[COL_CODIFICADO]) is None and m.codificado:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#8a8a8a"))
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Codificado anual de la meta; el periodo aún no tiene un valor propio."
        if role == Qt.ItemDataRole.TextAlignmentRole and col not in (COL_META, COL_UOM, COL_STATE, COL_NUMBER):
            return RIGHT
        if role == Qt.ItemDataRole.BackgroundRole:
            if col == COL_PCT and self.profile is not None:
                pct, _ = self._pcts(r)
                light = self.profile.classify(pct)
                return QBrush(QColor(COLOR_HEX[light.color]).lighter(170))
            if col in EDITABLE:
                return QBrush(QColor("#FFFDE7"))
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_STATE and e.execution_id:
            return QBrush(QColor(STATE_COLORS.get(e.validation_status, "#000000")))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_META:
                tip = f"{m.description}\nUnidad de medida: {m.unit_of_measure or '—'}"
                return tip + (f"\nIndicador: {m.indicator}" if m.indicator else "")
            if col == COL_CODIFICADO and e.codificado is None and m.codificado:
                return "Entre paréntesis: el codificado anual de la meta (sin reforma registrada en el periodo)"
            if col == COL_STATE and e.validation_note:
                return f"Observación: {e.validation_note}"
        if role == MetaIdRole:
            return m.meta_id
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or index.column() not in EDITABLE:
            return False
        r = self._rows[index.row()]
        field = EDITABLE[index.column()]
        try:
            number = parse_cell(str(value)) if not isinstance(value, (int, float)) else float(value)
        except ValueError:
            self.edit_failed.emit(f"«{value}» no es un número.")
            return False
        if number == getattr(r.execution, field):
            return True
        from rcdesk.errors import UserError
        from rcdesk.services.poa import EXEC_NUMBER_FIELDS, check_amount

        try:  # refused here, at once, when the value alone is wrong; the save runs on the worker
            check_amount(number, EXEC_NUMBER_FIELDS[field].capitalize())
        except UserError as exc:
            self.edit_failed.emit(str(exc))
            return False
        meta_id, period_no = r.meta.meta_id, r.execution.period_no

        def done(row) -> None:
            if any(x.meta.meta_id == meta_id and x.execution.period_no == period_no for x in self._rows):
                self.replace_execution(meta_id, row)  # still showing that period
            self.saved.emit(row)

        self.runner.write(
            lambda: self.service.save_execution(meta_id, period_no, **{field: number}),
            parent=None,
            on_done=done,
            on_user_error=lambda exc: self.edit_failed.emit(str(exc)),
            source=self.parent(),  # the page showing the grid: it updates the row itself
        )
        return True

    def replace_execution(self, meta_id: str, execution) -> None:
        for i, r in enumerate(self._rows):
            if r.meta.meta_id == meta_id:
                r.execution = execution
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(HEADERS) - 1))


__all__ = ["COL_EXECUTED", "EDITABLE", "GridRow", "HEADERS", "MetaIdRole", "PoaGridModel", "QPersistentModelIndex"]
