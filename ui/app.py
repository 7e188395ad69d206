"""Start the GUI: paths, logging, crash hook, lock, database (migrations), window, daily backup.

Start-up budget (bench/bench_startup.py times this whole path against a bare PySide6 window):
what the first screen needs from `rcdesk` is imported before PySide6 (shiboken's import hook
reads the source of every module imported after it), and the daily copy of the database is
taken on its own thread once the window is on screen (`rcdesk.db.backup.DailyBackup`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

log = logging.getLogger(__name__)

# The daily copy waits this long after the window is shown: copying a large database competes
# for the disk and the processor with the home page's first figures, and nothing needs it sooner.
BACKUP_AFTER_MS = 3000
# The home page's figures are computed once the window has been painted (the window is not kept
# waiting for them); should the window get no paint event (started minimized), after this long.
HOME_FIGURES_AT_LATEST_MS = 300
BACKUP_FAILED_TEXT = (
    "No se pudo hacer la copia de seguridad diaria (el detalle quedó en el registro). "
    "Pruebe «Archivo › Hacer copia de seguridad» y revise el espacio libre del disco."
)


class _SpanishHelp(argparse.ArgumentParser):
    """`rcdesk-gui --help` in Spanish, like the command line's (argparse's headings are English)."""

    def format_help(self) -> str:
        text = super().format_help().replace("usage:", "uso:", 1)
        return text.replace("\noptions:", "\nopciones:").replace("\noptional arguments:", "\nopciones:")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "uso:", 1)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = _SpanishHelp(prog="rcdesk-gui", description="rcdesk (interfaz gráfica)", add_help=False)
    p.add_argument("-h", "--help", action="help", help="mostrar esta ayuda y salir")
    p.add_argument(
        "--db", metavar="RUTA", help="archivo de base de datos o servidor PostgreSQL (postgresql+psycopg://…)"
    )
    return p.parse_known_args(argv)[0]


def _install_spanish_qt(app) -> None:
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.Spanish, QLocale.Country.Ecuador))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_es",):
        tr = QTranslator(app)
        if tr.load(name, folder):
            app.installTranslator(tr)


def create_window(db, settings=None):
    """The main window on `db`, with its home page opening.

    Start-up: the modules, classes and widgets built here live as long as the application, so
    the garbage collector neither runs while they are built nor scans them again afterwards
    (`gc.freeze()`); that saves ~10 ms here, most of a full collection at exit, and a little
    on every full collection while the user works.
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        from PySide6.QtCore import QSettings

        from .main_window import MainWindow
        from .shell import UiContext
        from .tasks import TaskRunner

        if settings is None:
            ini = (db.paths.data / "interfaz.ini") if db.paths else None
            settings = QSettings(str(ini), QSettings.Format.IniFormat) if ini else QSettings("rcdesk", "rcdesk")
        ctx = UiContext(db=db, runner=TaskRunner(), settings=settings)
        window = MainWindow(ctx)
        gc.freeze()
    finally:
        if enabled:
            gc.enable()
    return window


def _import_core_first(has_plan: bool) -> None:
    """Import, before PySide6, the core modules the first screen will need.

    PySide6's import hook reads the whole source file of every module imported after it (to
    look for `from __feature__ import …`); core modules never use Qt, so importing them first
    skips that. The home page's figures are computed from rcdesk.followup.reads once the window
    is on screen: imported here all the same, not by the worker while the window is built.
    """
    import rcdesk.db.backup
    import rcdesk.services.installation_setup

    if has_plan:
        import rcdesk.followup.reads  # noqa: F401


def _home_plan(db) -> str | None:
    """The plan the main window will open on (MainWindow.reload_plans' choice), read without Qt."""
    from rcdesk.services.plan_reads import list_plans

    plans = [p.plan_id for p in list_plans(db)]
    if not plans:
        return None
    remembered = None
    ini = db.paths.data / "interfaz.ini" if db.paths else None
    try:  # QSettings' INI: "[plan]" then "current=<id>"
        section = ""
        for line in ini.read_text(encoding="utf-8").splitlines() if ini and ini.exists() else []:
            line = line.strip()
            if line.startswith("["):
                section = line
            elif section == "[plan]" and line.startswith("current="):
                remembered = line.split("=", 1)[1].strip()
    except (OSError, UnicodeError):
        pass
    return remembered if remembered in plans else plans[0]


def _remove_stale_views(paths) -> None:
    """Decrypted evidence copies a crashed run left behind (this process holds the lock now)."""
    from rcdesk.security.files import remove_stale_views

    remove_stale_views(paths.data)


