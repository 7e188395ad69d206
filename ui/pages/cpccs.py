"""«Informe CPCCS»: the state of every section of the year's report, what each one computes, a
simple form for what the user fills in, and the exports (workbook and PDF draft)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..formatting import number
from ..shell import PageSpec
from ..widgets.table_menu import install_table_menu

STATE_COLORS = {"completa": "#C8E6C9", "incompleta": "#FFE0B2", "no_aplica": "#E0E0E0"}


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return number(v)
    return str(v)


class CpccsPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from rcdesk.services.cpccs import CpccsService

        self.ctx = ctx
        self.svc = CpccsService(ctx.db)
        self.report = None
        self.last_import = None  # the result of the last «Importar libro llenado…»
        self.editors: dict = {}
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        year_label = QLabel("&Año del informe:")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(self._default_year())
        year_label.setBuddy(self.year)
        self.year.valueChanged.connect(lambda _v: self.reload())
        top.addWidget(year_label)
        top.addWidget(self.year)
        self.summary = QLabel()
        top.addWidget(self.summary, 1)
        self.xlsx_button = QPushButton("Exportar &libro (.xlsx)…")
        self.xlsx_button.clicked.connect(lambda: self.export(".xlsx"))
        self.pdf_button = QPushButton("&Borrador del informe (PDF)…")
        self.pdf_button.clicked.connect(lambda: self.export(".pdf"))
        self.import_button = QPushButton("&Importar libro llenado…")
        self.import_button.setToolTip(
            "Cargar las respuestas escritas en las celdas amarillas de un libro exportado y llenado en Excel"
        )
        self.import_button.clicked.connect(self.import_workbook)
        top.addWidget(self.xlsx_button)
        top.addWidget(self.pdf_button)
        top.addWidget(self.import_button)
        lay.addLayout(top)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.sections = QListWidget()
        self.sections.setWordWrap(True)
        self.sections.setAccessibleName("Secciones del informe")
        self.sections.currentRowChanged.connect(self._show_section)
        split.addWidget(self.sections)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold; font-size: 11pt;")
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        # shown with «Contratación pública» only: fills it from the procurement system's export
        self.procurement_button = QPushButton("Importar procesos de &contratación…")
        self.procurement_button.setToolTip(
            "Contar los procesos adjudicados y finalizados del año por tipo de contratación desde la lista "
            "exportada del sistema de compras públicas (SERCOP / SECOP): .xlsx, .xls, .ods o .csv"
        )
        self.procurement_button.clicked.connect(lambda: self.import_procurement())
        self.procurement_button.hide()
        self.procurement_box: QMessageBox | None = None
        head.addWidget(self.procurement_button)
        rl.addLayout(head)
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.missing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rl.addWidget(self.missing)
        self.tabs = QTabWidget()
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setWordWrap(True)
        # what the report will say: figures and public records, no personal data, so it can be exported
        install_table_menu(self.preview, export=("informe CPCCS", ctx.settings))
        self.tabs.addTab(self.preview, "Datos del informe")
        self.form_area = QScrollArea()
        self.form_area.setWidgetResizable(True)
        self.tabs.addTab(self.form_area, "Completar")
        rl.addWidget(self.tabs, 1)
        split.addWidget(right)
        split.setSizes([340, 980])
        lay.addWidget(split, 1)
        ctx.events.data_changed.connect(lambda *_a: self.reload())
        self.reload()

    def _default_year(self) -> int:
        from rcdesk.services.poa import PoaService

        years = PoaService(self.ctx.db).years()
        return years[0] if years else date.today().year - 1

    # -- reading -------------------------------------------------------------------------------
    def reload(self) -> None:
        from rcdesk.errors import UserError

        row = max(self.sections.currentRow(), 0)
        try:
            self.report = self.svc.report(self.year.value())
        except UserError as exc:
            self.report = None
            self.sections.clear()
            self.summary.setText(str(exc))
            return
        self.sections.blockSignals(True)
        self.sections.clear()
        for i, s in enumerate(self.report.sections, start=1):
            item = QListWidgetItem(f"{i}. {s.title.rstrip(':').capitalize()}\n     {s.state_label}")
            item.setBackground(QBrush(QColor(STATE_COLORS[s.state])))
            item.setToolTip("\n".join(s.missing) or s.state_label)
            self.sections.addItem(item)
        self.sections.blockSignals(False)
        done = sum(1 for s in self.report.sections if s.state != "incompleta")
        self.summary.setText(
            f"  {self.report.institution.name}: {done} de {len(self.report.sections)} secciones "
            "completas o que no aplican."
        )
        self.sections.setCurrentRow(min(row, self.sections.count() - 1))
        self._show_section(self.sections.currentRow())

    def _show_section(self, row: int) -> None:
        if self.report is None or row < 0:
            return
        view = self.report.sections[row]
        self.title.setText(view.title)
        self.procurement_button.setVisible(view.key == "contratacion")
        text = f"<b>{view.state_label}</b>"
        if view.missing:
            text += ": " + "; ".join(_esc(m) for m in view.missing)
        self.missing.setText(text)
        self._fill_preview(view)
        self._build_form(view)

    def _fill_preview(self, view) -> None:
        t = self.preview
        t.table_menu.export = (
            f"informe CPCCS {self.year.value()} sección {self.sections.currentRow() + 1}",
            self.ctx.settings,
        )
        facts = list(view.facts)
        headers = list(view.headers) or ["Dato", "Valor"]
        t.clear()
        t.setColumnCount(max(len(headers), 2))
        t.setRowCount(len(facts) + len(view.rows))
        t.setHorizontalHeaderLabels(headers)
        for r, (k, v) in enumerate(facts):
            t.setItem(r, 0, QTableWidgetItem(str(k)))
            t.setItem(r, 1, QTableWidgetItem(_text(v)))
        for r, values in enumerate(view.rows, start=len(facts)):
            for c, v in enumerate(values):
                t.setItem(r, c, QTableWidgetItem(_text(v)))
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for c in range(t.columnCount()):
            t.setColumnWidth(c, 260 if c == 0 and facts else 150)
        _wrap_header(t)
        t.resizeRowsToContents()

    # -- the form of a section -----------------------------------------------------------------
    def _build_form(self, view) -> None:
        from rcdesk.services import cpccs_schema as schema

        sec = schema.BY_KEY[view.key]
        box = QWidget()
        lay = QVBoxLayout(box)
        self.editors = {"section": sec}
        if sec.note:
            note = QLabel(sec.note)
            note.setWordWrap(True)
            note.setStyleSheet("color: #455A64;")
            lay.addWidget(note)
        form = view.form or {}
        self.na = QCheckBox("Esta sección &no aplica a la institución este año")
        self.na.setChecked(bool(form.get("no_aplica")))
        lay.addWidget(self.na)
        # «presupuesto» is declared a fields section without fields: its editor is the budget lines' table below
        if sec.layout == "fields" and sec.key != "presupuesto":
            self._form_fields(lay, sec.fields, form)
        elif sec.layout in ("grid", "table"):
            if sec.extra:
                self._form_fields(lay, sec.extra, form)
            self._form_table(lay, sec, form)
        elif sec.key == "presupuesto":
            self._form_budget(lay, form)
        else:
            lay.addWidget(
                QLabel(
                    "Esta sección se calcula de los datos de rcdesk: revise la pestaña «Datos del "
                    "informe»; corrija los datos de origen (POA, eventos, compromisos) si algo falta."
                )
            )
        save = QPushButton("&Guardar sección")
        save.clicked.connect(self.save)
        self.save_button = save
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(save)
        lay.addLayout(row)
        lay.addStretch(0)
        self.form_area.setWidget(box)

    def _form_fields(self, lay: QVBoxLayout, fields, form: dict) -> None:
        """One editor per field in a form layout, each registered in `self.editors` under its key."""
        fl = QFormLayout()
        for f in fields:
            w = self._editor(f, form.get(f.key))
            fl.addRow(f.label, w)
            self.editors[f.key] = (f, w)
        lay.addLayout(fl)

    def _form_table(self, lay: QVBoxLayout, sec, form: dict) -> None:
        """A grid section's fixed rows, or a table section's free rows with add and remove buttons."""
        rows = sec.rows if sec.layout == "grid" else [(str(i), "") for i in range(len(form.get("filas", [])))]
        t = QTableWidget(len(rows), len(sec.fields) + (1 if sec.layout == "grid" else 0))
        heads = ([sec.row_header] if sec.layout == "grid" else []) + [f.label for f in sec.fields]
        t.setHorizontalHeaderLabels(heads)
        t.setWordWrap(True)
        self.editors["table"] = t
        remove_row = [("&Quitar fila", lambda: t.removeRow(t.currentRow()))] if sec.layout == "table" else []
        install_table_menu(t, remove_row)
        for r, (rk, label) in enumerate(rows):
            values = form.get(rk, {}) if sec.layout == "grid" else form["filas"][r]
            self._fill_row(t, r, sec, label, values)
        for c in range(t.columnCount()):
            t.setColumnWidth(c, 320 if c == 0 and sec.layout == "grid" else 170)
        _wrap_header(t)
        lay.addWidget(t, 1)
        if sec.layout == "table":
            lay.addLayout(self._row_buttons(t, sec))

    def _row_buttons(self, t: QTableWidget, sec) -> QHBoxLayout:
        buttons = QHBoxLayout()
        add = QPushButton("&Agregar fila")
        add.clicked.connect(lambda: self._add_row(t, sec))
        remove = QPushButton("&Quitar fila")
        remove.clicked.connect(lambda: t.removeRow(t.currentRow()) if t.currentRow() >= 0 else None)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        return buttons

    def _form_budget(self, lay: QVBoxLayout, form: dict) -> None:
        """The year's budget lines, read-only, each with a classification to choose."""
        lines = self.svc.budget_lines(self.year.value())
        t = QTableWidget(len(lines), 4)
        t.setHorizontalHeaderLabels(["Línea presupuestaria (meta)", "Unidad", "Codificado", "Clasificación"])
        self.editors["lines"] = (t, lines)
        install_table_menu(t)
        chosen = form.get("clasificacion", {})
        for r, line in enumerate(lines):
            for c, v in enumerate((line.label, line.unit, _text(line.codificado))):
                item = QTableWidgetItem(v)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                t.setItem(r, c, item)
            t.setCellWidget(r, 3, self._budget_class_combo(line, chosen.get(line.meta_id, "")))
        for c, w in enumerate((420, 260, 110, 230)):
            t.setColumnWidth(c, w)
        lay.addWidget(t, 1)

    def _budget_class_combo(self, line, chosen: str) -> QComboBox:
        from rcdesk.services import cpccs_schema as schema

        combo = QComboBox()
        combo.addItem(
            "(sin clasificar)" if not line.klass else f"(por la partida: {schema.BUDGET_CLASSES[line.klass]})",
            "",
        )
        for k, v in schema.BUDGET_CLASSES.items():
            combo.addItem(v, k)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        return combo

    def _editor(self, f, value) -> QWidget:
        if f.kind in ("choice", "yesno"):
            combo = QComboBox()
            combo.addItem("", "")
            for c in f.choices if f.kind == "choice" else ("SI", "NO"):
                combo.addItem(c, c)
            combo.setCurrentIndex(max(combo.findData(value or ""), 0))
            combo.setAccessibleName(f.label)
            return combo
        edit = QLineEdit(_text(value) if not isinstance(value, float) else str(value))
        edit.setAccessibleName(f.label)
        if f.kind == "link":
            edit.setPlaceholderText("https://…")
        elif f.kind == "date":
            edit.setPlaceholderText("dd/mm/aaaa")
        return edit

    def _fill_row(self, t: QTableWidget, r: int, sec, label: str, values: dict) -> None:
        offset = 0
        if sec.layout == "grid":
            item = QTableWidgetItem(label)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            t.setItem(r, 0, item)
            offset = 1
        for c, f in enumerate(sec.fields, start=offset):
            v = values.get(f.key)
            if f.kind in ("choice", "yesno"):
                t.setCellWidget(r, c, self._editor(f, v))
            else:
                t.setItem(r, c, QTableWidgetItem("" if v is None else str(v)))

    def _add_row(self, t: QTableWidget, sec) -> None:
        t.insertRow(t.rowCount())
        self._fill_row(t, t.rowCount() - 1, sec, "", {})

    @staticmethod
    def _value(w: QWidget | None, item: QTableWidgetItem | None = None) -> str:
        if isinstance(w, QComboBox):
            return w.currentData() or ""
        if isinstance(w, QLineEdit):
            return w.text()
        return item.text() if item is not None else ""

    def collect(self) -> dict:
        """The section's answers as typed (validated by the service when saved)."""
        sec = self.editors["section"]
        data: dict = {"no_aplica": "SI" if self.na.isChecked() else ""}
        if sec.layout == "fields" and sec.key != "presupuesto":
            for f in sec.fields:
                data[f.key] = self._value(self.editors[f.key][1])
        elif sec.layout in ("grid", "table"):
            for f in sec.extra:
                data[f.key] = self._value(self.editors[f.key][1])
            t = self.editors["table"]
            offset = 1 if sec.layout == "grid" else 0
            rows = []
            for r in range(t.rowCount()):
                rows.append(
                    {
                        f.key: self._value(t.cellWidget(r, c), t.item(r, c))
                        for c, f in enumerate(sec.fields, start=offset)
                    }
                )
            if sec.layout == "grid":
                data.update({rk: row for (rk, _l), row in zip(sec.rows, rows)})
            else:
                data["filas"] = [row for row in rows if any(v.strip() for v in row.values())]
        elif sec.key == "presupuesto":
            t, lines = self.editors["lines"]
            data["clasificacion"] = {
                line.meta_id: t.cellWidget(r, 3).currentData() or "" for r, line in enumerate(lines)
            }
        return data

    def save(self) -> None:
        sec = self.editors["section"]
        year = self.year.value()
        data = self.collect()
        self.ctx.runner.write(
            lambda: self.svc.save_form(year, sec.key, data), parent=self, on_done=lambda _r: self._saved(sec.title)
        )

    def _saved(self, title: str) -> None:
        self.reload()
        self.ctx.events.status_message.emit(f"Sección «{title.rstrip(':')}» guardada.")

    # -- exports -------------------------------------------------------------------------------
    def export(self, ext: str) -> None:
        from ..tasks import show_error

        year = self.year.value()
        kind = "Libros de Excel (*.xlsx)" if ext == ".xlsx" else "Documentos PDF (*.pdf)"
        name = f"Informe CPCCS {year}{ext}" if ext == ".xlsx" else f"Borrador informe CPCCS {year}{ext}"
        path, _ = QFileDialog.getSaveFileName(self, "Guardar el informe CPCCS", name, kind)
        if not path:
            return
        if not path.lower().endswith(ext):
            path += ext
        from rcdesk.services.cpccs_export import export_report

        self.ctx.runner.run(
            lambda progress, cancel: export_report(self.ctx.db, year, Path(path), progress=progress, cancel=cancel),
            title="Escribiendo el informe CPCCS…",
            parent=self,
            on_done=lambda res: self.ctx.events.status_message.emit(
                f"Informe CPCCS guardado en {res['out']} ({res['incompleta']} secciones incompletas)"
            ),
            on_error=lambda exc: show_error(self, exc),
        )

    def import_workbook(self) -> None:
        """Read back a workbook exported here and filled in Excel/LibreOffice (its yellow cells)."""
        year = self.year.value()
        path, _ = QFileDialog.getOpenFileName(
            self, f"Importar el libro del informe CPCCS {year} llenado", "", "Libros de Excel (*.xlsx)"
        )
        if not path:
            return
        from rcdesk.services.cpccs_import import import_workbook

        self.ctx.runner.write(
            lambda: import_workbook(self.ctx.db, Path(path), year),
            parent=self,
            title="Importando el libro del informe CPCCS…",
            on_done=self._imported,
        )

    def _imported(self, res) -> None:
        self.reload()
        self.last_import = res
        box = QMessageBox(self)
        box.setWindowTitle("Libro del informe CPCCS importado")
        box.setIcon(QMessageBox.Icon.Warning if res.not_imported else QMessageBox.Icon.Information)
        text = f"{len(res.changes)} respuesta(s) guardada(s) en {len(res.forms)} sección(es)."
        if res.not_imported:
            text += (
                f"\n{len(res.not_imported)} celda(s) no se importaron (datos que calcula rcdesk, hojas o "
                "textos desconocidos): vea el detalle."
            )
        box.setText(text)
        box.setDetailedText(res.summary())
        self.ctx.events.status_message.emit(text.split("\n")[0])
        box.open()

    def import_procurement(self, path: str | None = None) -> None:
        """Read the procurement list, show what «Contratación pública» would hold, and store it on «Guardar»."""
        from ..tasks import show_error

        year = self.year.value()
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self,
                f"Lista de procesos de contratación {year}",
                "",
                "Listas de procesos (*.xlsx *.xls *.ods *.csv);;Todos los archivos (*)",
            )
        if not path:
            return
        from rcdesk.services.cpccs_procurement import read_processes

        chosen = Path(path)
        self.ctx.runner.run(
            lambda progress, cancel: read_processes(self.ctx.db, chosen, year, dry_run=True),
            title="Leyendo la lista de procesos…",
            parent=self,
            cancellable=False,
            on_done=lambda res: self._procurement_preview(chosen, year, res),
            on_error=lambda exc: show_error(self, exc),
        )

    def _procurement_preview(self, path: Path, year: int, res) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("Contratación pública desde el sistema de compras")
        if res.errors:
            box.setIcon(QMessageBox.Icon.Warning)
            box.setText(f"No se puede guardar: {len(res.errors)} problema(s) en «{path.name}». Vea el detalle.")
            box.setStandardButtons(QMessageBox.StandardButton.Close)
        else:
            box.setIcon(QMessageBox.Icon.Question)
            lines = res.summary().splitlines()
            text = "\n".join(ln for ln in lines if not ln.startswith(("Pregunta:", "Aviso:", "(prueba")))
            if res.questions:
                text += f"\n\n{len(res.questions)} pregunta(s): vea el detalle (se cuentan en «OTRAS»)."
            box.setText(text + "\n\n¿Guardar estas filas en la sección?")
            box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel)
            box.accepted.connect(lambda: self._store_procurement(path, year))
        box.setDetailedText(res.summary())
        self.procurement_box = box
        box.open()

    def _store_procurement(self, path: Path, year: int) -> None:
        from rcdesk.services.cpccs_procurement import import_processes

        self.ctx.runner.write(
            lambda: import_processes(self.ctx.db, path, year),
            parent=self,
            title="Guardando la contratación pública…",
            on_done=self._procurement_saved,
        )

    def _procurement_saved(self, res) -> None:
        self.reload()
        n = sum(t.adjudicados for t in res.totals)
        self.ctx.events.status_message.emit(
            f"Contratación pública {res.year} guardada: {n} proceso(s) adjudicado(s) en {len(res.totals)} tipo(s)."
        )


def _wrap_header(t: QTableWidget) -> None:
    """Long CPCCS labels wrap in a taller header, and show whole as a tooltip."""
    h = t.horizontalHeader()
    h.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
    h.setMinimumHeight(72)
    for c in range(t.columnCount()):
        item = t.horizontalHeaderItem(c)
        if item is not None:
            item.setToolTip(item.text())


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


PAGES = [
    PageSpec(
        key="cpccs",
        title="Informe CPCCS",
        order=60,
        factory=lambda ctx: CpccsPage(ctx),
        icon="SP_FileDialogInfoView",
        tooltip="Informe de rendición de cuentas del CPCCS: estado de cada sección, formularios y exportación",
    )
]
