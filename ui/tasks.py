"""The one place where long core jobs meet Qt: a worker thread, a progress dialog, Cancel.

A job is `fn(progress, cancel)` from the core (see rcdesk/jobs.py). Jobs run one at a
time on a single worker thread (one writer for SQLite); results and errors come back to
the GUI thread through signals, never by touching widgets from the worker.

Every write of the GUI goes through this worker, short ones too (`TaskRunner.write`): a
write on the GUI thread would wait for (or race with) the job running here, and the window
would freeze while SQLite waits for another program.

So this is also where the GUI learns what a write changed: every job runs inside the database's
write tracking (`Database.tracking()`), and what its committed transactions changed is announced
once it ends (`UiContext.changed(changes, source)`, after `on_done`/the error/the cancel handler
ran), with the widget that asked for it (`parent`, or `source=`) as the source, which may skip its
own refresh. Nobody builds a `Changes` by hand; a job that committed nothing announces nothing.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QWidget

from rcdesk.errors import UserError
from rcdesk.jobs import Cancelled, CancelToken

if TYPE_CHECKING:
    from rcdesk.db.write_tracking import Tracked

    from .shell import UiContext

log = logging.getLogger(__name__)

CANCELLED_TEXT = "Operación cancelada. No se guardó ningún cambio."
SAVING_TEXT = "Guardando cambios…"
SHOW_AFTER_MS = 300

# `source=` left out: the changes are announced as coming from `parent`
FROM_PARENT: Any = object()


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()
    changed = Signal(object)  # emitted before the outcome, so it arrives first


Tracking = Callable[[], AbstractContextManager["Tracked | None"]]


def _tracking(context: UiContext | None) -> Tracking:
    """What a job of this context runs in: its database's write tracking (nothing without one)."""
    db = getattr(context, "db", None)
    return db.tracking if db is not None else nullcontext


class _Job(QRunnable):
    def __init__(self, fn: Callable, cancel: CancelToken, tracking: Tracking) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.cancel = cancel
        self.tracking = tracking
        self.signals = _Signals()

    def run(self) -> None:
        def progress(done: int, total: int | None = None, text: str = "") -> None:
            self.signals.progress.emit(int(done), int(total or 0), text or "")

        tracked = None
        try:
            with self.tracking() as tracked:
                result = self.fn(progress, self.cancel)
        except Cancelled:
            self._changed(tracked)
            self.signals.cancelled.emit()
        except BaseException as exc:
            if not isinstance(exc, UserError):
                log.exception("background job failed")
            self._changed(tracked)
            self.signals.failed.emit(exc, "".join(traceback.format_exception(exc)))
        else:
            self._changed(tracked)
            self.signals.finished.emit(result)

    def _changed(self, tracked: Tracked | None) -> None:
        # what was committed before a failure or a cancel changed too (one-transaction jobs: nothing)
        changes = tracked.changes if tracked is not None else None
        if changes:
            self.signals.changed.emit(changes)


