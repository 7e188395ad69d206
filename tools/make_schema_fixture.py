"""Rebuild the stored databases of earlier schemas (tests/fixtures/schemas/rcdesk-*.db.xz).

Each fixture is written by the code of the commit that shipped that schema, never by today's
code, so the upgrade tests see what users' files really hold. The commit is checked out in a
throw-away git worktree and run with this venv's packages (PYTHONPATH points at the worktree):

- 0001…0004: the first landing (94b3745) stopped at that revision (its `migrate.upgrade_to`),
  then filled by the demo steps whose tables exist at that revision;
- 0005: the first landing's own `rcdesk demo`;
- 0006: `rcdesk demo` of the commit that added revision 0006;
- 0009: `rcdesk demo` of the second landing (6edc367), which shipped 0007-0009 together;
- 0014: `rcdesk demo` of the third landing (7b561b6), which shipped 0010-0014 together;
- 0017: `rcdesk demo` of the fourth landing (03a8523), which shipped 0015-0017 together (its
  `init` told `--no-encrypt`: from then on a field database is encrypted by default);
- 0005-early: `rcdesk demo` of 3426b94, the last commit before revisions 0004
  and 0005 were edited: its database is stamped 5 yet lacks
  attendance.search_text and sync_record.hq_conflict;
- 0005-nosync: `Database.open` of ee35348 (revision 0005 still empty): stamped 5, without the
  sync_* tables and without attendance.search_text.

The database is then checkpointed, vacuumed, switched to a rollback journal (one
self-contained file) and xz-compressed; the demo databases are a few MB raw but under 300 KB
compressed. Usage: `python tools/make_schema_fixture.py [NAME ...]` (default: all).
"""

from __future__ import annotations

import argparse
import lzma
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "schemas"

FIRST_LANDING = "94b37454f5ec0f4318412a6cf0aa40a85fa16b14"


@dataclass(frozen=True)
class Recipe:
    commit: str
    script: str
    note: str


def _partial(revision: str, steps: tuple[str, ...]) -> str:
    """Stop the first landing's migrations at `revision` and run the demo steps it can hold."""
    return textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from rcdesk.db import migrate
        from rcdesk.db.database import Database
        from rcdesk.db.engine import make_engine
        from rcdesk.jobs import no_progress
        from rcdesk.paths import AppPaths
        from rcdesk.services.reference import ReferenceService
        import importlib

        paths = AppPaths.for_database(Path(sys.argv[1])).ensure()
        engine = make_engine(paths.database)
        migrate.upgrade_to(engine, {revision!r})
        db = Database(paths, engine)
        db._ensure_installation(name="Técnico Guamote", role="field")
        ReferenceService(db).ensure_builtin_territories()
        for step in {steps!r}:
            importlib.import_module("rcdesk.demo." + step).load(db, no_progress)
        db.close()
    """)


_CLI_DEMO = textwrap.dedent("""
    import sys
    from rcdesk.cli import main
    for argv in (["--db", sys.argv[1], "init", "--name", "Técnico Guamote"], ["--db", sys.argv[1], "demo"]):
        code = main(argv)
        if code:
            raise SystemExit(code)
""")

# From the fourth landing on, `init` encrypts a field database unless told not to: the fixtures
# are plain files (the upgrade tests read them with sqlite3).
_CLI_DEMO_PLAIN = _CLI_DEMO.replace('"Técnico Guamote"]', '"Técnico Guamote", "--no-encrypt"]')

_OPEN_ONLY = textwrap.dedent("""
    import sys
    from rcdesk.db.database import Database
    from rcdesk.services.reference import ReferenceService
    db = Database.open(sys.argv[1], name="Técnico Guamote", role="field")
    ReferenceService(db).ensure_builtin_territories()
    ReferenceService(db).find_or_create_institution("GAD Municipal de Guamote")
""")

RECIPES: dict[str, Recipe] = {
    "0001": Recipe(FIRST_LANDING, _partial("0001", ("plans",)), "first landing at revision 0001"),
    "0002": Recipe(FIRST_LANDING, _partial("0002", ("plans", "followup")), "first landing at revision 0002"),
    "0003": Recipe(FIRST_LANDING, _partial("0003", ("plans", "followup", "poa")), "first landing at revision 0003"),
    "0004": Recipe(
        FIRST_LANDING, _partial("0004", ("plans", "followup", "poa", "events")), "first landing at revision 0004"
    ),
    "0005": Recipe(FIRST_LANDING, _CLI_DEMO, "first landing: rcdesk demo"),
    "0006": Recipe("6f36038", _CLI_DEMO, "revision 0006: rcdesk demo"),
    # the second landing shipped 0007, 0008 and 0009 together: 0009 is the released schema
    "0009": Recipe("6edc367", _CLI_DEMO, "second landing (revisions 0007-0009): rcdesk demo"),
    # the third landing (session 3) shipped 0010-0014 together: 0014 is the released schema
    "0014": Recipe("7b561b6", _CLI_DEMO, "third landing (revisions 0010-0014): rcdesk demo"),
    "0017": Recipe("03a8523", _CLI_DEMO_PLAIN, "fourth landing (revisions 0015-0017): rcdesk demo"),
    "0005-early": Recipe("3426b94", _CLI_DEMO, "last commit before 0004 and 0005 were edited"),
    "0005-nosync": Recipe("ee35348", _OPEN_ONLY, "stamped 5 while revision 0005 was still empty"),
}


def _resolve(commit: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", f"{commit}^{{commit}}"], capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"unknown commit {commit}: {out.stderr.strip()}")
    return out.stdout.strip()


def _compact(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("VACUUM")
    finally:
        conn.close()


def build(name: str) -> Path:
    recipe = RECIPES[name]
    commit = _resolve(recipe.commit)
    with tempfile.TemporaryDirectory(prefix="rcdesk-fixture-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit], check=True, capture_output=True
        )
        try:
            db = Path(tmp) / "data" / f"rcdesk-{name}.db"
            db.parent.mkdir()
            env = {**os.environ, "PYTHONPATH": str(tree), "QT_QPA_PLATFORM": "offscreen"}
            subprocess.run([sys.executable, "-c", recipe.script, str(db)], cwd=tree, env=env, check=True)
            _compact(db)
            OUT.mkdir(parents=True, exist_ok=True)
            target = OUT / f"rcdesk-{name}.db.xz"
            target.write_bytes(lzma.compress(db.read_bytes(), preset=9 | lzma.PRESET_EXTREME))
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False, capture_output=True
            )
            shutil.rmtree(tree, ignore_errors=True)
    print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KB ({recipe.note}, {commit[:7]})")
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "names", nargs="*", metavar="NAME", help=f"fixtures to rebuild ({', '.join(RECIPES)}); all by default"
    )
    args = ap.parse_args(argv)
    unknown = [n for n in args.names if n not in RECIPES]
    if unknown:
        ap.error(f"unknown fixture(s): {', '.join(unknown)}")
    for name in args.names or RECIPES:
        build(name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
