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
    assert "rcdesk.db.llave" in shown[0] and str(locked_file.parent) in shown[0]
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
