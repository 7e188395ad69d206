"""«Aportes» tab of the event workspace: contributions, the commitments made from them
and their follow-ups."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...dialogs.events_dialogs import CommitmentDialog, FollowUpDialog
from ...models.events_tables import (
    CommitmentsModel,
    ContributionsModel,
)
from ...tasks import show_error
from ..empty_hint import hinted
from ..table_menu import install_table_menu
from .base import EventTab, selected, table


class ContributionsTab(EventTab):
    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.mesa = QLineEdit()
        self.mesa.setPlaceholderText("Mesa / comisión")
        self.text = QLineEdit()
        self.text.setPlaceholderText("Aporte o sugerencia ciudadana")
        self.by = QLineEdit()
        self.by.setPlaceholderText("Presentado por (opcional)")
        add = QPushButton("&Agregar aporte")
        add.clicked.connect(self.add)
        self.text.returnPressed.connect(self.add)
        row.addWidget(self.mesa, 1)
        row.addWidget(self.text, 3)
        row.addWidget(self.by, 1)
        row.addWidget(add)
        lay.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical)
        self.cmodel = ContributionsModel(self)
        self.cview = table(self.cmodel, ContributionsModel.COL_TEXT)
        split.addWidget(
            hinted(
                self.cview,
                self.cmodel,
                "Sin aportes todavía",
                "Anote aquí los aportes y sugerencias de las mesas de trabajo del evento (línea de arriba). Un "
                "aporte que la entidad acepta se convierte en compromiso, con responsable y plazo.",
                [("Escribir un &aporte", lambda: self.text.setFocus())],
                chapter="eventos",
            )
        )
        self.kmodel = CommitmentsModel(self)
        self.kview = table(self.kmodel, CommitmentsModel.COL_DESCRIPTION)
        split.addWidget(
            hinted(
                self.kview,
                self.kmodel,
                "Sin compromisos de este evento",
                "Los compromisos nacen de los aportes: elija un aporte de la lista de arriba y pulse "
                "«Convertir en compromiso…». Después registre su seguimiento hasta cumplirlo.",
                chapter="eventos",
            )
        )
        install_table_menu(self.cview, [("&Convertir en compromiso…", self.to_commitment)])
        install_table_menu(
            self.kview,
            [("&Registrar seguimiento…", self.followup)],
            export=("compromisos del evento", ctx.settings),
            host=lambda: self.notice_host,
        )
        lay.addWidget(split, 1)
        btns = QHBoxLayout()
        for text, slot in (
            ("&Convertir en compromiso…", self.to_commitment),
            ("&Registrar seguimiento…", self.followup),
        ):
            b = QPushButton(text)
            b.clicked.connect(slot)
            btns.addWidget(b)
        btns.addStretch(1)
        lay.addLayout(btns)

    def refresh(self) -> None:
        from rcdesk.services.commitments import CommitmentService

        if self.ev is None:
            return
        svc = CommitmentService(self.ctx.db)
        self.cmodel.set_rows(svc.contributions(self.ev.event_id))
        self.kmodel.set_rows(svc.list_commitments(self.ev.event_id))

    def add(self) -> None:
        from rcdesk.services.commitments import CommitmentService

        def done(_c) -> None:
            self.text.clear()
            self.by.clear()
            self.refresh()
            self.text.setFocus()

        self._save(
            done,
            CommitmentService(self.ctx.db).add_contribution,
            self.ev.event_id,
            self.text.text(),
            self.mesa.text(),
            self.by.text(),
        )

    def to_commitment(self) -> None:
        from rcdesk.services.commitments import CommitmentInput, CommitmentService
        from rcdesk.services.reference import ReferenceService

        c = selected(self.cview)
        if c is None or c.commitment_id:
            QMessageBox.information(self, "Compromisos", "Seleccione un aporte que aún no sea compromiso.")
            return
        dlg = CommitmentDialog(
            ReferenceService(self.ctx.db).units(self.ev.institution_id), c.text, self.ev.event_date, self
        )
        if not dlg.exec():
            return
        v = dlg.values()

        def done(_k) -> None:
            self.refresh()

        self._save(done, CommitmentService(self.ctx.db).add, CommitmentInput(contribution_id=c.contribution_id, **v))

    def followup(self) -> None:
        k = selected(self.kview)
        if k is None:
            QMessageBox.information(self, "Compromisos", "Seleccione un compromiso.")
            return
        record_followup(self, self.ctx, k, self.refresh)


def record_followup(parent: QWidget, ctx, k, on_saved) -> None:
    """Ask for a follow-up of commitment `k`, save it on the worker, then call `on_saved()`."""
    from rcdesk.services.commitments import CommitmentService

    dlg = FollowUpDialog(k.description, k.progress_pct, parent)
    if not dlg.exec():
        return
    v = dlg.values()

    def done(_result: object) -> None:
        on_saved()

    ctx.runner.write(
        lambda: CommitmentService(ctx.db).add_followup(
            k.commitment_id, v["cut_date"], v["progress_pct"], v["narrative"], files=v["files"], links=v["links"]
        ),
        parent=parent,
        on_done=done,
        on_user_error=lambda exc: show_error(parent, exc),
    )
