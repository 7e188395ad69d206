"""Benchmarks of the events capability (issue 5). Prints times and ratios vs raw baselines.

    .venv/bin/python bench/bench_events.py [--people 1000000] [--attendance 20000]

1. Attendance table of one event (20,000 rows) and the people directory (1,000,000 rows)
   through the real Qt models (offscreen): open (first page + count) < 0.3 s, filter as you
   type < 0.1 s per keystroke. Baseline: the raw SQLite query for the same first page.
2. Import of a 5,000-row .xlsx attendance sheet (read, validate, save) vs openpyxl only
   reading it in read-only mode: ratio must be ≤ 2.
3. 5,000-row attendance list PDF vs reportlab building the same table from plain lists:
   speed ratio (baseline time / our time) must be ≥ 0.7.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, repeat: int = 1):  # noqa: ANN001, ANN201
    best, result = None, None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        d = time.perf_counter() - t
        best = d if best is None else min(best, d)
    return best, result


def fill_people(db, n: int) -> None:  # noqa: ANN001
    from sqlalchemy import insert

    from rcdesk.db.stamping import allocate_seq, record_values
    from rcdesk.models.events import Person
    from rcdesk.demo.events import FIRST, LAST

    rng = random.Random(5)
    batch = 20_000
    with db.connect() as conn:
        seq = allocate_seq(conn, n)
        for start in range(0, n, batch):
            rows = []
            for i in range(start, min(n, start + batch)):
                v = record_values(db.installation_id, seq + i)
                v.update(id_type="CEDULA_EC", id_number=f"{1000000000 + i}", is_minor=False,
                         full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}",
                         organization=rng.choice(("", "Barrio Central", "Comunidad Cacha", "Junta Parroquial")),
                         role="CIUDADANO", territory_id=None, territory_text="Riobamba", phone=None, email=None)
                rows.append(v)
            conn.execute(insert(Person), rows)
            print(f"  directorio: {min(n, start + batch):,} personas", end="\r", file=sys.stderr)
    print(file=sys.stderr)


def sheet_rows(n: int, seed: int = 7) -> list[list]:
    from rcdesk.demo.events import FIRST, LAST, ORGS, PLACES, fake_cedula

    rng = random.Random(seed)
    rows = [["GOBERNACIÓN DE CHIMBORAZO"], ["Registro de asistencia"], [],
            ["N°", "Apellidos y nombres", "Cédula", "Organización", "Cantón", "Teléfono"]]
    for i in range(n):
        ced = fake_cedula(rng)
        rows.append([i + 1, f"{rng.choice(LAST).upper()} {rng.choice(LAST).upper()} {rng.choice(FIRST).upper()}",
                     int(ced) if i % 10 == 0 else ced, rng.choice(ORGS), rng.choice(PLACES),
                     f"09{rng.randint(10000000, 99999999)}"])
    return rows


def write_xlsx(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Asistencia")
    for r in rows:
        ws.append(r)
    wb.save(path)


def bench_models(db, event_id: str) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QApplication, QTableView

    from rcdesk.services.attendance import AttendanceService
    from ui.models.events_tables import AttendanceModel, PeopleModel

    app = QApplication.instance() or QApplication([])
    svc = AttendanceService(db)

    def raw_first_page(sql: str, params: dict) -> float:
        conn = db.engine.raw_connection()
        try:
            t = time.perf_counter()
            conn.execute(sql, params).fetchall()
            return time.perf_counter() - t
        finally:
            conn.close()

    # attendance (20,000 rows)
    model, view = AttendanceModel(), QTableView()
    view.setModel(model)
    view.resize(1200, 600)
    view.show()

    def open_att(text: str = "") -> None:
        model.set_fetch(lambda off, lim: svc.attendance_window(event_id, text, off, lim))
        svc.attendance_count(event_id, text)
        app.processEvents()

    t_open, _ = timed(open_att, 3)
    base = raw_first_page("SELECT * FROM attendance WHERE event_id = :e AND deleted = 0 ORDER BY seq_no LIMIT 200",
                          {"e": event_id})
    keys = ["g", "gu", "gua", "guam", "guama", "guaman", "guaman p"]
    per_key = [timed(lambda k=k: open_att(k), 2)[0] for k in keys]
    print(f"Asistencia ({svc.attendance_count(event_id):,} filas): abrir {t_open * 1000:.1f} ms "
          f"(límite 300 ms; consulta SQLite cruda {base * 1000:.1f} ms, razón {t_open / base:.1f}×); "
          f"filtrar por tecla máx. {max(per_key) * 1000:.1f} ms (límite 100 ms) "
          f"{'OK' if t_open < .3 and max(per_key) < .1 else 'FUERA DE LÍMITE'}")
    model.fetchMore()
    app.processEvents()

    # directory (1,000,000 rows)
    pmodel, pview = PeopleModel(), QTableView()
    pview.setModel(pmodel)
    pview.resize(1200, 600)
    pview.show()

    def open_dir(text: str = "") -> None:
        pmodel.set_fetch(lambda off, lim: svc.search_people(text, off, lim))
        app.processEvents()

    t_open, _ = timed(open_dir, 3)
    base = raw_first_page("SELECT * FROM person WHERE deleted = 0 ORDER BY rowid LIMIT 200", {})
    keys = ["m", "ma", "mar", "mari", "maria", "maria g", "maria gu", "maria gua", "garcia", "1000123"]
    per_key = {k: timed(lambda k=k: open_dir(k), 2)[0] for k in keys}
    worst = max(per_key, key=per_key.get)
    print(f"Directorio ({svc.people_count():,} personas): abrir {t_open * 1000:.1f} ms (límite 300 ms; consulta "
          f"cruda {base * 1000:.1f} ms); filtrar por tecla máx. {per_key[worst] * 1000:.1f} ms con «{worst}» "
          f"(límite 100 ms) {'OK' if t_open < .3 and per_key[worst] < .1 else 'FUERA DE LÍMITE'}")


def bench_import(db, tmp: Path) -> None:  # noqa: ANN001
    from openpyxl import load_workbook

    from rcdesk.services.attendance import AttendanceService
    from rcdesk.services.events import EventInput, EventService

    path = tmp / "asistencia_5000.xlsx"
    write_xlsx(path, sheet_rows(5000))

    def baseline() -> int:
        wb = load_workbook(path, read_only=True)
        n = sum(1 for _ in wb.active.iter_rows(values_only=True))
        wb.close()
        return n

    t_base, _ = timed(baseline, 3)
    times = []
    for i in range(3):
        ev = EventService(db).create(EventInput(title=f"Importación {i}", event_date=date(2026, 5, 20)))
        t, res = timed(lambda: AttendanceService(db).import_file(ev.event_id, path))
        times.append(t)
    ratio = min(times) / t_base
    print(f"Importar 5.000 filas: {min(times):.3f} s (leer, validar y guardar; {res.imported} importadas) vs openpyxl "
          f"solo lectura {t_base:.3f} s → razón {ratio:.2f}× (límite ≤ 2×) {'OK' if ratio <= 2 else 'FUERA DE LÍMITE'}")


def bench_pdf(db, tmp: Path, event_id: str) -> None:  # noqa: ANN001
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate, Table

    from rcdesk.reports.attendance_pdf import _columns
    from rcdesk.reports.events_common import table_style
    from rcdesk.services.attendance import AttendanceService
    from rcdesk.services.event_documents import EventDocuments

    rows = AttendanceService(db).all_attendance(event_id)[:5000]
    data = [[str(r.seq_no), r.full_name, r.id_number or "", r.organization or "Ciudadano/a", r.territory,
             r.phone or "", ""] for r in rows]
    cols = _columns("filled")
    widths = [w for _, w in cols]
    header = [h for h, _ in cols]

    def baseline() -> None:
        doc = SimpleDocTemplate(str(tmp / "base.pdf"), pagesize=landscape(A4))
        story = []
        for start in range(0, len(data), 25):
            t = Table([header] + data[start:start + 25], colWidths=widths, repeatRows=1)
            t.setStyle(table_style(1, 8, 2.5))
            story.append(t)
        doc.build(story)

    # ours: same 5,000 rows, read from the database, with header, notice and "página x de y"
    from rcdesk.services.events import EventInput, EventService

    ev5 = EventService(db).create(EventInput(title="Lista de 5.000", event_date=date(2026, 5, 21)))
    from rcdesk.db.stamping import allocate_seq, record_values
    from rcdesk.models.events import Attendance
    from sqlalchemy import insert, select

    with db.connect() as conn:
        src = conn.execute(select(Attendance).where(Attendance.event_id == event_id).limit(5000)).mappings().all()
        seq = allocate_seq(conn, len(src))
        copies = []
        for i, r in enumerate(src):
            v = dict(r)
            v.update(record_values(db.installation_id, seq + i), event_id=ev5.event_id)
            copies.append(v)
        conn.execute(insert(Attendance), copies)

    t_base, _ = timed(baseline, 2)
    t_ours, _ = timed(lambda: EventDocuments(db).attendance_pdf(ev5.event_id, tmp / "lista.pdf", mode="filled"), 2)
    ratio = t_base / t_ours
    print(f"PDF de 5.000 filas: {t_ours:.2f} s vs reportlab con listas simples {t_base:.2f} s → velocidad relativa "
          f"{ratio:.2f}× (límite ≥ 0,7×) {'OK' if ratio >= 0.7 else 'FUERA DE LÍMITE'}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--attendance", type=int, default=20_000)
    args = ap.parse_args()
    from rcdesk.db.database import Database
    from rcdesk.services.attendance import AttendanceService
    from rcdesk.services.events import EventInput, EventService

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        db = Database.open(tmp / "bench.db", name="Bench")
        t, _ = timed(lambda: fill_people(db, args.people))
        print(f"(preparación: {args.people:,} personas en {t:.1f} s)")
        ev = EventService(db).create(EventInput(title="Deliberación masiva", event_date=date(2026, 5, 20)))
        big = tmp / "grande.xlsx"
        write_xlsx(big, sheet_rows(args.attendance, seed=11))
        t, res = timed(lambda: AttendanceService(db).import_file(ev.event_id, big))
        print(f"(preparación: {res.imported:,} asistentes importados en {t:.1f} s)")
        bench_models(db, ev.event_id)
        bench_import(db, tmp)
        bench_pdf(db, tmp, ev.event_id)
        db.close()


if __name__ == "__main__":
    main()
