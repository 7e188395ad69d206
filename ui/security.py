"""Encryption at rest in the GUI (issue 16): what the start-up, the assistant and the Archivo menu do.

- `unlock_at_start`: before the database is opened, its passphrase (remembered, `RCDESK_PASSPHRASE`,
  or the dialog of ui/dialogs/unlock.py). Without Qt when the environment gives it (scripts,
  benchmarks): PySide6 is imported only for a dialog.
- `offer_protection`: a plain database of a field installation is offered the conversion once
  the window is on screen, at every start until it is done («Más tarde»).
- `encrypt_open_database`: the conversion of the database the window works on. The task runner
  runs one job at a time, so once `prepare` runs on it no write is in flight; it lets the day's
  copy finish (the conversion then encrypts it too) and closes every connection, which reopen on
  the encrypted file with the key remembered for this process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rcdesk.paths import AppPaths

# the offer waits until the first screen is painted: nothing on it needs the dialog sooner
OFFER_AFTER_MS = 600


def can_encrypt(db) -> bool:
    """An SQLite file (a server database is protected by its server), not encrypted yet."""
    if db.paths is None or db.is_server:
        return False
    return not _encrypted_file(db.paths.database)


def is_encrypted(db) -> bool:
    if db.paths is None or db.is_server:
        return False
    return _encrypted_file(db.paths.database)


def _encrypted_file(path: Path) -> bool:
    """`vault.is_encrypted` without importing the key-file module: a plain database's start-up does
    not pay for `cryptography` (the driver's copy of the check exists for that)."""
    from rcdesk.db import driver

    return driver.is_encrypted(path)


def unlock_at_start(paths: AppPaths, qt_app: Callable[[], object]) -> bool:
    """True when the database can be opened: not encrypted, a server, or its key now known.
    False when the user cancelled the passphrase (the application then closes cleanly)."""
    if paths.is_server:
        return True
    from rcdesk.security import unlocked

    path = paths.database
    if not _encrypted_file(path) or unlocked.key_for(path) is not None:
        return True
    import os

    from rcdesk.security import vault

    from .dialogs.unlock import ENV_WRONG_TEXT, PASSPHRASE_ENV

    env = os.environ.get(PASSPHRASE_ENV)
    message = ""
    if env:
        from rcdesk.security import setup

        try:
            setup.unlock(path, env, paths=paths)
            return True
        except vault.WrongPassphrase:
            message = ENV_WRONG_TEXT
    qt_app()
    from .dialogs.unlock import ask_passphrase

    return ask_passphrase(path, message=message, paths=paths)


def offer_protection(window, *, after_ms: int = OFFER_AFTER_MS) -> bool:
    """At start, on a field installation's plain file that was set up (a new one is asked by the
    assistant): «Proteja los datos de este equipo» over the window, shortly after it is shown."""
    db = window.ctx.db
    if db.role != "field" or not can_encrypt(db):
        return False
    from PySide6.QtCore import QTimer

    def offer() -> None:
        # a window closed meanwhile (rcdesk is quitting) gets no dialog: it would keep the
        # application alive with no window behind it
        if window.isVisible():
            open_protect_dialog(window)

    QTimer.singleShot(after_ms, offer)
    return True


def open_protect_dialog(window, *, later_text: str = "Más &tarde"):
    """The conversion offer over `window` (window-modal, not blocking); returns the dialog."""
    from .dialogs.passphrase import ProtectDialog

    dialog = ProtectDialog(
        window.ctx.db,
        window.ctx.runner,
        window,
        prepare=lambda: prepare_conversion(window),
        later_text=later_text,
    )
    dialog.accepted.connect(lambda: converted(window))
    window.protect_dialog = dialog  # kept alive while open
    dialog.open()
    return dialog


def prepare_conversion(window) -> None:
    """On the worker, before the file is converted: no copy running, no connection open."""
    backup = getattr(window, "daily_backup", None)
    if backup is not None:
        backup.start()  # the day's copy, if due, is taken now and encrypted with the database
        backup.finished.wait()
    reconnect(window.ctx.db)


def reconnect(db) -> None:
    """Close every connection of `db` and let its next use build a new engine.

    The engine factory chooses the driver (sqlite3 or SQLCipher with the key) when the engine is
    made (rcdesk/db/engine.py), so after the file changed from plain to encrypted the disposed
    engine must not be reused: it would reconnect with the plain driver. Pages and services keep
    their `Database`, which stays the same object."""
    db.reopen()


def convert_file(db, passphrase: str, progress) -> bytes:
    """`db`'s file (its connections closed) encrypted; its key file names the installation, which
    lets headquarters find the sealed key by installation when the key file itself is lost."""
    from rcdesk.security import convert, vault

    data_key = convert.encrypt_database(db.paths.database, passphrase, progress=progress, paths=db.paths)
    if db.installation_id:
        vault.set_installation(db.paths.database, db.installation_id)
    return data_key


def converted(window) -> None:
    """Back on the GUI thread: connections opened meanwhile still point at the plain file."""
    reconnect(window.ctx.db)
    window.statusBar().showMessage("La base de datos está cifrada. Recuerde su contraseña.", 15000)
    refresh_security_menu(window)


def encrypt_open_database(window, passphrase: str, on_done: Callable[[], None] | None = None) -> None:
    """The assistant's conversion: the passphrase is already chosen, only the progress is shown."""
    from rcdesk.security import unlocked

    from .dialogs.passphrase import CONVERTING_TITLE

    db = window.ctx.db
    path = db.paths.database

    def job(progress, _cancel):
        prepare_conversion(window)
        return convert_file(db, passphrase, progress)

    def done(data_key: bytes) -> None:
        unlocked.remember(path, data_key)
        converted(window)
        if on_done is not None:
            on_done()

    def failed(exc: BaseException) -> None:
        # the conversion leaves the database as it was (plain): say why, then go on with the step;
        # the next start offers it again
        from .tasks import show_error

        reconnect(window.ctx.db)
        show_error(window, exc)
        if on_done is not None:
            on_done()

    window.ctx.runner.run(job, title=CONVERTING_TITLE, parent=window, cancellable=False, on_done=done, on_error=failed)


# -- Archivo › «Cambiar contraseña…» / «Cifrar la base de datos…» ------------------------------
def add_security_action(window, menu) -> None:
    """One entry whose text follows the database: change its passphrase, or encrypt it."""
    from PySide6.QtGui import QAction

    action = QAction("Cifrar la &base de datos…", window, triggered=lambda: security_action(window))
    action.setObjectName("security_action")
    menu.addAction(action)
    window.security_action = action
    # its text is decided when the menu opens: reading the file's first bytes (and importing the
    # key-file module with its cryptography) is not for the first screen
    menu.aboutToShow.connect(lambda: refresh_security_menu(window))


def refresh_security_menu(window) -> None:
    action = getattr(window, "security_action", None)
    if action is None:
        return
    db = window.ctx.db
    action.setVisible(db.paths is not None and not db.is_server)
    action.setText("Cambiar la con&traseña…" if is_encrypted(db) else "Cifrar la &base de datos…")


def security_action(window):
    """Change the passphrase of an encrypted database, or offer to encrypt a plain one."""
    db = window.ctx.db
    if is_encrypted(db):
        return change_passphrase(window, db.paths.database)
    if can_encrypt(db):
        return open_protect_dialog(window, later_text="&Cancelar")
    return None


def change_passphrase(window, path: Path):
    from .dialogs.passphrase import ChangePassphraseDialog

    dialog = ChangePassphraseDialog(path, window)
    dialog.accepted.connect(
        lambda: window.statusBar().showMessage("Contraseña cambiada. La anterior ya no abre la base.", 15000)
    )
    window.passphrase_dialog = dialog
    dialog.open()
    return dialog
