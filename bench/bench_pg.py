"""Benchmark: headquarters on PostgreSQL — consolidation rate, and several operators at once.

1. Consolidation: the `bench_sync` packages (20 installations × 10 signed packages, attendance
   sealed for headquarters and progress reports; `--scale`) consolidated by rcdesk into a server
   database, against a raw psycopg `COPY` of the same rows (already decrypted and decoded in
   memory, one transaction per package) into the same tables of an identical database, in the
   same run, on the same server. First hits, no best-of-N; each side in a fresh process; peak
   memory is the consolidating process's maximum resident set size.
2. Several operators (`--stress SECONDS`, 0 to skip): four processes consolidating different
   installations' packages and two reviewing the same open conflicts at once, for at most the
   given time; then the contents are compared: every generated record present once, every
   conflict decided exactly once (one audit row, one version step), no error anywhere.

The server is a throw-away cluster (the tests' `tests/pg_server.py`, here with fsync and
synchronous commits ON, as a real server) unless `--url postgresql://user@host/postgres` names
one where databases may be created.

    .venv/bin/python bench/bench_pg.py [--scale 1.0] [--stress 60] [--url URL] [--keep DIR]
    .venv/bin/python bench/bench_pg.py --scale 0.1 --stress 30    # a few minutes
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_sync  # noqa: E402  (the same generated packages)

CONSOLIDATORS, REVIEWERS = 4, 2
# headquarters' keys on a server are sealed under a passphrase (rcdesk/sync/hq_keys.py): every
# step (a process of its own) opens them with this one, as an operator with the variable set would
os.environ.setdefault("RCDESK_HQ_PASSPHRASE", "frase de la sede del banco de pruebas")
CONFLICTS = 60  # progress reports two extra installations both edit from the same base


def pg_url(base: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    return u.set(database=name).render_as_string(hide_password=False)


def admin(base: str, *statements: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(base)
    with psycopg.connect(
        host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database, autocommit=True
    ) as c:
        for s in statements:
            c.execute(s)


# -- preparation (a child process) ---------------------------------------------------------
def step_generate(work: Path) -> dict:
    """bench_sync's packages and headquarters, the headquarters copied into the server twice
    (rcdesk's and the raw baseline's), plus two installations whose packages conflict."""
    from tests.pg_copy import copy_sqlite_to_server

    cfg = json.loads((work / "cfg.json").read_text())
    gen = bench_sync.generate(work, cfg["scale"])
    _conflict_packages(work)
    base = cfg["base"]
    admin(base, 'CREATE DATABASE "rcdesk_bench_hq"')
    url = pg_url(base, "rcdesk_bench_hq")
    from rcdesk.db.database import Database

    Database.open(url, name="Sede").close()
    copy_sqlite_to_server(work / "sede" / "rcdesk.db", url)
    admin(base, 'CREATE DATABASE "rcdesk_bench_raw" TEMPLATE "rcdesk_bench_hq"')
    return gen


def _conflict_packages(work: Path) -> None:
    """Two more installations (21, 22), each with one package editing the same progress reports of
    installation 1's first package from version 1: the first to arrive applies, the second queues
    a conflict for every one of them."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from sqlalchemy import insert

    from rcdesk.db.database import Database
    from rcdesk.db.migrate import head_version
    from rcdesk.ids import new_id
    from rcdesk.models.core import Installation
    from rcdesk.models.sync import SyncPeer
    from rcdesk.sync.keys import KeyRing, load_or_create
    from rcdesk.sync.package import PackageWriter, open_package
    from rcdesk.sync.verify import read_tables

    hq = Database.open(work / "sede" / "rcdesk.db")
    ring = load_or_create(hq)
    first = sorted((work / "paquetes").glob("campo01-01.rcpaq"))[0]
    with open_package(first) as pkg:
        from rcdesk.sync.keys import Opener

        opener = Opener(ring.enc_key, pkg.manifest["encryption"]["ephemeral_public"])
        reports = next(t for t in read_tables(pkg, opener) if t.name == "progress_report")
    cols = list(reports.columns)
    rows = [list(r[:-1]) for r in reports.rows[:CONFLICTS]]
    (work / "conflict_ids.json").write_text(json.dumps([r[cols.index("id")] for r in rows]))
    out = work / "conflictos"
    out.mkdir()
    for n, note in ((21, "Revisado por el técnico 21"), (22, "Revisado por el técnico 22")):
        kr, fid = KeyRing(Ed25519PrivateKey.generate(), X25519PrivateKey.generate()), new_id()
        with hq.connect() as conn:
            conn.execute(
                insert(Installation.__table__).values(
                    id=fid, name=f"Técnico {n}", role="field", is_self=False, next_seq=1
                )
            )
            conn.execute(
                insert(SyncPeer.__table__).values(
                    installation_id=fid,
                    sign_public=kr.sign_public,
                    enc_public=kr.enc_public,
                    trusted=True,
                    revoked=False,
                    last_seq=0,
                )
            )
        lines = []
        for r in rows:
            d = dict(zip(cols, r))
            d.update(version=2, modified_by=fid, review_note=note, updated_at="2026-06-01 09:00:00.000000")
            lines.append(json.dumps([d[c] for c in cols] + [1], ensure_ascii=False))  # base version 1
        writer = PackageWriter(out / f"campo{n}-01.rcpaq", "field")
        writer.add_bytes("records/progress_report.jsonl", ("\n".join(lines) + "\n").encode())
        manifest = {
            "schema_version": head_version(),
            "installation": {
                "id": fid,
                "name": f"Técnico {n}",
                "role": "field",
                "sign_public": kr.sign_public,
                "enc_public": kr.enc_public,
            },
            "target": {"id": hq.installation_id, "name": hq.installation_name},
            "seq": 1,
            "prev_hash": None,
            "acked_seq": 0,
            "full": False,
            "tables": {"progress_report": {"columns": cols, "personal": [], "count": len(lines)}},
            "counts": {"progress_report": len(lines)},
        }
        writer.finish(manifest, kr)
    hq.close()


