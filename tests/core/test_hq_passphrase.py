"""Headquarters' private keys on a server are sealed under a passphrase (issue 11, item 4).

Whoever can read the server database must not find the keys that sign receipts and open every
package's personal data; every operator who consolidates types the passphrase once per program
run (or sets RCDESK_HQ_PASSPHRASE), and a wrong one changes nothing.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from rcdesk.cli import main
from rcdesk.db.database import Database
from rcdesk.services.sync import SyncService
from rcdesk.sync import hq_keys
from rcdesk.sync.keys import KeyRing, fingerprint, load_or_create
from tests.conftest import PG_HQ_PASSPHRASE
from tests.core.sync_world import World, dump

ENV = hq_keys.PASSPHRASE_ENV


def run(target: Path | str, *args: str) -> tuple[int, dict | None, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", str(target), "--json", *args])
    return code, (json.loads(out.getvalue()) if out.getvalue().strip() else None), err.getvalue()


class Terminal:
    """An operator at a terminal typing `answers` to rcdesk's prompts, in order."""

    def __init__(self, monkeypatch, *answers: str) -> None:
        self.answers, self.prompts = list(answers), []
        monkeypatch.setattr("sys.stdin.isatty", lambda: True)
        monkeypatch.setattr("getpass.getpass", self.type)

    def type(self, prompt: str = "") -> str:
        self.prompts.append(prompt)
        return self.answers.pop(0)


def key_secrets(ring: KeyRing) -> list[bytes]:
    """Every form a clear private key could take in a row: raw, PKCS#8 DER, PEM, base64, hex."""
    out = []
    for key in (ring.sign_key, ring.enc_key):
        raw = key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        out += [raw, der, base64.b64encode(raw), base64.b64encode(der), raw.hex().encode(), b"PRIVATE KEY"]
    return out


def stored_bytes(db: Database) -> bytes:
    with db.connect(write=False) as conn:
        rows = conn.exec_driver_sql("SELECT kind, private_pem, public_b64, created_at FROM sync_key").all()
    assert len(rows) == 2
    return repr(rows).encode() + b"".join(str(r[1]).encode() for r in rows)


@pytest.fixture
def world(tmp_path, pg_url):
    """Headquarters on the server (keys made by its first operator, passphrase PG_HQ_PASSPHRASE),
    laptop A joined, and a package of A waiting on the «USB»."""
    w = World(tmp_path, pg_url)
    w.ids = w.seed_hq()
    w.join(w.a, w.A)
    w.add_attendance(w.a, w.ids["event"], 2)
    w.pending = w.send(w.A)
    yield w
    w.close()


def test_the_server_holds_no_clear_private_key_and_no_desktop_file(world, pg_url):
    ring = load_or_create(world.hq)
    data = stored_bytes(world.hq)
    assert hq_keys.SEALED_PREFIX.encode() in data
    for secret in key_secrets(ring):
        assert secret not in data
    keys_dir = world.hq.paths.keys
    assert not keys_dir.exists() or not any(keys_dir.iterdir())


def test_consolidation_asks_the_passphrase_and_works_with_the_right_one(world, pg_url, monkeypatch):
    monkeypatch.delenv(ENV)
    operator = Terminal(monkeypatch, "una frase equivocada", PG_HQ_PASSPHRASE)
    code, out, err = run(pg_url, "package", "import", str(world.pending))
    assert code == 0, err
    assert [p["status"] for p in out["reports"]] == ["consolidado"]
    assert operator.prompts == ["Frase de paso de la sede: "] * 2
    assert hq_keys.WRONG in err  # told why it was asked again


def test_a_wrong_passphrase_refuses_with_exit_2_and_changes_nothing(world, pg_url, monkeypatch):
    before = dump(world.hq)
    monkeypatch.delenv(ENV)
    Terminal(monkeypatch, "mala 1", "mala 2", "mala 3")
    code, out, err = run(pg_url, "package", "import", str(world.pending))
    assert code == 2 and "frase de paso de la sede no es correcta" in err and "Traceback" not in err
    assert dump(world.hq) == before
    # the variable set to a wrong one, or nobody to ask: refused the same way
    monkeypatch.setenv(ENV, "tampoco es esta")
    code, _, err = run(pg_url, "package", "import", str(world.pending))
    assert code == 2 and ENV in err
    monkeypatch.delenv(ENV)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = run(pg_url, "package", "import", str(world.pending))
    assert code == 2 and ENV in err and "No se ha modificado nada" in err
    assert dump(world.hq) == before


