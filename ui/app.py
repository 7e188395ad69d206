"""Start the GUI: crash hook, paths, logging, database (backup + migrations), window."""
from __future__ import annotations

import argparse
import logging
import sys
from datetime import datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

AUTO_BACKUP_EVERY = timedelta(hours=24)


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
    p.add_argument("--db", metavar="RUTA", help="archivo de base de datos")
    return p.parse_known_args(argv)[0]


def _install_spanish_qt(app) -> None:  # noqa: ANN001
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.Spanish, QLocale.Country.Ecuador))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_es",):
        tr = QTranslator(app)
        if tr.load(name, folder):
            app.installTranslator(tr)


def auto_backup(paths) -> None:  # noqa: ANN001
    """A rotating copy at most once a day, taken at start-up (power cuts happen)."""
    from rcdesk.db.backup import backup_database, list_backups

    if not paths.database.exists():
        return
    latest = [b for b in list_backups(paths.backups) if b.kind == "copia"]
    if latest and datetime.now() - latest[0].created < AUTO_BACKUP_EVERY:
        return
    try:
        backup_database(paths.database, paths.backups)
    except Exception:  # noqa: BLE001 - a failed copy must not block work
        log.exception("automatic backup failed")


def create_window(db, settings=None):  # noqa: ANN001, ANN201
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

        from ui.main_window import MainWindow
        from ui.shell import UiContext
        from ui.tasks import TaskRunner

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


def run(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    args = parse_args(argv[1:])

    from rcdesk.paths import AppPaths

    paths = AppPaths.for_database(Path(args.db)) if args.db else AppPaths.default()
    paths.ensure()
    from rcdesk.logsetup import setup_logging
    from ui.crash import install_crash_handler

    setup_logging(paths.logs)
    install_crash_handler(paths.logs)

    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("rcdesk")
    app.setOrganizationName("rcdesk")
    _install_spanish_qt(app)

    from rcdesk.db.database import Database
    from rcdesk.db.lock import ProcessLock
    from rcdesk.errors import DatabaseInUse, UserError

    # One window per database file: a second one would write behind the first one's back.
    lock = ProcessLock(paths.database)
    try:
        lock.acquire()
    except DatabaseInUse as exc:
        QMessageBox.warning(None, "rcdesk — la base de datos ya está abierta", str(exc))
        return 2
    try:
        try:
            db = Database.open(paths=paths)
        except UserError as exc:
            QMessageBox.critical(None, "rcdesk — no se puede abrir la base de datos", str(exc))
            return 2
        auto_backup(paths)
        window = create_window(db)
        window.show_at_start()
        from rcdesk.services.installation_setup import needs_setup

        if needs_setup(db):
            from ui.first_start import run_first_start

            run_first_start(window)
        code = app.exec()
        window.ctx.runner.shutdown()  # a write still running must finish before the file is let go
        db.close()
        return code
    finally:
        lock.release()
