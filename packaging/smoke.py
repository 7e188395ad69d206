"""Frozen smoke test: build the bundle with packaging/rcdesk.spec, then use it as a user would.

    python packaging/smoke.py                 # build and check (about 2-4 minutes on 2 cores)
    python packaging/smoke.py --if-changed    # same, but only when packaging/ or the dependencies
                                              # changed since the last passing run (.ci/run uses this)
    python packaging/smoke.py --no-build      # check an existing dist/rcdesk
    python packaging/smoke.py --unchanged     # exit 0 when that run would be skipped, else 1

Checks, each failing the run: the bundle fits the size budget; every first-party module imports
inside the frozen programs (the console one: all of rcdesk; the windowed one: ui and what it
uses); the frozen `rcdesk` runs init (encrypted), demo, report seguimiento and export consolidated and writes
real files; holiday names come out in Spanish (the `holidays` translations are bundled); the
frozen `rcdesk-gui` starts offscreen on the demo database, opens every page and the guide, and
reports no error. On success the fingerprint of the inputs is written to packaging/smoke.sha256
(commit it with the packaging change), which is what --if-changed compares.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STAMP = HERE / "smoke.sha256"
SIZE_BUDGET_MB = 180  # MiB, as du and Windows Explorer count them
EXE = ".exe" if sys.platform == "win32" else ""
sys.path.insert(0, str(HERE))
import freeze  # noqa: E402


def fingerprint() -> str:
    """SHA-256 over packaging/ (but the stamp) and the dependency lists of pyproject.toml."""
    digest = hashlib.sha256()
    for path in sorted(HERE.rglob("*")):
        if path.is_file() and path != STAMP and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    deps = {
        "dependencies": project.get("dependencies", []),
        "packaging": project.get("optional-dependencies", {}).get("packaging", []),
    }
    digest.update(json.dumps(deps, sort_keys=True).encode())
    return digest.hexdigest()


def build(dist: Path, work: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(HERE / "rcdesk.spec"),
        ],
        check=True,
        cwd=ROOT,
    )
    return time.perf_counter() - t0


def bundle_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


class Smoke:
    def __init__(self, bundle: Path, tmp: Path) -> None:
        self.bundle, self.tmp = bundle, tmp
        self.cli = bundle / f"rcdesk{EXE}"
        self.gui = bundle / f"rcdesk-gui{EXE}"
        self.db = tmp / "sede.db"
        self.failures: list[str] = []
        # a clean environment: nothing from the source tree or the venv may leak into the frozen run
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "QT_"))}
        self.env.update(
            QT_QPA_PLATFORM="offscreen",
            RCDESK_EXPORT_DIR=str(tmp / "export"),
            HOME=str(tmp / "home"),
            LOCALAPPDATA=str(tmp / "home"),
            APPDATA=str(tmp / "home"),
            XDG_DATA_HOME=str(tmp / "home" / "data"),
            XDG_CONFIG_HOME=str(tmp / "home" / "config"),
            # the database is encrypted (init --encrypt): SQLCipher's driver, the key file and Argon2id
            # must all work frozen; every later command and the window unlock with this
            RCDESK_PASSPHRASE="prueba de humo 2026",
        )

    def check(self, ok: bool, what: str) -> None:
        print(("  ok   " if ok else "  FAIL ") + what, flush=True)
        if not ok:
            self.failures.append(what)

    def run(self, exe: Path, *args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [str(exe), *args],
            env=env or self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            cwd=self.tmp,
        )
        bad = proc.returncode != 0 or "Traceback" in proc.stderr or "ModuleNotFoundError" in proc.stderr
        self.check(
            not bad, f"{exe.name} {' '.join(args[2:] if args[:1] == ('--db',) else args)} (exit {proc.returncode})"
        )
        if bad:
            print(proc.stdout[-2000:], proc.stderr[-4000:], sep="\n", file=sys.stderr)
        return proc

    def imports(self, exe: Path, modules: list[str], *args: str) -> None:
        listing, out = self.tmp / f"{exe.stem}-modules.txt", self.tmp / f"{exe.stem}-imports.json"
        listing.write_text("\n".join(modules), encoding="utf-8")
        env = dict(self.env, RCDESK_SMOKE_IMPORTS=str(listing), RCDESK_SMOKE_OUT=str(out))
        subprocess.run([str(exe), *args], env=env, capture_output=True, timeout=300, cwd=self.tmp)
        report = json.loads(out.read_text("utf-8")) if out.exists() else {"imported": 0, "failures": {"?": "no report"}}
        for name, error in sorted(report["failures"].items()):
            print(f"    {name}: {error.strip().splitlines()[-1]}", file=sys.stderr)
        self.check(not report["failures"], f"{exe.name}: {report['imported']} of {len(modules)} modules import")

    def command_line(self) -> None:
        db = ["--db", str(self.db)]
        self.run(self.cli, *db, "init", "--role", "hq", "--name", "Sede de prueba", "--encrypt")
        self.check(
            self.db.exists() and not self.db.read_bytes().startswith(b"SQLite format 3"),
            "the database is encrypted (SQLCipher in the bundle)",
        )
        self.run(self.cli, *db, "demo")
        rows = json.loads(self.run(self.cli, *db, "--json", "plan", "list").stdout or "{}").get("plans", [])
        # a Colombian MURC plan of 2022: the cut of 30 April falls inside its year
        plan = next((p for p in rows if p.get("layout") == "murc" and p.get("year") == 2022), {})
        self.check(bool(plan), f"demo plans listed ({len(rows)})")
        pdf, xlsx = self.tmp / "informe.pdf", self.tmp / "consolidado.xlsx"
        if plan:
            self.run(
                self.cli,
                *db,
                "report",
                "seguimiento",
                str(plan.get("plan_id")),
                "--cut",
                "2022-04-30",
                "--out",
                str(pdf),
            )
            self.check(pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-", "informe de seguimiento is a PDF")
        self.run(self.cli, *db, "export", "consolidated", "--out", str(xlsx))
        self.check(xlsx.exists() and xlsx.read_bytes()[:2] == b"PK", "libro consolidado is a workbook")
        text = self.run(self.cli, *db, "holidays", "list", "--country", "CO", "--year", "2026").stdout
        self.check("Año Nuevo" in text, "holiday names in Spanish (holidays translations bundled)")

    def window(self) -> None:
        out = self.tmp / "gui.json"
        env = dict(self.env, RCDESK_SMOKE_GUI="pages", RCDESK_SMOKE_OUT=str(out))
        t0 = time.perf_counter()
        self.run(self.gui, "--db", str(self.db), env=env, timeout=180)
        report = json.loads(out.read_text("utf-8")) if out.exists() else {"pages": [], "errors": ["no report"]}
        for error in report["errors"]:
            print(error, file=sys.stderr)
        self.check(
            not report["errors"] and len(report["pages"]) >= 10,
            f"rcdesk-gui offscreen: {len(report['pages'])} pages opened, "
            f"{len(report['errors'])} errors ({time.perf_counter() - t0:.1f} s)",
        )
        self.check(report.get("guide_chars", 0) > 200, "user guide found in the bundle")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--if-changed", action="store_true", help="skip when the stamp matches the inputs")
    ap.add_argument("--no-build", action="store_true", help="check an existing bundle")
    ap.add_argument("--unchanged", action="store_true", help="only say whether the stamp matches (exit 0/1)")
    ap.add_argument("--dist", type=Path, default=ROOT / "dist")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    args = ap.parse_args(argv)

    current = fingerprint()
    unchanged = STAMP.exists() and STAMP.read_text().split()[0] == current
    if args.unchanged:
        return 0 if unchanged else 1
    if args.if_changed and unchanged:
        print("frozen smoke test skipped: packaging/ and the dependencies are unchanged since its last pass")
        return 0
    if not args.no_build:
        print(f"build: {build(args.dist, args.work):.0f} s", flush=True)
    bundle = args.dist / "rcdesk"
    tmp = Path(tempfile.mkdtemp(prefix="rcdesk-smoke-"))
    try:
        smoke = Smoke(bundle, tmp)
        size = bundle_size(bundle) / 2**20
        smoke.check(size <= SIZE_BUDGET_MB, f"bundle {size:.0f} MB on disk (budget {SIZE_BUDGET_MB} MB)")
        core = freeze.first_party_modules("rcdesk")
        smoke.imports(smoke.cli, core, "--version")
        smoke.imports(smoke.gui, core + freeze.first_party_modules("ui"), "--help")
        smoke.command_line()
        smoke.window()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if smoke.failures:
        print(f"frozen smoke test FAILED: {len(smoke.failures)} check(s)", file=sys.stderr)
        return 1
    STAMP.write_text(f"{current}  packaging/ + pyproject dependencies (written by packaging/smoke.py)\n")
    print("frozen smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