def test_two_operators_share_the_key_through_the_server(world, pg_url, tmp_path, monkeypatch):
    first = load_or_create(world.hq)
    monkeypatch.setattr("rcdesk.paths._user_data", lambda: tmp_path / "escritorio-luis")
    luis = Database.open(pg_url)
    try:
        ring = load_or_create(luis)  # the second operator's desktop: its own process state, same key
        assert (ring.sign_public, ring.enc_public) == (first.sign_public, first.enc_public)
        res = SyncService(luis).import_packages([world.pending])
        assert [p.status for p in res.packages] == ["consolidado"], res.text()
        assert not luis.paths.keys.exists() or not any(luis.paths.keys.iterdir())
    finally:
        luis.close()


def test_the_first_operator_chooses_the_passphrase_at_the_terminal(pg_url, tmp_path, monkeypatch):
    assert run(pg_url, "init", "--role", "hq", "--name", "Sede Riobamba")[0] == 0
    monkeypatch.delenv(ENV)
    operator = Terminal(
        monkeypatch, "corta", "frase elegida por Ana", "frase elegida por ana", *["frase elegida por Ana"] * 2
    )
    code, out, err = run(
        pg_url, "keys", "export", "--out", str(tmp_path / "claves.json"), "--passphrase", "exportación 1"
    )
    assert code == 0, err
    assert len(operator.prompts) == 5 and hq_keys.TOO_SHORT in err and hq_keys.MISMATCH in err
    monkeypatch.setenv(ENV, "frase elegida por Ana")
    code, shown, _ = run(pg_url, "installation", "show")
    assert code == 0
    db = Database.open(pg_url)
    try:
        assert fingerprint(load_or_create(db).sign_public) == shown["fingerprint"]
    finally:
        db.close()


def test_keys_stored_in_clear_by_an_earlier_version_are_protected_at_the_next_use(world, pg_url, monkeypatch):
    from rcdesk.sync.keys import _pem

    ring = load_or_create(world.hq)
    with world.hq.connect() as conn:  # as rcdesk stored them on a server before this version
        for kind, key in (("sign", ring.sign_key), ("encrypt", ring.enc_key)):
            conn.exec_driver_sql("UPDATE sync_key SET private_pem = %s WHERE kind = %s", (_pem(key), kind))
    monkeypatch.delenv(ENV)
    operator = Terminal(monkeypatch, "nueva frase de la sede", "nueva frase de la sede")
    code, out, err = run(pg_url, "package", "import", str(world.pending))
    assert code == 0 and [p["status"] for p in out["reports"]] == ["consolidado"], err
    assert len(operator.prompts) == 2 and "proteger las claves" in err
    data = stored_bytes(world.hq)
    assert all(secret not in data for secret in key_secrets(ring))
    monkeypatch.setenv(ENV, "nueva frase de la sede")
    other = Database.open(pg_url)
    try:
        assert load_or_create(other).sign_public == ring.sign_public
    finally:
        other.close()


def test_keys_passphrase_changes_it_and_keeps_the_keys(world, pg_url, monkeypatch, db_path):
    ring = load_or_create(world.hq)
    monkeypatch.delenv(ENV)
    Terminal(monkeypatch, "mala", PG_HQ_PASSPHRASE, "la frase de este año", "la frase de este año")
    code, out, err = run(pg_url, "keys", "passphrase")
    assert code == 0, err
    assert out["fingerprint"] == fingerprint(ring.sign_public)
    monkeypatch.setenv(ENV, PG_HQ_PASSPHRASE)  # the old one no longer opens them
    code, _, err = run(pg_url, "package", "import", str(world.pending))
    assert code == 2 and ENV in err
    monkeypatch.setenv(ENV, "la frase de este año")
    code, out, err = run(pg_url, "package", "import", str(world.pending))
    assert code == 0 and [p["status"] for p in out["reports"]] == ["consolidado"], err
    # a file database has no headquarters' passphrase: said so, nothing changed
    Database.open(db_path, name="Escritorio", role="hq").close()
    code, _, err = run(db_path, "keys", "passphrase")
    assert code == 2 and "servidor" in err


