"""Import benchmark: a 5,000-activity MURC workbook.

    python bench/bench_import.py [--activities 5000] [--repeat 3]

Times, in the same run and on the same file:
  (a) openpyxl load_workbook(read_only=True) iterating every cell value  (the baseline)
  (b) read_plan()
  (c) read_plan() + PlanService(db).save_parsed() into a fresh temporary database
and prints the ratios to (a). Requirement (issue 2): (c)/(a) <= 2.0. Best of N runs each.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def build(path: Path, n: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Matriz")
    ws.append(["ALCALDÍA MUNICIPAL DE PRUEBA"])
    ws.append(["Cronograma de rendición de cuentas vigencia 2024"])
    elements = ["INFORMACIÓN", "DIÁLOGO", "RESPONSABILIDAD"]
    per = n // len(elements) + 1
    done = 0
    for e in elements:
        ws.append([e, "ACTIVIDADES", "ETAPAS", None, None, None, None, "META/PRODUCTO", "Cuatrimestre",
                   None, None, "DEPENDENCIA RESPONSABLE"])
        ws.append([None, None, "Aprestamiento", "Diseño", "Preparación", "Ejecución",
                   "Seguimiento y Evaluación", None, 1, 2, 3, None])
        for i in range(min(per, n - done)):
            k = done + i
            marks = [("X" if j == k % 5 else None) for j in range(5)]
            cuatri = [("X" if (k + j) % 3 == 0 else None) for j in range(3)]
            ws.append([None, f"Actividad {k + 1}: publicar y socializar el informe de gestión con los grupos de valor",
                       *marks, f"Documento {k + 1} publicado en la página web", *cuatri,
                       f"Dirección de Planeación {k % 23}"])
        done += min(per, n - done)
    wb.save(path)


def baseline_openpyxl(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if v is not None:
                    n += 1
    wb.close()
    return n


def run_read(path: Path) -> int:
    from rcdesk.plans.importer import read_plan

    return read_plan(path).activity_count


def run_read_save(path: Path, tmp: Path, i: int) -> int | None:
    from rcdesk.plans.importer import read_plan

    try:
        from rcdesk.db.database import Database
        from rcdesk.services.plans import PlanService
    except ImportError:
        return None
    parsed = read_plan(path)
    db = Database.open(tmp / f"bench_{i}.db", name="Benchmark")
    try:
        PlanService(db).save_parsed(parsed, entity="Alcaldía de Prueba", year=2024)
    finally:
        db.close()
    return parsed.activity_count


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="rcdesk import benchmark")
    ap.add_argument("--activities", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        path = tmp / "plan_5000.xlsx"
        build(path, args.activities)
        # warm imports so module loading is not timed
        import openpyxl  # noqa: F401

        import rcdesk.plans.importer  # noqa: F401

        assert run_read(path) == args.activities
        a = best(lambda: baseline_openpyxl(path), args.repeat)
        b = best(lambda: run_read(path), args.repeat)
        counter = iter(range(1000))
        probe = run_read_save(path, tmp, next(counter))
        c = best(lambda: run_read_save(path, tmp, next(counter)), args.repeat) if probe is not None else None
        print(f"activities: {args.activities}  file: {path.stat().st_size / 1024:.0f} KiB  best of {args.repeat}")
        print(f"(a) openpyxl read-only, all cells : {a:7.3f} s")
        print(f"(b) read_plan()                   : {b:7.3f} s   ratio (b)/(a) = {b / a:.2f}")
        if c is None:
            print("(c) read_plan() + save_parsed()   : not available (rcdesk.services.plans missing)")
            return 0
        print(f"(c) read_plan() + save_parsed()   : {c:7.3f} s   ratio (c)/(a) = {c / a:.2f}  (requirement <= 2.0)")
        return 0 if c / a <= 2.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
