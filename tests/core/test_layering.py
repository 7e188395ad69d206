"""The core must run without Qt: a field technician's scripts and the CLI depend on it."""
import subprocess
import sys


def test_core_never_imports_qt_or_ui():
    code = (
        "import sys, pkgutil, importlib, rcdesk\n"
        "for m in pkgutil.walk_packages(rcdesk.__path__, 'rcdesk.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in {'PySide6', 'shiboken6', 'ui'})\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
