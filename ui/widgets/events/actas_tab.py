"""«Actas» tab of the event workspace: numbered, signed actas; printing and verifying a PDF copy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...models.events_tables import (
    ActasModel,
)
from ..empty_hint import hinted
from ..table_menu import install_table_menu
from .base import EventTab, table

KIND_NAMES = {"deliberacion": "acta deliberacion", "compromiso": "acta compromiso"}


def print_pdf(path: str, parent: QWidget) -> bool:
    """Send a PDF to a printer chosen in the system print dialog (pages rendered with QtPdf)."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    from ...printing import print_pdf_pages

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dlg = QPrintDialog(printer, parent)
    if dlg.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    print_pdf_pages(path, printer)
    return True


class ActasTab(EventTab):
    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        lay = QVBoxLayout(self)
        intro = QLabel(
            "Cada acta lleva un número, un código QR y la huella SHA-256 de su contenido en el pie de "
            "página, y queda firmada por esta instalación. Un archivo PDF es válido solo si es una copia "
            "exacta del emitido; una copia impresa se compara por su código con el acta archivada."
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        for kind, label in (("deliberacion", "Acta de deliberación / audiencia"), ("compromiso", "Acta de compromiso")):
            row = QHBoxLayout()
            row.addWidget(QLabel(label), 1)
            b1 = QPushButton(f"Guardar PDF{'…' if kind else ''}")
            b1.setAccessibleName(f"Guardar {label}")
            b1.clicked.connect(lambda _c=False, k=kind: self.save(k))
            b2 = QPushButton("Imprimir…")
            b2.setAccessibleName(f"Imprimir {label}")
            b2.clicked.connect(lambda _c=False, k=kind: self.print_(k))
            row.addWidget(b1)
            row.addWidget(b2)
            lay.addLayout(row)
        self.model = ActasModel(self)
        self.view = table(self.model, ActasModel.COL_SHA)
        install_table_menu(self.view, export=("actas emitidas", ctx.settings), host=lambda: self.notice_host)
        lay.addWidget(QLabel("Actas emitidas:"))
        lay.addWidget(
            hinted(
                self.view,
                self.model,
                "Todavía no se emitió ninguna acta",
                "Con los datos, la asistencia y los aportes registrados, guarde el acta de deliberación o de "
                "compromiso en PDF con los botones de arriba; cada acta emitida queda en esta lista con su "
                "número y su huella para verificarla después.",
                [("Guardar acta de &deliberación…", lambda: self.save("deliberacion"))],
                chapter="eventos",
            ),
            1,
        )
        ver = QHBoxLayout()
        self.hash = QLineEdit()
        self.hash.setPlaceholderText("Código impreso en el pie de página (al menos 8 caracteres) o texto del QR")
        self.hash.returnPressed.connect(self.verify_hash)
        vb = QPushButton("&Verificar código")
        vb.clicked.connect(self.verify_hash)
        vf = QPushButton("Verificar &archivo PDF…")
        vf.clicked.connect(self.verify_file)
        ver.addWidget(self.hash, 2)
        ver.addWidget(vb)
        ver.addWidget(vf)
        lay.addLayout(ver)
        self.result = QLabel()
        self.result.setWordWrap(True)
        lay.addWidget(self.result)

    def set_event(self, ev) -> None:
        if getattr(self.ev, "event_id", None) != getattr(ev, "event_id", None):
            self.result.clear()  # «Acta No. … guardada» was about the last event, not this one
            self.hash.clear()
        super().set_event(ev)

    def refresh(self) -> None:
        from rcdesk.services.actas import ActaService

        if self.ev is not None:
            self.model.set_rows(ActaService(self.ctx.db).issued(self.ev.event_id))

    def _write(self, kind: str, path: str, then=None) -> None:
        """Issue the acta (numbered and recorded, so a write) on the worker; then `then()`."""
        from rcdesk.services.actas import ActaService

        def done(issued) -> None:
            self.refresh()
            self.result.setText(f"Acta No. {issued.number} guardada. Huella: {issued.sha256}")
            if then is not None:
                then(issued)

        self._save(done, ActaService(self.ctx.db).write_pdf, self.ev.event_id, kind, path)

    def missing(self) -> list[str]:
        """What an acta of the event would lack, in the words the confirmation uses."""
        from rcdesk.services.events import EventService

        svc = EventService(self.ctx.db)
        ev = self._try(svc.get, self.ev.event_id)  # read again: «Datos» may have been saved since
        if ev is None:
            return []
        out = [
            label
            for label, value in (
                ("moderador/a", ev.moderator),
                ("secretario/a", ev.secretary),
                ("autoridad", ev.authority),
            )
            if not (value or "").strip()
        ]
        if svc.tally(ev.event_id).total == 0:
            out.append("asistencia (nadie registrado ni contado)")
        return out

    def confirm_complete(self) -> bool:
        """An acta is numbered and signed when produced: ask before issuing one with blanks."""
        missing = self.missing()
        if not missing:
            return True
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Acta incompleta",
            "Al acta le falta: " + ", ".join(missing) + ".\n\nUna vez emitida queda numerada y "
            "firmada: para completarla habría que emitir otra. Complete los datos en «Datos» (y la "
            "asistencia en «Asistencia») o genérela así.",
            parent=self,
        )
        go = box.addButton("&Generar de todos modos", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Completar primero", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is go

    def save(self, kind: str) -> None:
        from ...files import announce_saved, ask_save_path, default_name

        if self.ev is None or not self.confirm_complete():
            return
        ev = self.ev
        # kind, place and the event's own date: a second event's acta never lands on the first's
        path = ask_save_path(
            self,
            self.ctx.settings,
            kind="actas",
            title="Guardar acta",
            name=default_name(
                KIND_NAMES[kind], ev.territory_name or ev.venue or ev.title, on=ev.event_date, suffix="pdf"
            ),
            filters="PDF (*.pdf)",
            suffix="pdf",
        )
        if path is not None:
            self._write(
                kind,
                str(path),
                then=lambda issued: announce_saved(self.notice_host, path, f"Acta No. {issued.number} guardada"),
            )

    def print_(self, kind: str) -> None:
        import tempfile

        if self.ev is None or not self.confirm_complete():
            return
        folder = Path(tempfile.mkdtemp(prefix="rcdesk-acta-"))
        path = str(folder / f"acta_{kind}.pdf")
        self._write(kind, path, then=lambda _issued: print_pdf(path, self))

    def _show(self, res) -> None:
        lines = [res.message, *res.details()]
        if not res.trusted:
            lines.insert(0, "ATENCIÓN: el registro de esta acta no se puede confiar.")
        self.result.setText("\n".join(lines))

    def verify_hash(self) -> None:
        from rcdesk.services.actas import ActaService

        res = self._try(ActaService(self.ctx.db).verify_code, self.hash.text())
        if res is not None:
            self._show(res)

    def verify_file(self) -> None:
        from rcdesk.services.actas import ActaService

        from ...files import ask_open_paths

        paths = ask_open_paths(self, self.ctx.settings, kind="actas", title="Verificar acta", filters="PDF (*.pdf)")
        if paths:
            res = self._try(ActaService(self.ctx.db).verify_pdf, str(paths[0]))
            if res is not None:
                self._show(res)
