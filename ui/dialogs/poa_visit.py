"""Forms of the field-visit and oficio pages: new visit (canton, date, team, units visited,
findings), commitment agreed, new oficio (with the due date computed in business days) and
its answer. Each calls one service method; errors are shown and the dialog stays open."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
)

from rcdesk.errors import UserError

from ..tasks import show_error
from ..widgets.buttons import dialog_buttons
from ..widgets.dates import DateEdit


def _date_edit(d: date | None = None) -> QDateEdit:
    return DateEdit(d or date.today())  # Tab leaves it (QDateEdit's Tab walks day, month, year)


def _pydate(e: QDateEdit) -> date:
    d = e.date()
    return date(d.year(), d.month(), d.day())


def _text(ph: str, height: int = 70) -> QPlainTextEdit:
    w = QPlainTextEdit()
    w.setPlaceholderText(ph)
    w.setTabChangesFocus(True)
    w.setMaximumHeight(height)
    return w


class _Form(QDialog):
    """Save/Cancel form: `save()` checks the form and returns the write, which runs on the worker."""

    def __init__(self, title: str, ctx, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.runner = ctx.runner
        self.result_row = None
        self.form = QFormLayout()
        self.buttons = dialog_buttons(self, "&Guardar", self._save)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addStretch(1)
        lay.addWidget(self.buttons)

    def _save(self) -> None:
        try:
            write = self.save()
        except UserError as exc:
            show_error(self, exc)
            return
        self.runner.write(
            write,
            parent=self,
            on_done=self._saved,
            on_user_error=lambda exc: show_error(self, exc),
            source=self.parentWidget(),  # the page that opened the form reloads once it closes
        )

    def _saved(self, row) -> None:
        self.result_row = row
        self.accept()

    def save(self):
        raise NotImplementedError


class VisitDialog(_Form):
    def __init__(self, ctx, parent=None) -> None:
        super().__init__("Nueva visita de seguimiento", ctx, parent)
        from rcdesk.services.poa import PoaService
        from rcdesk.services.poa_visits import VisitService

        self.service = VisitService(ctx.db)
        self.places = PoaService(ctx.db).unit_places()
        self.resize(620, 600)
        self.canton_combo = QComboBox()
        for cid, name in sorted({(u.canton_id, u.canton_name) for u in self.places if u.canton_id}, key=lambda x: x[1]):
            self.canton_combo.addItem(name, cid)
        self.date_edit = _date_edit()
        self.team_edit = QLineEdit()
        self.team_edit.setPlaceholderText("Nombres y cargos del equipo técnico")
        self.units_list = QListWidget()
        self.purpose_edit = _text("Objetivo de la visita", 50)
        self.findings_edit = _text("Hallazgos", 90)
        self.recommendations_edit = _text("Recomendaciones", 60)
        self.form.addRow("&Cantón:", self.canton_combo)
        self.form.addRow("&Fecha:", self.date_edit)
        self.form.addRow("&Equipo:", self.team_edit)
        self.form.addRow("&Unidades visitadas:", self.units_list)
        self.form.addRow("&Objetivo:", self.purpose_edit)
        self.form.addRow("&Hallazgos:", self.findings_edit)
        self.form.addRow("&Recomendaciones:", self.recommendations_edit)
        self.canton_combo.currentIndexChanged.connect(lambda *_: self._fill_units())
        self._fill_units()

    def _fill_units(self) -> None:
        self.units_list.clear()
        cid = self.canton_combo.currentData()
        for u in self.places:
            if u.canton_id == cid:
                item = QListWidgetItem(u.name)
                item.setData(Qt.ItemDataRole.UserRole, u.unit_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.units_list.addItem(item)

    def checked_units(self) -> list[str]:
        out = []
        for i in range(self.units_list.count()):
            item = self.units_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def save(self):
        cid = self.canton_combo.currentData()
        if not cid:
            raise UserError("Elija el cantón visitado.")
        day, fields = (
            _pydate(self.date_edit),
            dict(
                team=self.team_edit.text(),
                unit_ids=self.checked_units(),
                purpose=self.purpose_edit.toPlainText(),
                findings=self.findings_edit.toPlainText(),
                recommendations=self.recommendations_edit.toPlainText(),
            ),
        )
        return lambda: self.service.add_visit(cid, day, **fields)


class CommitmentDialog(_Form):
    def __init__(self, ctx, visit, parent=None) -> None:
        super().__init__("Compromiso acordado en la visita", ctx, parent)
        from rcdesk.services.poa_visits import VisitService

        self.service = VisitService(ctx.db)
        self.visit = visit
        self.resize(520, 260)
        self.desc_edit = _text("Qué se comprometió a hacer la unidad", 70)
        self.unit_combo = QComboBox()
        self.unit_combo.addItem("(ninguna en particular)", None)
        for uid, name in zip(visit.unit_ids, visit.unit_names):
            self.unit_combo.addItem(name, uid)
        self.responsible_edit = QLineEdit()
        self.due_check = QCheckBox("Con fecha &límite")
        self.due_check.setChecked(True)
        self.due_edit = _date_edit(visit.visit_date)
        self.due_check.toggled.connect(self.due_edit.setEnabled)
        self.form.addRow("&Compromiso:", self.desc_edit)
        self.form.addRow("&Unidad:", self.unit_combo)
        self.form.addRow("&Responsable:", self.responsible_edit)
        self.form.addRow(self.due_check, self.due_edit)

    def save(self):
        desc, fields = (
            self.desc_edit.toPlainText(),
            dict(
                unit_id=self.unit_combo.currentData(),
                responsible=self.responsible_edit.text(),
                due_date=_pydate(self.due_edit) if self.due_check.isChecked() else None,
            ),
        )
        return lambda: self.service.add_commitment(self.visit.visit_id, desc, **fields)


class OficioDialog(_Form):
    def __init__(self, ctx, parent=None) -> None:
        super().__init__("Nuevo oficio (Quipux)", ctx, parent)
        from rcdesk.services.poa import PoaService
        from rcdesk.services.poa_visits import VisitService

        self.service = VisitService(ctx.db)
        self.resize(600, 420)
        self.number_edit = QLineEdit()
        self.number_edit.setPlaceholderText("p. ej. GCH-PLA-2026-0123-O")
        self.date_edit = _date_edit()
        self.unit_combo = QComboBox()
        for u in PoaService(ctx.db).unit_places():
            self.unit_combo.addItem(f"{u.name} ({u.canton_name})", u.unit_id)
        self.subject_edit = QLineEdit()
        self.items_edit = _text("Información solicitada", 80)
        self.term_spin = QSpinBox()
        self.term_spin.setRange(1, 365)
        self.term_spin.setValue(10)
        self.term_spin.setSuffix(" días hábiles")
        self.due_label = QLabel("")
        self.form.addRow("&Número:", self.number_edit)
        self.form.addRow("&Fecha de envío:", self.date_edit)
        self.form.addRow("&Unidad destinataria:", self.unit_combo)
        self.form.addRow("&Asunto:", self.subject_edit)
        self.form.addRow("&Información solicitada:", self.items_edit)
        self.form.addRow("&Término:", self.term_spin)
        self.form.addRow("Vence:", self.due_label)
        for signal in (self.date_edit.dateChanged, self.term_spin.valueChanged, self.unit_combo.currentIndexChanged):
            signal.connect(lambda *_: self._update_due())
        self._update_due()

    def _update_due(self) -> None:
        uid = self.unit_combo.currentData()
        if not uid:
            self.due_label.setText("")
            return
        due = self.service.due_date(uid, _pydate(self.date_edit), self.term_spin.value())
        self.due_label.setText(f"{due:%d/%m/%Y} (sin contar fines de semana ni feriados)")

    def save(self):
        uid = self.unit_combo.currentData()
        if not uid:
            raise UserError("Elija la unidad destinataria.")
        args = (self.number_edit.text(), _pydate(self.date_edit), uid, self.subject_edit.text())
        fields = dict(term_days=self.term_spin.value(), requested_items=self.items_edit.toPlainText())
        return lambda: self.service.add_oficio(*args, **fields)


class AnswerDialog(_Form):
    def __init__(self, ctx, oficio, parent=None) -> None:
        super().__init__(f"Respuesta al oficio {oficio.quipux_no}", ctx, parent)
        from rcdesk.services.poa_visits import VisitService

        self.service = VisitService(ctx.db)
        self.oficio = oficio
        self.date_edit = _date_edit()
        self.ref_edit = QLineEdit()
        self.ref_edit.setPlaceholderText("Número del documento de respuesta")
        self.form.addRow(
            QLabel(f"{oficio.subject}\nDestinatario: {oficio.addressee}; vencía el {oficio.due_date:%d/%m/%Y}")
        )
        self.form.addRow("&Fecha de respuesta:", self.date_edit)
        self.form.addRow("&Referencia:", self.ref_edit)

    def save(self):
        day, ref = _pydate(self.date_edit), self.ref_edit.text()
        return lambda: self.service.answer_oficio(self.oficio.oficio_id, day, ref)
