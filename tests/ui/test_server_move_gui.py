"""«Mover esta sede a un servidor…»: the connection dialog offers it to a headquarters kept in this
desktop's file, and the move runs through the task runner, with Cancelar leaving the server empty."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import tests.cli.test_hq_engines as hq
from rcdesk.db import server_profile


@pytest.fixture
def hq_ctx(qtbot, hq_demo, tmp_path):
    from PySide6.QtCore import QSettings

    from rcdesk.db.database import Database
    from ui.shell import UiContext
    from ui.tasks import SyncTaskRunner

    path = hq.copy_file_database(hq_demo[0], tmp_path / "sede.db")
    database = Database.open(path)
    yield UiContext(
        db=database, runner=SyncTaskRunner(), settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    )
    database.close()
    server_profile.use_password("")


PASSPHRASE = "frase de la sede de pruebas"


@pytest.fixture
def chosen(monkeypatch) -> list:
    """The passphrase dialog (ui/hq_passphrase.py) answers PASSPHRASE; what it was asked, kept."""
    asked: list = []
    monkeypatch.delenv("RCDESK_HQ_PASSPHRASE", raising=False)

    def ask(request, parent=None):
        asked.append(request)
        return PASSPHRASE

    monkeypatch.setattr("ui.hq_passphrase.ask_in_dialog", ask)
    return asked


@pytest.fixture
def answers(monkeypatch):
    """Every question answered Yes except «¿Abrir rcdesk ahora en el servidor?»; what was said, kept."""
    said: list[str] = []

    def question(parent, title, message, *a, **k):
        said.append(message)
        return QMessageBox.StandardButton.No if "¿Abrir rcdesk" in message else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, message, *a, **k: said.append(message))
    return said


def _profile(url: str) -> server_profile.ServerProfile:
    u = make_url(url)
    return server_profile.checked(u.host or "", u.port or 5432, u.database or "", u.username or "")


def _count(url: str, table: str) -> int | None:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            if not c.execute(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": table}).scalar():
                return None
            return int(c.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
    finally:
        engine.dispose()


def test_the_dialog_offers_the_move_only_to_a_headquarters_file(qtbot, hq_ctx, demo_ctx):
    from ui.dialogs.server_connect import ServerConnectDialog, can_move_to_server

    assert can_move_to_server(hq_ctx.db) and not can_move_to_server(demo_ctx.db)  # the demo is a field laptop
    dlg = ServerConnectDialog(None, None, can_move=True)
    qtbot.addWidget(dlg)
    assert dlg.move_button is not None and "Mover esta sede" in dlg.move_button.text()
    dlg.move_button.click()  # empty fields: refused in the dialog, nothing requested
    assert not dlg.move_requested and "Falta" in dlg.error.text()


def test_moving_through_the_task_runner_copies_the_whole_headquarters(qtbot, hq_ctx, blank_pg_url, answers, chosen):
    from rcdesk.sync import hq_keys
    from ui.dialogs.server_connect import move_to_server

    parent = QWidget()
    qtbot.addWidget(parent)
    with hq_ctx.db.read() as conn:
        activities = conn.execute("SELECT count(*) FROM plan_activity").fetchone()[0]
    move_to_server(parent, hq_ctx, _profile(blank_pg_url), "", remember=False)
    assert _count(blank_pg_url, "plan_activity") == activities
    assert "La sede se copió al servidor" in answers[-1]
    assert len(chosen) == 1 and chosen[0].new  # a new passphrase, asked twice by the dialog
    engine = create_engine(blank_pg_url)
    try:
        with engine.connect() as c:
            stored = [r[0] for r in c.execute(text("SELECT private_pem FROM sync_key"))]
    finally:
        engine.dispose()
    assert len(stored) == 2 and all(hq_keys.is_sealed(x) for x in stored)


def test_cancelar_leaves_the_server_empty(qtbot, hq_ctx, blank_pg_url, answers, chosen):
    from ui.dialogs.server_connect import move_to_server

    parent = QWidget()
    qtbot.addWidget(parent)
    hq_ctx.runner.cancel_next = True
    move_to_server(parent, hq_ctx, _profile(blank_pg_url), "", remember=False)
    assert "Traslado cancelado" in answers[-1]
    assert _count(blank_pg_url, "plan_activity") is None  # no table at all: the server database is as it was


def test_no_passphrase_no_move(qtbot, hq_ctx, blank_pg_url, answers, monkeypatch):
    from ui.dialogs.server_connect import move_to_server

    monkeypatch.delenv("RCDESK_HQ_PASSPHRASE", raising=False)
    monkeypatch.setattr("ui.hq_passphrase.ask_in_dialog", lambda request, parent=None: None)
    parent = QWidget()
    qtbot.addWidget(parent)
    move_to_server(parent, hq_ctx, _profile(blank_pg_url), "", remember=False)
    assert _count(blank_pg_url, "plan_activity") is None
