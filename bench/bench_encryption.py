"""Benchmark: an encrypted database (SQLCipher, issue 16) against the same plain database, same run.

Goal: consolidation, attendance import and start-up on an encrypted database at least 0.75× as fast
as on the plain one (ratio = plain time / encrypted time). Each figure is a first hit in a fresh
process; the plain and encrypted runs use the same data (the encrypted database is the plain one
converted by `rcdesk.security.convert.encrypt_database`).

1. consolidation at headquarters of bench_sync's packages (20 installations × 10 packages, 1,000,000
   attendance + 100,000 progress reports at --scale 1): `import_files` into each database;
2. import of an attendance sheet (bench_events' generator, 20,000 rows at --scale 1) into an event:
   `AttendanceService.import_file`;
3. start-up through the real entry point: `python -m rcdesk --db DB --json deadlines` (open the
   database, unlock it with RCDESK_PASSPHRASE when encrypted, Argon2id included, read the deadlines
   of every plan) on the demo database; wall time of the whole process, alternating plain and
   encrypted, --runs of each (all printed, the median compared).

The SQLite under each side and the encrypted file's cipher settings are printed first (the plain side
runs the standard library's SQLite, the encrypted one SQLCipher's), and the consolidation's time in
COMMIT on each side: an encrypted page is encrypted and signed when the commit writes it to the WAL.

    .venv/bin/python bench/bench_encryption.py [--scale 0.1] [--runs 5] [--keep DIR]
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PASS = "banco de pruebas 2026"
GOAL = 0.75


def _encrypted_copy(src_db: Path, dest_db: Path) -> None:
    """`dest_db` (and its companion folder) = `src_db`'s, then converted to an encrypted database."""
    from rcdesk.paths import AppPaths
    from rcdesk.security import convert

    src_paths, dest_paths = AppPaths.for_database(src_db), AppPaths.for_database(dest_db)
    dest_db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src_db, dest_db)
    if src_paths.data.exists():
        shutil.copytree(src_paths.data, dest_paths.data, dirs_exist_ok=True)
    convert.encrypt_database(dest_db, PASS, paths=dest_paths)


def step_generate(work: Path) -> dict:
    from datetime import date

    from bench_events import sheet_rows, write_xlsx
    from bench_sync import generate

    from rcdesk.db.database import Database
    from rcdesk.services.events import EventInput, EventService

    scale = json.loads((work / "scale.json").read_text())
    gen = generate(work / "sync", scale)
    _encrypted_copy(work / "sync" / "sede" / "rcdesk.db", work / "sync" / "sede_cifrada" / "rcdesk.db")
    rows = max(200, int(20_000 * scale))
    write_xlsx(work / "asistencia.xlsx", sheet_rows(rows, seed=11))
    db = Database.open(work / "att" / "plano.db", name="Técnico")
    event = EventService(db).create(EventInput(title="Deliberación", event_date=date(2026, 5, 20)))
    db.close()
    _encrypted_copy(work / "att" / "plano.db", work / "att" / "cifrado.db")
    env = {**os.environ, "RCDESK_PASSPHRASE": PASS}
    demo = work / "inicio" / "plano.db"
    subprocess.run(
        [sys.executable, "-m", "rcdesk", "--db", str(demo), "--json", "demo"], check=True, capture_output=True, env=env
    )
    _encrypted_copy(demo, work / "inicio" / "cifrado.db")
    return {**gen, "sheet_rows": rows, "event_id": event.event_id}


def _open(db_path: Path):
    from rcdesk.db.database import Database
    from rcdesk.security import setup

    if setup.needs_unlock(db_path):
        setup.unlock(db_path, PASS)
    return Database.open(db_path)


def _time_commits(db) -> list[float]:
    """[wall, CPU] seconds spent in COMMIT on `db`'s engine, filled as it runs: an encrypted page is
    encrypted and signed when the commit writes it to the WAL, so that is where the cipher's cost shows."""
    spent = [0.0, 0.0]
    dialect = db.engine.dialect
    commit = dialect.do_commit

    def timed(dbapi_connection) -> None:
        t, cpu = time.perf_counter(), time.process_time()
        try:
            commit(dbapi_connection)
        finally:
            spent[0] += time.perf_counter() - t
            spent[1] += time.process_time() - cpu

    dialect.do_commit = timed
    return spent


def step_consolidate(work: Path, folder: str) -> dict:
    from rcdesk.sync.consolidate import import_files

    hq = _open(work / "sync" / folder / "rcdesk.db")
    commits = _time_commits(hq)
    t, cpu = time.perf_counter(), time.process_time()
    res = import_files(hq, [work / "sync" / "paquetes"], retry_quarantine=False)
    dt, cpu = time.perf_counter() - t, time.process_time() - cpu
    hq.close()
    bad = [p.message for p in res.packages if p.status != "consolidado"]
    return {"seconds": dt, "cpu": cpu, "commits": commits, "inserted": res.total().inserted, "rejected": bad[:3]}


def step_attendance(work: Path, name: str) -> dict:
    from rcdesk.services.attendance import AttendanceService

    event_id = json.loads((work / "generated.json").read_text())["event_id"]
    db = _open(work / "att" / name)
    t, cpu = time.perf_counter(), time.process_time()
    res = AttendanceService(db).import_file(event_id, work / "asistencia.xlsx")
    dt, cpu = time.perf_counter() - t, time.process_time() - cpu
    db.close()
    return {"seconds": dt, "cpu": cpu, "imported": res.imported}


