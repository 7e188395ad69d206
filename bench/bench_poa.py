"""Benchmark of issues 4 and 14 (POA follow-up) on a province-sized data set.

    .venv/bin/python bench/bench_poa.py [--cantons 10] [--units 60] [--metas 3000] [--runs 5] [--scale 0.2]

Builds, in a temporary database, 60 units spread over the 10 cantons of Chimborazo with
3,000 metas (12,000 programming rows and 12,000 execution rows, trimestre), then measures:

1. the canton overview (`EvaluationService.evaluate`, which computes every meta, objective,
   unit, unit type, canton and the province) as a user first meets it: each run is a fresh
   interpreter that opens the database and evaluates once (cold page cache, nothing compiled
   or configured before), alternating with a fresh interpreter running the raw baseline: plain
   sqlite3 SELECTing the same rows. Requirement: median first hit under 0.2 s on an idle
   machine; the load average and the ratio to the baseline are printed with it;
2. the CPCCS sections workbook — our writer vs openpyxl's write-only mode appending the same
   rows (same values, same sheets) — requirement: ratio = baseline time / our time ≥ 0.7.
   The end-to-end export (evaluation + rows + workbook) is printed too.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, repeat: int = 5):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def build(db, n_cantons: int, n_units: int, n_metas: int, year: int) -> None:
    from rcdesk.poa.parsed import ImportPreview, ParsedMeta, ParsedObjective, ParsedPoa
    from rcdesk.services.poa import PoaService
    from rcdesk.services.reference import ReferenceService

    ref = ReferenceService(db)
    ref.ensure_builtin_territories()
    inst = ref.find_or_create_institution("Gobernación de Chimborazo", "EC", "GOBERNACION_EC")
    cantons = [c for c in ref.territories("EC", "CANTON") if c.code.startswith("06")][:n_cantons]
    rnd = random.Random(7)
    units = []
    for i in range(n_units):
        c = cantons[i % len(cantons)]
        kind = "JEFATURA_POLITICA" if i < len(cantons) else rnd.choice(["TENENCIA_POLITICA", "COMISARIA_NACIONAL"])
        units.append(ref.add_unit(inst.institution_id, f"Unidad {i + 1:02d} de {c.name}", kind, c.territory_id))
    per_unit = n_metas // n_units
    poas = []
    for u in units:
        objectives = []
        for o in range(5):
            po = ParsedObjective(f"Objetivo {o + 1} de {u.name}", f"OE{o + 1}", "PND Objetivo 3")
            for m in range(per_unit // 5):
                planned = [float(rnd.randint(1, 20)) for _ in range(4)]
                executed = [round(p * rnd.uniform(0.4, 1.2)) for p in planned]
                cod = round(rnd.uniform(500, 20000), 2) if m % 3 else None
                dev = [round(cod / 4 * rnd.uniform(0.3, 1.1), 2) for _ in range(4)] if cod else [None] * 4
                po.metas.append(
                    ParsedMeta(
                        number=f"{o + 1}.{m + 1}",
                        description=f"Meta {m + 1} del objetivo {o + 1} — {u.name}",
                        indicator="Número de acciones realizadas",
                        unit_of_measure="Acción",
                        annual_target=sum(planned),
                        planned=planned,
                        executed=executed,
                        planned_budget=[(cod or 0) / 4] * 4,
                        devengado=dev,
                        codificado=cod,
                        narrative="Se ejecutaron las acciones programadas con apoyo interinstitucional.",
                    )
                )
            objectives.append(po)
        poas.append(ParsedPoa(u.unit_id, u.name, year, "trimestre", "", "bench", "", objectives))
    PoaService(db).save_import(ImportPreview("bench", poas))


def raw_select(path: Path, year: int) -> int:
    con = sqlite3.connect(path)
    try:
        n = 0
        for sql in (
            "SELECT m.id, m.poa_id, m.objective_id, m.number, m.description, m.annual_target, m.codificado "
            "FROM poa_meta m JOIN poa p ON p.id = m.poa_id WHERE p.fiscal_year = ? AND m.deleted = 0",
            "SELECT g.meta_id, g.period_no, g.planned_qty, g.planned_budget FROM poa_programming g "
            "JOIN poa_meta m ON m.id = g.meta_id JOIN poa p ON p.id = m.poa_id WHERE p.fiscal_year = ? AND g.deleted = 0",
            "SELECT e.meta_id, e.period_no, e.executed_qty, e.codificado, e.devengado FROM poa_execution e "
            "JOIN poa_meta m ON m.id = e.meta_id JOIN poa p ON p.id = m.poa_id WHERE p.fiscal_year = ? AND e.deleted = 0",
        ):
            n += len(con.execute(sql, (year,)).fetchall())
        return n
    finally:
        con.close()


_CHILD = {
    "ours": """
import sys, time
from datetime import date
from pathlib import Path
sys.path.insert(0, {root!r})
from rcdesk.db.database import Database
from rcdesk.services.poa_eval import EvaluationService
db = Database.open(Path({path!r}))
svc = EvaluationService(db)
t, c = time.perf_counter(), time.process_time()
ev = svc.evaluate({year}, date({year}, 9, 30), with_text=False)
print(time.perf_counter() - t, time.process_time() - c, len(ev.metas), len(ev.cantons))
""",
    "raw": """
