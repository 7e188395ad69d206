"""Unexpected errors: a Spanish dialog with a copyable report; what was saved stays saved."""

from __future__ import annotations

import faulthandler
import logging
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)
_fault_log = None
_dialog_class = None


def __getattr__(name: str):
    # The hook is installed before PySide6 is imported (ui/app.py): Qt and the dialog's widgets
    # are loaded when a crash is shown, never on a normal start.
    if name == "CrashDialog":
        return _crash_dialog_class()
    raise AttributeError(name)


def _crash_dialog_class() -> type:
    global _dialog_class
    if _dialog_class is not None:
        return _dialog_class
    import platform

    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

    class CrashDialog(QDialog):
        def __init__(self, report: str, parent: QWidget | None = None) -> None:
            super().__init__(parent)
            from rcdesk import __version__

            self.setWindowTitle("rcdesk — error inesperado")
            self.resize(640, 420)
            lay = QVBoxLayout(self)
            lay.addWidget(
                QLabel(
                    "<b>Ocurrió un error inesperado.</b><br>Los datos que ya estaban guardados no se han perdido. "
                    "Copie este informe y envíelo al equipo de soporte junto con lo que estaba haciendo."
                )
            )
            self.text = QPlainTextEdit(self)
            self.text.setReadOnly(True)
            self.text.setPlainText(
                f"rcdesk {__version__} · Python {platform.python_version()} · {platform.platform()}\n\n{report}"
            )
            lay.addWidget(self.text)
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
            copy = buttons.addButton("Copiar informe", QDialogButtonBox.ButtonRole.ActionRole)
            copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
            buttons.rejected.connect(self.reject)
            lay.addWidget(buttons)

    _dialog_class = CrashDialog
    return CrashDialog


def install_crash_handler(log_dir: Path) -> None:
    global _fault_log
    log_dir.mkdir(parents=True, exist_ok=True)
    _fault_log = open(log_dir / "fallos-graves.log", "a", encoding="utf-8")
    faulthandler.enable(_fault_log)

    def hook(exc_type, exc, tb) -> None:
        log.critical("Uncaught exception", exc_info=(exc_type, exc, tb))
        qtwidgets = sys.modules.get("PySide6.QtWidgets")
        QApplication = qtwidgets.QApplication if qtwidgets else None
        on_gui = threading.current_thread() is threading.main_thread()
        if QApplication is None or QApplication.instance() is None or not on_gui:
            sys.__excepthook__(exc_type, exc, tb)
            return
        from rcdesk.errors import UserError

        if isinstance(exc, UserError):
            from .tasks import show_error

            show_error(QApplication.activeWindow(), exc)
            return
        import traceback

        _crash_dialog_class()(
            "".join(traceback.format_exception(exc_type, exc, tb)), QApplication.activeWindow()
        ).exec()

    sys.excepthook = hook
