"""A lost passphrase never means lost data (issue 16, item 3).

A field laptop's encrypted database seals its data key for headquarters when the base package
pins headquarters' key; the sealed copy travels in the next field package and headquarters keeps
it. A technician who forgot the passphrase brings the database to headquarters, which gives it a
new passphrase with its exported keys (`rcdesk recover --key claves.json FILE`) — from the
database's key file, or from headquarters' own copy when the key file was lost too. Headquarters'
database runs on both engines.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from rcdesk.cli import main
from rcdesk.db.database import Database
from rcdesk.security import recovery, setup, unlocked, vault
from rcdesk.services.sync import SyncService
from rcdesk.sync.keys import load_or_create
from tests.core.sync_world import ATTENDEE, ATTENDEE_ID, World

FIELD_PASSPHRASE = "quinua y maíz 2026"
NEW_PASSPHRASE = "chimborazo nevado 41"
KEYS_PASSPHRASE = "claves de la sede riobamba"


def run(*args: str) -> tuple[int, dict | None, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--json", *args])
    text = out.getvalue()
    return code, (json.loads(text) if text.strip() else None), err.getvalue()


def attendees(path: Path, passphrase: str) -> list[tuple[str, str | None]]:
    """The attendance as a technician sees it after unlocking with `passphrase`."""
    from rcdesk.models.events import Attendance

    setup.unlock(path, passphrase)
    db = Database.open(path)
    try:
        with db.session() as s:
            return sorted((a.full_name, a.id_number) for a in s.scalars(select(Attendance)))
    finally:
        db.close()
        unlocked.forget(path)


@pytest.fixture
def season(tmp_path, hq_target, monkeypatch):
    """Headquarters (on `hq_target`) and an encrypted field laptop that joined it and sent one
    package with attendance; headquarters' keys exported to «claves.json»."""
    monkeypatch.setenv("RCDESK_KEYS_PASSPHRASE", KEYS_PASSPHRASE)
    # a command without --db looks for the configured database: none here, never the user's own
    monkeypatch.delenv("RCDESK_DB", raising=False)
    monkeypatch.setattr("rcdesk.paths._user_data", lambda: tmp_path / "datos-usuario")
    usb = tmp_path / "usb"
    usb.mkdir()
    hq = Database.open(hq_target, name="Sede Riobamba", role="hq")
    field_path = tmp_path / "campo" / "rcdesk.db"
    field_path.parent.mkdir()
    field = setup.create_encrypted(field_path, FIELD_PASSPHRASE, name="Técnico Guano", role="field")
    H, F = SyncService(hq), SyncService(field)
    ids = World.seed_hq(SimpleNamespace(hq=hq))
    s = SimpleNamespace(hq=hq, field=field, path=field_path, H=H, F=F, ids=ids, usb=usb, target=hq_target)
    try:
        yield s
    finally:
        for d in (s.hq, s.field):
            d.close()
        unlocked.forget_all()


def _join_and_send(s) -> Path:
    base = s.usb / "base.rcpaq"
    s.H.export_base(s.field.installation_id, base, name="Técnico Guano")
    assert vault.read_key_file(vault.key_file(s.path))["recuperacion"] is None
    assert recovery.status(s.field).text.startswith("Copia de recuperación: pendiente")
    res = s.F.import_packages([base])
    assert res.packages[0].status == "importado", res.text()
    sealed = vault.read_key_file(vault.key_file(s.path))["recuperacion"]
    assert sealed["sede_cifrado_publica"] == load_or_create(s.hq).enc_public
    assert recovery.status(s.field).text == "Copia de recuperación: pendiente: se enviará con el próximo paquete."
    World.add_attendance(None, s.field, s.ids["event"])
    pkg = s.usb / "campo-1.rcpaq"
    s.F.export_package(pkg)
    assert recovery.status(s.field).text.startswith("Copia de recuperación: enviada a la sede el ")
    res = s.H.import_packages([pkg])
    assert res.packages[0].status == "en cuarentena", res.text()
    _row, res = s.H.trust(s.field.installation_id)
    assert [p.status for p in res.packages] == ["consolidado"], res.text()
    return pkg


