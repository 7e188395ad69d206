"""Regression guard for the PySide6 binding we pin (6.11.3 on Python 3.11).

PySide6 6.12.0 on Python 3.11 drops a reference to None on every C++→Python conversion of an
empty QVariant (e.g. `index.data(Qt.ToolTipRole)` returning None). Table views call data()
with such roles on every repaint, so the app dies within a few thousand repaints with
"Fatal Python error: none_dealloc". The check runs in a subprocess so that a crash shows up
as a failed test instead of killing pytest. On Python >= 3.12 None is immortal and its
reference count never changes, so the check passes there too.
"""

from __future__ import annotations

import os
import subprocess
import sys

CALLS = 200_000
MAX_DROP = 100  # a healthy binding stays within a handful; the broken one loses ~CALLS

CODE = f"""
import sys
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication

app = QApplication([])
model = QStandardItemModel(1, 1)
model.setItem(0, 0, QStandardItem("texto"))
index = model.index(0, 0)
role = Qt.ItemDataRole.ToolTipRole
assert index.data(role) is None
before = sys.getrefcount(None)
for _ in range({CALLS}):
    index.data(role)
after = sys.getrefcount(None)
print(before - after)
"""


def test_empty_qvariant_to_none_keeps_none_refcount():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, (
        f"the PySide6 subprocess crashed (exit {proc.returncode}); broken binding?\n{proc.stderr[-2000:]}"
    )
    drop = int(proc.stdout.strip().splitlines()[-1])
    assert drop <= MAX_DROP, (
        f"sys.getrefcount(None) dropped by {drop} after {CALLS} data() calls: this PySide6 build leaks "
        "references to None and will crash table views (pin PySide6 6.11.3 on Python 3.11)"
    )
