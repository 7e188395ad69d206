"""Start-up of the frozen rcdesk-gui vs a bare PySide6 window frozen the same way (issues 14, 15).

Both are PyInstaller one-folder builds with packaging/freeze.py's exclusions. Each measurement
is a fresh process (first hit, as a user double-clicking the icon), timed from just before the
spawn until the moments the program prints (time.time(), once the paint has been flushed): the
bare window when its table has been painted; rcdesk-gui when its window is on screen (the home
page's first paint) and when the home page's figures are (the RCDESK_SMOKE_GUI=ready hook in
packaging/rth_smoke.py), on the demo database, on Qt's offscreen screen at the users' 1366x768
(the daily copy, taken as the window closes when it closes that soon, comes after both moments).
Runs alternate; medians are reported with every run.

    .venv/bin/python bench/bench_frozen_startup.py [--runs 7] [--dist dist]
Needs dist/rcdesk from `python packaging/smoke.py` (or pyinstaller packaging/rcdesk.spec);
the bare window is frozen into bench/_work on first use and whenever its program changes (~1 min).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_startup

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "_work" / "frozen_bare"
EXE = ".exe" if sys.platform == "win32" else ""

# the very program bench_startup.py times as its baseline (its probe prints READY once the table
# has been painted), frozen here
BARE = bench_startup.BARE

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
    stamp = WORK / "program.sha256"
    digest = hashlib.sha256((BARE + SPEC).encode()).hexdigest()
    if exe.exists() and stamp.exists() and stamp.read_text().strip() == digest:
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
    stamp.write_text(digest)
    return exe


def timed(cmd: list[str], env: dict, marks: tuple[str, ...]) -> list[float]:
    """Seconds from the spawn to each printed mark (the wall clock both processes read)."""
    t0 = time.time()
    proc = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, timeout=120)
    seen = dict(line.split()[:2] for line in proc.stdout.splitlines() if line.split()[:1] and line.split()[0] in marks)
    missing = [m for m in marks if m not in seen]
    if missing:
        sys.exit(f"{cmd[0]} printed no {missing}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return [float(seen[m]) - t0 for m in marks]


def _runs(times: list[float]) -> str:
    return "[" + " ".join(f"{t * 1000:.0f}" for t in times) + "]"


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
    env.setdefault("QT_QPA_PLATFORM", bench_startup.user_screen())
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        subprocess.run(
            [str(bundle / f"rcdesk{EXE}"), "--db", str(db), "demo"], check=True, capture_output=True, env=env
        )
        ours_cmd = [str(bundle / f"rcdesk-gui{EXE}"), "--db", str(db)]
        ours_env = dict(env, RCDESK_SMOKE_GUI="ready")
        ours_marks = ("RCDESK_SMOKE_FRAME", "RCDESK_SMOKE_FIGURES")
        timed([str(bare)], env, ("READY",)), timed(ours_cmd, ours_env, ours_marks)  # warm the file cache
        b_runs, frame_runs, figure_runs = [], [], []
        for _ in range(args.runs):  # interleaved so machine load affects both alike
            b_runs += timed([str(bare)], env, ("READY",))
            frame, figures = timed(ours_cmd, ours_env, ours_marks)
            frame_runs.append(frame)
            figure_runs.append(figures)
    b, frame, figures = (statistics.median(r) for r in (b_runs, frame_runs, figure_runs))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"frozen bare PySide6 window + table view : {b * 1000:5.0f} ms {_runs(b_runs)} ({size_mib(bare.parent):.0f} MiB)"
    )
    print(f"frozen rcdesk-gui ({size_mib(bundle):.0f} MiB), demo database:")
    print(f"  window on screen                       : {frame * 1000:5.0f} ms {_runs(frame_runs)} -> {frame / b:.2f}x")
    print(
        f"  home page's figures on screen          : {figures * 1000:5.0f} ms {_runs(figure_runs)} -> {figures / b:.2f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
