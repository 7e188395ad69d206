"""The key file of an encrypted database (issue 16): the data key only ever wrapped by the passphrase."""

from __future__ import annotations

import json
import os

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from rcdesk.errors import UserError
from rcdesk.security import unlocked, vault
from rcdesk.sync.keys import b64


def _pub(key: X25519PrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization as s

    return b64(key.public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw))


def test_create_then_unlock_gives_the_same_key_and_the_key_is_not_on_disk(tmp_path):
    db = tmp_path / "rcdesk.db"
    key = vault.create(db, "caballo correcto", installation_id="inst-1")
    assert len(key) == 32
    kf = vault.key_file(db)
    assert kf.name == "rcdesk.db.llave"
    raw = kf.read_bytes()
    assert key not in raw and b64(key).encode() not in raw and key.hex().encode() not in raw
    doc = json.loads(raw)
    assert doc["formato"] == "rcdesk-llave" and doc["instalacion"] == "inst-1" and doc["recuperacion"] is None
    assert doc["kdf"]["alg"] == "argon2id" and doc["kdf"]["memory_kib"] == 47104
    assert vault.unlock(db, "caballo correcto") == key


def test_wrong_passphrase_says_so_in_spanish_and_changes_nothing(tmp_path):
    db = tmp_path / "rcdesk.db"
    vault.create(db, "caballo correcto")
    before = vault.key_file(db).read_bytes()
    with pytest.raises(vault.WrongPassphrase) as exc:
        vault.unlock(db, "caballo incorrecto")
    assert str(exc.value) == "La contraseña no es correcta."
    assert "caballo" not in str(exc.value)
    with pytest.raises(vault.WrongPassphrase):
        vault.change_passphrase(db, "otra cosa", "nueva contraseña")
    assert vault.key_file(db).read_bytes() == before


def test_change_passphrase_keeps_the_data_key_and_the_old_one_stops_working(tmp_path):
    db = tmp_path / "rcdesk.db"
    key = vault.create(db, "primera clave", installation_id="inst-9")
    vault.change_passphrase(db, "primera clave", "segunda clave")
    assert vault.unlock(db, "segunda clave") == key
    with pytest.raises(vault.WrongPassphrase):
        vault.unlock(db, "primera clave")
    assert vault.installation_of(db) == "inst-9"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_crash_while_writing_the_new_key_file_leaves_the_old_one(tmp_path, monkeypatch):
    db = tmp_path / "rcdesk.db"
    key = vault.create(db, "primera clave")

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(vault.os, "replace", crash)
    with pytest.raises(UserError, match="No se pudo escribir el archivo de llave"):
        vault.change_passphrase(db, "primera clave", "segunda clave")
    monkeypatch.undo()
    assert vault.unlock(db, "primera clave") == key
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_rewrap_keeps_the_seal_and_rebuilds_a_lost_key_file(tmp_path):
    db = tmp_path / "rcdesk.db"
    key = vault.create(db, "primera clave", installation_id="inst-2")
    hq = X25519PrivateKey.generate()
    assert vault.seal_for_headquarters(db, key, _pub(hq)) is True
    assert vault.seal_for_headquarters(db, key, _pub(hq)) is False  # already sealed for that key
    vault.rewrap(db, key, "clave recuperada")
    doc = vault.read_key_file(vault.key_file(db))
    assert doc["instalacion"] == "inst-2" and doc["recuperacion"]["sede_cifrado_publica"] == _pub(hq)
    assert vault.open_sealed(doc["recuperacion"], hq) == key
    with pytest.raises(UserError):
        vault.open_sealed(doc["recuperacion"], X25519PrivateKey.generate())
    vault.key_file(db).unlink()
    vault.rewrap(db, key, "otra clave nueva", installation_id="inst-2")
    assert vault.unlock(db, "otra clave nueva") == key
    assert vault.installation_of(db) == "inst-2"


