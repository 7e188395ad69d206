"""The command line and encrypted databases (issue 16): `init` encrypts field installations, the
passphrase comes from RCDESK_PASSPHRASE or a prompt, a wrong one changes nothing, and a passphrase
change or a conversion killed mid-way leaves a database that opens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rcdesk.cli import main
from rcdesk.db import driver
from rcdesk.security import unlocked, vault

PASS = "río Napo 2026"
NEW = "cascada Peguche 7"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ("RCDESK_PASSPHRASE", "RCDESK_NEW_PASSPHRASE", "RCDESK_DB"):
        monkeypatch.delenv(name, raising=False)
    yield
    unlocked.forget_all()


def run(capsys, db: Path | str, *args: str) -> tuple[int, dict | None, str]:
    unlocked.forget_all()  # every command is a new process for the user
    code = main(["--db", str(db), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _init(capsys, monkeypatch, db: Path) -> dict:
    monkeypatch.setenv("RCDESK_PASSPHRASE", PASS)
    code, out, err = run(capsys, db, "init", "--name", "Técnico Guano")
    assert code == 0, err
    monkeypatch.delenv("RCDESK_PASSPHRASE")
    return out


def test_a_field_installation_is_encrypted_by_default_and_headquarters_is_not(capsys, monkeypatch, tmp_path):
    out = _init(capsys, monkeypatch, tmp_path / "campo.db")
    assert out["encrypted"] is True and driver.is_encrypted(tmp_path / "campo.db")
    assert vault.installation_of(tmp_path / "campo.db") == out["installation_id"]
    code, hq, _ = run(capsys, tmp_path / "sede.db", "init", "--role", "hq", "--name", "Sede")
    assert code == 0 and hq["encrypted"] is False
    code, plain, _ = run(capsys, tmp_path / "plano.db", "init", "--no-encrypt")
    assert code == 0 and plain["encrypted"] is False and not vault.key_file(tmp_path / "plano.db").exists()


def test_a_new_field_database_without_a_passphrase_is_not_created(capsys, tmp_path):
    code, out, err = run(capsys, tmp_path / "campo.db", "init")
    assert code == 2 and out is None and "--no-encrypt" in err and "RCDESK_PASSPHRASE" in err
    assert list(tmp_path.glob("campo.db*")) == []


def test_a_weak_passphrase_is_refused(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("RCDESK_PASSPHRASE", "corta")
    code, _, err = run(capsys, tmp_path / "campo.db", "init")
    assert code == 2 and "al menos 8 caracteres" in err
    assert list(tmp_path.glob("campo.db*")) == []


def test_locked_or_wrong_passphrase_exits_2_and_changes_nothing(capsys, monkeypatch, tmp_path):
    db = tmp_path / "campo.db"
    _init(capsys, monkeypatch, db)
    before = _files(tmp_path)
    code, out, err = run(capsys, db, "event", "list")
    assert code == 2 and out is None and "está cifrada" in err and "RCDESK_PASSPHRASE" in err
    monkeypatch.setenv("RCDESK_PASSPHRASE", "no es la contraseña")
    for command in (["event", "list"], ["backup"], ["passphrase", "change"], ["init", "--name", "Otro"]):
        monkeypatch.setenv("RCDESK_NEW_PASSPHRASE", NEW)
        code, out, err = run(capsys, db, *command)
        assert code == 2 and out is None and "La contraseña no es correcta." in err, command
        assert "Traceback" not in err and "no es la contraseña" not in err
    assert _files(tmp_path) == before
    monkeypatch.setenv("RCDESK_PASSPHRASE", PASS)
    code, out, _ = run(capsys, db, "event", "list")
    assert code == 0


def test_the_prompt_gives_three_tries(capsys, monkeypatch, tmp_path):
    db = tmp_path / "campo.db"
    _init(capsys, monkeypatch, db)
    import rcdesk.cli.passphrase as cli_pass

    monkeypatch.setattr(cli_pass, "_interactive", lambda: True)
    answers = iter(["mala uno", "mala dos", PASS])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _, err = run(capsys, db, "event", "list")
    assert code == 0 and err.count("La contraseña no es correcta") == 2
    answers = iter(["mala uno", "mala dos", "mala tres", PASS])
    code, _, err = run(capsys, db, "event", "list")
    assert code == 2 and "3 intentos" in err


def test_passphrase_change_then_only_the_new_one_opens(capsys, monkeypatch, tmp_path):
    db = tmp_path / "campo.db"
    _init(capsys, monkeypatch, db)
    monkeypatch.setenv("RCDESK_PASSPHRASE", PASS)
    monkeypatch.setenv("RCDESK_NEW_PASSPHRASE", NEW)
    code, _, err = run(capsys, db, "passphrase", "change")
    assert code == 0, err
    assert run(capsys, db, "event", "list")[0] == 2
    monkeypatch.setenv("RCDESK_PASSPHRASE", NEW)
    assert run(capsys, db, "event", "list")[0] == 0


# A child process that kills itself (SIGKILL: no cleanup, no finally) at one step of a command.
_KILLER = """
import importlib, os, signal, sys
target = importlib.import_module({module!r})
real = getattr(target, {name!r})
calls = 0
def killed(*a, **k):
    global calls
    if {suffix!r} and not str(a[1]).endswith({suffix!r}):
        return real(*a, **k)
    calls += 1
    if {before} and calls == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    out = real(*a, **k)
    if not {before} and calls == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return out
