"""Table models of the follow-up pages: activity status, report history, holidays.

Texts are computed once in `set_rows()`; `data()` only indexes.
"""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS, format_pct

_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_BG = Qt.ItemDataRole.BackgroundRole
_FG = Qt.ItemDataRole.ForegroundRole
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
RowRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
WEEKDAYS = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")


def light_brush(color: str) -> QBrush:
    return QBrush(QColor(COLOR_HEX.get(color, "#9E9E9E")))


def light_text(color: str) -> QBrush:
    return QBrush(QColor("#212121" if color == "amarillo" else "#FFFFFF"))


def fmt_date(d) -> str:  # noqa: ANN001
    return d.strftime("%d/%m/%Y") if d else ""


def days_text(a) -> str:  # noqa: ANN001
    if a.due is None:
        return "sin fecha"
    if a.done:
        return "cumplida"
    if a.overdue:
        return f"vencida hace {-a.days_left} d"
    if a.days_left == 0:
        return "vence hoy"
    return f"{a.days_left} d ({a.business_days_left} hábiles)"


class _Base(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()
    TIPS: tuple[str, ...] = ()
    CENTERED: tuple[int, ...] = ()
    LIGHT_COL: int | None = None

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._rows: list = []
        self._text: list[tuple[str, ...]] = []
        self._sort: list[tuple] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY):  # noqa: N802, ANN201
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            if role == _DISPLAY:
                return self.HEADERS[section]
            if role == _TOOLTIP and section < len(self.TIPS):
                return self.TIPS[section]
        return None

    def row(self, r: int):  # noqa: ANN201
        return self._rows[r] if 0 <= r < len(self._rows) else None

    def rows(self) -> list:
        return list(self._rows)

    def _texts(self, item) -> tuple[str, ...]:  # noqa: ANN001
        raise NotImplementedError

    def _light(self, item) -> str | None:  # noqa: ANN001
        return None

    def set_rows(self, rows: Sequence) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._text = [self._texts(r) for r in self._rows]
        self.endResetModel()

    def _tooltip(self, item, col: int) -> str | None:  # noqa: ANN001
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY):  # noqa: ANN201
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == _DISPLAY:
            return self._text[r][c]
        if role == _TOOLTIP:
            return self._tooltip(self._rows[r], c) or self._text[r][c]
        if role == RowRole:
            return self._rows[r]
        if role == _ALIGN and c in self.CENTERED:
            return _CENTER
        if c == self.LIGHT_COL and role in (_BG, _FG):
            color = self._light(self._rows[r])
            if color:
                return light_brush(color) if role == _BG else light_text(color)
        return None


class ActivityStatusModel(_Base):
    (COL_NUMBER, COL_ACTIVITY, COL_RESPONSIBLE, COL_DUE, COL_DAYS, COL_PCT, COL_LIGHT, COL_LAST,
     COL_PENDING, COL_FLAGS) = range(10)
    HEADERS = ("N.º", "Actividad", "Responsable", "Vence", "Plazo", "% avance", "Semáforo", "Últ. validado",
               "Por validar", "Alertas")
    TIPS = ("Número de la actividad", "Descripción", "Dependencia responsable",
            "Fecha en que vence la actividad (fecha final o fin del último cuatrimestre marcado)",
            "Días que faltan (calendario y hábiles) o días de retraso",
            "% de avance del último reporte validado hasta el corte", "Semáforo según el perfil del plan",
            "Periodo del último reporte validado", "Reportes esperando validación", "Alertas de la actividad")
    CENTERED = (0, 3, 4, 5, 6, 7, 8)
    LIGHT_COL = 6

    def _texts(self, a) -> tuple[str, ...]:  # noqa: ANN001
        return (a.number, a.description, a.responsible, fmt_date(a.due), days_text(a),
                format_pct(a.compliance), COLOR_LABELS[a.light.color],
                a.last_report.period_code if a.last_report else "",
                str(a.pending_review) if a.pending_review else "", "; ".join(a.flags))

    def _light(self, a) -> str:  # noqa: ANN001
        return a.light.color

    def _tooltip(self, a, col: int) -> str | None:  # noqa: ANN001
        return a.light.label if col == self.COL_LIGHT else None


