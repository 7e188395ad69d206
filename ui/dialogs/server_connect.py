"""«Conectar a un servidor…»: headquarters on a PostgreSQL server instead of this desktop's file.

The dialog asks for the server (host, port, database, user) and the password, checks them by
connecting once, remembers the server (never the password: `rcdesk/db/server_profile.py`) and
restarts rcdesk on it; a server whose headquarters' keys are not yet sealed under a passphrase
asks here for the one that will seal them (ui/hq_passphrase.py). At the next start the
remembered server opens after asking the password again (`remembered_server_url`); «Usar la
base de este equipo» forgets it.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rcdesk.db import server_profile
from rcdesk.db.server_profile import ServerProfile
from rcdesk.errors import UserError

TITLE = "Conectar a un servidor"


class ServerConnectDialog(QDialog):
    """The server's fields and the password; `profile` and `password` once accepted."""

    def __init__(
        self, parent: QWidget | None = None, current: ServerProfile | None = None, *, can_move: bool = False
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setMinimumWidth(520)
        self.profile: ServerProfile | None = None
        self.password = ""
        intro = QLabel(
            "La sede central puede trabajar sobre una base de datos PostgreSQL compartida por varias "
            "personas. Pida estos datos al área de tecnología de su institución. La contraseña no se "
            "guarda: se pedirá cada vez que rcdesk se abra.",
            self,
        )
        intro.setWordWrap(True)
        self.host = QLineEdit(current.host if current else "", self)
        self.host.setPlaceholderText("p. ej. servidor.institucion.gob.ec")
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(current.port if current else 5432)
        self.database = QLineEdit(current.database if current else "rcdesk", self)
        self.user = QLineEdit(current.user if current else "", self)
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Abrir &siempre rcdesk en este servidor", self)
        self.remember.setChecked(True)
        form = QFormLayout()
        form.addRow("&Servidor:", self.host)
        form.addRow("&Puerto:", self.port)
        form.addRow("&Base de datos:", self.database)
        form.addRow("&Usuario:", self.user)
        form.addRow("&Contraseña:", self.secret)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a00000")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.connect_button = QPushButton("C&onectar", self)
        self.connect_button.setDefault(True)
        buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.local_button: QPushButton | None = None
        if current is not None:
            self.local_button = QPushButton("Usar la base de &este equipo", self)
            self.local_button.setToolTip("Olvidar el servidor y volver a la base de datos de este computador")
            buttons.addButton(self.local_button, QDialogButtonBox.ButtonRole.ResetRole)
            self.local_button.clicked.connect(self._use_local)
        self.move_button: QPushButton | None = None
        self.move_requested = False
        if can_move:  # a headquarters on this desktop's file: its whole history can go to the server
            self.move_button = QPushButton("&Mover esta sede a un servidor…", self)
            self.move_button.setToolTip(
                "Copiar esta sede (historial, evidencias y claves) a una base vacía del servidor indicado; "
                "el archivo de este equipo no se modifica"
            )
            buttons.addButton(self.move_button, QDialogButtonBox.ButtonRole.ActionRole)
            self.move_button.clicked.connect(self._move)
        buttons.accepted.connect(self._try)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.remember)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.use_local = False

    def _try(self) -> None:
        try:
            profile = server_profile.checked(
                self.host.text(), self.port.value(), self.database.text(), self.user.text()
            )
            QApplication.setOverrideCursor(self.cursor())  # a slow network: the click was taken
            try:
                server_profile.try_connect(profile, self.secret.text())
            finally:
                QApplication.restoreOverrideCursor()
        except UserError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.profile, self.password = profile, self.secret.text()
        self.accept()

    def _move(self) -> None:
        self.move_requested = True
        self._try()
        if self.result() != QDialog.DialogCode.Accepted:
            self.move_requested = False

    def _use_local(self) -> None:
        self.use_local = True
        self.accept()


def connect_and_restart(parent: QWidget, current_url: str | None = None) -> bool:
    """The menu's «Conectar a un servidor…»: on success rcdesk restarts on the server (or on this
    desktop's database); False when the user cancelled."""
    from PySide6.QtCore import QProcess

    remembered = server_profile.load()
    ctx = getattr(parent, "ctx", None)
    dlg = ServerConnectDialog(parent, remembered, can_move=ctx is not None and can_move_to_server(ctx.db))
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return False
    if dlg.move_requested:
        assert dlg.profile is not None and ctx is not None
        move_to_server(parent, ctx, dlg.profile, dlg.password, remember=dlg.remember.isChecked())
        return True
    args = _without_db(sys.argv[1:])
    if dlg.use_local:
        server_profile.forget()
    else:
        assert dlg.profile is not None
        if dlg.remember.isChecked():
            server_profile.save(dlg.profile)
        server_profile.use_password(dlg.password)  # the restarted program inherits it, nothing written
        from ..hq_passphrase import choose_on_connect

        choose_on_connect(parent, dlg.profile, dlg.password)  # headquarters' keys not sealed yet
        args += ["--db", dlg.profile.url]
    QMessageBox.information(parent, TITLE, "rcdesk se reiniciará ahora.")
    QProcess.startDetached(sys.executable, [sys.argv[0], *args])
    QApplication.quit()
    return True


