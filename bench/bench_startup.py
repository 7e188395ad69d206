"""Start-up: rcdesk's main window with a plan open vs a bare PySide6 window with a table view.

Each measurement is a fresh interpreter (as a user double-clicking the icon), timed from
process start until the window has been shown, its first paint processed and the home
page (the dashboard of the current plan) has its figures on screen; the median of N runs is reported. Requirement (issue 2): ratio <= 1.5.

    .venv/bin/python bench/bench_startup.py [--runs 7]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv)
w = QMainWindow()
model = QStandardItemModel(30, 6)
for r in range(30):
    for c in range(6):
        model.setItem(r, c, QStandardItem(f"celda {r} {c}"))
view = QTableView()
view.setModel(model)
w.setCentralWidget(view)
w.resize(1280, 720)
w.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""

RCDESK = r"""
import sys
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from rcdesk.db.database import Database
from ui.app import create_window
db = Database.open({db!r})
w = create_window(db)
w.show()

def ready():
    # the home page computes its figures on the worker thread: wait until they are shown
    w.ctx.runner.wait()
    app.processEvents()
    app.quit()

QTimer.singleShot(0, ready)
app.exec()
assert w.ctx.current_plan_id, "no plan open"
page = w.stack.currentWidget()
assert getattr(page, "data", True) is not None, "home page has no data"
"""


def timed(code: str, env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # An installed rcdesk has its bytecode compiled by pip; give the source tree the same.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "rcdesk"), str(ROOT / "ui"),
                    str(ROOT / "main.py")], check=True, env=env)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        subprocess.run([sys.executable, "-m", "rcdesk", "--db", str(db), "demo"], check=True,
                       capture_output=True, env=env, cwd=ROOT)
        code = RCDESK.format(root=str(ROOT), db=str(db))
        timed(BARE, env), timed(code, env)  # warm the OS file cache for both
        bare, ours = [], []
        for _ in range(args.runs):  # interleaved so machine load affects both alike
            bare.append(timed(BARE, env))
            ours.append(timed(code, env))
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"bare PySide6 window + table view : {b * 1000:7.0f} ms (median of {args.runs})")
    print(f"rcdesk main window with plan open: {o * 1000:7.0f} ms (median of {args.runs})")
    ratio = o / b
    print(f"ratio: {ratio:.2f}  (requirement <= 1.50) -> {'OK' if ratio <= 1.5 else 'FAIL'}")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