def _announcer(context: UiContext | None, source: object) -> Callable[[Any], None]:
    """Tell the context's pages what a job changed (nothing when it changed nothing)."""

    def announce(changes: Any) -> None:
        if changes and context is not None:
            context.changed(changes, source)

    return announce


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
        self._before_blocking: list[Callable[[], None]] = []
        self.context: UiContext | None = None  # set by the UiContext it serves: whose writes, told to whom
        # a job on a server database may need headquarters' passphrase: asked in a dialog on the GUI
        # thread, where this runner is made, while the job waits (ui/hq_passphrase.py)
        from .hq_passphrase import install

        install()

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
        source: object = FROM_PARENT,
    ) -> CancelToken:
        """Run `fn(progress, cancel)` on the worker, then announce what it changed as from `source`
        (default `parent`) after the outcome's callback ran."""
        cancel = CancelToken()
        context = self.context
        job = _Job(fn, cancel, _tracking(context))
        announce = _announcer(context, parent if source is FROM_PARENT else source)
        # The dialog is only built when the job outlasts SHOW_AFTER_MS: most jobs are quick
        # and a dialog flashing on screen (or built for nothing at start-up) helps nobody.
        state: dict = {"dialog": None, "done": False, "progress": (0, 0, ""), "changes": None}

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

        def _changed(changes: object) -> None:
            state["changes"] = changes

        def _finished(result: object) -> None:
            _cleanup()
            try:
                if on_done:
                    on_done(result)
            finally:
                announce(state["changes"])

        def _failed(exc: BaseException, report: str) -> None:
            _cleanup()
            try:
                if on_error:
                    on_error(exc)
                else:
                    show_error(parent, exc, report)
            finally:
                announce(state["changes"])

        def _cancelled() -> None:
            _cleanup()
            try:
                if on_cancel:
                    on_cancel()
                else:
                    from PySide6.QtWidgets import QMessageBox

                    QMessageBox.information(parent, "rcdesk", CANCELLED_TEXT)
            finally:
                announce(state["changes"])

        # `job.signals` lives in the GUI thread and the job emits from the worker, so these
        # (automatic) connections are queued: the callbacks run in the GUI thread's event loop.
        # Not spelled Qt.ConnectionType.QueuedConnection: that would build the `Qt` namespace's
        # enums on the first screen (costly at start-up, see ui/main_window.py).
        job.signals.progress.connect(_progress)
        job.signals.changed.connect(_changed)
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
        source: object = FROM_PARENT,
    ) -> None:
        """Run a short write `fn()` on the worker; `on_done(result)` then updates the widgets, and
        what it changed is announced as from `source` (default `parent`: the page that refreshes
        itself in `on_done`; a dialog saving for a page that refreshes after it names the page).

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
            source=source,
        )

    def before_blocking(self, fn: Callable[[], None]) -> None:
        """Run `fn` (once) before the GUI thread first blocks on this runner's jobs.

        At start-up the home page's job waits for figures whose computation starts after the
        window's first paint (ui/app.py): should the GUI thread wait for the jobs before that
        paint (a restore, a server switch, a script driving the window), it would wait forever
        unless that start is released first."""
        self._before_blocking.append(fn)

    def _release(self) -> None:
        while self._before_blocking:
            self._before_blocking.pop(0)()

    def wait(self, msecs: int = -1) -> bool:
        self._release()
        return self.pool.waitForDone(msecs)

    def shutdown(self) -> None:
        self._release()
        self.pool.waitForDone()


class SyncTaskRunner:
    """Runs jobs inline (tests); same call signature as TaskRunner.run."""

    def __init__(self) -> None:
        self.cancel_next = False
        self.context: UiContext | None = None

    def run(
        self,
        fn,
        *,
        title: str,
        parent=None,
        on_done=None,
        on_error=None,
        on_cancel=None,
        cancellable: bool = True,
        source: object = FROM_PARENT,
    ) -> CancelToken:
        cancel = CancelToken()
        if self.cancel_next:
            cancel.cancel()
            self.cancel_next = False
        announce = _announcer(self.context, parent if source is FROM_PARENT else source)
        tracked = None
        try:
            with _tracking(self.context)() as tracked:
                result = fn(lambda *a, **k: None, cancel)
        except Cancelled:
            try:
                if on_cancel:
                    on_cancel()
            finally:
                announce(tracked and tracked.changes)
            return cancel
        except BaseException as exc:
            try:
                if on_error:
                    on_error(exc)
                else:
                    raise
            finally:
                announce(tracked and tracked.changes)
            return cancel
        try:
            if on_done:
                on_done(result)
        finally:
            announce(tracked and tracked.changes)
        return cancel

    def write(
        self, fn, *, parent, on_done=None, on_user_error=None, title: str = SAVING_TEXT, source: object = FROM_PARENT
    ) -> None:
        """Same contract as TaskRunner.write, inline; a bug (not a UserError) is raised to the test."""

        def _error(exc: BaseException) -> None:
            if not isinstance(exc, UserError):
                raise exc
            (on_user_error or (lambda e: show_error(parent, e)))(exc)

        self.run(
            lambda _progress, _cancel: fn(), title=title, parent=parent, on_done=on_done, on_error=_error, source=source
        )

    def before_blocking(self, fn: Callable[[], None]) -> None:
        fn()  # jobs run inline: nothing ever waits for what `fn` starts

    def wait(self, msecs: int = -1) -> bool:
        return True

    def shutdown(self) -> None:
        pass
