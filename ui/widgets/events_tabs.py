"""The tabs of the event workspace: datos, asistencia, estadísticas, preguntas, aportes y
compromisos, evaluación, actas. Each tab talks to the core only through services and
announces writes with `ctx.changed(Changes(events=True), self)`."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QStringListModel, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from rcdesk.errors import UserError
from rcdesk.services.changes import Changes
from ui.dialogs.events_dialogs import CommitmentDialog, FollowUpDialog, ImportPreviewDialog, date_edit, pydate, qdate
from ui.models.events_tables import (
    ActasModel,
    AttendanceModel,
    CommitmentsModel,
    ContributionsModel,
    QuestionsModel,
)
from ui.tasks import show_error
from ui.widgets.search_filter import SearchBox

CHANGED = Changes(events=True)


def table(model, stretch: int | None = None) -> QTableView:  # noqa: ANN001
    t = QTableView()
    t.setModel(model)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(22)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    if stretch is not None:
        t.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return t


def selected(view: QTableView):  # noqa: ANN201
    idx = view.currentIndex()
    return view.model().row_at(idx.row()) if idx.isValid() else None


def combo(items: dict, parent: QWidget | None = None) -> QComboBox:
    c = QComboBox(parent)
    for k, v in items.items():
        c.addItem(v, k)
    return c


def set_combo(c: QComboBox, value) -> None:  # noqa: ANN001
    i = c.findData(value)
    c.setCurrentIndex(max(i, 0))


def save_path(parent: QWidget, title: str, name: str, filt: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, name, filt)
    return path


class _Tab(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.ev = None

    def set_event(self, ev) -> None:  # noqa: ANN001
        self.ev = ev
        self.refresh()

    def refresh(self) -> None:
        pass

    def _changed(self) -> None:
        self.ctx.changed(CHANGED, self)

    def _try(self, fn, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        """A read on the GUI thread; a refusal is shown and gives None."""
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            show_error(self, exc)
            return None

    def _save(self, on_done, fn, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        """A write on the worker; `on_done(result)` updates the tab once it is saved."""
        self.ctx.runner.write(lambda: fn(*args, **kwargs), parent=self, on_done=on_done,
                              on_user_error=lambda exc: show_error(self, exc))


# -- datos ------------------------------------------------------------------------------------
class DataTab(_Tab):
    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        from rcdesk.models.events import EVENT_STATUSES, EVENT_TYPES, MODALITIES

        outer = QHBoxLayout(self)
        form = QFormLayout()
        self.title = QLineEdit()
        form.addRow("&Título:", self.title)
        self.type = combo(EVENT_TYPES)
        form.addRow("&Tipo:", self.type)
        row = QHBoxLayout()
        self.date = date_edit()
        self.start = QTimeEdit()
        self.end = QTimeEdit()
        for t in (self.start, self.end):
            t.setDisplayFormat("HH:mm")
        row.addWidget(self.date)
        row.addWidget(QLabel("de"))
        row.addWidget(self.start)
        row.addWidget(QLabel("a"))
        row.addWidget(self.end)
        lbl = QLabel("&Fecha y hora:")
        lbl.setBuddy(self.date)
        form.addRow(lbl, row)
        self.modality = combo(MODALITIES)
        form.addRow("&Modalidad:", self.modality)
        self.stream = QLineEdit()
        self.stream.setPlaceholderText("https://… (transmisión)")
        form.addRow("&Enlace:", self.stream)
        self.venue = QLineEdit()
        form.addRow("&Lugar:", self.venue)
        self.territory = QComboBox()
        form.addRow("&Cantón/parroquia:", self.territory)
        self.period = QLineEdit()
        form.addRow("&Periodo que se rinde:", self.period)
        self.moderator = QLineEdit()
        form.addRow("&Moderador/a:", self.moderator)
        self.secretary = QLineEdit()
        form.addRow("&Secretario/a:", self.secretary)
        self.authority = QLineEdit()
        form.addRow("&Autoridad:", self.authority)
        self.status = combo(EVENT_STATUSES)
        form.addRow("&Estado:", self.status)
        self.groups = QLineEdit()
        self.groups.setPlaceholderText("Grupos de valor convocados, separados por comas")
        form.addRow("&Grupos de valor:", self.groups)
        self.save_btn = QPushButton("&Guardar datos del evento")
        self.save_btn.clicked.connect(self.save)
        form.addRow(self.save_btn)
        outer.addLayout(form, 3)
        right = QVBoxLayout()
        self.agenda = QPlainTextEdit()
        lbl = QLabel("&Orden del día (un punto por línea):")
        lbl.setBuddy(self.agenda)
        right.addWidget(lbl)
        self.agenda.setTabChangesFocus(True)
        right.addWidget(self.agenda, 2)
        right.addWidget(QLabel("Conclusiones:"))
        self.conclusions = QPlainTextEdit()
        self.conclusions.setTabChangesFocus(True)
        right.addWidget(self.conclusions, 1)
        right.addWidget(QLabel("Logística (marque lo listo):"))
        self.checklist = QListWidget()
        self.checklist.itemChanged.connect(self._checklist_changed)
        right.addWidget(self.checklist, 2)
        right.addWidget(QLabel("Actividades del plan que atiende:"))
        self.activities = QListWidget()
        right.addWidget(self.activities, 1)
        outer.addLayout(right, 2)
        self._loading = False

    def refresh(self) -> None:
        from rcdesk.services.plans import PlanService
        from rcdesk.services.reference import ReferenceService

        ev = self.ev
        if ev is None:
            return
        self._loading = True
        self.title.setText(ev.title)
        set_combo(self.type, ev.event_type)
        self.date.setDate(qdate(ev.event_date))
        self.start.setTime(QTime.fromString(ev.start_time or "00:00", "HH:mm"))
        self.end.setTime(QTime.fromString(ev.end_time or "00:00", "HH:mm"))
        set_combo(self.modality, ev.modality)
        self.stream.setText(ev.stream_url or "")
        self.venue.setText(ev.venue or "")
        if self.territory.count() == 0:
            self.territory.addItem("(sin territorio)", None)
            for t in ReferenceService(self.ctx.db).territories():
                if t.level not in ("PROVINCIA", "DEPARTAMENTO"):
                    self.territory.addItem(f"{t.name} ({t.code})", t.territory_id)
        set_combo(self.territory, ev.territory_id)
        self.period.setText(ev.period_label or "")
        self.moderator.setText(ev.moderator or "")
        self.secretary.setText(ev.secretary or "")
        self.authority.setText(ev.authority or "")
        set_combo(self.status, ev.status)
        self.groups.setText(", ".join(ev.stakeholder_groups))
        self.agenda.setPlainText(ev.agenda or "")
        self.conclusions.setPlainText(ev.conclusions or "")
        self.checklist.clear()
        for item, done in ev.checklist:
            it = QListWidgetItem(item)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if done else Qt.CheckState.Unchecked)
            self.checklist.addItem(it)
        self.activities.clear()
        if ev.plan_id:
            for a in PlanService(self.ctx.db).activities(ev.plan_id):
                it = QListWidgetItem(f"{a.number} {a.description}"[:140])
                it.setData(Qt.ItemDataRole.UserRole, a.activity_id)
                it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                it.setCheckState(Qt.CheckState.Checked if a.activity_id in ev.activity_ids else Qt.CheckState.Unchecked)
                self.activities.addItem(it)
        else:
            self.activities.addItem("(el evento no está vinculado a un plan)")
        self._loading = False

    def _input(self):  # noqa: ANN202
        from rcdesk.services.events import EventInput

        acts = tuple(self.activities.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.activities.count())
                     if self.activities.item(i).checkState() == Qt.CheckState.Checked
                     and self.activities.item(i).data(Qt.ItemDataRole.UserRole))
        st, en = self.start.time().toString("HH:mm"), self.end.time().toString("HH:mm")
        return EventInput(
            title=self.title.text(), event_date=pydate(self.date.date()), event_type=self.type.currentData(),
            start_time=None if st == "00:00" else st, end_time=None if en == "00:00" else en,
            modality=self.modality.currentData(), stream_url=self.stream.text(), venue=self.venue.text(),
            territory_id=self.territory.currentData(), plan_id=self.ev.plan_id,
            institution_id=self.ev.institution_id, period_label=self.period.text(),
            agenda=self.agenda.toPlainText(), moderator=self.moderator.text(), secretary=self.secretary.text(),
            authority=self.authority.text(), status=self.status.currentData(),
            activity_ids=acts, stakeholder_groups=tuple(g.strip() for g in self.groups.text().split(",")),
            conclusions=self.conclusions.toPlainText())

    def save(self) -> None:
        from rcdesk.services.events import EventService

        def done(ev) -> None:  # noqa: ANN001
            self.ev = ev
            self._changed()
            self.ctx.events.status_message.emit("Datos del evento guardados.")

        self._save(done, EventService(self.ctx.db).update, self.ev.event_id, self._input())

    def _checklist_changed(self, _item) -> None:  # noqa: ANN001
        from rcdesk.services.events import EventService

        if self._loading or self.ev is None:
            return
        items = [(self.checklist.item(i).text(), self.checklist.item(i).checkState() == Qt.CheckState.Checked)
                 for i in range(self.checklist.count())]
        self._save(lambda ev: setattr(self, "ev", ev), EventService(self.ctx.db).set_checklist, self.ev.event_id, items)


# -- asistencia -----------------------------------------------------------------------------
class AttendanceTab(_Tab):
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
class StatsTab(_Tab):
    """Anonymous tallies (never linked to names) and charts of the event."""

    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        lay = QHBoxLayout(self)
        left = QVBoxLayout()
        note = QLabel("Conteo anónimo: copie aquí los totales de la hoja de conteo. Nunca se asocian a nombres.")
        note.setWordWrap(True)
        left.addWidget(note)
        row = QHBoxLayout()
        row.addWidget(QLabel("&Total de asistentes:"))
        self.total = QSpinBox()
        self.total.setRange(0, 1_000_000)
        row.itemAt(0).widget().setBuddy(self.total)
        row.addWidget(self.total)
        left.addLayout(row)
        self.spins: dict[tuple[str, str], QSpinBox] = {}
        self.form_holder = QWidget()
        self.form_layout = QVBoxLayout(self.form_holder)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_holder)
        left.addWidget(scroll, 1)
        self.save_btn = QPushButton("&Guardar conteo")
        self.save_btn.clicked.connect(self.save)
        left.addWidget(self.save_btn)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        left.addWidget(self.warnings)
        lay.addLayout(left, 2)
        self.charts = QWidget()
        self.charts_layout = QGridLayout(self.charts)
        cs = QScrollArea()
        cs.setWidgetResizable(True)
        cs.setWidget(self.charts)
        lay.addWidget(cs, 5)
        self._country = None

    def _build_form(self, country: str) -> None:
        from rcdesk.events import tallies

        if self._country == country:
            return
        self._country = country
        while self.form_layout.count():
            w = self.form_layout.takeAt(0).widget()
            if w:
                w.deleteLater()
        self.spins = {}
        for dim, spec in tallies.dimensions(country).items():
            box = QGroupBox(spec["label"])
            f = QFormLayout(box)
            for cat, label in spec["categories"].items():
                sp = QSpinBox()
                sp.setRange(0, 1_000_000)
                f.addRow(label, sp)
                self.spins[(dim, cat)] = sp
            self.form_layout.addWidget(box)

    def refresh(self) -> None:
        from rcdesk.services.events import EventService

        if self.ev is None:
            return
        self._build_form(self.ev.country)
        svc = EventService(self.ctx.db)
        t = svc.tally(self.ev.event_id)
        self.total.setValue(t.total)
        for (dim, cat), sp in self.spins.items():
            sp.setValue(int((t.counts.get(dim) or {}).get(cat, 0)))
        self.warnings.setText("\n".join(t.warnings))
        self._draw(svc.statistics(self.ev.event_id))

    def _draw(self, stats: dict) -> None:
        from ui.widgets.events_charts import bar_chart

        while self.charts_layout.count():
            w = self.charts_layout.takeAt(0).widget()
            if w:
                w.deleteLater()
        for i, (title, pairs) in enumerate(stats.items()):
            self.charts_layout.addWidget(bar_chart(title, pairs), i, 0)

    def save(self) -> None:
        from rcdesk.services.events import EventService

        counts: dict[str, dict[str, int]] = {}
        for (dim, cat), sp in self.spins.items():
            if sp.value():
                counts.setdefault(dim, {})[cat] = sp.value()
        def done(row) -> None:  # noqa: ANN001
            self.refresh()
            self.warnings.setText("Conteo guardado.\n" + "\n".join(row.warnings))
            self._changed()

        self._save(done, EventService(self.ctx.db).save_tally, self.ev.event_id, self.total.value(), counts)


# -- preguntas ---------------------------------------------------------------------------------
class QuestionsTab(_Tab):
    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        from rcdesk.models.events import QUESTION_CHANNELS, QUESTION_KINDS

        lay = QVBoxLayout(self)
        box = QGroupBox("Nueva pregunta ciudadana")
        f = QGridLayout(box)
        self.received = date_edit()
        self.channel = combo(QUESTION_CHANNELS)
        self.kind = combo(QUESTION_KINDS)
        self.asker = QLineEdit()
        self.asker.setPlaceholderText("Nombre de quien pregunta")
        self.contact = QLineEdit()
        self.contact.setPlaceholderText("Contacto para la respuesta")
        self.org = QLineEdit()
        self.org.setPlaceholderText("Organización")
        self.text = QLineEdit()
        self.text.setPlaceholderText("Pregunta")
        self.unit = QComboBox()
        add = QPushButton("&Agregar pregunta")
        add.clicked.connect(self.add)
        self.text.returnPressed.connect(self.add)
        for i, w in enumerate((self.received, self.channel, self.kind, self.unit)):
            f.addWidget(w, 0, i)
        for i, w in enumerate((self.asker, self.contact, self.org)):
            f.addWidget(w, 1, i)
        f.addWidget(self.text, 2, 0, 1, 3)
        f.addWidget(add, 2, 3)
        lay.addWidget(box)
        self.model = QuestionsModel(self)
        self.view = table(self.model, QuestionsModel.COL_TEXT)
        self.view.selectionModel().currentRowChanged.connect(self._selected)
        lay.addWidget(self.view, 1)
        ans = QGroupBox("Respuesta a la pregunta seleccionada")
        g = QGridLayout(ans)
        self.answer = QPlainTextEdit()
        self.answer.setTabChangesFocus(True)
        self.answer.setFixedHeight(60)
        self.answered_on = date_edit()
        self.url = QLineEdit()
        self.url.setPlaceholderText("Enlace publicado (https://…)")
        save = QPushButton("&Guardar respuesta")
        save.clicked.connect(self.save_answer)
        g.addWidget(self.answer, 0, 0, 2, 1)
        g.addWidget(self.answered_on, 0, 1)
        g.addWidget(self.url, 0, 2)
        g.addWidget(save, 1, 2)
        lay.addWidget(ans)

    def refresh(self) -> None:
        from rcdesk.services.questions import QuestionService
        from rcdesk.services.reference import ReferenceService

        if self.ev is None:
            return
        if self.unit.count() == 0:
            self.unit.addItem("(sin asignar)", None)
            for u in ReferenceService(self.ctx.db).units(self.ev.institution_id):
                self.unit.addItem(u.name, u.unit_id)
        self.model.set_rows(QuestionService(self.ctx.db).list_questions(self.ev.event_id))

    def add(self) -> None:
        from rcdesk.services.questions import QuestionInput, QuestionService

        def done(_q) -> None:  # noqa: ANN001
            for w in (self.asker, self.contact, self.org, self.text):
                w.clear()
            self.refresh()
            self._changed()
            self.asker.setFocus()

        self._save(done, QuestionService(self.ctx.db).add, QuestionInput(
            asker_name=self.asker.text(), text=self.text.text(), received_on=pydate(self.received.date()),
            channel=self.channel.currentData(), kind=self.kind.currentData(), event_id=self.ev.event_id,
            contact=self.contact.text(), organization=self.org.text(), assigned_unit_id=self.unit.currentData()))

    def _selected(self, current, _prev) -> None:  # noqa: ANN001
        q = self.model.row_at(current.row())
        if q is not None:
            self.answer.setPlainText(q.answer or "")
            self.url.setText(q.published_url or "")

    def save_answer(self) -> None:
        from rcdesk.services.questions import QuestionService

        q = selected(self.view)
        if q is None:
            QMessageBox.information(self, "Preguntas", "Seleccione una pregunta de la lista.")
            return
        self._save(self._saved, QuestionService(self.ctx.db).answer, q.question_id, self.answer.toPlainText(),
                   pydate(self.answered_on.date()), published_url=self.url.text())

    def _saved(self, _result: object = None) -> None:
        self.refresh()
        self._changed()


# -- aportes y compromisos -------------------------------------------------------------------------
class ContributionsTab(_Tab):
    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.mesa = QLineEdit()
        self.mesa.setPlaceholderText("Mesa / comisión")
        self.text = QLineEdit()
        self.text.setPlaceholderText("Aporte o sugerencia ciudadana")
        self.by = QLineEdit()
        self.by.setPlaceholderText("Presentado por (opcional)")
        add = QPushButton("&Agregar aporte")
        add.clicked.connect(self.add)
        self.text.returnPressed.connect(self.add)
        row.addWidget(self.mesa, 1)
        row.addWidget(self.text, 3)
        row.addWidget(self.by, 1)
        row.addWidget(add)
        lay.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical)
        self.cmodel = ContributionsModel(self)
        self.cview = table(self.cmodel, ContributionsModel.COL_TEXT)
        split.addWidget(self.cview)
        self.kmodel = CommitmentsModel(self)
        self.kview = table(self.kmodel, CommitmentsModel.COL_DESCRIPTION)
        split.addWidget(self.kview)
        lay.addWidget(split, 1)
        btns = QHBoxLayout()
        for text, slot in (("&Convertir en compromiso…", self.to_commitment),
                           ("&Registrar seguimiento…", self.followup)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            btns.addWidget(b)
        btns.addStretch(1)
        lay.addLayout(btns)

    def refresh(self) -> None:
        from rcdesk.services.commitments import CommitmentService

        if self.ev is None:
            return
        svc = CommitmentService(self.ctx.db)
        self.cmodel.set_rows(svc.contributions(self.ev.event_id))
        self.kmodel.set_rows(svc.list_commitments(self.ev.event_id))

    def add(self) -> None:
        from rcdesk.services.commitments import CommitmentService

        def done(_c) -> None:  # noqa: ANN001
            self.text.clear()
            self.by.clear()
            self.refresh()
            self._changed()
            self.text.setFocus()

        self._save(done, CommitmentService(self.ctx.db).add_contribution, self.ev.event_id, self.text.text(),
                   self.mesa.text(), self.by.text())

    def to_commitment(self) -> None:
        from rcdesk.services.commitments import CommitmentInput, CommitmentService
        from rcdesk.services.reference import ReferenceService

        c = selected(self.cview)
        if c is None or c.commitment_id:
            QMessageBox.information(self, "Compromisos", "Seleccione un aporte que aún no sea compromiso.")
            return
        dlg = CommitmentDialog(ReferenceService(self.ctx.db).units(self.ev.institution_id), c.text,
                               self.ev.event_date, self)
        if not dlg.exec():
            return
        v = dlg.values()
        def done(_k) -> None:  # noqa: ANN001
            self.refresh()
            self._changed()

        self._save(done, CommitmentService(self.ctx.db).add, CommitmentInput(contribution_id=c.contribution_id, **v))

    def followup(self) -> None:
        k = selected(self.kview)
        if k is None:
            QMessageBox.information(self, "Compromisos", "Seleccione un compromiso.")
            return
        record_followup(self, self.ctx, k, self.refresh)


def record_followup(parent: QWidget, ctx, k, on_saved) -> None:  # noqa: ANN001
    """Ask for a follow-up of commitment `k`, save it on the worker, then call `on_saved()`."""
    from rcdesk.services.commitments import CommitmentService

    dlg = FollowUpDialog(k.description, k.progress_pct, parent)
    if not dlg.exec():
        return
    v = dlg.values()

    def done(_result: object) -> None:
        ctx.changed(CHANGED, parent)
        on_saved()

    ctx.runner.write(
        lambda: CommitmentService(ctx.db).add_followup(k.commitment_id, v["cut_date"], v["progress_pct"],
                                                       v["narrative"], files=v["files"], links=v["links"]),
        parent=parent, on_done=done, on_user_error=lambda exc: show_error(parent, exc))


# -- evaluación ---------------------------------------------------------------------------------------
class EvaluationTab(_Tab):
    """Quick entry of paper surveys (one combo per question; Ctrl+Enter saves) and results."""

    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        lay = QHBoxLayout(self)
        left = QVBoxLayout()
        self.entry = QWidget()
        self.entry_form = QFormLayout(self.entry)
        self.entry_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        sc = QScrollArea()
        sc.setWidgetResizable(True)
        sc.setWidget(self.entry)
        left.addWidget(sc, 1)
        row = QHBoxLayout()
        self.save_btn = QPushButton("&Guardar encuesta (Ctrl+Enter)")
        self.save_btn.clicked.connect(self.save_response)
        edit = QPushButton("&Editar pregunta…")
        edit.clicked.connect(self.edit_question)
        row.addWidget(self.save_btn)
        row.addWidget(edit)
        left.addLayout(row)
        self.count = QLabel()
        left.addWidget(self.count)
        lay.addLayout(left, 2)
        self.results = QWidget()
        self.results_layout = QVBoxLayout(self.results)
        rs = QScrollArea()
        rs.setWidgetResizable(True)
        rs.setWidget(self.results)
        lay.addWidget(rs, 3)
        self.widgets: dict[str, QWidget] = {}
        self.questions = []

    def refresh(self) -> None:
        from rcdesk.services.surveys import SurveyService

        if self.ev is None:
            return
        svc = SurveyService(self.ctx.db)
        self.questions = svc.questions(self.ev.event_id)
        while self.entry_form.rowCount():
            self.entry_form.removeRow(0)
        self.widgets = {}
        for q in self.questions:
            if q.kind == "choice":
                w = QComboBox()
                w.addItem("(sin respuesta)", "")
                for i, o in enumerate(q.options, start=1):
                    w.addItem(f"{i}. {o}", o)
            else:
                w = QLineEdit()
            lbl = QLabel(f"{q.position}. {q.text}")
            lbl.setWordWrap(True)
            self.entry_form.addRow(lbl, w)
            self.widgets[q.question_id] = w
        self._results(svc)

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802
        """Ctrl+Enter anywhere in the form saves the survey (child widgets pass it up)."""
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.save_response()
            return
        super().keyPressEvent(event)

    def _results(self, svc) -> None:  # noqa: ANN001
        from ui.widgets.events_charts import bar_chart

        while self.results_layout.count():
            w = self.results_layout.takeAt(0).widget()
            if w:
                w.deleteLater()
        n = svc.response_count(self.ev.event_id)
        self.count.setText(f"{n} encuesta registrada." if n == 1 else f"{n} encuestas registradas.")
        for r in svc.results(self.ev.event_id):
            if r.question.kind == "choice":
                self.results_layout.addWidget(bar_chart(
                    f"{r.question.text} ({r.answered} respuestas)", [(o, pct) for o, _n, pct in r.counts], suffix=" %",
                    max_value=100))
            elif r.texts:
                lbl = QLabel(f"<b>{r.question.text}</b><br>" + "<br>".join(f"• {t}" for t in r.texts[:15]))
                lbl.setWordWrap(True)
                self.results_layout.addWidget(lbl)
        self.results_layout.addStretch(1)

    def save_response(self) -> None:
        from rcdesk.services.surveys import SurveyService

        answers = {}
        for qid, w in self.widgets.items():
            answers[qid] = w.currentData() if isinstance(w, QComboBox) else w.text()
        if not any(answers.values()):
            return
        def done(_result: object) -> None:
            for w in self.widgets.values():
                if isinstance(w, QComboBox):
                    w.setCurrentIndex(0)
                else:
                    w.clear()
            self._results(SurveyService(self.ctx.db))
            first = next(iter(self.widgets.values()), None)
            if first is not None:
                first.setFocus()

        self._save(done, SurveyService(self.ctx.db).add_responses, self.ev.event_id, [answers])

    def edit_question(self) -> None:
        from rcdesk.services.surveys import SurveyService

        focus = self.focusWidget()
        qid = next((k for k, w in self.widgets.items() if w is focus), None)
        q = next((x for x in self.questions if x.question_id == qid), None) or (self.questions[0] if self.questions else None)
        if q is None:
            return
        text, ok = QInputDialog.getMultiLineText(
            self, "Editar pregunta", "Primera línea: la pregunta. Líneas siguientes: las opciones (vacío = texto libre).",
            "\n".join([q.text, *q.options]))
        if not ok:
            return
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        if not lines:
            return
        kind = "choice" if len(lines) > 1 else "text"
        self._save(lambda _r: self.refresh(), SurveyService(self.ctx.db).update_question, q.question_id, lines[0],
                   kind, lines[1:])


# -- actas --------------------------------------------------------------------------------------------
def print_pdf(path: str, parent: QWidget) -> bool:
    """Send a PDF to a printer chosen in the system print dialog (pages rendered with QtPdf)."""
    from PySide6.QtCore import QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dlg = QPrintDialog(printer, parent)
    if dlg.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    doc = QPdfDocument(parent)
    doc.load(path)
    painter = QPainter(printer)
    try:
        for i in range(doc.pageCount()):
            if i:
                printer.newPage()
            vp = painter.viewport()
            pt = doc.pagePointSize(i)
            scale = min(vp.width() / pt.width(), vp.height() / pt.height())
            size = QSize(int(pt.width() * scale), int(pt.height() * scale))
            painter.drawImage(QRect(vp.topLeft(), size), doc.render(i, size))
    finally:
        painter.end()
    return True


class ActasTab(_Tab):
    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        lay = QVBoxLayout(self)
        intro = QLabel("Cada acta lleva un número, un código QR y la huella SHA-256 de su contenido en el pie de "
                       "página, y queda firmada por esta instalación. Un archivo PDF es válido solo si es una copia "
                       "exacta del emitido; una copia impresa se compara por su código con el acta archivada.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        for kind, label in (("deliberacion", "Acta de deliberación / audiencia"), ("compromiso", "Acta de compromiso")):
            row = QHBoxLayout()
            row.addWidget(QLabel(label), 1)
            b1 = QPushButton(f"Guardar PDF{'…' if kind else ''}")
            b1.setAccessibleName(f"Guardar {label}")
            b1.clicked.connect(lambda _c=False, k=kind: self.save(k))
            b2 = QPushButton("Imprimir…")
            b2.setAccessibleName(f"Imprimir {label}")
            b2.clicked.connect(lambda _c=False, k=kind: self.print_(k))
            row.addWidget(b1)
            row.addWidget(b2)
            lay.addLayout(row)
        self.model = ActasModel(self)
        self.view = table(self.model, ActasModel.COL_SHA)
        lay.addWidget(QLabel("Actas emitidas:"))
        lay.addWidget(self.view, 1)
        ver = QHBoxLayout()
        self.hash = QLineEdit()
        self.hash.setPlaceholderText("Código impreso en el pie de página (al menos 8 caracteres) o texto del QR")
        self.hash.returnPressed.connect(self.verify_hash)
        vb = QPushButton("&Verificar código")
        vb.clicked.connect(self.verify_hash)
        vf = QPushButton("Verificar &archivo PDF…")
        vf.clicked.connect(self.verify_file)
        ver.addWidget(self.hash, 2)
        ver.addWidget(vb)
        ver.addWidget(vf)
        lay.addLayout(ver)
        self.result = QLabel()
        self.result.setWordWrap(True)
        lay.addWidget(self.result)

    def refresh(self) -> None:
        from rcdesk.services.actas import ActaService

        if self.ev is not None:
            self.model.set_rows(ActaService(self.ctx.db).issued(self.ev.event_id))

    def _write(self, kind: str, path: str, then=None) -> None:  # noqa: ANN001
        """Issue the acta (numbered and recorded, so a write) on the worker; then `then()`."""
        from rcdesk.services.actas import ActaService

        def done(issued) -> None:  # noqa: ANN001
            self.refresh()
            self.result.setText(f"Acta No. {issued.number} guardada. Huella: {issued.sha256}")
            if then is not None:
                then()

        self._save(done, ActaService(self.ctx.db).write_pdf, self.ev.event_id, kind, path)

    def save(self, kind: str) -> None:
        path = save_path(self, "Guardar acta", f"acta_{kind}.pdf", "PDF (*.pdf)")
        if path:
            self._write(kind, path)

    def print_(self, kind: str) -> None:
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="rcdesk-acta-"))
        path = str(folder / f"acta_{kind}.pdf")
        self._write(kind, path, then=lambda: print_pdf(path, self))

    def _show(self, res) -> None:  # noqa: ANN001
        lines = [res.message, *res.details()]
        if not res.trusted:
            lines.insert(0, "ATENCIÓN: el registro de esta acta no se puede confiar.")
        self.result.setText("\n".join(lines))

    def verify_hash(self) -> None:
        from rcdesk.services.actas import ActaService

        res = self._try(ActaService(self.ctx.db).verify_code, self.hash.text())
        if res is not None:
            self._show(res)

    def verify_file(self) -> None:
        from rcdesk.services.actas import ActaService

        path, _ = QFileDialog.getOpenFileName(self, "Verificar acta", "", "PDF (*.pdf)")
        if path:
            res = self._try(ActaService(self.ctx.db).verify_pdf, path)
            if res is not None:
                self._show(res)
