"""The accept/Cancelar button row of rcdesk's dialogs, labelled in Spanish whether or not Qt's
own translations are loaded."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox

SAVE = QDialogButtonBox.StandardButton.Save
OK = QDialogButtonBox.StandardButton.Ok


def dialog_buttons(
    dialog: QDialog,
    text: str,
    on_accept: Callable[[], object] | None = None,
    *,
    accept_button: QDialogButtonBox.StandardButton = SAVE,
) -> QDialogButtonBox:
    """`text` labels the accept button (e.g. "&Guardar"); `on_accept` defaults to `dialog.accept`."""
    box = QDialogButtonBox(accept_button | QDialogButtonBox.StandardButton.Cancel)
    box.button(accept_button).setText(text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancelar")
    box.accepted.connect(on_accept or dialog.accept)
    box.rejected.connect(dialog.reject)
    return box
