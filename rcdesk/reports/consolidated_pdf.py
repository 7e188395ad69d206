"""Consolidated PDF report for the central office (reportlab, A4, Spanish, "Página x de y").

Draws `rcdesk.services.consolidated_report.ConsolidatedSummary`. Charts: records per
installation, activities per traffic light, attendance per event (anonymous counts). Long tables
are built in chunks. No personal data of citizens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS, LIGHT_ORDER, format_pct
from rcdesk.errors import UserError
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.reports.pdf_kit import build_pdf, esc, grid_tables, page_footer, report_styles, safe
from rcdesk.services.consolidated_report import ConsolidatedSummary

Styles = dict[str, Any]


def _styles() -> Styles:
    st = report_styles(cell=8)
    st["h1"].keepWithNext = 1
    return st


def _table(rows: list[list], widths: list[float], st: Styles) -> list:
    """Chunked tables (header repeated) from rows of plain values."""
    return grid_tables(rows[0], rows[1:], widths, st, chunk=50, line="#B0BEC5", zebra="#F5F7F8")


def _hbar(
    items: list[tuple[str, float]],
    caption: str,
    width: float = 480,
    color: str = "#1565C0",
    colors_per_bar: list[str] | None = None,
    value_fmt: str = "%.0f",
) -> Any:
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


def _opening(data: ConsolidatedSummary, st: Styles) -> list:
    from reportlab.platypus import Paragraph, Spacer

    return [
        Paragraph("Informe consolidado de rendición de cuentas y POA", st["title"]),
        Paragraph(esc(f"{data.installation} · generado el {data.generated:%d/%m/%Y %H:%M} UTC"), st["small"]),
        Spacer(1, 6),
        Paragraph(
            "Este informe reúne los datos consolidados en la sede central a partir de los paquetes "
            "firmados de las instalaciones de campo. No contiene datos personales de la ciudadanía: "
            "la asistencia se presenta solo como conteos anónimos.",
            st["body"],
        ),
    ]


def _origin(data: ConsolidatedSummary, st: Styles) -> list:
    from reportlab.platypus import Paragraph, Spacer

    insts = data.installations
    story: list = [Paragraph("1. Origen de los datos", st["h1"])]
    story += _table(
        [["Instalación", "Rol", "Paquetes consolidados", "Registros vigentes"]]
        + [[i.name, i.role_label, i.packages, i.records] for i in insts],
        [200, 90, 110, 110],
        st,
    )
    story.append(Spacer(1, 8))
    story.append(
        _hbar(
            [(i.name, i.records) for i in sorted(insts, key=lambda i: -i.records)],
            "Registros vigentes por instalación (último en modificarlos)",
        )
    )
    return story


def _kinds(data: ConsolidatedSummary, st: Styles) -> list:
    from reportlab.platypus import Paragraph

    totals = sorted(
        ((k.title + (" (solo conteo)" if k.count_only else ""), k.count) for k in data.kinds if k.count),
        key=lambda t: t[0].lower(),
    )
    return [Paragraph("2. Registros por tipo", st["h1"])] + _table(
        [["Tipo de registro", "Registros vigentes"]] + [[n, c] for n, c in totals], [300, 150], st
    )


def _compliance(data: ConsolidatedSummary, st: Styles) -> list:
    from reportlab.platypus import Paragraph

    story: list = [Paragraph("3. Cumplimiento de las actividades", st["h1"])]
    if not data.plans:
        return story + [Paragraph("No hay actividades consolidadas.", st["body"])]
    items: list[tuple[str, float]] = [(COLOR_LABELS.get(k, k), data.by_light.get(k, 0)) for k in LIGHT_ORDER]
    story.append(
        _hbar(
            items,
            "Actividades por semáforo (último avance reportado; gris = sin reporte)",
            colors_per_bar=[COLOR_HEX[k] for k in LIGHT_ORDER],
        )
    )
    rows: list[list] = [["Plan", "Actividades", "Con reporte", "Avance promedio"]]
    for p in data.plans:
        rows.append([p.name, p.activities, p.reported, format_pct(p.average) if p.average is not None else "N/A"])
    return story + _table(rows, [250, 80, 80, 100], st)


def _attendance(data: ConsolidatedSummary, st: Styles) -> list:
    from reportlab.platypus import Paragraph

    story: list = [Paragraph("4. Eventos y asistencia (conteos anónimos)", st["h1"])]
    lines = [
        (
            p.kind.table,
            p.kind.title,
            p.group_label,
            g.group or ("(sin dato)" if g.group_id is None else g.group_id[:8]),
            g.count,
        )
        for p in data.people
        for g in p.groups
    ]
    if not lines:
        return story + [Paragraph("No hay registros de asistencia consolidados.", st["body"])]
    att = sorted([a for a in lines if a[0] == "attendance"] or lines, key=lambda x: -x[4])
    story.append(_hbar([(a[3], a[4]) for a in att], "Registros de asistencia por evento (15 mayores)", color="#2E7D32"))
    return story + _table(
        [["Qué se cuenta", "Por", "Grupo", "Cantidad"]] + [list(a[1:]) for a in lines], [120, 80, 230, 70], st
    )


def _packages(data: ConsolidatedSummary, st: Styles) -> list:
    from reportlab.platypus import Paragraph

    story: list = [Paragraph("5. Paquetes consolidados", st["h1"])]
    if not data.packages:
        text = "Todavía no se ha consolidado ningún paquete de campo en esta instalación."
        return story + [Paragraph(text, st["body"])]
    rows: list[list] = [["Instalación", "N.º", "Archivo", "Consolidado", "Registros"]]
    for p in data.packages:
        n = "" if p.records is None else p.records
        rows.append([p.installation, p.seq, p.file_name, f"{p.processed_at:%d/%m/%Y %H:%M}", n])
    return story + _table(rows, [130, 35, 200, 80, 60], st)


def write_consolidated_pdf(
    data: ConsolidatedSummary,
    out: Path,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> dict:
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise UserError(f"«{out.name}»: el informe consolidado debe terminar en .pdf.")
    progress(1, 5, "Componiendo el informe")
    st = _styles()
    story: list = []
    for section in (_opening, _origin, _kinds, _compliance, _attendance, _packages):
        story += section(data, st)
    cancel.check()
    progress(3, 5, "Guardando el PDF")
    build_pdf(
        out,
        story,
        title="Informe consolidado",
        author=data.installation,
        landscape=False,
        margin=36,
        top=36,
        bottom=40,
        footer=page_footer(f"Informe consolidado · {data.installation}", margin=36, y=20, limit=120),
    )
    progress(5, 5, "Informe guardado")
    return {"file": str(out), "installations": len(data.installations), "packages": len(data.packages)}
