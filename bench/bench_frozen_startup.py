"""Start-up of the frozen rcdesk-gui vs a bare PySide6 window frozen the same way (issue 15).

Both are PyInstaller one-folder builds with packaging/freeze.py's exclusions. Each measurement
is a fresh process (first hit, as a user double-clicking the icon), timed from spawn until the
process has shown its window, processed its first paint and quit: the bare window quits on its
first event-loop turn, rcdesk-gui once the home page has its figures on screen (the
RCDESK_SMOKE_GUI=ready hook in packaging/rth_smoke.py). Runs alternate; medians are reported.

    .venv/bin/python bench/bench_frozen_startup.py [--runs 7] [--dist dist]
Needs dist/rcdesk from `python packaging/smoke.py` (or pyinstaller packaging/rcdesk.spec);
the bare window is frozen into bench/_work on first use (~1 min).
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

from bench_startup import user_screen

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "_work" / "frozen_bare"
EXE = ".exe" if sys.platform == "win32" else ""

BARE = """import sys
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

# the same Analysis options and Qt trimming as packaging/rcdesk.spec, for one windowed program
SPEC = """import sys
sys.path.insert(0, {packaging!r})
import freeze
a = Analysis([{script!r}], excludes=freeze.QT_EXCLUDES + freeze.OTHER_EXCLUDES)
a.binaries = freeze.without_os_libraries(freeze.prune_unreached(
    [e for e in a.binaries if freeze.keep_qt_entry(e[0])]))
a.datas = [e for e in a.datas if freeze.keep_qt_entry(e[0])]
a.binaries, a.datas = (freeze.without_dangling_links(a.binaries, a.datas),
                       freeze.without_dangling_links(a.datas, a.binaries))
windows = sys.platform == "win32"
exe = EXE(PYZ(a.pure), a.scripts, [], exclude_binaries=True, name="bare", console=False, upx=False,
          strip=not windows)
COLLECT(exe, a.binaries, a.datas, upx=False, strip=not windows, name="bare")
"""


def build_bare() -> Path:
    exe = WORK / "dist" / "bare" / f"bare{EXE}"
    if exe.exists():
        return exe
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "bare_window.py").write_text(BARE, encoding="utf-8")
    (WORK / "bare.spec").write_text(
        SPEC.format(packaging=str(ROOT / "packaging"), script=str(WORK / "bare_window.py")), encoding="utf-8"
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(WORK / "dist"),
            "--workpath",
            str(WORK / "build"),
            str(WORK / "bare.spec"),
        ],
        check=True,
    )
    return exe


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=120)
    return time.perf_counter() - t0


def size_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--dist", type=Path, default=ROOT / "dist")
    args = ap.parse_args()
    bundle = args.dist / "rcdesk"
    if not (bundle / f"rcdesk-gui{EXE}").exists():
        print(f"no frozen build in {bundle}: run packaging/smoke.py first", file=sys.stderr)
        return 2
    bare = build_bare()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.setdefault("QT_QPA_PLATFORM", user_screen())
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        subprocess.run(
            [str(bundle / f"rcdesk{EXE}"), "--db", str(db), "demo"], check=True, capture_output=True, env=env
        )
        ours_cmd = [str(bundle / f"rcdesk-gui{EXE}"), "--db", str(db)]
        ours_env = dict(env, RCDESK_SMOKE_GUI="ready")
        timed([str(bare)], env), timed(ours_cmd, ours_env)  # warm the OS file cache for both
        b_runs, o_runs = [], []
        for _ in range(args.runs):  # interleaved so machine load affects both alike
            b_runs.append(timed([str(bare)], env))
            o_runs.append(timed(ours_cmd, ours_env))
    b, o = statistics.median(b_runs), statistics.median(o_runs)
    print(
        f"frozen bare PySide6 window + table view : {b * 1000:7.0f} ms (median of {args.runs}; "
        f"{size_mib(bare.parent):.0f} MiB)"
    )
    print(
        f"frozen rcdesk-gui, home page with figures: {o * 1000:7.0f} ms (median of {args.runs}; "
        f"{size_mib(bundle):.0f} MiB)"
    )
    print(f"ratio: {o / b:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
