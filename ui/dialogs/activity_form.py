"""Form to add or edit one activity of a plan, with inline Spanish validation."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from rcdesk.plans.parsed import MURC_STAGES
from rcdesk.services.plans import ActivityInput, validate_activity

ERROR_STYLE = "color: #b00020;"
CUATRI_LABELS = {1: "1.º (ene–abr)", 2: "2.º (may–ago)", 3: "3.º (sep–dic)"}


class _DateField(QWidget):
    """A date with a "sin fecha" check box (dates are optional in most plans)."""

    def __init__(self, no_date_text: str, default: date, parent=None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("dd/MM/yyyy")
        self.edit.setDate(QDate(default.year, default.month, default.day))
        self.none = QCheckBox(no_date_text, self)
        self.none.toggled.connect(lambda on: self.edit.setEnabled(not on))
        lay.addWidget(self.edit)
        lay.addWidget(self.none)
        lay.addStretch(1)
        self.setFocusProxy(self.edit)

    def value(self) -> date | None:
        if self.none.isChecked():
            return None
        d = self.edit.date()
        return date(d.year(), d.month(), d.day())

    def set_value(self, value: date | None) -> None:
        if value is not None:
            self.edit.setDate(QDate(value.year, value.month, value.day))
        self.none.setChecked(value is None)
        self.edit.setEnabled(value is not None)


class ActivityFormDialog(QDialog):
    """`groups` is a list of (group_id, label, depth); `row` an ActivityRow to edit, or None to add."""

    def __init__(
        self,
        groups: list[tuple[str, str, int]],
        row=None,
        *,
        year: int | None = None,
        default_group: str | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.row = row
        self.setWindowTitle("Editar actividad" if row is not None else "Nueva actividad")
        self.setMinimumWidth(640)
        year = year or date.today().year
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self._add_text_fields(form, groups)
        self._add_mark_boxes(form)
        self._add_date_fields(form, year)
        self._build_buttons()

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        note = QLabel("* campo obligatorio", self)
        note.setStyleSheet("color: palette(mid);")
        lay.addWidget(note)
        lay.addWidget(self.buttons)

        self._prefill(row, default_group)
        self._connect_validation()
        self.validate()
        self.description.setFocus()

    # -- building helpers ----------------------------------------------------------------
    def _add_text_fields(self, form: QFormLayout, groups: list[tuple[str, str, int]]) -> None:
        self.group = QComboBox(self)
        self.group.addItem("(sin grupo)", None)
        for gid, label, depth in groups:
            self.group.addItem("    " * depth + label, gid)
        self.group.setMaxVisibleItems(20)
        self._add(form, "&Grupo:", self.group)

        self.number = QLineEdit(self)
        self.number.setMaxLength(20)
        self.number.setMaximumWidth(120)
        self._add(form, "&Número:", self.number)

        self.description = QPlainTextEdit(self)
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(70)
        self.description_error = self._error_label()
        self._add(form, "&Descripción *:", self._with_error(self.description, self.description_error))

        self.responsible = QLineEdit(self)
        self._add(form, "&Responsable:", self.responsible)
        self.meta = QPlainTextEdit(self)
        self.meta.setTabChangesFocus(True)
        self.meta.setFixedHeight(48)
        self._add(form, "&Meta / producto:", self.meta)
        self.recursos = QLineEdit(self)
        self._add(form, "Re&cursos:", self.recursos)
        self.indicator = QLineEdit(self)
        self._add(form, "Indicad&or:", self.indicator)

    def _add_mark_boxes(self, form: QFormLayout) -> None:
        """The MURC stages and cuatrimestres the activity is marked in, as rows of checkboxes."""
        stages_box = QGroupBox("Etapas MURC", self)
        sl = QHBoxLayout(stages_box)
        self.stages: dict[str, QCheckBox] = {}
        for code, label in MURC_STAGES:
            cb = QCheckBox(label, stages_box)
            self.stages[code] = cb
            sl.addWidget(cb)
        sl.addStretch(1)
        quarters_box = QGroupBox("Cuatrimestres", self)
        ql = QHBoxLayout(quarters_box)
        self.cuatrimestres: dict[int, QCheckBox] = {}
        for q, label in CUATRI_LABELS.items():
            cb = QCheckBox(label, quarters_box)
            self.cuatrimestres[q] = cb
            ql.addWidget(cb)
        ql.addStretch(1)
        form.addRow(stages_box)
        form.addRow(quarters_box)

    def _add_date_fields(self, form: QFormLayout, year: int) -> None:
        self.start = _DateField("&sin fecha", date(year, 1, 1), self)
        self._add(form, "Fecha &inicial:", self.start)
        self.end = _DateField("sin f&echa", date(year, 12, 31), self)
        self.end_error = self._error_label()
        self._add(form, "Fecha &final:", self._with_error(self.end, self.end_error))
        self.scheduled = QLineEdit(self)
        self.scheduled.setPlaceholderText("Texto libre, p. ej. «Febrero a diciembre de 2024»")
        self._add(form, "Fecha &programada:", self.scheduled)

    def _build_buttons(self) -> None:
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Guardar")  # Enter saves; Alt+G is the group field
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancelar")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _prefill(self, row, default_group: str | None) -> None:
        if row is not None:
            self._fill(row)
        else:
            idx = self.group.findData(default_group) if default_group else -1
            self.group.setCurrentIndex(max(idx, 0))
            self.start.set_value(None)
            self.end.set_value(None)

    def _connect_validation(self) -> None:
        for w in (self.number, self.responsible, self.recursos, self.indicator, self.scheduled):
            w.textChanged.connect(self.validate)
        self.description.textChanged.connect(self.validate)
        self.meta.textChanged.connect(self.validate)
        for f in (self.start, self.end):
            f.edit.dateChanged.connect(self.validate)
            f.none.toggled.connect(self.validate)

    def _add(self, form: QFormLayout, text: str, field: QWidget) -> None:
        label = QLabel(text, self)
        label.setBuddy(field)  # focus proxies lead to the actual editor
        form.addRow(label, field)

    def _error_label(self) -> QLabel:
        label = QLabel(self)
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    def _with_error(self, field: QWidget, error: QLabel) -> QWidget:
        return _Errored(field, error, self)

    def _fill(self, a) -> None:
        idx = self.group.findData(a.group_id) if a.group_id else 0
        self.group.setCurrentIndex(max(idx, 0))
        self.number.setText(a.number)
        self.description.setPlainText(a.description)
        self.responsible.setText(a.responsible)
        self.meta.setPlainText(a.meta)
        self.recursos.setText(a.recursos)
        self.indicator.setText(a.indicator)
        for code, cb in self.stages.items():
            cb.setChecked(code in a.stages)
        for q, cb in self.cuatrimestres.items():
            cb.setChecked(q in a.cuatrimestres)
        self.start.set_value(a.start_date)
        self.end.set_value(a.end_date)
        self.scheduled.setText(a.scheduled_text)

    # -- value and validation ---------------------------------------------------------------
    def value(self) -> ActivityInput:
        return ActivityInput(
            description=self.description.toPlainText().strip(),
            group_id=self.group.currentData(),
            number=self.number.text().strip(),
            responsible=self.responsible.text().strip(),
            meta=self.meta.toPlainText().strip(),
            recursos=self.recursos.text().strip(),
            indicator=self.indicator.text().strip(),
            stages=tuple(code for code, cb in self.stages.items() if cb.isChecked()),
            cuatrimestres=tuple(q for q, cb in self.cuatrimestres.items() if cb.isChecked()),
            start_date=self.start.value(),
            end_date=self.end.value(),
            scheduled_text=self.scheduled.text().strip(),
        )

    def problems(self) -> dict[str, str]:
        return validate_activity(self.value())

    def validate(self) -> bool:
        problems = self.problems()
        for key, label in (("description", self.description_error), ("end_date", self.end_error)):
            msg = problems.get(key, "")
            label.setText(msg)
            label.setVisible(bool(msg))
        self.ok_button.setEnabled(not problems)
        return not problems

    def accept(self) -> None:
        if self.validate():
            super().accept()


class _Errored(QWidget):
    """A field with its error message right below it."""

    def __init__(self, inner: QWidget, error: QLabel, parent=None) -> None:
        super().__init__(parent)
        self.inner = inner
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(inner)
        lay.addWidget(error)
        self.setFocusProxy(inner)
