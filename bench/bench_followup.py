"""Benchmark of issue 3 (follow-up): dashboard computation and informe PDF speed.

    .venv/bin/python bench/bench_followup.py [--activities 2000] [--reports 24000]

Builds a plan with 2,000 activities (10 components × 5 subcomponents, followed by month)
and 24,000 validated progress reports in a temporary database, then measures:

1. `FollowupService.dashboard()` — requirement: under 0.3 s (median of 5 runs; printed
   next to the raw cost of just SELECTing the same rows, measured in the same run);
2. the informe PDF (data + layout + reportlab) vs reportlab building the same table
   (same cells, styles and widths) from plain lists prepared beforehand — requirement:
   ours runs at ≥ 0.7× the baseline's speed (ratio = baseline time / our time).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(db, n_acts: int, n_reports: int) -> str:
    from sqlalchemy import insert, update

    from rcdesk.db.stamping import allocate_seq, record_values
    from rcdesk.models.followup import Evidence, ProgressReport
    from rcdesk.models.plans import Plan
    from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
    from rcdesk.services.plans import PlanService

    rnd = random.Random(7)
    comps = []
    per_sub = n_acts // 50
    k = 0
    for c in range(10):
        subs = []
        for s in range(5):
            acts = []
            for _ in range(per_sub):
                k += 1
                acts.append(
                    ParsedActivity(
                        f"Actividad {k}: socializar con las juntas parroquiales el avance del componente {c + 1} "
                        f"y publicar el acta en el sitio web institucional",
                        number=f"{c + 1}.{s + 1}.{k}",
                        responsible=rnd.choice(
                            [
                                "Jefatura Política de Guano",
                                "Tenencia Política de Cacha",
                                "Dirección de Planificación",
                                "Comunicación Social",
                            ]
                        ),
                        meta="Una (1) reunión mensual con acta y registro fotográfico",
                        start_date=date(2024, 1 + rnd.randint(0, 5), 1),
                        end_date=date(2024, 12, 15),
                    )
                )
            subs.append(
                ParsedGroup("subcomponente", f"Subcomponente {s + 1}", code=f"{c + 1}.{s + 1}", activities=acts)
            )
        comps.append(ParsedGroup("componente", f"Componente {c + 1}", code=f"C{c + 1}", children=subs))
    parsed = ParsedPlan(
        layout="paac",
        title="Plan de prueba de rendimiento",
        entity="Gobernación de Chimborazo",
        year=2024,
        groups=comps,
        source_name="bench.xlsx",
    )
    svc = PlanService(db)
    plan_id = svc.save_parsed(parsed).plan_id
    acts = svc.activities(plan_id)
    per_act = max(1, n_reports // len(acts))
    with db.connect() as conn:
        conn.execute(update(Plan).where(Plan.id == plan_id).values(period_kind="mes"))
        seq = allocate_seq(conn, len(acts) * per_act * 2)
        rows, evs = [], []
        now = datetime(2024, 12, 20)
        for a in acts:
            for p in range(1, per_act + 1):
                v = record_values(db.installation_id, seq)
                seq += 1
                v.update(
                    activity_id=a.activity_id,
                    period_kind="mes",
                    period_no=min(p, 12),
                    percent=float(rnd.randint(20, 110)),
                    quantity=None,
                    target_quantity=None,
                    done_text="Se realizó la reunión mensual y se publicó el acta.",
                    difficulties="",
                    justification="Sobrecumplimiento",
                    reporter="Técnico",
                    reported_on=date(2024, min(p, 12), 28),
                    status=rnd.choice(["VALIDADO"] * 8 + ["OBSERVADO", "REPORTADO"]),
                    reviewer="OCI",
                    review_note="",
                    reviewed_at=now,
                )
                rows.append(v)
                if rnd.random() < 0.5:
                    e = record_values(db.installation_id, seq)
                    seq += 1
                    e.update(
                        owner_type="progress_report",
                        owner_id=v["id"],
                        kind="LINK",
                        sha256=None,
                        filename=None,
                        size=None,
                        mime=None,
                        url="https://www.chimborazo.gob.ec/rdc",
                        title=None,
                    )
                    evs.append(e)
        for i in range(0, len(rows), 2000):
            conn.execute(insert(ProgressReport), rows[i : i + 2000])
        for i in range(0, len(evs), 2000):
            conn.execute(insert(Evidence), evs[i : i + 2000])
    return plan_id


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def baseline_pdf(rows_by_component: list[tuple[str, list[list[str]], list[str]]], path: Path) -> None:
    """Reportlab alone: the same cells/styles/widths from plain lists, one table per component."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    from rcdesk.followup.informe import COLUMNS
    from rcdesk.reports.pdf_kit import esc as _esc
    from rcdesk.reports.pdf_kit import grid_style
    from rcdesk.reports.seguimiento_pdf import WIDTHS, _styles

    st = _styles()
    story = []
    head = [Paragraph(_esc(h), st["head"]) for h in COLUMNS]
    for title, rows, lights in rows_by_component:
        story.append(Paragraph(_esc(title), st["h2"]))
        body = [head] + [
            [Paragraph(_esc(c), st["center"] if k in (5, 6, 7) else st["cell"]) for k, c in enumerate(r)] for r in rows
        ]
        t = Table(body, colWidths=WIDTHS, repeatRows=1)
        t.setStyle(grid_style(len(body), [(i + 1, 7, h) for i, h in enumerate(lights)]))
        story.append(t)
    SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=30, rightMargin=30).build(story)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--activities", type=int, default=2000)
    ap.add_argument("--reports", type=int, default=24000)
    args = ap.parse_args()

    from sqlalchemy import select

    from rcdesk.compliance import COLOR_HEX
    from rcdesk.db.database import Database
    from rcdesk.followup.informe import build_seguimiento
    from rcdesk.models.followup import ProgressReport
    from rcdesk.models.plans import PlanActivity
    from rcdesk.reports.seguimiento_pdf import write_pdf
    from rcdesk.services.followup import FollowupService

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = Database.open(tmp / "bench.db")
        t = time.perf_counter()
        plan_id = build(db, args.activities, args.reports)
        print(f"datos: {args.activities} actividades, {args.reports} reportes en {time.perf_counter() - t:.1f} s")
        fu = FollowupService(db)
        fu.dashboard(plan_id, today=date(2024, 9, 15))  # seeds the holiday calendar once

        def raw_select():
            with db.session() as s:
                a = s.execute(
                    select(
                        PlanActivity.id, PlanActivity.group_id, PlanActivity.start_date, PlanActivity.end_date
                    ).where(PlanActivity.plan_id == plan_id)
                ).all()
                r = s.execute(
                    select(
                        ProgressReport.activity_id,
                        ProgressReport.period_no,
                        ProgressReport.percent,
                        ProgressReport.status,
                    )
                    .join(PlanActivity)
                    .where(PlanActivity.plan_id == plan_id)
                ).all()
            return len(a) + len(r)

        raw_t, _ = timed(raw_select)
        dash_t, d = timed(lambda: fu.dashboard(plan_id, today=date(2024, 9, 15), with_reports=False))
        full_t, _ = timed(lambda: fu.dashboard(plan_id, today=date(2024, 9, 15)), repeat=3)
        print(
            f"tablero: {dash_t * 1000:.0f} ms (mediana de 5; requisito < 300 ms) — "
            f"solo leer las filas: {raw_t * 1000:.0f} ms, razón {dash_t / raw_t:.1f}×; "
            f"plan {d.plan.raw} %, {len(d.groups)} grupos, {len(d.overdue)} vencidas; "
            f"con los textos de los reportes (tabla de actividades): {full_t * 1000:.0f} ms"
        )

        cut = date(2024, 8, 31)
        ours_times = []
        for i in range(3):
            t = time.perf_counter()
            data = build_seguimiento(db, plan_id, cut)
            write_pdf(data, tmp / f"ours{i}.pdf")
            ours_times.append(time.perf_counter() - t)
        ours = statistics.median(ours_times)
        plain = [
            (b.label, [r.cells() for r in b.rows], [COLOR_HEX[r.light.color] for r in b.rows]) for b in data.components
        ]
        base_times = []
        for i in range(3):
            t = time.perf_counter()
            baseline_pdf(plain, tmp / f"base{i}.pdf")
            base_times.append(time.perf_counter() - t)
        base = statistics.median(base_times)
        ratio = base / ours
        print(
            f"informe PDF ({data.activity_count} filas): nuestro {ours:.2f} s (datos + PDF completo) vs "
            f"reportlab con listas planas {base:.2f} s → velocidad relativa {ratio:.2f}× "
            f"(requisito ≥ 0.70×) {'OK' if ratio >= 0.7 else 'NO CUMPLE'}"
        )
        print(f"tablero {'OK' if dash_t < 0.3 else 'NO CUMPLE'}")
        db.close()


if __name__ == "__main__":
    main()
