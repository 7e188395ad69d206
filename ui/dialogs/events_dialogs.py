"""Dialogs of the events pages: attendance import preview, commitment, follow-up."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rcdesk.services.changes import Changes
from ui.models.events_tables import ImportPreviewModel
from ui.tasks import show_error


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def date_edit(d: date | None = None, parent: QWidget | None = None) -> QDateEdit:
    w = QDateEdit(qdate(d or date.today()), parent)
    w.setCalendarPopup(True)
    w.setDisplayFormat("dd/MM/yyyy")
    return w


class ImportPreviewDialog(QDialog):
    """Shows what a typed attendance sheet holds before saving: repaired, invalid and duplicate rows."""

    def __init__(self, ctx, event_id: str, path: Path, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        from rcdesk.services.attendance import AttendanceService

        self.ctx, self.event_id, self.path = ctx, event_id, Path(path)
        self.svc = AttendanceService(ctx.db)
        self.parsed = None
        self.result_ = None
        self.setWindowTitle(f"Importar asistencia – {self.path.name}")
        self.resize(960, 560)
        lay = QVBoxLayout(self)
        self.summary = QLabel("Leyendo la hoja…")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.model = ImportPreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(ImportPreviewModel.COL_MESSAGE, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table, 1)
        opts = QHBoxLayout()
        opts.addWidget(QLabel("Documentos no válidos:"))
        self.keep = QRadioButton("guardar con aviso")
        self.reject = QRadioButton("no importar esas filas")
        self.keep.setChecked(True)
        grp = QButtonGroup(self)
        grp.addButton(self.keep)
        grp.addButton(self.reject)
        opts.addWidget(self.keep)
        opts.addWidget(self.reject)
        opts.addStretch(1)
        lay.addLayout(opts)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_btn = self.buttons.addButton("&Importar", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_btn.setEnabled(False)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject_dialog)
        lay.addWidget(self.buttons)

    def reject_dialog(self) -> None:
        QDialog.reject(self)

    def load(self) -> None:
        def job(progress, cancel):  # noqa: ANN001, ANN202
            return self.svc.read_file(self.event_id, self.path, progress=progress, cancel=cancel)

        self.ctx.runner.run(job, title="Revisando la hoja…", parent=self, on_done=self._loaded,
                            on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc)
        QDialog.reject(self)

    def _loaded(self, parsed) -> None:  # noqa: ANN001
        self.parsed = parsed
        self.model.set_rows(parsed.rows)
        c = {k: parsed.count(k) for k in ("ok", "repaired", "warning", "invalid", "duplicate", "error")}
        self.summary.setText(
            f"«{parsed.source}», hoja «{parsed.sheet}» (encabezados en la fila {parsed.header_line}): "
            f"{len(parsed.rows)} filas con datos. Correctas: {c['ok']}; reparadas: {c['repaired']}; con aviso: "
            f"{c['warning']}; documento no válido: {c['invalid']}; duplicadas (no se importan): {c['duplicate']}; "
            f"con error (no se importan): {c['error']}. Filas vacías omitidas: {parsed.blank_rows}.")
        self.import_btn.setEnabled(True)
        self.import_btn.setFocus()

    def _save(self) -> None:
        invalid = "reject" if self.reject.isChecked() else "keep"

        def job(progress, cancel):  # noqa: ANN001, ANN202
            return self.svc.save_import(self.event_id, self.parsed, invalid=invalid, progress=progress, cancel=cancel)

        def done(res) -> None:  # noqa: ANN001
            self.result_ = res
            self.ctx.changed(Changes(events=True), self)
            self.accept()

        self.ctx.runner.run(job, title="Guardando la asistencia…", parent=self, on_done=done)


class CommitmentDialog(QDialog):
    """Turn a contribution into a commitment (or create one directly)."""

    def __init__(self, units: list, aporte: str = "", event_date: date | None = None,
                 parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("Nuevo compromiso")
        form = QFormLayout(self)
        if aporte:
            lbl = QLabel(f"Aporte: {aporte}")
            lbl.setWordWrap(True)
            form.addRow(lbl)
        self.description = QPlainTextEdit(aporte)
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(70)
        form.addRow("&Compromiso institucional:", self.description)
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.addItem("", None)
        for u in units:
            self.unit.addItem(u.name, u.unit_id)
        form.addRow("&Unidad responsable:", self.unit)
        self.person = QLineEdit()
        form.addRow("&Persona responsable:", self.person)
        base = event_date or date.today()
        self.due = date_edit(date(base.year, 12, 31) if base.month < 12 else base)
        form.addRow("&Fecha límite:", self.due)
        self.deliverable = QLineEdit()
        self.deliverable.setPlaceholderText("Indicador, producto o medio de verificación")
        form.addRow("&Entregable:", self.deliverable)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        form.addRow(bb)

    def values(self) -> dict:
        unit_id = self.unit.currentData() if self.unit.currentText() == self.unit.itemText(self.unit.currentIndex()) else None
        return {"description": self.description.toPlainText(), "responsible_unit_id": unit_id,
                "responsible_text": None if unit_id else self.unit.currentText(),
                "responsible_person": self.person.text(), "due_date": pydate(self.due.date()),
                "deliverable": self.deliverable.text()}


class FollowUpDialog(QDialog):
    """A follow-up entry: cut date, % progress, narrative, evidence files and links."""

    def __init__(self, description: str, current_pct: float = 0.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Seguimiento del compromiso")
        form = QFormLayout(self)
        lbl = QLabel(description)
        lbl.setWordWrap(True)
        form.addRow(lbl)
        self.cut = date_edit()
        form.addRow("&Fecha de corte:", self.cut)
        self.pct = QDoubleSpinBox()
        self.pct.setRange(0, 100)
        self.pct.setDecimals(0)
        self.pct.setSuffix(" %")
        self.pct.setValue(current_pct)
        form.addRow("&Avance:", self.pct)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(60)
        form.addRow("&Descripción:", self.note)
        self.files = QListWidget()
        self.files.setFixedHeight(60)
        add = QPushButton("Añadir &archivo de evidencia…")
        add.clicked.connect(self._add_file)
        form.addRow("Evidencias:", self.files)
        form.addRow("", add)
        self.link = QLineEdit()
        self.link.setPlaceholderText("https://… (enlace publicado)")
        form.addRow("&Enlace:", self.link)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        form.addRow(bb)

    def _add_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Evidencia", "", "Todos los archivos (*)")
        if path:
            self.files.addItem(path)

    def values(self) -> dict:
        return {"cut_date": pydate(self.cut.date()), "progress_pct": self.pct.value(),
                "narrative": self.note.toPlainText(),
                "files": [self.files.item(i).text() for i in range(self.files.count())],
                "links": [self.link.text().strip()] if self.link.text().strip() else []}


__all__ = ["CommitmentDialog", "FollowUpDialog", "ImportPreviewDialog", "NewEventDialog", "Qt", "date_edit", "pydate",
           "qdate"]


class NewEventDialog(QDialog):
    """Title, date, type, plan and territory of a new event (the rest is edited in «Datos»)."""

    def __init__(self, plans: list, territories: list, default_plan_id: str | None = None,
                 parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        from rcdesk.models.events import EVENT_TYPES

        self.setWindowTitle("Nuevo evento")
        form = QFormLayout(self)
        self.title = QLineEdit()
        form.addRow("&Título:", self.title)
        self.type = QComboBox()
        for k, v in EVENT_TYPES.items():
            self.type.addItem(v, k)
        form.addRow("&Tipo:", self.type)
        self.date = date_edit()
        form.addRow("&Fecha:", self.date)
        self.plan = QComboBox()
        self.plan.addItem("(sin plan)", None)
        for p in plans:
            self.plan.addItem(f"{p.entity} – {p.year}", p.plan_id)
        if default_plan_id:
            self.plan.setCurrentIndex(max(0, self.plan.findData(default_plan_id)))
        form.addRow("&Plan (vigencia):", self.plan)
        self.territory = QComboBox()
        self.territory.addItem("(sin territorio)", None)
        for t in territories:
            self.territory.addItem(f"{t.name} ({t.code})", t.territory_id)
        form.addRow("&Cantón/parroquia:", self.territory)
        self.venue = QLineEdit()
        form.addRow("&Lugar:", self.venue)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        form.addRow(bb)

    def values(self):  # noqa: ANN201
        from rcdesk.services.events import EventInput

        return EventInput(title=self.title.text(), event_date=pydate(self.date.date()),
                          event_type=self.type.currentData(), plan_id=self.plan.currentData(),
                          territory_id=self.territory.currentData(), venue=self.venue.text())
