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


def test_the_smoke_walk_opens_every_page_of_the_demo_and_quits(demo_db_path, tmp_path):
    out = tmp_path / "gui.json"
    env = dict(
        os.environ,
        RCDESK_SMOKE_GUI="pages",
        RCDESK_SMOKE_OUT=str(out),
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    code = (
        "import runpy, sys\n"
        f"runpy.run_path({str(ROOT / 'packaging' / 'rth_smoke.py')!r})\n"
        "import main\n"
        f"sys.argv = ['rcdesk-gui', '--db', {str(demo_db_path)!r}]\n"
        "sys.exit(main.main())\n"
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
    except subprocess.TimeoutExpired:
        raise AssertionError("the window did not finish the smoke walk (hung)") from None
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "RCDESK_SMOKE_READY" in proc.stdout
    report = json.loads(out.read_text("utf-8"))
    assert report["errors"] == []
    from ui.pages import PAGE_INDEX

    assert len(report["pages"]) == len(PAGE_INDEX) and report["guide_chars"] > 1000
