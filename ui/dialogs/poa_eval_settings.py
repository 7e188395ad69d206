"""«Ajustes de evaluación» of the Cantones page: the physical-vs-financial gap threshold
(percentage points), how objectives and units average their metas (simple mean as the
CPCCS does, or weighted by codificado) and whether only validated reports count.
Stored as a setting of the database through `EvaluationService.save_settings`."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
)

from ..tasks import show_error
from ..widgets.buttons import dialog_buttons


class EvalSettingsDialog(QDialog):
    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        from rcdesk.services.poa_eval import AGGREGATIONS, EvaluationService

        self.setWindowTitle("Ajustes de evaluación del POA")
        self.service = EvaluationService(ctx.db)
        self.runner = ctx.runner
        self.saved = None
        current = self.service.settings()
        self.gap_spin = QDoubleSpinBox()
        self.gap_spin.setLocale(QLocale(QLocale.Language.Spanish, QLocale.Country.Ecuador))
        self.gap_spin.setRange(0.5, 100.0)
        self.gap_spin.setDecimals(1)
        self.gap_spin.setSingleStep(5.0)
        self.gap_spin.setSuffix(" puntos")
        self.gap_spin.setValue(current.gap_pp)
        self.gap_spin.setToolTip(
            "Se marca la brecha cuando el % de cumplimiento físico y el % de ejecución "
            "presupuestaria difieren en más de estos puntos porcentuales"
        )
        self.aggregation_combo = QComboBox()
        for key, label in AGGREGATIONS.items():
            self.aggregation_combo.addItem(label, key)
        self.aggregation_combo.setCurrentIndex(max(self.aggregation_combo.findData(current.aggregation), 0))
        self.validated_check = QCheckBox("Contar solo los reportes &validados")
        self.validated_check.setChecked(current.only_validated)
        form = QFormLayout()
        form.addRow("&Brecha físico-financiera mayor a:", self.gap_spin)
        form.addRow("&Promedio de metas por objetivo y unidad:", self.aggregation_combo)
        form.addRow("", self.validated_check)
        note = QLabel(
            "El promedio simple es la regla del formulario del CPCCS. Los cantones, tipos de unidad y "
            "la provincia promedian siempre sus unidades, para que una unidad con muchas metas no pese "
            "más que las demás. Los ajustes se guardan en esta base de datos y se aplican a la vista de "
            "cantones, al informe PDF y a las secciones CPCCS."
        )
        note.setWordWrap(True)
        buttons = dialog_buttons(self, "&Guardar", self._save)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _save(self) -> None:
        from rcdesk.services.poa_eval import EvalSettings

        settings = EvalSettings(
            round(self.gap_spin.value(), 1), self.aggregation_combo.currentData(), self.validated_check.isChecked()
        )

        def done(_result: object) -> None:
            self.saved = settings
            self.accept()

        self.runner.write(
            lambda: self.service.save_settings(settings),
            parent=self,
            on_done=done,
            on_user_error=lambda exc: show_error(self, exc),
            source=self.parentWidget(),  # the page that opened it recomputes once it closes
        )


__all__ = ["EvalSettingsDialog"]
