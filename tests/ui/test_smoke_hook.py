"""The frozen smoke test's walk through the window (packaging/rth_smoke.py), run here unfrozen on
every change: the bundle is rebuilt only when packaging/ or the dependencies change, and a start-up
change once made that walk hang in the bundle with no test noticing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_hooked(mode: str, db: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """rcdesk-gui's entry point with the frozen bundle's run-time hook set to `mode`."""
    env = dict(
        os.environ,
        RCDESK_SMOKE_GUI=mode,
        RCDESK_SMOKE_OUT=str(tmp_path / "gui.json"),
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    code = (
        "import runpy, sys\n"
        f"runpy.run_path({str(ROOT / 'packaging' / 'rth_smoke.py')!r})\n"
        "import main\n"
        f"sys.argv = ['rcdesk-gui', '--db', {str(db)!r}]\n"
        "sys.exit(main.main())\n"
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the window did not finish the hook's {mode!r} run (hung)") from None
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_the_smoke_walk_opens_every_page_of_the_demo_and_quits(demo_db_path, tmp_path):
    out = tmp_path / "gui.json"
    proc = _run_hooked("pages", demo_db_path, tmp_path)
    assert "RCDESK_SMOKE_READY" in proc.stdout
    report = json.loads(out.read_text("utf-8"))
    assert report["errors"] == []
    from ui.pages import PAGE_INDEX

    assert len(report["pages"]) == len(PAGE_INDEX) and report["guide_chars"] > 1000


def test_the_frozen_start_up_probe_prints_the_window_then_the_figures(demo_db_path, tmp_path):
    """bench/bench_frozen_startup.py reads these two moments from the bundle."""
    proc = _run_hooked("ready", demo_db_path, tmp_path)
    marks = dict(line.split()[:2] for line in proc.stdout.splitlines() if line.startswith("RCDESK_SMOKE_F"))
    assert set(marks) == {"RCDESK_SMOKE_FRAME", "RCDESK_SMOKE_FIGURES"}, proc.stdout
    assert float(marks["RCDESK_SMOKE_FRAME"]) <= float(marks["RCDESK_SMOKE_FIGURES"])
