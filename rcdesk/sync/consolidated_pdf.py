"""Consolidated PDF report for the central office (reportlab, A4, Spanish, "Página x de y").

Charts: records per installation, activities per traffic light, attendance per event
(anonymous counts). Long tables are built in chunks. No personal data of citizens.
"""

from __future__ import annotations

from pathlib import Path

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS, LIGHT_ORDER, aggregate, format_pct, from_percent
from rcdesk.errors import UserError
from rcdesk.ids import utcnow
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.reports.pdf_kit import build_pdf, esc, grid_tables, page_footer, report_styles, safe
from rcdesk.sync.consolidated_data import (
    activity_light,
    activity_rows,
    cap,
    counts_by_parent,
    group_label,
    installation_summary,
    live_count,
    plan_profiles,
    sheet_specs,
)
from rcdesk.sync.tables import label


def _styles() -> dict:
    st = report_styles(cell=8)
    st["h1"].keepWithNext = 1
    return st


def _table(rows: list[list], widths: list[float], st) -> list:
    """Chunked tables (header repeated) from rows of plain values."""
    return grid_tables(rows[0], rows[1:], widths, st, chunk=50, line="#B0BEC5", zebra="#F5F7F8")


def _hbar(
    items: list[tuple[str, float]],
    caption: str,
    width: float = 480,
    color: str = "#1565C0",
    colors_per_bar: list[str] | None = None,
    value_fmt: str = "%.0f",
):
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    items = items[:15] or [("(sin datos)", 0)]
    n = len(items)
    height = min(60 + 22 * n, 400)
    d = Drawing(width, height)
    ch = HorizontalBarChart()
    ch.x, ch.y = 170, 24
    ch.width, ch.height = width - 210, height - 46
    values = [float(v) for _, v in items][::-1]
    names = [safe(s if len(s) <= 32 else s[:31] + "...") for s, _ in items][::-1]
    ch.data = [values]
    ch.categoryAxis.categoryNames = names
    ch.categoryAxis.labels.fontSize = 7.5
    ch.categoryAxis.labels.boxAnchor = "e"
    ch.valueAxis.valueMin = 0
    top = max(values) if values else 1
    ch.valueAxis.valueMax = max(top * 1.15, 1)
    ch.valueAxis.labels.fontSize = 7
    ch.bars[0].fillColor = colors.HexColor(color)
    ch.bars[0].strokeColor = None
    if colors_per_bar:
        for i, c in enumerate(colors_per_bar[::-1]):
            ch.bars[(0, i)].fillColor = colors.HexColor(c)
    ch.barLabelFormat = value_fmt
    ch.barLabels.fontSize = 7
    ch.barLabels.boxAnchor = "w"
    ch.barLabels.dx = 3
    d.add(ch)
    d.add(String(width / 2, height - 12, safe(caption), fontSize=9, textAnchor="middle", fontName="Helvetica-Bold"))
    return d


