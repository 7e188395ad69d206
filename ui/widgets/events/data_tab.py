"""«Datos» tab of the event workspace: what, when, where and who of the event, its agenda,
conclusions, logistics and the plan activities it serves."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
)

from ...dialogs.events_dialogs import date_edit, pydate, qdate
from ..territory_picker import TerritoryField
from .base import EventTab, combo, set_combo


class DataTab(EventTab):
    def __init__(self, ctx, parent=None) -> None:
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
        self.territory = TerritoryField()
        lbl = QLabel("&Cantón/parroquia:")
        lbl.setBuddy(self.territory.button)
        form.addRow(lbl, self.territory)
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
        self._territory_country: str | None = None

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
        if self._territory_country != ev.country:  # only the event's country: no municipality among cantons
            self._territory_country = ev.country
            self.territory.set_territories(ReferenceService(self.ctx.db).territories(ev.country))
        self.territory.set_current(ev.territory_id)
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

    def _input(self):
        from rcdesk.services.events import EventInput

        acts = tuple(
            self.activities.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.activities.count())
            if self.activities.item(i).checkState() == Qt.CheckState.Checked
            and self.activities.item(i).data(Qt.ItemDataRole.UserRole)
        )
        st, en = self.start.time().toString("HH:mm"), self.end.time().toString("HH:mm")
        return EventInput(
            title=self.title.text(),
            event_date=pydate(self.date.date()),
            event_type=self.type.currentData(),
            start_time=None if st == "00:00" else st,
            end_time=None if en == "00:00" else en,
            modality=self.modality.currentData(),
            stream_url=self.stream.text(),
            venue=self.venue.text(),
            territory_id=self.territory.currentData(),
            plan_id=self.ev.plan_id,
            institution_id=self.ev.institution_id,
            period_label=self.period.text(),
            agenda=self.agenda.toPlainText(),
            moderator=self.moderator.text(),
            secretary=self.secretary.text(),
            authority=self.authority.text(),
            status=self.status.currentData(),
            activity_ids=acts,
            stakeholder_groups=tuple(g.strip() for g in self.groups.text().split(",")),
            conclusions=self.conclusions.toPlainText(),
        )

    def save(self) -> None:
        from rcdesk.services.events import EventService

        def done(ev) -> None:
            self.ev = ev
            self.ctx.events.status_message.emit("Datos del evento guardados.")

        # the version this form shows: another operator's save meanwhile is refused, never overwritten
        version = self.ev.version
        self._save(done, EventService(self.ctx.db).update, self.ev.event_id, self._input(), expected_version=version)

    def _checklist_changed(self, _item) -> None:
        from rcdesk.services.events import EventService

        if self._loading or self.ev is None:
            return
        items = [
            (self.checklist.item(i).text(), self.checklist.item(i).checkState() == Qt.CheckState.Checked)
            for i in range(self.checklist.count())
        ]
        self._save(lambda ev: setattr(self, "ev", ev), EventService(self.ctx.db).set_checklist, self.ev.event_id, items)


# -- asistencia -----------------------------------------------------------------------------
