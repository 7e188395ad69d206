"""Column widths that follow the content: text columns share the free width, short ones fit.

Qt's choices are all-or-nothing (every column the same width, or one column stretched and the
rest at their header's width), so a description squeezed to 150 px sits next to an empty
column as wide. `fit_columns` measures each column: short values (dates, codes, percentages)
get their width, long texts share what is left in proportion to their length. A column the
user drags keeps its width from then on, per table (QSettings); the header's context menu
hides and shows columns and gives the automatic widths back.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView

SAMPLE_ROWS = 60
SHORT_MAX = 240  # px: wider than this, a column is text and shares the free width
TEXT_MIN = 140
TEXT_FLOOR = 70  # px: below this a text column is useless; the view scrolls instead
LONG_CHARS = 22  # average characters from which a column reads as running text


def _header(view: QAbstractItemView) -> QHeaderView:
    return view.horizontalHeader() if isinstance(view, QTableView) else view.header()


class ColumnLayout(QObject):
    """Installed by `fit_columns`; `refit()` measures again, `reset()` forgets the user's widths."""

    def __init__(self, view: QAbstractItemView, settings, key: str) -> None:
        super().__init__(view)
        self.view, self.settings, self.key = view, settings, key
        self.header = _header(view)
        self._fitting = False
        self._pressed = False  # only a drag on the header makes the widths the user's
        self._model = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refit)
        self.header.setStretchLastSection(False)
        self.header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.header.customContextMenuRequested.connect(self._menu)
        self.header.sectionResized.connect(self._on_resized)
        view.viewport().installEventFilter(self)
        # kept: while the view is torn down its header is gone before the viewport's last events
        self._header_viewport = self.header.viewport()
        self._header_viewport.installEventFilter(self)
        self._watch_model()
        self._restore()

    # -- settings ----------------------------------------------------------------------------------
    @property
    def custom(self) -> bool:
        return self.settings.value(f"tables/{self.key}/custom", False, bool)

    def _save(self, custom: bool | None = None) -> None:
        if custom is not None:
            self.settings.setValue(f"tables/{self.key}/custom", custom)
        self.settings.setValue(f"tables/{self.key}/state", self.header.saveState())

    def _restore(self) -> None:
        state = self.settings.value(f"tables/{self.key}/state")
        if state is not None and hasattr(state, "isEmpty") and not state.isEmpty() and self.header.count():
            self._fitting = True
            try:
                self.header.restoreState(state)
                self.header.setStretchLastSection(False)
            finally:
                self._fitting = False
        if not self.custom:
            self.schedule()

    # -- measuring ---------------------------------------------------------------------------------
    def _watch_model(self) -> None:
        model = self.view.model()
        if model is None or model is self._model:
            return
        self._model = model
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted, model.columnsInserted):
            signal.connect(self.schedule)

    def schedule(self, *_args) -> None:
        if not self.custom:
            self._timer.start()

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if obj is self._header_viewport:
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
                self._pressed = True
            elif kind == QEvent.Type.MouseButtonRelease:
                self._pressed = False
        elif kind == QEvent.Type.Resize and not self.custom:
            self._timer.start()
        return False

    def _measure(self, col: int) -> tuple[int, float]:
        """(width the content needs in px, average characters) over the first rows."""
        model = self.view.model()
        rows = min(model.rowCount(), SAMPLE_ROWS)
        lengths = [len(str(model.index(r, col).data() or "")) for r in range(rows)]
        need = max(self.header.sectionSizeHint(col), self.view.sizeHintForColumn(col))
        return need, (sum(lengths) / len(lengths) if lengths else 0.0)

    def refit(self) -> None:
        self._watch_model()
        model = self.view.model()
        if model is None or self.custom:
            return
        avail = self.view.viewport().width()
        cols = [c for c in range(model.columnCount()) if not self.header.isSectionHidden(c)]
        if avail <= 0 or not cols:
            return
        short: dict[int, int] = {}
        text: dict[int, tuple[int, int]] = {}  # col -> (minimum, wanted)
        for c in cols:
            need, chars = self._measure(c)
            if need > SHORT_MAX or chars >= LONG_CHARS:
                text[c] = (max(self.header.sectionSizeHint(c), TEXT_MIN), max(need, TEXT_MIN))
            else:
                short[c] = need
        free = avail - sum(short.values())
        widths = dict(short)
        if text:
            wanted = sum(w for _m, w in text.values())
            for c, (minimum, want) in text.items():
                share = want / wanted
                widths[c] = max(minimum, int(want + (free - wanted) * share) if free >= wanted else int(free * share))
        elif free > 0:  # nothing to read at length: the last column takes the rest
            widths[cols[-1]] += free
        over = sum(widths.values()) - avail
        if over > 0 and text:  # text minimums overran the view: texts give back first (tooltips show all)
            room = {c: max(0, widths[c] - TEXT_FLOOR) for c in text}
            total = sum(room.values())
            for c in text:
                if total:
                    widths[c] -= min(room[c], -(-over * room[c] // total))
        self._fitting = True
        try:
            for c, w in widths.items():
                self.header.resizeSection(c, w)
        finally:
            self._fitting = False

    # -- the user's choices ------------------------------------------------------------------------
    def _on_resized(self, *_args) -> None:
        if self._pressed and not self._fitting:
            self._save(custom=True)

    def reset(self) -> None:
        self.settings.setValue(f"tables/{self.key}/custom", False)
        self.refit()
        self._save()

    def set_hidden(self, col: int, hidden: bool) -> None:
        visible = [c for c in range(self.header.count()) if not self.header.isSectionHidden(c)]
        if hidden and visible == [col]:
            return  # a table with no column left could not be given one back from its header
        self.header.setSectionHidden(col, hidden)
        self.refit()
        self._save()

    def _menu(self, pos) -> None:
        self.menu = self.build_menu()
        self.menu.popup(self.header.mapToGlobal(pos))

    def build_menu(self) -> QMenu:
        model = self.view.model()
        menu = QMenu(self.header)
        menu.addSection("Columnas visibles")
        for c in range(self.header.count()):
            title = str(model.headerData(c, self.header.orientation()) or f"Columna {c + 1}")
            act = menu.addAction(title.replace("\n", " "))
            act.setCheckable(True)
            act.setChecked(not self.header.isSectionHidden(c))
            act.toggled.connect(lambda on, col=c: self.set_hidden(col, not on))
        menu.addSeparator()
        menu.addAction("Ajustar el ancho de las columnas automáticamente", self.reset)
        return menu


def fit_columns(view: QAbstractItemView, settings, key: str) -> ColumnLayout:
    """Fit `view`'s columns to their content and remember the user's widths under `key`."""
    existing = getattr(view, "column_layout", None)
    if isinstance(existing, ColumnLayout):
        return existing
    layout = ColumnLayout(view, settings, key)
    view.column_layout = layout
    return layout
