"""Keys (backup, passphrase export/import) and interrupted consolidations."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from rcdesk.errors import UserError
from rcdesk.jobs import Cancelled, CancelToken
from rcdesk.sync import apply
from rcdesk.sync.keys import backup_keys, fingerprint, load_or_create
from tests.core.sync_world import World, dump


@pytest.fixture(scope="module")
def joined(tmp_path_factory) -> dict:
    return World.joined_template(tmp_path_factory.mktemp("joined"))


@pytest.fixture
def world(joined, tmp_path):
    """Headquarters and laptop A joined (a copy of the module's: each test changes its own)."""
    w = World.copy_of(joined, tmp_path)
    yield w
    w.close()


def test_keys_live_in_the_data_folder_and_in_the_database(tmp_path):
    from rcdesk.db.database import Database

    path = tmp_path / "sede" / "rcdesk.db"
    db = Database.open(path, name="Sede", role="hq")
    ring = load_or_create(db)
    fp = fingerprint(ring.sign_public)
    assert (db.paths.keys / "firma-privada.pem").is_file()
    saved = tmp_path / "copia"
    assert backup_keys(db, saved) and (saved / "firma-privada.pem").is_file()
    db.close()
    # the key folder is lost (e.g. only the database was restored): the keys come back from the database
    for f in (tmp_path / "sede" / "rcdesk-archivos" / "claves").iterdir():
        f.unlink()
    db = Database.open(path)
    try:
        assert fingerprint(load_or_create(db).sign_public) == fp
        assert (db.paths.keys / "firma-privada.pem").is_file()
    finally:
        db.close()


def test_keys_export_import_with_passphrase(world, tmp_path):
    w = world
    out = tmp_path / "claves.json"
    w.A.export_keys(out, "frase muy secreta")
    assert b"PRIVATE KEY" in out.read_bytes() and b"ENCRYPTED" in out.read_bytes()
    with pytest.raises(UserError, match="frase de paso no es correcta"):
        w.A.import_keys(out, "otra frase cualquiera")
    with pytest.raises(UserError, match="otra instalación"):
        w.B.import_keys(out, "frase muy secreta")
    with pytest.raises(UserError, match="al menos 8"):
        w.A.export_keys(tmp_path / "x.json", "corta")
    # the laptop's keys are replaced by the exported ones: packages still verify at headquarters
    fp = w.A.import_keys(out, "frase muy secreta")
    assert fp == w.A.me().sign_fingerprint
    w.add_attendance(w.a, w.ids["event"], 1)
    assert w.H.import_packages([w.send(w.A)]).packages[0].status == "consolidado"


def test_failure_or_cancel_in_the_middle_leaves_the_database_as_it_was(world, monkeypatch):
    w = world
    w.add_attendance(w.a, w.ids["event"], 5)
    w.add_evidence(w.a, w.ids["event"])
    p = w.send(w.A)
    before = dump(w.hq)

    calls = {"n": 0}
    real = apply.Applier.insert

    def boom(self, rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("corte de luz simulado")
        return real(self, rows)

    monkeypatch.setattr(apply.Applier, "insert", boom)
    with pytest.raises(RuntimeError):
        w.H.import_packages([p])
    assert dump(w.hq) == before
    monkeypatch.setattr(apply.Applier, "insert", real)

    token = CancelToken()
    seen = {"n": 0}

    def progress(done, total=None, text=""):
        seen["n"] += 1
        if text.startswith("Consolidando"):
            token.cancel()

    with pytest.raises(Cancelled):
        w.H.import_packages([p], progress=progress, cancel=token)
    assert dump(w.hq) == before
    res = w.H.import_packages([p])  # running again completes
    assert res.packages[0].status == "consolidado"


def test_killed_process_leaves_database_unchanged_and_rerun_completes(world, tmp_path):
    w = world
    w.add_attendance(w.a, w.ids["event"], 5)
    p = w.send(w.A)
    before = dump(w.hq)
    hq_path = w.hq.paths.database
    w.hq.close()
    script = textwrap.dedent(f"""
        import os, signal
        from rcdesk.sync import apply
        real = apply.Applier.insert
        n = {{"c": 0}}
        def killer(self, rows):
            n["c"] += 1
            real(self, rows)
            if n["c"] == 1 and rows:
                os.kill(os.getpid(), signal.SIGKILL)
        apply.Applier.insert = killer
        from rcdesk.cli import main
        main(["--db", {str(hq_path)!r}, "package", "import", {str(p)!r}])
    """)
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=os.environ | {"PYTHONPATH": os.getcwd()}
    )
    assert proc.returncode == -9, proc.stderr[-2000:]
    from rcdesk.db.database import Database

    w.hq = Database.open(hq_path)
    from rcdesk.services.sync import SyncService

    w.H = SyncService(w.hq)
    assert dump(w.hq) == before
    assert w.H.import_packages([p]).packages[0].status == "consolidado"


def test_cancelled_export_leaves_no_file_and_no_trace(world, tmp_path):
    w = world
    w.add_attendance(w.a, w.ids["event"], 3)
    before = dump(w.a)
    token = CancelToken()

    def progress(done, total=None, text=""):
        if text.startswith("Firmando"):
            token.cancel()

    out = tmp_path / "cancelado.rcpaq"
    with pytest.raises(Cancelled):
        w.A.export_package(out, progress=progress, cancel=token)
    assert not out.exists() and not list(tmp_path.glob("*.parcial"))
    assert dump(w.a) == before
    assert w.A.status_of("attendance", row_id(w)).code == "local"


def row_id(w: World) -> str:
    with w.a.engine.connect() as c:
        return c.exec_driver_sql("SELECT id FROM attendance LIMIT 1").scalar_one()


def test_a_swapped_key_file_is_refused_and_replaces_nothing(tmp_path):
    """An administrator copying the encryption key over the signing key's file: the files win over the
    database, so the wrong key would have replaced the stored signing key and signed nothing."""
    import shutil

    from rcdesk.db.database import Database

    path = tmp_path / "campo" / "rcdesk.db"
    db = Database.open(path, name="Campo", role="field")
    fp = fingerprint(load_or_create(db).sign_public)
    keys = db.paths.keys
    db.close()
    shutil.copyfile(keys / "cifrado-privada.pem", keys / "firma-privada.pem")
    swapped = (keys / "firma-privada.pem").read_bytes()
    db = Database.open(path)
    try:
        with pytest.raises(UserError, match="«.*firma-privada.pem» no es la clave privada de firma"):
            load_or_create(db)
        assert (keys / "firma-privada.pem").read_bytes() == swapped  # left for the administrator to see
        (keys / "firma-privada.pem").unlink()  # the stored signing key is still the installation's own
        assert fingerprint(load_or_create(db).sign_public) == fp
    finally:
        db.close()
