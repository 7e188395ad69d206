"""«¿Qué hago ahora?»: what an empty page or tab is for and the step that fills it, with buttons.

An empty table with headers tells a new user nothing. Every page or tab that can be empty puts its
content in an `EmptyState`, which shows an `EmptyHint` in the content's place while there is
nothing to show — a title, one or two sentences, and buttons that take the next step (import,
create, load the example data, open the guide's chapter):

    self.queue_area = EmptyState(self.queue, EmptyHint(
        "Nada por validar", "Aquí llegan los reportes de avance …",
        [("Reportar avance…", self.report_progress)], chapter="seguimiento"), model=self.queue_model)

By default the hint shows while the model has no rows; a page that knows better (a filter that
hides every row is not «no data») passes `is_empty` or calls `set_empty()`.

No `Qt` enums here: the home page may build one on the first screen (see ui/main_window.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

Action = tuple[str, Callable[[], None]]


class EmptyHint(QFrame):
    """Title, explanation and next-step buttons, centred; `action_texts()`/`trigger()` for tests."""

    def __init__(
        self,
        title: str,
        text: str,
        actions: Sequence[Action] = (),
        *,
        chapter: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("empty_hint")
        self.setAccessibleName("¿Qué hago ahora?")
        self.chapter = chapter
        self.title_label = QLabel(self)
        self.title_label.setWordWrap(True)
        self.text_label = QLabel(self)
        self.text_label.setWordWrap(True)
        self.text_label.setStyleSheet("color: #444;")
        self._row = QHBoxLayout()
        self._buttons: list[QPushButton] = []
        inner = QVBoxLayout()
        inner.addWidget(self.title_label)
        inner.addWidget(self.text_label)
        inner.addSpacing(6)
        inner.addLayout(self._row)
        box = QWidget(self)
        box.setMaximumWidth(680)
        box.setLayout(inner)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(box)
        column.addStretch(2)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 4)
        outer.addStretch(1)
        self.set_text(title, text)
        self.set_actions(actions)

    def title(self) -> str:
        return self._title

    def text(self) -> str:
        """Everything the hint says (title and explanation), as plain text."""
        return f"{self._title}. {self._text}"

    def set_text(self, title: str, text: str) -> None:
        self._title, self._text = title, text
        self.title_label.setText(f"<h3 style='margin:0'>{_escape(title)}</h3>")
        self.text_label.setText(f"<p>{_escape(text)}</p>")

    def set_actions(self, actions: Sequence[Action]) -> None:
        for b in self._buttons:
            self._row.removeWidget(b)
            b.deleteLater()
        self._buttons = []
        while self._row.count():  # the stretch left by the previous call
            self._row.takeAt(0)
        wanted = list(actions)
        if self.chapter:
            wanted.append(("Ver la &guía", self.open_guide))
        for caption, callback in wanted:
            b = QPushButton(caption, self)
            b.setMinimumHeight(30)
            b.clicked.connect(lambda _c=False, cb=callback: cb())
            self._row.addWidget(b)
            self._buttons.append(b)
        self._row.addStretch(1)

    def buttons(self) -> list[QPushButton]:
        return list(self._buttons)

    def action_texts(self) -> list[str]:
        return [b.text().replace("&", "") for b in self._buttons]

    def trigger(self, caption: str) -> None:
        """Press the button labelled `caption` (without its & mnemonic)."""
        next(b for b in self._buttons if b.text().replace("&", "") == caption).click()

    def open_guide(self) -> None:
        from ..help import show_guide

        show_guide(self.window(), chapter=self.chapter)


class EmptyState(QStackedWidget):
    """`content`, or the hint in its place while there is nothing to show."""

    def __init__(
        self,
        content: QWidget,
        hint: EmptyHint,
        *,
        model=None,
        is_empty: Callable[[], bool] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.content, self.hint = content, hint
        self.addWidget(content)
        self.addWidget(hint)
        self._model = model
        self._is_empty = is_empty
        if model is not None:
            for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
                signal.connect(self.refresh)
        self.refresh()

    @property
    def showing_hint(self) -> bool:
        return self.currentWidget() is self.hint

    def refresh(self, *_args) -> None:
        if self._is_empty is not None:
            empty = self._is_empty()
        elif self._model is not None:
            empty = self._model.rowCount() == 0
        else:
            return
        self.set_empty(empty)

    def set_empty(self, empty: bool) -> None:
        self.setCurrentWidget(self.hint if empty else self.content)


def hinted(
    view: QWidget, model, title: str, text: str, actions: Sequence[Action] = (), *, chapter: str = ""
) -> EmptyState:
    """`view` in an EmptyState that shows the hint while `model` has no rows: what most tables need."""
    return EmptyState(view, EmptyHint(title, text, actions, chapter=chapter), model=model)


def go_to(widget: QWidget, page_key: str, then: str = "") -> Callable[[], None]:
    """An action that opens another section of the main window (when there is one) and, with `then`,
    calls that page's method of that name (e.g. «plans», «import_plan»)."""

    def go() -> None:
        window = widget.window()
        if hasattr(window, "show_page"):
            page = window.show_page(page_key)
            if then:
                getattr(page, then)()

    return go


def load_example(widget: QWidget) -> Callable[[], None]:
    """An action that loads the example data (through «Planes», which owns it) without leaving the page."""

    def load() -> None:
        window = widget.window()
        if hasattr(window, "page"):
            window.page("plans").load_demo()

    return load


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
