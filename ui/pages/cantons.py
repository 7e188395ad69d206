"""«Cantones»: map-free overview of POA compliance per canton with traffic lights, the
units of the selected canton, the provincial consolidation, and the CPCCS workbook and
PDF evaluation report of the same cut."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS

from ..formatting import percent
from ..models.poa_tables import ResultsModel, SortRole
from ..shell import PageSpec
from ..tasks import show_error
from ..widgets.dates import DateEdit
from ..widgets.empty_hint import EmptyHint, go_to, load_example
from ..widgets.table_menu import install_table_menu


def _settings_text(st) -> str:
    mean = "promedio simple" if st.aggregation == "simple" else "promedio ponderado por codificado"
    gap = f"{st.gap_pp:g}".replace(".", ",")
    return f"Metas: {mean}; brecha &gt; {gap} puntos" + ("; solo reportes validados." if st.only_validated else ".")


def _table(model) -> QTableView:
    proxy = QSortFilterProxyModel(model)
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    t = QTableView()
    t.setModel(proxy)
    t.setSortingEnabled(True)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().hide()
    hh = t.horizontalHeader()
    hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return t


class CantonsPage(QWidget):
    def __init__(self, ctx) -> None:
        super().__init__()
        from rcdesk.services.poa import PoaService
        from rcdesk.services.poa_eval import EvaluationService

        self.ctx = ctx
        self.poa = PoaService(ctx.db)
        self.evals = EvaluationService(ctx.db)
        self.evaluation = None

        self.year_combo = QComboBox()
        self.cut_edit = DateEdit()
        self.budget_combo = QComboBox()
        self.budget_combo.addItem("Por meta", "META")
        self.budget_combo.addItem("Por programa/proyecto (objetivo)", "PROGRAMA")
        self.budget_combo.addItem("Por área (unidad)", "AREA")
        self.budget_combo.setToolTip("Tipo de ejecución presupuestaria del formulario CPCCS (uno solo por informe)")
        self.refresh_button = QPushButton("&Calcular")
        self.pdf_button = QPushButton("Informe &PDF…")
        self.cpccs_button = QPushButton("Secciones C&PCCS (.xlsx)…")
        self.refresh_button.clicked.connect(self.recompute)
        self.settings_button = QPushButton("&Ajustes de evaluación…")
        self.settings_button.setToolTip("Brecha físico-financiera (puntos) y forma de promediar las metas")
        self.settings_button.clicked.connect(self.edit_settings)
        self.pdf_button.clicked.connect(self.export_pdf)
        self.cpccs_button.clicked.connect(self.export_cpccs)
        # what is evaluated on the first line, what is produced from it on the second: one line
        # clipped «Secciones CPCCS» to «ecciones» on a 1280-pixel screen
        filters = QHBoxLayout()
        for text, w in (("Añ&o:", self.year_combo), ("Fecha de &corte:", self.cut_edit)):
            lbl = QLabel(text)
            lbl.setBuddy(w)
            filters.addWidget(lbl)
            filters.addWidget(w)
        filters.addWidget(self.refresh_button)
        filters.addWidget(self.settings_button)
        filters.addStretch(1)
        outputs = QHBoxLayout()
        budget = QLabel("Pres&upuesto del formulario CPCCS:")
        budget.setBuddy(self.budget_combo)
        outputs.addWidget(budget)
        outputs.addWidget(self.budget_combo)
        outputs.addWidget(self.cpccs_button)
        outputs.addStretch(1)
        outputs.addWidget(self.pdf_button)
        bar = QVBoxLayout()
        bar.addLayout(filters)
        bar.addLayout(outputs)

        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.canton_model = ResultsModel("Cantón", self)
        self.cantons = _table(self.canton_model)
        self.cantons.selectionModel().currentRowChanged.connect(lambda *_: self._show_units())
        self.unit_model = ResultsModel("Unidad", self)
        self.units = _table(self.unit_model)
        self.units.setColumnHidden(ResultsModel.COL_UNITS, True)
        self.units_title = QLabel("")
        install_table_menu(self.cantons, export=("cumplimiento por canton", ctx.settings))
        install_table_menu(self.units, export=("cumplimiento por unidad", ctx.settings))
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.units_title)
        ll.addWidget(self.units)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.cantons)
        split.addWidget(lower)
        split.setSizes([330, 300])
        self.empty = EmptyHint(
            "No hay POA registrados",
            "Esta página consolida el cumplimiento de los POA por cantón y por unidad, con su semáforo, y "
            "produce el informe y las secciones del CPCCS. Primero registre o importe los POA de las "
            "unidades en la página «POA», o cargue los datos de ejemplo.",
            [("Ir a &POA", go_to(self, "poa")), ("Cargar datos de &ejemplo", load_example(self))],
            chapter="cantones",
        )
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.summary)
        lay.addWidget(self.empty)
        lay.addWidget(split, 1)
        self.split = split
        self.year_combo.currentIndexChanged.connect(self._year_changed)
        self.cut_edit.dateChanged.connect(lambda *_: self.recompute())
        ctx.events.data_changed.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        year = self.year_combo.currentData()
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        years = self.poa.years()
        for y in years:
            self.year_combo.addItem(str(y), y)
        if year in years:
            self.year_combo.setCurrentIndex(years.index(year))
        self.year_combo.blockSignals(False)
        self._year_changed()

    def _year_changed(self) -> None:
        year = self.year_combo.currentData()
        if year:
            today = date.today()
            cut = today if today.year == year else date(year, 12, 31)
            self.cut_edit.blockSignals(True)
            self.cut_edit.setDateRange(QDate(year, 1, 1), QDate(year + 1, 12, 31))
            self.cut_edit.setDate(QDate(cut.year, cut.month, cut.day))
            self.cut_edit.blockSignals(False)
        self.recompute()

    def cut(self) -> date:
        d = self.cut_edit.date()
        return date(d.year(), d.month(), d.day())

    def recompute(self) -> None:
        year = self.year_combo.currentData()
        has = bool(year)
        self.empty.setVisible(not has)
        self.split.setVisible(has)
        for b in (self.pdf_button, self.cpccs_button, self.refresh_button):
            b.setEnabled(has)
        if not has:
            self.summary.setText("")
            self.canton_model.set_rows([])
            self.unit_model.set_rows([])
            return
        ev = self.evaluation = self.evals.evaluate(year, self.cut(), with_text=False)
        p = ev.province
        lights = ", ".join(f"{COLOR_LABELS[c].lower()}: {n}" for c, n in p.lights.items() if n)
        self.summary.setText(
            f"<b>Consolidado provincial al {ev.cut:%d/%m/%Y}</b>: cumplimiento "
            f"<span style='background:{COLOR_HEX.get(p.light)};color:white'>&nbsp;{percent(p.pct, 2)}&nbsp;</span>, "
            f"avance anual {percent(p.pct_annual, 2)}, ejecución presupuestaria {percent(p.pct_budget, 2)} — {p.units} unidades, "
            f"{p.metas} metas (unidades por color: {lights}). Semáforo: {ev.profile.name}. "
            f"{_settings_text(ev.settings)}"
        )
        selected = self._selected_canton_key()
        self.canton_model.set_rows(ev.cantons)
        self.cantons.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        row = 0
        for i, c in enumerate(ev.cantons):
            if c.key == selected:
                row = i
        self.cantons.selectRow(row)
        self._show_units()

    def _selected_canton_key(self) -> str | None:
        idx = self.cantons.currentIndex()
        if not idx.isValid():
            return None
        r = self.cantons.model().mapToSource(idx).row()
        c = self.canton_model.row_at(r)
        return c.key if c else None

    def _show_units(self) -> None:
        key = self._selected_canton_key()
        if self.evaluation is None or key is None:
            self.unit_model.set_rows([])
            self.units_title.setText("")
            return
        units = self.evaluation.units_of(key)
        c = next((c for c in self.evaluation.cantons if c.key == key), None)
        gap = f"{self.evaluation.settings.gap_pp:g}".replace(".", ",")
        self.units_title.setText(
            f"<b>Unidades de {c.label if c else ''}</b> ({len(units)}) — * brecha "
            f"físico-financiera mayor a {gap} puntos"
        )
        self.unit_model.set_rows(units)
        self.units.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # Jefatura first, then the others

    def _on_changed(self, changes, initiator) -> None:
        if initiator is self:
            return
        if changes.poa or changes.reference or changes.everything:
            self.reload()

    def edit_settings(self) -> None:
        from ..dialogs.poa_eval_settings import EvalSettingsDialog

        dlg = EvalSettingsDialog(self.ctx, self)
        if dlg.exec() and dlg.saved is not None:
            self.recompute()

    def _ask(self, title: str, what: str, suffix: str, filters: str) -> Path | None:
        """Where to save an export of the year on screen: the export folder, a name with the
        entity and the cut («evaluacion-poa-gobernacion-de-chimborazo-2026-04-30.pdf»)."""
        from rcdesk.services.poa_reports import entity_names

        from ..files import ask_save_path, default_name

        name = default_name(
            what, entity_names(self.ctx.db, self.year_combo.currentData()), on=self.cut(), suffix=suffix
        )
        return ask_save_path(
            self, self.ctx.settings, kind="informes", title=title, name=name, filters=filters, suffix=suffix
        )

    def export_pdf(self) -> None:
        year, cut = self.year_combo.currentData(), self.cut()
        path = self._ask("Guardar informe de evaluación", "evaluacion poa", "pdf", "PDF (*.pdf)")
        if path is None:
            return
        from rcdesk.services.poa_reports import write_poa_report

        from ..files import announce_saved

        self.ctx.runner.run(
            lambda progress, cancel: write_poa_report(self.ctx.db, year, cut, path, progress=progress, cancel=cancel),
            title="Generando el informe de evaluación…",
            parent=self,
            on_done=lambda res: announce_saved(
                self, Path(res["out"]), f"Informe de evaluación guardado ({res['pages']} páginas)"
            ),
            on_error=lambda exc: show_error(self, exc),
        )

    def export_cpccs(self) -> None:
        year, cut = self.year_combo.currentData(), self.cut()
        path = self._ask("Guardar secciones CPCCS", "secciones cpccs poa", "xlsx", "Libros de Excel (*.xlsx)")
        if path is None:
            return
        from rcdesk.services.cpccs_export import export_cpccs

        from ..files import announce_saved

        btype = self.budget_combo.currentData()
        self.ctx.runner.run(
            lambda progress, cancel: export_cpccs(
                self.ctx.db, year, path, cut=cut, budget_type=btype, progress=progress, cancel=cancel
            ),
            title="Exportando las secciones CPCCS…",
            parent=self,
            on_done=lambda res: announce_saved(
                self, Path(res["out"]), f"Secciones CPCCS guardadas ({res['metas']} metas)"
            ),
            on_error=lambda exc: show_error(self, exc),
        )


PAGES = [
    PageSpec(
        key="poa_cantons",
        title="Cantones",
        order=41,
        factory=lambda ctx: CantonsPage(ctx),
        icon="SP_DirHomeIcon",
        tooltip="Cumplimiento del POA por cantón y unidad, con semáforo",
    )
]
