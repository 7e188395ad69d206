"""Benchmark: exporting packages (field and base) against plain Python writing the same rows to a zip.

Generates a field laptop holding `--scale` × 1,000,000 attendance rows (Spanish names, ID
numbers and phones) and a headquarters holding `--scale` × 500,000 progress reports, then
measures, each step in a fresh process (first hit, never best-of-N):

  1. field package export (`export_field_package`: rows streamed from the database, personal
     columns deflated and sealed in chunks, signed) vs plain Python writing the same
     attendance rows (plain sqlite3 cursor, one `json.dumps` per row) into one deflated zip
     member: time, peak memory, file size;
  2. base package export (`export_base`, everything) vs plain Python writing the same progress
     reports the same way;
  3. headquarters consolidating the field package (verify, decrypt, check, apply: one
     transaction, records read and applied in parts) vs plain sqlite3 inserting the same
     attendance rows (read from the laptop's database with a plain cursor, executemany into a
     copy of headquarters' database, foreign keys on, one transaction): rate and peak memory
     (target: rate >= 0.5, peak < 500 MB at 1M rows).

Peak memory is the process's maximum resident set size (resource.getrusage), also printed
before the export starts (interpreter + imports + open database) so the growth is visible;
every step, generation included, runs in a child of a small parent (Linux carries a
parent's peak into its children's ru_maxrss).
The load average is printed with the figures: the machine may be shared.

    .venv/bin/python bench/bench_packages.py [--scale 0.1] [--keep DIR]
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# the same people and organisations as bench_sync's packages (run from bench/, like the other benches)
import bench_sync  # noqa: E402
from bench_sync import NAMES, ORGS, SURNAMES, rss_mb  # noqa: E402

STAMP = "2026-05-20 10:00:00.000000"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# -- generation --------------------------------------------------------------------------
def generate(work: Path, scale: float) -> dict:
    import sqlite3
    from datetime import date

    from rcdesk.db.database import Database
    from rcdesk.ids import new_id
    from rcdesk.models.events import Event
    from rcdesk.models.plans import Plan, PlanActivity
    from rcdesk.models.reference import Institution
    from rcdesk.services.sync import SyncService
    from rcdesk.sync.tables import table_by_name

    rnd = random.Random(2026)
    n_att, n_rep = int(1_000_000 * scale), int(500_000 * scale)
    hq = Database.open(work / "sede" / "rcdesk.db", name="Sede Riobamba", role="hq")
    field = Database.open(work / "campo" / "rcdesk.db", name="Técnico Guano", role="field")
    with hq.begin() as s:
        inst = Institution(name="GAD Provincial de Chimborazo", country="EC", kind="GAD_PROVINCIAL")
        s.add(inst)
        s.flush()
        plan = Plan(
            institution_id=inst.id, year=2026, layout="cpccs", title="Rendición de cuentas 2026", header_lines=[]
        )
        s.add(plan)
        s.flush()
        acts, events = [], []
        for i in range(200):
            acts.append(
                PlanActivity(
                    plan_id=plan.id,
                    number=str(i + 1),
                    position=i,
                    description=f"Actividad {i + 1}",
                    stages=[],
                    cuatrimestres=[1, 2],
                    extra={},
                )
            )
            events.append(
                Event(
                    institution_id=inst.id,
                    plan_id=plan.id,
                    title=f"Asamblea parroquial {i + 1}",
                    event_date=date(2026, 3, 1 + i % 28),
                    activity_ids=[],
                    stakeholder_groups=[],
                    checklist=[],
                )
            )
        s.add_all(acts + events)
        s.flush()
        act_ids, event_ids = [a.id for a in acts], [e.id for e in events]
    H, F = SyncService(hq), SyncService(field)
    usb = work / "usb"
    usb.mkdir()
    H.export_base(field.installation_id, usb / "base.rcpaq")
    assert F.import_packages([usb / "base.rcpaq"]).packages[0].status == "importado"
    F.export_package(usb / "primero.rcpaq")  # the first package makes headquarters trust the laptop
    H.import_packages([usb / "primero.rcpaq"])
    H.trust(field.installation_id)
    fid, hid = field.installation_id, hq.installation_id
    hq.close()
    field.close()

    def fill(db: Path, table: str, rows) -> None:
        cols = [c.name for c in table_by_name(table).columns]
        con = sqlite3.connect(db)
        con.execute("PRAGMA synchronous=OFF")
        sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'
        batch = []
        for row in rows:
            batch.append([row.get(c) for c in cols])
            if len(batch) == 20000:
                con.executemany(sql, batch)
                batch.clear()
        con.executemany(sql, batch)
        con.commit()
        con.close()

    def attendance():
        for j in range(n_att):
            first, last = rnd.choice(NAMES), rnd.choice(SURNAMES)
            ced = f"06{rnd.randrange(10**7, 10**8)}"
            full = f"{first} {last} {rnd.choice(SURNAMES)}"
            yield {
                "id": new_id(),
                "created_at": STAMP,
                "updated_at": STAMP,
                "modified_by": fid,
                "version": 1,
                "deleted": 0,
                "change_seq": j + 1,
                "event_id": rnd.choice(event_ids),
                "seq_no": j + 1,
                "full_name": full,
                "id_type": "CEDULA",
                "id_number": ced,
                "id_status": "valid",
                "organization": rnd.choice(ORGS),
                "role": "CIUDADANO",
                "territory_text": "Guano",
                "phone": f"09{rnd.randrange(10**7, 10**8)}",
                "is_minor": 0,
                "signed_on_paper": 1,
                "source": "PUERTA",
                "search_text": f"{full} {ced}".lower(),
            }

    def reports():
        for j in range(n_rep):
            yield {
                "id": new_id(),
                "created_at": STAMP,
                "updated_at": STAMP,
                "modified_by": hid,
                "version": 1,
                "deleted": 0,
                "change_seq": j + 1,
                "activity_id": rnd.choice(act_ids),
                "period_kind": "cuatrimestre",
                "period_no": 1 + j % 3,
                "percent": float(rnd.randrange(0, 101)),
                "done_text": "Se realizaron las reuniones previstas en la parroquia",
                "difficulties": "",
                "justification": "",
                "reporter": "Técnico de planificación",
                "reported_on": "2026-05-20",
                "status": "REPORTADO",
                "reviewer": "",
                "review_note": "",
            }

    fill(work / "campo" / "rcdesk.db", "attendance", attendance())
    fill(work / "sede" / "rcdesk.db", "progress_report", reports())
    return {"attendance": n_att, "reports": n_rep, "field": fid}


# -- measured steps (each in a fresh process) ----------------------------------------------
def _raw_zip(db: Path, table: str, out: Path) -> dict:
    """Plain Python: the same stored columns, one json.dumps per row, into one deflated member."""
    import sqlite3
    import zipfile

    before = rss_mb()
    t = time.perf_counter()
    con = sqlite3.connect(db)
    # the columns a package carries: every stored one but the local change counter
    cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")') if r[1] != "change_seq"]
    n = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf, zf.open(f"{table}.jsonl", "w", force_zip64=True) as fh:
        for row in con.execute(f'SELECT {", ".join(cols)} FROM "{table}" ORDER BY id'):
            fh.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
            n += 1
    con.close()
    return {
        "seconds": time.perf_counter() - t,
        "rows": n,
        "mb": out.stat().st_size / 1024**2,
        "peak_mb": rss_mb(),
        "before_mb": before,
    }


def step_raw_field(work: Path) -> dict:
    return _raw_zip(work / "campo" / "rcdesk.db", "attendance", work / "raw-campo.zip")


def step_raw_base(work: Path) -> dict:
    return _raw_zip(work / "sede" / "rcdesk.db", "progress_report", work / "raw-base.zip")


def step_field(work: Path) -> dict:
    from rcdesk.db.database import Database
    from rcdesk.sync.field_package import export_field_package
    from rcdesk.sync.keys import load_or_create

    db = Database.open(work / "campo" / "rcdesk.db")
    load_or_create(db)
    before = rss_mb()
    out = work / "usb" / "campo.rcpaq"
    t = time.perf_counter()
    res = export_field_package(db, out)
    dt = time.perf_counter() - t
    db.close()
    return {
        "seconds": dt,
        "rows": res.records,
        "mb": out.stat().st_size / 1024**2,
        "peak_mb": rss_mb(),
        "before_mb": before,
    }


def step_base(work: Path) -> dict:
    from rcdesk.db.database import Database
    from rcdesk.sync.base_package import export_base
    from rcdesk.sync.keys import load_or_create

    db = Database.open(work / "sede" / "rcdesk.db")
    load_or_create(db)
    fid = json.loads((work / "gen.json").read_text())["field"]
    before = rss_mb()
    out = work / "usb" / "base2.rcpaq"
    t = time.perf_counter()
    res = export_base(db, fid, out)
    dt = time.perf_counter() - t
    db.close()
    return {
        "seconds": dt,
        "rows": res["records"],
        "reports": res["counts"].get("progress_report", 0),
        "mb": out.stat().st_size / 1024**2,
        "peak_mb": rss_mb(),
        "before_mb": before,
    }


def step_consolidate(work: Path) -> dict:
    from rcdesk.db.database import Database
    from rcdesk.sync.consolidate import import_files

    db = Database.open(work / "sede" / "rcdesk.db")
    before = rss_mb()
    t = time.perf_counter()
    res = import_files(db, [work / "usb" / "campo.rcpaq"], retry_quarantine=False)
    dt = time.perf_counter() - t
    db.close()
    p = res.packages[0]
    return {
        "seconds": dt,
        "status": p.status,
        "message": p.message,
        "inserted": res.total().inserted,
        "peak_mb": rss_mb(),
        "before_mb": before,
    }


def step_raw_consolidate(work: Path) -> dict:
    """Plain sqlite3: the laptop's attendance rows into a copy of headquarters' database."""
    import sqlite3

    shutil.copyfile(work / "sede" / "rcdesk.db", work / "raw-sede.db")
    before = rss_mb()
    t = time.perf_counter()
    src = sqlite3.connect(work / "campo" / "rcdesk.db")
    dst = sqlite3.connect(work / "raw-sede.db", isolation_level=None)
    dst.execute("PRAGMA journal_mode=WAL")
    dst.execute("PRAGMA synchronous=NORMAL")
    dst.execute("PRAGMA foreign_keys=ON")
    cols = [r[1] for r in src.execute('PRAGMA table_info("attendance")')]
    sql = f"INSERT INTO attendance ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    dst.execute("BEGIN")
    cur = src.execute(f"SELECT {', '.join(cols)} FROM attendance ORDER BY id")
    n = 0
    while rows := cur.fetchmany(5000):
        dst.executemany(sql, rows)
        n += len(rows)
    dst.execute("COMMIT")
    dt = time.perf_counter() - t
    return {"seconds": dt, "rows": n, "peak_mb": rss_mb(), "before_mb": before}


def step_generate(work: Path) -> dict:
    return generate(work, json.loads((work / "scale.json").read_text()))


STEPS = {
    "generate": step_generate,
    "raw_field": step_raw_field,
    "raw_base": step_raw_base,
    "field": step_field,
    "base": step_base,
    "consolidate": step_consolidate,
    "raw_consolidate": step_raw_consolidate,
}


def run_step(name: str, work: Path) -> dict:
    return bench_sync.run_step(name, work, __file__)


def compare(what: str, ours: dict, raw: dict) -> None:
    rate, raw_rate = ours["rows"] / ours["seconds"], raw["rows"] / raw["seconds"]
    print(
        f"{what}: rcdesk {ours['rows']:,} rows in {ours['seconds']:.2f} s ({rate:,.0f} rows/s), "
        f"{ours['mb']:.1f} MB, peak RSS {ours['peak_mb']:.0f} MB ({ours['before_mb']:.0f} MB before exporting)\n"
        f"  plain Python zip {raw['rows']:,} rows in {raw['seconds']:.2f} s ({raw_rate:,.0f} rows/s), "
        f"{raw['mb']:.1f} MB, peak RSS {raw['peak_mb']:.0f} MB ({raw['before_mb']:.0f} MB before)\n"
        f"  rate ratio rcdesk/plain = {rate / raw_rate:.2f} (target >= 0.5); size ratio = "
        f"{ours['mb'] / raw['mb']:.2f} (target <= 1.5); memory growth {ours['peak_mb'] - ours['before_mb']:.0f} MB "
        f"vs {raw['peak_mb'] - raw['before_mb']:.0f} MB   [load {load()}]",
        flush=True,
    )


def main() -> None:
    parsed = bench_sync.command_line(STEPS, "rcdesk-bench-packages-", scale=0.1)
    if parsed is None:
        return
    args, work = parsed
    t = time.perf_counter()
    # generation runs in its own process too: Linux carries a parent's peak RSS into the
    # ru_maxrss of the children it starts, so this process must stay small
    (work / "scale.json").write_text(json.dumps(args.scale))
    gen = run_step("generate", work)
    (work / "gen.json").write_text(json.dumps(gen))
    print(
        f"generated {gen['attendance']:,} attendance rows (field) and {gen['reports']:,} progress reports "
        f"(headquarters) in {time.perf_counter() - t:.1f} s   [load {load()}]",
        flush=True,
    )
    compare("field package", run_step("field", work), run_step("raw_field", work))
    base, raw_base = run_step("base", work), run_step("raw_base", work)
    compare(f"base package ({base['reports']:,} progress reports of {base['rows']:,} records)", base, raw_base)
    raw_c = run_step("raw_consolidate", work)
    c = run_step("consolidate", work)
    rate, raw_rate = c["inserted"] / c["seconds"], raw_c["rows"] / raw_c["seconds"]
    print(
        f"consolidating the field package at headquarters: {c['status']} in {c['seconds']:.1f} s "
        f"({c['inserted']:,} inserted, {rate:,.0f} rows/s, peak RSS {c['peak_mb']:.0f} MB, "
        f"{c['before_mb']:.0f} MB before) {c['message']}\n"
        f"  plain sqlite3 insert of the same {raw_c['rows']:,} rows in {raw_c['seconds']:.1f} s "
        f"({raw_rate:,.0f} rows/s, peak RSS {raw_c['peak_mb']:.0f} MB)\n"
        f"  rate ratio rcdesk/plain = {rate / raw_rate:.2f} (target >= 0.5); peak {c['peak_mb']:.0f} MB "
        f"(target < 500 MB)   [load {load()}]",
        flush=True,
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
