"""Claves tab: a field laptop sees whether its recovery copy reached headquarters; headquarters
gives a technician's database a new passphrase with «Recuperar base de un técnico…» (issue 16)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QMessageBox

from rcdesk.db.database import Database
from rcdesk.security import setup, unlocked, vault
from rcdesk.services.sync import SyncService
from tests.core.sync_world import World
from tests.core.test_recovery import FIELD_PASSPHRASE, KEYS_PASSPHRASE, NEW_PASSPHRASE, attendees

pytestmark = pytest.mark.ui


def _ctx(db, tmp_path, name):
    from PySide6.QtCore import QSettings

    from ui.shell import UiContext
    from ui.tasks import SyncTaskRunner

    return UiContext(
        db=db, runner=SyncTaskRunner(), settings=QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    )


@pytest.fixture
def pair(tmp_path, qtbot):
    hq = Database.open(tmp_path / "sede" / "rcdesk.db", name="Sede Riobamba", role="hq")
    path = tmp_path / "campo" / "rcdesk.db"
    path.parent.mkdir()
    field = setup.create_encrypted(path, FIELD_PASSPHRASE, name="Técnico Guano", role="field")
    s = SimpleNamespace(hq=hq, field=field, path=path, H=SyncService(hq), F=SyncService(field), usb=tmp_path)
    s.ids = World.seed_hq(SimpleNamespace(hq=hq))
    try:
        yield s
    finally:
        hq.close()
        field.close()
        unlocked.forget_all()


def test_field_claves_tab_tells_whether_the_recovery_copy_was_sent(pair, tmp_path, qtbot):
    from ui.pages.sync import SyncPage

    s = pair
    page = SyncPage(_ctx(s.field, tmp_path, "campo"))
    qtbot.addWidget(page)
    assert page.recovery_label.text().startswith("Copia de recuperación: pendiente: se preparará")
    base = tmp_path / "base.rcpaq"
    s.H.export_base(s.field.installation_id, base)
    s.F.import_packages([base])
    page.refresh()
    assert page.recovery_label.text() == "Copia de recuperación: pendiente: se enviará con el próximo paquete."
    s.F.export_package(tmp_path / "campo-1.rcpaq")
    page.refresh()
    assert page.recovery_label.text().startswith("Copia de recuperación: enviada a la sede el ")
    hq_page = SyncPage(_ctx(s.hq, tmp_path, "sede"))
    qtbot.addWidget(hq_page)
    assert hq_page.recovery_label.text() == "" and hq_page.btn_recover.isEnabled()


def test_headquarters_recovers_a_technicians_database_from_the_claves_tab(pair, tmp_path, qtbot, monkeypatch):
    from ui.dialogs.recover_database import RecoverDatabaseDialog
    from ui.pages.sync import SyncPage

    s = pair
    base = tmp_path / "base.rcpaq"
    s.H.export_base(s.field.installation_id, base)
    s.F.import_packages([base])
    World.add_attendance(None, s.field, s.ids["event"])
    pkg = tmp_path / "campo-1.rcpaq"
    s.F.export_package(pkg)
    s.H.import_packages([pkg])
    s.H.trust(s.field.installation_id)
    claves = s.H.export_keys(tmp_path / "claves.json", KEYS_PASSPHRASE)
    s.field.close()
    unlocked.forget_all()

    page = SyncPage(_ctx(s.hq, tmp_path, "sede"))
    qtbot.addWidget(page)
    opened = []
    monkeypatch.setattr(RecoverDatabaseDialog, "exec", lambda self: opened.append(self) or 0)
    page.btn_recover.click()
    dlg = opened[0]
    qtbot.addWidget(dlg)
    assert dlg.own_keys.isChecked() and dlg.own_keys.isEnabled()  # this installation is headquarters
    warnings, infos = [], []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: infos.append(a[2]))

    dlg.file_edit.setText(str(s.path))
    dlg.new1.setText(NEW_PASSPHRASE)
    dlg.new2.setText(NEW_PASSPHRASE + "x")
    dlg.recover()
    assert warnings[-1] == "Las dos contraseñas nuevas no coinciden." and not infos

    # the exported keys with a wrong passphrase: refused, the dialog stays open to correct it
    dlg.export_keys.setChecked(True)
    assert dlg.keys_edit.isEnabled()
    dlg.keys_edit.setText(str(claves))
    dlg.keys_phrase.setText("no es la frase")
    dlg.new2.setText(NEW_PASSPHRASE)
    before = vault.key_file(s.path).read_bytes()
    dlg.recover()
    assert "frase de paso" in warnings[-1] and not infos and dlg.result() == 0
    assert vault.key_file(s.path).read_bytes() == before

    # the key file lost too: this headquarters' own keys and the copy its database keeps
    vault.key_file(s.path).unlink()
    dlg.own_keys.setChecked(True)
    dlg.installation.setText(s.field.installation_id)
    dlg.recover()
    assert infos and infos[-1].startswith("Base recuperada") and "copia guardada en la sede" in infos[-1]
    assert len(attendees(s.path, NEW_PASSPHRASE)) == 3


def test_every_shortcut_label_of_the_recovery_dialog_names_its_field(db, qtbot):
    """A label written with «&» and no field behind it shows the «&» to the user (it did beside the
    two file rows) and its Alt shortcut goes nowhere."""
    from types import SimpleNamespace

    from PySide6.QtWidgets import QLabel

    from ui.dialogs.recover_database import RecoverDatabaseDialog

    dialog = RecoverDatabaseDialog(SimpleNamespace(db=db))
    qtbot.addWidget(dialog)
    labels = [w for w in dialog.findChildren(QLabel) if "&" in w.text()]
    assert len(labels) >= 6
    assert all(w.buddy() is not None for w in labels), [w.text() for w in labels if w.buddy() is None]