class ReportHistoryModel(_Base):
    COL_PERIOD, COL_STATUS, COL_PCT, COL_DATE, COL_REPORTER, COL_EVIDENCE, COL_DONE, COL_NOTE = range(8)
    HEADERS = ("Periodo", "Estado", "% avance", "Fecha", "Reportó", "Evidencias", "Qué se hizo", "Observación")
    CENTERED = (0, 1, 2, 3, 5)
    LIGHT_COL = 1

    def _texts(self, r) -> tuple[str, ...]:  # noqa: ANN001
        return (r.period_code, r.status_label, format_pct(r.percent), fmt_date(r.reported_on), r.reporter,
                str(len(r.evidence)), r.done_text, r.review_note)

    def _tooltip(self, r, col: int) -> str | None:  # noqa: ANN001
        return r.period_label if col == self.COL_PERIOD else None

    def _light(self, r) -> str:  # noqa: ANN001
        return {"VALIDADO": "verde", "OBSERVADO": "rojo", "REPORTADO": "amarillo", "SUSTITUIDO": "gris"}.get(r.status)


class ReviewQueueModel(_Base):
    COL_PERIOD, COL_ACTIVITY, COL_PCT, COL_DATE, COL_REPORTER, COL_EVIDENCE = range(6)
    HEADERS = ("Periodo", "Actividad", "% avance", "Fecha", "Reportó", "Evidencias")
    CENTERED = (0, 2, 3, 5)

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.activity_names: dict[str, str] = {}

    def _texts(self, r) -> tuple[str, ...]:  # noqa: ANN001
        return (r.period_code, self.activity_names.get(r.activity_id, r.activity_id), format_pct(r.percent),
                fmt_date(r.reported_on), r.reporter, str(len(r.evidence)))


class HolidayModel(_Base):
    COL_DATE, COL_DAY, COL_NAME, COL_SCOPE, COL_SOURCE = range(5)
    HEADERS = ("Fecha", "Día", "Feriado", "Alcance", "Origen")
    CENTERED = (0, 1)

    def _texts(self, h) -> tuple[str, ...]:  # noqa: ANN001
        return (fmt_date(h.day), WEEKDAYS[h.day.weekday()], h.name, h.scope_label,
                "Calendario oficial" if h.source == "biblioteca" else "Agregado")


def _num(x) -> str:  # noqa: ANN001
    return (f"{x.normalize():f}" if x == x.to_integral() else f"{x}").replace(".", ",")


def bands_text(profile) -> str:  # noqa: ANN001
    """'Rojo 0–60 · Amarillo 60–80 · Verde 80 o más' (upper bounds exclusive)."""
    parts = []
    for b in sorted(profile.bands, key=lambda b: b.min_inclusive):
        upto = f"–{_num(b.max_exclusive)}" if b.max_exclusive is not None else " o más"
        parts.append(f"{COLOR_LABELS.get(b.color, b.color)} {_num(b.min_inclusive)}{upto}")
    return " · ".join(parts)


class ProfileModel(_Base):
    """Traffic-light profiles; `uses` maps profile code → where it is used (set before set_rows)."""

    COL_NAME, COL_BANDS, COL_USE = range(3)
    HEADERS = ("Perfil", "Rangos (% de avance; el límite superior no se incluye)", "Uso")

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.uses: dict[str, str] = {}

    def _texts(self, p) -> tuple[str, ...]:  # noqa: ANN001
        return (p.name, bands_text(p), self.uses.get(p.code, ""))

    def _tooltip(self, p, col: int) -> str | None:  # noqa: ANN001
        if col == self.COL_NAME:
            return f"{p.name} (código {p.code})" + (f"\n{p.notes}" if p.notes else "")
        if col == self.COL_BANDS:
            return "\n".join(f"{COLOR_LABELS.get(b.color, b.color)}: {b.label}" for b in p.bands)
        return None


class DeadlineRuleModel(_Base):
    COL_COUNTRY, COL_LABEL, COL_TRIGGER, COL_OFFSET, COL_BASIS = range(5)
    HEADERS = ("País", "Plazo", "Se cuenta desde", "Regla", "Fundamento")
    CENTERED = (0,)
    COUNTRY_NAMES = {"EC": "Ecuador", "CO": "Colombia"}

    def _texts(self, r) -> tuple[str, ...]:  # noqa: ANN001
        return (self.COUNTRY_NAMES.get(r.country, r.country), r.label, r.trigger, rule_text(r), r.basis)


def rule_text(r) -> str:  # noqa: ANN001
    """Spanish reading of a rule's offset: '15 días hábiles después', '15 días calendario antes'."""
    n = abs(r.offset)
    if r.unit == "nth_business_day_next_month":
        return f"{r.offset}.º día hábil del mes siguiente"
    unit = {"business_days": ("día hábil", "días hábiles"), "calendar_days": ("día calendario", "días calendario"),
            "months": ("mes", "meses")}.get(r.unit, (r.unit, r.unit))[0 if n == 1 else 1]
    if r.offset == 0:
        return "el mismo día"
    return f"{n} {unit} {'antes' if r.offset < 0 else 'después'}"