setattr(target, {name!r}, killed)
from rcdesk.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _killed(tmp_path: Path, env: dict, where: tuple[str, str, bool, str], args: list[str]) -> int:
    """Run `rcdesk ARGS` in a child killed before (or after) the first call of `module.name`
    (whose second argument ends with `suffix`, when given)."""
    module, name, before, suffix = where
    script = tmp_path / "killer.py"
    script.write_text(_KILLER.format(module=module, name=name, before=before, suffix=suffix))
    full = {**os.environ, **env}
    done = subprocess.run([sys.executable, str(script), *args], env=full, capture_output=True, text=True, timeout=300)
    return done.returncode


def _opens_with(capsys, monkeypatch, db: Path, passphrase: str) -> bool:
    monkeypatch.setenv("RCDESK_PASSPHRASE", passphrase)
    code, _, _ = run(capsys, db, "event", "list")
    return code == 0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("before", [True, False], ids=["antes-de-reemplazar", "despues-de-reemplazar"])
def test_a_passphrase_change_killed_midway_opens_with_the_old_or_the_new(capsys, monkeypatch, tmp_path, before):
    db = tmp_path / "campo.db"
    _init(capsys, monkeypatch, db)
    env = {"RCDESK_PASSPHRASE": PASS, "RCDESK_NEW_PASSPHRASE": NEW}
    code = _killed(tmp_path, env, ("os", "replace", before, ".llave"), ["--db", str(db), "passphrase", "change"])
    assert code == -9
    old, new = _opens_with(capsys, monkeypatch, db, PASS), _opens_with(capsys, monkeypatch, db, NEW)
    assert old != new and (old if before else new)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("step", ["export", "swap", "backups"])
def test_a_conversion_killed_midway_still_opens_and_finishes_later(capsys, monkeypatch, tmp_path, step):
    db = tmp_path / "campo.db"
    assert run(capsys, db, "init", "--no-encrypt")[0] == 0
    assert run(capsys, db, "backup")[0] == 0
    where = {
        "export": ("rcdesk.db.driver", "export_encrypted", False, ""),  # exported, not yet swapped in
        "swap": ("os", "replace", False, "campo.db"),  # swapped, plain bytes not blanked
        "backups": ("rcdesk.security.convert", "encrypt_backups", True, ""),  # database done, copies not
    }[step]
    code = _killed(tmp_path, {"RCDESK_NEW_PASSPHRASE": PASS}, where, ["--db", str(db), "passphrase", "set"])
    assert code == -9
    # whatever the step, the database opens (plain before the swap, with the passphrase after)
    assert _opens_with(capsys, monkeypatch, db, PASS)
    monkeypatch.setenv("RCDESK_NEW_PASSPHRASE", PASS)
    code, out, err = run(capsys, db, "passphrase", "set")
    if step == "export":
        assert code == 0 and out["encrypted"] is True, err
    else:  # already encrypted: the first command's unlock above finished the conversion
        assert code == 2 and "ya está cifrada" in err
    backups = sorted((tmp_path / "campo-archivos" / "copias").glob("*.db"))
    assert backups and all(driver.is_encrypted(b) for b in backups)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith((".cifrando", ".tmp"))]


def test_passphrase_set_converts_and_refuses_twice(capsys, monkeypatch, tmp_path):
    db = tmp_path / "campo.db"
    assert run(capsys, db, "init", "--no-encrypt", "--name", "Técnico")[0] == 0
    code, _, err = run(capsys, db, "passphrase", "set")
    assert code == 2 and "RCDESK_NEW_PASSPHRASE" in err and not driver.is_encrypted(db)
    monkeypatch.setenv("RCDESK_NEW_PASSPHRASE", PASS)
    code, out, err = run(capsys, db, "passphrase", "set")
    assert code == 0 and out["encrypted"] and driver.is_encrypted(db), err
    code, _, err = run(capsys, db, "passphrase", "set")
    assert code == 2 and "ya está cifrada" in err
    assert _opens_with(capsys, monkeypatch, db, PASS)


