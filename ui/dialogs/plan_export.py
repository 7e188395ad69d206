"""Export a plan to .xlsx, in the layout it came from or in rcdesk's generic layout."""

from __future__ import annotations

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

XLSX_FILTER = "Libro de Excel (*.xlsx)"
KIND = "planes"  # ui.files remembers the last folder per kind of file


def default_file_name(summary, layout: str) -> str:
    """«plan-gad-municipal-de-guamote-2026-generico-2026-05-20.xlsx»: entity, vigencia, layout, date."""
    from ..files import default_name

    return default_name(
        "plan", summary.entity, str(summary.year), "generico" if layout == "generic" else None, suffix="xlsx"
    )


class PlanExportDialog(QDialog):
    exported = Signal(str)

    def __init__(self, ctx, plan_id: str, parent=None) -> None:
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
        self.original = QRadioButton(f"Formato &original: {LAYOUT_LABELS.get(s.layout, s.layout)}", self)
        self.generic = QRadioButton("Formato &genérico de rcdesk (una actividad por fila, todos los campos)", self)
        self.original.setChecked(True)
        from ..files import start_folder

        self._confirmed: Path | None = None  # a file the save dialog already asked to replace
        self.path = QLineEdit(str(start_folder(ctx.settings, KIND) / default_file_name(s, "original")), self)
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
        from ..files import confirm_overwrite, with_suffix

        path, _ = QFileDialog.getSaveFileName(self, "Guardar el plan como", self.path.text(), XLSX_FILTER)
        if not path:
            return
        out = with_suffix(Path(path), "xlsx")
        # the dialog asked about the name it saw; a completed name is asked about here
        if out != Path(path) and out.exists() and not confirm_overwrite(self, out):
            return
        self._confirmed = out if out.exists() else None
        self.path.setText(str(out))

    def export(self) -> None:
        from rcdesk.errors import UserError

        from ..tasks import show_error

        path = Path(self.path.text().strip())
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        if not path.parent.is_dir():
            show_error(self, UserError(f"La carpeta «{path.parent}» no existe."))
            return
        from ..files import confirm_overwrite, remember_folder

        if path.exists() and path != self._confirmed and not confirm_overwrite(self, path):
            return
        plan_id, layout, db = self.plan_id, self.layout_key(), self.ctx.db

        def job(progress, cancel):
            from rcdesk.plans.exporter import write_plan
            from rcdesk.services.plans import PlanService

            progress(0, None, "Leyendo el plan…")
            parsed = PlanService(db).as_parsed(plan_id)
            cancel.check()
            progress(0, None, "Escribiendo el libro de Excel…")
            return str(write_plan(parsed, path, layout=layout))

        remember_folder(self.ctx.settings, KIND, path)
        self.ctx.runner.run(
            job, title=f"Exportando a «{path.name}»…", parent=self, on_done=self._done, on_cancel=lambda: None
        )

    def _done(self, path: str) -> None:
        from ..files import announce_saved

        self.exported.emit(path)
        page = self.parentWidget()
        if page is not None:  # the dialog closes: the plans page says where the file went
            announce_saved(page, Path(path), "Plan exportado")
        else:
            self.ctx.events.status_message.emit(f"Plan exportado a {path}")
        self.accept()
