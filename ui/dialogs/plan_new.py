"""New plan for a vigencia from a built-in template (each seed plan, dates moved to the new year)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from rcdesk.plans.parsed import LAYOUT_LABELS

COUNTRY_LABELS = {"EC": "Ecuador", "CO": "Colombia"}
LAYOUT_SHORT = {
    "cpccs": "Fases CPCCS",
    "murc": "Matriz MURC",
    "dated": "Con fechas",
    "paac": "PAAC",
    "generic": "Genérico",
}


class NewFromTemplateDialog(QDialog):
    """Pick a template, a target vigencia and (optionally) the entity; «Crear» saves through ctx.runner."""

    saved = Signal(object)  # PlanSummary

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        from rcdesk.plans.templates import list_templates

        self.ctx = ctx
        self.summary = None
        self.templates = list_templates()
        self.setWindowTitle("Nuevo plan desde plantilla")
        self.resize(860, 440)

        self.table = QTableWidget(len(self.templates), 4, self)
        self.table.setHorizontalHeaderLabels(["Plantilla", "País", "Formato", "Vigencia de origen"])
        for r, t in enumerate(self.templates):
            cells = (
                t.title,
                COUNTRY_LABELS.get(t.country, t.country),
                LAYOUT_SHORT.get(t.layout, t.layout),
                str(t.year),
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                item.setToolTip(LAYOUT_LABELS.get(t.layout, text) if c == 2 else text)
                self.table.setItem(r, c, item)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2, 3):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(False)
        lbl_table = QLabel("&Plantillas incorporadas:", self)
        lbl_table.setBuddy(self.table)

        form = QFormLayout()
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        lbl = QLabel("&Vigencia del nuevo plan:", self)
        lbl.setBuddy(self.year)
        form.addRow(lbl, self.year)
        self.entity = QLineEdit(self)
        self.entity.setPlaceholderText("Si lo deja vacío se usa la entidad de la plantilla")
        lbl = QLabel("&Entidad:", self)
        lbl.setBuddy(self.entity)
        form.addRow(lbl, self.entity)
        hint = QLabel(
            "Se copian todas las actividades; las fechas y los años de los textos pasan a la nueva "
            "vigencia. Luego puede editar cada actividad.",
            self,
        )
        hint.setWordWrap(True)

        self.buttons = QDialogButtonBox(self)
        self.create_button = self.buttons.addButton("&Crear plan", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("Cancelar", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._update)
        self.table.doubleClicked.connect(lambda _i: self.create())

        lay = QVBoxLayout(self)
        lay.addWidget(lbl_table)
        lay.addWidget(self.table, 1)
        lay.addLayout(form)
        lay.addWidget(hint)
        lay.addWidget(self.buttons)
        if self.templates:
            self.table.selectRow(0)
        self._update()
        self.table.setFocus()

    def selected_key(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.templates[rows[0].row()].key if rows else None

    def select_template(self, key: str) -> None:
        for r, t in enumerate(self.templates):
            if t.key == key:
                self.table.selectRow(r)

    def _update(self) -> None:
        self.create_button.setEnabled(self.selected_key() is not None)

    def create(self) -> None:
        key = self.selected_key()
        if key is None:
            return
        year, entity, db = self.year.value(), self.entity.text().strip() or None, self.ctx.db

        def job(progress, cancel):
            from rcdesk.plans.templates import load_template
            from rcdesk.services.plans import PlanService

            progress(0, None, "Leyendo la plantilla…")
            parsed = load_template(key, year)
            cancel.check()
            return PlanService(db).save_parsed(parsed, entity=entity, year=year, progress=progress, cancel=cancel)

        self.ctx.runner.run(
            job,
            title=f"Creando el plan {year} desde la plantilla…",
            parent=self,
            on_done=self._saved,
            on_cancel=lambda: None,
            source=self.parentWidget(),  # the page told by `saved` shows the new plan itself
        )

    def _saved(self, summary) -> None:
        self.summary = summary
        self.saved.emit(summary)
        self.accept()
