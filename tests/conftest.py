"""Shared fixtures. Qt runs offscreen; every test gets its own throw-away database."""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
# keep tests away from the real user's data folder
os.environ.pop("RCDESK_DB", None)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "rcdesk.db"


@pytest.fixture
def db(db_path: Path):
    from rcdesk.db.database import Database

    database = Database.open(db_path, name="Pruebas")
    yield database
    database.close()


@pytest.fixture
def seed_dir() -> Path:
    """The shipped seed workbooks (demo data and templates)."""
    return ROOT / "rcdesk" / "data" / "seeds"


@pytest.fixture
def ui_ctx(qtbot, db, tmp_path):  # noqa: ARG001 - qtbot ensures a QApplication
    from PySide6.QtCore import QSettings

    from ui.shell import UiContext
    from ui.tasks import SyncTaskRunner

    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    ctx = UiContext(db=db, runner=SyncTaskRunner(), settings=settings)
    yield ctx