def after_first_paint(window, calls, at_latest_ms: int):
    """Run `calls` (None entries skipped) once `window` has been painted and its paint flushed to
    the screen, or after `at_latest_ms` if it gets no paint event; each runs once.

    Start-up budget: what the first screen does not show waits until it is on screen. The
    returned function runs whatever has not run yet: the caller hands it to the task runner
    (`TaskRunner.before_blocking`), so that a wait for the jobs before that paint (closing the
    window, a restore) starts what the home page's job waits for instead of hanging.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer

    pending = [c for c in calls if c is not None]

    def run_all() -> None:
        if watcher.watching:
            watcher.watching = False
            window.removeEventFilter(watcher)
        while pending:
            pending.pop(0)()

    class FirstPaint(QObject):
        watching = True
        painted = False

        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Paint and not self.painted:
                self.painted = True
                QTimer.singleShot(0, run_all)  # after this paint has been flushed
            return False

    watcher = FirstPaint(window)
    window.installEventFilter(watcher)
    QTimer.singleShot(at_latest_ms, run_all)
    return run_all


_bridge_class = None


def _backup_bridge(parent):
    """A QObject whose signal carries the copy's result from its thread to the GUI thread."""
    global _bridge_class
    if _bridge_class is None:
        from PySide6.QtCore import QObject, Signal

        class BackupBridge(QObject):
            done = Signal(object, object)  # (path or None, error or None)

        _bridge_class = BackupBridge
    return _bridge_class(parent)


def start_daily_backup(window, paths, *, after_ms: int | None = None):
    """The day's automatic copy, `after_ms` after the window is shown, off the GUI thread.

    Returns the `DailyBackup`; its result comes back to the window through a queued signal:
    a failure is a warning in the status bar (the work goes on), a success a passing message.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QLabel

    from rcdesk.db.backup import DailyBackup

    bridge = _backup_bridge(window)

    def report(dest, error) -> None:
        if error is not None:
            label = QLabel(f"⚠ {BACKUP_FAILED_TEXT}")
            label.setObjectName("backup_warning")
            label.setStyleSheet("color: #7a5200")
            label.setWordWrap(True)
            window.statusBar().addPermanentWidget(label, 1)
        elif dest is not None:
            window.statusBar().showMessage(f"Copia de seguridad del día guardada en {dest}", 10000)

    bridge.done.connect(report)
    backup = DailyBackup(paths.database, paths.backups, on_done=bridge.done.emit)
    backup.bridge = bridge  # the bridge lives as long as the backup that reports through it
    QTimer.singleShot(BACKUP_AFTER_MS if after_ms is None else after_ms, backup.start)
    return backup


def run(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    args = parse_args(argv[1:])

    from rcdesk.paths import AppPaths

    target = args.db
    if target is None and not os.environ.get("RCDESK_DB"):
        from rcdesk.db import server_profile

        if server_profile.load() is not None:  # «Conectar a un servidor…» remembered one
            from PySide6.QtWidgets import QApplication

            from .dialogs.server_connect import remembered_server_url

            QApplication.instance() or QApplication(argv)
            target = remembered_server_url()
    paths = AppPaths.for_target(target) if target else AppPaths.default()
    paths.ensure()
    from rcdesk.logsetup import setup_logging

    from .crash import install_crash_handler

    setup_logging(paths.logs)
    install_crash_handler(paths.logs)

    from rcdesk.db.database import Database
    from rcdesk.db.lock import ProcessLock
    from rcdesk.errors import DatabaseInUse, UserError

    app = None

    def qt_app():
        nonlocal app
        if app is None:
            from PySide6.QtWidgets import QApplication

            app = QApplication.instance() or QApplication(argv)
            app.setApplicationName("rcdesk")
            app.setOrganizationName("rcdesk")
            _install_spanish_qt(app)
        return app

    # One window per database file: a second one would write behind the first one's back.
    lock = ProcessLock(paths.database)
    try:
        lock.acquire()
    except DatabaseInUse as exc:
        qt_app()
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(None, "rcdesk — la base de datos ya está abierta", str(exc))
        return 2
    backup = None
    try:
        from .security import unlock_at_start

        if not unlock_at_start(paths, qt_app):
            return 0  # the passphrase was not given: nothing was opened
        try:
            db = Database.open(paths=paths)
        except UserError as exc:
            qt_app()
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(None, "rcdesk — no se puede abrir la base de datos", str(exc))
            return 2
        home_plan = _home_plan(db)
        _import_core_first(home_plan is not None)
        start_home = None
        if home_plan is not None:
            from rcdesk.followup.reads import prefetch_home

            # the home page asks for these figures as it is built and fills them in when they come
            start_home = prefetch_home(db, home_plan, later=True)
        qt_app()
        window = create_window(db)
        window.show_at_start()
        started = after_first_paint(window, [start_home, lambda: _remove_stale_views(paths)], HOME_FIGURES_AT_LATEST_MS)
        window.ctx.runner.before_blocking(started)  # the home page's job waits for `start_home`
        backup = None if paths.is_server else start_daily_backup(window, paths)  # a server's are its own
        window.daily_backup = backup  # an encryption waits for it (ui/security.py)
        from rcdesk.services.installation_setup import needs_setup

        if needs_setup(db):
            from .first_start import run_first_start

            run_first_start(window)
        else:
            from .security import offer_protection

            offer_protection(window)
        code = app.exec()
        window.ctx.runner.shutdown()  # a write still running must finish before the file is let go (it
        # first runs `started`, should the window have closed before its first paint)
        if backup is not None:
            backup.finish()  # closed before the copy started: it is taken now, the window already gone
        db.close()
        return code
    finally:
        lock.release()


def main() -> int:
    """The installed `rcdesk-gui` entry point (`main.py` in the source tree calls the same)."""
    return run(sys.argv)
