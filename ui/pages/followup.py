"""«Seguimiento»: report progress, review, pending list, calendar, and the informe de seguimiento.

Thin Qt over `FollowupService`, `CalendarService` and the informe writers; writing files
and computing the informe go through `ctx.runner`.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..dialogs.followup_review import EvidenceRole, fill_evidence_list, open_evidence
from ..models.followup_tables import ActivityStatusModel, HolidayModel, ReportHistoryModel, ReviewQueueModel
from ..printing import print_pdf_pages
from ..shell import PageSpec
from ..widgets.buttons import OK, dialog_buttons
from ..widgets.columns import fit_columns
from ..widgets.dates import DateEdit
from ..widgets.empty_hint import EmptyHint, EmptyState, go_to, load_example
from ..widgets.table_menu import install_table_menu
from ..widgets.tables import row_table


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def urgent_first(pending: list, plan_order: list) -> list:
    """«Pendientes» as the user works through it: overdue first (longest overdue on top), then
    fewest days left; among equal deadlines, and for activities with no date, the least
    advanced first, then the plan's own order (never alphabetical: two «Conformación de…»
    rows are not related because they start alike)."""
    position = {a.activity_id: i for i, a in enumerate(plan_order)}

    def key(a):
        pct = a.compliance.raw
        return (
            a.days_left is None,
            a.days_left or 0,
            pct is None,
            pct or 0,
            position.get(a.activity_id, len(position)),
        )

    return sorted(pending, key=key)


class FollowupPage(QWidget):
    def __init__(self, ctx) -> None:
        super().__init__()
        from rcdesk.services.followup import FollowupService

        self.ctx = ctx
        self.fu = FollowupService(ctx.db)
        self.plan_id: str | None = None
        self.year: int | None = None
        self.periods: list = []
        self.last_saved: Path | None = None

        top = self._build_toolbar()
        self.tabs = QTabWidget()
        self._build_activities_tab()
        self._build_queue_tab()
        self._build_pending_tab()
        self.calendar = CalendarTab(ctx)
        self.tabs.addTab(self.calendar, "Ca&lendario")

        from ..dialogs.followup_settings import FollowupSettingsTab

        self.settings_tab = FollowupSettingsTab(ctx)
        self.tabs.addTab(self.settings_tab, "Con&figuración")

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.tabs)

        self.report_button.clicked.connect(self.report_progress)
        self.review_button.clicked.connect(self.review_current)
        self.cut.dateChanged.connect(lambda _d: self.reload())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._load_history())
        self.history.selectionModel().currentRowChanged.connect(lambda *_: self._show_history_evidence())
        QShortcut(QKeySequence("Ctrl+R"), self, activated=self.report_progress)
        QShortcut(QKeySequence("Ctrl+E"), self, activated=self.edit_selected_report)
        ctx.events.plan_selected.connect(self.set_plan)
        ctx.events.data_changed.connect(self._on_data_changed)
        self.set_plan(ctx.current_plan_id or "")

    def _build_toolbar(self) -> QHBoxLayout:
        """The plan's title, the cut date and the buttons that report, review and print."""
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.cut = DateEdit()
        self.cut.setToolTip("Fecha de corte del seguimiento (cuatrimestre: 30/04, 31/08, 31/12)")
        cut_label = QLabel("&Corte:")
        cut_label.setBuddy(self.cut)
        self.report_button = QPushButton("&Reportar avance…")
        self.report_button.setToolTip("Reportar el avance de la actividad seleccionada (Ctrl+R)")
        self.review_button = QPushButton("Re&visar…")
        self.informe_button = QToolButton()
        self.informe_button.setText("&Informe de seguimiento")
        self.informe_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.informe_button)
        menu.addAction("Guardar en &PDF…", self.save_pdf)
        menu.addAction("Guardar en &Excel…", self.save_xlsx)
        menu.addAction("&Imprimir…", self.print_informe)
        menu.addSeparator()
        menu.addAction("Evaluación de la estrategia (MURC) en PDF…", lambda: self.save_document("murc", "pdf"))
        menu.addAction("Evaluación de la estrategia (MURC) en Excel…", lambda: self.save_document("murc", "xlsx"))
        menu.addAction("Reporte interno de actividades en PDF…", lambda: self.save_document("actividades", "pdf"))
        menu.addAction("Reporte interno de actividades en Excel…", lambda: self.save_document("actividades", "xlsx"))
        menu.addAction(
            "Informe en lenguaje claro del cuatrimestre (PDF)…", lambda: self.save_document("ciudadano", "pdf")
        )
        self.informe_button.setMenu(menu)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(cut_label)
        top.addWidget(self.cut)
        top.addWidget(self.report_button)
        top.addWidget(self.review_button)
        top.addWidget(self.informe_button)
        return top

    def _build_activities_tab(self) -> None:
        """Each activity with its progress; below, the selected one's report history and evidence."""
        self.model = ActivityStatusModel(self)
        self.table = row_table(self.model)
        self.table.setAccessibleName("Actividades y su avance")
        hdr = self.table.horizontalHeader()
        hdr.setSectionResizeMode(ActivityStatusModel.COL_ACTIVITY, QHeaderView.ResizeMode.Stretch)
        for col, width in (
            (ActivityStatusModel.COL_NUMBER, 46),
            (ActivityStatusModel.COL_RESPONSIBLE, 160),
            (ActivityStatusModel.COL_DUE, 82),
            (ActivityStatusModel.COL_DAYS, 130),
            (ActivityStatusModel.COL_PCT, 76),
            (ActivityStatusModel.COL_LIGHT, 76),
            (ActivityStatusModel.COL_LAST, 96),
            (ActivityStatusModel.COL_PENDING, 74),
            (ActivityStatusModel.COL_FLAGS, 150),
        ):
            self.table.setColumnWidth(col, width)
        install_table_menu(
            self.table,
            [("Re&visar reportes…", self.review_current)],
            open_action=("&Reportar avance…", self.report_progress),
            export=("seguimiento de actividades", self.ctx.settings),
        )
        self.history_model = ReportHistoryModel(self)
        self.history = row_table(self.history_model)
        self.history.setAccessibleName("Historial de reportes de la actividad")
        install_table_menu(
            self.history,
            [("&Editar reporte…", self.edit_selected_report), ("Re&tirar reporte", self.withdraw_selected_report)],
            open_action=("Re&visar el reporte…", self.review_selected_history),
            export=("historial de reportes", self.ctx.settings),
        )
        fit_columns(self.history, self.ctx.settings, "followup.history")
        self.history_evidence = QListWidget()
        self.history_evidence.setAccessibleName("Evidencias del reporte")
        self.history_evidence.itemActivated.connect(lambda it: open_evidence(self.ctx, it.data(EvidenceRole), self))
        self.history_evidence.setMaximumWidth(320)
        self.add_evidence_button = QPushButton("Agregar evidencia…")
        self.add_evidence_button.clicked.connect(self.add_evidence)
        self.edit_button = QPushButton("&Editar reporte…")
        self.edit_button.setToolTip(
            "Corregir el reporte seleccionado del historial (Ctrl+E). Un reporte validado "
            "no se modifica: se registra una corrección que lo sustituye al validarse."
        )
        self.edit_button.clicked.connect(self.edit_selected_report)
        self.withdraw_button = QPushButton("Re&tirar reporte")
        self.withdraw_button.setToolTip("Retirar un reporte que aún no fue validado")
        self.withdraw_button.clicked.connect(self.withdraw_selected_report)
        ev_box = QVBoxLayout()
        ev_box.addWidget(QLabel("Evidencias (Intro para abrir):"))
        ev_box.addWidget(self.history_evidence)
        ev_box.addWidget(self.add_evidence_button)
        report_buttons = QHBoxLayout()
        from ..widgets.sync_badge import install_sync_badge

        # whether the selected report has reached headquarters (issue 6's status badges)
        self.sync_badge = install_sync_badge(
            self.ctx, self.history, "progress_report", lambda r: self.history_model.row(r).report_id, ev_box
        )
        report_buttons.addWidget(self.edit_button)
        report_buttons.addWidget(self.withdraw_button)
        ev_box.addLayout(report_buttons)
        ev_w = QWidget()
        ev_w.setLayout(ev_box)
        ev_box.setContentsMargins(0, 0, 0, 0)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.history)
        lower.addWidget(ev_w)
        lower.setStretchFactor(0, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        hist_w = QWidget()
        hl = QVBoxLayout(hist_w)
        hl.setContentsMargins(0, 0, 0, 0)
        self.history_label = QLabel("Historial de la actividad")
        hl.addWidget(self.history_label)
        hl.addWidget(lower)
        split.addWidget(hist_w)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.activities_hint = EmptyHint("", "", chapter="seguimiento")
        self.activities_area = EmptyState(split, self.activities_hint, model=self.model)
        self.tabs.addTab(self.activities_area, "&Actividades")

        fit_columns(self.table, self.ctx.settings, "followup.activities")

    def _build_queue_tab(self) -> None:
        """The reports waiting to be validated or observed."""
        self.queue_model = ReviewQueueModel(self)
        self.queue = row_table(self.queue_model)
        self.queue.setAccessibleName("Reportes por validar")
        self.queue.horizontalHeader().setSectionResizeMode(
            ReviewQueueModel.COL_ACTIVITY, QHeaderView.ResizeMode.Stretch
        )
        install_table_menu(
            self.queue,
            open_action=("Re&visar el reporte…", self.review_queue_selected),
            export=("reportes por validar", self.ctx.settings),
        )
        fit_columns(self.queue, self.ctx.settings, "followup.queue")
        self.queue_area = EmptyState(
            self.queue,
            EmptyHint(
                "Nada por validar",
                "Aquí llegan los reportes de avance que esperan ser validados u observados. Cuando alguien "
                "reporte un avance («Reportar avance…» en la pestaña Actividades), aparecerá en esta lista.",
                [("Ir a &Actividades", lambda: self.tabs.setCurrentIndex(0))],
                chapter="seguimiento",
            ),
            model=self.queue_model,
        )
        self.tabs.addTab(self.queue_area, "Por &validar")

    def _build_pending_tab(self) -> None:
        """The activities not yet done, the most urgent first."""
        self.pending_model = ActivityStatusModel(self)
        self.pending = row_table(self.pending_model)
        self.pending.setAccessibleName("Pendientes por urgencia")
        self.pending.horizontalHeader().setSectionResizeMode(
            ActivityStatusModel.COL_ACTIVITY, QHeaderView.ResizeMode.Stretch
        )
        install_table_menu(
            self.pending,
            open_action=("&Reportar avance…", lambda: self._report_from_pending(self.pending.currentIndex())),
            export=("pendientes", self.ctx.settings),
        )
        fit_columns(self.pending, self.ctx.settings, "followup.pending")
        self.pending_area = EmptyState(
            self.pending,
            EmptyHint(
                "No hay actividades pendientes",
                "Esta lista muestra, la más urgente primero, las actividades del plan que aún no se han "
                "cumplido: las vencidas arriba y luego las de plazo más cercano. Elija un plan con "
                "actividades por cumplir para verlas aquí.",
                [("Ir a &Actividades", lambda: self.tabs.setCurrentIndex(0))],
                chapter="seguimiento",
            ),
            model=self.pending_model,
        )
        self.tabs.addTab(self.pending_area, "&Pendientes")

    # -- loading ----------------------------------------------------------------------------------
    def set_plan(self, plan_id: str) -> None:
        self.plan_id = plan_id or None
        self._explain_empty_activities()
        enabled = self.plan_id is not None
        for w in (self.report_button, self.review_button, self.informe_button, self.cut):
            w.setEnabled(enabled)
        if not self.plan_id:
            self.title.setText("<i>Elija un plan en la barra superior.</i>")
            self.cut.blockSignals(True)  # QDateEdit's own default reads «01/01/2000»
            self.cut.setDate(_qdate(date.today()))
            self.cut.blockSignals(False)
            for m in (self.model, self.queue_model, self.pending_model, self.history_model):
                m.set_rows([])
            return
        from rcdesk.services.plans import PlanService

        summary = PlanService(self.ctx.db).summary(self.plan_id)
        self.year = summary.year
        self.periods = self.fu.periods(self.plan_id)
        cuts = self.fu.cuts(self.plan_id)
        today = date.today()
        past = [c.cut for c in cuts if c.cut <= today]
        default = past[-1] if past else cuts[0].cut
        self.cut.blockSignals(True)
        self.cut.setDateRange(_qdate(date(summary.year, 1, 1)), _qdate(date(summary.year, 12, 31)))
        self.cut.setDate(_qdate(default if today.year != summary.year else min(today, date(summary.year, 12, 31))))
        self.cut.blockSignals(False)
        self.title.setText(f"<b>{summary.entity}</b> — vigencia {summary.year}")
        self.calendar.follow_plan(self.plan_id, summary.year)
        self.reload()

    def _explain_empty_activities(self) -> None:
        hint = self.activities_hint
        if self.plan_id:
            hint.set_text(
                "El plan todavía no tiene actividades",
                "Agregue las actividades del plan en «Planes» («Nueva actividad…») o importe su cronograma; "
                "después podrá reportar aquí el avance de cada una.",
            )
            hint.set_actions([("Ir a &Planes", go_to(self, "plans"))])
            return
        hint.set_text(
            "Ningún plan elegido",
            "Seguimiento sirve para reportar el avance de cada actividad del plan con sus evidencias, "
            "validarlo y producir el informe de seguimiento de cada corte. Elija un plan en la barra "
            "superior o, si todavía no hay ninguno, importe su cronograma o cargue los datos de ejemplo.",
        )
        hint.set_actions(
            [
                ("&Importar un plan…", go_to(self, "plans", "import_plan")),
                ("Cargar datos de &ejemplo", load_example(self)),
            ]
        )

    def reload(self) -> None:
        if not self.plan_id:
            return
        cut = _pydate(self.cut.date())
        current = self.current_activity()
        d = self.fu.dashboard(self.plan_id, cut=cut)
        self.model.set_rows(d.activities)
        self.pending_model.set_rows(urgent_first(self.fu.pending(self.plan_id), d.activities))
        names = {a.activity_id: f"{a.number} {a.description}".strip() for a in d.activities}
        self.queue_model.activity_names = names
        queue = self.fu.reports_to_review(self.plan_id)
        self.queue_model.set_rows(queue)
        self.tabs.setTabText(1, f"Por &validar ({len(queue)})")
        if current is not None:
            for r, a in enumerate(self.model.rows()):
                if a.activity_id == current.activity_id:
                    self.table.selectRow(r)
                    break
        elif self.model.rowCount():
            self.table.selectRow(0)
        self._load_history()

    def _on_data_changed(self, changes, initiator) -> None:
        if changes.everything or changes.plans:
            self.set_plan(self.ctx.current_plan_id or "")
        elif changes.followup or changes.activities:
            self.reload()

    def current_activity(self):
        idx = self.table.currentIndex()
        return self.model.row(idx.row()) if idx.isValid() else None

    def _load_history(self) -> None:
        a = self.current_activity()
        if a is None:
            self.history_model.set_rows([])
            self.history_evidence.clear()
            self.history_label.setText("Historial de la actividad")
            return
        self.history_label.setText(f"Historial de «{(a.number + ' ') if a.number else ''}{a.description[:90]}»")
        self.history_model.set_rows(self.fu.history(a.activity_id))
        if self.history_model.rowCount():
            self.history.selectRow(0)
        self._show_history_evidence()

    def _show_history_evidence(self) -> None:
        idx = self.history.currentIndex()
        r = self.history_model.row(idx.row()) if idx.isValid() else None
        fill_evidence_list(self.history_evidence, r.evidence if r else ())
        open_report = r is not None and r.status in ("REPORTADO", "OBSERVADO")
        self.add_evidence_button.setEnabled(open_report)
        self.withdraw_button.setEnabled(open_report)
        self.edit_button.setEnabled(r is not None and r.status != "SUSTITUIDO")
        self.edit_button.setText(
            "Corr&egir (sustituir)…" if r is not None and r.status == "VALIDADO" else "&Editar reporte…"
        )

    # -- actions --------------------------------------------------------------------------------
    def report_progress(self, activity=None) -> None:
        from ..dialogs.followup_report import ReportDialog

        a = activity or self.current_activity()
        if a is None or not self.plan_id:
            QMessageBox.information(self, "Reportar avance", "Seleccione primero una actividad.")
            return
        from rcdesk.followup.periods import period_of

        default_no = None  # the period of the cut date
        if self.periods:
            n = len(self.periods)
            default_no = period_of({3: "cuatrimestre", 4: "trimestre", 12: "mes"}[n], _pydate(self.cut.date()))
        self.report_dialog = ReportDialog(self.ctx, a, self.periods, period_no=default_no, parent=self)
        self.report_dialog.open()

    def selected_report(self):
        idx = self.history.currentIndex()
        return self.history_model.row(idx.row()) if idx.isValid() else None

    def edit_selected_report(self) -> None:
        """Edit a report not yet validated, or register the correction of a validated one."""
        from ..dialogs.followup_report import ReportDialog

        r, a = self.selected_report(), self.current_activity()
        if r is None or a is None:
            QMessageBox.information(self, "Editar reporte", "Seleccione un reporte del historial.")
            return
        if r.status == "SUSTITUIDO":
            QMessageBox.information(
                self,
                "Editar reporte",
                "Este reporte ya fue sustituido por una versión más reciente; edite esa versión.",
            )
            return
        mode = "edit"
        if r.status == "VALIDADO":
            answer = QMessageBox.question(
                self,
                "Corregir reporte validado",
                f"El reporte de {r.period_label} ya está validado y no se puede modificar.\n\n¿Registrar una "
                "corrección? El reporte validado sigue contando hasta que se valide la corrección.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            mode = "supersede"
        self.report_dialog = ReportDialog(self.ctx, a, self.periods, report=r, mode=mode, parent=self)
        self.report_dialog.open()

    def withdraw_selected_report(self) -> None:
        from ..tasks import show_error

        r = self.selected_report()
        if r is None:
            return
        if r.status not in ("REPORTADO", "OBSERVADO"):
            QMessageBox.information(
                self,
                "Retirar reporte",
                f"Un reporte {r.status_label.lower()} no se puede retirar; queda en el historial.",
            )
            return
        answer = QMessageBox.question(
            self,
            "Retirar reporte",
            f"¿Retirar el reporte de {r.period_label} ({r.status_label.lower()}, "
            f"del {r.reported_on:%d/%m/%Y})? El periodo quedará libre para reportarlo "
            "de nuevo.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.runner.write(
            lambda: self.fu.withdraw(r.report_id),
            parent=self,
            on_user_error=lambda exc: show_error(self, exc),
        )

    def _report_from_pending(self, index) -> None:
        a = self.pending_model.row(index.row())
        if a is not None:
            self.report_progress(a)

    def review_current(self) -> None:
        if self.tabs.currentIndex() == 1:
            self.review_queue_selected()
        else:
            self.review_selected_history()

    def review_selected_history(self) -> None:
        idx = self.history.currentIndex()
        r = self.history_model.row(idx.row()) if idx.isValid() else None
        a = self.current_activity()
        if r is None or a is None:
            QMessageBox.information(self, "Revisar", "Seleccione un reporte del historial.")
            return
        self._open_review(r, f"{a.number} {a.description}".strip())

    def review_queue_selected(self) -> None:
        idx = self.queue.currentIndex()
        r = self.queue_model.row(idx.row()) if idx.isValid() else None
        if r is None:
            QMessageBox.information(self, "Revisar", "Seleccione un reporte por validar.")
            return
        self._open_review(r, self.queue_model.activity_names.get(r.activity_id, ""))

    def _open_review(self, report, label: str) -> None:
        from ..dialogs.followup_review import ReviewDialog

        if report.status != "REPORTADO":
            QMessageBox.information(self, "Revisar", f"Este reporte ya está {report.status_label.lower()}.")
            return
        self.review_dialog = ReviewDialog(self.ctx, report, label, parent=self)
        self.review_dialog.open()

    def add_evidence(self) -> None:
        from ..dialogs.followup_report import EVIDENCE_FILTER

        idx = self.history.currentIndex()
        r = self.history_model.row(idx.row()) if idx.isValid() else None
        if r is None:
            return
        from ..files import ask_open_paths

        files = ask_open_paths(
            self,
            self.ctx.settings,
            kind="evidencias",
            title="Agregar evidencia al reporte",
            filters=EVIDENCE_FILTER,
            many=True,
        )
        if not files:
            return
        fu = self.fu

        def job(progress, cancel):
            return fu.add_evidence(r.report_id, [Path(f) for f in files])

        self.ctx.runner.run(
            job,
            title="Guardando evidencias…",
            parent=self,
            source=None,  # this page too reloads the report's history
            cancellable=False,
        )

    # -- informe ----------------------------------------------------------------------------------
    def _informe_job(self, out: Path, kind: str):
        from rcdesk.followup.informe import build_seguimiento

        db, plan_id, cut = self.ctx.db, self.plan_id, _pydate(self.cut.date())

        def job(progress, cancel):
            data = build_seguimiento(db, plan_id, cut, progress=progress, cancel=cancel)
            if kind == "pdf":
                from rcdesk.reports.seguimiento_pdf import write_pdf

                return write_pdf(data, out, progress=progress, cancel=cancel)
            from rcdesk.reports.seguimiento_xlsx import write_xlsx

            return write_xlsx(data, out, progress=progress, cancel=cancel)

        return job

    def _suggested(self, what: str, suffix: str) -> str:
        """«informe-seguimiento-gobernacion-de-chimborazo-2022-04-30.pdf»: entity and cut date."""
        from rcdesk.services.plan_reads import list_plans

        from ..files import default_name

        entity = next((p.entity for p in list_plans(self.ctx.db) if p.plan_id == self.plan_id), "")
        return default_name(what, entity, on=_pydate(self.cut.date()), suffix=suffix)

    def save_pdf(self) -> None:
        self._save("pdf", "Guardar el informe en PDF", "PDF (*.pdf)")

    def save_xlsx(self) -> None:
        self._save("xlsx", "Guardar el informe en Excel", "Libro de Excel (*.xlsx)")

    def _save(self, kind: str, title: str, filt: str) -> None:
        if not self.plan_id:
            return
        from ..files import announce_saved, ask_save_path

        out = ask_save_path(
            self,
            self.ctx.settings,
            kind="informes",
            title=title,
            name=self._suggested("informe seguimiento", kind),
            filters=filt,
            suffix=kind,
        )
        if out is None:
            return
        out.parent.mkdir(parents=True, exist_ok=True)

        def done(result) -> None:
            self.last_saved = Path(result)
            announce_saved(self, self.last_saved, "Informe de seguimiento guardado")

        self.ctx.runner.run(
            self._informe_job(out, kind), title="Generando el informe de seguimiento…", parent=self, on_done=done
        )

    # -- the Colombian strategy documents and the citizen summary, at the page's cut ------------
    _DOCUMENTS = {"murc": "evaluacion_estrategia", "actividades": "reporte_actividades", "ciudadano": "lenguaje_claro"}

    def save_document(self, doc: str, kind: str) -> None:
        if not self.plan_id:
            return
        from ..files import announce_saved, ask_save_path

        cut = _pydate(self.cut.date())
        filt = "PDF (*.pdf)" if kind == "pdf" else "Libro de Excel (*.xlsx)"
        out = ask_save_path(
            self,
            self.ctx.settings,
            kind="informes",
            title="Guardar el documento",
            name=self._suggested(self._DOCUMENTS[doc], kind),
            filters=filt,
            suffix=kind,
        )
        if out is None:
            return
        db, plan_id = self.ctx.db, self.plan_id

        def job(progress, cancel):
            if doc == "ciudadano":
                from rcdesk.reports.citizen_pdf import write_pdf
                from rcdesk.services.citizen_summary import build_citizen_summary

                period = f"{cut.year}-C{(cut.month - 1) // 4 + 1}"
                return write_pdf(build_citizen_summary(db, period, plan_id=plan_id), out)
            from rcdesk.services import murc_report

            if doc == "murc":
                data = murc_report.build_murc(db, plan_id, cut)
                from rcdesk.reports import murc_pdf, murc_xlsx

                return (murc_pdf.write_pdf if kind == "pdf" else murc_xlsx.write_xlsx)(data, out)
            data = murc_report.build_activity_report(db, plan_id, cut)
            from rcdesk.reports import activity_report_pdf, activity_report_xlsx

            return (activity_report_pdf.write_pdf if kind == "pdf" else activity_report_xlsx.write_xlsx)(data, out)

        def done(result) -> None:
            self.last_saved = Path(result)
            announce_saved(self, self.last_saved, "Documento guardado")

        self.ctx.runner.run(job, title="Generando el documento…", parent=self, on_done=done)

    def print_informe(self) -> None:
        from PySide6.QtGui import QPageLayout
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        if not self.plan_id:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        printer.setDocName("Informe de seguimiento")
        dlg = QPrintDialog(printer, self)
        dlg.setWindowTitle("Imprimir el informe de seguimiento")
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        tmp = Path(tempfile.mkdtemp(prefix="rcdesk-")) / "informe.pdf"

        def done(result) -> None:
            pages = print_pdf_pages(Path(result), printer)
            self.ctx.events.status_message.emit(f"Informe enviado a la impresora ({pages} páginas).")

        self.ctx.runner.run(self._informe_job(tmp, "pdf"), title="Preparando la impresión…", parent=self, on_done=done)


class CalendarTab(QWidget):
    """Holidays per country and year: add local holidays / bridge days, remove ones that do not apply."""

    def __init__(self, ctx) -> None:
        super().__init__()
        from rcdesk.services.calendar import CalendarService

        self.ctx = ctx
        self.svc = CalendarService(ctx.db)
        self.country = QComboBox()
        self.country.addItem("Ecuador", "EC")
        self.country.addItem("Colombia", "CO")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.model = HolidayModel(self)
        self.table = row_table(self.model)
        self.table.setAccessibleName("Feriados")
        self.table.horizontalHeader().setSectionResizeMode(HolidayModel.COL_NAME, QHeaderView.ResizeMode.Stretch)
        fit_columns(self.table, ctx.settings, "followup.holidays")
        install_table_menu(self.table, [("&Quitar feriado", self.remove)], export=("feriados", ctx.settings))
        add = QPushButton("A&gregar feriado…")
        remove = QPushButton("&Quitar feriado")
        add.clicked.connect(self.add)
        remove.clicked.connect(self.remove)
        self.add_button, self.remove_button = add, remove
        bar = QHBoxLayout()
        for label, w in (("País:", self.country), ("Año:", self.year)):
            lab = QLabel(label)
            lab.setBuddy(w)
            bar.addWidget(lab)
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(add)
        bar.addWidget(remove)
        note = QLabel(
            "Los feriados nacionales de Ecuador y Colombia ya vienen incluidos. Agregue los "
            "feriados locales de su cantón o municipio y los días de descanso decretados; quite los que no "
            "apliquen. Los plazos en días hábiles se recalculan de inmediato."
        )
        note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(note)
        lay.addWidget(self.table)
        self.country.currentIndexChanged.connect(lambda _i: self.reload())
        self.year.valueChanged.connect(lambda _v: self.reload())
        self._loaded = False

    def follow_plan(self, plan_id: str, year: int) -> None:
        """Show the calendar of the plan's country and vigencia."""
        from rcdesk.followup.reads import plan_facts

        with self.ctx.db.read() as c:
            country = plan_facts(c, plan_id)[1]
        self.country.blockSignals(True)
        self.year.blockSignals(True)
        self.country.setCurrentIndex(max(0, self.country.findData(country)))
        self.year.setValue(year)
        self.country.blockSignals(False)
        self.year.blockSignals(False)
        if self._loaded:
            self.reload()

    def showEvent(self, event) -> None:
        if not self._loaded:
            self._loaded = True
            self.reload()
        super().showEvent(event)

    def reload(self) -> None:
        self.model.set_rows(self.svc.holidays(self.country.currentData(), self.year.value()))

    def add(self) -> None:
        dlg = HolidayDialog(self.year.value(), self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        from rcdesk.errors import UserError

        from ..tasks import show_error

        try:
            day, name, locality = dlg.values()
        except UserError as exc:
            show_error(self, exc)
            return
        country = self.country.currentData()

        def done(_result: object) -> None:
            self.year.setValue(day.year)
            self.reload()

        self.ctx.runner.write(
            lambda: self.svc.add_holiday(
                country, day, name, scope="local" if locality else "nacional", locality=locality or None
            ),
            parent=self,
            on_done=done,
        )

    def remove(self) -> None:
        idx = self.table.currentIndex()
        h = self.model.row(idx.row()) if idx.isValid() else None
        if h is None:
            return
        answer = QMessageBox.question(
            self, "Quitar feriado", f"¿Quitar «{h.name}» del {h.day:%d/%m/%Y}? Ese día pasará a ser hábil."
        )
        if answer != QMessageBox.StandardButton.Yes:
            return

        def done(_result: object) -> None:
            self.reload()

        self.ctx.runner.write(lambda: self.svc.remove_holiday(h.holiday_id), parent=self, on_done=done)


class HolidayDialog(QDialog):
    def __init__(self, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agregar feriado")
        self.day = DateEdit(date(year, 1, 1) if year != date.today().year else date.today())
        self.name = QLineEdit()
        self.name.setPlaceholderText("p. ej. Independencia de Riobamba, feriado puente decretado")
        self.local = QCheckBox("Solo en una localidad (feriado local)")
        self.locality = QLineEdit()
        self.locality.setPlaceholderText("Cantón o municipio")
        self.locality.setEnabled(False)
        self.local.toggled.connect(self.locality.setEnabled)
        form = QFormLayout(self)
        form.addRow("&Fecha:", self.day)
        form.addRow("&Nombre:", self.name)
        form.addRow("", self.local)
        form.addRow("&Localidad:", self.locality)
        buttons = dialog_buttons(self, "Agregar", accept_button=OK)
        form.addRow(buttons)

    def values(self) -> tuple[date, str, str]:
        return _pydate(self.day.date()), self.name.text(), self.locality.text() if self.local.isChecked() else ""


PAGES = [
    PageSpec(
        key="followup",
        title="Seguimiento",
        order=30,
        factory=lambda ctx: FollowupPage(ctx),
        icon="SP_DialogApplyButton",
        tooltip="Reportar avances con evidencias, validar, pendientes, calendario e informe de seguimiento",
    ),
]
