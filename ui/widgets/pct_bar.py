"""A progress bar that stays readable: the bar in its traffic-light colour and the percentage
written BESIDE it in the normal text colour (never on top of a red or green chunk).

- `paint_pct_bar(painter, rect, value, color_hex, text, text_color)`: the drawing, shared;
- `PctBarDelegate`: paints a view column whose items carry `BarRole` = (value or None, colour hex)
  and their display text (far cheaper than one QProgressBar widget per row);
- `PctBar`: a small widget (the plan's total on the home page).
"""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QStyle, QStyledItemDelegate, QWidget

BarRole = Qt.ItemDataRole.UserRole + 7
TRACK = QColor("#ECEFF1")
FRAME = QColor("#B0BEC5")
_GAP = 6


def paint_pct_bar(painter: QPainter, rect: QRect, value: float | None, color_hex: str, text: str,
                  text_color: QColor, *, text_width: int | None = None, bar_height: int = 10) -> None:
    """Bar on the left of `rect`, `text` right after it; value in 0–100 (None = empty track)."""
    fm = QFontMetrics(painter.font())
    tw = text_width if text_width is not None else fm.horizontalAdvance(text) + 2
    bar_w = max(16, rect.width() - tw - _GAP)
    h = min(bar_height, max(4, rect.height() - 4))
    top = rect.top() + (rect.height() - h) // 2
    track = QRect(rect.left(), top, bar_w, h)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(QPen(FRAME))
    painter.setBrush(TRACK)
    painter.drawRect(track.adjusted(0, 0, -1, -1))
    if value is not None and value > 0:
        fill_w = round((bar_w - 2) * min(float(value), 100.0) / 100.0)
        if fill_w > 0:
            painter.fillRect(QRect(track.left() + 1, track.top() + 1, fill_w, h - 2), QColor(color_hex))
    painter.setPen(text_color)
    text_rect = QRect(track.right() + 1 + _GAP, rect.top(), rect.right() - track.right() - _GAP, rect.height())
    painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                     fm.elidedText(text, Qt.TextElideMode.ElideRight, text_rect.width()))
    painter.restore()


class PctBarDelegate(QStyledItemDelegate):
    """Paints items that carry `BarRole`; others are painted as usual."""

    def __init__(self, parent=None, *, text_sample: str = "100,00 %") -> None:  # noqa: ANN001
        super().__init__(parent)
        self._sample = text_sample

    def paint(self, painter: QPainter, option, index) -> None:  # noqa: ANN001
        bar = index.data(BarRole)
        if bar is None:
            super().paint(painter, option, index)
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(option.rect, option.palette.highlight())
        text_color = option.palette.highlightedText().color() if selected else option.palette.text().color()
        value, color_hex = bar
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        tw = max(QFontMetrics(option.font).horizontalAdvance(self._sample),
                 QFontMetrics(option.font).horizontalAdvance(text)) + 2
        painter.save()
        painter.setFont(option.font)
        paint_pct_bar(painter, option.rect.adjusted(4, 0, -4, 0), value, color_hex, text, text_color, text_width=tw)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: ANN001, N802
        hint = super().sizeHint(option, index)
        if index.data(BarRole) is not None:
            hint.setWidth(max(hint.width(), QFontMetrics(option.font).horizontalAdvance(self._sample) + 90))
        return hint


class PctBar(QWidget):
    """A single readable bar with its text beside it."""

    def __init__(self, parent: QWidget | None = None, *, bar_width: int = 260) -> None:
        super().__init__(parent)
        self._value: float | None = None
        self._color = "#9E9E9E"
        self._text = ""
        self._bar_width = bar_width
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_value(self, value: float | None, color_hex: str, text: str) -> None:
        self._value, self._color, self._text = value, color_hex, text
        self.setToolTip(text)
        self.setAccessibleName(f"Avance: {text}")
        self.update()

    def text(self) -> str:
        return self._text

    def value(self) -> float | None:
        return self._value

    def sizeHint(self) -> QSize:  # noqa: N802
        fm = self.fontMetrics()
        return QSize(self._bar_width + _GAP + fm.horizontalAdvance(self._text) + 4, max(20, fm.height() + 4))

    def paintEvent(self, event) -> None:  # noqa: ANN001, N802, ARG002
        painter = QPainter(self)
        tw = self.fontMetrics().horizontalAdvance(self._text) + 2
        r = self.rect()
        r.setWidth(min(r.width(), self._bar_width + _GAP + tw))
        paint_pct_bar(painter, r, self._value, self._color, self._text, self.palette().windowText().color(),
                      text_width=min(tw, max(0, r.width() - 16 - _GAP)), bar_height=14)
        painter.end()
