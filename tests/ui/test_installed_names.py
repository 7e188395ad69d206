"""The wheel installs `rcdesk` and `rcdesk_gui` only: no generic top-level `ui`, `resources` or `main` that would
clash with another package in the user's site-packages (issue 12).

pyproject maps the source tree's `ui/` to `rcdesk_gui` and `resources/` into it; that works only while ui/ imports
itself relatively and finds its files through `ui/shipped.py`. The second test lays the files out as the wheel
does (from pyproject's own `package-dir`) and imports every GUI module from there in a fresh interpreter.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERIC = {"ui", "resources", "main"}


def test_ui_never_imports_itself_or_resources_by_an_absolute_name():
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("ui."):
                names = [node.value]
            offenders += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names if n.split(".")[0] in GENERIC]
    assert not offenders, "use relative imports inside ui/:\n" + "\n".join(offenders)


def test_gui_runs_from_the_installed_layout(tmp_path):
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_dir = config["tool"]["setuptools"]["package-dir"]
    scripts = config["project"]["gui-scripts"]
    assert not GENERIC & {name.split(".")[0] for name in package_dir}
    site = tmp_path / "site-packages"
    # parents before children: `rcdesk_gui.resources` lands inside the copied `rcdesk_gui`
    for name, folder in sorted(package_dir.items(), key=lambda kv: kv[0].count(".")):
        shutil.copytree(ROOT / folder, site.joinpath(*name.split(".")), ignore=shutil.ignore_patterns("__pycache__"))
    module, func = scripts["rcdesk-gui"].split(":")
    code = f"""
import importlib, pkgutil, sys
import rcdesk_gui
for info in pkgutil.walk_packages(rcdesk_gui.__path__, "rcdesk_gui."):
    importlib.import_module(info.name)
from rcdesk_gui.help import GUIDE
from rcdesk_gui.main_window import section_icon
from rcdesk_gui.shell import discover_pages
assert callable(getattr(importlib.import_module({module!r}), {func!r}))
assert (GUIDE / "index.md").exists() or any(GUIDE.glob("*.md")), GUIDE
assert rcdesk_gui.__file__.startswith({str(site)!r}), rcdesk_gui.__file__
generic = sorted(m for m in sys.modules if m.split(".")[0] in {sorted(GENERIC)!r})
assert not generic, generic
print(len(discover_pages()))
"""
    # run from the temporary folder so the source tree's `ui` is not importable by accident
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert int(proc.stdout.split()[-1]) >= 5  # the sections were discovered from the installed package
