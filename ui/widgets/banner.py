"""One inline message strip for every page: success, warning or error, with optional actions.

A dialog box interrupts and is dismissed without being read; a strip at the top of the page
stays until the next action, can carry the step that follows («Abrir», «Abrir carpeta») and
is cleared when what it talked about is no longer on screen (`clear()`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

SUCCESS, WARNING, ERROR = "success", "warning", "error"

# colours readable on light themes and still distinguishable without colour (the leading word)
_STYLES = {
    SUCCESS: ("#e7f4ea", "#2e7d32", "#1b4d20", "Listo"),
    WARNING: ("#fff6dc", "#b7860b", "#5c4300", "Atención"),
    ERROR: ("#fdecea", "#c62828", "#7f1d1d", "Error"),
}


class Banner(QFrame):
    """Hidden until `show_message`; `level`, `text` and `action_texts()` are what the user sees."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName("Mensaje")
        self.level = ""
        self.text = ""
        self._buttons: list[QPushButton] = []
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 4, 4)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        row.addWidget(self.label, 1)
        self._actions = QHBoxLayout()
        row.addLayout(self._actions)
        self.close_button = QPushButton("×", self)
        self.close_button.setToolTip("Cerrar el mensaje")
        self.close_button.setAccessibleName("Cerrar el mensaje")
        self.close_button.setFlat(True)
        self.close_button.setFixedWidth(28)
        self.close_button.clicked.connect(self.clear)
        row.addWidget(self.close_button)
        self.hide()

    def show_message(self, level: str, text: str, actions: list[tuple[str, Callable[[], None]]] | None = None) -> None:
        background, border, ink, word = _STYLES[level]
        self.level, self.text = level, text
        self.setStyleSheet(
            f"QFrame#banner {{ background: {background}; border: 1px solid {border}; border-radius: 4px; }}"
            f"QFrame#banner QLabel {{ color: {ink}; background: transparent; border: none; }}"
        )
        self.label.setText(f"<b>{word}:</b> {_escape(text)}")
        for b in self._buttons:
            self._actions.removeWidget(b)
            b.deleteLater()
        self._buttons = []
        for caption, callback in actions or []:
            b = QPushButton(caption, self)
            b.clicked.connect(lambda _c=False, cb=callback: cb())
            self._actions.addWidget(b)
            self._buttons.append(b)
        self.show()

    def success(self, text: str, actions: list[tuple[str, Callable[[], None]]] | None = None) -> None:
        self.show_message(SUCCESS, text, actions)

    def warning(self, text: str, actions: list[tuple[str, Callable[[], None]]] | None = None) -> None:
        self.show_message(WARNING, text, actions)

    def error(self, text: str, actions: list[tuple[str, Callable[[], None]]] | None = None) -> None:
        self.show_message(ERROR, text, actions)

    def action_texts(self) -> list[str]:
        return [b.text() for b in self._buttons]

    def trigger(self, caption: str) -> None:
        """Press the action button labelled `caption` (keyboard shortcuts and tests)."""
        next(b for b in self._buttons if b.text() == caption).click()

    def clear(self) -> None:
        self.level, self.text = "", ""
        self.hide()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")


def banner_for(page: QWidget) -> Banner:
    """The page's banner, placed at the top of its layout the first time it is needed.

    Pages keep their own layouts; this lets a page gain a banner without rewriting them.
    """
    existing = getattr(page, "banner", None)
    if isinstance(existing, Banner):
        return existing
    banner = Banner(page)
    layout = page.layout()
    if isinstance(layout, QBoxLayout):
        layout.insertWidget(0, banner)
    elif layout is not None:
        layout.addWidget(banner)
    page.banner = banner
    return banner