# -- 1. consolidation rate -----------------------------------------------------------------
def step_consolidate(work: Path) -> dict:
    from rcdesk.db.database import Database
    from rcdesk.sync.consolidate import import_files

    hq = Database.open(json.loads((work / "cfg.json").read_text())["hq"])
    t = time.perf_counter()
    res = import_files(hq, [work / "paquetes"], retry_quarantine=False)
    dt = time.perf_counter() - t
    tot = res.total()
    hq.close()
    bad = [p.message for p in res.packages if p.status != "consolidado"]
    return {"seconds": dt, "inserted": tot.inserted, "rejected": bad[:3], "peak_mb": bench_sync.rss_mb()}


def step_copy(work: Path) -> dict:
    """psycopg COPY of the same rows, decoded beforehand, one transaction per package."""
    import psycopg
    from sqlalchemy.engine import make_url

    from rcdesk.db.database import Database
    from rcdesk.sync.keys import Opener, load_or_create
    from rcdesk.sync.package import open_package
    from rcdesk.sync.verify import read_tables

    cfg = json.loads((work / "cfg.json").read_text())
    hq = Database.open(cfg["hq"])  # its keys open the sealed members (the server copy holds them)
    ring = load_or_create(hq)
    packages = []
    for p in sorted((work / "paquetes").glob("*.rcpaq")):
        with open_package(p) as pkg:
            opener = Opener(ring.enc_key, pkg.manifest["encryption"]["ephemeral_public"])
            packages.append(
                [(tr.name, tr.columns, [tuple(r[:-1]) + (0,) for r in tr.rows]) for tr in read_tables(pkg, opener)]
            )
    hq.close()
    u = make_url(cfg["raw"])
    n = 0
    with psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database) as c:
        t = time.perf_counter()
        for groups in packages:
            with c.transaction():
                for table, cols, rows in groups:
                    names = ", ".join(f'"{x}"' for x in [*cols, "change_seq"])
                    with c.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as cp:
                        for r in rows:
                            cp.write_row(r)
                    n += len(rows)
        dt = time.perf_counter() - t
    return {"seconds": dt, "rows": n}


