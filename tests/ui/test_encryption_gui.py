"""Encryption at rest in the GUI (issue 16): the passphrase asked at start, the assistant's passphrase on
a field laptop, «Proteja los datos de este equipo», and «Cambiar la contraseña…».

A wrong passphrase is a message and a growing wait, never a crash, and changes nothing on disk; the
right one opens the window; scripts pass it in RCDESK_PASSPHRASE; whatever the GUI encrypts is an
SQLCipher file (no "SQLite format 3" header) that opens with the new passphrase only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from tests.ui.real_start import run_app

RIGHT = "montaña azul 42"
NEW = "río verde 2026"
PLAIN_HEADER = b"SQLite format 3\x00"


@pytest.fixture(autouse=True)
def _no_keys_left(monkeypatch):
    """Every test starts with no key unlocked in this process and no passphrase in the environment."""
    from rcdesk.security import unlocked

    monkeypatch.delenv("RCDESK_PASSPHRASE", raising=False)
    unlocked.forget_all()
    yield
    unlocked.forget_all()


def _digest(*paths: Path) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def _encrypted_copy(source: Path, tmp_path: Path, passphrase: str = RIGHT) -> Path:
    """An encrypted database (converted from a copy of `source`), its key forgotten again."""
    import shutil

    from rcdesk.security import convert, unlocked

    target = tmp_path / "cifrada" / "rcdesk.db"
    target.parent.mkdir()
    shutil.copyfile(source, target)
    convert.encrypt_database(target, passphrase)
    unlocked.forget_all()
    assert not target.read_bytes().startswith(PLAIN_HEADER)
    return target


@pytest.fixture
def encrypted_db(db, tmp_path) -> Path:
    db.close()
    return _encrypted_copy(db.paths.database, tmp_path)


@pytest.fixture
def locked_file(tmp_path) -> Path:
    """What the unlock dialog sees of an encrypted database: a file without the SQLite header and its
    key file (the dialog never opens the database itself)."""
    import os

    from rcdesk.security import vault

    path = tmp_path / "rcdesk.db"
    vault.create(path, RIGHT)
    path.write_bytes(os.urandom(4096))
    return path


# -- the unlock dialog ----------------------------------------------------------------------------
def test_a_wrong_passphrase_is_a_message_and_a_wait_and_changes_nothing(qtbot, locked_file):
    from rcdesk.security import unlocked, vault
    from ui.dialogs.unlock import UnlockDialog

    files = [locked_file, vault.key_file(locked_file)]
    before = _digest(*files)
    dialog = UnlockDialog(locked_file)
    qtbot.addWidget(dialog)
    dialog.secret.setText("no es esta")
    dialog.open_button.click()
    assert dialog.error.text() == "La contraseña no es correcta. Le quedan 4 intentos."
    assert dialog.result() != QDialog.DialogCode.Accepted and unlocked.key_for(locked_file) is None
    assert not dialog.open_button.isEnabled() and dialog.open_button.text() == "Espere 1 s"
    dialog.secret.setText(RIGHT)
    dialog.try_unlock()  # Enter while waiting does nothing
    assert unlocked.key_for(locked_file) is None
    dialog._tick()  # the second that the timer counts
    assert dialog.open_button.isEnabled() and dialog.open_button.text() == "&Abrir"
    assert _digest(*files) == before


def test_the_wait_grows_and_the_fifth_wrong_passphrase_closes_the_door(qtbot, locked_file):
    from ui.dialogs.unlock import UnlockDialog

    dialog = UnlockDialog(locked_file)
    qtbot.addWidget(dialog)
    waits = []
    for attempt in range(4):
        dialog.secret.setText(f"mala {attempt}")
        dialog.try_unlock()
        waits.append(dialog.open_button.text())
        while not dialog.open_button.isEnabled():
            dialog._tick()
    assert waits == ["Espere 1 s", "Espere 2 s", "Espere 4 s", "Espere 8 s"]
    dialog.secret.setText("mala 5")
    dialog.try_unlock()
    assert "5 veces" in dialog.error.text()
    assert not dialog.open_button.isEnabled() and not dialog.secret.isEnabled()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "&Cerrar rcdesk"


def test_the_right_passphrase_unlocks_and_the_key_stays_in_memory(qtbot, locked_file):
    from rcdesk.security import unlocked
    from ui.dialogs.unlock import UnlockDialog

    dialog = UnlockDialog(locked_file)
    qtbot.addWidget(dialog)
    dialog.secret.setText(RIGHT)
    dialog.open_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert unlocked.key_for(locked_file) == dialog.data_key


def test_forgotten_passphrase_says_what_to_send_to_headquarters(qtbot, locked_file, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.dialogs.unlock import UnlockDialog

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    dialog = UnlockDialog(locked_file)
    qtbot.addWidget(dialog)
    dialog.forgot.click()
    assert "<b>rcdesk.db</b>" in shown[0] and "rcdesk.db.llave" in shown[0] and str(locked_file.parent) in shown[0]
    assert "Recuperar base de un técnico" in shown[0] and "sede" in shown[0]


# -- start-up ---------------------------------------------------------------------------------------
def _never_asked(*_a, **_k):
    raise AssertionError("the passphrase dialog was shown")


def test_rcdesk_passphrase_unlocks_without_the_dialog(qtbot, locked_file, monkeypatch):
    import ui.dialogs.unlock
    from rcdesk.paths import AppPaths
    from rcdesk.security import unlocked
    from ui.security import unlock_at_start

    monkeypatch.setattr(ui.dialogs.unlock, "ask_passphrase", _never_asked)
    monkeypatch.setenv("RCDESK_PASSPHRASE", RIGHT)
    assert unlock_at_start(AppPaths.for_database(locked_file), lambda: None)
    assert unlocked.key_for(locked_file) is not None


def test_a_wrong_rcdesk_passphrase_falls_back_to_the_dialog(qtbot, locked_file, monkeypatch):
    import ui.dialogs.unlock
    from rcdesk.paths import AppPaths
    from ui.security import unlock_at_start

    asked: list[str] = []
    monkeypatch.setattr(ui.dialogs.unlock, "ask_passphrase", lambda path, **k: asked.append(k["message"]) or False)
    monkeypatch.setenv("RCDESK_PASSPHRASE", "no es esta")
    assert not unlock_at_start(AppPaths.for_database(locked_file), lambda: None)
    assert asked and "RCDESK_PASSPHRASE" in asked[0]


def test_a_plain_database_is_never_asked(qtbot, db, monkeypatch):
    import ui.dialogs.unlock
    from ui.security import unlock_at_start

    monkeypatch.setattr(ui.dialogs.unlock, "ask_passphrase", _never_asked)
    assert unlock_at_start(db.paths, lambda: None)


def _type_passphrase(passphrase: str, asked: list):
    """Stands for the user at the unlock dialog: the real dialog, the passphrase typed, «Abrir»."""
    from ui.dialogs.unlock import UnlockDialog

    def ask(path, parent=None, *, message="", paths=None):
        dialog = UnlockDialog(path, parent, message=message, paths=paths)
        dialog.secret.setText(passphrase)
        dialog.open_button.click()
        asked.append(dialog.error.text())
        return dialog.result() == QDialog.DialogCode.Accepted

    return ask


def test_the_right_passphrase_opens_the_main_window(qtbot, quiet_start, encrypted_db, monkeypatch):
    import ui.dialogs.unlock

    asked: list[str] = []
    monkeypatch.setattr(ui.dialogs.unlock, "ask_passphrase", _type_passphrase(RIGHT, asked))

    def during(window, seen) -> None:
        seen["title"] = window.windowTitle()
        seen["offered"] = hasattr(window, "protect_dialog")
        window.close()

    seen = run_app(monkeypatch, encrypted_db, during)
    assert asked == [""] and seen["code"] == 0
    assert seen["title"] == "rcdesk — Pruebas" and not seen["offered"]


def test_rcdesk_passphrase_opens_the_window_without_the_dialog(qtbot, quiet_start, encrypted_db, monkeypatch):
    import ui.dialogs.unlock

    monkeypatch.setattr(ui.dialogs.unlock, "ask_passphrase", _never_asked)
    monkeypatch.setenv("RCDESK_PASSPHRASE", RIGHT)
    seen = run_app(monkeypatch, encrypted_db, lambda window, seen: window.close())
    assert seen["code"] == 0 and "window" in seen


def test_cancel_at_the_passphrase_closes_rcdesk_and_frees_the_database(qtbot, quiet_start, encrypted_db, monkeypatch):
    import ui.dialogs.unlock
    from rcdesk.db.lock import ProcessLock

    monkeypatch.setattr(ui.dialogs.unlock, "ask_passphrase", lambda *_a, **_k: False)
    seen = run_app(monkeypatch, encrypted_db, lambda window, seen: window.close())
    assert seen == {"code": 0}  # no window was built
    with ProcessLock(encrypted_db):  # the next start can take the database
        pass


# -- «Proteja los datos de este equipo» and «Cambiar la contraseña…» --------------------------------
def _window(qtbot, ctx):
    from ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


def _people(db) -> int:
    with db.read() as conn:
        return conn.execute("SELECT count(*) FROM person").fetchone()[0]


def test_a_plain_field_database_is_offered_protection_and_converted(qtbot, demo_ctx):
    from rcdesk.db.backup import backup_database
    from rcdesk.security import unlocked, vault
    from rcdesk.services.reference import ReferenceService
    from ui.security import offer_protection

    db = demo_ctx.db
    path = db.paths.database
    backup_database(path, db.paths.backups)  # a plain copy of the day, made before the upgrade
    people = _people(db)
    window = _window(qtbot, demo_ctx)
    assert offer_protection(window, after_ms=0)
    qtbot.waitUntil(lambda: getattr(window, "protect_dialog", None) is not None and window.protect_dialog.isVisible())
    dialog = window.protect_dialog
    assert dialog.later.text() == "Más &tarde" and "LOPDP" in dialog.why.text()
    dialog.fields.first.setText(RIGHT)
    dialog.fields.second.setText(RIGHT + "x")
    dialog.encrypt_button.click()
    assert "no coinciden" in dialog.error.text() and path.read_bytes().startswith(PLAIN_HEADER)
    dialog.fields.second.setText(RIGHT)
    dialog.encrypt_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not path.read_bytes().startswith(PLAIN_HEADER)
    assert vault.unlock(path, RIGHT) == unlocked.key_for(path)
    assert vault.installation_of(path) == db.installation_id  # headquarters finds its sealed key by it
    # the window goes on reading and writing the same data, now through SQLCipher
    assert _people(db) == people
    ReferenceService(db).ensure_builtin_territories()
    window.menuBar().actions()[0].menu().aboutToShow.emit()
    assert window.security_action.text() == "Cambiar la con&traseña…"


def test_later_leaves_the_database_as_it_was_and_headquarters_is_not_asked(qtbot, demo_ctx, ui_ctx):
    from ui.security import offer_protection

    path = demo_ctx.db.paths.database
    before = _digest(path)
    window = _window(qtbot, demo_ctx)
    assert offer_protection(window, after_ms=0)
    qtbot.waitUntil(lambda: getattr(window, "protect_dialog", None) is not None)
    window.protect_dialog.later.click()
    assert _digest(path) == before and not window.protect_dialog.isVisible()
    closing = _window(qtbot, demo_ctx)
    assert offer_protection(closing, after_ms=0)
    closing.close()  # rcdesk closed before the offer came: no dialog to keep it alive windowless
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()  # the offer's timer fires
    assert not hasattr(closing, "protect_dialog")
    from ui.security import security_action

    window.menuBar().actions()[0].menu().aboutToShow.emit()
    assert window.security_action.text() == "Cifrar la &base de datos…"
    from_menu = security_action(window)  # Archivo › «Cifrar la base de datos…»: the same dialog
    assert from_menu is window.protect_dialog and from_menu.later.text() == "&Cancelar"
    from_menu.later.click()
    assert _digest(path) == before
    ui_ctx.db.role = "hq"  # headquarters chooses in the assistant or the Archivo menu
    assert not offer_protection(_window(qtbot, ui_ctx), after_ms=0)


def test_change_passphrase_from_the_archivo_menu(qtbot, encrypted_db, tmp_path):
    from PySide6.QtCore import QSettings

    from rcdesk.db.database import Database
    from rcdesk.security import unlocked, vault
    from ui.security import security_action
    from ui.shell import UiContext
    from ui.tasks import SyncTaskRunner

    unlocked.remember(encrypted_db, vault.unlock(encrypted_db, RIGHT))
    db = Database.open(encrypted_db)
    ctx = UiContext(
        db=db, runner=SyncTaskRunner(), settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    )
    window = _window(qtbot, ctx)
    window.menuBar().actions()[0].menu().aboutToShow.emit()
    assert window.security_action.text() == "Cambiar la con&traseña…"
    dialog = security_action(window)
    key_file = vault.key_file(encrypted_db)
    before = _digest(key_file)
    dialog.old.setText("no es esta")
    dialog.new.first.setText(NEW)
    dialog.new.second.setText(NEW)
    dialog.change_button.click()
    assert dialog.error.text() == "La contraseña no es correcta." and _digest(key_file) == before
    dialog.old.setText(RIGHT)
    dialog.change_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    with pytest.raises(vault.WrongPassphrase):
        vault.unlock(encrypted_db, RIGHT)
    assert vault.unlock(encrypted_db, NEW) == unlocked.key_for(encrypted_db)
    window.close()
    db.close()


def test_at_start_a_plain_field_database_is_converted_on_the_worker(qtbot, quiet_start, demo_db_path, monkeypatch):
    """The real start-up and task runner: the offer comes over the window, the conversion runs on the
    worker with the day's copy taken first (and encrypted with the database), the window goes on."""
    from rcdesk.db.backup import list_backups
    from rcdesk.paths import AppPaths
    from rcdesk.security import unlocked

    def during(window, seen) -> None:
        qtbot.waitUntil(lambda: getattr(window, "protect_dialog", None) is not None, timeout=10000)
        dialog = window.protect_dialog
        dialog.fields.first.setText(RIGHT)
        dialog.fields.second.setText(RIGHT)
        dialog.encrypt_button.click()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=60000)
        seen["people"] = _people(window.ctx.db)
        window.close()

    seen = run_app(monkeypatch, demo_db_path, during)
    assert seen["code"] == 0 and seen["people"] > 0
    assert not demo_db_path.read_bytes().startswith(PLAIN_HEADER)
    copies = list_backups(AppPaths.for_database(demo_db_path).backups)
    assert copies and all(not c.path.read_bytes().startswith(PLAIN_HEADER) for c in copies)
    assert unlocked.key_for(demo_db_path) is not None


def test_headquarters_encrypts_only_when_it_ticks_the_box(qtbot, ui_ctx):
    from PySide6.QtWidgets import QWizard

    from rcdesk.security import vault
    from ui.first_start import run_first_start

    window = _window(qtbot, ui_ctx)
    path = ui_ctx.db.paths.database
    wizard = run_first_start(window)
    wizard.role_page.hq.setChecked(True)
    wizard.next()
    wizard.identity.entity.setText("Gobernación de Chimborazo")
    wizard.next()
    wizard.next()
    page, next_button = wizard.protect, wizard.button(QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is page and page.encrypt.isVisible() and next_button.isEnabled()
    page.encrypt.setChecked(True)
    assert page.fields.isEnabled() and not next_button.isEnabled()  # ticked: a passphrase is needed
    page.fields.first.setText(NEW)
    page.fields.second.setText(NEW)
    assert next_button.isEnabled()
    wizard.next()
    wizard.next_page.buttons["nothing"].setChecked(True)
    wizard.accept()
    assert ui_ctx.db.role == "hq" and not path.read_bytes().startswith(PLAIN_HEADER)
    assert vault.unlock(path, NEW)