def can_move_to_server(db) -> bool:
    """A headquarters kept in this desktop's SQLite file (not a field laptop, not already a server)."""
    return db.paths is not None and not db.is_server and db.role == "hq"


MOVE_TITLE = "Mover esta sede a un servidor"


def move_to_server(parent: QWidget, ctx, profile: ServerProfile, password: str, *, remember: bool) -> None:
    """Copy this headquarters into the server's empty database through the task runner (progress and
    Cancelar; a cancel or a failure leaves the server database empty and this file untouched), then
    offer to restart on the server."""
    from rcdesk.db.move_to_server import move

    answer = QMessageBox.question(
        parent,
        MOVE_TITLE,
        f"Se copiará esta sede completa (registros, historial, evidencias y claves) a {profile.label}.\n"
        "La base del servidor debe estar vacía. El archivo de este equipo no se modifica.\n\n¿Continuar?",
    )
    if answer != QMessageBox.StandardButton.Yes:
        return
    source = ctx.db.paths.database
    go_on, passphrase = _sealing_passphrase(parent, source)
    if not go_on:
        return
    server_profile.use_password(password)  # the driver reads it from the environment, nothing written

    def job(progress, cancel):
        return move(source, profile.url, progress=progress, cancel=cancel, passphrase=passphrase)

    def done(result) -> None:
        missing = len(result.missing_evidence)
        note = (
            f"\nFaltan {missing} archivo(s) de evidencia en este equipo; sus registros sí se copiaron."
            if missing
            else ""
        )
        go = QMessageBox.question(
            parent,
            MOVE_TITLE,
            f"La sede se copió al servidor: {result.total_rows} registros, iguales en ambos lados, y "
            f"{result.evidence_files} archivo(s) de evidencia.{note}\n\n¿Abrir rcdesk ahora en el servidor?",
        )
        if go == QMessageBox.StandardButton.Yes:
            _restart_on(profile, remember, passphrase)

    def cancelled() -> None:
        QMessageBox.information(
            parent, MOVE_TITLE, "Traslado cancelado: la base del servidor quedó vacía y este archivo no se modificó."
        )

    ctx.runner.run(job, title="Copiando la sede al servidor…", parent=parent, on_done=done, on_cancel=cancelled)


def _sealing_passphrase(parent: QWidget, source) -> tuple[bool, bytes | None]:
    """(go on, the passphrase sealing headquarters' private keys on the server): the keys never
    reach the server in clear; None when the headquarters has no keys yet (made at first use)."""
    import os

    from rcdesk.db.move_to_server import source_has_keys
    from rcdesk.sync import hq_keys

    from ..hq_passphrase import ask_in_dialog

    if not source_has_keys(source):
        return True, None
    why = "proteger en el servidor las claves privadas de la sede"
    if os.environ.get(hq_keys.PASSPHRASE_ENV) is not None:
        try:
            return True, hq_keys.chosen(why)
        except UserError as exc:
            QMessageBox.warning(parent, MOVE_TITLE, str(exc))
            return False, None
    typed = ask_in_dialog(hq_keys.Request(True, why), parent)
    return (typed is not None), (typed.encode("utf-8") if typed is not None else None)


def _restart_on(profile: ServerProfile, remember: bool, passphrase: bytes | None) -> None:
    import os

    from PySide6.QtCore import QProcess

    from rcdesk.sync import hq_keys

    if remember:
        server_profile.save(profile)
    if passphrase is not None:  # as «Conectar a un servidor…» does: the restarted program receives it, never written
        os.environ[hq_keys.PASSPHRASE_ENV] = passphrase.decode("utf-8")
    QProcess.startDetached(sys.executable, [sys.argv[0], *_without_db(sys.argv[1:]), "--db", profile.url])
    QApplication.quit()


def _without_db(argv: list[str]) -> list[str]:
    """The command line minus its `--db X` / `--db=X`: the restart names its own database."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a == "--db":
            skip = True
        elif not a.startswith("--db="):
            out.append(a)
    return out


def remembered_server_url(parent: QWidget | None = None) -> str | None:
    """At start-up: the remembered server's URL once its password is given (asked unless the
    environment already holds it); None to open this desktop's database instead."""
    import os

    profile = server_profile.load()
    if profile is None:
        return None
    if os.environ.get(server_profile.PASSWORD_ENV) is not None:
        return profile.url
    while True:
        password, ok = QInputDialog.getText(
            parent,
            TITLE,
            f"Contraseña para {profile.label}:\n(Cancelar abre la base de datos de este equipo)",
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return None
        try:
            server_profile.try_connect(profile, password)
        except UserError as exc:
            QMessageBox.warning(parent, TITLE, str(exc))
            continue
        server_profile.use_password(password)
        return profile.url
