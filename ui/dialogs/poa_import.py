"""«Importar POA»: choose a workbook, see what will be imported and every problem found,
then save (all or nothing). Reading and saving run through the task runner."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
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
    QTableView,
    QVBoxLayout,
)

from rcdesk.services.changes import Changes
from ui.tasks import show_error


class PoaImportDialog(QDialog):
    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        from rcdesk.services.poa import PoaService

        self.ctx = ctx
        self.service = PoaService(ctx.db)
        self.preview = None
        self.result = None
        self.setWindowTitle("Importar POA desde Excel")
        self.resize(900, 600)

        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Libro de Excel (.xlsx) con el POA de una o varias unidades")
        self.browse_button = QPushButton("&Examinar…")
        self.browse_button.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        self.unit_combo = QComboBox()
        self.unit_combo.addItem("Según el libro (columna «Unidad» o nombre de la hoja)", None)
        for u in self.service.unit_places():
            self.unit_combo.addItem(f"{u.name} — {u.canton_name}", u.unit_id)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(0, 2100)
        self.year_spin.setSpecialValueText("Según el libro")
        self.replace_check = QCheckBox("&Reemplazar el POA existente de la misma unidad y año")
        self.check_button = QPushButton("&Revisar el archivo")
        self.check_button.clicked.connect(self.run_preview)
        form = QFormLayout()
        form.addRow("&Archivo:", row)
        form.addRow("&Unidad:", self.unit_combo)
        form.addRow("Año &fiscal:", self.year_spin)
        form.addRow("", self.replace_check)

        self.summary = QLabel("Elija un archivo y pulse «Revisar el archivo».")
        self.summary.setWordWrap(True)
        self.poa_model = QStandardItemModel(0, 4, self)
        self.poa_model.setHorizontalHeaderLabels(["Unidad", "Cantón", "Año", "Metas"])
        self.poa_table = QTableView()
        self.poa_table.setModel(self.poa_model)
        self.poa_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.poa_table.verticalHeader().hide()
        self.problems = QListWidget()
        self.problems.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("&Importar", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.run_save)
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.summary)
        lay.addWidget(self.poa_table, 2)
        lay.addWidget(QLabel("Problemas encontrados (los errores impiden importar; las advertencias no):"))
        lay.addWidget(self.problems, 2)
        lay.addWidget(self.buttons)

    def _browse(self) -> None:
        start = self.ctx.settings.value("poa/import_dir", "")
        path, _ = QFileDialog.getOpenFileName(self, "Elegir el POA", str(start), "Libros de Excel (*.xlsx)")
        if path:
            self.path_edit.setText(path)
            self.ctx.settings.setValue("poa/import_dir", str(Path(path).parent))
            self.run_preview()

    def run_preview(self) -> None:
        path = self.path_edit.text().strip()
        if not path:
            self.summary.setText("Elija primero un archivo.")
            return
        unit_id = self.unit_combo.currentData()
        year = self.year_spin.value() or None
        replace = self.replace_check.isChecked()

        def job(progress, cancel):  # noqa: ANN001, ANN202
            progress(0, None, "Leyendo el libro…")
            return self.service.preview_import(Path(path), unit_id=unit_id, year=year, replace=replace)

        self.ctx.runner.run(job, title="Revisando el POA…", parent=self, on_done=self._show_preview,
                            on_error=lambda exc, *a: show_error(self, exc))

    def _show_preview(self, preview) -> None:  # noqa: ANN001
        self.preview = preview
        self.poa_model.removeRows(0, self.poa_model.rowCount())
        for p in preview.poas:
            items = [QStandardItem(p.unit_name), QStandardItem(p.canton_name), QStandardItem(str(p.fiscal_year)),
                     QStandardItem(str(p.meta_count))]
            for it in items:
                it.setEditable(False)
            self.poa_model.appendRow(items)
        self.problems.clear()
        for e in preview.errors:
            item = QListWidgetItem(f"Error: {e}")
            item.setForeground(QBrush(QColor("#C62828")))
            self.problems.addItem(item)
        for w in preview.warnings:
            item = QListWidgetItem(f"Advertencia: {w}")
            item.setForeground(QBrush(QColor("#8D6E00")))
            self.problems.addItem(item)
        if preview.ok:
            links = sum(len(m.links) for p in preview.poas for o in p.objectives for m in o.metas)
            link_text = f", {links} enlace(s) a medios de verificación" if links else ""
            self.summary.setText(f"Se importarán {len(preview.poas)} POA con {preview.meta_count} metas{link_text} "
                                 f"({len(preview.warnings)} advertencia(s)).")
        else:
            self.summary.setText(f"<b>El archivo tiene {len(preview.errors)} error(es); corrija el libro y "
                                 "revíselo de nuevo. No se guardará nada.</b>")
        self.import_button.setEnabled(preview.ok and bool(preview.poas))
        if preview.ok:
            self.import_button.setFocus()

    def run_save(self) -> None:
        if self.preview is None or not self.preview.ok:
            return
        preview = self.preview

        def job(progress, cancel):  # noqa: ANN001, ANN202
            return self.service.save_import(preview, progress=progress, cancel=cancel)

        def done(result) -> None:  # noqa: ANN001
            self.result = result
            self.ctx.changed(Changes(poa=True), self)
            self.accept()

        self.ctx.runner.run(job, title="Importando el POA…", parent=self, on_done=done,
                            on_error=lambda exc, *a: show_error(self, exc))
