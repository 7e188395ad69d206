"""Export a plan to .xlsx, in the layout it came from or in rcdesk's generic layout."""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from rcdesk.plans.parsed import LAYOUT_LABELS
from rcdesk.text import fold

XLSX_FILTER = "Libro de Excel (*.xlsx)"


def default_file_name(summary, layout: str) -> str:  # noqa: ANN001
    stem = re.sub(r"[^a-z0-9]+", "_", fold(summary.entity)).strip("_")[:50] or "plan"
    suffix = "_generico" if layout == "generic" else ""
    return f"plan_{stem}_{summary.year}{suffix}.xlsx"


class PlanExportDialog(QDialog):
    exported = Signal(str)

    def __init__(self, ctx, plan_id: str, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        from rcdesk.services.plans import PlanService

        self.ctx = ctx
        self.plan_id = plan_id
        self.summary = PlanService(ctx.db).summary(plan_id)
        self.setWindowTitle("Exportar plan a Excel")
        self.setMinimumWidth(760)
        s = self.summary
        head = QLabel(f"<b>{s.entity}</b> — vigencia {s.year} ({s.activities} actividades)", self)
        head.setWordWrap(True)
        self.original = QRadioButton(
            f"Formato &original: {LAYOUT_LABELS.get(s.layout, s.layout)}", self)
        self.generic = QRadioButton("Formato &genérico de rcdesk (una actividad por fila, todos los campos)", self)
        self.original.setChecked(True)
        folder = ctx.db.paths.exports if ctx.db.paths else Path.home()
        folder = Path(ctx.settings.value("plans/export_dir", str(folder), str))
        self.path = QLineEdit(str(folder / default_file_name(s, "original")), self)
        lbl = QLabel("&Archivo:", self)
        lbl.setBuddy(self.path)
        browse = QPushButton("&Examinar…", self)
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(lbl)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.generic.toggled.connect(self._layout_changed)

        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton("E&xportar", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("Cancelar", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        self.path.textChanged.connect(lambda t: self.export_button.setEnabled(bool(t.strip())))

        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.original)
        lay.addWidget(self.generic)
        lay.addLayout(row)
        lay.addWidget(self.buttons)

    def layout_key(self) -> str:
        return "generic" if self.generic.isChecked() else "original"

    def _layout_changed(self) -> None:
        current = Path(self.path.text())
        if current.name in (default_file_name(self.summary, "original"), default_file_name(self.summary, "generic")):
            self.path.setText(str(current.with_name(default_file_name(self.summary, self.layout_key()))))

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Guardar el plan como", self.path.text(), XLSX_FILTER)
        if path:
            if not path.lower().endswith(".xlsx"):
                path += ".xlsx"
            self.path.setText(path)

    def export(self) -> None:
        from rcdesk.errors import UserError
        from ui.tasks import show_error

        path = Path(self.path.text().strip())
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        if not path.parent.is_dir():
            show_error(self, UserError(f"La carpeta «{path.parent}» no existe."))
            return
        plan_id, layout, db = self.plan_id, self.layout_key(), self.ctx.db

        def job(progress, cancel):  # noqa: ANN001, ANN202
            from rcdesk.plans.exporter import write_plan
            from rcdesk.services.plans import PlanService

            progress(0, None, "Leyendo el plan…")
            parsed = PlanService(db).as_parsed(plan_id)
            cancel.check()
            progress(0, None, "Escribiendo el libro de Excel…")
            return str(write_plan(parsed, path, layout=layout))

        self.ctx.settings.setValue("plans/export_dir", str(path.parent))
        self.ctx.runner.run(job, title=f"Exportando a «{path.name}»…", parent=self, on_done=self._done,
                            on_cancel=lambda: None)

    def _done(self, path: str) -> None:
        self.exported.emit(path)
        self.ctx.events.status_message.emit(f"Plan exportado a {path}")
        self.accept()
