"""Choosing, changing and first setting a database passphrase (issue 16).

`NewPassphraseFields` (the new passphrase twice, with the strength rule of the core) serves the
first-start assistant, «Cambiar contraseña…» and `ProtectDialog`, which converts a plain database
into an encrypted one through the task runner. The conversion cannot be cancelled half-way
safely (the file is swapped at its end), so its progress dialog has no «Cancelar» and asks the
user not to switch the computer off.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

WHY_TEXT = (
    "Este equipo guarda nombres, cédulas y teléfonos de personas: datos personales que la LOPDP "
    "(Ecuador) y la Ley 1581 (Colombia) obligan a proteger, y un portátil se puede perder. Con una "
    "contraseña, la base de datos y sus copias quedan cifradas en el disco; la contraseña no se guarda "
    "en ninguna parte y, si la olvida, la sede central puede recuperar la base."
)
CONVERTING_TITLE = "Protegiendo los datos de este equipo: no lo apague ni cierre rcdesk."
MISMATCH_TEXT = "Las dos contraseñas no coinciden."
ERROR_STYLE = "color: #a00000"


def _password_field(parent: QWidget, name: str) -> QLineEdit:
    field = QLineEdit(parent)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


def _say(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def _hint(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


class NewPassphraseFields(QWidget):
    """The new passphrase and its repetition; `problem()` is the Spanish reason it is not usable yet."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, with_current: bool = False) -> None:
        super().__init__(parent)
        # «Cambiar la contraseña…» asks the current one in the same form: its fields line up
        self.current = _password_field(self, "Contraseña actual") if with_current else None
        self.first = _password_field(self, "Contraseña nueva")
        self.second = _password_field(self, "Repita la contraseña")
        self.first.setPlaceholderText("Al menos 8 caracteres; mejor una frase que pueda recordar")
        self.message = _error_label(self)
        self.message.setObjectName("passphrase_problem")
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        if self.current is not None:
            self.form.addRow("Contraseña &actual:", self.current)
        self.form.addRow("&Contraseña nueva:", self.first)
        self.form.addRow("&Repita la contraseña:", self.second)
        self.form.addRow("", self.message)
        self.form.setRowVisible(self.message, False)
        for field in (self.first, self.second):
            field.textChanged.connect(self._update)

    def problem(self) -> str | None:
        from rcdesk.security import vault

        weak = vault.check_passphrase_strength(self.first.text())
        if weak:
            return weak
        if self.first.text() != self.second.text():
            return MISMATCH_TEXT
        return None

    def passphrase(self) -> str:
        return self.first.text()

    def _update(self) -> None:
        # Say nothing about an empty field nor a repetition still being typed: only what is wrong now.
        text = ""
        if self.first.text():
            text = self.problem() or ""
            if text == MISMATCH_TEXT and self.first.text().startswith(self.second.text()):
                text = ""
        self.message.setText(text)
        self.form.setRowVisible(self.message, bool(text))
        self.changed.emit()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()


class ChangePassphraseDialog(QDialog):
    """«Cambiar contraseña…»: the current passphrase, then the new one twice. Only the key file is
    rewritten (atomically): the database itself is not touched, so this takes a moment."""

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.setWindowTitle("Cambiar la contraseña de la base de datos")
        self.setMinimumWidth(560)
        self.new = NewPassphraseFields(self, with_current=True)
        assert self.new.current is not None
        self.old = self.new.current
        self.error = _error_label(self)
        self.error.setObjectName("change_error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Cancelar")
        self.change_button = QPushButton("Cambiar la c&ontraseña", self)
        self.change_button.setDefault(True)
        buttons.addButton(self.change_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.change)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(
            _hint(
                "Desde ahora esta base de datos se abre con la contraseña nueva, ya no con la anterior. "
                "Las copias de seguridad ya hechas se siguen abriendo con la contraseña que tenían."
            )
        )
        lay.addWidget(self.new)
        lay.addWidget(self.error)
        lay.addStretch(1)  # spare height above the buttons, not between the lines of text
        lay.addWidget(buttons)

    def change(self) -> None:
        from rcdesk.errors import UserError
        from rcdesk.security import vault

        problem = self.new.problem()
        if problem:
            _say(self.error, problem)
            return
        QApplication.setOverrideCursor(self.cursor())
        try:
            vault.change_passphrase(self.db_path, self.old.text(), self.new.passphrase())
        except UserError as exc:  # WrongPassphrase above all: nothing was changed
            _say(self.error, str(exc))
            self.old.selectAll()
            self.old.setFocus()
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.accept()


