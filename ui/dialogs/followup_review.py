"""«Revisar reporte»: see a report with its evidence, then validate it or observe it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rcdesk.compliance import format_pct

EvidenceRole = Qt.ItemDataRole.UserRole + 1


def open_evidence(ctx, ev, parent: QWidget | None = None) -> bool:
    """Open a file with the system viewer (after checking its hash) or a link in the browser."""
    from rcdesk.errors import UserError
    from rcdesk.services.evidence import EvidenceService

    if ev.kind == "LINK":
        return QDesktopServices.openUrl(QUrl(ev.url))
    svc = EvidenceService(ctx.db)
    try:
        svc.file_path(ev.evidence_id)  # missing: said before anything else
        intact = svc.verify(ev.evidence_id)
        # an encrypted database's file is decrypted into a private folder removed at exit
        path = svc.viewable_path(ev.evidence_id)
    except UserError as exc:
        QMessageBox.warning(parent, "Evidencia", exc.message)
        return False
    if not intact:
        QMessageBox.warning(
            parent,
            "Evidencia",
            f"El archivo «{ev.filename}» fue modificado después de adjuntarlo (su huella SHA-256 "
            "no coincide). Se abrirá igualmente; verifique su contenido.",
        )
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def fill_evidence_list(widget: QListWidget, evidence) -> None:
    widget.clear()
    for ev in evidence:
        text = f"Enlace: {ev.label}" if ev.kind == "LINK" else f"Archivo: {ev.label}  ({ev.size_text})"
        item = QListWidgetItem(text)
        item.setToolTip(ev.url or ev.filename or "")
        item.setData(EvidenceRole, ev)
        widget.addItem(item)


class ReviewDialog(QDialog):
    def __init__(self, ctx, report, activity_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report = report
        self.setWindowTitle("Revisar reporte de avance")
        self.setMinimumWidth(560)
        r = report
        info = QLabel(
            f"<b>{_h(activity_label)}</b><br>{_h(r.period_label)} · avance <b>{format_pct(r.percent)}</b>"
            f" · reportó {_h(r.reporter) or '—'} el {r.reported_on:%d/%m/%Y}"
            f"<p><b>Qué se hizo:</b> {_h(r.done_text) or '—'}</p>"
            + (f"<p><b>Dificultades:</b> {_h(r.difficulties)}</p>" if r.difficulties else "")
            + (f"<p><b>Justificación:</b> {_h(r.justification)}</p>" if r.justification else "")
        )
        info.setWordWrap(True)
        info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.evidence = QListWidget()
        self.evidence.setAccessibleName("Evidencias del reporte")
        fill_evidence_list(self.evidence, r.evidence)
        self.evidence.itemActivated.connect(lambda item: open_evidence(ctx, item.data(EvidenceRole), self))
        if not r.evidence:
            self.evidence.addItem("(sin evidencias adjuntas)")
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("Observación (obligatoria para observar el reporte)")
        self.note.setFixedHeight(70)
        self.reviewer = QLineEdit(ctx.db.user or "")
        buttons = QDialogButtonBox()
        self.validate_button = QPushButton("&Validar")
        self.observe_button = QPushButton("&Observar")
        buttons.addButton(self.validate_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.observe_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("Cerrar", QDialogButtonBox.ButtonRole.RejectRole)
        self.validate_button.clicked.connect(lambda: self.decide(True))
        self.observe_button.clicked.connect(lambda: self.decide(False))
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(info)
        lay.addWidget(QLabel("Evidencias (Intro o doble clic para abrir):"))
        lay.addWidget(self.evidence)
        lab = QLabel("&Observación:")
        lab.setBuddy(self.note)
        lay.addWidget(lab)
        lay.addWidget(self.note)
        lab2 = QLabel("&Revisa:")
        lab2.setBuddy(self.reviewer)
        lay.addWidget(lab2)
        lay.addWidget(self.reviewer)
        lay.addWidget(buttons)
        self.validate_button.setDefault(False)
        self.validate_button.setAutoDefault(False)

    def decide(self, validate: bool) -> None:
        from rcdesk.services.followup import FollowupService

        from ..tasks import show_error

        note, reviewer = self.note.toPlainText(), self.reviewer.text()

        def done(_result: object) -> None:
            self.accept()

        self.ctx.runner.write(
            lambda: FollowupService(self.ctx.db).review(
                self.report.report_id, validate=validate, note=note, reviewer=reviewer
            ),
            parent=self,
            on_done=done,
            on_user_error=lambda exc: show_error(self, exc),
        )


def _h(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
