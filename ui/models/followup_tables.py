"""Table models of the follow-up pages: activity status, report history, holidays.

Texts are computed once in `set_rows()`; `data()` only indexes.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS, format_pct

from ..formatting import date_text, decimal_text
from .rows import ListTableModel, columns

WEEKDAYS = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")


def light_brush(color: str) -> QBrush:
    return QBrush(QColor(COLOR_HEX.get(color, "#9E9E9E")))


def light_text(color: str) -> QBrush:
    return QBrush(QColor("#212121" if color == "amarillo" else "#FFFFFF"))


def days_text(a) -> str:
    if a.due is None:
        return "sin fecha"
    if a.done:
        return "cumplida"
    if a.overdue:
        return f"vencida hace {-a.days_left} d"
    if a.days_left == 0:
        return "vence hoy"
    return f"{a.days_left} d ({a.business_days_left} hábiles)"


class _Base(ListTableModel):
    """Texts are computed once in `set_rows()`; a light column is painted in its colour."""

    CACHE_TEXT = True
    LIGHT_COL: int | None = None

    def row(self, r: int):
        return self.row_at(r)

    def rows(self) -> list:  # a copy: callers loop over it while the model may reset
        return list(self._rows)

    def text(self, item, col: int) -> str:
        return self.texts(item)[col]

    def _light(self, item) -> str | None:
        return None

    def _tooltip(self, item, col: int) -> str | None:
        return None

    def tooltip(self, item, col: int) -> str | None:
        return self._tooltip(item, col) or self.text(item, col)

    def background(self, item, col: int):
        color = self._light(item) if col == self.LIGHT_COL else None
        return light_brush(color) if color else None

    def foreground(self, item, col: int):
        color = self._light(item) if col == self.LIGHT_COL else None
        return light_text(color) if color else None


class ActivityStatusModel(_Base):
    (
        COL_NUMBER,
        COL_ACTIVITY,
        COL_RESPONSIBLE,
        COL_DUE,
        COL_DAYS,
        COL_PCT,
        COL_LIGHT,
        COL_LAST,
        COL_PENDING,
        COL_FLAGS,
    ) = range(10)
    COLUMNS = columns(
        "N.º",
        "Actividad",
        "Responsable",
        "Vence",
        "Plazo",
        "% avance",
        "Semáforo",
        "Últ. validado",
        "Por validar",
        "Alertas",
        tips=(
            "Número de la actividad",
            "Descripción",
            "Dependencia responsable",
            "Fecha en que vence la actividad (fecha final o fin del último cuatrimestre marcado)",
            "Días que faltan (calendario y hábiles) o días de retraso",
            "% de avance del último reporte validado hasta el corte",
            "Semáforo según el perfil del plan",
            "Periodo del último reporte validado",
            "Reportes esperando validación",
            "Alertas de la actividad",
        ),
        center=(0, 3, 4, 5, 6, 7, 8),
    )
    LIGHT_COL = 6

    def texts(self, a) -> tuple[str, ...]:
        return (
            a.number,
            a.description,
            a.responsible,
            date_text(a.due),
            days_text(a),
            format_pct(a.compliance),
            COLOR_LABELS[a.light.color],
            a.last_report.period_code if a.last_report else "",
            str(a.pending_review) if a.pending_review else "",
            "; ".join(a.flags),
        )

    def _light(self, a) -> str:
        return a.light.color

    def _tooltip(self, a, col: int) -> str | None:
        return a.light.label if col == self.COL_LIGHT else None


class ReportHistoryModel(_Base):
    COL_PERIOD, COL_STATUS, COL_PCT, COL_DATE, COL_REPORTER, COL_EVIDENCE, COL_DONE, COL_NOTE = range(8)
    COLUMNS = columns(
        "Periodo",
        "Estado",
        "% avance",
        "Fecha",
        "Reportó",
        "Evidencias",
        "Qué se hizo",
        "Observación",
        center=(0, 1, 2, 3, 5),
    )
    LIGHT_COL = 1

    def texts(self, r) -> tuple[str, ...]:
        return (
            r.period_code,
            r.status_label,
            format_pct(r.percent),
            date_text(r.reported_on),
            r.reporter,
            str(len(r.evidence)),
            r.done_text,
            r.review_note,
        )

    def _tooltip(self, r, col: int) -> str | None:
        return r.period_label if col == self.COL_PERIOD else None

    def _light(self, r) -> str:
        return {"VALIDADO": "verde", "OBSERVADO": "rojo", "REPORTADO": "amarillo", "SUSTITUIDO": "gris"}.get(r.status)


class ReviewQueueModel(_Base):
    COL_PERIOD, COL_ACTIVITY, COL_PCT, COL_DATE, COL_REPORTER, COL_EVIDENCE = range(6)
    COLUMNS = columns("Periodo", "Actividad", "% avance", "Fecha", "Reportó", "Evidencias", center=(0, 2, 3, 5))

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.activity_names: dict[str, str] = {}

    def texts(self, r) -> tuple[str, ...]:
        return (
            r.period_code,
            self.activity_names.get(r.activity_id, r.activity_id),
            format_pct(r.percent),
            date_text(r.reported_on),
            r.reporter,
            str(len(r.evidence)),
        )


class HolidayModel(_Base):
    COL_DATE, COL_DAY, COL_NAME, COL_SCOPE, COL_SOURCE = range(5)
    COLUMNS = columns("Fecha", "Día", "Feriado", "Alcance", "Origen", center=(0, 1))

    def texts(self, h) -> tuple[str, ...]:
        return (
            date_text(h.day),
            WEEKDAYS[h.day.weekday()],
            h.name,
            h.scope_label,
            "Calendario oficial" if h.source == "biblioteca" else "Agregado",
        )


def bands_text(profile) -> str:
    """'Rojo 0–60 · Amarillo 60–80 · Verde 80 o más' (upper bounds exclusive)."""
    parts = []
    for b in sorted(profile.bands, key=lambda b: b.min_inclusive):
        upto = f"–{decimal_text(b.max_exclusive)}" if b.max_exclusive is not None else " o más"
        parts.append(f"{COLOR_LABELS.get(b.color, b.color)} {decimal_text(b.min_inclusive)}{upto}")
    return " · ".join(parts)


class ProfileModel(_Base):
    """Traffic-light profiles; `uses` maps profile code → where it is used (set before set_rows)."""

    COL_NAME, COL_BANDS, COL_USE = range(3)
    COLUMNS = columns("Perfil", "Rangos (% de avance; el límite superior no se incluye)", "Uso")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.uses: dict[str, str] = {}

    def texts(self, p) -> tuple[str, ...]:
        return (p.name, bands_text(p), self.uses.get(p.code, ""))

    def _tooltip(self, p, col: int) -> str | None:
        if col == self.COL_NAME:
            return f"{p.name} (código {p.code})" + (f"\n{p.notes}" if p.notes else "")
        if col == self.COL_BANDS:
            return "\n".join(f"{COLOR_LABELS.get(b.color, b.color)}: {b.label}" for b in p.bands)
        return None


class DeadlineRuleModel(_Base):
    COL_COUNTRY, COL_LABEL, COL_TRIGGER, COL_OFFSET, COL_BASIS = range(5)
    COLUMNS = columns("País", "Plazo", "Se cuenta desde", "Regla", "Fundamento", center=(0,))
    COUNTRY_NAMES = {"EC": "Ecuador", "CO": "Colombia"}

    def texts(self, r) -> tuple[str, ...]:
        return (self.COUNTRY_NAMES.get(r.country, r.country), r.label, r.trigger, rule_text(r), r.basis)


def rule_text(r) -> str:
    """Spanish reading of a rule's offset: '15 días hábiles después', '15 días calendario antes'."""
    n = abs(r.offset)
    if r.unit == "nth_business_day_next_month":
        return f"{r.offset}.º día hábil del mes siguiente"
    unit = {
        "business_days": ("día hábil", "días hábiles"),
        "calendar_days": ("día calendario", "días calendario"),
        "months": ("mes", "meses"),
    }.get(r.unit, (r.unit, r.unit))[0 if n == 1 else 1]
    if r.offset == 0:
        return "el mismo día"
    return f"{n} {unit} {'antes' if r.offset < 0 else 'después'}"
