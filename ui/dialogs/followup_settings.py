"""«Configuración» of the Seguimiento page: the plan's traffic-light profile and evidence rule,
the traffic-light profiles themselves, the deadline rules and the evidence size limit.

Everything is stored through the services (`ThresholdService`, `FollowupService`,
`CalendarService`, `EvidenceService`); this module only edits.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS

from ..formatting import decimal_text
from ..models.followup_tables import DeadlineRuleModel, ProfileModel
from ..widgets.buttons import dialog_buttons
from ..widgets.table_menu import install_table_menu
from ..widgets.tables import row_table

BAND_COLORS = ("rojo", "amarillo", "verde")
COUNTRY_NAMES = {"EC": "Ecuador", "CO": "Colombia"}


class FollowupSettingsTab(QWidget):
    """Settings of the follow-up, loaded when first shown and after every change."""

    def __init__(self, ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.plan_id: str | None = None
        self._loaded = False
        self._build_plan_box()
        self._build_evidence_box()
        self._build_profiles_box()
        self._build_rules_box()
        self._build_layout()
        ctx.events.plan_selected.connect(self.set_plan)
        ctx.events.data_changed.connect(self._on_data_changed)
        self.set_plan(ctx.current_plan_id or "")

    def _build_plan_box(self) -> None:
        """The current plan's traffic-light profile and evidence rule."""
        self.plan_box = QGroupBox("Plan actual")
        self.plan_profile = QComboBox()
        self.plan_profile.setAccessibleName("Perfil de semáforo del plan")
        self.plan_profile.setToolTip("Perfil de semáforo con el que se califican las actividades de este plan")
        self.evidence_required = QCheckBox("&Evidencia obligatoria en los reportes de este plan")
        self.evidence_required.setToolTip(
            "Si está marcada, las actividades cuyo último reporte validado no tiene "
            "evidencia se señalan con la alerta «sin evidencia»."
        )
        pf = QFormLayout(self.plan_box)
        lab = QLabel("&Semáforo:")
        lab.setBuddy(self.plan_profile)
        pf.addRow(lab, self.plan_profile)
        pf.addRow("", self.evidence_required)
        self.plan_profile.activated.connect(lambda _i: self.save_plan_profile())
        self.evidence_required.toggled.connect(self.save_evidence_required)

    def _build_evidence_box(self) -> None:
        """The size limit of each evidence file."""
        self.evidence_box = QGroupBox("Evidencias")
        self.max_mb = QDoubleSpinBox()
        self.max_mb.setRange(1, 2048)
        self.max_mb.setDecimals(0)
        self.max_mb.setSuffix(" MB")
        self.max_mb.setAccessibleName("Tamaño máximo de cada archivo de evidencia")
        self.apply_mb = QPushButton("Aplicar")
        self.apply_mb.clicked.connect(self.save_max_mb)
        self.max_mb.lineEdit().returnPressed.connect(self.save_max_mb)
        ef = QHBoxLayout(self.evidence_box)
        lab = QLabel("Tamaño &máximo por archivo:")
        lab.setBuddy(self.max_mb)
        ef.addWidget(lab)
        ef.addWidget(self.max_mb)
        ef.addWidget(self.apply_mb)
        ef.addStretch(1)

    def _build_profiles_box(self) -> None:
        """The traffic-light profiles, their buttons and each country's default."""
        self.profiles_box = QGroupBox("Perfiles de semáforo")
        self.profile_model = ProfileModel(self)
        self.profiles = row_table(self.profile_model)
        self.profiles.setAccessibleName("Perfiles de semáforo")
        self.profiles.horizontalHeader().setSectionResizeMode(ProfileModel.COL_BANDS, QHeaderView.ResizeMode.Stretch)
        self.profiles.setColumnWidth(ProfileModel.COL_NAME, 230)
        self.profiles.setColumnWidth(ProfileModel.COL_USE, 260)
        self.profiles.horizontalHeader().setStretchLastSection(False)
        install_table_menu(
            self.profiles,
            [("Eliminar perfil…", self.delete_profile)],
            open_action=("Edi&tar perfil…", self.edit_profile),
        )
        pl = QVBoxLayout(self.profiles_box)
        pl.addWidget(self.profiles)
        pl.addLayout(self._profile_buttons())
        pl.addLayout(self._country_defaults())

    def _profile_buttons(self) -> QHBoxLayout:
        self.new_profile_button = QPushButton("&Nuevo perfil…")
        self.edit_profile_button = QPushButton("Edi&tar perfil…")
        self.delete_profile_button = QPushButton("Eliminar perfil")
        self.reset_profiles_button = QPushButton("Restablecer perfiles de fábrica")
        self.new_profile_button.clicked.connect(self.new_profile)
        self.edit_profile_button.clicked.connect(self.edit_profile)
        self.delete_profile_button.clicked.connect(self.delete_profile)
        self.reset_profiles_button.clicked.connect(self.reset_profiles)
        pb = QHBoxLayout()
        for b in (self.new_profile_button, self.edit_profile_button, self.delete_profile_button):
            pb.addWidget(b)
        pb.addStretch(1)
        pb.addWidget(self.reset_profiles_button)
        return pb

    def _country_defaults(self) -> QHBoxLayout:
        """One combo per country choosing the profile its plans use unless they name their own."""
        self.country_default: dict[str, QComboBox] = {}
        defaults = QHBoxLayout()
        defaults.addWidget(QLabel("Predeterminado por país:"))
        for code, name in COUNTRY_NAMES.items():
            combo = QComboBox()
            combo.setAccessibleName(f"Perfil predeterminado de {name}")
            combo.activated.connect(lambda _i, c=code: self.save_country_default(c))
            self.country_default[code] = combo
            lab = QLabel(f"{name}:")
            lab.setBuddy(combo)
            defaults.addWidget(lab)
            defaults.addWidget(combo, 1)
        return defaults

    def _build_rules_box(self) -> None:
        """The deadline rules, with a note on how business days are counted."""
        self.rules_box = QGroupBox("Reglas de plazos")
        self.rule_model = DeadlineRuleModel(self)
        self.rules = row_table(self.rule_model)
        self.rules.setAccessibleName("Reglas de plazos")
        for col, width in (
            (DeadlineRuleModel.COL_COUNTRY, 70),
            (DeadlineRuleModel.COL_LABEL, 290),
            (DeadlineRuleModel.COL_TRIGGER, 220),
            (DeadlineRuleModel.COL_OFFSET, 200),
        ):
            self.rules.setColumnWidth(col, width)
        install_table_menu(self.rules, open_action=("Editar re&gla…", self.edit_rule))
        self.edit_rule_button = QPushButton("Editar re&gla…")
        self.reset_rules_button = QPushButton("Restablecer reglas de fábrica")
        self.edit_rule_button.clicked.connect(self.edit_rule)
        self.reset_rules_button.clicked.connect(self.reset_rules)
        rb = QHBoxLayout()
        rb.addWidget(self.edit_rule_button)
        rb.addStretch(1)
        rb.addWidget(self.reset_rules_button)
        rl = QVBoxLayout(self.rules_box)
        note = QLabel(
            "Los días hábiles excluyen sábados, domingos y los feriados de la pestaña «Calendario»; se "
            "cuentan desde el día siguiente a la fecha de inicio."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color:#555")
        rl.addWidget(note)
        rl.addWidget(self.rules)
        rl.addLayout(rb)

    def _build_layout(self) -> None:
        """The boxes stacked in a scroll area, so a small window still reaches the rules."""
        top = QHBoxLayout()
        top.addWidget(self.plan_box, 3)
        top.addWidget(self.evidence_box, 2)
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addLayout(top, 0, 0)
        grid.addWidget(self.profiles_box, 1, 0)
        grid.addWidget(self.rules_box, 2, 0)
        grid.setRowStretch(2, 1)
        self.profiles.setMinimumHeight(90)
        self.profiles.setMaximumHeight(130)
        self.rules.setMinimumHeight(150)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll)

    # -- loading ------------------------------------------------------------------------------
    def set_plan(self, plan_id: str) -> None:
        self.plan_id = plan_id or None
        if self._loaded:
            self.reload()

    def showEvent(self, event) -> None:
        if not self._loaded:
            self._loaded = True
            self.reload()
        super().showEvent(event)

    def _on_data_changed(self, changes, initiator) -> None:
        if initiator is self or not self._loaded:
            return
        if changes.everything or changes.plans or changes.followup:
            self.reload()

    def reload(self) -> None:
        from rcdesk.services.calendar import CalendarService
        from rcdesk.services.evidence import EvidenceService
        from rcdesk.services.followup import FollowupService
        from rcdesk.services.thresholds import ThresholdService

        db = self.ctx.db
        th = ThresholdService(db)
        profiles = th.profiles()
        defaults = th.country_defaults()
        uses: dict[str, list[str]] = {}
        for country, code in defaults.items():
            uses.setdefault(code, []).append(f"predeterminado de {COUNTRY_NAMES.get(country, country)}")
        country = None
        if self.plan_id:
            from rcdesk.followup.reads import plan_facts

            with db.read() as c:
                country = plan_facts(c, self.plan_id)[1]
            own = th.plan_profile_code(self.plan_id)
            effective = th.profile_for_plan(self.plan_id).code
            uses.setdefault(effective, []).append("este plan")
        self.profile_model.uses = {k: ", ".join(v) for k, v in uses.items()}
        current = self._selected_profile_code()
        self.profile_model.set_rows(profiles)
        self._select_profile(current)
        for code, combo in self.country_default.items():
            combo.clear()
            for p in profiles:
                combo.addItem(p.name, p.code)
            combo.setCurrentIndex(max(0, combo.findData(defaults.get(code))))

        self.plan_box.setEnabled(self.plan_id is not None)
        self.plan_profile.blockSignals(True)
        self.plan_profile.clear()
        if self.plan_id:
            default = next((p for p in profiles if p.code == defaults.get(country)), profiles[0])
            self.plan_profile.addItem(f"Predeterminado de {COUNTRY_NAMES.get(country, country)}: {default.name}", None)
            for p in profiles:
                self.plan_profile.addItem(p.name, p.code)
            idx = self.plan_profile.findData(own) if own and any(p.code == own for p in profiles) else 0
            self.plan_profile.setCurrentIndex(max(0, idx))
            self.plan_box.setTitle("Plan actual")
        else:
            self.plan_box.setTitle("Plan actual (elija un plan en la barra superior)")
        self.plan_profile.blockSignals(False)
        self.evidence_required.blockSignals(True)
        self.evidence_required.setChecked(FollowupService(db).evidence_required(self.plan_id) if self.plan_id else True)
        self.evidence_required.blockSignals(False)
        self.max_mb.setValue(EvidenceService(db).max_mb())
        current_rule = self._selected_rule_code()
        self.rule_model.set_rows(
            sorted(CalendarService(db).deadline_rules(), key=lambda r: (r.country != country, r.country, r.label))
        )
        for row, r in enumerate(self.rule_model.rows()):
            if r.code == current_rule:
                self.rules.selectRow(row)

    def _selected_profile_code(self) -> str | None:
        idx = self.profiles.currentIndex()
        p = self.profile_model.row(idx.row()) if idx.isValid() else None
        return p.code if p else None

    def _select_profile(self, code: str | None) -> None:
        for row, p in enumerate(self.profile_model.rows()):
            if p.code == code:
                self.profiles.selectRow(row)
                return

    def _selected_rule_code(self) -> str | None:
        idx = self.rules.currentIndex()
        r = self.rule_model.row(idx.row()) if idx.isValid() else None
        return r.code if r else None

    def _write(self, fn) -> None:
        """Save on the worker; the tab shows the new state once it is saved."""

        def done(_result: object) -> None:
            self.reload()

        self.ctx.runner.write(fn, parent=self, on_done=done)

    # -- plan ---------------------------------------------------------------------------------
    def save_plan_profile(self) -> None:
        from rcdesk.services.thresholds import ThresholdService

        if not self.plan_id:
            return
        plan_id, code = self.plan_id, self.plan_profile.currentData()
        self._write(lambda: ThresholdService(self.ctx.db).set_plan_profile(plan_id, code))

    def save_evidence_required(self, on: bool) -> None:
        from rcdesk.services.followup import FollowupService

        if not self.plan_id:
            return
        plan_id = self.plan_id

        def done(_result: object) -> None:
            self.ctx.events.status_message.emit(
                "Evidencia obligatoria en este plan." if on else "La evidencia ya no es obligatoria en este plan."
            )

        self.ctx.runner.write(
            lambda: FollowupService(self.ctx.db).set_evidence_required(plan_id, on), parent=self, on_done=done
        )

    def save_max_mb(self) -> None:
        from rcdesk.services.evidence import EvidenceService

        mb = self.max_mb.value()
        self.ctx.runner.write(
            lambda: EvidenceService(self.ctx.db).set_max_mb(mb),
            parent=self,
            on_done=lambda _r: self.ctx.events.status_message.emit(f"Tamaño máximo de evidencias: {mb:.0f} MB."),
        )

    # -- profiles ------------------------------------------------------------------------------
    def new_profile(self) -> None:
        idx = self.profiles.currentIndex()
        base = self.profile_model.row(idx.row()) if idx.isValid() else None
        self.profile_dialog = ProfileDialog(self.ctx, base, new=True, parent=self)
        if self.profile_dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()
            self._select_profile(self.profile_dialog.saved_code)

    def edit_profile(self) -> None:
        idx = self.profiles.currentIndex()
        p = self.profile_model.row(idx.row()) if idx.isValid() else None
        if p is None:
            QMessageBox.information(self, "Perfiles de semáforo", "Seleccione un perfil.")
            return
        self.profile_dialog = ProfileDialog(self.ctx, p, new=False, parent=self)
        if self.profile_dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def delete_profile(self) -> None:
        from rcdesk.services.thresholds import ThresholdService

        idx = self.profiles.currentIndex()
        p = self.profile_model.row(idx.row()) if idx.isValid() else None
        if p is None:
            return
        answer = QMessageBox.question(
            self,
            "Eliminar perfil",
            f"¿Eliminar el perfil de semáforo «{p.name}»? Los planes que lo usan pasarán al predeterminado de su país.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._write(lambda: ThresholdService(self.ctx.db).delete_profile(p.code))

    def reset_profiles(self) -> None:
        from rcdesk.services.thresholds import ThresholdService

        answer = QMessageBox.question(
            self,
            "Restablecer perfiles",
            "¿Volver a los perfiles de semáforo de fábrica "
            "(Colombia – PAAC y Ecuador – POA)? Se pierden los perfiles propios y los "
            "cambios de rangos.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._write(lambda: ThresholdService(self.ctx.db).reset())

    def save_country_default(self, country: str) -> None:
        from rcdesk.services.thresholds import ThresholdService

        code = self.country_default[country].currentData()
        if code:
            self._write(lambda: ThresholdService(self.ctx.db).set_country_default(country, code))

    # -- rules ---------------------------------------------------------------------------------
    def edit_rule(self) -> None:
        idx = self.rules.currentIndex()
        r = self.rule_model.row(idx.row()) if idx.isValid() else None
        if r is None:
            QMessageBox.information(self, "Reglas de plazos", "Seleccione una regla.")
            return
        self.rule_dialog = RuleDialog(self.ctx, r, parent=self)
        if self.rule_dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def reset_rules(self) -> None:
        from rcdesk.services.calendar import CalendarService

        answer = QMessageBox.question(
            self,
            "Restablecer reglas",
            "¿Volver a las reglas de plazos de fábrica? Se pierden los cambios hechos a las reglas.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._write(lambda: CalendarService(self.ctx.db).reset_rules())


class ProfileDialog(QDialog):
    """Edit a traffic-light profile: one row per band (colour, from, up to, label); the problems of
    the bands (gaps, overlaps, not covering 0–100) are shown while typing and block saving."""

    COL_COLOR, COL_FROM, COL_TO, COL_LABEL = range(4)

    def __init__(self, ctx, profile=None, *, new: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.new = new
        self.original = profile
        self.saved_code: str | None = None
        self.setWindowTitle("Nuevo perfil de semáforo" if new else "Editar perfil de semáforo")
        self.setMinimumWidth(620)
        self.name = QLineEdit(("Copia de " + profile.name) if new and profile else (profile.name if profile else ""))
        self.name.setMaxLength(120)
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName("Rangos del semáforo")
        self.table.setHorizontalHeaderLabels(["Color", "Desde (%)", "Hasta (%, sin incluir)", "Etiqueta"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(self.COL_LABEL, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(self.COL_COLOR, 110)
        self.table.setColumnWidth(self.COL_FROM, 90)
        self.table.setColumnWidth(self.COL_TO, 150)
        self.table.setMinimumHeight(150)
        add = QPushButton("&Agregar rango")
        remove = QPushButton("&Quitar rango")
        add.clicked.connect(lambda: self.add_band("amarillo", "", "", ""))
        remove.clicked.connect(self.remove_band)
        self.grey_label = QLineEdit(profile.grey_label if profile else "Sin programación")
        self.blue_label = QLineEdit(profile.blue_label if profile else "Más de 100 % (revisar)")
        self.notes = QLineEdit(profile.notes if profile else "")
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color:#B71C1C")
        self.problems.setAccessibleName("Problemas de los rangos")

        form = QFormLayout()
        form.addRow("&Nombre:", self.name)
        bands = QVBoxLayout()
        bands.addWidget(self.table)
        hint = QLabel(
            "Cada rango va desde su límite inferior (incluido) hasta el superior (sin incluir); deje "
            "«Hasta» vacío en el último. Los rangos deben cubrir de 0 a 100 % sin huecos ni superposiciones; "
            "se comparan con el % redondeado a 2 decimales."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#555")
        bands.addWidget(hint)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        bands.addLayout(row)
        form.addRow("Rangos:", bands)
        form.addRow("Etiqueta &gris:", self.grey_label)
        form.addRow("Etiqueta a&zul:", self.blue_label)
        form.addRow("No&tas:", self.notes)
        self.buttons = dialog_buttons(self, "&Guardar", self.save)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.problems)
        lay.addWidget(self.buttons)

        src = profile.bands if profile else ()
        for b in sorted(src, key=lambda b: b.min_inclusive):
            self.add_band(b.color, decimal_text(b.min_inclusive), decimal_text(b.max_exclusive), b.label)
        if not src:
            for color, lo, hi in (("rojo", "0", "60"), ("amarillo", "60", "80"), ("verde", "80", "")):
                self.add_band(color, lo, hi, "")
        self.table.itemChanged.connect(lambda _i: self.check())
        self.name.textChanged.connect(lambda _t: self.check())
        self.check()

    def add_band(self, color: str, lo: str, hi: str, label: str) -> None:
        r = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(r)
        combo = QComboBox()
        for c in BAND_COLORS:
            combo.addItem(COLOR_LABELS[c], c)
            combo.setItemData(combo.count() - 1, QColor(COLOR_HEX[c]), Qt.ItemDataRole.DecorationRole)
        combo.setCurrentIndex(max(0, combo.findData(color)))
        combo.currentIndexChanged.connect(lambda _i: self.check())
        self.table.setCellWidget(r, self.COL_COLOR, combo)
        for col, text in ((self.COL_FROM, lo), (self.COL_TO, hi), (self.COL_LABEL, label)):
            item = QTableWidgetItem(text)
            if col != self.COL_LABEL:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(r, col, item)
        self.table.blockSignals(False)
        self.check()

    def remove_band(self) -> None:
        r = self.table.currentRow()
        if r >= 0:
            self.table.removeRow(r)
            self.check()

    def _text(self, r: int, col: int) -> str:
        item = self.table.item(r, col)
        return item.text().strip() if item else ""

    def profile(self):
        """(ThresholdProfile or None, problems) from what is typed."""
        from rcdesk.compliance import Band, ThresholdProfile

        problems: list[str] = []
        bands = []
        for r in range(self.table.rowCount()):
            combo = self.table.cellWidget(r, self.COL_COLOR)
            values = []
            for col, what in ((self.COL_FROM, "Desde"), (self.COL_TO, "Hasta")):
                text = self._text(r, col).replace("%", "").replace(",", ".").strip()
                if not text:
                    values.append(None)
                    continue
                try:
                    values.append(Decimal(text))
                except InvalidOperation:
                    problems.append(f"Fila {r + 1}, «{what}»: «{self._text(r, col)}» no es un número.")
                    values.append(None)
            lo, hi = values
            if lo is None:
                if not any(f"Fila {r + 1}," in p for p in problems):
                    problems.append(f"Fila {r + 1}: indique desde qué % empieza el rango.")
                continue
            label = self._text(r, self.COL_LABEL)
            bands.append(Band(combo.currentData(), lo, hi, label))
        code = self.original.code if (self.original and not self.new) else self._new_code()
        profile = ThresholdProfile(
            code,
            self.name.text().strip(),
            tuple(bands),
            grey_label=self.grey_label.text().strip() or "Sin programación",
            blue_label=self.blue_label.text().strip() or "Más de 100 % (revisar)",
            notes=self.notes.text().strip(),
        )
        if not problems:
            problems = profile.validate()
        return profile, problems

    def _new_code(self) -> str:
        from rcdesk.services.thresholds import ThresholdService
        from rcdesk.text import fold

        base = "".join(ch if ch.isalnum() else "-" for ch in fold(self.name.text()).upper()).strip("-")[:30] or "PERFIL"
        while "--" in base:
            base = base.replace("--", "-")
        taken = {p.code for p in ThresholdService(self.ctx.db).profiles()}
        code, n = base, 2
        while code in taken:
            code, n = f"{base}-{n}", n + 1
        return code

    def check(self) -> list[str]:
        _profile, problems = self.profile()
        self.problems.setText("<br>".join(f"• {_h(p)}" for p in problems))
        self.problems.setVisible(bool(problems))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not problems)
        return problems

    def save(self) -> None:
        from rcdesk.errors import UserError
        from rcdesk.services.thresholds import ThresholdService

        from ..tasks import show_error

        profile, problems = self.profile()
        if problems:
            show_error(self, UserError("El perfil de semáforo tiene errores.", details=problems))
            return

        def done(_result: object) -> None:
            self.saved_code = profile.code
            self.accept()

        self.ctx.runner.write(
            lambda: ThresholdService(self.ctx.db).save_profile(profile),
            parent=self,
            on_done=done,
            source=self.parentWidget(),  # the tab that opened it reloads once it closes
        )


class RuleDialog(QDialog):
    """Edit one deadline rule: what it counts from, the offset and whether days are business days."""

    def __init__(self, ctx, rule, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from rcdesk.services.calendar import RULE_UNITS

        self.ctx = ctx
        self.rule = rule
        self.setWindowTitle("Editar regla de plazo")
        self.setMinimumWidth(520)
        self.label = QLineEdit(rule.label)
        self.trigger = QLineEdit(rule.trigger)
        self.offset = QSpinBox()
        self.offset.setRange(-366, 366)
        self.offset.setValue(rule.offset)
        self.offset.setToolTip("Negativo = antes de la fecha de inicio (p. ej. −15 para publicar 15 días antes)")
        self.unit = QComboBox()
        names = {
            "business_days": "días hábiles",
            "calendar_days": "días calendario",
            "months": "meses",
            "nth_business_day_next_month": "º día hábil del mes siguiente",
        }
        for code in RULE_UNITS:
            self.unit.addItem(names.get(code, RULE_UNITS[code]), code)
        self.unit.setCurrentIndex(max(0, self.unit.findData(rule.unit)))
        self.basis = QLineEdit(rule.basis)
        self.preview = QLabel()
        self.preview.setStyleSheet("color:#555")
        form = QFormLayout(self)
        form.addRow("País:", QLabel(COUNTRY_NAMES.get(rule.country, rule.country)))
        form.addRow("&Plazo:", self.label)
        form.addRow("Se cuenta &desde:", self.trigger)
        row = QHBoxLayout()
        row.addWidget(self.offset)
        row.addWidget(self.unit, 1)
        amount = QLabel("&Cantidad:")
        amount.setBuddy(self.offset)
        form.addRow(amount, row)
        form.addRow("", self.preview)
        form.addRow("&Fundamento:", self.basis)
        buttons = dialog_buttons(self, "&Guardar", self.save)
        form.addRow(buttons)
        self.offset.valueChanged.connect(lambda _v: self._preview())
        self.unit.currentIndexChanged.connect(lambda _i: self._preview())
        self._preview()

    def value(self):
        from dataclasses import replace

        return replace(
            self.rule,
            label=self.label.text().strip(),
            trigger=self.trigger.text().strip(),
            offset=self.offset.value(),
            unit=self.unit.currentData(),
            basis=self.basis.text().strip(),
        )

    def _preview(self) -> None:
        from ..models.followup_tables import rule_text

        self.preview.setText(f"Vence: {rule_text(self.value())}.")

    def save(self) -> None:
        from rcdesk.errors import UserError
        from rcdesk.services.calendar import CalendarService

        from ..tasks import show_error

        rule = self.value()
        problems = []
        if not rule.label:
            problems.append("Indique el nombre del plazo.")
        if not rule.trigger:
            problems.append("Indique desde qué fecha se cuenta.")
        if problems:
            show_error(self, UserError("La regla de plazo tiene errores.", details=problems))
            return
        self.ctx.runner.write(
            lambda: CalendarService(self.ctx.db).save_rule(rule),
            parent=self,
            on_done=lambda _r: self.accept(),
            source=self.parentWidget(),  # the tab that opened it reloads once it closes
        )


def _h(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
