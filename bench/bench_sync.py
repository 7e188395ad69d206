"""Benchmark: consolidating field packages at headquarters, and the consolidated workbook.

Generates realistic data: 20 field installations × 10 packages = 200 signed packages holding
1,000,000 attendance records (Spanish names and ID numbers, deflated and sealed in chunks for
headquarters: package format 2)
and 100,000 progress reports on the headquarters' activities (scale with --scale).

Measured in the same run, each in a fresh process:
  1. rcdesk consolidation of the folder (verify, decrypt, validate, apply; one transaction
     per package) vs a raw sqlite3 executemany upsert of the same rows into a copy of the
     same database (rows already decoded in memory, one transaction per package);
  2. the consolidated workbook vs openpyxl write-only writing the same rows read with plain
     sqlite3 (no conversion, no provenance, no formula safety).
Peak memory is the process's maximum resident set size (resource.getrusage); generation runs
in a child process too, since Linux carries a parent's peak into its children's ru_maxrss.

    .venv/bin/python bench/bench_sync.py [--scale 1.0] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIELDS, PER_FIELD = 20, 10
NAMES = [
    "María",
    "José",
    "Luis",
    "Ana",
    "Rosa",
    "Manuel",
    "Carmen",
    "Segundo",
    "Mercedes",
    "Juan",
    "Luz",
    "Pedro",
    "Gladys",
    "Wilson",
    "Blanca",
    "Ángel",
    "Fanny",
    "Marco",
    "Nelly",
    "Jorge",
]
SURNAMES = [
    "Quishpe",
    "Guamán",
    "Yépez",
    "Cepeda",
    "Paucar",
    "Tenemaza",
    "Lema",
    "Morocho",
    "Chela",
    "Inca",
    "Vallejo",
    "Naula",
    "Cando",
    "Guaranga",
    "Sagñay",
    "Tixi",
    "Orozco",
    "Pilco",
    "Caiza",
    "Allauca",
]
ORGS = [
    "Junta parroquial",
    "Comuna San Vicente",
    "Asociación de productores",
    "Ciudadano independiente",
    "Cabildo de Cacha",
    "Unidad educativa",
    "Club deportivo",
    "Caja de ahorro",
]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- generation --------------------------------------------------------------------------
def generate(work: Path, scale: float) -> dict:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from sqlalchemy import insert

    from rcdesk.db.database import Database
    from rcdesk.db.migrate import head_version
    from rcdesk.ids import new_id
    from rcdesk.models.core import Installation
    from rcdesk.models.events import Event
    from rcdesk.models.plans import Plan, PlanActivity
    from rcdesk.models.reference import Institution
    from rcdesk.models.sync import SyncPeer
    from rcdesk.sync.keys import KeyRing, Sealer, load_or_create
    from rcdesk.sync.package import PackageWriter
    from rcdesk.sync.sealed import sealed_encryption
    from rcdesk.sync.tables import personal_columns, table_by_name, wire_columns

    rnd = random.Random(2026)
    n_att = int(1_000_000 * scale)
    n_rep = int(100_000 * scale)
    hq = Database.open(work / "sede" / "rcdesk.db", name="Sede Riobamba", role="hq")
    ring = load_or_create(hq)
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
            a = PlanActivity(
                plan_id=plan.id,
                number=str(i + 1),
                position=i,
                description=f"Actividad {i + 1}",
                stages=[],
                cuatrimestres=[1, 2],
                extra={},
            )
            e = Event(
                institution_id=inst.id,
                plan_id=plan.id,
                title=f"Asamblea parroquial {i + 1}",
                event_date=__import__("datetime").date(2026, 3, 1 + i % 28),
                activity_ids=[],
                stakeholder_groups=[],
                checklist=[],
            )
            s.add_all([a, e])
            acts.append(a)
            events.append(e)
        s.flush()
        act_ids = [a.id for a in acts]
        event_ids = [e.id for e in events]
    fields = []
    with hq.connect() as conn:
        for f in range(FIELDS):
            kr = KeyRing(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
            fid = new_id()
            conn.execute(
                insert(Installation.__table__).values(
                    id=fid,
                    name=f"Técnico {f + 1}",
                    role="field",
                    is_self=False,
                    created_at=__import__("datetime").datetime(2026, 1, 1),
                    next_seq=1,
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
            fields.append((fid, kr))
    att_t, rep_t = table_by_name("attendance"), table_by_name("progress_report")
    att_cols, rep_cols = wire_columns(att_t), wire_columns(rep_t)
    att_personal = personal_columns(att_t)
    pidx = [att_cols.index(c) for c in att_personal]
    out = work / "paquetes"
    out.mkdir()
    n_pk = FIELDS * PER_FIELD
    per_att, per_rep = n_att // n_pk, n_rep // n_pk
    stamp = "2026-05-20 10:00:00.000000"
    total_bytes = 0
    for f, (fid, kr) in enumerate(fields):
        prev = None
        for k in range(PER_FIELD):
            writer = PackageWriter(out / f"campo{f + 1:02d}-{k + 1:02d}.rcpaq", "field")
            sealer = Sealer(ring.enc_public)
            lines, plines = [], []
            for j in range(per_att):
                first, last = rnd.choice(NAMES), rnd.choice(SURNAMES)
                ced = f"06{rnd.randrange(10**7, 10**8)}"
                full = f"{first} {last} {rnd.choice(SURNAMES)}"
                row = {
                    "id": new_id(),
                    "created_at": stamp,
                    "updated_at": stamp,
                    "modified_by": fid,
                    "version": 1,
                    "deleted": 0,
                    "event_id": rnd.choice(event_ids),
                    "person_id": None,
                    "consent_id": None,
                    "seq_no": j + 1,
                    "full_name": full,
                    "id_type": "CEDULA",
                    "id_number": ced,
                    "id_status": "valid",
                    "id_message": None,
                    "organization": rnd.choice(ORGS),
                    "role": "CIUDADANO",
                    "territory_id": None,
                    "territory_text": "Guano",
                    "phone": f"09{rnd.randrange(10**7, 10**8)}",
                    "email": None,
                    "is_minor": 0,
                    "signed_on_paper": 1,
                    "source": "PUERTA",
                    "search_text": f"{full} {ced}".lower(),
                    "gender": None,
                    "ethnicity": None,
                }
                values = [row.get(c) for c in att_cols]
                plines.append(json.dumps([values[i] for i in pidx], ensure_ascii=False))
                for i in pidx:
                    values[i] = None
                lines.append(json.dumps(values + [0], ensure_ascii=False))
            writer.add_bytes("records/attendance.jsonl", ("\n".join(lines) + "\n").encode())
            with writer.sealed_member("personal/attendance.jsonl.enc", sealer) as sealed:  # format 2, as exported
                sealed.write(("\n".join(plines) + "\n").encode())
            rlines = []
            for j in range(per_rep):
                row = {
                    "id": new_id(),
                    "created_at": stamp,
                    "updated_at": stamp,
                    "modified_by": fid,
                    "version": 1,
                    "deleted": 0,
                    "activity_id": rnd.choice(act_ids),
                    "period_kind": "cuatrimestre",
                    "period_no": 1 + j % 3,
                    "percent": float(rnd.randrange(0, 101)),
                    "quantity": None,
                    "target_quantity": None,
                    "done_text": "Se realizaron las reuniones previstas en la parroquia",
                    "difficulties": "",
                    "justification": "",
                    "reporter": f"Técnico {f + 1}",
                    "reported_on": "2026-05-20",
                    "status": "REPORTADO",
                    "reviewer": "",
                    "review_note": "",
                    "reviewed_at": None,
                }
                rlines.append(json.dumps([row.get(c) for c in rep_cols] + [0], ensure_ascii=False))
            writer.add_bytes("records/progress_report.jsonl", ("\n".join(rlines) + "\n").encode())
            manifest = {
                "schema_version": head_version(),
                "installation": {
                    "id": fid,
                    "name": f"Técnico {f + 1}",
                    "role": "field",
                    "sign_public": kr.sign_public,
                    "enc_public": kr.enc_public,
                },
                "target": {"id": hq.installation_id, "name": hq.installation_name},
                "seq": k + 1,
                "prev_hash": prev,
                "acked_seq": 0,
                "full": False,
                "tables": {
                    "attendance": {"columns": att_cols, "personal": att_personal, "count": per_att},
                    "progress_report": {"columns": rep_cols, "personal": [], "count": per_rep},
                },
                "counts": {"attendance": per_att, "progress_report": per_rep},
                "encryption": sealed_encryption(sealer, hq.installation_id, chunk=writer.chunk),
            }
            prev, _ = writer.finish(manifest, kr)
            total_bytes += writer.out.stat().st_size
    hq.close()
    shutil.copyfile(work / "sede" / "rcdesk.db", work / "raw.db")
    return {
        "packages": n_pk,
        "attendance": per_att * n_pk,
        "reports": per_rep * n_pk,
        "package_mb": round(total_bytes / 1024**2, 1),
    }


# -- measured steps (each in a fresh process) ----------------------------------------------
def step_consolidate(work: Path) -> dict:
    from rcdesk.db.database import Database
    from rcdesk.sync.consolidate import import_files

    hq = Database.open(work / "sede" / "rcdesk.db")
    t = time.perf_counter()
    res = import_files(hq, [work / "paquetes"], retry_quarantine=False)
    dt = time.perf_counter() - t
    tot = res.total()
    hq.close()
    bad = [p.message for p in res.packages if p.status != "consolidado"]
    return {"seconds": dt, "inserted": tot.inserted, "rejected": bad[:3], "peak_mb": rss_mb()}


def _decode_rows(work: Path) -> list[tuple[str, list[str], list[list]]]:
    """(table, columns, rows) per package member, decrypted: what the raw baseline inserts."""
    from rcdesk.db.database import Database
    from rcdesk.sync.keys import Opener, load_or_create
    from rcdesk.sync.package import open_package
    from rcdesk.sync.verify import read_tables

    hq = Database.open(work / "sede" / "rcdesk.db")
    ring = load_or_create(hq)
    out = []
    for p in sorted((work / "paquetes").glob("*.rcpaq")):
        with open_package(p) as pkg:
            opener = Opener(ring.enc_key, pkg.manifest["encryption"]["ephemeral_public"])
            for tr in read_tables(pkg, opener):
                out.append((tr.name, tr.columns, [tuple(r[:-1]) + (0,) for r in tr.rows]))
    hq.close()
    return out


def step_raw(work: Path) -> dict:
    import sqlite3

    groups = _decode_rows(work)
    con = sqlite3.connect(work / "raw.db", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    n = 0
    t = time.perf_counter()
    i = 0
    while i < len(groups):
        con.execute("BEGIN")
        for _ in range(2):  # one transaction per package (two tables each)
            table, cols, rows = groups[i]
            allc = cols + ["change_seq"]
            sets = ", ".join(f'"{c}" = excluded."{c}"' for c in allc if c != "id")
            sql = (
                f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in allc)}) '
                f"VALUES ({', '.join('?' * len(allc))}) ON CONFLICT(id) DO UPDATE SET {sets}"
            )
            con.executemany(sql, rows)
            n += len(rows)
            i += 1
        con.execute("COMMIT")
    dt = time.perf_counter() - t
    con.close()
    return {"seconds": dt, "rows": n}


def step_xlsx(work: Path) -> dict:
    from rcdesk.db.database import Database
    from rcdesk.services.consolidated_report import export_xlsx

    hq = Database.open(work / "sede" / "rcdesk.db")
    before = rss_mb()
    t = time.perf_counter()
    info = export_xlsx(hq, work / "consolidado.xlsx")
    dt = time.perf_counter() - t
    hq.close()
    rows = sum(info["sheets"].values())
    return {"seconds": dt, "rows": rows, "peak_mb": rss_mb(), "rss_before_mb": before}


def step_xlsx_raw(work: Path) -> dict:
    """openpyxl write-only with the same rows (progress reports + plan + counts), plain sqlite3."""
    import sqlite3

    from openpyxl import Workbook

    con = sqlite3.connect(work / "sede" / "rcdesk.db")
    t = time.perf_counter()
    wb = Workbook(write_only=True)
    n = 0
    for table in ("progress_report", "plan_activity", "event", "plan", "institution"):
        ws = wb.create_sheet(table)
        cur = con.execute(f'SELECT * FROM "{table}" WHERE deleted = 0 ORDER BY id')
        ws.append([d[0] for d in cur.description])
        for r in cur:
            ws.append(list(r))
            n += 1
    ws = wb.create_sheet("attendance")
    for r in con.execute("SELECT event_id, count(*) FROM attendance WHERE deleted = 0 GROUP BY event_id"):
        ws.append(list(r))
        n += 1
    wb.save(work / "raw.xlsx")
    dt = time.perf_counter() - t
    return {"seconds": dt, "rows": n, "peak_mb": rss_mb()}


def step_generate(work: Path) -> dict:
    return generate(work, json.loads((work / "scale.json").read_text()))


STEPS = {
    "generate": step_generate,
    "consolidate": step_consolidate,
    "raw": step_raw,
    "xlsx": step_xlsx,
    "xlsx_raw": step_xlsx_raw,
}


def run_step(name: str, work: Path, script: str = __file__) -> dict:
    """Run step `name` of `script` (this benchmark or one built on its packages) in a fresh interpreter, so every
    figure is a first hit, and return the JSON its last line prints."""
    proc = subprocess.run(
        [sys.executable, script, "--step", name, "--work", str(work)], capture_output=True, text=True, cwd=ROOT
    )
    if proc.returncode != 0:
        raise SystemExit(f"step {name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def command_line(
    steps: dict, prefix: str, *, scale: float = 1.0, extra: tuple = ()
) -> tuple[argparse.Namespace, Path] | None:
    """The benchmarks' shared command line: `--scale`, `--keep FOLDER`, the options in `extra`
    (`((flags…), {argparse keywords})` pairs) and the `--step NAME --work FOLDER` a benchmark runs
    itself with in a fresh process (see `run_step`): that step runs here, prints its JSON result and
    None is returned. Otherwise (the options, the work folder)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=scale)
    for flags, options in extra:
        ap.add_argument(*flags, **options)
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--step")
    ap.add_argument("--work", type=Path)
    args = ap.parse_args()
    if args.step:
        print(json.dumps(steps[args.step](args.work), default=str))
        return None
    work = args.keep or Path(tempfile.mkdtemp(prefix=prefix))
    work.mkdir(parents=True, exist_ok=True)
    return args, work


