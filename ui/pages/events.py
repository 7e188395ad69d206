"""Events page (list, month calendar, workspace with tabs) and the people directory page."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rcdesk.reports.events_common import MONTHS

from ..dialogs.events_dialogs import NewEventDialog, qdate
from ..models.events_tables import EventListModel, PeopleModel
from ..shell import PageSpec
from ..widgets.empty_hint import EmptyHint, EmptyState, go_to, load_example
from ..widgets.events.actas_tab import ActasTab
from ..widgets.events.attendance_tab import AttendanceTab
from ..widgets.events.base import selected, table
from ..widgets.events.contributions_tab import ContributionsTab
from ..widgets.events.data_tab import DataTab
from ..widgets.events.evaluation_tab import EvaluationTab
from ..widgets.events.questions_tab import QuestionsTab
from ..widgets.events.stats_tab import StatsTab
from ..widgets.search_filter import SearchBox
from ..widgets.table_menu import install_table_menu


class EventWorkspace(QWidget):
    TABS = (
        ("datos", "&Datos"),
        ("invitaciones", "&Invitaciones"),
        ("asistencia", "&Asistencia"),
        ("estadisticas", "E&stadísticas"),
        ("preguntas", "&Preguntas"),
        ("aportes", "Apo&rtes"),
        ("evaluacion", "E&valuación"),
        ("actas", "Ac&tas"),
    )

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ev = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.header = QLabel("Elija un evento de la lista o cree uno nuevo.")
        self.header.setWordWrap(True)
        f = self.header.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.15)
        self.header.setFont(f)
        lay.addWidget(self.header)
        self.tabs = QTabWidget()
        from ..widgets.events.invitations_tab import InvitationsTab

        classes = {
            "datos": DataTab,
            "invitaciones": InvitationsTab,
            "asistencia": AttendanceTab,
            "estadisticas": StatsTab,
            "preguntas": QuestionsTab,
            "aportes": ContributionsTab,
            "evaluacion": EvaluationTab,
            "actas": ActasTab,
        }
        self.pages: dict[str, QWidget] = {}
        for key, title in self.TABS:
            w = classes[key](ctx)
            w.notice_host = self  # one banner above the tabs, cleared when another event is chosen
            self.pages[key] = w
            self.tabs.addTab(w, title.replace("&", ""))
        self.tabs.setTabToolTip(
            [k for k, _ in self.TABS].index("aportes"), "Aportes ciudadanos y los compromisos que nacen de ellos"
        )
        # every tab in sight (none behind scroll arrows on a 1280-pixel screen): the splitter makes room
        self.tabs.setUsesScrollButtons(False)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tabs.setEnabled(False)
        lay.addWidget(self.tabs, 1)
        self._stale: set[str] = set()

    def set_event(self, ev) -> None:
        banner = getattr(self, "banner", None)
        if banner is not None and getattr(self.ev, "event_id", None) != getattr(ev, "event_id", None):
            banner.clear()  # «Acta … guardada» belongs to the event it was saved for
        self.ev = ev
        self.tabs.setEnabled(ev is not None)
        if ev is None:
            self.header.setText("Elija un evento de la lista o cree uno nuevo.")
            return
        self.header.setText(f"{ev.type_label}: {ev.title} — {ev.event_date:%d/%m/%Y} {ev.place}")
        self._stale = set(self.pages)
        self._tab_changed(self.tabs.currentIndex())

    def _tab_changed(self, index: int) -> None:
        """Tabs load when shown (a tab with charts is not built for nothing)."""
        key = self.TABS[index][0] if 0 <= index < len(self.TABS) else None
        if key and key in self._stale and self.ev is not None:
            self._stale.discard(key)
            self.pages[key].set_event(self.ev)

    def tab(self, key: str) -> QWidget:
        self.tabs.setCurrentIndex([k for k, _ in self.TABS].index(key))
        return self.pages[key]


class EventsPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from rcdesk.services.events import EventService

        self.ctx = ctx
        self.svc = EventService(ctx.db)
        lay = QHBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.new_btn = QPushButton("&Nuevo evento…")
        self.new_btn.clicked.connect(self.new_event)
        row.addWidget(self.new_btn)
        self.month = QComboBox()
        self.month.addItem("Todos los meses", 0)
        for i, m in enumerate(MONTHS, start=1):
            self.month.addItem(m.capitalize(), i)
        self.month.setAccessibleName("Mes")
        self.year = QSpinBox()
        self.year.setRange(0, 2100)
        self.year.setSpecialValueText("Todos los años")
        self.year.setAccessibleName("Año")
        self.month.currentIndexChanged.connect(lambda _i: self.reload())
        self.year.valueChanged.connect(lambda _v: self.reload())
        row.addWidget(self.month)
        row.addWidget(self.year)
        ll.addLayout(row)
        self.search = SearchBox("Buscar evento…")
        self.search.search.connect(lambda _t: self.reload())
        ll.addWidget(self.search)
        self.model = EventListModel(self)
        self.view = table(self.model, EventListModel.COL_TITLE)
        for c in (EventListModel.COL_TYPE, EventListModel.COL_PLACE, EventListModel.COL_STATUS):
            self.view.setColumnHidden(c, True)
        self.view.selectionModel().currentRowChanged.connect(self._selected)
        install_table_menu(
            self.view,
            [
                ("&Editar datos del evento", lambda: self.workspace.tab("datos")),
                ("Registrar &asistencia", lambda: self.workspace.tab("asistencia")),
                ("Ac&tas", lambda: self.workspace.tab("actas")),
            ],
            export=("eventos", ctx.settings),
        )
        ll.addWidget(self.view, 3)
        from ..widgets.sync_badge import install_sync_badge

        # whether the selected event has reached headquarters (issue 6's status badges)
        self.sync_badge = install_sync_badge(ctx, self.view, "event", lambda r: self.model.row_at(r).event_id, ll)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setLocale(QLocale(QLocale.Language.Spanish, QLocale.Country.Ecuador))
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.clicked.connect(self._day_clicked)
        ll.addWidget(self.calendar, 2)
        split.addWidget(left)
        self.workspace = EventWorkspace(ctx)
        self._any_events = False
        self.workspace_area = EmptyState(
            self.workspace,
            EmptyHint(
                "Todavía no hay eventos",
                "Aquí se preparan y documentan las deliberaciones, audiencias públicas y demás espacios de "
                "participación: datos del evento, invitaciones, asistencia en la puerta, preguntas y aportes "
                "ciudadanos, compromisos y actas en PDF. Empiece por crear el primer evento.",
                [("&Nuevo evento…", self.new_event), ("Cargar datos de &ejemplo", load_example(self))],
                chapter="eventos",
            ),
            is_empty=lambda: not self._any_events,
        )
        split.addWidget(self.workspace_area)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        split.setSizes([380, 960])
        lay.addWidget(split)
        ctx.events.data_changed.connect(self._on_data_changed)
        self._marked: list[date] = []
        self.reload()

    def reload(self, keep: str | None = None) -> None:
        keep = keep or (self.workspace.ev.event_id if self.workspace.ev else None)
        rows = self.svc.list_events(
            year=self.year.value() or None,
            month=(self.month.currentData() or None) if self.year.value() else None,
            text=self.search.text() or None,
        )
        self.model.set_rows(rows)
        self._note_any(rows)
        self._mark_calendar(rows)
        for i, r in enumerate(rows):
            if r.event_id == keep:
                self.view.selectRow(i)
                break

    def _note_any(self, rows) -> None:
        """Whether any event exists (a search that finds none is not «no events»): hint or workspace."""
        self._any_events = bool(rows) or bool(self.svc.list_events())
        self.workspace_area.refresh()

    def _mark_calendar(self, rows) -> None:
        plain, bold = QTextCharFormat(), QTextCharFormat()
        bold.setFontWeight(700)
        bold.setBackground(Qt.GlobalColor.yellow)
        for d in self._marked:
            self.calendar.setDateTextFormat(qdate(d), plain)
        self._marked = [r.event_date for r in rows]
        for d in self._marked:
            self.calendar.setDateTextFormat(qdate(d), bold)

    def _day_clicked(self, qd: QDate) -> None:
        for i in range(self.model.rowCount()):
            if self.model.row_at(i).event_date == date(qd.year(), qd.month(), qd.day()):
                self.view.selectRow(i)
                return

    def _selected(self, current, _prev) -> None:
        ev = self.model.row_at(current.row())
        if ev is not None:
            self.calendar.setSelectedDate(qdate(ev.event_date))
        self.workspace.set_event(ev)

    def select_event(self, event_id: str) -> None:
        self.reload(keep=event_id)

    def new_event(self) -> None:
        from rcdesk.services.installation_setup import saved_setup
        from rcdesk.services.plans import PlanService
        from rcdesk.services.reference import ReferenceService

        ref = ReferenceService(self.ctx.db)
        countries = {i.institution_id: i.country for i in ref.institutions()}
        # without a plan: the entity named in the first-start assistant, else the only country in use
        own = countries.get(saved_setup(self.ctx.db).get("institution_id"))
        default = own or (next(iter(set(countries.values()))) if len(set(countries.values())) == 1 else None)
        dlg = NewEventDialog(
            PlanService(self.ctx.db).list_plans(),
            ref.territories(),
            self.ctx.current_plan_id,
            self,
            countries=countries,
            default_country=default,
        )
        if not dlg.exec():
            return
        values = dlg.values()

        def done(ev) -> None:
            self.year.setValue(0)
            self.search.clear()
            self.reload(keep=ev.event_id)

        self.ctx.runner.write(lambda: self.svc.create(values), parent=self, on_done=done)

    def _on_data_changed(self, changes, initiator) -> None:
        if initiator is self:
            return
        if changes.events or changes.everything or changes.plans:
            current = self.workspace.ev.event_id if self.workspace.ev else None
            rows = self.svc.list_events(
                year=self.year.value() or None,
                month=(self.month.currentData() or None) if self.year.value() else None,
                text=self.search.text() or None,
            )
            self.model.set_rows(rows)
            self._note_any(rows)
            self._mark_calendar(rows)
            for i, r in enumerate(rows):
                if r.event_id == current:
                    self.view.selectionModel().blockSignals(True)
                    self.view.selectRow(i)
                    self.view.selectionModel().blockSignals(False)
                    self.workspace.ev = r
                    ws = self.workspace
                    ws.header.setText(f"{r.type_label}: {r.title} — {r.event_date:%d/%m/%Y} {r.place}")
                    # other tabs reload when shown next; the tab that wrote is already current
                    ws._stale = {k for k in ws.pages if ws.pages[k] is not initiator and k != "asistencia"}
                    for k in ws._stale:
                        ws.pages[k].ev = r
                    break


class DirectoryPage(QWidget):
    """People seen in events (de-duplicated by ID number); FTS5 search, lazily loaded; the
    data-subject requests (see and export what is held, rectify, revoke consent, anonymise)
    and the retention of identities."""

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from rcdesk.services.attendance import AttendanceService

        self.ctx = ctx
        self.svc = AttendanceService(ctx.db)
        lay = QVBoxLayout(self)
        hint = QLabel(
            "Personas registradas en eventos (sin duplicados por número de documento). Escriba parte del "
            "nombre, del documento o de la organización; no importan tildes ni mayúsculas. Para atender "
            "una solicitud del titular (acceso, rectificación, revocación, anonimización), elija a la "
            "persona y use los botones."
        )
        hint.setWordWrap(True)
        lay.addWidget(hint)
        self.search = SearchBox("Buscar persona…", delay_ms=80)
        self.search.search.connect(self.apply)
        lay.addWidget(self.search)
        self.model = PeopleModel(self)
        self.view = table(self.model, PeopleModel.COL_ORG)
        self.view.setColumnWidth(PeopleModel.COL_NAME, 320)
        self.view.setColumnWidth(PeopleModel.COL_ID, 110)
        self.view.setColumnWidth(PeopleModel.COL_TERRITORY, 160)
        self.view.setAccessibleName("Directorio de personas")
        self.view.doubleClicked.connect(lambda _i: self.show_data())
        # no «Exportar tabla» here: a person's data leaves only through «Ver y exportar datos…»
        install_table_menu(
            self.view,
            [
                ("&Ver y exportar datos…", self.show_data),
                ("&Rectificar…", self.rectify),
                ("Re&vocar consentimiento…", self.revoke),
                ("A&nonimizar…", self.anonymize),
            ],
        )
        lay.addWidget(
            EmptyState(
                self.view,
                EmptyHint(
                    "El directorio está vacío",
                    "Cada persona registrada en la asistencia de un evento entra una sola vez a este directorio "
                    "(por su número de documento), para reconocerla en el próximo evento y atender sus "
                    "solicitudes sobre sus datos. Registre asistentes en «Eventos y participación» › «Asistencia».",
                    [("Ir a &Eventos", go_to(self, "events"))],
                    chapter="eventos",
                ),
                model=self.model,
                is_empty=lambda: self.model.rowCount() == 0 and not self.search.text(),
            ),
            1,
        )
        row = QHBoxLayout()
        self.data_btn = QPushButton("&Ver y exportar datos…")
        self.data_btn.clicked.connect(self.show_data)
        self.rectify_btn = QPushButton("&Rectificar…")
        self.rectify_btn.clicked.connect(self.rectify)
        self.revoke_btn = QPushButton("Re&vocar consentimiento…")
        self.revoke_btn.clicked.connect(self.revoke)
        self.anon_btn = QPushButton("A&nonimizar…")
        self.anon_btn.clicked.connect(self.anonymize)
        self.retention_btn = QPushButton("&Conservación de datos…")
        self.retention_btn.setToolTip("Plazos de conservación y anonimización de identidades vencidas")
        self.retention_btn.clicked.connect(self.retention)
        for b in (self.data_btn, self.rectify_btn, self.revoke_btn, self.anon_btn):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.retention_btn)
        lay.addLayout(row)
        ctx.events.data_changed.connect(
            lambda ch, ini: self.apply(self.search.text()) if ch.events and ini is not self else None
        )
        self.apply("")

    def apply(self, text: str) -> None:
        self.model.set_fetch(lambda off, lim: self.svc.search_people(text, off, lim))

    def current(self):
        p = selected(self.view)
        if p is None:
            QMessageBox.information(self, "Directorio de personas", "Elija primero a una persona de la lista.")
        return p

    def _done(self, message: str, person_id: str | None = None) -> None:
        self.apply(self.search.text())
        for i in range(self.model.rowCount()):  # keep the person selected (first loaded page)
            if self.model.row_at(i).person_id == person_id:
                self.view.selectRow(i)
                break
        self.ctx.events.status_message.emit(message)

    def show_data(self) -> None:
        from ..dialogs.events_people import DossierDialog

        p = self.current()
        if p is not None:
            DossierDialog(self.ctx, p.person_id, self).exec()

    def rectify(self) -> None:
        from rcdesk.services.privacy import PrivacyService

        from ..dialogs.events_people import RectifyDialog

        p = self.current()
        if p is None:
            return
        dlg = RectifyDialog(p, self)
        if not dlg.exec():
            return
        values, svc = dlg.values(), PrivacyService(self.ctx.db)
        self.ctx.runner.write(
            lambda: svc.rectify(p.person_id, **values),
            parent=self,
            on_done=lambda res: self._done(
                f"Datos corregidos ({res['attendance_rows']} registro(s) de asistencia)."
                if res["changed"]
                else "No había nada que corregir.",
                p.person_id,
            ),
        )

    def revoke(self) -> None:
        from rcdesk.services.privacy import PrivacyService

        from ..dialogs.events_people import RevokeConsentDialog

        p = self.current()
        if p is None:
            return
        dlg = RevokeConsentDialog(p.full_name, self)
        if not dlg.exec() or not dlg.scopes():
            return
        scopes = dlg.scopes()
        if "IDENTIFICACION" in scopes and not self._confirm_anonymize(p):
            return
        svc = PrivacyService(self.ctx.db)

        def write() -> None:
            # revoking the identification anonymises, which withdraws every other use too
            for scope in ["IDENTIFICACION"] if "IDENTIFICACION" in scopes else scopes:
                svc.revoke_consent(p.person_id, scope)

        self.ctx.runner.write(
            write, parent=self, on_done=lambda _r: self._done("Consentimiento revocado.", p.person_id)
        )

    def _confirm_anonymize(self, p) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Anonimizar",
            f"Se reemplazarán el nombre, el documento y los contactos de {p.full_name} en el directorio, "
            "en su asistencia, preguntas, aportes e invitaciones. Los conteos de los eventos se "
            "conservan. No se puede deshacer. ¿Continuar?",
            parent=self,
        )
        yes = box.addButton("&Anonimizar", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Cancelar", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is yes

    def anonymize(self) -> None:
        from rcdesk.services.privacy import PrivacyService

        p = self.current()
        if p is None or not self._confirm_anonymize(p):
            return
        svc = PrivacyService(self.ctx.db)
        self.ctx.runner.write(
            lambda: svc.anonymize(p.person_id), parent=self, on_done=lambda _r: self._done("Persona anonimizada.")
        )

    def retention(self) -> None:
        from ..dialogs.events_people import RetentionDialog

        RetentionDialog(self.ctx, self).exec()
        self.apply(self.search.text())


__all__ = ["DirectoryPage", "EventsPage", "selected"]

PAGES = [
    PageSpec(
        key="events",
        title="Eventos y participación",
        order=50,
        factory=lambda ctx: EventsPage(ctx),
        icon="SP_FileDialogContentsView",
        tooltip="Deliberaciones, audiencias, asistencia, preguntas y actas",
    ),
    PageSpec(
        key="people",
        title="Directorio de personas",
        order=58,
        factory=lambda ctx: DirectoryPage(ctx),
        icon="SP_DirHomeIcon",
        tooltip="Personas que asistieron a eventos",
    ),
]