# -- 2. several operators at once ------------------------------------------------------------
def step_operator(work: Path, role: str, index: int) -> dict:
    cfg = json.loads((work / "cfg.json").read_text())
    deadline = cfg["deadline"]
    from rcdesk.db.database import Database

    db = Database.open(cfg["hq"])
    db._user = f"{role}-{index}"  # the audit log names who decided
    out: dict = {"errors": [], "done": 0, "refused": 0}
    try:
        if role == "consolidar":
            from rcdesk.sync.consolidate import import_files

            folder = work / "grupos" / str(index)
            res = import_files(db, [folder], retry_quarantine=False)
            out["done"] = sum(1 for p in res.packages if p.status == "consolidado")
            out["errors"] = [f"{p.file}: {p.message}" for p in res.packages if p.status != "consolidado"]
        else:
            from rcdesk.errors import UserError
            from rcdesk.services.sync import SyncService

            svc, rnd = SyncService(db), random.Random(index)
            idle = 0
            while time.time() < deadline and idle < 50:
                open_ = svc.conflicts()
                if not open_:
                    idle += 1
                    time.sleep(0.1)
                    continue
                idle = 0
                for c in open_:
                    try:
                        svc.resolve(c.conflict_id, rnd.choice(["sede", "campo"]))
                        out["done"] += 1
                    except UserError as exc:
                        if "ya no está abierto" not in str(exc):
                            out["errors"].append(str(exc))
                        out["refused"] += 1
    except Exception as exc:  # counted: the stress test's measure is zero of these
        out["errors"].append(f"{type(exc).__name__}: {exc}")
    finally:
        db.close()
    return out


