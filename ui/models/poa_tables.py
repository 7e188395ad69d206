"""Read-only table models of the POA pages: evaluation results (cantons, units), visits and
oficios. Each is a list of frozen rows with COL_* constants and a `set_rows()` reset."""

from __future__ import annotations

from dataclasses import replace

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS

from ..formatting import date_text, percent, signed
from .rows import ListTableModel, SortRole, columns

__all__ = ["CommitmentsModel", "OficiosModel", "ResultsModel", "SortRole", "VisitsModel"]


class ResultsModel(ListTableModel):
    """Cantons or units of an Evaluation (rcdesk.services.poa_eval.GroupEval rows)."""

    COL_LABEL, COL_UNITS, COL_METAS, COL_PCT, COL_ANNUAL, COL_BUDGET, COL_GAP, COL_RED, COL_LIGHT = range(9)
    COLUMNS = columns(
        "Cantón",
        "Unidades",
        "Metas",
        "% cumplimiento",
        "% avance anual",
        "% ejec. presup.",
        "Brecha (pp)",
        "Unidades en rojo",
        "Semáforo",
        right=(1, 2, 3, 4, 5, 6, 7),
    )

    def __init__(self, first_header: str = "Cantón", parent=None) -> None:
        super().__init__(parent)
        cols = list(ResultsModel.COLUMNS)
        cols[0] = replace(cols[0], header=first_header)
        if first_header != "Cantón":
            cols[self.COL_RED] = replace(cols[self.COL_RED], header="Metas en rojo")
        self.COLUMNS = tuple(cols)

    def text(self, r, col: int) -> str:
        return (
            r.label,
            str(r.units) if r.units else "",
            str(r.metas),
            percent(r.pct, 2),
            percent(r.pct_annual, 2),
            percent(r.pct_budget, 2),
            "" if r.gap is None else signed(r.gap) + (" *" if r.gap_flag else ""),
            str(r.units_red) if r.units else str(r.lights.get("rojo", 0)),
            COLOR_LABELS.get(r.light, r.light),
        )[col]

    def background(self, r, col: int) -> str | None:
        if col == self.COL_LIGHT:
            return COLOR_HEX.get(r.light)
        return None

    def foreground(self, r, col: int) -> str | None:
        if col == self.COL_LIGHT:
            return "#FFFFFF"
        if col == self.COL_GAP and r.gap_flag:
            return "#C62828"
        return None

    def tooltip(self, r, col: int) -> str | None:
        if col == self.COL_GAP:
            return "Avance físico anual − ejecución presupuestaria; * = supera el umbral configurado"
        if col == self.COL_LIGHT:
            return r.light_label
        return None

    def sort_key(self, r, col: int):
        return (
            r.label,
            r.units,
            r.metas,
            r.pct or -1,
            r.pct_annual or -1,
            r.pct_budget or -1,
            r.gap or 0,
            r.units_red,
            r.light,
        )[col]


class VisitsModel(ListTableModel):
    COL_DATE, COL_CANTON, COL_UNITS, COL_TEAM, COL_OPEN = range(5)
    COLUMNS = columns("Fecha", "Cantón", "Unidades visitadas", "Equipo", "Compromisos pendientes", right=(4,))

    def text(self, r, col: int) -> str:
        return (
            date_text(r.visit_date),
            r.canton_name,
            "; ".join(r.unit_names),
            r.team,
            f"{r.open_commitments} de {r.commitments}",
        )[col]

    def sort_key(self, r, col: int):
        return r.visit_date.isoformat() if col == self.COL_DATE else self.text(r, col)


OFICIO_COLORS = {
    "VENCIDO": "#C62828",
    "POR_VENCER": "#E65100",
    "RESPONDIDO": "#2E7D32",
    "RESPONDIDO_TARDE": "#6D4C41",
    "ANULADO": "#757575",
    "PENDIENTE": "#1565C0",
}


class OficiosModel(ListTableModel):
    COL_NUMBER, COL_SENT, COL_UNIT, COL_SUBJECT, COL_TERM, COL_DUE, COL_ANSWER, COL_STATE = range(8)
    COLUMNS = columns(
        "Oficio (Quipux)",
        "Enviado",
        "Unidad destinataria",
        "Asunto",
        "Término",
        "Vence",
        "Respondido",
        "Estado",
        right=(4,),
    )

    def text(self, r, col: int) -> str:
        state = r.state_label + (f" ({r.days_late} d. háb.)" if r.days_late else "")
        return (
            r.quipux_no,
            date_text(r.date_sent),
            r.addressee,
            r.subject,
            str(r.term_days),
            date_text(r.due_date),
            date_text(r.response_date),
            state,
        )[col]

    def tooltip(self, r, col: int) -> str | None:
        if col == self.COL_TERM:
            return "Término en días hábiles (sin fines de semana ni feriados)"
        if col == self.COL_SUBJECT:
            return r.subject + (f"\n{r.requested_items}" if r.requested_items else "")
        if col == self.COL_STATE and r.days_late:
            return f"{r.days_late} días hábiles después del vencimiento"
        return None

    def foreground(self, r, col: int) -> str | None:
        if col == self.COL_STATE:
            return OFICIO_COLORS.get(r.state)
        return None

    def background(self, r, col: int) -> str | None:
        if r.state == "VENCIDO":
            return "#FFEBEE"
        return None


class CommitmentsModel(ListTableModel):
    COL_DESC, COL_UNIT, COL_RESP, COL_DUE, COL_STATE = range(5)
    COLUMNS = columns("Compromiso", "Unidad", "Responsable", "Fecha límite", "Estado")

    def text(self, r, col: int) -> str:
        return (r.description, r.unit_name, r.responsible, date_text(r.due_date), r.status_label)[col]

    def foreground(self, r, col: int) -> str | None:
        if col == self.COL_STATE and r.overdue:
            return "#C62828"
        return None
