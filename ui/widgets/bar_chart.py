"""The dashboard's «% de avance» charts: one readable row per component or unit.

A QtCharts category axis shrinks its labels to «Despacho y Unidad de Pl…» with no way to read
the rest, draws a bar of 0 % as nothing at all and squeezes 15 bars into 500 px. Here each row
is a name (shortened in the middle only when it must be, the whole name in its tooltip), a bar in
its traffic-light colour and the figure written beside it («58,00 %»). Rows keep a readable
height: a chart shows at most `MAX_ROWS` and its title says how many of how many it shows.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from rcdesk.compliance import COLOR_HEX, format_pct

from .pct_bar import FRAME, TRACK

# 15 rows of 26 px plus the title fit the dashboard's chart tab at 1366×768 with room to spare
MAX_ROWS = 15
ROW_HEIGHT = 26


class ElidedLabel(QLabel):
    """A one-line label shortened in the middle when narrower than its text («Dirección de
    Plan…sede 12»): names often share their start, so both ends stay; the tooltip keeps it all."""

    def __init__(self, text: str, tooltip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = text
        self.setToolTip(tooltip)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # the label takes the width the layout gives it instead of demanding its whole text
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(80)
        self._elide()

    def shown_text(self) -> str:
        return self.text()

    def resizeEvent(self, event) -> None:
        self._elide()
        super().resizeEvent(event)

    def _elide(self) -> None:
        self.setText(
            self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideMiddle, max(self.width() - 4, 20))
        )


class Bar(QWidget):
    """A horizontal bar filled to `value` % (capped at 100; the figure beside it says the rest)."""

    def __init__(self, value: float | None, color_hex: str, tooltip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value, self.color = value, QColor(color_hex)
        self.setToolTip(tooltip)
        self.setMinimumWidth(80)
        self.setFixedHeight(ROW_HEIGHT - 10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(QColor(FRAME))
        p.setBrush(QColor(TRACK))
        p.drawRect(rect)
        share = min(max(self.value or 0.0, 0.0), 100.0) / 100.0
        if share:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self.color)
            p.drawRect(QRectF(rect.x() + 1, rect.y() + 1, (rect.width() - 2) * share, rect.height() - 1))
        p.end()


class BarChart(QWidget):
    """`rows` are (name, compliance, light[, activities]); the first `MAX_ROWS` are drawn.

    `what` names the rows in the title («unidad responsable», plural `whats`); `order` says how
    the first rows were chosen when not all fit («con más actividades») and `rest` what the
    others are («{n} unidades con menos actividades»).
    """

    def __init__(
        self, what: str, whats: str, rows: list, order: str = "", rest: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.total = len(rows)
        self.rows = list(rows[:MAX_ROWS])
        shown = len(self.rows)
        if not shown:
            title = f"% de avance por {what}: no hay datos todavía"
        elif shown < self.total:
            title = f"% de avance por {what}: las {shown} {order} (de {self.total})".replace("  ", " ")
        else:
            title = f"% de avance por {what} ({shown} {whats if shown != 1 else what})"
        self.title = QLabel(f"<b>{title}</b>")
        self.title.setWordWrap(True)
        self.labels: list[ElidedLabel] = []
        self.bars: list[Bar] = []
        self.values: list[QLabel] = []
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        for r, row in enumerate(self.rows):
            name, comp, light = row[0], row[1], row[2]
            count = row[3] if len(row) > 3 else None
            figure = format_pct(comp, none="sin programación")
            tip = f"{name}\n% de avance: {figure} ({light.label})" + (
                f"\n{count} actividad(es)" if count is not None else ""
            )
            label = ElidedLabel(name, tip)
            label.setFixedHeight(ROW_HEIGHT - 4)
            rated = getattr(comp, "rated", comp)
            bar = Bar(float(rated) if rated is not None else None, COLOR_HEX.get(light.color, "#9E9E9E"), tip)
            value = QLabel(figure)
            value.setToolTip(tip)
            grid.addWidget(label, r, 0)
            grid.addWidget(bar, r, 1)
            grid.addWidget(value, r, 2)
            self.labels.append(label)
            self.bars.append(bar)
            self.values.append(value)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 4)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addSpacing(6)
        lay.addLayout(grid)
        lay.addStretch(1)
        if shown < self.total:
            self.rest = QLabel(f"No se muestran {rest.format(n=self.total - shown)}.")
            self.rest.setWordWrap(True)
            self.rest.setStyleSheet("color:#555")
            lay.addWidget(self.rest)
