"""Forms to build a POA by hand: new POA (unit, year, periodicity), objective, and meta with
its indicators and programming per period (planned quantity and budget).

Each form calls one `PoaEditService` method; errors are shown and the form stays open.
The meta form shows the sum of the programming against the annual target while typing and
asks before saving when they do not match (domain.md §8.3: a warning, not an error)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from rcdesk.errors import UserError
from rcdesk.poa.periods import PERIOD_COUNTS, period_name

from ..formatting import number_as_typed
from ..tasks import show_error
from ..widgets.buttons import dialog_buttons

POLARITY_LABELS = {"INCREMENTO": "Incremento", "REDUCCION": "Reducción", "MANTENIMIENTO": "Mantenimiento"}
ACCUMULATION_LABELS = {"SUMA": "Suma", "ULTIMO_VALOR": "Último valor", "PROMEDIO": "Promedio"}
PERIOD_KIND_LABELS = {
    "trimestre": "Trimestral (4 periodos)",
    "cuatrimestre": "Cuatrimestral (3 periodos)",
    "mes": "Mensual (12 periodos)",
}
COL_QTY, COL_BUDGET = 0, 1
IND_NAME, IND_FORMULA, IND_ACC, IND_SOURCE = range(4)


def _text(ph: str, height: int = 64) -> QPlainTextEdit:
    w = QPlainTextEdit()
    w.setPlaceholderText(ph)
    w.setTabChangesFocus(True)
    w.setMaximumHeight(height)
    return w


class _Form(QDialog):
    """Save/Cancel form. `save()` checks the form on the GUI thread and returns the write to run
    (a function without arguments, run on the worker), or None to go back; a UserError from
    either keeps the form open."""

    def __init__(self, title: str, ctx, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.runner = ctx.runner
        self.result_row = None
        self.buttons = dialog_buttons(self, "&Guardar", self._save)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self._save)

    def _save(self) -> None:
        try:
            write = self.save()
        except UserError as exc:
            show_error(self, exc)
            return
        if write is None:  # the user chose to go back and fix something
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


class NewPoaDialog(_Form):
    """Nuevo POA: unit (type to search), fiscal year and periodicity."""

    def __init__(self, ctx, parent=None, year: int | None = None) -> None:
        super().__init__("Nuevo POA", ctx, parent)
        from rcdesk.services.poa import PoaService
        from rcdesk.services.poa_edit import PoaEditService

        self.service = PoaEditService(ctx.db)
        self.unit_combo = QComboBox()
        self.unit_combo.setEditable(True)
        self.unit_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.unit_combo.setMinimumContentsLength(40)
        for u in PoaService(ctx.db).unit_places():
            self.unit_combo.addItem(f"{u.name} — {u.canton_name}", u.unit_id)
        completer = self.unit_combo.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1990, 2100)
        self.year_spin.setValue(year or date.today().year)
        self.kind_combo = QComboBox()
        for k, label in PERIOD_KIND_LABELS.items():
            self.kind_combo.addItem(label, k)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Opcional, p. ej. «POA 2026 Jefatura Política de Guano»")
        form = QFormLayout()
        for text, w in (
            ("&Unidad:", self.unit_combo),
            ("&Año fiscal:", self.year_spin),
            ("&Periodicidad:", self.kind_combo),
            ("&Título:", self.title_edit),
        ):
            form.addRow(text, w)
        hint = QLabel("Después agregue los objetivos y las metas con «Nuevo objetivo…» y «Nueva meta…».")
        hint.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(hint)
        lay.addWidget(self.buttons)

    def select_unit(self, unit_id: str) -> None:
        i = self.unit_combo.findData(unit_id)
        if i >= 0:
            self.unit_combo.setCurrentIndex(i)

    def save(self):
        i = self.unit_combo.findText(self.unit_combo.currentText(), Qt.MatchFlag.MatchExactly)
        if i < 0:
            raise UserError(
                f"Unidad: «{self.unit_combo.currentText()}» no es una unidad registrada; elíjala de "
                "la lista (regístrela antes en la página de la entidad)."
            )
        args = (
            self.unit_combo.itemData(i),
            self.year_spin.value(),
            self.kind_combo.currentData(),
            self.title_edit.text(),
        )
        return lambda: self.service.create_poa(*args)


class ObjectiveDialog(_Form):
    def __init__(self, ctx, poa_id: str, objective_id: str | None = None, parent=None) -> None:
        super().__init__("Editar objetivo" if objective_id else "Nuevo objetivo", ctx, parent)
        from rcdesk.services.poa_edit import PoaEditService

        self.service = PoaEditService(ctx.db)
        self.poa_id = poa_id
        self.objective_id = objective_id
        self.code_edit = QLineEdit()
        self.code_edit.setMaxLength(30)
        self.code_edit.setPlaceholderText("p. ej. OE1")
        self.description_edit = _text("Objetivo estratégico / competencia / función", 80)
        self.alignment_edit = _text("Alineación al PND, PEI o PDOT (opcional)", 60)
        self.version: int | None = None  # what this form read: another operator's save meanwhile is refused
        if objective_id:
            o = self.service.objective(objective_id)
            self.version = o.version
            self.code_edit.setText(o.code)
            self.description_edit.setPlainText(o.description)
            self.alignment_edit.setPlainText(o.alignment)
        form = QFormLayout()
        for text, w in (
            ("&Código:", self.code_edit),
            ("&Objetivo:", self.description_edit),
            ("A&lineación:", self.alignment_edit),
        ):
            form.addRow(text, w)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def save(self):
        args = (
            self.poa_id,
            self.description_edit.toPlainText(),
            self.code_edit.text(),
            self.alignment_edit.toPlainText(),
        )
        version = self.version
        return lambda: self.service.save_objective(*args, objective_id=self.objective_id, expected_version=version)


class MetaDialog(_Form):
    """Meta form: data on the left; programming per period and indicators on the right."""

    def __init__(
        self, ctx, poa, objectives: list[tuple[str, str]], objective_id: str, meta_id: str | None = None, parent=None
    ) -> None:
        super().__init__("Editar meta" if meta_id else "Nueva meta", ctx, parent)
        from rcdesk.services.poa_edit import PoaEditService

        self.service = PoaEditService(ctx.db)
        self.poa = poa
        self.meta_id = meta_id
        self.kind = poa.period_kind
        self.n = PERIOD_COUNTS[self.kind]
        detail = self.service.meta(meta_id) if meta_id else None
        self.detail = detail
        form = self._build_form(objectives, objective_id)
        right = QVBoxLayout()
        right.addWidget(self._build_programming(), 3)
        right.addWidget(self._build_indicators(), 2)
        body = QHBoxLayout()
        body.addLayout(form, 5)
        body.addLayout(right, 5)
        lay = QVBoxLayout(self)
        lay.addLayout(body)
        lay.addWidget(self.buttons)
        self._load(detail)
        self.update_sum()
        self.resize(1040, min(640, max(520, self.sizeHint().height())))

    def _build_form(self, objectives: list[tuple[str, str]], objective_id: str) -> QFormLayout:
        """The data of the meta, on the left."""
        self.objective_combo = QComboBox()
        for oid, label in objectives:
            self.objective_combo.addItem(label if len(label) < 70 else label[:67] + "…", oid)
            self.objective_combo.setItemData(self.objective_combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        self.objective_combo.setCurrentIndex(max(self.objective_combo.findData(objective_id), 0))
        self.objective_combo.setMinimumContentsLength(30)
        self.objective_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.number_edit = QLineEdit()
        self.number_edit.setMaxLength(20)
        self.number_edit.setPlaceholderText("p. ej. 1.1")
        self.description_edit = _text("Descripción de la meta", 70)
        self.uom_edit = QLineEdit()
        self.uom_edit.setMaxLength(100)
        self.uom_edit.setPlaceholderText("p. ej. Mesa de seguridad, Operativo, Informe")
        self.target_edit = QLineEdit()
        self.target_edit.setPlaceholderText("0")
        self.baseline_edit = QLineEdit()
        self.baseline_edit.setPlaceholderText("opcional")
        self.polarity_combo = QComboBox()
        for k, label in POLARITY_LABELS.items():
            self.polarity_combo.addItem(label, k)
        self.polarity_combo.setToolTip(
            "Incremento: más es mejor; Reducción: menos es mejor; Mantenimiento: sostener el valor"
        )
        self.codificado_edit = QLineEdit()
        self.codificado_edit.setPlaceholderText("opcional, USD")
        self.contribution_edit = _text("Cómo aporta al plan de desarrollo (opcional)", 56)
        for w in (self.target_edit, self.baseline_edit, self.codificado_edit):
            w.setAlignment(Qt.AlignmentFlag.AlignRight)
            w.setMaximumWidth(140)
        form = QFormLayout()
        for text, w in (
            ("O&bjetivo:", self.objective_combo),
            ("&No. de meta:", self.number_edit),
            ("&Meta:", self.description_edit),
            ("&Unidad de medida:", self.uom_edit),
            ("Meta &anual:", self.target_edit),
            ("&Línea base:", self.baseline_edit),
            ("&Polaridad:", self.polarity_combo),
            ("Presupuesto &codificado:", self.codificado_edit),
            ("Aporte al p&lan:", self.contribution_edit),
        ):
            form.addRow(text, w)
        return form

    def _build_programming(self) -> QGroupBox:
        """Quantity and budget per period, with their sums against the annual target."""
        self.programming = QTableWidget(self.n, 2)
        self.programming.setHorizontalHeaderLabels(["Cantidad programada", "Presupuesto programado (USD)"])
        self.programming.setVerticalHeaderLabels([period_name(self.kind, i) for i in range(1, self.n + 1)])
        self.programming.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.programming.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.programming.setTabKeyNavigation(True)
        for r in range(self.n):
            for c in (COL_QTY, COL_BUDGET):
                item = QTableWidgetItem("")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.programming.setItem(r, c, item)
        self.programming.setMinimumHeight(min(60 + 26 * self.n, 250))
        self.sum_label = QLabel("")
        self.sum_label.setWordWrap(True)
        self.spread_button = QPushButton("&Repartir la meta anual")
        self.spread_button.setToolTip("Reparte la meta anual en partes iguales entre los periodos")
        self.spread_button.clicked.connect(self.spread_target)
        prog_box = QGroupBox("Programación por perio&do")
        pl = QVBoxLayout(prog_box)
        pl.addWidget(self.programming)
        row = QHBoxLayout()
        row.addWidget(self.sum_label, 1)
        row.addWidget(self.spread_button)
        pl.addLayout(row)
        self.programming.itemChanged.connect(lambda *_: self.update_sum())
        self.target_edit.textChanged.connect(lambda *_: self.update_sum())
        self.codificado_edit.textChanged.connect(lambda *_: self.update_sum())
        return prog_box

    def _build_indicators(self) -> QGroupBox:
        self.indicators = QTableWidget(0, 4)
        self.indicators.setHorizontalHeaderLabels(["Indicador", "Fórmula o método", "Acumulación", "Fuente"])
        ih = self.indicators.horizontalHeader()
        ih.setSectionResizeMode(IND_NAME, QHeaderView.ResizeMode.Stretch)
        ih.setSectionResizeMode(IND_FORMULA, QHeaderView.ResizeMode.Stretch)
        ih.setSectionResizeMode(IND_ACC, QHeaderView.ResizeMode.ResizeToContents)
        ih.setSectionResizeMode(IND_SOURCE, QHeaderView.ResizeMode.Interactive)
        self.indicators.verticalHeader().hide()
        self.indicators.setMinimumHeight(90)
        self.indicators.setMaximumHeight(150)
        self.add_indicator_button = QPushButton("Agregar &indicador")
        self.remove_indicator_button = QPushButton("&Quitar indicador")
        self.add_indicator_button.clicked.connect(lambda: self.add_indicator_row(focus=True))
        self.remove_indicator_button.clicked.connect(self.remove_indicator_row)
        ind_box = QGroupBox("Indicadores")
        il = QVBoxLayout(ind_box)
        il.addWidget(self.indicators)
        ib = QHBoxLayout()
        ib.addWidget(self.add_indicator_button)
        ib.addWidget(self.remove_indicator_button)
        ib.addStretch(1)
        il.addLayout(ib)
        return ind_box

    def _load(self, detail) -> None:
        """Fill the form from the meta being edited; a new meta starts with one empty indicator."""
        if detail is not None:
            self.number_edit.setText(detail.number)
            self.description_edit.setPlainText(detail.description)
            self.uom_edit.setText(detail.unit_of_measure)
            self.target_edit.setText(number_as_typed(detail.annual_target))
            self.baseline_edit.setText(number_as_typed(detail.baseline))
            self.polarity_combo.setCurrentIndex(max(self.polarity_combo.findData(detail.polarity), 0))
            self.codificado_edit.setText(number_as_typed(detail.codificado))
            self.contribution_edit.setPlainText(detail.contribution)
            self.set_programming(detail.planned, detail.planned_budget)
            for ind in detail.indicators:
                self.add_indicator_row(ind)
        else:
            self.add_indicator_row()

    # -- programming ---------------------------------------------------------------------------
    def set_programming(self, planned, budget) -> None:
        self.programming.blockSignals(True)
        for r in range(self.n):
            self.programming.item(r, COL_QTY).setText(number_as_typed(planned[r]) if r < len(planned) else "")
            self.programming.item(r, COL_BUDGET).setText(number_as_typed(budget[r]) if r < len(budget) else "")
        self.programming.blockSignals(False)
        self.update_sum()

    def column_texts(self, col: int) -> tuple[str, ...]:
        return tuple(self.programming.item(r, col).text().strip() for r in range(self.n))

    def spread_target(self) -> None:
        from rcdesk.services.poa_edit import spread

        from ..models.poa_grid import parse_cell

        try:
            target = parse_cell(self.target_edit.text()) or 0.0
        except ValueError:
            self.sum_label.setText("<span style='color:#C62828'>Escriba primero una meta anual válida.</span>")
            return
        self.programming.blockSignals(True)
        for r, v in enumerate(spread(target, self.n)):
            self.programming.item(r, COL_QTY).setText(number_as_typed(v))
        self.programming.blockSignals(False)
        self.update_sum()

    def update_sum(self) -> None:
        from ..models.poa_grid import parse_cell

        try:
            total = sum(parse_cell(t) or 0.0 for t in self.column_texts(COL_QTY))
            budget = sum(parse_cell(t) or 0.0 for t in self.column_texts(COL_BUDGET))
            target = parse_cell(self.target_edit.text()) or 0.0
        except ValueError:
            self.sum_label.setText("<span style='color:#C62828'>Hay un valor que no es un número.</span>")
            return
        text = f"Suma programada: <b>{number_as_typed(round(total, 2))}</b> de {number_as_typed(target)} (meta anual)"
        if abs(total - target) > 0.01:
            text = f"<span style='color:#8D6E00'>⚠ {text}: no coinciden</span>"
        else:
            text = f"<span style='color:#2E7D32'>✓ {text}</span>"
        text += f"<br>Presupuesto programado: {number_as_typed(round(budget, 2))} USD"
        self.sum_label.setText(text)

    # -- indicators --------------------------------------------------------------------------
    def add_indicator_row(self, ind=None, focus: bool = False) -> None:
        r = self.indicators.rowCount()
        self.indicators.insertRow(r)
        name = QTableWidgetItem(ind.name if ind else "")
        name.setData(Qt.ItemDataRole.UserRole, ind.indicator_id if ind else None)
        self.indicators.setItem(r, IND_NAME, name)
        self.indicators.setItem(r, IND_FORMULA, QTableWidgetItem(ind.formula if ind else ""))
        self.indicators.setItem(r, IND_SOURCE, QTableWidgetItem(ind.source if ind else ""))
        combo = QComboBox()
        for k, label in ACCUMULATION_LABELS.items():
            combo.addItem(label, k)
        combo.setCurrentIndex(max(combo.findData(ind.accumulation if ind else "SUMA"), 0))
        self.indicators.setCellWidget(r, IND_ACC, combo)
        if focus:
            self.indicators.setFocus()
            self.indicators.setCurrentCell(r, IND_NAME)
            self.indicators.editItem(self.indicators.item(r, IND_NAME))

    def remove_indicator_row(self) -> None:
        r = self.indicators.currentRow()
        if r < 0:
            r = self.indicators.rowCount() - 1
        if r >= 0:
            self.indicators.removeRow(r)

    def indicator_inputs(self) -> tuple:
        from rcdesk.services.poa_edit import IndicatorInput

        out = []
        for r in range(self.indicators.rowCount()):
            name = self.indicators.item(r, IND_NAME)
            out.append(
                IndicatorInput(
                    name.text(),
                    self.indicators.item(r, IND_FORMULA).text(),
                    self.indicators.cellWidget(r, IND_ACC).currentData(),
                    self.indicators.item(r, IND_SOURCE).text(),
                    name.data(Qt.ItemDataRole.UserRole),
                )
            )
        return tuple(out)

    # -- saving --------------------------------------------------------------------------------
    def commit_editors(self) -> None:
        """Keep what is being typed in a cell when the user saves with Ctrl+S."""
        for t in (self.programming, self.indicators):
            idx = t.currentIndex()
            editor = t.indexWidget(idx) if idx.isValid() else None
            if editor is not None and t.state() == QAbstractItemView.State.EditingState:
                t.commitData(editor)
                t.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def meta_input(self):
        from rcdesk.services.poa_edit import MetaInput

        self.commit_editors()
        return MetaInput(
            objective_id=self.objective_combo.currentData(),
            description=self.description_edit.toPlainText(),
            number=self.number_edit.text(),
            unit_of_measure=self.uom_edit.text(),
            annual_target=self.target_edit.text().strip() or "0",
            baseline=self.baseline_edit.text().strip(),
            polarity=self.polarity_combo.currentData(),
            codificado=self.codificado_edit.text().strip(),
            contribution=self.contribution_edit.toPlainText(),
            planned=self.column_texts(COL_QTY),
            planned_budget=self.column_texts(COL_BUDGET),
            indicators=self.indicator_inputs(),
        )

    def save(self):
        inp = self.meta_input()
        *_, warnings = self.service.check_meta(inp, self.kind)
        if warnings:
            answer = QMessageBox.question(
                self,
                "Revise la meta",
                "\n".join(warnings) + "\n\n¿Guardar de todos modos?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Save:
                return None
        # the version this form read: another operator's save meanwhile is refused, never overwritten
        version = self.detail.version if self.detail is not None else None
        return lambda: self.service.save_meta(inp, meta_id=self.meta_id, expected_version=version)


__all__ = ["MetaDialog", "NewPoaDialog", "ObjectiveDialog"]