def test_headquarters_recovers_a_forgotten_passphrase(season, tmp_path, monkeypatch):
    s = season
    pkg = _join_and_send(s)
    data_key = unlocked.key_for(s.path)
    assert data_key is not None
    # the package carries the sealed key, nothing readable: neither the key nor any of its encodings
    blob = pkg.read_bytes()
    for form in (data_key, data_key.hex().encode(), base64.b64encode(data_key)):
        assert form not in blob
    sealed = vault.read_key_file(vault.key_file(s.path))["recuperacion"]
    stored = recovery.stored_copy(s.hq, s.field.installation_id)
    assert stored is not None and stored["sellada"] == sealed["sellada"]
    claves = s.H.export_keys(tmp_path / "claves.json", KEYS_PASSPHRASE)
    expected = sorted([(ATTENDEE, ATTENDEE_ID), ("Asistente 1", None), ("Asistente 2", None)])

    # the technician forgot the passphrase and brings the laptop's database to headquarters
    s.field.close()
    unlocked.forget_all()
    with pytest.raises(vault.WrongPassphrase):
        vault.unlock(s.path, "no me acuerdo 123")
    monkeypatch.setenv("RCDESK_NEW_PASSPHRASE", NEW_PASSPHRASE)
    code, out, err = run("recover", "--key", str(claves), str(s.path))
    assert code == 0, err
    assert out["source"] == "archivo de llave" and out["installation_id"] == s.field.installation_id
    with pytest.raises(vault.WrongPassphrase):
        vault.unlock(s.path, FIELD_PASSPHRASE)  # the old passphrase no longer opens it
    assert attendees(s.path, NEW_PASSPHRASE) == expected
    # the seal survives the new passphrase: the next loss is recoverable too
    assert vault.read_key_file(vault.key_file(s.path))["recuperacion"] == sealed

    # the key file is lost as well: headquarters' database has the copy its packages brought
    vault.key_file(s.path).unlink()
    code, _, err = run("--db", str(s.target), "recover", "--key", str(claves), str(s.path))
    assert code == 2 and "--instalacion" in err and not vault.key_file(s.path).exists()
    monkeypatch.setenv("RCDESK_NEW_PASSPHRASE", "otra contraseña 77")
    code, out, err = run(
        "--db", str(s.target), "recover", "--key", str(claves), "--instalacion", s.field.installation_id, str(s.path)
    )
    assert code == 0, err
    assert out["source"] == "base de la sede"
    assert vault.read_key_file(vault.key_file(s.path))["instalacion"] == s.field.installation_id
    assert attendees(s.path, "otra contraseña 77") == expected

    # a damaged key file (its wrapped key and seal gone): its installation id, in clear, is enough
    doc = json.loads(vault.key_file(s.path).read_text("utf-8"))
    doc.update(clave_envuelta="dañada", recuperacion=None)
    vault.key_file(s.path).write_text(json.dumps(doc), "utf-8")
    monkeypatch.setenv("RCDESK_NEW_PASSPHRASE", "tercera contraseña 3")
    code, out, err = run("--db", str(s.target), "recover", "--key", str(claves), str(s.path))
    assert code == 0 and out["source"] == "base de la sede", err
    assert attendees(s.path, "tercera contraseña 3") == expected


