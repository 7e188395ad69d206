"""Backups of a server headquarters (issue 11, item 4): `rcdesk backup` and the copy taken before a
schema upgrade go through pg_dump when this computer has it (found on the program path or in
PostgreSQL's versioned folders), and restoring that copy gives back every row; without pg_dump the
user is told, in Spanish, that backups are the server's job."""

from __future__ import annotations

import contextlib
import io
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from rcdesk.cli import main
from rcdesk.db import backup, pg_tools
from rcdesk.db.database import Database
from rcdesk.paths import AppPaths
from tests import pg_server as pgs


def run(target: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", target, *args])
    return code, out.getvalue(), err.getvalue()


def rows_of(url: str) -> dict[str, list[str]]:
    """Every row of every table (sorted), read straight through the driver."""
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return {
                t: sorted(repr(tuple(r)) for r in c.exec_driver_sql(f'SELECT * FROM "{t}"'))
                for t in sorted(inspect(c).get_table_names())
            }
    finally:
        engine.dispose()


def restored(pg_server, dump: Path, *, errors: int = 0) -> str:
    """`dump` restored into a new, empty database of the test server (with `errors` statements
    refused, each about the people-search index); its URL."""
    from sqlalchemy.engine import make_url

    name = pg_server.new_name()
    pg_server.admin(f'CREATE DATABASE "{name}"')
    url = make_url(pg_server.url(name))
    program = pg_tools.find_program("pg_restore")
    assert program is not None
    args = [program, "--no-owner", "-h", url.host, "-p", str(url.port), "-U", url.username]
    done = subprocess.run([*args, "-d", name, str(dump)], capture_output=True, text=True)
    refused = [line for line in done.stderr.splitlines() if line.startswith("Command was:")]
    assert len(refused) == errors and all("ix_person_words_trgm" in line for line in refused), done.stderr
    assert done.returncode == (1 if errors else 0), done.stderr
    return pg_server.url(name)


@pytest.fixture
def headquarters(pg_url, tmp_path):
    """A server headquarters with a field laptop's data consolidated in it."""
    from tests.core.sync_world import World

    w = World(tmp_path, pg_url)
    w.ids = w.seed_hq()
    w.join(w.a, w.A)
    w.add_attendance(w.a, w.ids["event"], 3)
    assert [p.status for p in w.H.import_packages([w.send(w.A)]).packages] == ["consolidado"]
    w.close()
    return pg_url


def test_rcdesk_backup_of_a_server_restores_the_same_rows(headquarters, pg_server):
    code, out, err = run(headquarters, "backup")
    assert code == 0, err
    copies = list(AppPaths.for_target(headquarters).backups.glob("rcdesk-copia-*.dump"))
    assert len(copies) == 1 and copies[0].name in out
    assert not list(copies[0].parent.glob("*.parcial"))
    assert rows_of(restored(pg_server, copies[0])) == rows_of(headquarters)


def test_the_copy_before_an_upgrade_is_a_dump_of_the_older_schema(pg_server, pg_url):
    from rcdesk.db.engine import make_engine
    from rcdesk.db.migrate import head_version, upgrade_to

    name = pg_server.new_name()
    pg_server.admin(f'CREATE DATABASE "{name}"')
    url = pg_server.url(name)
    engine = make_engine(url)
    try:
        upgrade_to(engine, "0012")  # a headquarters made by an earlier rcdesk
    finally:
        engine.dispose()
    older = rows_of(url)
    Database.open(url, name="Sede Riobamba", role="hq").close()
    (copy,) = AppPaths.for_target(url).backups.glob("rcdesk-antes-de-actualizar-v12-*.dump")
    assert rows_of(url)["alembic_version"] == [f"('{head_version():04d}',)"]
    # a schema older than 0017 restores every row but not the people-search index (pg_restore's
    # empty search_path); opening the restored copy upgrades it and builds the index again
    back = restored(pg_server, copy, errors=1)
    assert rows_of(back) == older and older["alembic_version"] == ["('0012',)"]
    Database.open(back).close()
    assert "ix_person_words_trgm" in index_names(back)
    # a copy of today's schema restores whole
    code, _, err = run(url, "backup")
    assert code == 0, err
    (today,) = AppPaths.for_target(url).backups.glob("rcdesk-copia-*.dump")
    assert rows_of(restored(pg_server, today)) == rows_of(url)


def index_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return set(c.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'person'").scalars())
    finally:
        engine.dispose()


def test_without_pg_dump_the_user_is_told_backups_are_the_servers_job(pg_url, monkeypatch, caplog):
    monkeypatch.setattr(backup, "pg_dump_program", lambda: None)
    code, out, err = run(pg_url, "backup")
    assert code == 2 and "pg_dump" in err and "las copias de seguridad las hace el servidor" in err
    assert "Traceback" not in err
    backups = AppPaths.for_target(pg_url).backups
    assert not backups.exists() or not any(backups.iterdir())
    # before an upgrade the schema change goes on, with the reason in the log
    assert backup.backup_server(AppPaths.for_target(pg_url), pre_upgrade_from=12) is None
    assert "without a copy" in caplog.text


def test_an_older_pg_dump_than_the_server_is_named_in_spanish(pg_url, monkeypatch, tmp_path):
    fake = tmp_path / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump: error: aborting because of server version mismatch' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(backup, "pg_dump_program", lambda: str(fake))
    code, _, err = run(pg_url, "backup")
    assert code == 2 and "versión de PostgreSQL anterior" in err and str(fake) in err
    assert not list(AppPaths.for_target(pg_url).backups.glob("*"))


def test_pg_dump_is_found_in_the_distributions_versioned_folder(monkeypatch, tmp_path):
    installed = pgs.bindir()
    assert installed is not None
    monkeypatch.setattr("shutil.which", lambda name: None)  # not on the program path
    assert pg_tools.find_program("pg_dump") == str(installed / "pg_dump")
    assert backup.pg_dump_program() == str(installed / "pg_dump")
    # several versions: the newest (a newer pg_dump copies an older server, never the reverse)
    for version in ("9.6", "15", "16", "10"):
        program = tmp_path / "usr" / "lib" / "postgresql" / version / "bin" / "pg_dump"
        program.parent.mkdir(parents=True)
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
    found = pg_tools.find_program("pg_dump", [f"{tmp_path}/usr/lib/postgresql/*/bin/{{name}}"])
    assert found == str(tmp_path / "usr" / "lib" / "postgresql" / "16" / "bin" / "pg_dump")
    assert pg_tools.find_program("pg_dump", [f"{tmp_path}/nada/*/{{name}}"]) is None