import sys, time
sys.path.insert(0, {root!r})
sys.path.insert(0, {bench!r})
from bench_poa import raw_select
t, c = time.perf_counter(), time.process_time()
n = raw_select({path!r}, {year})
print(time.perf_counter() - t, time.process_time() - c, n, 0)
""",
}


def first_hits(path: Path, year: int, runs: int) -> dict[str, list[tuple[float, float, int, int]]]:
    """Alternating fresh interpreters: ours, raw, ours, raw… (each one a first hit). Each run gives
    (wall s, CPU s of that process, count, count): on a shared machine the CPU time is what an idle
    one would show as latency (one thread, the file in the OS cache)."""
    import subprocess

    out: dict[str, list] = {"ours": [], "raw": []}
    for _ in range(runs):
        for kind, code in _CHILD.items():
            src = code.format(root=str(ROOT), bench=str(ROOT / "bench"), path=str(path), year=year)
            res = subprocess.run([sys.executable, "-c", src], capture_output=True, text=True, check=True)
            t, c, a, b = res.stdout.split()
            out[kind].append((float(t), float(c), int(a), int(b)))
    return out


def baseline_workbook(out: Path, rows) -> None:
    from openpyxl import Workbook

    from rcdesk.reports.cpccs_xlsx import BUDGET_HEADERS, BUDGET_SHEET, PROGRAMMATIC_HEADERS, PROGRAMMATIC_SHEET

    wb = Workbook(write_only=True)
    for title, headers, data in (
        (PROGRAMMATIC_SHEET, PROGRAMMATIC_HEADERS, rows.programmatic),
        (BUDGET_SHEET, BUDGET_HEADERS, rows.budget),
    ):
        ws = wb.create_sheet(title)
        ws.append(list(headers))
        for r in data:
            ws.append(r)
    notes = wb.create_sheet("Notas")
    for r in rows.notes:
        notes.append(list(r))
    wb.save(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cantons", type=int, default=10)
    ap.add_argument("--units", type=int, default=60)
    ap.add_argument("--metas", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies --units and --metas (e.g. 0.2)")
    args = ap.parse_args()
    args.units, args.metas = max(args.cantons, int(args.units * args.scale)), int(args.metas * args.scale)
    from rcdesk.db.database import Database
    from rcdesk.reports.cpccs_xlsx import build_rows, write_workbook
    from rcdesk.services.cpccs_export import export_cpccs
    from rcdesk.services.poa_eval import EvaluationService

    year = 2025
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "bench.db"
        db = Database.open(path)
        t = time.perf_counter()
        build(db, args.cantons, args.units, args.metas, year)
        print(
            f"data set: {args.cantons} cantons, {args.units} units, {args.metas} metas, "
            f"{args.metas * 4} programming + {args.metas * 4} execution rows (built in {time.perf_counter() - t:.1f} s)"
        )

        svc = EvaluationService(db)
        cut = date(year, 9, 30)
        db.close()
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        hits = first_hits(path, year, args.runs)
        t_eval = statistics.median(h[0] for h in hits["ours"])
        t_raw = statistics.median(h[0] for h in hits["raw"])
        c_eval = statistics.median(h[1] for h in hits["ours"])
        c_raw = statistics.median(h[1] for h in hits["raw"])
        _, _, n_metas, n_cantons = hits["ours"][0]
        n_rows = hits["raw"][0][2]
        assert n_cantons == args.cantons and n_metas == args.metas, (n_cantons, n_metas)
        print(
            f"1. canton overview, first hit in a fresh interpreter (median of {args.runs}, load average "
            f"{load:.2f} before, {os.getloadavg()[0]:.2f} after): {t_eval:.3f} s, CPU {c_eval:.3f} s "
            f"(requirement < 0.200 s on an idle machine: {'OK' if t_eval < 0.2 else 'FAIL'}); raw sqlite3 "
            f"SELECT of the same {n_rows} rows, fresh interpreter: {t_raw:.3f} s, CPU {c_raw:.3f} s; "
            f"ratio ours/raw = {t_eval / t_raw:.1f}× (CPU {c_eval / c_raw:.1f}×)"
        )
        print(
            "   runs ours: "
            + " ".join(f"{h[0] * 1000:.0f}/{h[1] * 1000:.0f}" for h in hits["ours"])
            + " ms; raw: "
            + " ".join(f"{h[0] * 1000:.0f}/{h[1] * 1000:.0f}" for h in hits["raw"])
            + " ms (wall/CPU)"
        )
        db = Database.open(path)
        svc = EvaluationService(db)

        rows = build_rows(svc.evaluate(year, cut), budget_type="META")
        t_base, _ = timed(lambda: baseline_workbook(tmp / "base.xlsx", rows), repeat=3)
        t_ours, _ = timed(lambda: write_workbook(tmp / "ours.xlsx", rows), repeat=3)
        ratio = t_base / t_ours
        print(
            f"2. CPCCS workbook ({len(rows.programmatic)} + {len(rows.budget)} rows): ours {t_ours:.3f} s, "
            f"openpyxl write-only baseline {t_base:.3f} s; speed ratio baseline/ours = {ratio:.2f} "
            f"(requirement ≥ 0.70: {'OK' if ratio >= 0.7 else 'FAIL'})"
        )
        t_full, _ = timed(lambda: export_cpccs(db, year, tmp / "full.xlsx", cut=cut), repeat=3)
        print(f"   end-to-end `report cpccs` (evaluation + links + rows + workbook): {t_full:.3f} s")
        db.close()
        return 0 if t_eval < 0.2 and ratio >= 0.7 else 1


if __name__ == "__main__":
    raise SystemExit(main())