class ProtectDialog(QDialog):
    """Offer to encrypt a plain database: why, the passphrase twice, «Cifrar ahora» or «Más tarde».

    `db` is the (plain, SQLite) database; `prepare()` runs on the worker before the conversion (close the database's connections, let a
    running copy finish); `data_key` is set once converted (and remembered for this process)."""

    def __init__(
        self,
        db,
        runner,
        parent: QWidget | None = None,
        *,
        prepare: Callable[[], None] | None = None,
        later_text: str = "Más &tarde",
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.db_path = Path(db.paths.database)
        self.runner = runner
        self.prepare = prepare
        self.busy = False  # converting: Esc and the close box wait for the end (the file is being swapped)
        self.data_key: bytes | None = None
        self.setWindowTitle("Proteja los datos de este equipo")
        self.setMinimumWidth(620)
        self.fields = NewPassphraseFields(self)
        self.error = _error_label(self)
        self.error.setObjectName("protect_error")
        self.buttons = QDialogButtonBox(self)
        self.later = self.buttons.addButton(later_text, QDialogButtonBox.ButtonRole.RejectRole)
        self.encrypt_button = QPushButton("&Cifrar ahora", self)
        self.encrypt_button.setDefault(True)
        self.buttons.addButton(self.encrypt_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.encrypt)
        self.buttons.rejected.connect(self.reject)
        self._layout()

    def _layout(self) -> None:
        head = QLabel("<b>Proteja los datos de este equipo</b>", self)
        when = _hint(
            "El cifrado tarda unos segundos (algo más con una base grande). Mientras tanto no apague el "
            "equipo. Si elige «Más tarde», rcdesk se lo volverá a proponer al abrirse.",
            self,
        )
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        self.why = _hint(WHY_TEXT, self)
        lay.addWidget(self.why)
        lay.addWidget(self.fields)
        lay.addWidget(when)
        lay.addWidget(self.error)
        lay.addStretch(1)
        lay.addWidget(self.buttons)

    def encrypt(self) -> None:
        problem = self.fields.problem()
        if problem:
            _say(self.error, problem)
            return
        _say(self.error, "")
        self.buttons.setEnabled(False)
        self.fields.setEnabled(False)
        self.busy = True
        db, passphrase, prepare = self.db, self.fields.passphrase(), self.prepare

        def job(progress, _cancel):
            from ..security import convert_file

            if prepare is not None:
                prepare()
            return convert_file(db, passphrase, progress)

        self.runner.run(
            job,
            title=CONVERTING_TITLE,
            parent=self,
            cancellable=False,
            on_done=self._converted,
            on_error=self._failed,
        )

    def reject(self) -> None:
        if not self.busy:
            super().reject()

    def _converted(self, data_key: bytes) -> None:
        from rcdesk.security import unlocked

        self.busy = False
        unlocked.remember(self.db_path, data_key)
        self.data_key = data_key
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from rcdesk.errors import UserError

        self.busy = False
        self.buttons.setEnabled(True)
        self.fields.setEnabled(True)
        if isinstance(exc, UserError):
            _say(self.error, f"No se pudo cifrar la base de datos; sigue como estaba. {exc}")
            return
        from ..tasks import show_error

        show_error(self, exc)
