"""The mapping page of an import dialog: every source column with the field it goes to.

The page keeps the user's side of the mapping (choices per column, a loaded profile, whether the
remembered mapping applies, the year) and says `changed` when the next preview should use it;
the dialog owns reading the file (`preview_options()` are `preview_import`'s keywords) and hands
each new preview's sheet mappings back through `show_mappings`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rcdesk.errors import UserError
from rcdesk.imports import profiles
from rcdesk.imports.choices import field_choices, file_years, period_kinds, profile_document, sheet_groups
from rcdesk.imports.fields import Catalog
from rcdesk.imports.mapping import SheetMapping, unknown_overrides

from ..models.column_mapping import REMEMBERED, ColumnMappingModel
from ..tasks import show_error


class _FieldCombo(QComboBox):
    """The field editor. A pick from the open list commits at once; arrows or typing on the closed
    combo only move the choice (Enter, Tab or leaving the cell commits), so typing «Progr…» does
    not re-read the workbook at every letter."""

    picked = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._from_popup = False
        self.setMaxVisibleItems(20)
        # a list of ~80 fields must scroll, not cover a 768-pixel screen (styles that open the
        # list over the current item ignore maxVisibleItems)
        self.setStyleSheet("QComboBox { combobox-popup: 0; }")
        self.activated.connect(self._activated)

    def showPopup(self) -> None:
        self._from_popup = True
        super().showPopup()

    def hidePopup(self) -> None:
        super().hidePopup()
        # `activated` follows hidePopup synchronously when an item is picked
        QTimer.singleShot(0, self._popup_gone)

    def _popup_gone(self) -> None:
        self._from_popup = False

    def _activated(self, _index: int) -> None:
        if self._from_popup:
            self._from_popup = False
            self.picked.emit()


class FieldDelegate(QStyledItemDelegate):
    def createEditor(self, parent, option, index):
        combo = _FieldCombo(parent)
        for c in index.data(ColumnMappingModel.ChoicesRole) or []:
            combo.addItem(c.label, c.spec)
        # the cell is narrower than «Presupuesto inicial (asignación / apropiación inicial) 2024»
        view = combo.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + view.verticalScrollBar().sizeHint().width() + 8)
        combo.picked.connect(lambda: self._commit(combo))
        return combo

    def _commit(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QComboBox, index) -> None:
        i = editor.findData(index.data(ColumnMappingModel.SpecRole))
        editor.setCurrentIndex(max(i, 0))

    def setModelData(self, editor: QComboBox, model, index) -> None:
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor, option, index) -> None:
        editor.setGeometry(option.rect)


class MappingTable(QTableView):
    """Rows are columns of the workbook; F2, Enter or typing anywhere on a row edits its «Campo»."""

    def keyPressEvent(self, event) -> None:
        # Enter opens the field list: left to the dialog it would press a button instead
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.state() != QAbstractItemView.State.EditingState
            and self.currentIndex().isValid()
        ):
            self.edit(self.currentIndex(), QAbstractItemView.EditTrigger.EditKeyPressed, event)
            event.accept()
            return
        super().keyPressEvent(event)

    def edit(self, index, trigger=None, event=None):
        if trigger is None:  # the one-argument overload (QTableView.edit(index))
            return super().edit(index)
        model = self.model()
        if (
            index.isValid()
            and index.column() != ColumnMappingModel.COL_FIELD
            and trigger in (QAbstractItemView.EditTrigger.EditKeyPressed, QAbstractItemView.EditTrigger.AnyKeyPressed)
        ):
            index = model.index(index.row(), ColumnMappingModel.COL_FIELD)
            self.setCurrentIndex(index)
        return super().edit(index, trigger, event)


class ColumnMappingPage(QWidget):
    changed = Signal()  # the options for the next preview changed

    def __init__(self, catalog: Catalog, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.settings = settings
        self.overrides: dict[str, str] = {}
        self.profile: dict[str, str] | None = None
        self.profile_name = ""
        self.remembered = True
        self.mappings: list[SheetMapping] = []
        self._groups: list[tuple[str, SheetMapping]] = []
        self._years: list[int] = []
        self._applied = ""  # profile_name of the preview on screen
        self._undo: tuple[str, str | None] | None = None  # the last choice, while it is being read

        self.sheet_label = QLabel("&Hoja:")
        self.sheet_combo = QComboBox()
        self.sheet_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sheet_label.setBuddy(self.sheet_combo)
        self.sheet_combo.currentIndexChanged.connect(self._show_sheet)
        self.year_label = QLabel("Año a i&mportar:")
        self.year_combo = QComboBox()
        self.year_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.year_label.setBuddy(self.year_combo)
        self.year_combo.activated.connect(lambda _i: self.changed.emit())
        self.load_button = QPushButton("Cargar perfi&l…")
        self.load_button.setToolTip("Aplicar un perfil de columnas guardado (archivo JSON)")
        self.load_button.clicked.connect(self.load_profile)
        self.save_button = QPushButton("&Guardar perfil…")
        self.save_button.setToolTip("Guardar esta asignación de columnas para reutilizarla con otros libros")
        self.save_button.clicked.connect(self.save_profile)
        top = QHBoxLayout()
        top.addWidget(self.sheet_label)
        top.addWidget(self.sheet_combo)
        top.addSpacing(12)
        top.addWidget(self.year_label)
        top.addWidget(self.year_combo)
        top.addStretch(1)
        top.addWidget(self.load_button)
        top.addWidget(self.save_button)

        self.note_frame = QFrame()
        self.note_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.note_frame.setStyleSheet("QFrame { background: #E8F1FB; }")
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_button = QPushButton()
        self.note_button.clicked.connect(self._toggle_profile)
        note = QHBoxLayout(self.note_frame)
        note.setContentsMargins(8, 4, 8, 4)
        note.addWidget(self.note_label, 1)
        note.addWidget(self.note_button)
        self.note_frame.hide()

        self.model = ColumnMappingModel(catalog, self)
        self.model.spec_chosen.connect(self._chosen)
        self.table = MappingTable()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(ColumnMappingModel.COL_FIELD, FieldDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        # compact rows: a 24-column plan indicativo should show ~20 rows at 1366×768
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setAccessibleName("Columnas del libro")
        head = self.table.horizontalHeader()
        head.setStretchLastSection(True)
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in (
            (ColumnMappingModel.COL_LETTER, 44),
            (ColumnMappingModel.COL_HEADER, 230),
            (ColumnMappingModel.COL_SAMPLES, 230),
            (ColumnMappingModel.COL_FIELD, 290),
            (ColumnMappingModel.COL_SOURCE, 76),
        ):
            self.table.setColumnWidth(col, width)
        table_label = QLabel(
            "Colum&nas del libro (Intro, F2 o escriba para cambiar el campo; amarillo: "
            "confirme la elección; gris: no se importa):"
        )
        table_label.setBuddy(self.table)
        table_label.setWordWrap(True)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.note_frame)
        lay.addWidget(table_label)
        lay.addWidget(self.table, 1)
        self._set_enabled(False)

    # -- what the next preview uses ----------------------------------------------------------
    def preview_options(self) -> dict:
        return {
            "overrides": dict(self.overrides),
            "profile": self.profile,
            "profile_name": self.profile_name,
            "remembered": self.remembered,
        }

    def has_years(self) -> bool:
        """The file has blocks of several years (the page's year chooser applies)."""
        return len(self._years) > 1

    def selected_year(self) -> int | None:
        return self.year_combo.currentData() if self.has_years() else None

    def reset(self) -> None:
        """A new file: forget the choices made for the previous one."""
        self.overrides.clear()
        self.profile, self.profile_name, self.remembered = None, "", True
        self._years = []
        self.year_combo.clear()
        self.show_mappings([], profile_name="")

    # -- showing a preview -------------------------------------------------------------------
    def show_mappings(self, mappings: list[SheetMapping], *, profile_name: str) -> None:
        self._undo = None
        self.mappings = list(mappings)
        self._applied = profile_name
        current = self.sheet_combo.currentText()
        self._groups = sheet_groups(self.mappings)
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        for label, _sm in self._groups:
            self.sheet_combo.addItem(label)
        i = self.sheet_combo.findText(current)
        self.sheet_combo.setCurrentIndex(max(i, 0))
        self.sheet_combo.blockSignals(False)
        several = len(self._groups) > 1
        self.sheet_label.setVisible(several)
        self.sheet_combo.setVisible(several)
        self._fill_years(file_years(self.mappings))
        self._show_sheet()
        self._show_note()
        self._set_enabled(bool(self.mappings))

    def _fill_years(self, years: list[int]) -> None:
        # a year chosen stays chosen across previews (the set-aside columns still name their year)
        if years != self._years:
            chosen = self.year_combo.currentData()
            self._years = years
            self.year_combo.clear()
            self.year_combo.addItem("Todos los años", None)
            for y in years:
                self.year_combo.addItem(str(y), y)
            i = self.year_combo.findData(chosen)
            self.year_combo.setCurrentIndex(max(i, 0))
        several = len(years) > 1
        self.year_label.setVisible(several)
        self.year_combo.setVisible(several)

    def set_year(self, year: int | None) -> None:
        i = self.year_combo.findData(year)
        if i >= 0:
            self.year_combo.setCurrentIndex(i)

    def _show_sheet(self) -> None:
        i = self.sheet_combo.currentIndex()
        if not self._groups or i < 0:
            self.model.set_decisions([], [])
            return
        sm = self._groups[i][1]
        row = max(self.table.currentIndex().row(), 0)
        self.model.set_decisions(
            sm.decisions, field_choices(self.catalog, kinds=period_kinds(sm), years=file_years(self.mappings))
        )
        if self.model.rowCount():
            self.table.setCurrentIndex(
                self.model.index(min(row, self.model.rowCount() - 1), ColumnMappingModel.COL_FIELD)
            )

    def _show_note(self) -> None:
        if self._applied == REMEMBERED:
            text = "Se aplicó la asignación recordada para estos encabezados."
            button = "Volver a la pr&opuesta"
        elif self._applied and self.profile is not None:
            text = f"Se aplicó el perfil «{self._applied}»."
            missing = unknown_overrides(self.mappings, self.profile)
            if missing:
                names = ", ".join(f"«{h}»" for h in missing[:5]) + ("…" if len(missing) > 5 else "")
                text += f" Este libro no tiene {len(missing)} de sus columnas: {names}."
            button = "Quitar el perfil y volver a la pr&opuesta"
        elif not self.remembered and self.mappings:
            text = "Se muestra la propuesta del importador; no se aplica la asignación recordada."
            button = "Aplicar la asignación rec&ordada"
        else:
            self.note_frame.hide()
            return
        self.note_label.setText(text)
        self.note_button.setText(button)
        self.note_button.show()
        self.note_frame.show()

    def _set_enabled(self, on: bool) -> None:
        for w in (self.table, self.save_button, self.sheet_combo, self.year_combo):
            w.setEnabled(on)

    # -- the user's changes ------------------------------------------------------------------
    def _chosen(self, key: str, spec: str) -> None:
        self._undo = (key, self.overrides.get(key))
        self.overrides[key] = spec
        self.changed.emit()

    def undo_last_choice(self) -> bool:
        """Take back the last choice (the file could not be read with it); True when there was one."""
        if self._undo is None:
            return False
        key, before = self._undo
        self._undo = None
        if before is None:
            self.overrides.pop(key, None)
        else:
            self.overrides[key] = before
        return True

    def _toggle_profile(self) -> None:
        if self._applied == REMEMBERED or self.profile is not None:
            # back to the importer's proposal; the user's own choices on this page stay
            self.profile, self.profile_name, self.remembered = None, "", False
        else:
            self.remembered = True
        self.changed.emit()

    def _dir(self) -> str:
        return str(self.settings.value("imports/profile_dir", "")) if self.settings is not None else ""

    def _remember_dir(self, path: str) -> None:
        if self.settings is not None:
            self.settings.setValue("imports/profile_dir", str(Path(path).parent))

    def load_profile(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Cargar perfil de columnas", self._dir(), "Perfiles de columnas (*.json)"
        )
        if not path:
            return
        try:
            name, columns = profiles.load(path, self.catalog)
        except UserError as exc:
            show_error(self, exc)
            return
        self._remember_dir(path)
        # the profile replaces the choices made here: they would otherwise win over it
        self.overrides.clear()
        self.profile, self.profile_name = columns, name
        self.changed.emit()

    def save_profile(self) -> None:
        if not self.mappings:
            return
        default = str(Path(self._dir()) / "perfil de columnas.json") if self._dir() else "perfil de columnas.json"
        path, _ = QFileDialog.getSaveFileName(
            self, "Guardar perfil de columnas", default, "Perfiles de columnas (*.json)"
        )
        if not path:
            return
        if not path.lower().endswith(".json"):
            path += ".json"
        try:
            profiles.save(path, profile_document(self.catalog.kind, self.mappings, Path(path).stem))
        except UserError as exc:
            show_error(self, exc)
            return
        self._remember_dir(path)
        self.note_label.setText(f"Perfil guardado en «{Path(path).name}».")
        self.note_button.hide()
        self.note_frame.show()
