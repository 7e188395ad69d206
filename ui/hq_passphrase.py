"""Headquarters' passphrase asked in a dialog (the GUI's asker for `rcdesk.sync.hq_keys`).

On a server database the private keys are sealed under a passphrase; the core asks for it the
first time a job needs them (consolidating, receipts, base packages, signed actas, exporting the
keys), and that usually happens on the task runner's worker thread. `GuiAsker` shows the dialog
on the GUI thread whichever thread asks, and the worker waits for the answer. A wrong passphrase
is said in the dialog and asked again; after three the job ends with the core's Spanish refusal,
shown like any other (never a crash report).
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from rcdesk.sync import hq_keys

TITLE = "Frase de paso de la sede"


class PassphraseDialog(QDialog):
    """The passphrase typed (`request.new`: chosen, typed twice); `value` once accepted."""

    def __init__(self, request: hq_keys.Request, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setMinimumWidth(480)
        self.request = request
        self.value: str | None = None
        intro = QLabel(self._intro(request), self)
        intro.setWordWrap(True)
        self.first = QLineEdit(self)
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.second = QLineEdit(self)
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        if request.new:
            form.addRow("&Nueva frase de paso:", self.first)
            form.addRow("&Repítala:", self.second)
        else:
            form.addRow("&Frase de paso:", self.first)
            self.second.hide()
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a00000")
        self.error.setVisible(bool(request.error))
        if request.error:
            self.error.setText(f"{request.error} Intento {request.attempt} de {hq_keys.TRIES}.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Aceptar")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Cancelar")
        buttons.accepted.connect(self._try)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    @staticmethod
    def _intro(request: hq_keys.Request) -> str:
        if request.new:
            return (
                f"Para {request.why} elija la frase de paso de la sede central (al menos {hq_keys.MIN_LENGTH} "
                "caracteres). Protege las claves privadas de la sede guardadas en el servidor: quien consolide "
                "paquetes o emita acuses la escribirá una vez cada vez que abra rcdesk. Compártala solo con "
                "esas personas y guárdela en un lugar seguro: sin ella no se pueden abrir los paquetes."
            )
        return (
            f"Para {request.why} escriba la frase de paso de la sede central. Las claves privadas de la sede "
            "están guardadas en el servidor protegidas con ella; quedan abiertas mientras rcdesk siga abierto."
        )

    def _try(self) -> None:
        value = self.first.text()
        if self.request.new:
            why = hq_keys.problem(value) or (hq_keys.MISMATCH if self.second.text() != value else None)
            if why is not None:
                self.error.setText(why)
                self.error.show()
                self.second.clear()
                return
        elif not value:
            self.error.setText("Escriba la frase de paso o pulse «Cancelar».")
            self.error.show()
            return
        self.value = value
        self.accept()


def ask_in_dialog(request: hq_keys.Request, parent: QWidget | None = None) -> str | None:
    """The dialog, on the calling (GUI) thread; None when cancelled."""
    dlg = PassphraseDialog(request, parent or QApplication.activeWindow())
    return dlg.value if dlg.exec() == QDialog.DialogCode.Accepted else None


class GuiAsker(QObject):
    """`hq_keys`' asker for the GUI: the dialog on the GUI thread, from whichever thread asks."""

    _asked = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._closing = False
        self._asked.connect(self._answer)  # queued when emitted from the worker: runs on the GUI thread
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._quit)

    def __call__(self, request: hq_keys.Request) -> str | None:
        if QThread.currentThread() is self.thread():
            return ask_in_dialog(request)
        pending = {"request": request, "answer": None, "done": threading.Event()}
        self._asked.emit(pending)
        # the program closing never leaves the worker waiting for a dialog that will not come
        while not pending["done"].wait(0.2):
            if self._closing:
                return None
        return pending["answer"]

    @Slot(object)
    def _answer(self, pending: dict) -> None:
        try:
            pending["answer"] = None if self._closing else ask_in_dialog(pending["request"])
        finally:
            pending["done"].set()

    def _quit(self) -> None:
        self._closing = True


_installed: GuiAsker | None = None


def install() -> None:
    """Make the dialog the way this process asks headquarters' passphrase (once, on the GUI thread)."""
    global _installed
    if _installed is None:
        _installed = GuiAsker()
    _installed._closing = False  # a new runner: the application is running (again, in tests)
    hq_keys.set_asker(_installed)


def choose_on_connect(parent: QWidget, profile, password: str) -> None:
    """«Conectar a un servidor…»: a server whose keys are not sealed yet (new headquarters, or keys
    kept in clear by an earlier rcdesk) asks here for the passphrase that will seal them; the
    restarted program receives it in its environment (never written), and seals them at first use."""
    import os

    state = hq_keys.server_keys_state(profile, password)
    if state == "sealed" or os.environ.get(hq_keys.PASSPHRASE_ENV):
        return
    why = "crear las claves de la sede en este servidor" if state == "none" else "proteger las claves de la sede"
    chosen = ask_in_dialog(hq_keys.Request(True, why), parent)
    if chosen is not None:
        os.environ[hq_keys.PASSPHRASE_ENV] = chosen
