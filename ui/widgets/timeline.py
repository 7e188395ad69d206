"""Gantt-like timeline of a plan's activities over its vigencia.

One row per activity under its group header: a bar for its dates, or lighter hatched bars for
the cuatrimestres it is marked in when it has no dates. A month grid with Spanish month names
stays visible at the top while scrolling, and a red line marks today. Only visible rows are
painted, so 20,000 activities scroll smoothly. Up/Down move the selection; Enter or a
double-click emits `activated(activity_id)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QToolTip, QVBoxLayout, QWidget

from rcdesk.services.plan_views import (
    MONTH_NAMES,
    MONTH_SHORT,
    format_date,
    spans,
    stage_names,
    timeline_range,
)

LABEL_W = 280
ROW_H = 24
HEADER_H = 42
MIN_MONTH_W = 34
BAR_COLOR = QColor("#2f6db5")
QUARTER_COLOR = QColor("#7fa8d9")
GROUP_BG = QColor("#e8eef7")
TODAY_COLOR = QColor("#d0312d")
GRID_COLOR = QColor("#d5d9e0")
ALT_MONTH = QColor(0, 0, 0, 10)
SELECT_BG = QColor("#cfe0f7")


@dataclass(frozen=True)
class _Row:
    kind: str  # "group" or "activity"
    text: str
    depth: int = 0
    activity: object = None  # ActivityRow
    spans: tuple = ()


def build_rows(year: int, groups, activities, visible_ids: set | None = None) -> list[_Row]:
    """Group headers followed by their own activities, depth-first; empty groups are left out."""
    by_group: dict = {}
    for a in activities:
        if visible_ids is None or a.activity_id in visible_ids:
            by_group.setdefault(a.group_id, []).append(a)
    known = {g.group_id for g in groups}
    has_any: dict[str, bool] = {}
    for g in reversed(groups):  # children come after parents in depth-first order
        has_any[g.group_id] = bool(by_group.get(g.group_id)) or any(has_any.get(c, False) for c in g.children)
    rows: list[_Row] = []
    for g in groups:
        if not has_any.get(g.group_id):
            continue
        rows.append(
            _Row(
                "group",
                f"{g.label}  ({len(by_group.get(g.group_id, ()))})" if by_group.get(g.group_id) else g.label,
                g.depth,
            )
        )
        for a in by_group.get(g.group_id, ()):
            rows.append(_activity_row(a, year, g.depth + 1))
    loose = [a for gid, acts in by_group.items() if gid is None or gid not in known for a in acts]
    if loose:
        rows.append(_Row("group", "Sin grupo", 0))
        rows.extend(_activity_row(a, year, 1) for a in loose)
    return rows


def _activity_row(a, year: int, depth: int) -> _Row:
    text = f"{a.number}  {a.description}" if a.number else a.description
    return _Row("activity", " ".join(text.split()), depth, a, tuple(spans(a, year)))


class _Canvas(QWidget):
    activated = Signal(str)

    def __init__(self, area: QScrollArea) -> None:
        super().__init__()
        self.area = area
        self.rows: list[_Row] = []
        self.start = date(date.today().year, 1, 1)
        self.end = date(date.today().year, 12, 31)
        self.current = -1
        self.today: date = date.today()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName("Cronograma de actividades")

    # -- geometry ----------------------------------------------------------------------------
    def months(self) -> list[tuple[int, int]]:
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def chart_width(self) -> int:
        return max(self.width() - LABEL_W - 8, 10)

    def x_of(self, d: date) -> float:
        total = (self.end - self.start).days + 1
        return LABEL_W + self.chart_width() * ((d - self.start).days / total)

    def relayout(self) -> None:
        n_months = len(self.months())
        min_w = LABEL_W + 8 + n_months * MIN_MONTH_W
        self.setMinimumSize(min_w, HEADER_H + max(len(self.rows), 1) * ROW_H + 4)
        self.resize(max(self.area.viewport().width(), min_w), self.minimumHeight())
        self.update()

    def row_at(self, y: int) -> int:
        r = (y - HEADER_H) // ROW_H
        return r if 0 <= r < len(self.rows) and y >= HEADER_H else -1

    # -- painting ------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        pal = self.palette()
        clip = event.rect()
        top = self.visibleRegion().boundingRect().top()
        p.fillRect(clip, pal.color(QPalette.ColorRole.Base))
        months = self.months()
        fm = p.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        xs = self._month_edges(months)
        self._paint_month_shading(p, clip, xs)
        self._paint_rows(p, clip, fm, bold)
        self._paint_grid_and_today(p, clip, xs, top)
        self._paint_header(p, top, months, xs, fm, bold)
        p.end()

    def _month_edges(self, months: list[tuple[int, int]]) -> list[float]:
        """x of each month's first day, then of the day after the vigencia ends."""
        return [self.x_of(date(y, m, 1)) for y, m in months] + [
            self.x_of(self.end) + self.chart_width() / max((self.end - self.start).days + 1, 1)
        ]

    def _paint_month_shading(self, p: QPainter, clip: QRect, xs: list[float]) -> None:
        for i in range(len(xs) - 1):
            if i % 2:
                p.fillRect(QRectF(xs[i], clip.top(), xs[i + 1] - xs[i], clip.height()), ALT_MONTH)

    def _paint_rows(self, p: QPainter, clip: QRect, fm, bold: QFont) -> None:
        """Only the rows the clip touches: what keeps 20,000 activities smooth."""
        first = max(self.row_at(clip.top()), 0) if self.rows else 0
        last = min((clip.bottom() - HEADER_H) // ROW_H + 1, len(self.rows))
        for r in range(first, last):
            row = self.rows[r]
            y = HEADER_H + r * ROW_H
            if row.kind == "group":
                self._paint_group_row(p, row, y, bold)
            else:
                self._paint_activity_row(p, row, y, fm, selected=r == self.current)

    def _paint_group_row(self, p: QPainter, row: _Row, y: int, bold: QFont) -> None:
        p.fillRect(QRect(0, y, self.width(), ROW_H), GROUP_BG)
        p.setFont(bold)
        p.setPen(self.palette().color(QPalette.ColorRole.Text))
        p.drawText(
            QRect(6 + row.depth * 12, y, self.width() - 12, ROW_H),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            row.text,
        )
        p.setFont(self.font())

    def _paint_activity_row(self, p: QPainter, row: _Row, y: int, fm, selected: bool) -> None:
        pal = self.palette()
        if selected:
            p.fillRect(QRect(0, y, self.width(), ROW_H), SELECT_BG)
        p.setPen(pal.color(QPalette.ColorRole.Text))
        indent = 6 + row.depth * 12
        label = fm.elidedText(row.text, Qt.TextElideMode.ElideRight, LABEL_W - indent - 6)
        p.drawText(
            QRect(indent, y, LABEL_W - indent - 6, ROW_H),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            label,
        )
        if not row.spans:
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            note = f"sin fecha · {row.activity.scheduled_text}" if row.activity.scheduled_text else "sin fecha"
            p.drawText(
                QRect(LABEL_W + 6, y, self.width() - LABEL_W - 12, ROW_H),
                Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(note, Qt.TextElideMode.ElideRight, self.width() - LABEL_W - 12),
            )
            return
        self._paint_bars(p, row, y)

    def _paint_bars(self, p: QPainter, row: _Row, y: int) -> None:
        """A solid bar for dated spans, a hatched one for cuatrimestre marks."""
        for s in row.spans:
            x0 = self.x_of(max(s.start, self.start))
            x1 = self.x_of(min(s.end, self.end)) + self.chart_width() / max((self.end - self.start).days + 1, 1)
            bar = QRectF(x0, y + 5, max(x1 - x0, 3), ROW_H - 10)
            if s.kind == "fechas":
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(BAR_COLOR)
            else:
                p.setPen(QPen(BAR_COLOR, 1))
                p.setBrush(QBrush(QUARTER_COLOR, Qt.BrushStyle.BDiagPattern))
            p.drawRoundedRect(bar, 3, 3)
        p.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_grid_and_today(self, p: QPainter, clip: QRect, xs: list[float], top: int) -> None:
        """Vertical grid and today line over the rows (the header paints its own part)."""
        p.setPen(QPen(GRID_COLOR, 1))
        for x in xs:
            p.drawLine(int(x), clip.top(), int(x), clip.bottom())
        p.drawLine(LABEL_W, clip.top(), LABEL_W, clip.bottom())
        if self.start <= self.today <= self.end:
            tx = int(self.x_of(self.today))
            p.setPen(QPen(TODAY_COLOR, 2))
            p.drawLine(tx, max(clip.top(), top + HEADER_H), tx, clip.bottom())

    def _paint_header(self, p: QPainter, top: int, months: list, xs: list[float], fm, bold: QFont) -> None:
        """The sticky header, painted at the visible top so it stays in view while scrolling."""
        header = QRect(0, top, self.width(), HEADER_H)
        p.fillRect(header, self.palette().color(QPalette.ColorRole.Window))
        p.setPen(self.palette().color(QPalette.ColorRole.Text))
        p.setFont(bold)
        years = sorted({y for y, _ in months})
        half = HEADER_H // 2
        if len(years) == 1:
            p.drawText(QRect(6, top, LABEL_W - 12, half), Qt.AlignmentFlag.AlignVCenter, f"Vigencia {years[0]}")
        p.drawText(
            QRect(6, top + half, LABEL_W - 12, half),
            Qt.AlignmentFlag.AlignVCenter,
            "Actividad" if len(self.rows) else "Sin actividades para mostrar",
        )
        p.setFont(self.font())
        self._paint_month_names(p, top, months, xs, fm, bold, several_years=len(years) > 1)
        if len(years) == 1:
            self._paint_quarters(p, top, months, xs, years[0])
        self._paint_header_grid(p, top, xs)

    def _paint_month_names(
        self, p: QPainter, top: int, months: list, xs: list[float], fm, bold: QFont, several_years: bool
    ) -> None:
        half = HEADER_H // 2
        for i, (y, m) in enumerate(months):
            w = xs[i + 1] - xs[i]
            name = MONTH_NAMES[m - 1] if w >= fm.horizontalAdvance("septiembre") + 8 else MONTH_SHORT[m - 1]
            p.drawText(QRectF(xs[i], top + half, w, half), Qt.AlignmentFlag.AlignCenter, name)
            if several_years and (m == 1 or i == 0):
                p.setFont(bold)
                p.drawText(QRectF(xs[i] + 4, top, 200, half), Qt.AlignmentFlag.AlignVCenter, str(y))
                p.setFont(self.font())

    def _paint_quarters(self, p: QPainter, top: int, months: list, xs: list[float], year: int) -> None:
        """Cuatrimestre bands for a one-year vigencia."""
        for q, (m0, m1) in enumerate(((1, 4), (5, 8), (9, 12)), start=1):
            if (year, m0) in months and (year, m1) in months:
                i0, i1 = months.index((year, m0)), months.index((year, m1))
                p.drawText(
                    QRectF(xs[i0], top, xs[i1 + 1] - xs[i0], HEADER_H / 2),
                    Qt.AlignmentFlag.AlignCenter,
                    f"{q}.º cuatrimestre",
                )

    def _paint_header_grid(self, p: QPainter, top: int, xs: list[float]) -> None:
        p.setPen(QPen(GRID_COLOR, 1))
        for x in xs:
            p.drawLine(int(x), top + HEADER_H // 2, int(x), top + HEADER_H)
        p.drawLine(0, top + HEADER_H - 1, self.width(), top + HEADER_H - 1)
        if self.start <= self.today <= self.end:
            tx = int(self.x_of(self.today))
            p.setPen(QPen(TODAY_COLOR, 2))
            p.drawLine(tx, top + HEADER_H // 2, tx, top + HEADER_H)

    # -- interaction ----------------------------------------------------------------------------
    def event(self, ev) -> bool:
        if ev.type() == ev.Type.ToolTip:
            r = self.row_at(ev.pos().y())
            text = self.tooltip(r) if r >= 0 else ""
            if text:
                QToolTip.showText(ev.globalPos(), text, self)
            else:
                QToolTip.hideText()
                ev.ignore()
            return True
        return super().event(ev)

    def tooltip(self, r: int) -> str:
        row = self.rows[r]
        if row.kind != "activity":
            return row.text
        a = row.activity
        lines = [row.text]
        if a.start_date or a.end_date:
            lines.append(f"Del {format_date(a.start_date) or '—'} al {format_date(a.end_date) or '—'}")
        if a.cuatrimestres:
            lines.append("Cuatrimestre(s): " + ", ".join(str(q) for q in a.cuatrimestres))
        if a.scheduled_text:
            lines.append(f"Fecha programada: {a.scheduled_text}")
        if a.stages:
            lines.append(f"Etapas: {stage_names(a.stages)}")
        if a.responsible:
            lines.append(f"Responsable: {a.responsible}")
        return "\n".join(lines)

    def set_current(self, r: int) -> None:
        if not self.rows:
            self.current = -1
            return
        r = max(0, min(r, len(self.rows) - 1))
        self.current = r
        self.area.ensureVisible(LABEL_W // 2, HEADER_H + r * ROW_H + ROW_H // 2, 0, ROW_H + HEADER_H)
        self.update()

    def current_activity_id(self) -> str | None:
        if 0 <= self.current < len(self.rows) and self.rows[self.current].kind == "activity":
            return self.rows[self.current].activity.activity_id
        return None

    def mousePressEvent(self, ev) -> None:
        r = self.row_at(int(ev.position().y()))
        if r >= 0:
            self.set_current(r)
        super().mousePressEvent(ev)

    def mouseDoubleClickEvent(self, ev) -> None:
        r = self.row_at(int(ev.position().y()))
        if r >= 0:
            self.set_current(r)
            aid = self.current_activity_id()
            if aid:
                self.activated.emit(aid)

    def keyPressEvent(self, ev) -> None:
        page = max(self.area.viewport().height() // ROW_H - 2, 1)
        moves = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: page, Qt.Key.Key_PageUp: -page}
        if ev.key() in moves:
            self.set_current((self.current if self.current >= 0 else -1) + moves[ev.key()])
        elif ev.key() == Qt.Key.Key_Home:
            self.set_current(0)
        elif ev.key() == Qt.Key.Key_End:
            self.set_current(len(self.rows) - 1)
        elif ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            aid = self.current_activity_id()
            if aid:
                self.activated.emit(aid)
        else:
            super().keyPressEvent(ev)


class _Area(QScrollArea):
    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        canvas = self.widget()
        if isinstance(canvas, _Canvas):
            canvas.relayout()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.widget().update()  # the sticky header moves with the viewport


class TimelineWidget(QWidget):
    """The timeline with its legend; feed it with `set_plan(...)`."""

    activated = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.area = _Area(self)
        self.area.setWidgetResizable(False)
        self.canvas = _Canvas(self.area)
        self.area.setWidget(self.canvas)
        self.area.setFocusProxy(self.canvas)
        self.setFocusProxy(self.canvas)
        self.canvas.activated.connect(self.activated)
        legend = QHBoxLayout()
        legend.setContentsMargins(4, 0, 4, 0)
        for color, style, text in (
            (BAR_COLOR, "solid", "Con fechas"),
            (QUARTER_COLOR, "dashed", "Solo cuatrimestre (sin fechas)"),
            (TODAY_COLOR, "solid", "Hoy"),
        ):
            swatch = QLabel(self)
            swatch.setFixedSize(22, 10 if text != "Hoy" else 3)
            swatch.setStyleSheet(
                f"background: {color.name()}; border: 1px {style} {BAR_COLOR.name()};"
                if text != "Hoy"
                else f"background: {color.name()};"
            )
            legend.addWidget(swatch)
            legend.addWidget(QLabel(text, self))
            legend.addSpacing(14)
        legend.addStretch(1)
        self.hint = QLabel("↑/↓ para recorrer, Intro o doble clic para editar", self)
        self.hint.setStyleSheet("color: palette(mid);")
        legend.addWidget(self.hint)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.area, 1)
        lay.addLayout(legend)

    def set_plan(
        self, year: int, groups, activities, visible_ids: set | None = None, today: date | None = None
    ) -> None:
        c = self.canvas
        c.rows = build_rows(year, groups, activities, visible_ids)
        c.start, c.end = timeline_range(year, [r.activity for r in c.rows if r.kind == "activity"])
        c.today = today or date.today()
        c.current = -1
        c.relayout()

    def clear(self) -> None:
        self.canvas.rows = []
        self.canvas.current = -1
        self.canvas.relayout()

    def row_count(self) -> int:
        return len(self.canvas.rows)

    def activity_rows(self) -> list:
        return [r for r in self.canvas.rows if r.kind == "activity"]

    def point_of(self, activity_id: str) -> QPoint:
        """Canvas point inside the row of `activity_id` (tests and links)."""
        for i, r in enumerate(self.canvas.rows):
            if r.kind == "activity" and r.activity.activity_id == activity_id:
                return QPoint(LABEL_W // 2, HEADER_H + i * ROW_H + ROW_H // 2)
        return QPoint(-1, -1)
