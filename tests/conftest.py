"""Shared fixtures. Qt runs offscreen on a 1366×768 screen; every test gets its own throw-away database."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.offscreen import USER_SCREEN, user_screen_platform  # noqa: E402

if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = user_screen_platform()
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
# keep tests away from the real user's data folder
os.environ.pop("RCDESK_DB", None)

import pytest  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _export_folder(tmp_path_factory) -> None:
    """Save dialogs start in the export folder (ui/files.py); never the real «Documentos/rcdesk»."""
    os.environ["RCDESK_EXPORT_DIR"] = str(tmp_path_factory.mktemp("exportaciones"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "rcdesk.db"


@pytest.fixture(scope="session")
def _fresh_database_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated to head for the whole session (running every migration costs ~0.3 s a test)."""
    from rcdesk.db.database import Database

    path = tmp_path_factory.mktemp("template") / "rcdesk.db"
    Database.open(path, name="Pruebas").close()
    return path


@pytest.fixture
def db(db_path: Path, _fresh_database_file: Path):
    """A fresh, empty database of the current schema: a copy of the session's template (same content as
    `Database.open` on a new file; migration tests open their own files)."""
    import shutil

    from rcdesk.db.database import Database

    shutil.copyfile(_fresh_database_file, db_path)
    database = Database.open(db_path, name="Pruebas")
    yield database
    database.close()


# -- PostgreSQL (headquarters on a server): tests/pg_server.py ----------------------------------
PG_HQ_PASSPHRASE = "frase de la sede de pruebas"


@pytest.fixture(scope="session")
def pg_server():
    """This test process's PostgreSQL server; no server is a failure with instructions, never a skip."""
    from tests import pg_server

    try:
        srv = pg_server.server()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def _pg_template(pg_server) -> str:
    """A database migrated to head once per session, copied by `pg_url` for every test."""
    from rcdesk.db.database import Database
    from rcdesk.paths import AppPaths
    from tests import pg_server as pgs

    name = pg_server.new_name()
    pg_server.admin(f'CREATE DATABASE "{name}"')
    url = pg_server.url(name)
    data = Path(tempfile.mkdtemp(prefix="rcdesk-pg-template-"))
    try:
        Database.open(paths=AppPaths(database=data / "servidor", data=data, url=url), name="Pruebas").close()
    finally:
        shutil.rmtree(data, ignore_errors=True)  # only the server database is kept; its companion folder is not needed
    pgs.wait_closed(pg_server, name)
    return name


@pytest.fixture
def pg_url(pg_server, _pg_template, tmp_path, monkeypatch) -> str:
    """A fresh PostgreSQL database of the current schema (a copy of the session's template); the
    companion folder of every server database goes under this test's temporary folder."""
    name = pg_server.new_name()
    pg_server.admin(f'CREATE DATABASE "{name}" TEMPLATE "{_pg_template}"')
    monkeypatch.setattr("rcdesk.paths._user_data", lambda: tmp_path / "datos-usuario")
    # headquarters' keys on a server are sealed under a passphrase (rcdesk/sync/hq_keys.py): the
    # operator of these tests has chosen this one; tests of the passphrase itself unset or change it
    monkeypatch.setenv("RCDESK_HQ_PASSPHRASE", PG_HQ_PASSPHRASE)
    return pg_server.url(name)


@pytest.fixture
def blank_pg_url(pg_server, tmp_path, monkeypatch) -> str:
    """A new server database with nothing in it, as IT hands one over (`rcdesk server move` builds
    its schema); the companion folder of every server database goes under this test's folder."""
    name = pg_server.new_name()
    pg_server.admin(f'CREATE DATABASE "{name}"')
    monkeypatch.setattr("rcdesk.paths._user_data", lambda: tmp_path / "datos-usuario")
    return pg_server.url(name)


@pytest.fixture(scope="session")
def hq_demo(demo_template, tmp_path_factory) -> tuple[Path, dict]:
    """The demo as a headquarters after the demo's exchange step (base package, a laptop's
    package consolidated, one conflict left open), on SQLite: (file, the step's counts). Built once
    per session; tests copy it (`tests/cli/test_hq_engines.copy_file_database`)."""
    from rcdesk.db.database import Database
    from rcdesk.demo import sync as demo_sync
    from rcdesk.jobs import no_progress
    from tests.cli.test_hq_engines import copy_file_database, run

    path = copy_file_database(demo_template[0], tmp_path_factory.mktemp("hq-demo") / "sede.db")
    db = Database.open(path, role="hq")
    try:
        counts = demo_sync.load(db, no_progress)
    finally:
        db.close()
    assert counts.get("sync_conflicts") == 1, counts
    # the holidays of this year are stored on first use: store them before the copies part ways
    assert run(path, "deadlines")[0] == 0
    return path, counts


@pytest.fixture(params=["sqlite", "postgresql"])
def hq_target(request, tmp_path) -> Path | str:
    """Where headquarters' database lives, once per engine: an SQLite file or a server URL."""
    if request.param == "sqlite":
        return tmp_path / "sede" / "rcdesk.db"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def user_screen() -> tuple[int, int]:
    """Width and height of the offscreen screen: the 1366×768 laptops users have."""
    return USER_SCREEN


@pytest.fixture
def seed_dir() -> Path:
    """The shipped seed workbooks (demo data and templates)."""
    return ROOT / "rcdesk" / "data" / "seeds"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> tuple[Path, dict]:
    """`rcdesk demo` (all example data, field installation) run once per session: (database, its JSON).

    Building the demo takes seconds; tests get a copy through `demo_db_path`, never this file.
    """
    import contextlib
    import io
    import json

    from rcdesk.cli import main

    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--db", str(path), "--json", "demo"])
    assert code == 0, "rcdesk demo failed while building the session's demo database"
    return path, json.loads(out.getvalue())


@pytest.fixture
def demo_db_path(demo_template, tmp_path) -> Path:
    """A private copy of the session's demo database (with its companion folder)."""
    import shutil

    from rcdesk.paths import AppPaths

    source, _ = demo_template
    target = tmp_path / source.name
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    companion = AppPaths.for_database(source).data
    if companion.exists():
        shutil.copytree(companion, AppPaths.for_database(target).data)
    return target


@pytest.fixture
def demo_ctx(qtbot, demo_db_path, tmp_path):
    """A UiContext over a copy of the demo database."""
    from PySide6.QtCore import QSettings

    from rcdesk.db.database import Database
    from ui.shell import UiContext
    from ui.tasks import SyncTaskRunner

    database = Database.open(demo_db_path)
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    yield UiContext(db=database, runner=SyncTaskRunner(), settings=settings)
    database.close()


@pytest.fixture
def ui_ctx(qtbot, db, tmp_path):
    from PySide6.QtCore import QSettings

    from ui.shell import UiContext
    from ui.tasks import SyncTaskRunner

    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    ctx = UiContext(db=db, runner=SyncTaskRunner(), settings=settings)
    yield ctx