def test_a_sealed_row_moved_onto_the_other_key_does_not_open(world, pg_url):
    load_or_create(world.hq)
    with world.hq.connect() as conn:
        sign = conn.exec_driver_sql("SELECT private_pem FROM sync_key WHERE kind = 'sign'").scalar()
        conn.exec_driver_sql("UPDATE sync_key SET private_pem = %s WHERE kind = 'encrypt'", (sign,))
    other = Database.open(pg_url)
    try:
        with pytest.raises(hq_keys.UserError, match="frase de paso"):
            load_or_create(other)
    finally:
        other.close()


def test_another_operators_program_consolidates_with_the_passphrase(world, pg_url, tmp_path):
    """A second operator's own process (its own desktop folder, the variable set) opens the keys the
    first operator sealed on the server."""
    import os
    import subprocess
    import sys

    env = {**os.environ, ENV: PG_HQ_PASSPHRASE, "XDG_DATA_HOME": str(tmp_path / "escritorio-luis")}
    args = [sys.executable, "-m", "rcdesk", "--db", pg_url, "--json", "package", "import", str(world.pending)]
    done = subprocess.run(args, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert [p["status"] for p in json.loads(done.stdout)["reports"]] == ["consolidado"]
    assert fingerprint(load_or_create(world.hq).sign_public) == SyncService(world.hq).overview().fingerprint


def test_imported_keys_are_sealed_under_the_headquarters_passphrase(world, pg_url, tmp_path):
    ring = load_or_create(world.hq)
    out = tmp_path / "claves.json"
    world.H.export_keys(out, "frase de la exportación")
    other = Database.open(pg_url)
    try:
        SyncService(other).import_keys(out, "frase de la exportación")
        data = stored_bytes(other)
        assert all(secret not in data for secret in key_secrets(ring))
    finally:
        other.close()
    third = Database.open(pg_url)
    try:
        assert load_or_create(third).sign_public == ring.sign_public
    finally:
        third.close()


def test_two_operators_creating_the_keys_at_once_end_with_one_pair(pg_url, monkeypatch):
    """Both desktops found no keys; the second one's insert loses, and it opens the first one's."""
    first, second = Database.open(pg_url, name="Sede", role="hq"), Database.open(pg_url)
    try:
        real = hq_keys._rows
        calls = []

        def stale_then_real(db):
            calls.append(db)
            if len(calls) == 1:  # read before the first operator's keys were committed
                load_or_create(first)
                return {}
            return real(db)

        monkeypatch.setattr(hq_keys, "_rows", stale_then_real)
        ring = load_or_create(second)
        assert (ring.sign_public, ring.enc_public) == (first._sync_keyring.sign_public, first._sync_keyring.enc_public)
        assert len(calls) == 3  # the stale read, the first operator's own read, the re-read after losing
    finally:
        first.close()
        second.close()


def test_a_sealed_row_asking_for_absurd_key_derivation_costs_is_refused_before_deriving():
    """A row altered to ask Argon2id for 64 GiB (or 10,000 passes) must be a Spanish refusal, not a
    desktop that freezes or runs out of memory when an operator types the passphrase."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    stored = hq_keys.seal(key, "sign", "cHVibGlj", b"una frase larga")
    parts = stored.split(":")
    assert hq_keys.unseal(stored, "sign", "cHVibGlj", b"una frase larga") is not None
    for index, value in ((4, str(64 * 1024 * 1024)), (5, "10000")):  # memory (KiB), passes
        crafted = ":".join(parts[:index] + [value] + parts[index + 1 :])
        with pytest.raises(hq_keys.UserError, match="dañada"):
            hq_keys.unseal(crafted, "sign", "cHVibGlj", b"una frase larga")
