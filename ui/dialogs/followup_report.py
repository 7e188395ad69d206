"""«Reportar avance»: one dialog, usable with the keyboard alone; evidence by chooser or drag-and-drop.

The same dialog edits a report not yet validated (a new version replaces it) or registers the
correction of a validated one (mode "edit" / "supersede", see `FollowupService`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..widgets.buttons import dialog_buttons
from ..widgets.dates import DateEdit

EVIDENCE_FILTER = (
    "Evidencias (*.pdf *.jpg *.jpeg *.png *.gif *.doc *.docx *.xls *.xlsx *.ppt *.pptx *.odt "
    "*.ods *.txt *.csv *.zip *.mp4 *.mp3);;Todos los archivos (*)"
)
PathRole = Qt.ItemDataRole.UserRole + 1


class EvidenceList(QListWidget):
    """List of files/links to attach; accepts files dropped from the file manager."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setAccessibleName("Evidencias")
        self.setToolTip("Arrastre aquí los archivos de evidencia, o use «Agregar archivo…»")
        self.setMinimumHeight(80)

    def add_file(self, path: Path) -> None:
        path = Path(path)
        if any(self.item(i).data(PathRole) == ("file", str(path)) for i in range(self.count())):
            return
        item = QListWidgetItem(f"Archivo: {path.name}")
        item.setToolTip(str(path))
        item.setData(PathRole, ("file", str(path)))
        self.addItem(item)

    def add_link(self, url: str) -> None:
        item = QListWidgetItem(f"Enlace: {url}")
        item.setToolTip(url)
        item.setData(PathRole, ("link", url))
        self.addItem(item)

    def add_kept(self, ev) -> None:
        """Evidence already attached to the report being corrected (carried over unless removed)."""
        kind = "Enlace" if ev.kind == "LINK" else "Archivo"
        item = QListWidgetItem(f"{kind} ya adjunto: {ev.label}")
        item.setToolTip(ev.url or ev.filename or "")
        item.setData(PathRole, ("kept", ev.evidence_id))
        self.addItem(item)

    def kept(self) -> list[str]:
        return [v for k, v in (self.item(i).data(PathRole) for i in range(self.count())) if k == "kept"]

    def files(self) -> list[Path]:
        return [Path(v) for k, v in (self.item(i).data(PathRole) for i in range(self.count())) if k == "file"]

    def links(self) -> list[str]:
        return [v for k, v in (self.item(i).data(PathRole) for i in range(self.count())) if k == "link"]

    # drag-and-drop
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        if not event.mimeData().hasUrls():
            return super().dropEvent(event)
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.add_file(Path(url.toLocalFile()))
            elif url.scheme() in ("http", "https"):
                self.add_link(url.toString())
        event.acceptProposedAction()
        return None