STEPS = {
    "generate": step_generate,
    "consolidate_plain": lambda w: step_consolidate(w, "sede"),
    "consolidate_enc": lambda w: step_consolidate(w, "sede_cifrada"),
    "attendance_plain": lambda w: step_attendance(w, "plano.db"),
    "attendance_enc": lambda w: step_attendance(w, "cifrado.db"),
}


def run_step(name: str, work: Path) -> dict:
    from bench_sync import run_step as run

    return run(name, work, __file__)


def _engines(work: Path) -> str:
    """Which SQLite each side runs and the encrypted file's cipher settings, printed with the figures:
    the ratio also compares stdlib SQLite with the one SQLCipher is built on."""
    import sqlite3

    from rcdesk.db import driver
    from rcdesk.security import setup

    db = work / "att" / "cifrado.db"
    setup.unlock(db, PASS)
    conn = driver.connect(db)
    try:
        names = ("cipher_version", "cipher_page_size", "cipher_hmac_algorithm", "cipher_memory_security")
        cipher = {n: conn.execute(f"PRAGMA {n}").fetchone()[0] for n in names}
        version = conn.execute("SELECT sqlite_version()").fetchone()[0]
    finally:
        conn.close()
    return (
        f"plain: SQLite {sqlite3.sqlite_version} (stdlib); encrypted: SQLCipher {cipher['cipher_version']} on "
        f"SQLite {version}, page {cipher['cipher_page_size']} B, {cipher['cipher_hmac_algorithm']}, "
        f"memory security {cipher['cipher_memory_security']}"
    )


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def startup(db: Path, encrypted: bool) -> tuple[float, float]:
    """(wall, CPU) seconds of one `python -m rcdesk … deadlines` process."""
    env = {k: v for k, v in os.environ.items() if k != "RCDESK_PASSPHRASE"}
    if encrypted:
        env["RCDESK_PASSPHRASE"] = PASS
    t, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [sys.executable, "-m", "rcdesk", "--db", str(db), "--json", "deadlines"], capture_output=True, env=env, cwd=ROOT
    )
    dt, cpu = time.perf_counter() - t, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"start-up on {db} failed: {done.stderr.decode()[-2000:]}")
    return dt, cpu


def _warm(work: Path) -> None:
    for f in sorted(work.rglob("*")):
        if f.is_file() and f.suffix in (".rcpaq", ".xlsx", ".db"):
            with open(f, "rb") as fh:
                while fh.read(1 << 20):
                    pass


def _ratio(label: str, plain: dict, enc: dict, extra: str = "") -> float:
    """Prints wall and CPU figures (on a machine shared with other work, CPU time shows the cost of
    encryption itself; wall time also shows the waits for the processor and the disk); the wall
    ratio is the one judged."""
    ratio, cpu_ratio = plain["seconds"] / enc["seconds"], plain["cpu"] / enc["cpu"]
    verdict = "ok" if ratio >= GOAL else "BELOW GOAL"
    print(
        f"{label}: plain {plain['seconds']:.2f} s (CPU {plain['cpu']:.2f} s), encrypted {enc['seconds']:.2f} s "
        f"(CPU {enc['cpu']:.2f} s){extra}; ratio {ratio:.2f} (CPU {cpu_ratio:.2f}) (goal >= {GOAL}) {verdict}"
    )
    return ratio


def main() -> int:
    # --scale 1.0 = 1,000,000 attendance rows consolidated
    runs = (("--runs",), {"type": int, "default": 5, "help": "fresh start-up processes of each kind"})
    from bench_sync import command_line

    parsed = command_line(STEPS, "rcdesk-bench-cifrado-", extra=(runs,))
    if parsed is None:
        return 0
    args, work = parsed
    (work / "scale.json").write_text(json.dumps(args.scale))
    t = time.perf_counter()
    gen = run_step("generate", work)
    (work / "generated.json").write_text(json.dumps(gen))
    print(f"generated {gen} in {time.perf_counter() - t:.1f} s", flush=True)
    print(_engines(work), flush=True)
    ratios = []
    _warm(work)  # the first consolidation must not pay for reading the packages from disk alone
    plain, enc = run_step("consolidate_plain", work), run_step("consolidate_enc", work)
    if plain["rejected"] or enc["rejected"]:
        print("REJECTED:", plain["rejected"], enc["rejected"])
    rows = gen["attendance"] + gen["reports"]
    ratios.append(_ratio(f"consolidation of {rows:,} rows", plain, enc, f" ({enc['inserted']:,} inserted)"))
    print(
        "  of which in COMMIT (WAL writes, encryption, checkpoints): plain {:.2f} s (CPU {:.2f} s), "
        "encrypted {:.2f} s (CPU {:.2f} s)".format(*plain["commits"], *enc["commits"])
    )
    plain, enc = run_step("attendance_plain", work), run_step("attendance_enc", work)
    ratios.append(_ratio(f"attendance import of {gen['sheet_rows']:,} rows", plain, enc))
    times: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for _ in range(args.runs):
        for encrypted in (False, True):
            db = work / "inicio" / ("cifrado.db" if encrypted else "plano.db")
            times[encrypted].append(startup(db, encrypted))
    runs = " / ".join(" ".join(f"{x[0]:.2f}" for x in times[k]) for k in (False, True))
    median = {
        k: {"seconds": statistics.median(x[0] for x in v), "cpu": statistics.median(x[1] for x in v)}
        for k, v in times.items()
    }
    ratios.append(
        _ratio(
            "start-up (python -m rcdesk … deadlines, median)",
            median[False],
            median[True],
            f" (runs plain / encrypted: {runs})",
        )
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if min(ratios) >= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
