"""Import a plan from Excel: read it off the GUI thread, preview everything, then save.

    start_import(ctx, parent, on_saved)   # file dialog → reading (progress, Cancelar) → preview

The «Columnas» tab shows what each column of the workbook is taken as (the column mapping every
import shares); a change there reads the workbook again off the GUI thread, so the preview always
shows what «Guardar» stores. Nothing is written until the user presses «Guardar», and the save
runs in one transaction through the task runner (Cancelar leaves the database unchanged).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rcdesk.plans.fields import PLAN
from rcdesk.plans.parsed import LAYOUT_LABELS

from ..models.plan_import import PCOL_DESCRIPTION, ParsedActivityModel, ProblemModel
from ..widgets.column_mapping import ColumnMappingPage

NO_YEAR = 1989  # spin box value shown as "(sin año)"
FILE_FILTER = "Libros de Excel (*.xlsx);;Todos los archivos (*)"


def start_import(ctx, parent: QWidget, on_saved: Callable | None = None) -> None:
    """Ask for a workbook, read it through ctx.runner, and open the preview (non-modal `open()`)."""
    start_dir = ctx.settings.value("plans/import_dir", str(Path.home()), str)
    path, _ = QFileDialog.getOpenFileName(parent, "Importar un plan desde Excel", start_dir, FILE_FILTER)
    if not path:
        return
    ctx.settings.setValue("plans/import_dir", str(Path(path).parent))

    def job(progress, cancel):
        from rcdesk.services.plans import PlanService

        return PlanService(ctx.db).read_file(path, progress=progress, cancel=cancel)

    def done(parsed) -> None:
        dlg = PlanImportDialog(ctx, parsed, path, parent)
        if on_saved is not None:
            dlg.saved.connect(on_saved)
        parent.import_dialog = dlg  # keeps it alive; tests reach it here
        dlg.open()

    ctx.runner.run(job, title=f"Leyendo «{Path(path).name}»…", parent=parent, on_done=done, on_cancel=lambda: None)


class PlanImportDialog(QDialog):
    """Preview of a ParsedPlan; «Guardar» stays disabled while the file has errors."""

    saved = Signal(object)  # PlanSummary

    def __init__(self, ctx, parsed, path: str, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.parsed = parsed
        self.path = path
        self.summary = None
        self._busy = False  # the workbook is being read again
        self._again = False  # the choices changed meanwhile: read once more when it is done
        self.setWindowTitle(f"Vista previa de la importación — {Path(path).name}")
        # fits 1366×768 with a taskbar
        self.resize(1180, 680)

        form = QFormLayout()
        form.addRow("Archivo:", QLabel(Path(path).name, self))
        self.layout_label = QLabel(self)
        form.addRow("Formato detectado:", self.layout_label)
        self.entity = QLineEdit(parsed.entity or "", self)
        self.entity.setPlaceholderText("Nombre de la entidad (no se encontró en el archivo)")
        lbl = QLabel("&Entidad:", self)
        lbl.setBuddy(self.entity)
        form.addRow(lbl, self.entity)
        self.year = QSpinBox(self)
        self.year.setRange(NO_YEAR, 2100)
        self.year.setSpecialValueText("(sin año: indíquelo)")
        self.year.setValue(parsed.year or NO_YEAR)
        if not parsed.year:
            from datetime import date

            self.year.setToolTip(f"Escriba la vigencia, p. ej. {date.today().year}")
        lbl = QLabel("&Vigencia:", self)
        lbl.setBuddy(self.year)
        form.addRow(lbl, self.year)
        self.title_label = QLabel(self)
        self.title_label.setWordWrap(True)
        form.addRow("Título:", self.title_label)

        self.counts = QLabel(self)
        self.counts.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.mapping_page = ColumnMappingPage(PLAN, ctx.settings, self)
        self.mapping_page.changed.connect(self.run_preview)
        self.problems_view = self._table(ProblemModel([], self))
        self.problem_detail = QLabel(self)
        self.problem_detail.setWordWrap(True)
        self.problem_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        problems_page = QWidget(self)
        pl = QVBoxLayout(problems_page)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.problems_view, 1)
        pl.addWidget(self.problem_detail)
        self.activities_view = self._table(ParsedActivityModel(parsed, self))
        self.groups_tree = QTreeWidget(self)
        self.groups_tree.setHeaderLabels(["Grupo", "Actividades"])
        self.groups_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.groups_tree.header().setStretchLastSection(False)
        self.problems_page = problems_page
        self.tabs.addTab(self.mapping_page, "Col&umnas")
        self.tabs.addTab(self.activities_view, "&Actividades")
        self.tabs.addTab(self.groups_tree, "G&rupos")
        self.tabs.addTab(problems_page, "&Problemas")

        self.reason = QLabel(self)
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton("Guar&dar", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("Cancelar", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.counts)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.reason)
        lay.addWidget(self.buttons)
        self.entity.textChanged.connect(self._update)
        self.year.valueChanged.connect(self._update)
        self._show(parsed, first=True)

    def _show(self, parsed, *, first: bool = False) -> None:
        """Fill every tab from `parsed` (the first reading, or one with the user's column choices)."""
        self.parsed = parsed
        self.layout_label.setText(
            "Propio del archivo: sus columnas se asignan en «Columnas»"
            if parsed.layout_guessed
            else LAYOUT_LABELS.get(parsed.layout, parsed.layout or "—")
        )
        # what the user typed stays; an empty field takes what this reading found
        if not self.entity.text().strip() and parsed.entity:
            self.entity.setText(parsed.entity)
        if self.year.value() == NO_YEAR and parsed.year:
            self.year.setValue(parsed.year)
        self.title_label.setText(parsed.title or "—")
        self.mapping_page.show_mappings(parsed.mappings, profile_name=parsed.profile_name)

        n_err, n_warn = len(parsed.errors), len(parsed.warnings)
        ignored = len(parsed.ignored_columns)
        kept = sum(1 for c in parsed.columns if c.use == "extra")
        self.counts.setText(
            f"<b>{parsed.activity_count}</b> actividad(es) en <b>{parsed.group_count}</b> grupo(s) · "
            f"<b>{n_err}</b> error(es) · <b>{n_warn}</b> advertencia(s) · columnas: {ignored} sin importar, "
            f"{kept} como otros datos"
        )
        self.problems_view.setModel(ProblemModel(parsed.problems, self))
        self.problems_view.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 95), (1, 130), (2, 55), (3, 150)):
            self.problems_view.setColumnWidth(col, width)
        self.problems_view.selectionModel().currentRowChanged.connect(self._show_problem)
        self.problem_detail.clear()
        self.activities_view.setModel(ParsedActivityModel(parsed, self))
        widths = (160, 45, 380, 180, 160, 90, 60, 80, 80, 160, 110)
        for col, width in enumerate(widths):
            self.activities_view.setColumnWidth(col, width)
        empty = set(self.activities_view.model().empty_columns())
        for col in range(self.activities_view.model().columnCount()):
            self.activities_view.setColumnHidden(col, col in empty and col != PCOL_DESCRIPTION)
        self.groups_tree.clear()
        self._fill_groups(parsed.groups, self.groups_tree.invisibleRootItem())
        self.groups_tree.expandToDepth(1)
        self.tabs.setTabText(1, f"&Actividades ({parsed.activity_count})")
        self.tabs.setTabText(2, f"G&rupos ({parsed.group_count})")
        self.tabs.setTabText(3, f"&Problemas ({len(parsed.problems)})")
        if parsed.problems:
            self.problems_view.setCurrentIndex(self.problems_view.model().index(0, 0))
        if first:
            # a file no layout knows starts on its columns; a known one on what will be imported
            if n_err:
                self.tabs.setCurrentWidget(self.problems_page)
            elif parsed.mapped:
                self.tabs.setCurrentWidget(self.mapping_page)
            else:
                self.tabs.setCurrentWidget(self.activities_view)
        self._update()

    # -- reading again with the user's column choices ----------------------------------------------
    def run_preview(self) -> None:
        if self._busy:
            self._again = True
            return
        self._busy, self._again = True, False
        self.save_button.setEnabled(False)
        options = self.mapping_page.preview_options()
        path, db = self.path, self.ctx.db

        def job(progress, cancel):
            from rcdesk.services.plans import PlanService

            return PlanService(db).read_file(path, progress=progress, cancel=cancel, **options)

        def done(parsed) -> None:
            self._busy = False
            if self._again:
                self.run_preview()
                return
            self._show(parsed)

        def failed(exc: BaseException) -> None:
            from ..tasks import show_error

            self._busy = False
            show_error(self, exc)
            if self.mapping_page.undo_last_choice():
                # the choice just made cannot be read: back to the last reading that could
                self.run_preview()
                return
            self._update()

        def cancelled() -> None:
            self._busy = False
            self._update()

        self.ctx.runner.run(
            job,
            title=f"Leyendo «{Path(path).name}» con las columnas elegidas…",
            parent=self,
            on_done=done,
            on_error=failed,
            on_cancel=cancelled,
        )

    def _table(self, model) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setWordWrap(False)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setDefaultSectionSize(22)
        view.verticalHeader().hide()
        view.horizontalHeader().setDefaultSectionSize(110)
        return view

    def _show_problem(self, current, _previous) -> None:
        if current.isValid():
            p = self.problems_view.model().problem(current.row())
            kind = "Error" if p.severity == "error" else "Advertencia"
            self.problem_detail.setText(f"<b>{kind}</b> — {p}")

    def _fill_groups(self, groups, parent_item) -> int:
        total = 0
        for g in groups:
            label = g.name if not g.code or g.code == g.name else (f"{g.code} – {g.name}" if g.name else g.code)
            item = QTreeWidgetItem(parent_item, [label, ""])
            n = len(g.activities) + self._fill_groups(g.children, item)
            item.setText(1, str(n))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            total += n
        return total

    # -- state ---------------------------------------------------------------------------------
    def blocking_reason(self) -> str:
        n_err = len(self.parsed.errors)
        if self._busy:
            return "Leyendo el archivo con las columnas elegidas…"
        if n_err:
            return (
                f"El archivo tiene {n_err} error(es) (pestaña «Problemas»). Corríjalos en Excel o cambie la "
                "asignación en «Columnas»; no se guardará nada mientras haya errores."
            )
        if self.parsed.activity_count == 0:
            return "El archivo no contiene actividades."
        if not self.entity.text().strip():
            return "Escriba el nombre de la entidad."
        if self.year.value() == NO_YEAR:
            return "Indique la vigencia (año) del plan."
        return ""

    def _update(self) -> None:
        reason = self.blocking_reason()
        self.reason.setText(reason)
        self.reason.setVisible(bool(reason))
        self.save_button.setEnabled(not reason)

    def save(self) -> None:
        if self.blocking_reason():
            return
        from rcdesk.services.plans import PlanService

        entity, year, parsed, db = self.entity.text().strip(), self.year.value(), self.parsed, self.ctx.db

        def job(progress, cancel):
            # a mapped import is remembered for workbooks with the same headers
            return (
                PlanService(db)
                .import_parsed(parsed, entity=entity, year=year, progress=progress, cancel=cancel)
                .summary
            )

        self.save_button.setEnabled(False)
        self.ctx.runner.run(
            job,
            title=f"Guardando {parsed.activity_count} actividad(es)…",
            parent=self,
            on_done=self._saved,
            on_error=self._failed,
            on_cancel=self._cancelled,
            source=self.parentWidget(),  # the page told by `saved` shows the new plan itself
        )

    def _saved(self, summary) -> None:
        self.summary = summary
        self.saved.emit(summary)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from ..tasks import show_error

        self._update()
        show_error(self, exc)

    def _cancelled(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from ..tasks import CANCELLED_TEXT

        self._update()
        QMessageBox.information(self, "rcdesk", CANCELLED_TEXT)