def test_recovery_is_refused_without_the_right_headquarters(season, tmp_path, monkeypatch):
    s = season
    _join_and_send(s)
    s.field.close()
    unlocked.forget_all()
    monkeypatch.setenv("RCDESK_NEW_PASSPHRASE", NEW_PASSPHRASE)
    key_file = vault.key_file(s.path)
    before = key_file.read_bytes()
    other = Database.open(tmp_path / "otra" / "rcdesk.db", name="Sede Cuenca", role="hq")
    try:
        other_claves = SyncService(other).export_keys(tmp_path / "claves-cuenca.json", KEYS_PASSPHRASE)
    finally:
        other.close()
    claves = s.H.export_keys(tmp_path / "claves.json", KEYS_PASSPHRASE)

    # another headquarters' keys: the seal is not theirs
    code, _, err = run("recover", "--key", str(other_claves), str(s.path))
    assert code == 2 and "otra sede central" in err
    # without --key the keys are those of the database named by --db: another headquarters' too
    code, _, err = run("--db", str(tmp_path / "otra" / "rcdesk.db"), "recover", str(s.path))
    assert code == 2 and "otra sede central" in err
    # the right keys with a wrong passphrase
    monkeypatch.setenv("RCDESK_KEYS_PASSPHRASE", "no es la frase")
    code, _, err = run("recover", "--key", str(claves), str(s.path))
    assert code == 2 and "frase de paso" in err and "Traceback" not in err
    monkeypatch.setenv("RCDESK_KEYS_PASSPHRASE", KEYS_PASSPHRASE)
    # a weak new passphrase
    monkeypatch.setenv("RCDESK_NEW_PASSPHRASE", "corta")
    code, _, err = run("recover", "--key", str(claves), str(s.path))
    assert code == 2 and "al menos 8" in err
    monkeypatch.setenv("RCDESK_NEW_PASSPHRASE", NEW_PASSPHRASE)
    # a plain database has nothing to recover
    plain = tmp_path / "sin-cifrar.db"
    Database.open(plain, name="Técnico sin cifrar", role="field").close()
    code, _, err = run("recover", "--key", str(claves), str(plain))
    assert code == 2 and "no está cifrada" in err
    # the key file lost and headquarters never received a copy of that installation
    key_file.rename(tmp_path / "guardada.llave")
    code, _, err = run("--db", str(s.target), "recover", "--key", str(claves), "--instalacion", "0" * 32, str(s.path))
    assert code == 2 and "No hay copia de recuperación" in err
    # headquarters' database is looked up, never created, and must be headquarters'
    missing = tmp_path / "no-existe" / "sede.db"
    code, _, err = run("--db", str(missing), "recover", "--key", str(claves), "--instalacion", "0" * 32, str(s.path))
    assert code == 2 and "No existe la base de datos" in err and not missing.exists()
    code, _, err = run("--db", str(plain), "recover", "--key", str(claves), "--instalacion", "0" * 32, str(s.path))
    assert code == 2 and "no es la de la sede central" in err
    (tmp_path / "guardada.llave").rename(key_file)
    assert key_file.read_bytes() == before  # nothing was written by any refusal
    assert vault.unlock(s.path, FIELD_PASSPHRASE)


def test_a_database_encrypted_after_joining_seals_at_the_next_package(tmp_path, hq_target):
    from rcdesk.security import convert

    hq = Database.open(hq_target, name="Sede Riobamba", role="hq")
    path = tmp_path / "campo" / "rcdesk.db"
    field = Database.open(path, name="Técnico Guano", role="field")
    try:
        H = SyncService(hq)
        base = tmp_path / "base.rcpaq"
        H.export_base(field.installation_id, base)
        assert SyncService(field).import_packages([base]).packages[0].status == "importado"
        first = tmp_path / "campo-1.rcpaq"
        SyncService(field).export_package(first)  # still plain: nothing to seal, nothing carried
        field.close()
        convert.encrypt_database(path, FIELD_PASSPHRASE)
        doc = vault.read_key_file(vault.key_file(path))
        assert doc["recuperacion"] is None
        field = Database.open(path)
        assert recovery.status(field).text == "Copia de recuperación: pendiente: se enviará con el próximo paquete."
        second = tmp_path / "campo-2.rcpaq"
        SyncService(field).export_package(second)
        doc = vault.read_key_file(vault.key_file(path))
        assert doc["recuperacion"]["sede_cifrado_publica"] == load_or_create(hq).enc_public
        assert doc["instalacion"] == field.installation_id
        res = H.import_packages([first, second])
        assert [p.status for p in res.packages] == ["en cuarentena", "en cuarentena"], res.text()
        H.trust(field.installation_id)
        assert recovery.stored_copy(hq, field.installation_id)["sellada"] == doc["recuperacion"]["sellada"]
    finally:
        hq.close()
        field.close()
        unlocked.forget_all()


def test_a_malformed_recovery_entry_is_not_kept():
    author = {"id": "a" * 32}
    good = {"instalacion": "a" * 32, "sede_cifrado_publica": "x", "efimera": "y", "sellada": "z", "fecha": "f"}
    assert recovery.incoming_entry({"installation": author, "recuperacion": good}) == {"recuperacion": good}
    assert recovery.incoming_entry({"installation": author}) == {}
    assert recovery.incoming_entry({"installation": author, "recuperacion": good | {"instalacion": "b" * 32}}) == {}
    assert recovery.incoming_entry({"installation": author, "recuperacion": good | {"sellada": 5}}) == {}
    assert recovery.incoming_entry({"installation": author, "recuperacion": "texto"}) == {}
