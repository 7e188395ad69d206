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

CHUNK = 50
_PDF_SAFE = str.maketrans({"≥": ">=", "≤": "<=", "\u2009": " ", "\u202f": " ", "…": "..."})


def _esc(text: object) -> str:
    return (str("" if text is None else text).translate(_PDF_SAFE).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def _styles():  # noqa: ANN202
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontSize=16, leading=20, spaceAfter=4),
        "sub": ParagraphStyle("s", parent=base["BodyText"], fontSize=9.5, leading=12, textColor="#455A64"),
        "h1": ParagraphStyle("h1", parent=base["Heading2"], fontSize=12.5, leading=15, spaceBefore=10, spaceAfter=4,
                             keepWithNext=1),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontSize=9.5, leading=12.5),
        "cell": ParagraphStyle("c", parent=base["BodyText"], fontSize=8, leading=9.6),
        "head": ParagraphStyle("hd", parent=base["BodyText"], fontSize=8, leading=9.6, fontName="Helvetica-Bold",
                               textColor="white"),
    }


def _numbered_canvas(header: str):  # noqa: ANN202
    from reportlab.pdfgen import canvas

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            super().__init__(*args, **kwargs)
            self._saved = []

        def showPage(self) -> None:  # noqa: N802
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                w, _h = self._pagesize
                self.setFont("Helvetica", 7.5)
                self.setFillGray(0.35)
                self.drawString(36, 20, header.translate(_PDF_SAFE)[:120])
                self.drawRightString(w - 36, 20, f"Página {self._pageNumber} de {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def _table(rows: list[list], widths: list[float], st) -> list:  # noqa: ANN001
    """Chunked tables (header repeated) from rows of plain values."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    head, body = rows[0], rows[1:]
    out = []
    for k in range(0, max(len(body), 1), CHUNK):
        part = [[Paragraph(_esc(h), st["head"]) for h in head]]
        part += [[Paragraph(_esc(v), st["cell"]) for v in r] for r in body[k:k + CHUNK]]
        t = Table(part, colWidths=widths, repeatRows=1)
        cmds = [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#37474F")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#B0BEC5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
        cmds += [("BACKGROUND", (0, i), (-1, i), colors.HexColor("#F5F7F8")) for i in range(2, len(part), 2)]
        t.setStyle(TableStyle(cmds))
        out.append(t)
    return out


def _hbar(items: list[tuple[str, float]], caption: str, width: float = 480, color: str = "#1565C0",  # noqa: ANN202
          colors_per_bar: list[str] | None = None, value_fmt: str = "%.0f"):
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
    names = [(s if len(s) <= 32 else s[:31] + "...").translate(_PDF_SAFE) for s, _ in items][::-1]
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
    d.add(String(width / 2, height - 12, caption.translate(_PDF_SAFE), fontSize=9, textAnchor="middle",
                 fontName="Helvetica-Bold"))
    return d


def write_consolidated_pdf(db, out: Path, *, progress: ProgressFn = no_progress,  # noqa: ANN001
                           cancel: CancelToken = NEVER_CANCELLED) -> dict:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

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
        totals = [(cap(label(s.table.name)) + (" (solo conteo)" if s.count_only else ""), live_count(conn, s.table), s)
                  for s in specs]
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
                attendance.append((cap(label(s.table.name)), group_label(s),
                                   glbl or ("(sin dato)" if gid is None else gid[:8]), n))
        from sqlalchemy import select

        from rcdesk.models.sync import SyncPackage

        pk = SyncPackage.__table__
        from rcdesk.sync.provenance import ProvenanceIndex

        prov = ProvenanceIndex(conn)
        packages = conn.execute(select(pk.c.installation_id, pk.c.seq, pk.c.file_name, pk.c.processed_at,
                                       pk.c.counts).where(pk.c.direction == "in", pk.c.kind == "field")
                                .order_by(pk.c.processed_at)).all()
    progress(1, 5, "Componiendo el informe")
    story.append(Paragraph("Informe consolidado de rendición de cuentas y POA", st["title"]))
    story.append(Paragraph(_esc(f"{db.installation_name} · generado el {now:%d/%m/%Y %H:%M} UTC"), st["sub"]))
    story.append(Spacer(1, 6))
    story.append(Paragraph("Este informe reúne los datos consolidados en la sede central a partir de los paquetes "
                           "firmados de las instalaciones de campo. No contiene datos personales de la ciudadanía: "
                           "la asistencia se presenta solo como conteos anónimos.", st["body"]))

    story.append(Paragraph("1. Origen de los datos", st["h1"]))
    story += _table([["Instalación", "Rol", "Paquetes consolidados", "Registros vigentes"]]
                    + [[n, "Sede central" if r == "hq" else "Campo", p, c] for n, r, p, c in insts],
                    [200, 90, 110, 110], st)
    story.append(Spacer(1, 8))
    story.append(_hbar([(n, c) for n, _r, _p, c in sorted(insts, key=lambda x: -x[3])],
                       "Registros vigentes por instalación (último en modificarlos)"))

    story.append(Paragraph("2. Registros por tipo", st["h1"]))
    story += _table([["Tipo de registro", "Registros vigentes"]] + [[n, c] for n, c, _s in totals], [300, 150], st)

    story.append(Paragraph("3. Cumplimiento de las actividades", st["h1"]))
    if plans:
        items = [(COLOR_LABELS.get(k, k), by_light.get(k, 0)) for k in LIGHT_ORDER]
        story.append(_hbar(items, "Actividades por semáforo (último avance reportado; gris = sin reporte)",
                           colors_per_bar=[COLOR_HEX[k] for k in LIGHT_ORDER]))
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
        story.append(_hbar([(a[2], a[3]) for a in att], "Registros de asistencia por evento (15 mayores)",
                           color="#2E7D32"))
        story += _table([["Qué se cuenta", "Por", "Grupo", "Cantidad"]] + [list(a) for a in attendance],
                        [120, 80, 230, 70], st)
    else:
        story.append(Paragraph("No hay registros de asistencia consolidados.", st["body"]))

    story.append(Paragraph("5. Paquetes consolidados", st["h1"]))
    import json

    rows = [["Instalación", "N.º", "Archivo", "Consolidado", "Registros"]]
    for iid, seq, fname, at, counts in packages:
        try:
            n = sum(sum(v.get(k, 0) for k in ("inserted", "updated", "unchanged", "conflicts"))
                    for v in json.loads(counts).values() if isinstance(v, dict))
        except (ValueError, AttributeError):
            n = ""
        rows.append([prov.installation(iid), seq, fname, f"{at:%d/%m/%Y %H:%M}", n])
    if len(rows) > 1:
        story += _table(rows, [130, 35, 200, 80, 60], st)
    else:
        story.append(Paragraph("Todavía no se ha consolidado ningún paquete de campo en esta instalación.", st["body"]))
    cancel.check()
    progress(3, 5, "Guardando el PDF")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".parcial")
    doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=36, rightMargin=36, topMargin=36, bottomMargin=40,
                            title="Informe consolidado", author=db.installation_name)
    try:
        doc.build(story, canvasmaker=_numbered_canvas(f"Informe consolidado · {db.installation_name}"))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    progress(5, 5, "Informe guardado")
    return {"file": str(out), "installations": len(insts), "packages": len(packages)}
