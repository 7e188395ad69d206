"""`rcdesk server move`: a headquarters on one desktop's SQLite file moved to a PostgreSQL server
with its whole history (issue 11).

The demo headquarters (after its exchange with a field laptop) is moved with the command itself;
the engine comparison (`test_hq_engines.py`) runs every command on a headquarters moved so and on
its file. A cancel or a refusal leaves the server database empty and the file byte for byte as it was.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import tests.cli.test_hq_engines as hq
from rcdesk.jobs import Cancelled, CancelToken


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return [
                r[0]
                for r in c.execute(
                    text("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
                )
            ]
    finally:
        engine.dispose()


PASSPHRASE = "frase de la sede de pruebas"


@pytest.fixture(autouse=True)
def hq_passphrase(monkeypatch) -> str:
    """Headquarters' passphrase, as an operator's script gives it (rcdesk.sync.hq_keys)."""
    monkeypatch.setenv("RCDESK_HQ_PASSPHRASE", PASSPHRASE)
    return PASSPHRASE


@pytest.fixture
def moved(hq_demo, blank_pg_url, tmp_path) -> dict[str, Path | str]:
    path = hq.copy_file_database(hq_demo[0], tmp_path / "sqlite" / "sede.db")
    before = _digest(path)
    code, out, err = hq.run(path, "server", "move", "--to", blank_pg_url)
    assert code == 0, err
    assert out["total_rows"] > 5000 and out["rows"]["plan_activity"] > 100 and out["keys"] == 2
    assert out["keys_sealed"]
    assert _digest(path) == before, "the SQLite file must stay untouched"
    return {"sqlite": path, "postgresql": blank_pg_url}


def test_the_moved_server_takes_new_changes_after_the_copied_ones(moved):
    from rcdesk.db.base import record_tables

    engine = create_engine(moved["postgresql"])
    try:
        with engine.connect() as c:
            highest = max(
                c.execute(text(f'SELECT COALESCE(max(change_seq), 0) FROM "{t.name}"')).scalar()
                for t in record_tables()
            )
            next_seq = c.execute(text("SELECT rcdesk_take_seq(1)")).scalar()
            audit_max = c.execute(text("SELECT max(id) FROM audit_log")).scalar()
            audit_next = c.execute(text("SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))")).scalar()
            people = c.execute(
                text("SELECT live + (SELECT COALESCE(sum(delta), 0) FROM person_count_delta) FROM person_count")
            ).scalar()
            live = c.execute(text("SELECT count(*) FROM person WHERE NOT deleted")).scalar()
    finally:
        engine.dispose()
    assert next_seq > highest and audit_next > audit_max and people == live


def test_a_cancel_midway_leaves_the_server_empty_and_the_file_untouched(hq_demo, blank_pg_url, tmp_path):
    from rcdesk.db.move_to_server import move

    path = hq.copy_file_database(hq_demo[0], tmp_path / "sede.db")
    before = _digest(path)
    cancel = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int | None = None, text: str = "") -> None:
        seen.append(done)
        if total and done > total // 3:
            cancel.cancel()

    with pytest.raises(Cancelled):
        move(path, blank_pg_url, progress=progress, cancel=cancel)
    assert max(seen) > 1000, "the cancel came midway, after rows were copied"
    assert _tables(blank_pg_url) == [], "the server database is left as it was: empty"
    assert _digest(path) == before
    # and the move can be run again on it
    code, out, err = hq.run(path, "server", "move", "--to", blank_pg_url)
    assert code == 0, err


def test_a_target_with_data_is_refused_in_spanish(hq_demo, pg_url, tmp_path):
    path = hq.copy_file_database(hq_demo[0], tmp_path / "sede.db")
    before = _digest(path)
    tables_before = _tables(pg_url)
    code, out, err = hq.run(path, "server", "move", "--to", pg_url)
    assert code == 2 and "no está vacía" in err and "No se ha modificado nada" in err
    assert _tables(pg_url) == tables_before and _digest(path) == before
    code, _, err = hq.run(pg_url, "installation", "list")
    assert code == 0  # the server database still opens as it was


def test_a_field_laptop_or_another_target_is_refused(demo_db_path, blank_pg_url, tmp_path):
    code, _, err = hq.run(demo_db_path, "server", "move", "--to", blank_pg_url)
    assert code == 2 and "instalación de campo" in err
    code, _, err = hq.run(demo_db_path, "server", "move", "--to", str(tmp_path / "otra.db"))
    assert code == 2 and "no es un servidor" in err
    assert _tables(blank_pg_url) == []


def test_evidence_files_move_into_the_shared_blobs(hq_demo, blank_pg_url, tmp_path):
    from rcdesk.db import shared_blobs
    from rcdesk.db.database import Database
    from rcdesk.paths import AppPaths

    path = hq.copy_file_database(hq_demo[0], tmp_path / "sede.db")
    store = AppPaths.for_database(path).evidence
    good = b"%PDF-1.4 acta firmada"
    sha = hashlib.sha256(good).hexdigest()
    (store / sha[:2]).mkdir(parents=True, exist_ok=True)
    (store / sha[:2] / f"{sha}.pdf").write_bytes(good)
    bad = "0" * 64
    (store / "00").mkdir(exist_ok=True)
    (store / "00" / f"{bad}.pdf").write_bytes(b"not what its name says")
    code, out, err = hq.run(path, "server", "move", "--to", blank_pg_url)
    assert code == 0, err
    assert out["evidence_files"] == 1
    db = Database.open(blank_pg_url)
    try:
        fetched = shared_blobs.fetch(db, sha)
        assert fetched is not None and fetched.read_bytes() == good
        assert shared_blobs.fetch(db, bad) is None
    finally:
        db.close()


def test_the_keys_arrive_sealed_under_the_passphrase_and_open_with_it(moved):
    from rcdesk.db.database import Database
    from rcdesk.sync import hq_keys, keys

    on_file = Database.open(moved["sqlite"])
    on_server = Database.open(moved["postgresql"])
    try:
        ring = keys.load_or_create(on_file)
        assert all(hq_keys.is_sealed(pem) for pem, _public in hq_keys._rows(on_server).values())
        opened = keys.load_or_create(on_server)  # with RCDESK_HQ_PASSPHRASE
        assert (opened.sign_public, opened.enc_public) == (ring.sign_public, ring.enc_public)
    finally:
        on_file.close()
        on_server.close()


def test_without_a_passphrase_the_move_is_refused_before_writing(hq_demo, blank_pg_url, tmp_path, monkeypatch):
    monkeypatch.delenv("RCDESK_HQ_PASSPHRASE")
    path = hq.copy_file_database(hq_demo[0], tmp_path / "sede.db")
    code, _, err = hq.run(path, "server", "move", "--to", blank_pg_url)
    assert code == 2 and "RCDESK_HQ_PASSPHRASE" in err and "No se ha modificado nada" in err
    assert _tables(blank_pg_url) == []
