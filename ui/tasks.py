"""The one place where long core jobs meet Qt: a worker thread, a progress dialog, Cancel.

A job is `fn(progress, cancel)` from the core (see rcdesk/jobs.py). Jobs run one at a
time on a single worker thread (one writer for SQLite); results and errors come back to
the GUI thread through signals, never by touching widgets from the worker.

Every write of the GUI goes through this worker, short ones too (`TaskRunner.write`): a
write on the GUI thread would wait for (or race with) the job running here, and the window
would freeze while SQLite waits for another program.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QWidget

from rcdesk.errors import UserError
from rcdesk.jobs import Cancelled, CancelToken

log = logging.getLogger(__name__)

CANCELLED_TEXT = "Operación cancelada. No se guardó ningún cambio."
SAVING_TEXT = "Guardando cambios…"
SHOW_AFTER_MS = 300


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()


class _Job(QRunnable):
    def __init__(self, fn: Callable, cancel: CancelToken) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.cancel = cancel
        self.signals = _Signals()

    def run(self) -> None:
        def progress(done: int, total: int | None = None, text: str = "") -> None:
            self.signals.progress.emit(int(done), int(total or 0), text or "")

        try:
            result = self.fn(progress, self.cancel)
        except Cancelled:
            self.signals.cancelled.emit()
        except BaseException as exc:
            if not isinstance(exc, UserError):
                log.exception("background job failed")
            self.signals.failed.emit(exc, "".join(traceback.format_exception(exc)))
        else:
            self.signals.finished.emit(result)


def show_error(parent: QWidget | None, exc: BaseException, report: str = "") -> None:
    from PySide6.QtWidgets import QMessageBox

    if isinstance(exc, UserError):
        box = QMessageBox(QMessageBox.Icon.Warning, "No se pudo completar", exc.message, parent=parent)
        if exc.details:
            box.setDetailedText("\n".join(exc.details))
            box.setInformativeText(f"{len(exc.details)} problema(s). Pulse «Mostrar detalles…».")
        box.exec()
        return
    from .crash import CrashDialog

    CrashDialog(report or "".join(traceback.format_exception(exc)), parent=parent).exec()


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._live: set[_Job] = set()

    def run(
        self,
        fn: Callable,
        *,
        title: str,
        parent: QWidget | None = None,
        on_done: Callable[[object], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        cancellable: bool = True,
    ) -> CancelToken:
        cancel = CancelToken()
        job = _Job(fn, cancel)
        # The dialog is only built when the job outlasts SHOW_AFTER_MS: most jobs are quick
        # and a dialog flashing on screen (or built for nothing at start-up) helps nobody.
        state: dict = {"dialog": None, "done": False, "progress": (0, 0, "")}

        def _apply(dlg) -> None:
            done, total, text = state["progress"]
            dlg.setMaximum(total if total > 0 else 0)
            if total > 0:
                dlg.setValue(min(done, total))
            if text:
                dlg.setLabelText(f"{title}\n{text}")

        def _show_dialog() -> None:
            if state["done"]:
                return
            from PySide6.QtCore import Qt
            from PySide6.QtWidgets import QProgressDialog

            dlg = QProgressDialog(title, "Cancelar" if cancellable else "", 0, 0, parent)
            dlg.setWindowTitle("rcdesk")
            dlg.setWindowModality(Qt.WindowModality.WindowModal)
            dlg.setMinimumDuration(0)
            dlg.setAutoClose(False)
            dlg.setAutoReset(False)
            if not cancellable:
                dlg.setCancelButton(None)
            dlg.canceled.connect(cancel.cancel)
            _apply(dlg)
            dlg.show()
            state["dialog"] = dlg

        def _progress(done: int, total: int, text: str) -> None:
            state["progress"] = (done, total, text)
            if state["dialog"] is not None:
                _apply(state["dialog"])

        def _cleanup() -> None:
            state["done"] = True
            dlg = state["dialog"]
            if dlg is not None:
                dlg.close()
                dlg.deleteLater()
            self._live.discard(job)

        def _finished(result: object) -> None:
            _cleanup()
            if on_done:
                on_done(result)

        def _failed(exc: BaseException, report: str) -> None:
            _cleanup()
            if on_error:
                on_error(exc)
            else:
                show_error(parent, exc, report)

        def _cancelled() -> None:
            _cleanup()
            if on_cancel:
                on_cancel()
            else:
                from PySide6.QtWidgets import QMessageBox

                QMessageBox.information(parent, "rcdesk", CANCELLED_TEXT)

        # `job.signals` lives in the GUI thread and the job emits from the worker, so these
        # (automatic) connections are queued: the callbacks run in the GUI thread's event loop.
        # Not spelled Qt.ConnectionType.QueuedConnection: that would build the `Qt` namespace's
        # enums on the first screen (costly at start-up, see ui/main_window.py).
        job.signals.progress.connect(_progress)
        job.signals.finished.connect(_finished)
        job.signals.failed.connect(_failed)
        job.signals.cancelled.connect(_cancelled)
        self._live.add(job)
        QTimer.singleShot(SHOW_AFTER_MS, self, _show_dialog)
        self.pool.start(job)
        return cancel

    def write(
        self,
        fn: Callable[[], object],
        *,
        parent: QWidget | None,
        on_done: Callable[[object], None] | None = None,
        on_user_error: Callable[[UserError], None] | None = None,
        title: str = SAVING_TEXT,
    ) -> None:
        """Run a short write `fn()` on the worker; `on_done(result)` then updates the widgets.

        A refusal (`UserError`, e.g. invalid data or a busy database) goes to `on_user_error`
        or, by default, to a warning box; anything else is a bug and shows the crash report.
        """

        def _error(exc: BaseException) -> None:
            if isinstance(exc, UserError):
                (on_user_error or (lambda e: show_error(parent, e)))(exc)
            else:
                show_error(parent, exc)

        self.run(
            lambda _progress, _cancel: fn(),
            title=title,
            parent=parent,
            on_done=on_done,
            on_error=_error,
            cancellable=False,
        )

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)

    def shutdown(self) -> None:
        self.pool.waitForDone()


class SyncTaskRunner:
    """Runs jobs inline (tests); same call signature as TaskRunner.run."""

    def __init__(self) -> None:
        self.cancel_next = False

    def run(
        self, fn, *, title: str, parent=None, on_done=None, on_error=None, on_cancel=None, cancellable: bool = True
    ) -> CancelToken:
        cancel = CancelToken()
        if self.cancel_next:
            cancel.cancel()
            self.cancel_next = False
        try:
            result = fn(lambda *a, **k: None, cancel)
        except Cancelled:
            if on_cancel:
                on_cancel()
            return cancel
        except BaseException as exc:
            if on_error:
                on_error(exc)
            else:
                raise
            return cancel
        if on_done:
            on_done(result)
        return cancel

    def write(self, fn, *, parent, on_done=None, on_user_error=None, title: str = SAVING_TEXT) -> None:
        """Same contract as TaskRunner.write, inline; a bug (not a UserError) is raised to the test."""

        def _error(exc: BaseException) -> None:
            if not isinstance(exc, UserError):
                raise exc
            (on_user_error or (lambda e: show_error(parent, e)))(exc)

        self.run(lambda _progress, _cancel: fn(), title=title, parent=parent, on_done=on_done, on_error=_error)

    def wait(self, msecs: int = -1) -> bool:
        return True

    def shutdown(self) -> None:
        pass