def test_a_server_database_is_never_encrypted_by_rcdesk(capsys, monkeypatch, tmp_path):
    url = "postgresql://nadie@127.0.0.1:9/rcdesk"  # nothing listens there: refused before connecting
    code, out, err = run(capsys, url, "init", "--encrypt")
    assert code == 2 and out is None and "servidor PostgreSQL" in err and "No se ha cambiado nada" in err
    monkeypatch.setenv("RCDESK_NEW_PASSPHRASE", PASS)
    for command in (["passphrase", "set"], ["passphrase", "change"]):
        code, _, err = run(capsys, url, *command)
        assert code == 2 and "servidor PostgreSQL" in err


def test_init_encrypt_on_an_existing_plain_database_points_to_passphrase_set(capsys, monkeypatch, tmp_path):
    db = tmp_path / "campo.db"
    assert run(capsys, db, "init", "--no-encrypt")[0] == 0
    before = db.read_bytes()
    code, _, err = run(capsys, db, "init", "--encrypt")
    assert code == 2 and "rcdesk passphrase set" in err and db.read_bytes() == before


def test_an_encrypted_headquarters_file_moves_to_a_server_decrypted(hq_demo, blank_pg_url, tmp_path, monkeypatch):
    """`server move` reads an encrypted file with its key and stores its evidence in clear on the
    server (the server's own protection applies there)."""
    import hashlib

    from rcdesk.db import shared_blobs
    from rcdesk.db.database import Database
    from rcdesk.paths import AppPaths
    from rcdesk.security import convert
    from tests.cli.test_hq_engines import copy_file_database
    from tests.cli.test_hq_engines import run as run_quiet

    path = copy_file_database(hq_demo[0], tmp_path / "sede.db")
    store = AppPaths.for_database(path).evidence
    good = b"%PDF-1.4 acta firmada por la asamblea"
    sha = hashlib.sha256(good).hexdigest()
    (store / sha[:2]).mkdir(parents=True, exist_ok=True)
    (store / sha[:2] / f"{sha}.pdf").write_bytes(good)
    convert.encrypt_database(path, PASS)
    assert driver.is_encrypted(path) and good not in (store / sha[:2] / f"{sha}.pdf").read_bytes()
    unlocked.forget_all()
    monkeypatch.setenv("RCDESK_HQ_PASSPHRASE", "frase de la sede de pruebas")
    assert run_quiet(path, "server", "move", "--to", blank_pg_url)[0] == 2  # locked: nothing moved
    monkeypatch.setenv("RCDESK_PASSPHRASE", PASS)
    code, out, err = run_quiet(path, "server", "move", "--to", blank_pg_url)
    assert code == 0, err
    assert out["evidence_files"] == 1 and out["total_rows"] > 5000
    db = Database.open(blank_pg_url)
    try:
        fetched = shared_blobs.fetch(db, sha)
        assert fetched is not None and fetched.read_bytes() == good
    finally:
        db.close()


def test_backup_and_restore_of_an_encrypted_database(capsys, monkeypatch, tmp_path):
    db = tmp_path / "campo.db"
    _init(capsys, monkeypatch, db)
    monkeypatch.setenv("RCDESK_PASSPHRASE", PASS)
    code, out, err = run(capsys, db, "backup")
    assert code == 0, err
    copy = Path(out["backup"])
    assert driver.is_encrypted(copy) and vault.key_file(copy).exists()
    code, created, _ = run(capsys, db, "event", "create", "--title", "Asamblea", "--date", "2026-05-20")
    assert code == 0
    code, out, err = run(capsys, db, "restore", str(copy))
    assert code == 0, err
    code, events, _ = run(capsys, db, "event", "list")
    assert code == 0 and events["events"] == []
    assert driver.is_encrypted(db) and driver.is_encrypted(Path(out["safety_backup"]))


def test_a_lost_key_file_is_named_and_nothing_is_touched(capsys, monkeypatch, tmp_path):
    db = tmp_path / "campo.db"
    _init(capsys, monkeypatch, db)
    vault.key_file(db).rename(tmp_path / "guardada.llave")
    before = _files(tmp_path)
    monkeypatch.setenv("RCDESK_PASSPHRASE", PASS)
    code, out, err = run(capsys, db, "event", "list")
    assert code == 2 and out is None and "Falta el archivo de llave" in err and "campo.db.llave" in err
    assert _files(tmp_path) == before
