"""«Asistencia» tab of the event workspace: the attendance list, door registration, sheet import and exports."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from rcdesk.errors import UserError
from ui.dialogs.events_dialogs import ImportPreviewDialog
from ui.models.events_tables import (
    AttendanceModel,
)
from ui.widgets.events.base import (
    EventTab,
    combo,
    save_path,
    selected,
    set_combo,
    table,
)
from ui.widgets.search_filter import SearchBox


class AttendanceTab(EventTab):
    """Fast door registration (ID first, Enter saves) over a lazy list of attendees."""

    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        from rcdesk.models.events import ROLES
        from rcdesk.services.attendance import AttendanceService

        self.svc = AttendanceService(ctx.db)
        self._known = None
        self._suggestions: dict[str, object] = {}
        lay = QVBoxLayout(self)
        box = QGroupBox("Registro en puerta: escriba el documento y pulse Enter")
        grid = QGridLayout(box)
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText("Cédula / documento (opcional)")
        self.id_edit.setAccessibleName("Documento")
        self.name = QLineEdit()
        self.name.setPlaceholderText("Nombres y apellidos")
        self.name.setAccessibleName("Nombres y apellidos")
        self.completer_model = QStringListModel(self)
        completer = QCompleter(self.completer_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self._suggestion_chosen)
        self.name.setCompleter(completer)
        self.org = QLineEdit()
        self.org.setPlaceholderText("Organización (vacío = ciudadano/a)")
        self.territory = QLineEdit()
        self.territory.setPlaceholderText("Cantón / parroquia / comunidad")
        self.role = combo(ROLES)
        self.contact = QLineEdit()
        self.contact.setPlaceholderText("Teléfono o correo (opcional)")
        self.minor = QCheckBox("Menor de edad")
        self.guardian = QLineEdit()
        self.guardian.setPlaceholderText("Representante que autoriza")
        self.guardian.setEnabled(False)
        self.minor.toggled.connect(self.guardian.setEnabled)
        self.keep_invalid = QCheckBox("Guardar aunque el documento no sea válido")
        self.register_btn = QPushButton("&Registrar (Enter)")
        self.register_btn.clicked.connect(self.register)
        grid.addWidget(QLabel("&Documento:"), 0, 0)
        grid.itemAtPosition(0, 0).widget().setBuddy(self.id_edit)
        grid.addWidget(self.id_edit, 0, 1)
        grid.addWidget(QLabel("&Nombre:"), 0, 2)
        grid.itemAtPosition(0, 2).widget().setBuddy(self.name)
        grid.addWidget(self.name, 0, 3, 1, 3)
        grid.addWidget(self.org, 1, 1)
        grid.addWidget(self.territory, 1, 3)
        grid.addWidget(self.role, 1, 4)
        grid.addWidget(self.contact, 1, 5)
        grid.addWidget(self.minor, 2, 1)
        grid.addWidget(self.guardian, 2, 3)
        grid.addWidget(self.keep_invalid, 2, 4)
        grid.addWidget(self.register_btn, 2, 5)
        self.message = QLabel(" ")
        self.message.setWordWrap(True)
        grid.addWidget(self.message, 3, 0, 1, 6)
        for col, stretch in ((1, 2), (3, 3), (4, 1), (5, 2)):
            grid.setColumnStretch(col, stretch)
        lay.addWidget(box)
        self.id_edit.returnPressed.connect(self._id_entered)
        self.id_edit.editingFinished.connect(self._lookup)
        for w in (self.name, self.org, self.territory, self.contact, self.guardian):
            w.returnPressed.connect(self.register)
        self.name.textEdited.connect(self._suggest)
        tools = QHBoxLayout()
        self.filter = SearchBox("Filtrar asistentes (nombre, documento, organización, lugar)…")
        self.filter.search.connect(lambda _t: self.reload())
        tools.addWidget(self.filter, 1)
        self.count = QLabel()
        tools.addWidget(self.count)
        lay.addLayout(tools)
        tools = QHBoxLayout()
        for text, slot in (("&Importar hoja…", self.import_sheet), ("Hoja en &blanco (PDF)…", lambda: self.pdf("blank")),
                           ("&Lista (PDF)…", lambda: self.pdf("filled")),
                           ("Lista para &publicar (PDF)…", lambda: self.pdf("published")),
                           ("E&xcel…", self.export_xlsx), ("&Quitar registro", self.remove)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            tools.addWidget(b)
        tools.addStretch(1)
        lay.addLayout(tools)
        self.model = AttendanceModel(self)
        self.view = table(self.model, AttendanceModel.COL_NAME)
        for col, w in ((AttendanceModel.COL_NO, 50), (AttendanceModel.COL_ID, 110), (AttendanceModel.COL_STATUS, 110),
                       (AttendanceModel.COL_ORG, 200), (AttendanceModel.COL_TERRITORY, 130)):
            self.view.setColumnWidth(col, w)
        lay.addWidget(self.view, 1)

    def refresh(self) -> None:
        self.reload()
        self.id_edit.setFocus()

    def reload(self) -> None:
        if self.ev is None:
            self.model.set_fetch(None)
            return
        eid, text = self.ev.event_id, self.filter.text()
        self.model.set_fetch(lambda off, lim: self.svc.attendance_window(eid, text, off, lim))
        total = self.svc.attendance_count(eid, text)
        self.count.setText(f"{total} asistente{'' if total == 1 else 's'}")

    # door registration --------------------------------------------------------------------
    def _lookup(self) -> bool:
        self._known = None
        raw = self.id_edit.text().strip()
        if not raw or self.ev is None:
            return False
        check = self.svc.check_id(self.ev.event_id, raw)
        if check.status == "invalid":
            self.message.setText(f"Documento no válido: {check.message}.")
            return False
        if check.number != raw:
            self.id_edit.setText(check.number)
        earlier = self.svc.find_in_event(self.ev.event_id, check.number)
        if earlier is not None:
            self.message.setText(f"Ya registrado/a en este evento: Nº {earlier.seq_no} {earlier.full_name}.")
            return False
        p = self.svc.lookup(check.number, self.ev.country)
        if p is None:
            self.message.setText(check.message or "Persona nueva: complete el nombre.")
            return False
        self._known = p
        self.name.setText(p.full_name)
        self.org.setText(p.organization or "")
        self.territory.setText(p.territory_text or "")
        set_combo(self.role, p.role or "CIUDADANO")
        self.message.setText(f"Persona conocida: {p.full_name}. Pulse Enter para registrar.")
        return True

    def _id_entered(self) -> None:
        known = self._lookup()
        if known:
            self.register()
        elif not self.message.text().startswith("Ya registrado"):
            self.name.setFocus()

    def _suggest(self, text: str) -> None:
        if len(text.strip()) < 3:
            return
        people = self.svc.suggest_names(text)
        self._suggestions = {f"{p.full_name} · {p.id_number or 's/d'}": p for p in people}
        self.completer_model.setStringList(list(self._suggestions))

    def _suggestion_chosen(self, text: str) -> None:
        p = self._suggestions.get(text)
        if p is None:
            return
        self.name.setText(p.full_name)
        self.id_edit.setText(p.id_number or "")
        self.org.setText(p.organization or "")
        self.territory.setText(p.territory_text or "")

    def register(self) -> None:
        from rcdesk.services.attendance import AttendanceInput, DuplicateAttendance

        if self.ev is None:
            return
        contact = self.contact.text().strip()
        data = AttendanceInput(
            full_name=self.name.text(), id_number=self.id_edit.text(), organization=self.org.text(),
            territory_text=self.territory.text(), role=self.role.currentData(),
            phone="" if "@" in contact else contact, email=contact if "@" in contact else "",
            is_minor=self.minor.isChecked(), guardian_name=self.guardian.text(),
            keep_invalid_id=self.keep_invalid.isChecked())
        fields = (self.id_edit, self.name, self.org, self.territory, self.contact, self.guardian)
        sent = [w.text() for w in fields]

        def refused(exc: UserError) -> None:
            if isinstance(exc, DuplicateAttendance):
                self.message.setText(str(exc))
                self.id_edit.selectAll()
                self.id_edit.setFocus()
            else:
                self.message.setText(str(exc).replace("\n", " "))

        self.ctx.runner.write(lambda: self.svc.register(self.ev.event_id, data), parent=self,
                              on_done=lambda row: self._registered(row, fields, sent), on_user_error=refused)

    def _registered(self, row, fields, sent) -> None:  # noqa: ANN001
        self.message.setText(f"Registrado/a Nº {row.seq_no}: {row.full_name}.")
        for w, text in zip(fields, sent):
            if w.text() == text:  # what was typed for the next person while saving stays
                w.clear()
        self.minor.setChecked(False)
        self.keep_invalid.setChecked(False)
        set_combo(self.role, "CIUDADANO")
        self._known = None
        self.reload()
        self._changed()
        self.id_edit.setFocus()

    # actions --------------------------------------------------------------------------------
    def import_sheet(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Importar hoja de asistencia", "",
                                              "Hojas de cálculo (*.xlsx *.xls *.ods *.csv);;Todos los archivos (*)")
        if not path:
            return
        dlg = ImportPreviewDialog(self.ctx, self.ev.event_id, Path(path), self)
        dlg.load()  # reads on the worker: the dialog opens at once and fills in when the sheet is read
        if not dlg.failed and dlg.exec() and dlg.result_ is not None:
            r = dlg.result_
            self.message.setText(f"Importados {r.imported} de {r.rows}: reparados {r.repaired_ids}, no válidos "
                                 f"{r.invalid_ids}, duplicados {r.duplicates}, rechazados {r.rejected}.")
            self.reload()

    def pdf(self, mode: str) -> None:
        from rcdesk.services.event_documents import EventDocuments

        names = {"blank": "hoja_asistencia_en_blanco.pdf", "filled": "lista_asistencia.pdf",
                 "published": "lista_asistencia_publicable.pdf"}
        path = save_path(self, "Guardar PDF", names[mode], "PDF (*.pdf)")
        if not path:
            return
        eid = self.ev.event_id
        self.ctx.runner.run(lambda progress, cancel: EventDocuments(self.ctx.db).attendance_pdf(
            eid, path, mode=mode, progress=progress, cancel=cancel), title="Preparando el PDF…", parent=self,
            on_done=lambda _n: self.ctx.events.status_message.emit(f"PDF guardado en {path}"))

    def export_xlsx(self) -> None:
        from rcdesk.services.event_documents import EventDocuments

        path = save_path(self, "Exportar a Excel", "asistencia.xlsx", "Excel (*.xlsx)")
        if path:
            eid = self.ev.event_id
            self.ctx.runner.run(lambda progress, cancel: EventDocuments(self.ctx.db).attendance_xlsx(
                eid, path, progress=progress, cancel=cancel), title="Exportando…", parent=self)

    def remove(self) -> None:
        r = selected(self.view)
        if r is None:
            return
        if QMessageBox.question(self, "Quitar registro", f"¿Quitar a {r.full_name} (Nº {r.seq_no}) de la lista?") \
                == QMessageBox.StandardButton.Yes:
            def done(_result: object) -> None:
                self.reload()
                self._changed()

            self._save(done, self.svc.remove, r.attendance_id)


# -- estadísticas -------------------------------------------------------------------------------
