"""Benchmark: moving an SQLite headquarters to a PostgreSQL server (`rcdesk server move`).

The demo, made a headquarters, plus `--rows` generated audit rows (1,000,000 by default) is moved
into a blank server database by rcdesk (schema built, every table copied through the wire forms
with COPY, compared by count and checksum, counters moved), against a raw psycopg `COPY` of the
same rows (plain sqlite3 reads, no conversion, no comparison) into the same tables of a migrated
database, in the same run, on the same server. Each side runs in a fresh process; peak memory is
that process's maximum resident set size. First hits, no best-of-N. The point is the memory: it
must not grow with the rows (the rows are streamed in chunks, never held).

    .venv/bin/python bench/bench_server_move.py [--rows 1000000] [--url URL]
    .venv/bin/python bench/bench_server_move.py --rows 100000     # about a minute
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(folder: Path, rows: int) -> Path:
    path = folder / "sede.db"
    for args in (["demo"], ["init", "--role", "hq"]):
        subprocess.run([sys.executable, "-m", "rcdesk", "--db", str(path), *args], check=True, capture_output=True)
    conn = sqlite3.connect(path)
    me = conn.execute("SELECT id FROM installation WHERE is_self = TRUE").fetchone()[0]
    start = conn.execute("SELECT COALESCE(max(id), 0) FROM audit_log").fetchone()[0] + 1
    values = (
        (
            i,
            "2026-05-20 14:03:00.000000",
            me,
            "operador",
            "plan_activity",
            f"{i:036d}",
            "update",
            '{"name": ["a", "b"]}',
        )
        for i in range(start, start + rows)
    )
    conn.executemany("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values)
    conn.commit()
    conn.close()
    return path


def step_move(source: str, url: str) -> dict:
    from rcdesk.db.move_to_server import move

    before = _peak_mb()
    t = time.perf_counter()
    result = move(Path(source), url)
    return {"seconds": time.perf_counter() - t, "rows": result.total_rows, "peak_mb": _peak_mb(), "start_mb": before}


def step_raw(source: str, url: str) -> dict:
    """The baseline: every table's rows as sqlite3 returns them, COPY'd as they are (a migrated database)."""
    import psycopg

    import rcdesk.models  # noqa: F401
    from rcdesk.db.base import Base

    before = _peak_mb()
    t = time.perf_counter()
    src = sqlite3.connect(source)
    n = 0
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as dst, dst.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        cur.execute("DELETE FROM installation")  # the migrated database's own installation row
        for table in Base.metadata.sorted_tables:
            if table.name == "person_count":
                continue
            cols = [c.name for c in table.columns]
            bools = [i for i, c in enumerate(table.columns) if c.type.python_type is bool]
            names = ", ".join(f'"{c}"' for c in cols)
            rows = src.execute(f'SELECT {names} FROM "{table.name}"')
            with cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                while chunk := rows.fetchmany(5000):
                    for row in chunk:
                        if bools:  # the one conversion a server cannot do itself: 1/0 into a boolean
                            row = tuple(bool(v) if i in bools and v is not None else v for i, v in enumerate(row))
                        copy.write_row(row)
                    n += len(chunk)
    return {"seconds": time.perf_counter() - t, "rows": n, "peak_mb": _peak_mb(), "start_mb": before}


def _run(step: str, source: Path, url: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--step", step, "--source", str(source), "--url", url],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"{step} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--url", help="postgresql://user@host/postgres where databases may be created")
    ap.add_argument("--step", choices=["move", "raw"])
    ap.add_argument("--source")
    args = ap.parse_args()
    if args.step:
        fn = step_move if args.step == "move" else step_raw
        print(json.dumps(fn(args.source, args.url)))
        return
    from tests import pg_server

    folder = Path(tempfile.mkdtemp(prefix="rcdesk-bench-move-"))
    cluster = Path(tempfile.mkdtemp(prefix="rcdesk-bench-pgdata-"))  # its own folder: initdb runs as postgres
    srv = pg_server.PgServer(args.url) if args.url else pg_server.start_cluster(cluster, durable=True)
    try:
        source = build(folder, args.rows)
        srv.admin("CREATE DATABASE bench_move", "CREATE DATABASE bench_raw")
        from rcdesk.db import migrate
        from rcdesk.db.engine import make_engine

        engine = make_engine(srv.url("bench_raw"))
        migrate.upgrade(engine, None)
        engine.dispose()
        moved = _run("move", source, srv.url("bench_move"))
        raw = _run("raw", source, srv.url("bench_raw"))
        for name, r in (("rcdesk server move", moved), ("raw psycopg COPY", raw)):
            print(
                f"{name:>20}: {r['rows']:>9} rows in {r['seconds']:6.1f} s ({r['rows'] / r['seconds']:8.0f} rows/s), "
                f"peak {r['peak_mb']:.0f} MB (process at start {r['start_mb']:.0f} MB)"
            )
        print(f"rate ratio {raw['seconds'] / moved['seconds']:.2f}× the raw COPY (the move also compares every row)")
    finally:
        srv.close()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