def main() -> None:
    parsed = command_line(STEPS, "rcdesk-bench-sync-")
    if parsed is None:
        return
    args, work = parsed
    t = time.perf_counter()
    # generation runs in its own process too: Linux carries a parent's peak RSS into the
    # ru_maxrss of the children it starts, so this process must stay small
    (work / "scale.json").write_text(json.dumps(args.scale))
    gen = run_step("generate", work)
    print(f"generated {gen} in {time.perf_counter() - t:.1f} s", flush=True)
    raw = run_step("raw", work)
    ours = run_step("consolidate", work)
    rows = gen["attendance"] + gen["reports"]
    print(
        f"consolidation: {rows:,} rows in {gen['packages']} packages: rcdesk {ours['seconds']:.1f} s "
        f"({rows / ours['seconds']:,.0f} rows/s, peak RSS {ours['peak_mb']:.0f} MB) vs raw sqlite3 upsert "
        f"{raw['seconds']:.1f} s ({raw['rows'] / raw['seconds']:,.0f} rows/s)"
    )
    if ours["rejected"]:
        print("REJECTED:", ours["rejected"])
    print(
        f"  ratio rcdesk/raw = {raw['seconds'] / ours['seconds']:.2f} (target >= 0.5); "
        f"peak memory {ours['peak_mb']:.0f} MB (target < 500 MB)",
        flush=True,
    )
    xr = run_step("xlsx_raw", work)
    xo = run_step("xlsx", work)
    print(
        f"workbook: rcdesk {xo['rows']:,} rows in {xo['seconds']:.1f} s (peak RSS {xo['peak_mb']:.0f} MB, "
        f"{xo['rss_before_mb']:.0f} MB before writing) vs openpyxl write-only {xr['rows']:,} rows in "
        f"{xr['seconds']:.1f} s (peak RSS {xr['peak_mb']:.0f} MB)"
    )
    print(
        f"  ratio rcdesk/openpyxl = {(xr['seconds'] / xr['rows']) / (xo['seconds'] / xo['rows']):.2f} "
        "(target >= 0.9, per row)"
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