def test_subkeys_differ_by_purpose_and_are_stable():
    key = os.urandom(32)
    a, b, c = (vault.subkey(key, p) for p in ("base-de-datos", "evidencias", "archivos"))
    assert len({a, b, c, key}) == 4 and all(len(k) == 32 for k in (a, b, c))
    assert vault.subkey(key, "evidencias") == b
    assert vault.subkey(os.urandom(32), "evidencias") != b


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "no es JSON"),
        (b"{no json", "no es JSON"),
        (b'{"formato": "otro"}', "no es un archivo de llave"),
        (None, "kdf.salt"),
        ("memory", "parámetros de derivación"),
    ],
)
def test_a_damaged_key_file_is_named_in_a_spanish_message(tmp_path, content, fragment):
    db = tmp_path / "rcdesk.db"
    vault.create(db, "primera clave")
    kf = vault.key_file(db)
    doc = json.loads(kf.read_bytes())
    if content is None:
        doc["kdf"]["salt"] = "¡no es base64!"
        kf.write_text(json.dumps(doc), encoding="utf-8")
    elif content == "memory":
        doc["kdf"]["memory_kib"] = 1 << 40  # would allocate a petabyte
        kf.write_text(json.dumps(doc), encoding="utf-8")
    else:
        kf.write_bytes(content)
    with pytest.raises(vault.KeyFileError) as exc:
        vault.unlock(db, "primera clave")
    assert str(kf) in str(exc.value) and fragment in str(exc.value)


def test_a_missing_key_file_says_how_to_recover(tmp_path):
    with pytest.raises(vault.KeyFileError) as exc:
        vault.unlock(tmp_path / "rcdesk.db", "primera clave")
    assert "rcdesk.db.llave" in str(exc.value) and "sede central" in str(exc.value)


def test_is_encrypted_tells_a_plain_database_from_an_encrypted_one(tmp_path):
    import sqlite3

    plain = tmp_path / "plano.db"
    sqlite3.connect(plain).execute("create table t(x)").connection.close()
    assert vault.is_encrypted(plain) is False
    assert vault.is_encrypted(tmp_path / "no-existe.db") is False
    (tmp_path / "vacio.db").write_bytes(b"")
    assert vault.is_encrypted(tmp_path / "vacio.db") is False
    (tmp_path / "cifrado.db").write_bytes(os.urandom(4096))
    assert vault.is_encrypted(tmp_path / "cifrado.db") is True
    # a text or other file given as a database is "not a database", not a locked one
    (tmp_path / "notas.db").write_bytes(b"hola, esto es una hoja de notas\n" * 100)
    assert vault.is_encrypted(tmp_path / "notas.db") is False
    vault.key_file(tmp_path / "notas.db").write_text("{}")
    assert vault.is_encrypted(tmp_path / "notas.db") is True  # with a key file next to it, it is one


def test_creating_over_an_encrypted_database_is_refused(tmp_path):
    db = tmp_path / "rcdesk.db"
    db.write_bytes(os.urandom(4096))
    with pytest.raises(UserError, match="ya está cifrada"):
        vault.create(db, "primera clave")
    assert not vault.key_file(db).exists()


def test_passphrase_strength():
    assert vault.check_passphrase_strength("corta") is not None
    assert vault.check_passphrase_strength("aaaaaaaaaa") is not None
    assert vault.check_passphrase_strength("12345678") is not None
    assert vault.check_passphrase_strength("río Napo 2026") is None


def test_unlocked_registry_resolves_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    key = os.urandom(32)
    unlocked.remember(tmp_path / "a.db", key)
    try:
        assert unlocked.key_for(tmp_path / "sub" / ".." / "a.db") == key
        from pathlib import Path

        assert unlocked.key_for(Path("a.db")) == key
        assert unlocked.key_for(tmp_path / "b.db") is None
    finally:
        unlocked.forget(tmp_path / "a.db")
    assert unlocked.key_for(tmp_path / "a.db") is None
    assert "está cifrada" in str(unlocked.DatabaseLocked(tmp_path / "a.db"))
