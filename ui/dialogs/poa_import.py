"""«Importar POA»: choose a workbook, decide what each of its columns is, see what will be
imported and every problem found, then save (all or nothing).

Every change on the «Columnas» page re-reads the workbook with the new choices off the GUI
thread, so the preview always shows what «Importar» will store."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rcdesk.imports.choices import profile_document
from rcdesk.imports.fields import POA as POA_FIELDS
from rcdesk.imports.mapping import ignored_columns, kept_columns

from ..tasks import show_error
from ..widgets.column_mapping import ColumnMappingPage

ERROR_FG = QColor("#C62828")
WARNING_FG = QColor("#8D6E00")
SECTION_BG = QColor("#ECEFF1")


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class PoaImportDialog(QDialog):
    TAB_COLUMNS, TAB_PREVIEW = range(2)

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        from rcdesk.services.poa import PoaService

        self.ctx = ctx
        self.service = PoaService(ctx.db)
        self.preview = None
        self.result = None
        self._path = ""
        self._busy = False  # a preview is being read
        self._again = False  # the choices changed meanwhile: read once more when it is done
        self.setWindowTitle("Importar POA desde Excel")
        # fits 1366×768 with a taskbar; the column table grows with the window
        self.resize(1180, 680)
        self.setMinimumSize(760, 520)
        form = self._build_form()
        self.mapping_page = ColumnMappingPage(POA_FIELDS, ctx.settings)
        self.mapping_page.changed.connect(self.run_preview)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.mapping_page, "1. &Columnas")
        self.tabs.addTab(self._build_preview_page(), "2. Vista &previa")
        self.summary = QLabel("Elija un archivo: se propondrá un campo para cada columna.")
        self.summary.setWordWrap(True)
        cancel = self._build_buttons()
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.summary)
        lay.addWidget(self.buttons)
        self._set_tab_order(cancel)

    def _build_form(self) -> QFormLayout:
        """The file to read and the choices that override the workbook: unit, fiscal year, replace."""
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Libro de Excel (.xlsx) con el POA de una o varias unidades")
        self.browse_button = QPushButton("&Examinar…")
        self.browse_button.clicked.connect(self._browse)
        self.check_button = QPushButton("Re&visar el archivo")
        self.check_button.clicked.connect(self.run_preview)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        file_row.addWidget(self.check_button)
        self.unit_combo = QComboBox()
        self.unit_combo.addItem("Según el libro (columna «Unidad» o nombre de la hoja)", None)
        for u in self.service.unit_places():
            self.unit_combo.addItem(f"{u.name} — {u.canton_name}", u.unit_id)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(0, 2100)
        self.year_spin.setSpecialValueText("Según el libro")
        self.year_spin.setToolTip("Para libros que no dicen su año fiscal")
        self.replace_check = QCheckBox("&Reemplazar el POA existente de la misma unidad y año")
        options = QHBoxLayout()
        options.addWidget(self.unit_combo, 1)
        year_label = QLabel("Año &fiscal:")
        year_label.setBuddy(self.year_spin)
        options.addSpacing(12)
        options.addWidget(year_label)
        options.addWidget(self.year_spin)
        options.addSpacing(12)
        options.addWidget(self.replace_check)
        form = QFormLayout()
        form.addRow("&Archivo:", file_row)
        form.addRow("&Unidad:", options)
        form.labelForField(options).setBuddy(self.unit_combo)
        form.labelForField(file_row).setBuddy(self.path_edit)

        # options that change what is read: the open file is read again at once
        self.replace_check.toggled.connect(self._options_changed)
        self.unit_combo.activated.connect(self._options_changed)
        self.year_spin.editingFinished.connect(self._options_changed)
        return form

    def _build_preview_page(self) -> QWidget:
        """The POA that would be imported, beside the review's errors, questions and warnings."""
        self.poa_model = QStandardItemModel(0, 5, self)
        self.poa_model.setHorizontalHeaderLabels(["Unidad", "Cantón", "Año", "Metas", "Valores (prog. / ejec.)"])
        self.poa_table = QTableView()
        self.poa_table.setModel(self.poa_model)
        self.poa_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.poa_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.poa_table.setTabKeyNavigation(False)
        self.poa_table.setWordWrap(False)
        head = self.poa_table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.poa_table.verticalHeader().hide()
        self.poa_table.setAccessibleName("POA que se importarán")
        self.problems = QListWidget()
        self.problems.setWordWrap(True)
        self.problems.setSpacing(1)
        self.problems.setAccessibleName("Detalle de la revisión")
        split = QSplitter()
        split.addWidget(self.poa_table)
        split.addWidget(self.problems)
        split.setSizes([600, 560])
        preview_page = QWidget()
        pv = QVBoxLayout(preview_page)
        pv.setContentsMargins(0, 4, 0, 0)
        pv.addWidget(
            QLabel(
                "POA que se importarán, y a la derecha: errores (impiden importar), preguntas, "
                "advertencias, unidades nuevas y columnas que no se importan."
            )
        )
        pv.addWidget(split, 1)
        return preview_page

    def _build_buttons(self) -> QPushButton:
        """Import and Cancel; returns Cancel, the last stop of the tab order."""
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("&Importar", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        # Enter reads the file again; importing takes a deliberate click or Alt+I
        self.import_button.setAutoDefault(False)
        self.check_button.setDefault(True)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("Cancelar")
        self.buttons.accepted.connect(self.run_save)
        self.buttons.rejected.connect(self.reject)
        return cancel

    def _set_tab_order(self, cancel: QPushButton) -> None:
        page = self.mapping_page
        order = [
            self.path_edit,
            self.browse_button,
            self.check_button,
            self.unit_combo,
            self.year_spin,
            self.replace_check,
            self.tabs,
            page.sheet_combo,
            page.year_combo,
            page.load_button,
            page.save_button,
            page.note_button,
            page.table,
            self.poa_table,
            self.problems,
            self.import_button,
            cancel,
        ]
        for a, b in zip(order, order[1:]):
            self.setTabOrder(a, b)

    def _browse(self) -> None:
        start = self.ctx.settings.value("poa/import_dir", "")
        path, _ = QFileDialog.getOpenFileName(self, "Elegir el POA", str(start), "Libros de Excel (*.xlsx)")
        if path:
            self.path_edit.setText(path)
            self.ctx.settings.setValue("poa/import_dir", str(Path(path).parent))
            self.run_preview()

    def _options_changed(self, *_args) -> None:
        if self._path and self._path == self.path_edit.text().strip():
            self.run_preview()

    def _year(self) -> int | None:
        if self.mapping_page.has_years():
            return self.mapping_page.selected_year()
        return self.year_spin.value() or None

    def run_preview(self) -> None:
        path = self.path_edit.text().strip()
        if not path:
            self.summary.setText("Elija primero un archivo.")
            return
        if path != self._path:
            # another workbook: the choices made for the previous one do not apply
            self._path = path
            self.mapping_page.reset()
            self.year_spin.setEnabled(True)
            self.tabs.setCurrentIndex(self.TAB_COLUMNS)
        if self._busy:
            self._again = True
            return
        self._busy, self._again = True, False
        self.import_button.setEnabled(False)
        kwargs = dict(
            unit_id=self.unit_combo.currentData(),
            year=self._year(),
            replace=self.replace_check.isChecked(),
            **self.mapping_page.preview_options(),
        )

        def job(progress, cancel):
            progress(0, None, "Leyendo el libro…")
            return self.service.preview_import(Path(path), **kwargs)

        def done(preview) -> None:
            self._busy = False
            if self._again or path != self._path:
                self.run_preview()
                return
            self._show_preview(preview, kwargs["year"])

        def failed(exc: BaseException) -> None:
            self._busy = False
            show_error(self, exc)
            if self.preview is not None and self.mapping_page.undo_last_choice():
                # the choice just made cannot be read: back to the last preview that could
                self.run_preview()
                return
            self.preview = None
            self.summary.setText("No se pudo revisar el archivo; corríjalo o elija otro.")

        def cancelled() -> None:
            self._busy = False
            self.summary.setText("Revisión cancelada.")

        self.ctx.runner.run(
            job, title="Revisando el POA…", parent=self, on_done=done, on_error=failed, on_cancel=cancelled
        )

    def _show_preview(self, preview, year: int | None) -> None:
        self.preview = preview
        self.mapping_page.show_mappings(preview.mappings, profile_name=preview.profile_name)
        self.mapping_page.set_year(year)
        # a file with year blocks is filtered on the «Columnas» page; the fiscal-year box is for
        # workbooks that do not say their year
        self.year_spin.setEnabled(not self.mapping_page.has_years())
        self.poa_model.removeRows(0, self.poa_model.rowCount())
        for p in preview.poas:
            planned = sum(1 for o in p.objectives for m in o.metas for v in m.planned if v is not None)
            executed = sum(1 for o in p.objectives for m in o.metas for v in m.executed if v is not None)
            unit = p.unit_name + (" (nueva)" if p.unit_id is None else "")
            items = [
                QStandardItem(unit),
                QStandardItem(p.canton_name),
                QStandardItem(str(p.fiscal_year)),
                QStandardItem(str(p.meta_count)),
                QStandardItem(f"{planned} / {executed}"),
            ]
            self.poa_model.appendRow(items)
        self._fill_details(preview)
        self.summary.setText(self._summary(preview))
        self.import_button.setEnabled(preview.ok and bool(preview.poas))

    def _section(self, title: str) -> None:
        item = QListWidgetItem(title)
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)
        item.setBackground(QBrush(SECTION_BG))
        self.problems.addItem(item)

    def _add(self, text: str, color: QColor | None = None) -> None:
        item = QListWidgetItem(text)
        if color is not None:
            item.setForeground(QBrush(color))
        self.problems.addItem(item)

    def _fill_details(self, preview) -> None:
        self.problems.clear()
        ignored = ignored_columns(preview.mappings)
        kept = kept_columns(preview.mappings)
        if preview.errors:
            self._section(f"Errores ({len(preview.errors)}): impiden importar")
            for e in preview.errors:
                self._add(f"Error: {e}", ERROR_FG)
        if preview.questions:
            self._section(f"Preguntas ({len(preview.questions)}): confírmelas en «Columnas»")
            for q in preview.questions:
                self._add(f"Pregunta: {q}", WARNING_FG)
        if preview.warnings:
            self._section(f"Advertencias ({len(preview.warnings)})")
            for w in preview.warnings:
                self._add(f"Advertencia: {w}", WARNING_FG)
        if preview.new_units:
            self._section(f"Unidades nuevas ({len(preview.new_units)}): se crean al importar")
            for u in preview.new_units:
                self._add(u)
        if kept:
            self._section(f"Columnas guardadas como otros datos ({len(kept)})")
            for c in kept:
                self._add(f"hoja «{c['sheet']}», {c['column']} «{c['header']}»")
        if ignored:
            self._section(f"Columnas que no se importan ({len(ignored)})")
            for c in ignored:
                reason = f": {c['reason']}" if c["reason"] else ""
                self._add(f"hoja «{c['sheet']}», {c['column']} «{c['header']}»{reason}")

    @staticmethod
    def _summary(preview) -> str:
        if not preview.ok:
            first = html.escape(preview.errors[0])
            more = " (los demás, en «Vista previa»)" if len(preview.errors) > 1 else ""
            return (
                f"<b>{_n(len(preview.errors), 'error impide', 'errores impiden')} importar; no se guardará "
                f"nada.</b> {first}{more}"
            )
        values = preview.values_count
        units = {p.unit_name for p in preview.poas}
        ignored = len(ignored_columns(preview.mappings))
        kept = len(kept_columns(preview.mappings))
        new = f" ({len(preview.new_units)} nuevas)" if preview.new_units else ""
        parts = [
            f"Se importarán {_n(len(preview.poas), 'POA', 'POA')} de {_n(len(units), 'unidad', 'unidades')}{new} "
            f"con {_n(preview.meta_count, 'meta', 'metas')}, {values['planned']} valores programados y "
            f"{values['executed']} ejecutados.",
            f"Columnas: {ignored} sin importar, {kept} como otros datos.",
        ]
        if preview.questions:
            parts.append(f"{_n(len(preview.questions), 'pregunta', 'preguntas')} por confirmar (filas en amarillo).")
        if preview.warnings:
            parts.append(f"{_n(len(preview.warnings), 'advertencia', 'advertencias')}.")
        return " ".join(parts)

    def run_save(self) -> None:
        if self.preview is None or not self.preview.ok or self._busy:
            return
        preview = self.preview

        from rcdesk.services.import_mappings import ImportMappings

        def job(progress, cancel):
            result = self.service.save_import(preview, progress=progress, cancel=cancel, remember=False)
            if preview.mappings:
                # remembered as a profile file would be: the block a year chooser set aside keeps
                # its field, so importing the other year next time needs no new choices
                ImportMappings(self.ctx.db).remember(
                    "poa", preview.signature, profile_document("poa", preview.mappings, preview.source_name)
                )
            return result

        def done(result) -> None:
            self.result = result
            self.accept()

        self.ctx.runner.run(
            job, title="Importando el POA…", parent=self, on_done=done, on_error=lambda exc, *a: show_error(self, exc)
        )
