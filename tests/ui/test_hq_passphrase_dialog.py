"""The GUI asks headquarters' passphrase in a dialog (issue 11, item 4): a job on the worker thread
that needs the server's keys waits while the dialog is answered on the GUI thread; a wrong
passphrase is said in Spanish and asked again, three wrong ones end the job with a refusal (never a
crash report); «Conectar a un servidor…» has the first operator choose it."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from rcdesk.db import server_profile
from rcdesk.db.database import Database
from rcdesk.errors import UserError
from rcdesk.sync import hq_keys
from rcdesk.sync.keys import load_or_create
from tests.conftest import PG_HQ_PASSPHRASE


class Operator:
    """Answers every passphrase dialog with the next of `typed` (new ones: typed twice alike)."""

    def __init__(self, monkeypatch, *typed: str) -> None:
        from ui.hq_passphrase import PassphraseDialog

        self.typed, self.seen = list(typed), []

        def exec_(dlg) -> int:
            self.seen.append((dlg.request, dlg.error.text() if not dlg.error.isHidden() else ""))
            dlg.first.setText(self.typed.pop(0))
            dlg.second.setText(dlg.first.text())
            dlg._try()
            return dlg.result()

        monkeypatch.setattr(PassphraseDialog, "exec", exec_)


@pytest.fixture
def server_hq(pg_url, monkeypatch):
    """A server headquarters whose keys were sealed by its first operator; this desktop's process
    has no passphrase in its environment."""
    db = Database.open(pg_url, name="Sede Riobamba", role="hq")
    load_or_create(db)
    db.close()
    monkeypatch.delenv(hq_keys.PASSPHRASE_ENV)
    previous = hq_keys.set_asker(None)
    yield pg_url
    hq_keys.set_asker(previous)


def _job_on_worker(qtbot, url: str) -> tuple[list, list]:
    from ui.tasks import TaskRunner

    runner = TaskRunner()  # installs the dialog as the way to ask
    db = Database.open(url)
    done, failed = [], []
    try:
        runner.run(
            lambda _p, _c: load_or_create(db).sign_public,
            title="Consolidando…",
            on_done=done.append,
            on_error=failed.append,
        )
        qtbot.waitUntil(lambda: bool(done or failed), timeout=30000)
    finally:
        runner.shutdown()
        db.close()
    return done, failed


def test_a_job_on_the_worker_asks_in_a_dialog_and_a_wrong_passphrase_is_asked_again(qtbot, server_hq, monkeypatch):
    operator = Operator(monkeypatch, "no es esta", PG_HQ_PASSPHRASE)
    done, failed = _job_on_worker(qtbot, server_hq)
    assert failed == [] and len(done) == 1
    assert [error for _, error in operator.seen] == ["", f"{hq_keys.WRONG} Intento 2 de {hq_keys.TRIES}."]
    assert not operator.seen[0][0].new


def test_three_wrong_passphrases_end_the_job_with_a_spanish_refusal(qtbot, server_hq, monkeypatch):
    Operator(monkeypatch, "mala 1", "mala 2", "mala 3")
    done, failed = _job_on_worker(qtbot, server_hq)
    assert done == [] and len(failed) == 1
    assert isinstance(failed[0], UserError)  # a warning box, not the crash report (ui/tasks.show_error)
    assert "no es correcta" in str(failed[0]) and "No se ha modificado nada" in str(failed[0])


def test_a_new_passphrase_is_typed_twice_and_checked_in_the_dialog(qtbot):
    from ui.hq_passphrase import PassphraseDialog

    dlg = PassphraseDialog(hq_keys.Request(True, "crear las claves de la sede en el servidor"))
    qtbot.addWidget(dlg)
    assert not dlg.second.isHidden()
    dlg.first.setText("corta")
    dlg.second.setText("corta")
    dlg._try()
    assert dlg.result() != dlg.DialogCode.Accepted and dlg.error.text() == hq_keys.TOO_SHORT
    dlg.first.setText("frase de la sede 2027")
    dlg.second.setText("frase de la sede 2026")
    dlg._try()
    assert dlg.result() != dlg.DialogCode.Accepted and dlg.error.text() == hq_keys.MISMATCH
    dlg.second.setText("frase de la sede 2027")
    dlg._try()
    assert dlg.result() == dlg.DialogCode.Accepted and dlg.value == "frase de la sede 2027"


def _profile(url: str) -> server_profile.ServerProfile:
    u = make_url(url)
    return server_profile.checked(u.host, u.port, u.database, u.username)


def test_connecting_to_a_server_without_keys_has_the_passphrase_chosen(qtbot, pg_url, monkeypatch):
    from ui.hq_passphrase import choose_on_connect

    monkeypatch.delenv(hq_keys.PASSPHRASE_ENV)
    operator = Operator(monkeypatch, "la frase que elige Ana")
    choose_on_connect(None, _profile(pg_url), "")
    assert [r.new for r, _ in operator.seen] == [True]
    import os

    assert os.environ[hq_keys.PASSPHRASE_ENV] == "la frase que elige Ana"  # for the restarted program
    db = Database.open(pg_url, name="Sede Riobamba", role="hq")  # what the restarted program does
    try:
        load_or_create(db)
    finally:
        db.close()
    assert hq_keys.server_keys_state(_profile(pg_url), "") == "sealed"


def test_connecting_to_a_server_whose_keys_are_sealed_asks_nothing_yet(qtbot, server_hq, monkeypatch):
    from ui.hq_passphrase import choose_on_connect

    operator = Operator(monkeypatch)
    choose_on_connect(None, _profile(server_hq), "")
    assert operator.seen == []


def test_the_keys_tab_of_a_server_changes_the_passphrase(qtbot, server_hq, monkeypatch, tmp_path):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox, QPushButton

    from ui.hq_passphrase import install
    from ui.pages.sync import SyncPage
    from ui.shell import UiContext
    from ui.tasks import SyncTaskRunner

    install()  # what the application's task runner does
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    db = Database.open(server_hq)
    try:
        settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
        ctx = UiContext(db=db, runner=SyncTaskRunner(), settings=settings)
        page = SyncPage(ctx)
        qtbot.addWidget(page)
        (button,) = [b for b in page.findChildren(QPushButton) if "frase de paso de la sede" in b.text()]
        operator = Operator(monkeypatch, PG_HQ_PASSPHRASE, "la frase nueva de la sede")
        button.click()
        assert [r.new for r, _ in operator.seen] == [False, True]
        assert told and "nueva frase de paso" in told[0]
    finally:
        db.close()
    monkeypatch.setenv(hq_keys.PASSPHRASE_ENV, "la frase nueva de la sede")
    other = Database.open(server_hq)
    try:
        load_or_create(other)
    finally:
        other.close()


def test_a_file_database_has_no_headquarters_passphrase_button(qtbot, ui_ctx):
    from PySide6.QtWidgets import QPushButton

    from ui.pages.sync import SyncPage

    page = SyncPage(ui_ctx)
    qtbot.addWidget(page)
    assert not [b for b in page.findChildren(QPushButton) if "frase de paso de la sede" in b.text()]
