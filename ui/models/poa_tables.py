"""Read-only table models of the POA pages: evaluation results (cantons, units), visits and
oficios. Each is a list of frozen rows with COL_* constants and a `set_rows()` reset."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ui.models.rows import ListTableModel

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS

RowRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def pct(v: float | None) -> str:
    return "N/A" if v is None else f"{v:.2f}".replace(".", ",") + " %"


def money(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


class _RowsModel(ListTableModel):
    NUMERIC: set[int] = set()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # noqa: ANN001
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(r, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in self.NUMERIC:
            return _RIGHT
        if role == Qt.ItemDataRole.BackgroundRole:
            color = self.background(r, col)
            return QBrush(QColor(color)) if color else None
        if role == Qt.ItemDataRole.ForegroundRole:
            color = self.foreground(r, col)
            return QBrush(QColor(color)) if color else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(r, col)
        if role == RowRole:
            return r
        if role == SortRole:
            return self.sort_key(r, col)
        return None

    def text(self, r, col: int) -> str:  # noqa: ANN001
        raise NotImplementedError

    def background(self, r, col: int) -> str | None:  # noqa: ANN001, ARG002
        return None

    def foreground(self, r, col: int) -> str | None:  # noqa: ANN001, ARG002
        return None

    def tooltip(self, r, col: int) -> str | None:  # noqa: ANN001, ARG002
        return None

    def sort_key(self, r, col: int):  # noqa: ANN001, ANN201
        return self.text(r, col)


class ResultsModel(_RowsModel):
    """Cantons or units of an Evaluation (rcdesk.services.poa_eval.GroupEval rows)."""

    COL_LABEL, COL_UNITS, COL_METAS, COL_PCT, COL_ANNUAL, COL_BUDGET, COL_GAP, COL_RED, COL_LIGHT = range(9)
    HEADERS = ("Cantón", "Unidades", "Metas", "% cumplimiento", "% avance anual", "% ejec. presup.",
               "Brecha (pp)", "Unidades en rojo", "Semáforo")
    NUMERIC = {1, 2, 3, 4, 5, 6, 7}

    def __init__(self, first_header: str = "Cantón", parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        headers = list(ResultsModel.HEADERS)
        headers[0] = first_header
        if first_header != "Cantón":
            headers[self.COL_RED] = "Metas en rojo"
        self.HEADERS = tuple(headers)

    def text(self, r, col: int) -> str:  # noqa: ANN001
        return (
            r.label, str(r.units) if r.units else "", str(r.metas), pct(r.pct), pct(r.pct_annual), pct(r.pct_budget),
            "" if r.gap is None else (f"{r.gap:+.1f}".replace(".", ",") + (" *" if r.gap_flag else "")),
            str(r.units_red) if r.units else str(r.lights.get("rojo", 0)), COLOR_LABELS.get(r.light, r.light),
        )[col]

    def background(self, r, col: int) -> str | None:  # noqa: ANN001
        if col == self.COL_LIGHT:
            return COLOR_HEX.get(r.light)
        return None

    def foreground(self, r, col: int) -> str | None:  # noqa: ANN001
        if col == self.COL_LIGHT:
            return "#FFFFFF"
        if col == self.COL_GAP and r.gap_flag:
            return "#C62828"
        return None

    def tooltip(self, r, col: int) -> str | None:  # noqa: ANN001
        if col == self.COL_GAP:
            return "Avance físico anual − ejecución presupuestaria; * = supera el umbral configurado"
        if col == self.COL_LIGHT:
            return r.light_label
        return None

    def sort_key(self, r, col: int):  # noqa: ANN001, ANN201
        return (r.label, r.units, r.metas, r.pct or -1, r.pct_annual or -1, r.pct_budget or -1, r.gap or 0,
                r.units_red, r.light)[col]


class VisitsModel(_RowsModel):
    COL_DATE, COL_CANTON, COL_UNITS, COL_TEAM, COL_OPEN = range(5)
    HEADERS = ("Fecha", "Cantón", "Unidades visitadas", "Equipo", "Compromisos pendientes")
    NUMERIC = {4}

    def text(self, r, col: int) -> str:  # noqa: ANN001
        return (r.visit_date.strftime("%d/%m/%Y"), r.canton_name, "; ".join(r.unit_names), r.team,
                f"{r.open_commitments} de {r.commitments}")[col]

    def sort_key(self, r, col: int):  # noqa: ANN001, ANN201
        return r.visit_date.isoformat() if col == self.COL_DATE else self.text(r, col)


OFICIO_COLORS = {"VENCIDO": "#C62828", "POR_VENCER": "#E65100", "RESPONDIDO": "#2E7D32",
                 "RESPONDIDO_TARDE": "#6D4C41", "ANULADO": "#757575", "PENDIENTE": "#1565C0"}


class OficiosModel(_RowsModel):
    COL_NUMBER, COL_SENT, COL_UNIT, COL_SUBJECT, COL_TERM, COL_DUE, COL_ANSWER, COL_STATE = range(8)
    HEADERS = ("Oficio (Quipux)", "Enviado", "Unidad destinataria", "Asunto", "Término", "Vence",
               "Respondido", "Estado")
    NUMERIC = {4}

    def text(self, r, col: int) -> str:  # noqa: ANN001
        state = r.state_label + (f" ({r.days_late} d. háb.)" if r.days_late else "")
        return (r.quipux_no, r.date_sent.strftime("%d/%m/%Y"), r.addressee, r.subject, str(r.term_days),
                r.due_date.strftime("%d/%m/%Y"), r.response_date.strftime("%d/%m/%Y") if r.response_date else "",
                state)[col]

    def tooltip(self, r, col: int) -> str | None:  # noqa: ANN001
        if col == self.COL_TERM:
            return "Término en días hábiles (sin fines de semana ni feriados)"
        if col == self.COL_SUBJECT:
            return r.subject + (f"\n{r.requested_items}" if r.requested_items else "")
        if col == self.COL_STATE and r.days_late:
            return f"{r.days_late} días hábiles después del vencimiento"
        return None

    def foreground(self, r, col: int) -> str | None:  # noqa: ANN001
        if col == self.COL_STATE:
            return OFICIO_COLORS.get(r.state)
        return None

    def background(self, r, col: int) -> str | None:  # noqa: ANN001
        if r.state == "VENCIDO":
            return "#FFEBEE"
        return None


class CommitmentsModel(_RowsModel):
    COL_DESC, COL_UNIT, COL_RESP, COL_DUE, COL_STATE = range(5)
    HEADERS = ("Compromiso", "Unidad", "Responsable", "Fecha límite", "Estado")

    def text(self, r, col: int) -> str:  # noqa: ANN001
        return (r.description, r.unit_name, r.responsible, r.due_date.strftime("%d/%m/%Y") if r.due_date else "",
                r.status_label)[col]

    def foreground(self, r, col: int) -> str | None:  # noqa: ANN001
        if col == self.COL_STATE and r.overdue:
            return "#C62828"
        return None
