"""«Visitas» (field visits to the cantons, commitments, evidence, printable report) and
«Oficios» (document requests by Quipux with business-day due dates and overdue alerts)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..models.poa_tables import CommitmentsModel, OficiosModel, SortRole, VisitsModel
from ..shell import PageSpec
from ..tasks import show_error
from ..widgets.empty_hint import EmptyHint, EmptyState, load_example
from ..widgets.table_menu import install_table_menu


def _table(model, stretch: int) -> QTableView:
    proxy = QSortFilterProxyModel(model)
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    t = QTableView()
    t.setModel(proxy)
    t.setSortingEnabled(True)
    t.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().hide()
    t.setWordWrap(True)
    hh = t.horizontalHeader()
    hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    hh.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return t


def _current(table: QTableView, model):
    idx = table.currentIndex()
    if not idx.isValid():
        return None
    return model.row_at(table.model().mapToSource(idx).row())


def _write(page, fn, on_done) -> None:
    """Save on the worker (never the GUI thread); `on_done(result)` updates the page afterwards."""
    page.ctx.runner.write(fn, parent=page, on_done=on_done, on_user_error=lambda exc: show_error(page, exc))


class VisitsPage(QWidget):
    def __init__(self, ctx) -> None:
        super().__init__()
        from rcdesk.services.poa_visits import VisitService

        self.ctx = ctx
        self.service = VisitService(ctx.db)
        self.dialog = None
        self.year_combo = QComboBox()
        self.new_button = QPushButton("&Nueva visita…")
        self.commit_button = QPushButton("&Compromiso…")
        self.done_button = QPushButton("Marcar c&umplido")
        self.evidence_button = QPushButton("Adjuntar &evidencia…")
        self.pdf_button = QPushButton("Informe &PDF…")
        self.new_button.clicked.connect(self.new_visit)
        self.commit_button.clicked.connect(self.add_commitment)
        self.done_button.clicked.connect(self.mark_done)
        self.evidence_button.clicked.connect(self.add_evidence)
        self.pdf_button.clicked.connect(self.export_pdf)
        bar = QHBoxLayout()
        lbl = QLabel("Añ&o:")
        lbl.setBuddy(self.year_combo)
        bar.addWidget(lbl)
        bar.addWidget(self.year_combo)
        bar.addStretch(1)
        for b in (self.new_button, self.commit_button, self.done_button, self.evidence_button, self.pdf_button):
            bar.addWidget(b)
        self.model = VisitsModel(self)
        self.table = _table(self.model, VisitsModel.COL_UNITS)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.detail = QTextBrowser()
        self.commitments_model = CommitmentsModel(self)
        self.commitments = _table(self.commitments_model, CommitmentsModel.COL_DESC)
        ch = self.commitments.horizontalHeader()
        for col, width in ((CommitmentsModel.COL_UNIT, 170), (CommitmentsModel.COL_RESP, 110)):
            ch.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            ch.resizeSection(col, width)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.detail)
        lower.addWidget(self.commitments)
        lower.setSizes([430, 730])
        install_table_menu(
            self.table,
            [
                ("&Compromiso…", self.add_commitment),
                ("Adjuntar &evidencia…", self.add_evidence),
                ("Informe &PDF…", self.export_pdf),
            ],
            export=("visitas", ctx.settings),
        )
        install_table_menu(
            self.commitments, [("Marcar c&umplido", self.mark_done)], export=("compromisos de visitas", ctx.settings)
        )
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(
            EmptyState(
                self.table,
                EmptyHint(
                    "Todavía no hay visitas",
                    "Registre aquí cada visita de seguimiento a un cantón: el equipo, el objetivo, las unidades "
                    "visitadas, los hallazgos y recomendaciones, los medios de verificación y los compromisos "
                    "que se acordaron, para seguirlos hasta cumplirlos e imprimir el informe de la visita.",
                    [("&Nueva visita…", self.new_visit), ("Cargar datos de &ejemplo", load_example(self))],
                    chapter="cantones",
                ),
                model=self.model,
                is_empty=lambda: self.model.rowCount() == 0 and self.year_combo.currentData() is None,
            )
        )
        split.addWidget(lower)
        split.setSizes([300, 300])
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(split, 1)
        from ..widgets.sync_badge import install_sync_badge

        # whether the selected visit has reached headquarters (issue 6's status badges)
        self.sync_badge = install_sync_badge(
            ctx, self.table, "field_visit", lambda r: self.model.row_at(r).visit_id, lay
        )
        self.year_combo.currentIndexChanged.connect(lambda *_: self.reload(keep_years=True))
        ctx.events.data_changed.connect(self._on_changed)
        self.reload()

    def reload(self, keep_years: bool = False) -> None:
        if not keep_years:
            year = self.year_combo.currentData()
            self.year_combo.blockSignals(True)
            self.year_combo.clear()
            self.year_combo.addItem("Todos", None)
            for y in sorted({v.visit_date.year for v in self.service.visits()}, reverse=True):
                self.year_combo.addItem(str(y), y)
            self.year_combo.setCurrentIndex(max(self.year_combo.findData(year), 0))
            self.year_combo.blockSignals(False)
        current = _current(self.table, self.model)
        rows = self.service.visits(self.year_combo.currentData())
        self.model.set_rows(rows)
        row = 0
        for i, v in enumerate(rows):
            if current is not None and v.visit_id == current.visit_id:
                row = i
        if rows:
            self.table.selectRow(row)
        self._show_detail()

    def current(self):
        return _current(self.table, self.model)

    def _show_detail(self) -> None:
        v = self.current()
        for b in (self.commit_button, self.evidence_button, self.pdf_button):
            b.setEnabled(v is not None)
        if v is None:
            self.detail.setHtml("<p>No hay visitas registradas. Pulse «Nueva visita…».</p>")
            self.commitments_model.set_rows([])
            self.done_button.setEnabled(False)
            return
        from html import escape

        from rcdesk.services.evidence import EvidenceService

        ev = EvidenceService(self.ctx.db).list_for("field_visit", v.visit_id)
        units = "".join(f"<li>{escape(n)}</li>" for n in v.unit_names) or "<li>—</li>"
        evid = "".join(f"<li>{escape(e.label)}</li>" for e in ev) or "<li>Sin evidencias</li>"
        self.detail.setHtml(
            f"<h3>{escape(v.canton_name)} — {v.visit_date:%d/%m/%Y}</h3><p><b>Equipo:</b> {escape(v.team)}</p>"
            f"<p><b>Objetivo:</b> {escape(v.purpose)}</p><p><b>Unidades visitadas:</b></p><ul>{units}</ul>"
            f"<p><b>Hallazgos:</b> {escape(v.findings)}</p><p><b>Recomendaciones:</b> "
            f"{escape(v.recommendations)}</p><p><b>Medios de verificación:</b></p><ul>{evid}</ul>"
        )
        self.commitments_model.set_rows(self.service.commitments(v.visit_id))
        self.done_button.setEnabled(self.commitments_model.rowCount() > 0)

    def new_visit(self) -> None:
        from ..dialogs.poa_visit import VisitDialog

        self.dialog = VisitDialog(self.ctx, self)
        if self.dialog.exec() and self.dialog.result_row is not None:
            self.reload()

    def add_commitment(self) -> None:
        v = self.current()
        if v is None:
            return
        from ..dialogs.poa_visit import CommitmentDialog

        self.dialog = CommitmentDialog(self.ctx, v, self)
        if self.dialog.exec():
            self.reload()

    def mark_done(self) -> None:
        c = _current(self.commitments, self.commitments_model)
        if c is None:
            QMessageBox.information(self, "Compromisos", "Elija primero un compromiso en la lista.")
            return
        _write(self, lambda: self.service.set_commitment_status(c.commitment_id, "CUMPLIDO"), self._poa_changed)

    def add_evidence(self) -> None:
        v = self.current()
        if v is None:
            return
        from ..files import ask_open_paths

        chosen = ask_open_paths(
            self,
            self.ctx.settings,
            kind="evidencias",
            title="Adjuntar evidencia de la visita (fotos, actas…)",
            filters="Todos los archivos (*)",
        )
        path = str(chosen[0]) if chosen else ""
        if not path:
            return
        from rcdesk.services.evidence import EvidenceService

        def done(_result: object) -> None:
            self._show_detail()

        _write(self, lambda: EvidenceService(self.ctx.db).add_file(Path(path), "field_visit", v.visit_id), done)

    def _poa_changed(self, _result: object = None) -> None:
        self.reload()

    def export_pdf(self) -> None:
        v = self.current()
        if v is None:
            return
        from ..files import announce_saved, ask_save_path, default_name

        # the canton and the visit's own date: two visits never share a name
        path = ask_save_path(
            self,
            self.ctx.settings,
            kind="informes",
            title="Guardar informe de visita",
            name=default_name("informe visita", v.canton_name, on=v.visit_date, suffix="pdf"),
            filters="PDF (*.pdf)",
            suffix="pdf",
        )
        if path is None:
            return
        from rcdesk.services.poa_reports import write_visit_report

        self.ctx.runner.run(
            lambda progress, cancel: write_visit_report(self.ctx.db, v.visit_id, path),
            title="Generando el informe de visita…",
            parent=self,
            on_done=lambda out: announce_saved(self, Path(out), "Informe de visita guardado"),
            on_error=lambda exc: show_error(self, exc),
        )

    def _on_changed(self, changes, initiator) -> None:
        if initiator is not self and (changes.poa or changes.reference or changes.everything):
            self.reload()


class OficiosPage(QWidget):
    def __init__(self, ctx) -> None:
        super().__init__()
        from rcdesk.services.poa_visits import VisitService

        self.ctx = ctx
        self.service = VisitService(ctx.db)
        self.dialog = None
        self.overdue_only = QCheckBox("Solo &vencidos")
        self.new_button = QPushButton("&Nuevo oficio…")
        self.answer_button = QPushButton("Registrar &respuesta…")
        self.cancel_button = QPushButton("&Anular")
        self.new_button.clicked.connect(self.new_oficio)
        self.answer_button.clicked.connect(self.answer)
        self.cancel_button.clicked.connect(self.cancel_oficio)
        self.alert = QLabel("")
        self.alert.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.overdue_only)
        bar.addStretch(1)
        for b in (self.new_button, self.answer_button, self.cancel_button):
            bar.addWidget(b)
        self.model = OficiosModel(self)
        self.table = _table(self.model, OficiosModel.COL_SUBJECT)
        self.table.horizontalHeader().setSectionResizeMode(OficiosModel.COL_UNIT, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().resizeSection(OficiosModel.COL_UNIT, 240)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.alert)
        install_table_menu(
            self.table,
            [("Registrar &respuesta…", self.answer), ("&Anular", self.cancel_oficio)],
            export=("oficios", ctx.settings),
        )
        lay.addWidget(
            EmptyState(
                self.table,
                EmptyHint(
                    "Todavía no hay oficios",
                    "Lleve aquí los oficios de solicitud de información enviados por Quipux a las unidades: "
                    "número, destinatario, fecha y plazo en días hábiles. rcdesk avisa cuáles vencieron sin "
                    "respuesta y cuáles están por vencer.",
                    [("&Nuevo oficio…", self.new_oficio)],
                    chapter="cantones",
                ),
                model=self.model,
                is_empty=lambda: self.model.rowCount() == 0 and not self.overdue_only.isChecked(),
            ),
            1,
        )
        from ..widgets.sync_badge import install_sync_badge

        self.sync_badge = install_sync_badge(
            ctx, self.table, "document_request", lambda r: self.model.row_at(r).oficio_id, lay
        )
        self.overdue_only.toggled.connect(lambda *_: self.reload())
        ctx.events.data_changed.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        rows = self.service.oficios()
        overdue = [o for o in rows if o.overdue]
        soon = [o for o in rows if o.state == "POR_VENCER"]
        if overdue or soon:
            parts = []
            if overdue:
                parts.append(
                    f"{len(overdue)} oficio(s) vencido(s) sin respuesta: "
                    + "; ".join(f"{o.quipux_no} ({o.addressee}, {o.days_late} días hábiles)" for o in overdue[:5])
                )
            if soon:
                parts.append(f"{len(soon)} por vencer en los próximos días")
            self.alert.setText("<span style='color:#C62828'><b>Alerta:</b> " + ". ".join(parts) + ".</span>")
        else:
            self.alert.setText(
                "Ningún oficio vencido."
                if rows
                else "No hay oficios registrados. Pulse «Nuevo oficio…» para registrar uno enviado por Quipux."
            )
        self.model.set_rows(overdue if self.overdue_only.isChecked() else rows)
        if self.model.rowCount():
            self.table.selectRow(0)
        self._update_buttons()

    def current(self):
        return _current(self.table, self.model)

    def _update_buttons(self) -> None:
        o = self.current()
        open_ = o is not None and o.status == "ENVIADO"
        self.answer_button.setEnabled(open_)
        self.cancel_button.setEnabled(open_)

    def new_oficio(self) -> None:
        from ..dialogs.poa_visit import OficioDialog

        self.dialog = OficioDialog(self.ctx, self)
        if self.dialog.exec():
            self.reload()

    def answer(self) -> None:
        o = self.current()
        if o is None:
            return
        from ..dialogs.poa_visit import AnswerDialog

        self.dialog = AnswerDialog(self.ctx, o, self)
        if self.dialog.exec():
            self.reload()

    def cancel_oficio(self) -> None:
        o = self.current()
        if o is None:
            return
        if (
            QMessageBox.question(self, "Anular oficio", f"¿Anular el oficio {o.quipux_no}? Dejará de generar alertas.")
            != QMessageBox.StandardButton.Yes
        ):
            return

        def done(_result: object) -> None:
            self.reload()

        _write(self, lambda: self.service.cancel_oficio(o.oficio_id), done)

    def _on_changed(self, changes, initiator) -> None:
        if initiator is not self and (changes.poa or changes.reference or changes.everything):
            self.reload()


PAGES = [
    PageSpec(
        key="poa_visits",
        title="Visitas",
        order=42,
        factory=lambda ctx: VisitsPage(ctx),
        icon="SP_DriveNetIcon",
        tooltip="Visitas de seguimiento a los cantones y compromisos acordados",
    ),
    PageSpec(
        key="poa_oficios",
        title="Oficios",
        order=43,
        factory=lambda ctx: OficiosPage(ctx),
        icon="SP_FileDialogListView",
        tooltip="Oficios de solicitud de información (Quipux) y vencimientos",
    ),
]

__all__ = ["OficiosPage", "PAGES", "VisitsPage", "QInputDialog", "date"]
