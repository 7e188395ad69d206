"""«Asistencia» tab of the event workspace: the attendance list, door registration, sheet import and exports."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
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

from ...dialogs.events_dialogs import ImportPreviewDialog
from ...models.events_tables import (
    AttendanceModel,
)
from ..empty_hint import EmptyHint, EmptyState
from ..search_filter import SearchBox
from ..table_menu import install_table_menu
from .base import (
    EventTab,
    combo,
    selected,
    set_combo,
    table,
)

# background, border, text: the banner's colours (ui/widgets/banner.py), so red and amber mean the same everywhere
_COLOURS = {
    "error": ("#fdecea", "#c62828", "#7f1d1d"),
    "warning": ("#fff6dc", "#b7860b", "#5c4300"),
    "success": ("#e7f4ea", "#2e7d32", "#1b4d20"),
}


class AttendanceTab(EventTab):
    """Fast door registration (ID first, Enter saves) over a lazy list of attendees."""

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        from rcdesk.services.attendance import AttendanceService

        self.svc = AttendanceService(ctx.db)
        self._known = None
        self._suggestions: dict[str, object] = {}
        lay = QVBoxLayout(self)
        lay.addWidget(self._door_box())
        self._connect_door()
        lay.addLayout(self._filter_bar())
        lay.addLayout(self._action_bar())
        self._build_list()
        lay.addWidget(self.view_area, 1)

    def _door_box(self) -> QGroupBox:
        """The door registration form: document first, Enter saves, a message line under it."""
        box = QGroupBox("Registro en puerta: escriba el documento y pulse Enter")
        grid = QGridLayout(box)
        self._build_door_fields()
        self._place_door_fields(grid)
        self._build_message(grid)
        for col, stretch in ((1, 2), (3, 3), (4, 1), (5, 2)):
            grid.setColumnStretch(col, stretch)
        return box

    def _build_door_fields(self) -> None:
        from rcdesk.models.events import ROLES

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

    def _place_door_fields(self, grid: QGridLayout) -> None:
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

    def _build_message(self, grid: QGridLayout) -> None:
        self.message = QLabel(" ")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Resultado del registro")
        self.message_level = ""
        self.flagged: QLineEdit | None = None
        self._flashes = 0
        self._flash_timer = QTimer(self)
        self._flash_timer.setInterval(180)
        self._flash_timer.timeout.connect(self._flash_step)
        grid.addWidget(self.message, 3, 0, 1, 6)

    def _connect_door(self) -> None:
        self.id_edit.returnPressed.connect(self._id_entered)
        self.id_edit.editingFinished.connect(self._lookup)
        for w in (self.name, self.org, self.territory, self.contact, self.guardian):
            w.returnPressed.connect(self.register)
        self.name.textEdited.connect(self._suggest)
        # the next person's first keystroke retires the last person's message and marks
        self.id_edit.textEdited.connect(lambda _t: self.clear_message())
        self.name.textEdited.connect(lambda _t: self._clear_if_flagged(self.name))
        for w in (self.contact, self.guardian):
            w.textEdited.connect(lambda _t, w=w: self._clear_if_flagged(w))

    def _filter_bar(self) -> QHBoxLayout:
        tools = QHBoxLayout()
        self.filter = SearchBox("Filtrar asistentes (nombre, documento, organización, lugar)…")
        self.filter.search.connect(lambda _t: self.reload())
        tools.addWidget(self.filter, 1)
        self.count = QLabel()
        tools.addWidget(self.count)
        return tools

    def _action_bar(self) -> QHBoxLayout:
        tools = QHBoxLayout()
        for text, slot in (
            ("&Importar hoja…", self.import_sheet),
            ("Hoja en &blanco (PDF)…", lambda: self.pdf("blank")),
            ("&Lista (PDF)…", lambda: self.pdf("filled")),
            ("Lista para &publicar (PDF)…", lambda: self.pdf("published")),
            ("E&xcel…", self.export_xlsx),
            ("&Quitar registro", self.remove),
        ):
            b = QPushButton(text)
            b.clicked.connect(slot)
            tools.addWidget(b)
        tools.addStretch(1)
        return tools

    def _build_list(self) -> None:
        self.model = AttendanceModel(self)
        self.view = table(self.model, AttendanceModel.COL_NAME)
        # personal data and a lazily loaded list: exported only through «Excel…», the whole list
        install_table_menu(self.view, [("&Quitar registro…", self.remove)])
        for col, w in (
            (AttendanceModel.COL_NO, 50),
            (AttendanceModel.COL_ID, 110),
            (AttendanceModel.COL_STATUS, 110),
            (AttendanceModel.COL_ORG, 200),
            (AttendanceModel.COL_TERRITORY, 130),
        ):
            self.view.setColumnWidth(col, w)
        self.view_area = EmptyState(
            self.view,
            EmptyHint(
                "Nadie registrado todavía",
                "Aquí aparece la lista de asistencia del evento. Registre a cada persona en la puerta: escriba "
                "su documento y pulse Enter (si ya vino antes, sus datos se completan solos). También puede "
                "importar una hoja de asistencia de Excel o imprimir una hoja en blanco para llenarla a mano.",
                [
                    ("Escribir el &primer documento", lambda: self.id_edit.setFocus()),
                    ("&Importar hoja…", self.import_sheet),
                ],
                chapter="eventos",
            ),
            model=self.model,
            is_empty=lambda: self.model.rowCount() == 0 and not self.filter.text(),
        )

    def set_event(self, ev) -> None:
        if getattr(self.ev, "event_id", None) != getattr(ev, "event_id", None):
            self.clear_message()  # what was said about the last event's door is not about this one
            self.territory.setText(ev.territory_name if ev is not None else "")
        super().set_event(ev)

    def refresh(self) -> None:
        self.reload()
        self.id_edit.setFocus()

    # messages -------------------------------------------------------------------------------
    def show_message(self, level: str, text: str, field: QLineEdit | None = None) -> None:
        """`level`: error (red: not registered), warning (amber: check before saving), success or
        info. The field at fault gets a coloured border and the message flashes: a door volunteer
        looking at the queue, not the screen, still catches it without a sound."""
        self._flash_timer.stop()
        self._unflag()
        self.message_level = level
        self.message.setText(text)
        self._paint(False)
        if field is not None and level in ("error", "warning"):
            self.flagged = field
            field.setStyleSheet(f"QLineEdit {{ border: 2px solid {_COLOURS[level][1]}; border-radius: 3px; }}")
        if level in ("error", "warning"):
            self._flashes = 6
            self._flash_timer.start()

    def clear_message(self) -> None:
        self._flash_timer.stop()
        self._unflag()
        self.message_level = ""
        self.message.setText(" ")
        self.message.setStyleSheet("")

    def _clear_if_flagged(self, field: QLineEdit) -> None:
        if self.flagged is field or self.message_level == "success":
            self.clear_message()

    def _unflag(self) -> None:
        if self.flagged is not None:
            self.flagged.setStyleSheet("")
            self.flagged = None

    def _paint(self, strong: bool) -> None:
        if self.message_level not in _COLOURS:
            self.message.setStyleSheet("")
            return
        background, border, ink = _COLOURS[self.message_level]
        fill = border if strong else background
        text = "#ffffff" if strong else ink
        self.message.setStyleSheet(
            f"QLabel {{ background: {fill}; color: {text}; border: 1px solid {border}; "
            f"border-radius: 3px; padding: 3px 6px; font-weight: bold; }}"
        )

    def _flash_step(self) -> None:
        self._flashes -= 1
        self._paint(self._flashes % 2 == 1)
        if self._flashes <= 0:
            self._flash_timer.stop()
            self._paint(False)

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
            self.show_message(
                "warning",
                f"Documento no válido: {check.message}. Corríjalo, déjelo vacío o marque "
                "«Guardar aunque el documento no sea válido».",
                self.id_edit,
            )
            return False
        if check.number != raw:
            self.id_edit.setText(check.number)
        earlier = self.svc.find_in_event(self.ev.event_id, check.number)
        if earlier is not None:
            self.show_message(
                "error",
                f"Ya registrado/a en este evento: Nº {earlier.seq_no} {earlier.full_name}. No se registra de nuevo.",
                self.id_edit,
            )
            self.id_edit.selectAll()
            return False
        p = self.svc.lookup(check.number, self.ev.country)
        if p is None:
            if check.message:
                self.show_message("warning", check.message, self.id_edit)
            else:
                self.show_message("info", "Persona nueva: complete el nombre.")
            return False
        self._known = p
        self.name.setText(p.full_name)
        self.org.setText(p.organization or "")
        self.territory.setText(p.territory_text or self._event_territory())
        set_combo(self.role, p.role or "CIUDADANO")
        self.show_message("info", f"Persona conocida: {p.full_name}. Pulse Enter para registrar.")
        return True

    def _id_entered(self) -> None:
        known = self._lookup()
        if known:
            self.register()
        elif self.message_level != "error":
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
        self.territory.setText(p.territory_text or self._event_territory())

    def _event_territory(self) -> str:
        return self.ev.territory_name if self.ev is not None else ""

    def register(self) -> None:
        from rcdesk.services.attendance import AttendanceInput, DuplicateAttendance

        if self.ev is None:
            return
        contact = self.contact.text().strip()
        place = self.territory.text().strip()
        # the event's own canton or parish, untouched: linked to the territory, not kept as typed text
        inherited = bool(self.ev.territory_id) and place == self.ev.territory_name
        data = AttendanceInput(
            full_name=self.name.text(),
            id_number=self.id_edit.text(),
            organization=self.org.text(),
            territory_id=self.ev.territory_id if inherited else None,
            territory_text="" if inherited else place,
            role=self.role.currentData(),
            phone="" if "@" in contact else contact,
            email=contact if "@" in contact else "",
            is_minor=self.minor.isChecked(),
            guardian_name=self.guardian.text(),
            keep_invalid_id=self.keep_invalid.isChecked(),
        )
        fields = (self.id_edit, self.name, self.org, self.territory, self.contact, self.guardian)
        sent = [w.text() for w in fields]

        def refused(exc: UserError) -> None:
            text = " ".join(line.strip(" -") for line in str(exc).splitlines() if line.strip(" -"))
            if isinstance(exc, DuplicateAttendance):
                field = self.id_edit
            else:
                field = self._field_for(text)
            self.show_message("error", text, field)
            if field is not None:
                field.setFocus()
                field.selectAll()

        self.ctx.runner.write(
            lambda: self.svc.register(self.ev.event_id, data),
            parent=self,
            on_done=lambda row: self._registered(row, fields, sent),
            on_user_error=refused,
        )

    def _field_for(self, reason: str) -> QLineEdit | None:
        """The field a refusal is about, to mark it."""
        low = reason.lower()
        for words, field in (
            (("falta el nombre",), self.name),
            (("documento",), self.id_edit),
            (("correo",), self.contact),
            (("representante",), self.guardian),
        ):
            if any(w in low for w in words):
                return field
        return None

    def _registered(self, row, fields, sent) -> None:
        self.show_message("success", f"Registrado/a Nº {row.seq_no}: {row.full_name}.")
        for w, text in zip(fields, sent):
            if w.text() == text:  # what was typed for the next person while saving stays
                w.clear()
        if not self.territory.text():
            self.territory.setText(self._event_territory())
        self.minor.setChecked(False)
        self.keep_invalid.setChecked(False)
        set_combo(self.role, "CIUDADANO")
        self._known = None
        self.reload()
        self.id_edit.setFocus()

    # actions --------------------------------------------------------------------------------
    def import_sheet(self) -> None:
        from ...files import ask_open_paths

        if self.ev is None:
            return
        paths = ask_open_paths(
            self,
            self.ctx.settings,
            kind="hojas-asistencia",
            title="Importar hoja de asistencia",
            filters="Hojas de cálculo (*.xlsx *.xls *.ods *.csv);;Todos los archivos (*)",
        )
        if not paths:
            return
        dlg = ImportPreviewDialog(self.ctx, self.ev.event_id, paths[0], self)
        dlg.load()  # reads on the worker: the dialog opens at once and fills in when the sheet is read
        if not dlg.failed and dlg.exec() and dlg.result_ is not None:
            r = dlg.result_
            self.show_message(
                "success",
                f"Importados {r.imported} de {r.rows}: reparados {r.repaired_ids}, no "
                f"válidos {r.invalid_ids}, duplicados {r.duplicates}, rechazados {r.rejected}.",
            )
            self.reload()

    def pdf(self, mode: str) -> None:
        from rcdesk.services.event_documents import EventDocuments

        from ...files import announce_saved, ask_save_path

        if self.ev is None:
            return
        what = {
            "blank": ("hoja asistencia", "Hoja de asistencia en blanco guardada"),
            "filled": ("lista asistencia", "Lista de asistencia guardada"),
            "published": ("lista asistencia publicable", "Lista para publicar guardada"),
        }
        words, said = what[mode]
        path = ask_save_path(
            self,
            self.ctx.settings,
            kind="asistencia",
            title="Guardar PDF",
            name=self._file_name(words, "pdf"),
            filters="PDF (*.pdf)",
            suffix="pdf",
        )
        if path is None:
            return
        eid = self.ev.event_id
        self.ctx.runner.run(
            lambda progress, cancel: EventDocuments(self.ctx.db).attendance_pdf(
                eid, str(path), mode=mode, progress=progress, cancel=cancel
            ),
            title="Preparando el PDF…",
            parent=self,
            on_done=lambda _n: announce_saved(self.notice_host, path, said),
        )

    def export_xlsx(self) -> None:
        from rcdesk.services.event_documents import EventDocuments

        from ...files import announce_saved, ask_save_path

        if self.ev is None:
            return
        path = ask_save_path(
            self,
            self.ctx.settings,
            kind="asistencia",
            title="Exportar a Excel",
            name=self._file_name("asistencia", "xlsx"),
            filters="Excel (*.xlsx)",
            suffix="xlsx",
        )
        if path is not None:
            eid = self.ev.event_id
            self.ctx.runner.run(
                lambda progress, cancel: EventDocuments(self.ctx.db).attendance_xlsx(
                    eid, str(path), progress=progress, cancel=cancel
                ),
                title="Exportando…",
                parent=self,
                on_done=lambda _n: announce_saved(self.notice_host, path, "Asistencia exportada"),
            )

    def _file_name(self, words: str, suffix: str) -> str:
        from ...files import default_name

        ev = self.ev
        # the place and the event's date: the lists of two events never share a name
        return default_name(words, ev.territory_name or ev.venue or ev.title, on=ev.event_date, suffix=suffix)

    def remove(self) -> None:
        r = selected(self.view)
        if r is None:
            return
        if (
            QMessageBox.question(self, "Quitar registro", f"¿Quitar a {r.full_name} (Nº {r.seq_no}) de la lista?")
            == QMessageBox.StandardButton.Yes
        ):

            def done(_result: object) -> None:
                self.reload()

            self._save(done, self.svc.remove, r.attendance_id)


# -- estadísticas -------------------------------------------------------------------------------
