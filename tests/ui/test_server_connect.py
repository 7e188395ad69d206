"""«Conectar a un servidor…»: the server is checked by connecting, remembered without its password,
and opened again at the next start once the password is given."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import make_url

from rcdesk.db import server_profile
from rcdesk.errors import UserError


@pytest.fixture
def user_data(tmp_path, monkeypatch):
    folder = tmp_path / "datos-usuario"
    monkeypatch.setattr("rcdesk.paths._user_data", lambda: folder)
    monkeypatch.delenv(server_profile.PASSWORD_ENV, raising=False)
    yield folder
    server_profile.use_password("")  # what a dialog handed to the driver stays in this test


def _fill(dlg, url: str, database: str | None = None, password: str = "secreto") -> None:
    u = make_url(url)
    dlg.host.setText(u.host)
    dlg.port.setValue(u.port)
    dlg.database.setText(database or u.database)
    dlg.user.setText(u.username)
    dlg.secret.setText(password)


def test_connecting_checks_the_server_and_remembers_it_without_the_password(qtbot, pg_url, user_data):
    from ui.dialogs.server_connect import ServerConnectDialog

    dlg = ServerConnectDialog()
    qtbot.addWidget(dlg)
    _fill(dlg, pg_url, database="no_existe_esta_base")
    dlg.connect_button.click()
    assert dlg.result() != dlg.DialogCode.Accepted and dlg.profile is None
    assert "no_existe_esta_base" in dlg.error.text() and "no existe" in dlg.error.text()

    _fill(dlg, pg_url)
    dlg.connect_button.click()
    assert dlg.result() == dlg.DialogCode.Accepted
    assert dlg.profile is not None and dlg.profile.url == pg_url and dlg.password == "secreto"
    saved = server_profile.save(dlg.profile)
    assert "secreto" not in saved.read_text("utf-8")
    assert set(json.loads(saved.read_text("utf-8"))) == {"host", "port", "database", "user"}
    assert server_profile.load() == dlg.profile


def test_bad_fields_are_named_in_spanish():
    with pytest.raises(UserError, match="«servidor»"):
        server_profile.checked("", 5432, "rcdesk", "sede")
    with pytest.raises(UserError, match="puerto «0»"):
        server_profile.checked("servidor", 0, "rcdesk", "sede")


def test_the_remembered_server_opens_at_start_once_the_password_is_given(qtbot, pg_url, user_data, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from ui.dialogs.server_connect import _without_db, remembered_server_url

    assert remembered_server_url() is None  # nothing remembered: this desktop's database
    u = make_url(pg_url)
    server_profile.save(server_profile.checked(u.host, u.port, u.database, u.username))
    asked: list[str] = []

    def give(parent, title, label, echo):
        asked.append(label)
        return "clave-de-la-sede", True

    monkeypatch.setattr(QInputDialog, "getText", give)
    assert remembered_server_url() == pg_url
    assert len(asked) == 1 and u.database in asked[0]
    # the restarted program inherits it from the environment and is not asked again
    assert remembered_server_url() == pg_url and len(asked) == 1
    assert _without_db(["--db", "/x.db", "-v", "--db=/y.db"]) == ["-v"]
