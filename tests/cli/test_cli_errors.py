"""Every refusal of the command line exits 2 with a Spanish message; English from the driver or
from Python never reaches the user, and a refused command changes nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from rcdesk.cli import main

ENGLISH = (
    "file is not a database",
    "database is locked",
    "unable to open",
    "Traceback",
    "sqlalche.me",
    "OperationalError",
    "DatabaseError",
    "invalid float value",
    "choose from",
    "usage:",
    "Errno",
)


def run(capsys, db: Path, *args: str) -> tuple[int, dict | None, str]:
    code = main(["--db", str(db), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def spanish_only(err: str) -> bool:
    return err.startswith(("Error: ", "uso: ")) and not any(e in err for e in ENGLISH)


@pytest.mark.parametrize(
    "content", [b"hola, esto es una hoja de notas\n", bytes(range(256)) * 8], ids=["texto", "binario"]
)
def test_db_option_on_a_file_that_is_not_a_database(capsys, tmp_path, content):
    notes = tmp_path / "notas.db"
    notes.write_bytes(content)
    for command in (["plan", "list"], ["init"], ["holidays", "list", "--country", "EC", "--year", "2026"]):
        code, out, err = run(capsys, notes, *command)
        assert code == 2 and out is None
        assert spanish_only(err) and "no es una base de datos de rcdesk" in err and str(notes) in err
    assert notes.read_bytes() == content  # refused untouched


def test_db_option_on_a_folder(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path, "plan", "list")
    assert code == 2 and spanish_only(err) and str(tmp_path) in err


def test_busy_database_gets_a_spanish_message_and_exit_2(capsys, tmp_path, monkeypatch):
    db = tmp_path / "r.db"
    assert run(capsys, db, "init", "--no-encrypt")[0] == 0
    from rcdesk.services.calendar import CalendarService

    def locked(*_a, **_k):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(CalendarService, "add_holiday", locked)
    code, out, err = run(capsys, db, "holidays", "add", "--country", "EC", "--date", "2026-08-11", "--name", "X")
    assert code == 2 and out is None and spanish_only(err) and "ocupada por otro programa" in err


def test_a_bug_is_reported_without_english_and_logged_without_its_text(capsys, tmp_path, monkeypatch):
    db = tmp_path / "r.db"
    assert run(capsys, db, "init", "--no-encrypt")[0] == 0
    from rcdesk.services.calendar import CalendarService

    def broken(*_a, **_k):
        raise KeyError("this English text belongs in the log")

    monkeypatch.setattr(CalendarService, "holidays", broken)
    code, _, err = run(capsys, db, "holidays", "list", "--country", "EC", "--year", "2026")
    assert code == 1
    assert err.startswith("Error inesperado (KeyError)") and "English" not in err
    from rcdesk.paths import AppPaths

    log = AppPaths.for_database(db).logs / "rcdesk.log"
    text = log.read_text(encoding="utf-8")
    # what failed and where, for support; never the error's text, which may quote a citizen's data (issue 16)
    assert str(log) in err and "KeyError" in text and "in broken" in text
    assert "this English text belongs in the log" not in text


def test_missing_input_file_exits_2_in_spanish(capsys, tmp_path, monkeypatch):
    db = tmp_path / "r.db"
    assert run(capsys, db, "init", "--no-encrypt")[0] == 0
    from rcdesk.services.calendar import CalendarService

    def missing(*_a, **_k):
        open(tmp_path / "no-existe.xlsx", "rb")

    monkeypatch.setattr(CalendarService, "holidays", missing)
    code, _, err = run(capsys, db, "holidays", "list", "--country", "EC", "--year", "2026")
    assert code == 2 and spanish_only(err) and "no-existe.xlsx" in err


def test_argument_errors_are_spanish(capsys, tmp_path):
    db = tmp_path / "r.db"
    for args, expected in (
        (["holidays", "list", "--country", "PE", "--year", "2026"], "elija entre"),
        (["holidays", "list", "--country", "EC", "--year", "dos mil"], "número entero no válido"),
        (["commitment", "followup", "abc", "--pct", "mucho"], "número no válido"),
        (["progress", "add"], "faltan los argumentos"),
    ):
        code, out, err = run(capsys, db, *args)
        assert code == 2 and out is None
        assert expected in err and not any(e in err for e in ENGLISH), err
    assert not db.exists()  # nothing was even opened


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["poa", "eval", "--year", "2025", "--gap"], "brecha"),
        (["commitment", "followup", "0" * 36, "--pct"], "Avance del compromiso"),
    ],
)
def test_other_numbers_from_the_command_line_refuse_nan_and_inf(capsys, tmp_path, args, field):
    db = tmp_path / "r.db"
    assert run(capsys, db, "init", "--no-encrypt")[0] == 0
    before = sqlite3.connect(db).execute("SELECT count(*) FROM audit_log").fetchone()
    for value in ("nan", "inf", "-inf", "1e400"):
        code, out, err = run(capsys, db, *args[:-1], f"{args[-1]}={value}")
        assert code == 2 and out is None and spanish_only(err) and field in err, (value, err)
    assert sqlite3.connect(db).execute("SELECT count(*) FROM audit_log").fetchone() == before


def test_package_import_with_a_refused_package_exits_2_and_lists_every_package(capsys, tmp_path):
    hq, field = tmp_path / "sede.db", tmp_path / "campo.db"
    run(capsys, hq, "init", "--role", "hq", "--name", "Sede")
    _, me, _ = run(capsys, field, "init", "--no-encrypt", "--name", "Técnico")
    base = tmp_path / "base.rcpaq"
    assert run(capsys, hq, "base", "export", "--installation", me["installation_id"], "--out", str(base))[0] == 0
    assert run(capsys, field, "base", "import", str(base))[0] == 0
    pkg = tmp_path / "p1.rcpaq"
    assert run(capsys, field, "package", "export", "--out", str(pkg))[0] == 0
    junk = tmp_path / "p2.rcpaq"
    junk.write_bytes(b"no soy un zip")

    code, out, err = run(capsys, hq, "package", "import", str(pkg), str(junk))
    assert code == 2
    assert sorted(r["file"] for r in out["reports"]) == ["p1.rcpaq", "p2.rcpaq"]
    assert [r["file"] for r in out["rejected"]] == ["p2.rcpaq"] and out["rejected"][0]["reason"]
    assert "Rechazado: p2.rcpaq" in err
    # the good package was still taken (it waits for the technician to be trusted)
    assert [q["file"] for q in out["quarantined"]] == ["p1.rcpaq"]