class ReportDialog(QDialog):
    """Report the progress of one activity for one period (save = Ctrl+Enter)."""

    TITLES = {"new": "Reportar avance", "edit": "Editar reporte de avance", "supersede": "Corregir reporte validado"}

    def __init__(
        self,
        ctx,
        activity,
        periods: list[tuple[int, str, str]],
        *,
        period_no: int | None = None,
        parent: QWidget | None = None,
        report=None,
        mode: str = "new",
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.activity = activity
        self.result_row = None
        self.original = report
        self.mode = mode if report is not None else "new"
        self.setWindowTitle(self.TITLES[self.mode])
        self.setMinimumWidth(580)
        self.setMinimumHeight(640)
        head = self._build_head(activity)
        form = self._build_form(periods, period_no)
        self.buttons = dialog_buttons(self, "&Guardar (Ctrl+Intro)", self.save)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=self.save)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        if self.mode != "new":
            self._add_version_note(lay, report)
        lay.addLayout(form)
        lay.addWidget(self.buttons)
        self.use_quantity.toggled.connect(self._toggle_quantity)
        self.percent.valueChanged.connect(self._toggle_justification)
        self._toggle_quantity(False)
        self._toggle_justification()
        self.setAcceptDrops(True)
        if report is not None:
            self._fill_from(report)
        else:
            self._start_from_last(activity)
        self.percent.setFocus()

    @staticmethod
    def _build_head(activity) -> QLabel:
        """The activity being reported: number, description, responsible and meta."""
        head = QLabel(
            f"<b>{activity.number + ' ' if activity.number else ''}{_html(activity.description)}</b>"
            f"<br><span style='color:#555'>Responsable: {_html(activity.responsible) or '—'} · "
            f"Meta: {_html(activity.meta) or '—'}</span>"
        )
        head.setWordWrap(True)
        head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return head

    def _build_form(self, periods: list[tuple[int, str, str]], period_no: int | None) -> QFormLayout:
        self._build_progress_fields(periods, period_no)
        self._build_text_fields()
        form = QFormLayout()
        form.addRow("&Periodo:", self.period)
        form.addRow("% de a&vance:", self.percent)
        form.addRow("", self.use_quantity)
        form.addRow("Cantidad:", self.qbox)
        form.addRow("&Qué se hizo:", self.done_text)
        form.addRow("&Dificultades:", self.difficulties)
        form.addRow("&Justificación:", self.justification)
        form.addRow("&Reporta:", self.reporter)
        form.addRow("&Fecha del reporte:", self.reported_on)
        form.addRow("Evidencias:", self._build_evidence())
        return form

    def _build_progress_fields(self, periods: list[tuple[int, str, str]], period_no: int | None) -> None:
        """Period, percent and the optional quantity achieved against the period's target."""
        self.period = QComboBox()
        for no, code, label in periods:
            self.period.addItem(f"{label}", no)
        if period_no is not None:
            self.period.setCurrentIndex(max(0, self.period.findData(period_no)))
        self.percent = QDoubleSpinBox()
        self.percent.setRange(0, 500)
        self.percent.setDecimals(2)
        self.percent.setSuffix(" %")
        self.percent.setToolTip("Avance respecto de lo programado hasta el final del periodo")
        self.use_quantity = QCheckBox("Reportar cantidad lograda frente a la meta del periodo")
        self.quantity = QDoubleSpinBox()
        self.quantity.setRange(0, 10**9)
        self.quantity.setDecimals(2)
        self.target = QDoubleSpinBox()
        self.target.setRange(0, 10**9)
        self.target.setDecimals(2)
        qrow = QHBoxLayout()
        qrow.addWidget(QLabel("Lograda:"))
        qrow.addWidget(self.quantity)
        qrow.addWidget(QLabel("Meta:"))
        qrow.addWidget(self.target)
        self.qbox = QWidget()
        self.qbox.setLayout(qrow)
        qrow.setContentsMargins(0, 0, 0, 0)

    def _build_text_fields(self) -> None:
        """What was done, difficulties, justification, who reports and when."""
        self.done_text = QPlainTextEdit()
        self.done_text.setTabChangesFocus(True)
        self.done_text.setPlaceholderText("Actividades realizadas en el periodo")
        self.done_text.setFixedHeight(70)
        self.difficulties = QPlainTextEdit()
        self.difficulties.setTabChangesFocus(True)
        self.difficulties.setFixedHeight(48)
        self.justification = QPlainTextEdit()
        self.justification.setTabChangesFocus(True)
        self.justification.setFixedHeight(48)
        self.justification.setPlaceholderText("Obligatoria si el avance supera el 100 %")
        self.reporter = QLineEdit(default_reporter(self.ctx.db))
        self.reporter.setPlaceholderText("Nombre de quien reporta")
        self.reported_on = DateEdit()

    def _build_evidence(self) -> QVBoxLayout:
        """The evidence list (files dropped from the explorer land here) and its buttons."""
        self.evidence = EvidenceList()
        add_file = QPushButton("Agregar &archivo…")
        add_link = QPushButton("Agregar &enlace…")
        remove = QPushButton("&Quitar")
        add_file.clicked.connect(self.choose_files)
        add_link.clicked.connect(self.ask_link)
        remove.clicked.connect(self.remove_selected)
        ev_buttons = QHBoxLayout()
        for b in (add_file, add_link, remove):
            ev_buttons.addWidget(b)
        ev_buttons.addStretch(1)
        ev_box = QVBoxLayout()
        ev_box.addWidget(self.evidence)
        hint = QLabel("Puede arrastrar archivos a esta lista desde el explorador.")
        hint.setStyleSheet("color:#666")
        ev_box.addWidget(hint)
        ev_box.addLayout(ev_buttons)
        return ev_box

    def _add_version_note(self, lay: QVBoxLayout, report) -> None:
        """Editing or correcting saves a new version: say what happens to the old one, and show the
        reviewer's observation being answered."""
        note = QLabel(
            "Se guardará una nueva versión del reporte; la anterior queda en el historial como «sustituida»."
            if self.mode == "edit" and report.status == "REPORTADO"
            else "Se guardará una nueva versión para revisión; el reporte observado queda en el historial con su "
            "observación."
            if self.mode == "edit"
            else "El reporte validado sigue vigente hasta que se valide esta corrección; entonces queda en el "
            "historial como «sustituido»."
        )
        note.setWordWrap(True)
        note.setStyleSheet("background:#FFF8E1; border:1px solid #FFE082; padding:4px; color:#212121")
        lay.addWidget(note)
        if report.review_note:
            obs = QLabel(f"<b>Observación del revisor:</b> {_html(report.review_note)}")
            obs.setWordWrap(True)
            lay.addWidget(obs)

    def _start_from_last(self, activity) -> None:
        """A new report starts at the activity's last reported % (progress accumulates; typing it
        again from 0 invites mistakes) and keeps how it was measured (% or quantity / meta)."""
        from rcdesk.services.followup import FollowupService

        last = next(
            (
                r
                for r in FollowupService(self.ctx.db).history(activity.activity_id)
                if r.status != "SUSTITUIDO" and r.percent is not None
            ),
            None,
        )
        if last is None:
            return
        if last.quantity is not None and last.target_quantity:
            self.use_quantity.setChecked(True)
            self.quantity.setValue(float(last.quantity))
            self.target.setValue(float(last.target_quantity))
        self.percent.setValue(float(last.percent))
        self.percent.selectAll()  # typing replaces the figure; Tab keeps it

    def _fill_from(self, r) -> None:
        """Start from the report being corrected."""
        self.period.setCurrentIndex(max(0, self.period.findData(r.period_no)))
        self.period.setEnabled(self.mode != "supersede")  # a correction is for the same period
        if r.quantity is not None and r.target_quantity:
            self.use_quantity.setChecked(True)
            self.quantity.setValue(float(r.quantity))
            self.target.setValue(float(r.target_quantity))
        elif r.percent is not None:
            self.percent.setValue(float(r.percent))
        self.done_text.setPlainText(r.done_text)
        self.difficulties.setPlainText(r.difficulties)
        self.justification.setPlainText(r.justification)
        if r.reporter:
            self.reporter.setText(r.reporter)
        if self.mode == "edit":
            d = r.reported_on
            self.reported_on.setDate(QDate(d.year, d.month, d.day))
        for ev in r.evidence:
            self.evidence.add_kept(ev)

    # -- evidence ---------------------------------------------------------------------------
    def choose_files(self) -> None:
        from ..files import ask_open_paths

        files = ask_open_paths(
            self,
            self.ctx.settings,
            kind="evidencias",
            title="Elegir archivos de evidencia",
            filters=EVIDENCE_FILTER,
            many=True,
        )
        for f in files:
            self.evidence.add_file(Path(f))

    def ask_link(self) -> None:
        url, ok = QInputDialog.getText(
            self, "Enlace de evidencia", "Dirección publicada (debe empezar por http:// o https://):"
        )
        if ok and url.strip():
            self.evidence.add_link(url.strip())

    def remove_selected(self) -> None:
        for item in self.evidence.selectedItems():
            self.evidence.takeItem(self.evidence.row(item))

    def keyPressEvent(self, event) -> None:
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save()
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event) -> None:
        self.evidence.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        self.evidence.dropEvent(event)

    # -- saving -------------------------------------------------------------------------------
    def _toggle_quantity(self, on: bool) -> None:
        self.qbox.setEnabled(on)
        self.percent.setEnabled(not on)

    def _toggle_justification(self) -> None:
        self.justification.setEnabled(self.use_quantity.isChecked() or self.percent.value() > 100)

    def report_input(self):
        from rcdesk.services.followup import ReportInput

        qd = self.reported_on.date()
        use_q = self.use_quantity.isChecked()
        return ReportInput(
            self.activity.activity_id,
            int(self.period.currentData()),
            None if use_q else round(self.percent.value(), 2),
            quantity=self.quantity.value() if use_q else None,
            target_quantity=(self.target.value() or None) if use_q else None,
            done_text=self.done_text.toPlainText(),
            difficulties=self.difficulties.toPlainText(),
            justification=self.justification.toPlainText(),
            reporter=self.reporter.text(),
            reported_on=date(qd.year(), qd.month(), qd.day()),
            evidence_files=tuple(self.evidence.files()),
            evidence_links=tuple(self.evidence.links()),
        )

    def save(self) -> None:
        from rcdesk.services.followup import FollowupService

        data = self.report_input()
        db = self.ctx.db
        mode, original, kept = self.mode, self.original, self.evidence.kept()

        def job(progress, cancel):
            fu = FollowupService(db)
            if mode == "edit":
                return fu.edit_report(original.report_id, data, keep_evidence=kept)
            if mode == "supersede":
                return fu.supersede_report(original.report_id, data, keep_evidence=kept)
            return fu.add_report(data)

        def done(row) -> None:
            self.result_row = row
            self.accept()

        def failed(exc: BaseException) -> None:
            from ..tasks import show_error

            show_error(self, exc)  # the dialog stays open with what the user typed

        self.ctx.runner.run(
            job,
            title="Guardando el reporte y sus evidencias…",
            parent=self,
            on_done=done,
            on_error=failed,
            cancellable=False,
        )


def default_reporter(db) -> str:
    """Who reports from this installation: the person named in the first-start assistant, else
    whoever signed this installation's last report; never the computer's login name, which
    would end up in the informe under a name nobody recognises."""
    from rcdesk.services.installation_setup import saved_setup

    person = (saved_setup(db).get("person") or "").strip()
    if person:
        return person
    with db.read() as conn:
        row = conn.execute(
            "SELECT reporter FROM progress_report WHERE deleted = FALSE AND reporter <> '' AND modified_by = ? "
            "ORDER BY created_at DESC LIMIT 1",
            (db.installation_id,),
        ).fetchone()
    return row[0] if row else ""


def _html(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
