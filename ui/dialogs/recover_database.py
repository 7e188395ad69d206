"""Claves › «Recuperar base de un técnico…»: a new passphrase for a technician's encrypted database.

Thin: `rcdesk.security.recovery` does the work on the task runner's worker; the dialog only
collects the files and passphrases, checks what can be checked here (both copies of the new
passphrase equal) and stays open on a refusal so the user can correct and try again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from rcdesk.errors import UserError

DB_FILTER = "Bases de datos de rcdesk (*.db *.sqlite);;Todos los archivos (*)"
KEYS_FILTER = "Claves (*.json);;Todos los archivos (*)"


class RecoverDatabaseDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_text: str | None = None
        self.setWindowTitle("Recuperar base de un técnico")
        lay = QVBoxLayout(self)
        intro = QLabel(
            "Si un técnico olvidó la contraseña de su base cifrada, la sede puede darle una nueva: la clave "
            "de la base viaja sellada para la sede con sus paquetes. Copie aquí la base del técnico (y su "
            "archivo .llave, si lo tiene); al terminar, devuélvale ambos archivos."
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.file_edit = self._path_row(form, "&Base del técnico:", self._choose_file)
        self.own_keys = QRadioButton("Claves de &esta sede")
        self.export_keys = QRadioButton("Archivo de claves e&xportado por la sede")
        is_hq = ctx.db.role == "hq"
        self.own_keys.setEnabled(is_hq)
        (self.own_keys if is_hq else self.export_keys).setChecked(True)
        form.addRow("Claves:", self.own_keys)
        form.addRow("", self.export_keys)
        self.keys_edit = self._path_row(form, "&Archivo de claves:", self._choose_keys)
        self.keys_phrase = self._secret(form, "&Frase de paso de las claves:")
        self.installation = QLineEdit()
        self.installation.setPlaceholderText("solo si falta el archivo .llave del técnico")
        form.addRow("&Instalación del técnico:", self.installation)
        self.new1 = self._secret(form, "Contraseña &nueva:")
        self.new2 = self._secret(form, "&Repita la contraseña:")
        lay.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Recuperar")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancelar")
        buttons.accepted.connect(self.recover)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.own_keys.toggled.connect(self._keys_mode)
        self._keys_mode()

    def _path_row(self, form: QFormLayout, label: str, choose) -> QLineEdit:
        edit = QLineEdit()
        button = QPushButton("Examinar…")
        button.clicked.connect(choose)
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(button)
        # a row whose field is a layout gets no buddy from addRow: without one, «&» shows as text
        caption = QLabel(label)
        caption.setBuddy(edit)
        form.addRow(caption, row)
        return edit

    @staticmethod
    def _secret(form: QFormLayout, label: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(label, edit)
        return edit

    def _keys_mode(self) -> None:
        exported = not self.own_keys.isChecked()
        self.keys_edit.setEnabled(exported)
        self.keys_phrase.setEnabled(exported)

    def _choose(self, edit: QLineEdit, kind: str, title: str, filters: str) -> None:
        from ..files import ask_open_paths

        chosen = ask_open_paths(self, self.ctx.settings, kind=kind, title=title, filters=filters)
        if chosen:
            edit.setText(str(chosen[0]))

    def _choose_file(self) -> None:
        self._choose(self.file_edit, "recuperacion", "Base de datos del técnico", DB_FILTER)

    def _choose_keys(self) -> None:
        self._choose(self.keys_edit, "claves", "Claves exportadas de la sede", KEYS_FILTER)

    def _problem(self) -> str | None:
        """What the form itself can tell is missing (the rest is the core's to refuse)."""
        if not self.file_edit.text().strip():
            return "Elija la base de datos del técnico."
        if not self.own_keys.isChecked() and not self.keys_edit.text().strip():
            return "Elija el archivo de claves exportado por la sede."
        if self.new1.text() != self.new2.text():
            return "Las dos contraseñas nuevas no coinciden."
        return None

    def recover(self) -> None:
        problem = self._problem()
        if problem:
            QMessageBox.warning(self, "Recuperar base", problem)
            return
        db = self.ctx.db
        file = Path(self.file_edit.text().strip())
        keys = None if self.own_keys.isChecked() else Path(self.keys_edit.text().strip())
        phrase, new, iid = self.keys_phrase.text(), self.new1.text(), self.installation.text().strip() or None

        def job(progress, cancel):
            from rcdesk.security import recovery

            progress(0, 0, "Abriendo la copia de recuperación")
            recovery.check_file(file)
            hq = recovery.key_from_export(keys, phrase) if keys else recovery.key_of_this_installation(db)
            # this installation's database holds the copies its field packages brought
            return recovery.recover_database(
                file, hq, new, hq_db=(lambda: db) if db.role == "hq" else None, installation_id=iid
            )

        self.ctx.runner.run(
            job, title="Recuperando la base…", parent=self, on_done=self._done, on_error=self._failed, cancellable=False
        )

    def _done(self, result) -> None:
        self.result_text = result.text
        QMessageBox.information(self, "Base recuperada", result.text)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, UserError):
            from ..tasks import show_error

            show_error(self, exc)
            return
        QMessageBox.warning(self, "No se pudo recuperar", exc.message)
