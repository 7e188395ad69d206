"""A territory picker: a search box over a tree grouped by province (Ecuador) or department
(Colombia), matched without accents or capitals, by name or code.

A flat list of a hundred cantons and parishes (with a municipality of the other country mixed
in) cannot be scanned; a tree under the province, filtered as the user types, can. Used with
check boxes by the first-start assistant, for one choice by «Nuevo evento», and in one line with
«Cambiar…» (`TerritoryField`) by the event's data, the entity's profile and its units, where the
province itself may be the answer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rcdesk.text import fold

TOP_LEVELS = ("PROVINCIA", "DEPARTAMENTO")
ID_ROLE = Qt.ItemDataRole.UserRole
NO_GROUP = "Sin provincia o departamento"


class TerritoryPicker(QWidget):
    """`set_territories(rows)` fills it; `current_id()`/`set_current()` or `checked_ids()` read it.

    `levels` limits what is listed (None: everything below the province or department); a row whose
    parent is listed hangs under it (a parish under its canton), the rest under its province. When
    `levels` names PROVINCIA or DEPARTAMENTO, those headings can be chosen too (an entity's territory
    may be its whole province); otherwise they only group.
    """

    chosen = Signal(object)  # the territory id picked (None for «sin territorio»)

    def __init__(
        self,
        *,
        checkable: bool = False,
        levels: tuple[str, ...] | None = None,
        none_text: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.checkable = checkable
        self.levels = levels
        self.none_text = none_text
        self._expand_all = False
        self.search = QLineEdit()
        self.search.setPlaceholderText("Buscar por nombre o código…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Buscar territorio")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Territorio", "Código"])
        self.tree.setColumnWidth(0, 360)
        self.tree.setAccessibleName("Territorios")
        self.tree.setUniformRowHeights(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.search)
        lay.addWidget(self.tree, 1)
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self._pick_first_shown)
        self.tree.currentItemChanged.connect(lambda cur, _prev: self.chosen.emit(self._id_of(cur)))

    # -- filling ---------------------------------------------------------------------------------
    def set_territories(self, rows: list) -> int:
        """List `rows` (TerritoryRow-like: territory_id, level, code, name, parent_id); returns how
        many can be chosen."""
        keep = self.current_id()
        self.tree.clear()
        tops = {r.territory_id: r for r in rows if r.level in TOP_LEVELS}
        listed = [r for r in rows if r.level not in TOP_LEVELS and (self.levels is None or r.level in self.levels)]
        choosable = {t.territory_id for t in tops.values() if self.levels is not None and t.level in self.levels}
        by_id = {r.territory_id: r for r in listed}
        if self.none_text:
            self.tree.addTopLevelItem(self._leaf(None, self.none_text, ""))
        groups: dict[str, QTreeWidgetItem] = {}
        items: dict[str, QTreeWidgetItem] = {}

        def group_of(r) -> QTreeWidgetItem:
            # the province or department above r, however many levels up
            seen, pid = set(), r.parent_id
            while pid in by_id and pid not in seen:
                seen.add(pid)
                pid = by_id[pid].parent_id
            return heading(pid or "")

        def heading(key: str) -> QTreeWidgetItem:
            if key not in groups:
                top = tops.get(key)
                if top is not None and key in choosable:
                    g = self._leaf(top.territory_id, top.name, top.code or "")
                else:
                    g = QTreeWidgetItem([top.name if top else NO_GROUP, top.code if top else ""])
                    g.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: not chosen, not checked
                f = g.font(0)
                f.setBold(True)
                g.setFont(0, f)
                groups[key] = g
            return groups[key]

        for key in choosable:  # a province with nothing listed under it is still an answer
            heading(key)

        for r in sorted(listed, key=lambda r: (r.code or "", fold(r.name))):
            items[r.territory_id] = self._leaf(r.territory_id, r.name, r.code or "")
        for r in sorted(listed, key=lambda r: (r.code or "", fold(r.name))):
            parent = items.get(r.parent_id or "") or group_of(r)
            parent.addChild(items[r.territory_id])
        for key in sorted(groups, key=lambda k: fold(groups[k].text(0))):
            self.tree.addTopLevelItem(groups[key])
            groups[key].setExpanded(True)
        self._expand_all = all(i.childCount() == 0 for i in items.values())
        if self._expand_all:
            self.tree.expandAll()
        self.filter(self.search.text())
        if keep:
            self.set_current(keep)
        return len(items) + len(choosable)

    def _leaf(self, territory_id: str | None, name: str, code: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([name, code])
        item.setData(0, ID_ROLE, territory_id)
        if self.checkable:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Unchecked)
        else:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        return item

    # -- searching -------------------------------------------------------------------------------
    def filter(self, text: str) -> None:
        key = fold(text.strip())
        for i in range(self.tree.topLevelItemCount()):
            self._show(self.tree.topLevelItem(i), key, False)

    def _show(self, item: QTreeWidgetItem, key: str, ancestor_hit: bool) -> bool:
        own = not key or key in fold(item.text(0)) or key in item.text(1)
        if item.data(0, ID_ROLE) is None and item.childCount() == 0 and key:
            own = False  # «sin territorio» is not an answer to a search
        below = False
        for j in range(item.childCount()):
            below |= self._show(item.child(j), key, ancestor_hit or (own and bool(key)))
        shown = own or below or ancestor_hit
        item.setHidden(not shown)
        if key:
            item.setExpanded(below)
        elif item.childCount():
            item.setExpanded(self._expand_all or item.parent() is None)
        return shown

    def _pick_first_shown(self) -> None:
        """Enter in the search box takes the first match (the search already narrowed the list).

        A choosable province is on screen above every canton that matched, so the first territory
        whose own name or code matches wins over one shown only for what it holds."""
        key = fold(self.search.text().strip())
        shown = [i for i in self._leaves() if self._visible(i) and i.data(0, ID_ROLE) is not None]
        matched = [i for i in shown if not key or key in fold(i.text(0)) or key in i.text(1)]
        for item in matched[:1] or shown[:1]:
            if self.checkable:
                item.setCheckState(0, Qt.CheckState.Checked)
            else:
                self.tree.setCurrentItem(item)
            self.tree.setFocus()

    # -- reading ---------------------------------------------------------------------------------
    def _leaves(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []

        def walk(item: QTreeWidgetItem) -> None:
            if item.flags() & (Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable):
                out.append(item)
            for j in range(item.childCount()):
                walk(item.child(j))

        for i in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(i))
        return out

    def item_for(self, territory_id: str | None) -> QTreeWidgetItem | None:
        return next((i for i in self._leaves() if i.data(0, ID_ROLE) == territory_id), None)

    @staticmethod
    def _visible(item: QTreeWidgetItem) -> bool:
        while item is not None:
            if item.isHidden():
                return False
            item = item.parent()
        return True

    def shown_names(self) -> list[str]:
        """The territories the search leaves on screen."""
        return [i.text(0) for i in self._leaves() if i.data(0, ID_ROLE) is not None and self._visible(i)]

    def names(self) -> list[str]:
        """Every territory that can be chosen, in the order listed (for tests and screen readers)."""
        return [i.text(0) for i in self._leaves() if i.data(0, ID_ROLE) is not None]

    @staticmethod
    def _id_of(item: QTreeWidgetItem | None) -> str | None:
        return item.data(0, ID_ROLE) if item is not None else None

    def current_id(self) -> str | None:
        item = self.tree.currentItem()
        return self._id_of(item) if item is not None and item.isSelected() else None

    def current_name(self) -> str:
        item = self.tree.currentItem()
        return item.text(0) if item is not None and self._id_of(item) else ""

    def set_current(self, territory_id: str | None) -> None:
        item = self.item_for(territory_id)
        if item is None:
            self.tree.setCurrentItem(None)
            return
        parent = item.parent()
        while parent is not None:
            parent.setExpanded(True)
            parent = parent.parent()
        self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)

    def checked_ids(self) -> list[str]:
        return [
            i.data(0, ID_ROLE)
            for i in self._leaves()
            if i.data(0, ID_ROLE) and i.checkState(0) == Qt.CheckState.Checked
        ]


class TerritoryField(QWidget):
    """One territory in a form: the choice in a line and «Cambiar…», which opens the searchable picker.

    A form has no room for a tree, and a flat dropdown of a hundred cantons and parishes cannot be
    scanned; this keeps one line and searches in a small window. `currentData()` reads it like the
    combo it replaces. `levels` is the picker's: name PROVINCIA/DEPARTAMENTO to let the province be chosen.
    """

    chosen = Signal(object)

    def __init__(self, *, levels: tuple[str, ...] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.levels = levels
        self._rows: list = []
        self._id: str | None = None
        self.line = QLineEdit()
        self.line.setReadOnly(True)
        self.line.setPlaceholderText("(sin territorio)")
        self.line.setAccessibleName("Territorio elegido")
        self.button = QPushButton("Cam&biar…")
        self.button.setToolTip("Buscar el territorio por nombre o código, agrupado por provincia o departamento")
        self.button.clicked.connect(self.choose)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.line, 1)
        lay.addWidget(self.button)
        self.setFocusProxy(self.button)
        self.dialog: QDialog | None = None

    def set_territories(self, rows: list) -> None:
        self._rows = list(rows)
        self._show_name()

    def current_id(self) -> str | None:
        return self._id

    currentData = current_id  # the QComboBox spelling the forms used

    def set_current(self, territory_id: str | None) -> None:
        known = {r.territory_id for r in self._rows}
        self._id = territory_id if territory_id in known else None
        self._show_name()

    def _show_name(self) -> None:
        row = next((r for r in self._rows if r.territory_id == self._id), None)
        self.line.setText(f"{row.name} ({row.code})" if row is not None else "")

    def picker_dialog(self) -> QDialog:
        """The window «Cambiar…» opens (built each time: the territories may have changed)."""
        dlg = QDialog(self)
        dlg.setWindowTitle("Elegir territorio")
        picker = TerritoryPicker(levels=self.levels, none_text="(sin territorio)", parent=dlg)
        picker.set_territories(self._rows)
        picker.set_current(self._id)
        if self.levels is not None and any(level in TOP_LEVELS for level in self.levels):
            picker.search.setPlaceholderText("Buscar territorio por nombre o código…")
        else:
            picker.search.setPlaceholderText("Buscar cantón o parroquia por nombre o código…")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dlg)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Elegir")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancelar")
        buttons.accepted.connect(dlg.accept)
        buttons.rejected.connect(dlg.reject)
        picker.tree.itemActivated.connect(lambda *_: dlg.accept())
        lay = QVBoxLayout(dlg)
        lay.addWidget(picker, 1)
        lay.addWidget(buttons)
        dlg.resize(520, 480)
        dlg.picker = picker
        picker.search.setFocus()
        return dlg

    def choose(self) -> None:
        self.dialog = dlg = self.picker_dialog()
        if dlg.exec():
            self.accept_choice(dlg.picker.current_id())

    def accept_choice(self, territory_id: str | None) -> None:
        self._id = territory_id
        self._show_name()
        self.chosen.emit(territory_id)
