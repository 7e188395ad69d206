"""Dialogs of the events pages: attendance import preview, commitment, follow-up."""

from __future__ import annotations

import html
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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..models.events_tables import ImportPreviewModel
from ..tasks import show_error


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def date_edit(d: date | None = None, parent: QWidget | None = None) -> QDateEdit:
    """dd/mm/aaaa with a calendar; Tab leaves it (ui/widgets/dates.py)."""
    from ..widgets.dates import DateEdit

    return DateEdit(d or date.today(), parent)


class ImportPreviewDialog(QDialog):
    """A typed attendance sheet before saving: what each column is («Columnas»), then the rows with
    their repaired, invalid and duplicate IDs («Vista previa»). Every choice on the column page
    re-reads the sheet off the GUI thread, so the preview always shows what «Importar» stores."""

    TAB_COLUMNS, TAB_PREVIEW = range(2)

    def __init__(self, ctx, event_id: str, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from rcdesk.events.attendance_fields import ATTENDANCE
        from rcdesk.services.attendance import AttendanceService

        from ..widgets.column_mapping import ColumnMappingPage

        self.ctx, self.event_id, self.path = ctx, event_id, Path(path)
        self.svc = AttendanceService(ctx.db)
        self.parsed = None
        self.result_ = None
        self.failed = False  # the file cannot be read at all: the dialog closed itself
        self._busy = False  # a preview is being read
        self._again = False  # the choices changed meanwhile: read once more when it is done
        self.setWindowTitle(f"Importar asistencia – {self.path.name}")
        self.resize(1100, 640)
        self.setMinimumSize(760, 480)
        lay = QVBoxLayout(self)

        self.mapping_page = ColumnMappingPage(ATTENDANCE, ctx.settings)
        self.mapping_page.changed.connect(self.run_preview)
        privacy = QLabel(
            "La asistencia tiene datos personales: una columna sin campo no se importa (no hay "
            "«otros datos»). Género, sexo, edad, autoidentificación y discapacidad solo se suman al "
            "conteo anónimo del evento."
        )
        privacy.setWordWrap(True)
        self.mapping_page.layout().insertWidget(0, privacy)

        self.model = ImportPreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(
            ImportPreviewModel.COL_MESSAGE, QHeaderView.ResizeMode.Stretch
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName("Filas de la hoja")
        self.details = QLabel()
        self.details.setWordWrap(True)
        preview_page = QWidget()
        pv = QVBoxLayout(preview_page)
        pv.setContentsMargins(0, 4, 0, 0)
        pv.addWidget(self.table, 1)
        pv.addWidget(self.details)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.mapping_page, "1. &Columnas")
        self.tabs.addTab(preview_page, "2. Vista &previa")
        lay.addWidget(self.tabs, 1)
        self.summary = QLabel("Leyendo la hoja…")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
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
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancelar")
        self.import_btn = self.buttons.addButton("&Importar", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_btn.setEnabled(False)
        # Enter on the column table opens a field list; importing takes a deliberate click or Alt+I
        self.import_btn.setAutoDefault(False)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject_dialog)
        lay.addWidget(self.buttons)

    def reject_dialog(self) -> None:
        QDialog.reject(self)

    def load(self) -> None:
        self.run_preview()

    def run_preview(self) -> None:
        if self._busy:
            self._again = True
            return
        self._busy, self._again = True, False
        self.import_btn.setEnabled(False)
        options = self.mapping_page.preview_options()

        def job(progress, cancel):
            return self.svc.preview_import(self.event_id, self.path, progress=progress, cancel=cancel, **options)

        def done(parsed) -> None:
            self._busy = False
            if self._again:
                self.run_preview()
                return
            self._loaded(parsed)

        def failed(exc: BaseException) -> None:
            self._busy = False
            show_error(self, exc)
            if self.parsed is not None and self.mapping_page.undo_last_choice():
                self.run_preview()  # the choice just made cannot be read: back to the last one that could
                return
            self._failed()

        self.ctx.runner.run(
            job, title="Revisando la hoja…", parent=self, on_done=done, on_error=failed, on_cancel=self._failed
        )

    def _failed(self) -> None:
        self.failed = True
        QDialog.reject(self)

    def _loaded(self, parsed) -> None:
        self.parsed = parsed
        self.mapping_page.show_mappings([parsed.mapping] if parsed.mapping else [], profile_name=parsed.profile_name)
        self.model.set_rows(parsed.rows)
        from rcdesk.events.tallies import dimensions

        labels = {dim: spec["label"] for dim, spec in dimensions().items()}
        demo = "; ".join(f"{labels.get(dim, dim)}: {what}" for dim, what in parsed.demographic_columns.items())
        ignored = ", ".join(f"{c.column} «{c.header or 'sin encabezado'}»" for c in parsed.ignored_columns)
        self.details.setText(
            "\n".join(
                filter(
                    None,
                    (
                        f"Conteo anónimo desde {demo}." if demo else "",
                        f"Columnas que no se importan ({len(parsed.ignored_columns)}): {ignored}." if ignored else "",
                        *(f"Aviso: {w}" for w in parsed.warnings),
                    ),
                )
            )
        )
        if parsed.errors:
            self.summary.setText(f"<b>No se puede importar:</b> {html.escape(parsed.errors[0])}")
            self.tabs.setCurrentIndex(self.TAB_COLUMNS)
            return
        c = {k: parsed.count(k) for k in ("ok", "repaired", "warning", "invalid", "duplicate", "error")}
        self.summary.setText(
            f"«{parsed.source}», hoja «{parsed.sheet}» (encabezados en la fila {parsed.header_line}): "
            f"{len(parsed.rows)} filas con datos. Correctas: {c['ok']}; reparadas: {c['repaired']}; con aviso: "
            f"{c['warning']}; documento no válido: {c['invalid']}; duplicadas (no se importan): {c['duplicate']}; "
            f"con error (no se importan): {c['error']}. Filas vacías omitidas: {parsed.blank_rows}. "
            f"Columnas sin importar: {len(parsed.ignored_columns)}."
        )
        self.import_btn.setEnabled(True)

    def _save(self) -> None:
        if self.parsed is None or self.parsed.errors or self._busy:
            return
        invalid = "reject" if self.reject.isChecked() else "keep"
        parsed = self.parsed

        def job(progress, cancel):
            return self.svc.save_import(self.event_id, parsed, invalid=invalid, progress=progress, cancel=cancel)

        def done(res) -> None:
            self.result_ = res
            self.accept()

        self.ctx.runner.run(job, title="Guardando la asistencia…", parent=self, on_done=done)


class CommitmentDialog(QDialog):
    """Turn a contribution into a commitment (or create one directly)."""

    def __init__(
        self, units: list, aporte: str = "", event_date: date | None = None, parent: QWidget | None = None
    ) -> None:
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
        unit_id = (
            self.unit.currentData() if self.unit.currentText() == self.unit.itemText(self.unit.currentIndex()) else None
        )
        return {
            "description": self.description.toPlainText(),
            "responsible_unit_id": unit_id,
            "responsible_text": None if unit_id else self.unit.currentText(),
            "responsible_person": self.person.text(),
            "due_date": pydate(self.due.date()),
            "deliverable": self.deliverable.text(),
        }


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
        return {
            "cut_date": pydate(self.cut.date()),
            "progress_pct": self.pct.value(),
            "narrative": self.note.toPlainText(),
            "files": [self.files.item(i).text() for i in range(self.files.count())],
            "links": [self.link.text().strip()] if self.link.text().strip() else [],
        }


__all__ = [
    "CommitmentDialog",
    "FollowUpDialog",
    "ImportPreviewDialog",
    "NewEventDialog",
    "Qt",
    "date_edit",
    "pydate",
    "qdate",
]


class NewEventDialog(QDialog):
    """Title, date, type, plan and territory of a new event (the rest is edited in «Datos»).

    The territories offered are those of the country of the plan's entity (`countries`: the
    country of each institution id; `default_country` without a plan), so a Colombian
    municipality never sits among Ecuadorian cantons.
    """

    def __init__(
        self,
        plans: list,
        territories: list,
        default_plan_id: str | None = None,
        parent: QWidget | None = None,
        *,
        countries: dict[str, str] | None = None,
        default_country: str | None = None,
    ) -> None:
        super().__init__(parent)
        from rcdesk.models.events import EVENT_TYPES

        from ..widgets.territory_picker import TerritoryPicker

        self.setWindowTitle("Nuevo evento")
        self.resize(620, 600)
        self._territories = list(territories)
        self._countries = countries or {}
        self._default_country = default_country
        self._plan_institution = {p.plan_id: getattr(p, "institution_id", None) for p in plans}
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
        self.territory = TerritoryPicker(none_text="(sin territorio)")
        self.territory.search.setPlaceholderText("Buscar cantón o parroquia por nombre o código…")
        self.territory.setMinimumHeight(240)
        lbl = QLabel("&Cantón/parroquia:")
        lbl.setBuddy(self.territory.search)
        form.addRow(lbl, self.territory)
        self.venue = QLineEdit()
        form.addRow("&Lugar:", self.venue)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        bb.button(QDialogButtonBox.StandardButton.Ok).setText("&Crear evento")
        bb.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancelar")
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        form.addRow(bb)
        self.plan.currentIndexChanged.connect(lambda _i: self._fill_territories())
        self._fill_territories()
        self.title.setFocus()

    def country(self) -> str | None:
        """The country whose territories are offered (None: every country, nothing says which)."""
        institution = self._plan_institution.get(self.plan.currentData())
        return self._countries.get(institution) or self._default_country

    def _fill_territories(self) -> None:
        country = self.country()
        self.territory.set_territories([t for t in self._territories if country is None or t.country == country])
        if self.territory.current_id() is None:
            self.territory.set_current(None)  # «(sin territorio)» highlighted: the choice is visible

    def values(self):
        from rcdesk.services.events import EventInput

        return EventInput(
            title=self.title.text(),
            event_date=pydate(self.date.date()),
            event_type=self.type.currentData(),
            plan_id=self.plan.currentData(),
            territory_id=self.territory.current_id(),
            venue=self.venue.text(),
        )
