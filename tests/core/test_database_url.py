"""`--db` and RCDESK_DB name a file or a server URL; anything else is refused, never turned into a file."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from rcdesk.cli import main
from rcdesk.errors import UserError
from rcdesk.paths import AppPaths, mask_password, parse_target


def _run(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(args)
    return code, err.getvalue()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("postgresql://ana@servidor/rcdesk", "postgresql+psycopg://ana@servidor/rcdesk"),
        ("postgres://servidor:5433/rcdesk", "postgresql+psycopg://servidor:5433/rcdesk"),
        ("postgresql+psycopg://ana:secreto@servidor/rcdesk", "postgresql+psycopg://ana:secreto@servidor/rcdesk"),
    ],
)
def test_server_urls_are_normalized_to_psycopg(typed, expected):
    assert parse_target(typed) == expected


def test_sqlite_url_and_plain_paths_are_files(tmp_path):
    assert parse_target(f"sqlite:///{tmp_path}/a.db") == tmp_path / "a.db"
    assert parse_target(str(tmp_path / "b.db")) == tmp_path / "b.db"
    assert parse_target(r"C:\datos\rcdesk.db") == Path(r"C:\datos\rcdesk.db")


def test_password_never_shown():
    paths = AppPaths.for_target("postgresql://ana:secreto@servidor:5433/rcdesk")
    assert "secreto" not in paths.display and "secreto" not in str(paths.data)
    assert paths.data.name == "servidor-5433-rcdesk"
    assert mask_password("postgresql+psycopg://ana:x@h/db") == "postgresql+psycopg://ana:***@h/db"


@pytest.mark.parametrize("typed", ["mysql://root@servidor/rcdesk", "mssql+pyodbc://servidor/rcdesk", "http://x/y"])
def test_unknown_scheme_refused_in_spanish_and_nothing_created(tmp_path, monkeypatch, typed):
    monkeypatch.chdir(tmp_path)
    code, err = _run(["--db", typed, "init", "--no-encrypt"])
    assert code == 2
    assert "Tipo de base de datos no admitido" in err
    assert list(tmp_path.iterdir()) == []  # no «mysql:» folder with an SQLite file in it
    with pytest.raises(UserError):
        AppPaths.for_target(typed)


def test_environment_variable_takes_a_url_too(monkeypatch):
    monkeypatch.setenv("RCDESK_DB", "mysql://servidor/rcdesk")
    with pytest.raises(UserError, match="no admitido"):
        AppPaths.default()
    monkeypatch.setenv("RCDESK_DB", "postgresql://servidor/rcdesk")
    assert AppPaths.default().url == "postgresql+psycopg://servidor/rcdesk"


def test_unreachable_server_is_a_spanish_refusal(tmp_path, monkeypatch):
    monkeypatch.setattr("rcdesk.paths._user_data", lambda: tmp_path / "datos")
    # port 9 on this machine: nothing listens, the connection is refused at once
    code, err = _run(["--db", "postgresql://nadie@127.0.0.1:9/rcdesk", "init"])
    assert code == 2
    assert "No se puede conectar con el servidor de base de datos" in err
    assert "127.0.0.1" in err