def stress(work: Path, seconds: float) -> dict:
    """Four consolidators and two reviewers at once; then the contents compared."""
    from sqlalchemy import create_engine, text

    cfg = json.loads((work / "cfg.json").read_text())
    groups = work / "grupos"
    packages = sorted((work / "paquetes").glob("*.rcpaq"))
    by_field: dict[str, list[Path]] = {}
    for p in packages:
        by_field.setdefault(p.name.split("-")[0], []).append(p)
    conflicting = sorted((work / "conflictos").glob("*.rcpaq"))
    for i in range(CONSOLIDATORS):
        (groups / str(i)).mkdir(parents=True)
    # installation 1's first package (holding the contested reports) and both conflicting
    # packages go in before the start: the reviewers have their conflicts from the first second
    first = by_field["campo01"].pop(0)
    from rcdesk.db.database import Database
    from rcdesk.sync.consolidate import import_files

    db = Database.open(cfg["hq"])
    pre = import_files(db, [first, *conflicting], retry_quarantine=False)
    db.close()
    assert all(p.status == "consolidado" for p in pre.packages), [p.message for p in pre.packages]
    for i, (field, files) in enumerate(sorted(by_field.items())):
        for p in files:
            shutil.copy(p, groups / str(i % CONSOLIDATORS) / p.name)
    cfg["deadline"] = time.time() + seconds
    (work / "cfg.json").write_text(json.dumps(cfg))
    t = time.perf_counter()
    procs = [
        (
            role,
            i,
            subprocess.Popen(
                [sys.executable, __file__, "--step", f"operator:{role}:{i}", "--work", str(work)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            ),
        )
        for role, n in (("consolidar", CONSOLIDATORS), ("revisar", REVIEWERS))
        for i in range(n)
    ]
    results = []
    for role, i, p in procs:
        so, se = p.communicate(timeout=seconds + 600)
        if p.returncode != 0:
            results.append((role, i, {"errors": [se[-2000:]], "done": 0, "refused": 0}))
        else:
            results.append((role, i, json.loads(so.strip().splitlines()[-1])))
    wall = time.perf_counter() - t
    errors = [e for _, _, r in results for e in r["errors"]]
    # contents: every generated record once, every conflict decided once
    ids = set(json.loads((work / "conflict_ids.json").read_text()))
    e = create_engine(cfg["hq"])
    with e.connect() as c:
        n_att = c.execute(text("SELECT count(*), count(DISTINCT id) FROM attendance")).one()
        n_rep = c.execute(text("SELECT count(*), count(DISTINCT id) FROM progress_report")).one()
        status = dict(c.execute(text("SELECT status, count(*) FROM sync_conflict GROUP BY status")).all())
        decided = c.execute(
            text("SELECT record_id, count(*) FROM audit_log WHERE changes LIKE '%conflicto%' GROUP BY record_id")
        ).all()
        versions = dict(
            c.execute(
                text("SELECT version, count(*) FROM progress_report WHERE id = ANY(:i) GROUP BY version"),
                {"i": list(ids)},
            ).all()
        )
    e.dispose()
    gen = cfg["gen"]
    return {
        "wall": wall,
        "errors": errors,
        "packages": sum(r["done"] for role, _, r in results if role == "consolidar") + len(pre.packages),
        "decisions": sum(r["done"] for role, _, r in results if role == "revisar"),
        "refused": sum(r["refused"] for role, _, r in results if role == "revisar"),
        "attendance": list(n_att),
        "reports": list(n_rep),
        "expected_attendance": gen["attendance"],
        "expected_reports": gen["reports"],
        "conflicts": status,
        "decided_twice": sum(1 for _, k in decided if k > 1),
        "decided_records": len(decided),
        "versions": versions,
    }


def run_step(name: str, work: Path) -> dict:
    return bench_sync.run_step(name, work, __file__)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--stress", type=float, default=60.0, help="seconds of several operators (0: skip)")
    ap.add_argument("--url", help="postgresql://user@host:port/postgres (default: a throw-away cluster)")
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--step")
    ap.add_argument("--work", type=Path)
    args = ap.parse_args()
    if args.step:
        if args.step.startswith("operator:"):
            _, role, i = args.step.split(":")
            print(json.dumps(step_operator(args.work, role, int(i)), default=str))
        else:
            print(
                json.dumps(
                    {"generate": step_generate, "consolidate": step_consolidate, "copy": step_copy}[args.step](
                        args.work
                    )
                )
            )
        return
    from tests import pg_server

    work = args.keep or Path(tempfile.mkdtemp(prefix="rcdesk-bench-pg-"))
    work.mkdir(parents=True, exist_ok=True)
    srv = None
    if args.url:
        base = args.url
    else:
        srv = pg_server.start_cluster(Path(tempfile.mkdtemp(prefix="rcdesk-bench-pgdata-")), durable=True)
        base = srv.url("postgres")
    try:
        for name in ("rcdesk_bench_hq", "rcdesk_bench_raw", "rcdesk_bench_ops"):
            admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cfg = {
            "scale": args.scale,
            "base": base,
            "hq": pg_url(base, "rcdesk_bench_hq"),
            "raw": pg_url(base, "rcdesk_bench_raw"),
        }
        (work / "cfg.json").write_text(json.dumps(cfg))
        t = time.perf_counter()
        gen = run_step("generate", work)
        print(f"generated {gen} in {time.perf_counter() - t:.1f} s", flush=True)
        # the operators' run starts from the same headquarters, before anything is consolidated
        admin(base, 'CREATE DATABASE "rcdesk_bench_ops" TEMPLATE "rcdesk_bench_raw"')
        raw = run_step("copy", work)
        ours = run_step("consolidate", work)
        rows = gen["attendance"] + gen["reports"]
        print(
            f"consolidation into PostgreSQL: {rows:,} rows in {gen['packages']} packages: rcdesk "
            f"{ours['seconds']:.1f} s ({rows / ours['seconds']:,.0f} rows/s, peak RSS {ours['peak_mb']:.0f} MB) "
            f"vs raw psycopg COPY {raw['seconds']:.1f} s ({raw['rows'] / raw['seconds']:,.0f} rows/s)"
        )
        if ours["rejected"] or ours["inserted"] != rows:
            print("NOT ALL CONSOLIDATED:", ours["inserted"], ours["rejected"])
        print(
            f"  ratio rcdesk/COPY = {raw['seconds'] / ours['seconds']:.2f} (target >= 0.5); "
            f"peak memory {ours['peak_mb']:.0f} MB (target < 500 MB)",
            flush=True,
        )
        if args.stress > 0:
            cfg["hq"] = pg_url(base, "rcdesk_bench_ops")
            cfg["gen"] = gen
            (work / "cfg.json").write_text(json.dumps(cfg))
            s = stress(work, args.stress)
            lost = (s["expected_attendance"] - s["attendance"][1]) + (s["expected_reports"] - s["reports"][1])
            doubled = (s["attendance"][0] - s["attendance"][1]) + (s["reports"][0] - s["reports"][1])
            print(
                f"operators: {CONSOLIDATORS} consolidating + {REVIEWERS} reviewing for {s['wall']:.1f} s "
                f"(limit {args.stress:g} s): {s['packages']} packages consolidated, {s['decisions']} conflict "
                f"decisions, {s['refused']} refused as already decided; conflicts {s['conflicts']}; "
                f"records decided {s['decided_records']}, twice {s['decided_twice']}; versions of the contested "
                f"records {s['versions']}"
            )
            print(f"  errors {len(s['errors'])}, lost {lost}, doubled {doubled} (target 0, 0, 0)")
            for e in s["errors"][:5]:
                print("   ", e[:300])
    finally:
        if srv is not None:
            srv.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
