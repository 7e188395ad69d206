"""The passphrase asked before the main window when the database file is encrypted (issue 16).

Five attempts; after each wrong one the «Abrir» button waits 1, 2, 4 then 8 seconds (a guesser
at the keyboard gains nothing, a person who mistyped barely notices). A wrong passphrase is a
message in the dialog, never an exception out of it; the fifth closes the door for this start.
«¿Olvidó su contraseña?» explains that headquarters can recover the database and what to send.

The key derivation takes ~40-100 ms: it runs on the GUI thread under a wait cursor (a worker and
a progress dialog would cost more than the derivation itself).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

TITLE = "rcdesk — base de datos protegida"
PASSPHRASE_ENV = "RCDESK_PASSPHRASE"  # scripts and benchmarks (ui/security.py)
MAX_ATTEMPTS = 5
# seconds «Abrir» stays disabled after the 1st, 2nd, 3rd and 4th wrong passphrase
DELAYS = (1, 2, 4, 8)
TOO_MANY_TEXT = (
    "Se escribió una contraseña incorrecta {n} veces. Cierre rcdesk y vuelva a abrirlo para intentarlo "
    "de nuevo, o pida a la sede que recupere la base de datos («¿Olvidó su contraseña?»)."
)
ENV_WRONG_TEXT = f"La contraseña de la variable {PASSPHRASE_ENV} no es correcta. Escríbala aquí."


def forgot_text(db_path: Path, key_doc: dict | None) -> str:
    """What «¿Olvidó su contraseña?» says: who can help, what to send them, what comes back.

    Headquarters' recovery (rcdesk/security/recovery.py) checks the recovered key against the
    database itself and writes a new key file next to it: it needs both files."""
    from rcdesk.security import vault

    key_file = vault.key_file(db_path)
    installation = (key_doc or {}).get("instalacion")
    who = f"<br>Identificador de esta instalación: <b>{installation}</b>" if installation else ""
    how = (
        "Pero los datos no se pierden: la llave de esta base de datos está sellada para la <b>sede central</b>, "
        "que puede recuperarla con su clave privada"
        if isinstance((key_doc or {}).get("recuperacion"), dict)
        else "La llave de esta base de datos todavía no está sellada para la sede: se sella cuando este equipo "
        "tiene la clave de la sede (su paquete base) y viaja con el siguiente paquete que envíe. Si la sede ya "
        "la recibió, puede recuperar la base con su clave privada"
    )
    return (
        "<p>La contraseña no se guarda en ninguna parte: rcdesk no puede mostrarla ni cambiarla sin ella.</p>"
        f"<p>{how} (en el rcdesk de la sede: «Sincronización › Claves › Recuperar base de un técnico…»).</p>"
        f"<p><b>Qué enviar a la sede:</b> la base de datos <b>{db_path.name}</b> y su archivo de llave "
        f"<b>{key_file.name}</b>, los dos de la carpeta<br><tt>{key_file.parent}</tt>{who}</p>"
        "<p>Siguen cifrados: nadie puede leerlos por el camino. La sede le devolverá un archivo de llave "
        "nuevo con una contraseña nueva: cierre rcdesk, póngalo en la misma carpeta en lugar del anterior y "
        "abra rcdesk con la contraseña nueva. Sus datos no cambian.</p>"
    )


class UnlockDialog(QDialog):
    """Asks the passphrase of `db_path`; `data_key` once accepted (also remembered for this process)."""

    def __init__(self, db_path: Path, parent: QWidget | None = None, *, message: str = "", paths=None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.paths = paths  # its companion folders (backups, evidence): a crashed conversion is finished there
        self.data_key: bytes | None = None
        self.failures = 0
        self.wait_left = 0
        self.setWindowTitle(TITLE)
        self.setMinimumWidth(500)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        self._build()
        if message:
            self._show_error(message)

    def _build(self) -> None:
        intro = QLabel(
            f"La base de datos <b>{self.db_path.name}</b> está cifrada para proteger los datos personales "
            "que contiene. Escriba su contraseña para abrirla.",
            self,
        )
        intro.setWordWrap(True)
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName("Contraseña")
        self.show_secret = QCheckBox("&Mostrar la contraseña", self)
        self.show_secret.toggled.connect(self._toggle_echo)
        self.error = QLabel(self)
        self.error.setObjectName("unlock_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a00000")
        self.error.hide()
        self.forgot = QPushButton("¿&Olvidó su contraseña?", self)
        self.forgot.setFlat(True)
        self.forgot.setStyleSheet("color: #0b57a4; text-decoration: underline; text-align: left")
        self.forgot.clicked.connect(self.explain_recovery)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Cancelar")
        self.open_button = QPushButton("&Abrir", self)
        self.open_button.setDefault(True)
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.try_unlock)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        label = QLabel("&Contraseña:", self)
        label.setBuddy(self.secret)
        for w in (intro, label, self.secret, self.show_secret, self.error, self.forgot):
            lay.addWidget(w)
        lay.addStretch(1)  # spare height under the text, not between its lines
        lay.addWidget(self.buttons)
        self.secret.setFocus()

    def _toggle_echo(self, shown: bool) -> None:
        self.secret.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def try_unlock(self) -> None:
        """Check the passphrase typed; a wrong one is a message and a wait, never an exception."""
        if not self.open_button.isEnabled():
            return  # Enter pressed while waiting
        from rcdesk.errors import UserError
        from rcdesk.security import setup, vault

        passphrase = self.secret.text()
        if not passphrase:
            self._show_error("Escriba la contraseña.")
            return
        QApplication.setOverrideCursor(self.cursor())
        try:
            # remembers the key, and finishes a conversion a crash interrupted (its backups, evidence)
            key = setup.unlock(self.db_path, passphrase, paths=self.paths)
        except vault.WrongPassphrase as exc:
            self._wrong(str(exc))
            return
        except UserError as exc:  # a missing or damaged key file: waiting would not help
            self._show_error(str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.data_key = key
        self.accept()

    def _wrong(self, message: str) -> None:
        self.failures += 1
        self.secret.selectAll()
        if self.failures >= MAX_ATTEMPTS:
            self._show_error(TOO_MANY_TEXT.format(n=self.failures))
            self.secret.setEnabled(False)
            self.open_button.setEnabled(False)
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Cerrar rcdesk")
            return
        left = MAX_ATTEMPTS - self.failures
        self._show_error(f"{message} Le queda{'n' if left > 1 else ''} {left} intento{'s' if left > 1 else ''}.")
        self.wait_left = DELAYS[min(self.failures, len(DELAYS)) - 1]
        self.open_button.setEnabled(False)
        self._show_wait()
        self.timer.start()

    def _show_wait(self) -> None:
        self.open_button.setText(f"Espere {self.wait_left} s")

    def _tick(self) -> None:
        self.wait_left -= 1
        if self.wait_left > 0:
            self._show_wait()
            return
        self.timer.stop()
        self.open_button.setText("&Abrir")
        self.open_button.setEnabled(True)
        self.secret.setFocus()

    def explain_recovery(self) -> None:
        from rcdesk.errors import UserError
        from rcdesk.security import vault

        try:
            doc: dict | None = vault.read_key_file(vault.key_file(self.db_path))
        except UserError:
            doc = None
        box = QMessageBox(QMessageBox.Icon.Information, "¿Olvidó su contraseña?", "", parent=self)
        box.setText(forgot_text(self.db_path, doc))
        box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 600px; }")  # a letter, not a column
        folder = box.addButton("Abrir la &carpeta", QMessageBox.ButtonRole.ActionRole)
        box.addButton("&Entendido", QMessageBox.ButtonRole.AcceptRole)
        folder.clicked.disconnect()  # the box stays open: the user reads on while the folder opens
        folder.clicked.connect(lambda: _open_folder(self.db_path.parent))
        self.recovery_box = box
        box.exec()


def _open_folder(folder: Path) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def ask_passphrase(db_path: Path, parent: QWidget | None = None, *, message: str = "", paths=None) -> bool:
    """The dialog until the right passphrase (True, its key remembered) or giving up (False)."""
    dialog = UnlockDialog(db_path, parent, message=message, paths=paths)
    return dialog.exec() == QDialog.DialogCode.Accepted
