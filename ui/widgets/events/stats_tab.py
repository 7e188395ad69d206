"""«Estadísticas» tab of the event workspace: attendance tallies by dimension, with charts."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .base import EventTab


class StatsTab(EventTab):
    """Anonymous tallies (never linked to names) and charts of the event."""

    def __init__(self, ctx, parent=None) -> None:
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
        from ..events_charts import bar_chart

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

        def done(row) -> None:
            self.refresh()
            self.warnings.setText("Conteo guardado.\n" + "\n".join(row.warnings))

        self._save(done, EventService(self.ctx.db).save_tally, self.ev.event_id, self.total.value(), counts)


# -- preguntas ---------------------------------------------------------------------------------