def write_consolidated_pdf(
    db, out: Path, *, progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED
) -> dict:
    from reportlab.platypus import Paragraph, Spacer

    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise UserError(f"«{out.name}»: el informe consolidado debe terminar en .pdf.")
    st = _styles()
    story: list = []
    now = utcnow()
    profiles = plan_profiles(db)
    with db.connect(write=False) as conn:  # a report only reads: never wait for or block a writer
        progress(0, 5, "Reuniendo datos")
        insts = installation_summary(conn)
        specs = sheet_specs()
        totals = [
            (cap(label(s.table.name)) + (" (solo conteo)" if s.count_only else ""), live_count(conn, s.table), s)
            for s in specs
        ]
        totals = sorted((t for t in totals if t[1]), key=lambda t: t[0].lower())
        cancel.check()
        by_light = {k: 0 for k in LIGHT_ORDER}
        plans: dict[str, list] = {}
        for r in activity_rows(conn):
            c = from_percent(r[6]) if r[6] is not None else None
            light = activity_light(profiles, r[11], c).color if c is not None else "gris"
            by_light[light] = by_light.get(light, 0) + 1
            plans.setdefault(f"{r[0]} ({r[1]})", []).append(c)
        cancel.check()
        people = [s for s in specs if s.count_only]
        attendance = []
        for s in people:
            for gid, glbl, n in counts_by_parent(conn, s):
                attendance.append(
                    (cap(label(s.table.name)), group_label(s), glbl or ("(sin dato)" if gid is None else gid[:8]), n)
                )
        from sqlalchemy import select

        from rcdesk.models.sync import SyncPackage

        pk = SyncPackage.__table__
        from rcdesk.sync.provenance import ProvenanceIndex

        prov = ProvenanceIndex(conn)
        packages = conn.execute(
            select(pk.c.installation_id, pk.c.seq, pk.c.file_name, pk.c.processed_at, pk.c.counts)
            .where(pk.c.direction == "in", pk.c.kind == "field")
            .order_by(pk.c.processed_at)
        ).all()
    progress(1, 5, "Componiendo el informe")
    story.append(Paragraph("Informe consolidado de rendición de cuentas y POA", st["title"]))
    story.append(Paragraph(esc(f"{db.installation_name} · generado el {now:%d/%m/%Y %H:%M} UTC"), st["small"]))
    story.append(Spacer(1, 6))
    story.append(
        Paragraph(
            "Este informe reúne los datos consolidados en la sede central a partir de los paquetes "
            "firmados de las instalaciones de campo. No contiene datos personales de la ciudadanía: "
            "la asistencia se presenta solo como conteos anónimos.",
            st["body"],
        )
    )

    story.append(Paragraph("1. Origen de los datos", st["h1"]))
    story += _table(
        [["Instalación", "Rol", "Paquetes consolidados", "Registros vigentes"]]
        + [[n, "Sede central" if r == "hq" else "Campo", p, c] for n, r, p, c in insts],
        [200, 90, 110, 110],
        st,
    )
    story.append(Spacer(1, 8))
    story.append(
        _hbar(
            [(n, c) for n, _r, _p, c in sorted(insts, key=lambda x: -x[3])],
            "Registros vigentes por instalación (último en modificarlos)",
        )
    )

    story.append(Paragraph("2. Registros por tipo", st["h1"]))
    story += _table([["Tipo de registro", "Registros vigentes"]] + [[n, c] for n, c, _s in totals], [300, 150], st)

    story.append(Paragraph("3. Cumplimiento de las actividades", st["h1"]))
    if plans:
        items = [(COLOR_LABELS.get(k, k), by_light.get(k, 0)) for k in LIGHT_ORDER]
        story.append(
            _hbar(
                items,
                "Actividades por semáforo (último avance reportado; gris = sin reporte)",
                colors_per_bar=[COLOR_HEX[k] for k in LIGHT_ORDER],
            )
        )
        rows = [["Plan", "Actividades", "Con reporte", "Avance promedio"]]
        for name, vals in plans.items():
            reported = [v for v in vals if v is not None]
            rows.append([name, len(vals), len(reported), format_pct(aggregate(reported)) if reported else "N/A"])
        story += _table(rows, [250, 80, 80, 100], st)
    else:
        story.append(Paragraph("No hay actividades consolidadas.", st["body"]))

    story.append(Paragraph("4. Eventos y asistencia (conteos anónimos)", st["h1"]))
    if attendance:
        att = sorted([a for a in attendance if a[0] == cap(label("attendance"))] or attendance, key=lambda x: -x[3])
        story.append(
            _hbar([(a[2], a[3]) for a in att], "Registros de asistencia por evento (15 mayores)", color="#2E7D32")
        )
        story += _table(
            [["Qué se cuenta", "Por", "Grupo", "Cantidad"]] + [list(a) for a in attendance], [120, 80, 230, 70], st
        )
    else:
        story.append(Paragraph("No hay registros de asistencia consolidados.", st["body"]))

    story.append(Paragraph("5. Paquetes consolidados", st["h1"]))
    import json

    rows = [["Instalación", "N.º", "Archivo", "Consolidado", "Registros"]]
    for iid, seq, fname, at, counts in packages:
        try:
            n = sum(
                sum(v.get(k, 0) for k in ("inserted", "updated", "unchanged", "conflicts"))
                for v in json.loads(counts).values()
                if isinstance(v, dict)
            )
        except (ValueError, AttributeError):
            n = ""
        rows.append([prov.installation(iid), seq, fname, f"{at:%d/%m/%Y %H:%M}", n])
    if len(rows) > 1:
        story += _table(rows, [130, 35, 200, 80, 60], st)
    else:
        story.append(Paragraph("Todavía no se ha consolidado ningún paquete de campo en esta instalación.", st["body"]))
    cancel.check()
    progress(3, 5, "Guardando el PDF")
    build_pdf(
        out,
        story,
        title="Informe consolidado",
        author=db.installation_name,
        landscape=False,
        margin=36,
        top=36,
        bottom=40,
        footer=page_footer(f"Informe consolidado · {db.installation_name}", margin=36, y=20, limit=120),
    )
    progress(5, 5, "Informe guardado")
    return {"file": str(out), "installations": len(insts), "packages": len(packages)}
