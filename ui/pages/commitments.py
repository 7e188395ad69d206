"""Commitments across events (overdue filter, follow-ups with evidence) and overdue questions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from ..formatting import percent
from ..models.events_tables import CommitmentsModel, FollowUpsModel, QuestionsModel
from ..shell import PageSpec
from ..widgets.empty_hint import EmptyHint, EmptyState, go_to, load_example
from ..widgets.events.base import selected, table
from ..widgets.events.contributions_tab import record_followup
from ..widgets.table_menu import install_table_menu


class CommitmentsPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from rcdesk.models.events import COMMITMENT_STATUSES  # lazily: SQLAlchemy is not loaded at start-up
        from rcdesk.services.commitments import CommitmentService

        self.FILTERS = {"": "Todos los compromisos", "overdue": "Solo vencidos", **COMMITMENT_STATUSES}
        self.ctx = ctx
        self.svc = CommitmentService(ctx.db)
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("&Mostrar:"))
        self.filter = QComboBox()
        for k, v in self.FILTERS.items():
            self.filter.addItem(v, k)
        row.itemAt(0).widget().setBuddy(self.filter)
        self.filter.currentIndexChanged.connect(lambda _i: self.reload())
        row.addWidget(self.filter)
        self.status = QComboBox()
        for k, v in COMMITMENT_STATUSES.items():
            self.status.addItem(v, k)
        self.status.setAccessibleName("Nuevo estado")
        set_status = QPushButton("Cambiar &estado")
        set_status.clicked.connect(self.change_status)
        follow = QPushButton("&Registrar seguimiento…")
        follow.clicked.connect(self.followup)
        row.addStretch(1)
        row.addWidget(self.status)
        row.addWidget(set_status)
        row.addWidget(follow)
        lay.addLayout(row)
        self.summary = QLabel()
        lay.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        self.model = CommitmentsModel(self)
        self.view = table(self.model, CommitmentsModel.COL_DESCRIPTION)
        self.view.selectionModel().currentRowChanged.connect(self._selected)
        for col, w in (
            (CommitmentsModel.COL_RESPONSIBLE, 200),
            (CommitmentsModel.COL_STATUS, 150),
            (CommitmentsModel.COL_EVENT, 220),
        ):
            self.view.setColumnWidth(col, w)
        install_table_menu(
            self.view,
            [("&Registrar seguimiento…", self.followup), ("Cambiar al &estado elegido", self.change_status)],
            export=("compromisos", ctx.settings),
        )
        self._all_count = 0
        self.commitments_area = EmptyState(
            self.view,
            EmptyHint(
                "Todavía no hay compromisos",
                "Aquí se siguen los compromisos asumidos con la ciudadanía en deliberaciones y audiencias: "
                "responsable, plazo, estado y cada seguimiento con su evidencia. Los compromisos nacen en "
                "«Eventos y participación» › «Aportes», al convertir un aporte ciudadano.",
                [("Ir a &Eventos", go_to(self, "events")), ("Cargar datos de &ejemplo", load_example(self))],
                chapter="eventos",
            ),
            model=self.model,
            is_empty=lambda: self._all_count == 0,
        )
        split.addWidget(self.commitments_area)
        from ..widgets.sync_badge import install_sync_badge

        self.sync_badge = install_sync_badge(
            ctx, self.view, "commitment", lambda r: self.model.row_at(r).commitment_id, lay
        )
        self.fmodel = FollowUpsModel(self)
        self.fview = table(self.fmodel, FollowUpsModel.COL_NOTE)
        install_table_menu(self.fview, export=("seguimientos de compromisos", ctx.settings))
        split.addWidget(self.fview)
        box = QWidget()
        bl = QVBoxLayout(box)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(QLabel("Preguntas ciudadanas vencidas sin respuesta:"))
        self.qmodel = QuestionsModel(self)
        self.qview = table(self.qmodel, QuestionsModel.COL_TEXT)
        install_table_menu(self.qview)  # askers' names and contacts: copied one row at a time, never exported
        bl.addWidget(self.qview)
        split.addWidget(box)
        split.setSizes([380, 160, 160])
        lay.addWidget(split, 1)
        ctx.events.data_changed.connect(self._on_data_changed)
        self.reload()

    def reload(self) -> None:
        from rcdesk.services.questions import QuestionService

        key = self.filter.currentData()
        rows = self.svc.list_commitments(
            overdue_only=key == "overdue", status=key if key not in ("", "overdue") else None
        )
        self.model.set_rows(rows)
        everything = self.svc.list_commitments()
        self._all_count = len(everything)
        self.commitments_area.refresh()
        met = self.svc.met_pct()
        overdue = sum(1 for c in everything if c.overdue)
        self.summary.setText(
            f"{len(everything)} compromiso(s); cumplidos: {percent(met, none='—')}; vencidos: {overdue}."
        )
        self.qmodel.set_rows(QuestionService(self.ctx.db).overdue())
        self.fmodel.set_rows([])

    def _selected(self, current, _prev) -> None:
        c = self.model.row_at(current.row())
        self.fmodel.set_rows(self.svc.followups(c.commitment_id) if c else [])

    def followup(self) -> None:
        c = selected(self.view)
        if c is not None:
            record_followup(self, self.ctx, c, self.reload)

    def change_status(self) -> None:
        c = selected(self.view)
        if c is None:
            return
        status = self.status.currentData()

        def done(_result: object) -> None:
            self.reload()

        self.ctx.runner.write(lambda: self.svc.set_status(c.commitment_id, status), parent=self, on_done=done)

    def _on_data_changed(self, changes, initiator) -> None:
        if initiator is not self and (changes.events or changes.everything):
            self.reload()


PAGES = [
    PageSpec(
        key="commitments",
        title="Compromisos",
        order=55,
        factory=lambda ctx: CommitmentsPage(ctx),
        icon="SP_DialogApplyButton",
        tooltip="Compromisos con la ciudadanía y su seguimiento",
    ),
]
