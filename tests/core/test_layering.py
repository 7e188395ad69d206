"""The core must run without Qt: a field technician's scripts and the CLI depend on it."""

import subprocess
import sys


def test_core_never_imports_qt_or_ui():
    code = (
        "import sys, pkgutil, importlib, rcdesk\n"
        "for m in pkgutil.walk_packages(rcdesk.__path__, 'rcdesk.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in {'PySide6', 'shiboken6', 'ui'})\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_first_screen_does_not_load_heavy_libraries(demo_db_path):
    """Start-up budget: the main window with a plan open must not import SQLAlchemy,
    openpyxl, reportlab or QtCharts (each costs more than a bare Qt window)."""
    db = demo_db_path
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from rcdesk.db.database import Database\n"
        "from ui.app import create_window\n"
        f"w = create_window(Database.open({str(db)!r}))\n"
        "w.show(); app.processEvents()\n"
        "assert w.ctx.current_plan_id\n"
        "heavy = {'sqlalchemy', 'openpyxl', 'reportlab', 'alembic', 'python_calamine'}\n"
        "bad = sorted({n.split('.')[0] for n in sys.modules if n.split('.')[0] in heavy})\n"
        "bad += [n for n in sys.modules if n == 'PySide6.QtCharts']\n"
        "assert not bad, bad\n"
        "w.close()  # waits for the home page's background job, as quitting the app does\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
