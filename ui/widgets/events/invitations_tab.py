"""«Invitaciones» tab of the event workspace: a table of invitees with their confirmation status
(chosen from a combo), counts per status, and invitations by name or from the people directory."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rcdesk.errors import UserError

from ...models.events_tables import InvitationsModel
from ..empty_hint import hinted
from ..table_menu import install_table_menu
from .base import EventTab, selected, set_combo, table


class InvitationsTab(EventTab):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        from rcdesk.models.events import INVITATION_STATUSES

        lay = QVBoxLayout(self)
        add = QHBoxLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText("Nombre del invitado/a")
        self.name.setAccessibleName("Nombre del invitado/a")
        self.org = QLineEdit()
        self.org.setPlaceholderText("Organización")
        self.org.setAccessibleName("Organización")
        self.group = QLineEdit()
        self.group.setPlaceholderText("Grupo de valor")
        self.group.setAccessibleName("Grupo de valor")
        self.contact = QLineEdit()
        self.contact.setPlaceholderText("Teléfono o correo (opcional)")
        self.contact.setAccessibleName("Contacto")
        for w in (self.name, self.org, self.group, self.contact):
            w.returnPressed.connect(self.add_by_name)
        lbl = QLabel("&Invitar:")
        lbl.setBuddy(self.name)
        add.addWidget(lbl)
        add.addWidget(self.name, 3)
        add.addWidget(self.org, 3)
        add.addWidget(self.group, 2)
        add.addWidget(self.contact, 2)
        self.add_btn = QPushButton("&Agregar")
        self.add_btn.clicked.connect(self.add_by_name)
        add.addWidget(self.add_btn)
        self.pick_btn = QPushButton("Desde el &directorio…")
        self.pick_btn.setToolTip("Invitar a personas que ya asistieron a otros eventos")
        self.pick_btn.clicked.connect(self.add_from_directory)
        add.addWidget(self.pick_btn)
        lay.addLayout(add)
        self.model = InvitationsModel(self)
        self.view = table(self.model, InvitationsModel.COL_NAME)
        self.view.setAccessibleName("Invitaciones")
        install_table_menu(self.view, [("&Quitar invitación…", self.remove)])  # names and contacts: not exported
        self.view.selectionModel().currentRowChanged.connect(self._current)
        lay.addWidget(
            hinted(
                self.view,
                self.model,
                "Nadie invitado todavía",
                "Lleve aquí la lista de invitados al evento y su confirmación. Escriba arriba el nombre, la "
                "organización y el contacto de cada persona y pulse «Agregar», o invite a quienes ya asistieron "
                "a otros eventos.",
                [
                    ("Desde el &directorio…", self.add_from_directory),
                    ("Escribir un &nombre", lambda: self.name.setFocus()),
                ],
                chapter="eventos",
            ),
            1,
        )
        bottom = QHBoxLayout()
        self.status = QComboBox()
        for k, v in INVITATION_STATUSES.items():
            self.status.addItem(v, k)
        self.status.setEnabled(False)
        self.status.activated.connect(self._status_chosen)
        lbl = QLabel("&Confirmación de la persona elegida:")
        lbl.setBuddy(self.status)
        bottom.addWidget(lbl)
        bottom.addWidget(self.status)
        self.remove_btn = QPushButton("&Quitar invitación")
        self.remove_btn.setEnabled(False)
        self.remove_btn.clicked.connect(self.remove)
        bottom.addWidget(self.remove_btn)
        bottom.addStretch(1)
        self.counts = QLabel()
        bottom.addWidget(self.counts)
        lay.addLayout(bottom)

    def refresh(self) -> None:
        from rcdesk.models.events import INVITATION_STATUSES
        from rcdesk.services.events import EventService

        if self.ev is None:
            return
        keep = getattr(selected(self.view), "invitation_id", None)
        svc = EventService(self.ctx.db)
        rows = svc.invitations(self.ev.event_id)
        self.model.set_rows(rows)
        c = svc.invitation_counts(self.ev.event_id)
        self.counts.setText(
            f"{c['total']} invitados/as: " + ", ".join(f"{c[k]} {v.lower()}" for k, v in INVITATION_STATUSES.items())
        )
        for i, r in enumerate(rows):
            if r.invitation_id == keep:
                self.view.selectRow(i)
                break
        else:
            self._current(self.view.currentIndex(), None)

    def _current(self, current, _prev) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        self.status.setEnabled(row is not None)
        self.remove_btn.setEnabled(row is not None)
        if row is not None:
            set_combo(self.status, row.status)

    def _status_chosen(self, _index: int) -> None:
        from rcdesk.services.events import EventService

        row = selected(self.view)
        if row is None or row.status == self.status.currentData():
            return
        self._save(
            lambda _r: self.refresh(),
            EventService(self.ctx.db).set_invitation_status,
            row.invitation_id,
            self.status.currentData(),
        )

    def add_by_name(self) -> None:
        from rcdesk.services.events import EventService

        if self.ev is None:
            return

        def done(r) -> None:
            for w in (self.name, self.org, self.contact):
                w.clear()
            self.refresh()
            self._select(r.invitation_id)
            self.name.setFocus()

        self._save(
            done,
            EventService(self.ctx.db).add_invitation,
            self.ev.event_id,
            self.name.text(),
            self.org.text(),
            self.group.text(),
            self.contact.text(),
        )

    def add_from_directory(self) -> None:
        from rcdesk.services.events import EventService

        from ...dialogs.events_people import PersonPickerDialog

        if self.ev is None:
            return
        dlg = PersonPickerDialog(self.ctx, "Invitar desde el directorio", self)
        if not dlg.exec():
            return
        svc, event_id, group, chosen = (
            EventService(self.ctx.db),
            self.ev.event_id,
            self.group.text() or None,
            dlg.chosen(),
        )

        def invite() -> tuple[int, list[str]]:
            added, problems = 0, []
            for p in chosen:
                try:
                    svc.invite_person(event_id, p.person_id, group)
                    added += 1
                except UserError as exc:  # e.g. already invited: listed together below
                    problems.append(str(exc))
            return added, problems

        def done(result: tuple[int, list[str]]) -> None:
            added, problems = result
            self.refresh()
            if problems:
                QMessageBox.information(
                    self, "Invitaciones", f"Se invitó a {added} persona(s).\n" + "\n".join(problems)
                )

        self._save(done, invite)

    def remove(self) -> None:
        from rcdesk.services.events import EventService

        row = selected(self.view)
        if row is None:
            return
        if (
            QMessageBox.question(self, "Quitar invitación", f"¿Quitar a {row.name} de la lista de invitados?")
            != QMessageBox.StandardButton.Yes
        ):
            return
        self._save(lambda _r: self.refresh(), EventService(self.ctx.db).remove_invitation, row.invitation_id)

    def _select(self, invitation_id: str) -> None:
        for i in range(self.model.rowCount()):
            if self.model.row_at(i).invitation_id == invitation_id:
                self.view.selectRow(i)
                return
