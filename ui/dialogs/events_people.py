"""Dialogs of the people directory: pick people (invitations), what is held about a person
(export JSON/PDF), rectification, consent revocation, and retention (preview + confirmation)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..models.events_tables import PeopleModel
from ..tasks import show_error
from ..widgets.buttons import OK, dialog_buttons
from ..widgets.search_filter import SearchBox


def _table(model):
    from ..widgets.events.base import table

    t = table(model, PeopleModel.COL_ORG)
    t.setColumnWidth(PeopleModel.COL_NAME, 260)
    t.setColumnWidth(PeopleModel.COL_ID, 100)
    return t


class PersonPickerDialog(QDialog):
    """Search the directory and choose one or more people (Ctrl/Mayús + clic or Mayús + flechas)."""

    def __init__(self, ctx, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from rcdesk.services.attendance import AttendanceService

        self.setWindowTitle(title)
        self.resize(720, 460)
        self.svc = AttendanceService(ctx.db)
        lay = QVBoxLayout(self)
        self.search = SearchBox("Buscar por nombre, documento u organización…", delay_ms=80)
        self.search.search.connect(self.apply)
        lay.addWidget(self.search)
        self.model = PeopleModel(self)
        self.view = _table(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.doubleClicked.connect(lambda _i: self.accept())
        lay.addWidget(self.view, 1)
        buttons = dialog_buttons(self, "&Invitar", accept_button=OK)
        lay.addWidget(buttons)
        self.apply("")

    def apply(self, text: str) -> None:
        self.model.set_fetch(lambda off, lim: self.svc.search_people(text, off, lim))

    def chosen(self) -> list:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        return [p for p in (self.model.row_at(r) for r in rows) if p is not None]


class DossierDialog(QDialog):
    """What the entity holds about a person (access request), with export to JSON or PDF."""

    def __init__(self, ctx, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from rcdesk.services.privacy import PrivacyService

        self.ctx, self.person_id = ctx, person_id
        self.svc = PrivacyService(ctx.db)
        d = self.svc.dossier(person_id)
        self.person_name = d.person["full_name"]
        self.setWindowTitle(f"Datos de {self.person_name}")
        self.resize(820, 560)
        lay = QVBoxLayout(self)
        self.text = QPlainTextEdit(dossier_text(d))
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Datos que se conservan")
        lay.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("&Cerrar")
        self.pdf_btn = buttons.addButton("Guardar &PDF…", QDialogButtonBox.ButtonRole.ActionRole)
        self.json_btn = buttons.addButton("Guardar &JSON…", QDialogButtonBox.ButtonRole.ActionRole)
        self.pdf_btn.clicked.connect(lambda: self.save("pdf"))
        self.json_btn.clicked.connect(lambda: self.save("json"))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.saved: str | None = None

    def save(self, kind: str) -> None:
        from ..files import announce_saved, ask_save_path, default_name

        filt = "PDF (*.pdf)" if kind == "pdf" else "JSON (*.json)"
        # the person's name: an access request answered for two people gives two files
        path = ask_save_path(
            self,
            self.ctx.settings,
            kind="datos-personales",
            title="Guardar datos de la persona",
            name=default_name("datos personales", self.person_name, suffix=kind),
            filters=filt,
            suffix=kind,
        )
        if path is None:
            return
        svc, person_id = self.svc, self.person_id

        def done(_result) -> None:
            self.saved = str(path)
            announce_saved(self, path, "Datos de la persona guardados")

        # the export is logged in the audit trail: a write, so it runs on the worker
        self.ctx.runner.write(
            lambda: svc.export(person_id, str(path)),
            parent=self,
            on_done=done,
            on_user_error=lambda exc: show_error(self, exc),
        )


def dossier_text(d) -> str:
    from rcdesk.reports.events_common import short_date

    p = d.person
    lines = [
        f"{p['full_name']} — documento: {p['id_number'] or 'sin documento'}",
        f"Organización: {p['organization'] or '—'}   Territorio: {p['territory'] or '—'}",
        f"Teléfono: {p['phone'] or '—'}   Correo: {p['email'] or '—'}   Menor de edad: "
        f"{'sí' if p['is_minor'] else 'no'}",
        "",
    ]

    def block(title: str, items, fmt) -> None:
        lines.append(f"{title} ({len(items)})")
        lines.extend(f"  • {fmt(x)}" for x in items)
        if not items:
            lines.append("  (ninguno)")
        lines.append("")

    block(
        "Asistencia a eventos",
        d.attendance,
        lambda a: f"{short_date(a['event_date'])} {a['event_title']} — Nº {a['seq_no']} (vínculo: {a['match']})",
    )
    block(
        "Consentimientos",
        d.consents,
        lambda c: (
            f"{short_date(c['given_at'])} {c['event_title']}: {', '.join(c['scopes']) or 'ningún alcance vigente'}"
            + (f" — revocado {short_date(c['revoked_at'])}" if c["revoked_at"] else "")
        ),
    )
    block("Preguntas", d.questions, lambda q: f"{short_date(q['received_on'])} {q['text']} (vínculo: {q['match']})")
    block("Aportes", d.contributions, lambda c: f"{c['event_title']}: {c['text']}")
    block(
        "Compromisos originados en sus aportes",
        d.commitments,
        lambda c: f"{c['description']} — {c['status']}, plazo {short_date(c['due_date'])}",
    )
    block("Invitaciones", d.invitations, lambda i: f"{short_date(i['event_date'])} {i['event_title']}: {i['status']}")
    return "\n".join(lines)


class RectifyDialog(QDialog):
    def __init__(self, person, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rectificar datos")
        self.setMinimumWidth(520)
        self.person = person
        form = QFormLayout(self)
        form.addRow(QLabel("La corrección se aplica también a sus registros de asistencia."))
        self.name = QLineEdit(person.full_name)
        form.addRow("&Nombres y apellidos:", self.name)
        self.id_number = QLineEdit(person.id_number or "")
        form.addRow("&Documento:", self.id_number)
        self.org = QLineEdit(person.organization or "")
        form.addRow("&Organización:", self.org)
        self.phone = QLineEdit(person.phone or "")
        form.addRow("&Teléfono:", self.phone)
        self.email = QLineEdit(person.email or "")
        form.addRow("&Correo:", self.email)
        buttons = dialog_buttons(self, "&Guardar corrección")
        form.addRow(buttons)

    def values(self) -> dict:
        """Only the fields the user changed (None = leave as is)."""
        p = self.person

        def changed(w: QLineEdit, old: str | None) -> str | None:
            v = w.text().strip()
            return None if v == (old or "") else v

        return {
            "full_name": changed(self.name, p.full_name),
            "id_number": changed(self.id_number, p.id_number),
            "organization": changed(self.org, p.organization),
            "phone": changed(self.phone, p.phone),
            "email": changed(self.email, p.email),
        }


class RevokeConsentDialog(QDialog):
    EFFECTS = {
        "CONTACTO": "se borran su teléfono y correo",
        "DATOS_SENSIBLES": "se borran su género y autoidentificación de los registros con nombre",
        "IDENTIFICACION": "se anonimiza a la persona (no se puede deshacer)",
    }

    def __init__(self, person_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from rcdesk.models.events import CONSENT_SCOPES

        self.setWindowTitle("Revocar consentimiento")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"¿Qué autorización revoca {person_name}?"))
        self.boxes: dict[str, QCheckBox] = {}
        for key, label in CONSENT_SCOPES.items():
            b = QCheckBox(f"{label}: {self.EFFECTS[key]}")
            self.boxes[key] = b
            lay.addWidget(b)
        buttons = dialog_buttons(self, "&Revocar", accept_button=OK)
        lay.addWidget(buttons)

    def scopes(self) -> list[str]:
        return [k for k, b in self.boxes.items() if b.isChecked()]


class RetentionDialog(QDialog):
    """Years to keep identities per record type, the preview of what is past retention, and the
    anonymisation itself after an explicit confirmation (a job with progress and Cancelar)."""

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from rcdesk.services.privacy import MAX_YEARS, RECORD_TYPES, PrivacyService

        self.ctx = ctx
        self.svc = PrivacyService(ctx.db)
        self.setWindowTitle("Conservación de datos personales")
        self.resize(860, 560)
        lay = QVBoxLayout(self)
        intro = QLabel(
            "Las identidades (nombres, documentos, contactos) se anonimizan cuando pasan los años de "
            "conservación contados desde el año del evento. Los conteos, organizaciones, territorios y "
            "textos de preguntas y aportes se conservan."
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        grid = QGridLayout()
        self.years: dict[str, QSpinBox] = {}
        current = self.svc.retention_years()
        for i, (key, label) in enumerate(RECORD_TYPES.items()):
            sb = QSpinBox()
            sb.setRange(1, MAX_YEARS)
            sb.setSuffix(" años")
            sb.setValue(current[key])
            sb.setAccessibleName(label)
            sb.setMinimumWidth(110)
            lbl = QLabel(label + ":")
            lbl.setBuddy(sb)
            grid.addWidget(lbl, i, 0)
            grid.addWidget(sb, i, 1)
            self.years[key] = sb
        self.save_btn = QPushButton("&Guardar plazos y revisar")
        self.save_btn.clicked.connect(self.save_years)
        grid.addWidget(self.save_btn, 0, 2)
        grid.setColumnStretch(3, 1)
        lay.addLayout(grid)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["Fecha", "Evento", "Asistentes", "Preguntas", "Aportes", "Invitaciones"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setAccessibleName("Vista previa")
        from PySide6.QtWidgets import QHeaderView

        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("&Cerrar")
        self.apply_btn = buttons.addButton("&Anonimizar vencidos…", QDialogButtonBox.ButtonRole.ActionRole)
        self.apply_btn.clicked.connect(self.apply)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.result: dict | None = None
        self.preview()

    def save_years(self) -> None:
        svc, years = self.svc, {k: sb.value() for k, sb in self.years.items()}
        self.ctx.runner.write(
            lambda: svc.set_retention_years(years),
            parent=self,
            on_done=lambda _r: self.preview(),
            on_user_error=lambda exc: show_error(self, exc),
        )

    def preview(self) -> None:
        from rcdesk.reports.events_common import short_date

        self.prev = p = self.svc.retention_preview()
        t = p.totals()
        self.table.setRowCount(len(p.events))
        for r, e in enumerate(p.events):
            for c, v in enumerate(
                (short_date(e.event_date), e.title, e.attendance, e.questions, e.contributions, e.invitations)
            ):
                it = QTableWidgetItem(str(v))
                if c >= 2:
                    it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, it)
        self.table.resizeColumnToContents(0)
        if p.empty:
            self.summary.setText(f"Al {p.today:%d/%m/%Y} no hay identidades vencidas: no hay nada que anonimizar.")
        else:
            self.summary.setText(
                f"Vencidos al {p.today:%d/%m/%Y}: {t['attendance']} registros de asistencia, {t['questions']} "
                f"preguntas, {t['contributions']} aportes y {t['invitations']} invitaciones de {len(p.events)} "
                f"evento(s); {t['people']} persona(s) saldrán del directorio."
            )
        self.apply_btn.setEnabled(not p.empty)

    def apply(self) -> None:
        t = self.prev.totals()
        n = t["attendance"] + t["questions"] + t["contributions"] + t["invitations"]
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Anonimizar identidades vencidas",
            f"Se anonimizarán {n} registro(s) y {t['people']} persona(s) del directorio. "
            "No se puede deshacer. ¿Continuar?",
            parent=self,
        )
        yes = box.addButton("&Anonimizar", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Cancelar", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not yes:
            return

        def done(res) -> None:
            self.result = res
            self.ctx.events.status_message.emit("Identidades vencidas anonimizadas.")
            self.preview()

        today = self.prev.today
        self.ctx.runner.run(
            lambda progress, cancel: self.svc.apply_retention(today, progress=progress, cancel=cancel),
            title="Anonimizando identidades vencidas…",
            parent=self,
            on_done=done,
            on_error=lambda exc: show_error(self, exc),
        )
