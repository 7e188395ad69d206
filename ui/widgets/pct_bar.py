"""A progress bar that stays readable: the bar in its traffic-light colour and the percentage
written BESIDE it in the normal text colour (never on top of a red or green chunk).

- `bar_image(value, color_hex, width, height, ratio)`: the bar as a small image built from its
  pixels (light-grey track, thin frame, the filled part in the light's colour);
- `set_bar(item, column, value, color_hex, ratio)`: shows such a bar before the text of a tree
  item. The view's own delegate paints image + text (in the selection's colours when selected),
  so there is no widget per row and no Python painting code;
- `PctBar`: a bar and its text as a small widget (the plan's total on the home page).

Start-up budget: these show the home page's first figures. PySide6 builds the Python enums of
`Qt` (the namespace) and `QStyle` the first time they are touched, which costs more than a
fifth of a bare window's start-up (see ui/main_window.py); painting with QPen/QBrush or reading
a style option touches them, an image and a label do not. Roles are their documented integer
values for the same reason.
"""

from __future__ import annotations

import sys
from functools import lru_cache

from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

DISPLAY_ROLE = 0  # Qt.ItemDataRole.DisplayRole
DECORATION_ROLE = 1  # Qt.ItemDataRole.DecorationRole (a QImage is drawn at its own size)
FOREGROUND_ROLE = 9  # Qt.ItemDataRole.ForegroundRole (a QColor is taken as a brush)
USER_ROLE = 0x0100  # Qt.ItemDataRole.UserRole
BarRole = USER_ROLE + 7  # (value or None, colour hex) of the bar shown in an item
TRACK = "#ECEFF1"
FRAME = "#B0BEC5"
BAR_WIDTH = 96  # logical pixels, in tables
BAR_HEIGHT = 10
_GAP = 6


def _pixel(color_hex: str) -> bytes:
    """One opaque pixel of QImage.Format_RGB32 (0xffRRGGBB in the machine's byte order)."""
    return (0xFF000000 | int(color_hex.lstrip("#"), 16)).to_bytes(4, sys.byteorder)


@lru_cache(maxsize=512)
def bar_image(
    value: float | None, color_hex: str, width: int = BAR_WIDTH, height: int = BAR_HEIGHT, ratio: float = 1.0
) -> QImage:
    """A bar `width`×`height` logical pixels filled to `value` % (0–100; None = empty track),
    drawn for a screen with device pixel `ratio` (sharp on high-DPI screens)."""
    w, h = max(4, round(width * ratio)), max(4, round(height * ratio))
    inner = w - 2
    fill = 0 if value is None or value <= 0 else max(1, round(inner * min(float(value), 100.0) / 100.0))
    frame = _pixel(FRAME)
    edge = frame * w
    row = frame + _pixel(color_hex) * fill + _pixel(TRACK) * (inner - fill) + frame
    data = edge + row * (h - 2) + edge
    image = QImage(data, w, h, w * 4, QImage.Format.Format_RGB32).copy()  # copy: owns its pixels
    image.setDevicePixelRatio(ratio)
    return image


def set_bar(item, column: int, value: float | None, color_hex: str, ratio: float = 1.0) -> None:
    """Show a bar before the text of `column` in a QTreeWidgetItem (the text says the figure)."""
    item.setData(column, BarRole, (value, color_hex))
    item.setData(column, DECORATION_ROLE, bar_image(value, color_hex, ratio=ratio))


class PctBar(QWidget):
    """A single readable bar with its text beside it."""

    def __init__(self, parent: QWidget | None = None, *, bar_width: int = 260, bar_height: int = 14) -> None:
        super().__init__(parent)
        self._value: float | None = None
        self._color = "#9E9E9E"
        self._text = ""
        self._size = (bar_width, bar_height)
        self._bar = QLabel(self)
        self._label = QLabel(self)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(_GAP)
        lay.addWidget(self._bar)
        lay.addWidget(self._label)
        lay.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._draw()

    def set_value(self, value: float | None, color_hex: str, text: str) -> None:
        self._value, self._color, self._text = value, color_hex, text
        self.setToolTip(text)
        self.setAccessibleName(f"Avance: {text}")
        self._label.setText(text)
        self._draw()

    def _draw(self) -> None:
        width, height = self._size
        image = bar_image(self._value, self._color, width, height, self.devicePixelRatioF())
        self._bar.setPixmap(QPixmap.fromImage(image))

    def text(self) -> str:
        return self._text

    def value(self) -> float | None:
        return self._value
