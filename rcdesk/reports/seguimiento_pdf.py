"""Informe de seguimiento as PDF (reportlab, A4 landscape, Spanish, "Página x de y").

Long component tables are built in chunks of `CHUNK` rows (reportlab's table layout grows
worse than linearly with rows), each chunk repeating the header row.
"""
from __future__ import annotations

from pathlib import Path

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS, LIGHT_ORDER, format_pct
from rcdesk.followup.informe import COLUMNS, Seguimiento
from rcdesk.followup.periods import date_text
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress

CHUNK = 60
# column widths in points (landscape A4 is 842 pt wide; 30 pt margins)
WIDTHS = (88, 150, 130, 90, 80, 62, 46, 50, 86)
_PDF_SAFE = str.maketrans({"≥": ">=", "≤": "<=", "\u2009": " ", "\u202f": " "})


def _esc(text: str) -> str:
    return (str(text or "").translate(_PDF_SAFE).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace("\n", "<br/>"))


def _styles():  # noqa: ANN202
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontSize=16, leading=20, spaceAfter=4),
        "h1": ParagraphStyle("h1", parent=base["Heading2"], fontSize=12, leading=15, spaceBefore=8, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base["Heading3"], fontSize=10.5, leading=13, spaceBefore=8, spaceAfter=3),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontSize=9.5, leading=12.5),
        "cell": ParagraphStyle("c", parent=base["BodyText"], fontSize=7.3, leading=8.8),
        "head": ParagraphStyle("hd", parent=base["BodyText"], fontSize=7.5, leading=9, fontName="Helvetica-Bold",
                               textColor="white"),
        "center": ParagraphStyle("ce", parent=base["BodyText"], fontSize=7.3, leading=8.8, alignment=TA_CENTER),
        "light": ParagraphStyle("li", parent=base["BodyText"], fontSize=7.3, leading=8.8, alignment=TA_CENTER,
                                fontName="Helvetica-Bold", textColor="white"),
        "light_dark": ParagraphStyle("ld", parent=base["BodyText"], fontSize=7.3, leading=8.8, alignment=TA_CENTER,
                                     fontName="Helvetica-Bold", textColor="#212121"),
        "sign": ParagraphStyle("s", parent=base["BodyText"], fontSize=9.5, leading=12, alignment=TA_CENTER),
    }


def table_style(n_rows: int, light_cells: list[tuple[int, str]]):  # noqa: ANN201
    """Grid style of a component table chunk; `light_cells` = (row, hex) for the Semáforo column."""
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    cmds = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#37474F")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9E9E9E")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for i in range(2, n_rows, 2):
        cmds.append(("BACKGROUND", (0, i), (6, i), colors.HexColor("#F5F5F5")))
        cmds.append(("BACKGROUND", (8, i), (8, i), colors.HexColor("#F5F5F5")))
    for row, hexcolor in light_cells:
        cmds.append(("BACKGROUND", (7, row), (7, row), colors.HexColor(hexcolor)))
    return TableStyle(cmds)


def _numbered_canvas(header: str):  # noqa: ANN202
    from rcdesk.reports import pdf_pages

    def footer(c, page: int, total: int) -> None:  # noqa: ANN001
        w, _h = c._pagesize
        c.setFont("Helvetica", 7.5)
        c.setFillGray(0.35)
        c.drawString(30, 18, header.translate(_PDF_SAFE)[:150])
        c.drawRightString(w - 30, 18, f"Página {page} de {total}")

    return pdf_pages.numbered_canvas(footer)


def summary_chart(data: Seguimiento, width: float = 520, height: float | None = None,  # noqa: ANN201
                  *, by_subgroup: bool = False):
    """Horizontal bar chart: % de avance per component (or subcomponent), bars in their light's colour."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    if by_subgroup:
        comps = [_Bar(label, c, light) for label, c, light in data.subgroups]
        caption = "% de avance por subcomponente (máximo 100 % por actividad)"
    else:
        comps = [_Bar(b.label, b.compliance, b.light) for b in data.components]
        caption = "% de avance por componente (máximo 100 % por actividad)"
    n = max(len(comps), 1)
    height = height or min(60 + 26 * n, 420)
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 240, 30
    chart.width, chart.height = width - 290, height - 50
    values = [float(c.compliance.rated or 0) for c in comps] or [0]
    chart.data = [values]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d %%"
    names = [(c.label[:52] + ("…" if len(c.label) > 52 else "")).translate(_PDF_SAFE) for c in comps] or ["—"]
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.reverseDirection = 1
    chart.barWidth = 10
    for i, c in enumerate(comps):
        chart.bars[(0, i)].fillColor = colors.HexColor(COLOR_HEX.get(c.light.color, "#9E9E9E"))
    chart.bars.strokeColor = None
    chart.barLabels.fontSize = 7
    chart.barLabelFormat = lambda v: f"{v:.1f} %".replace(".", ",")
    chart.barLabels.nudge = 14
    d.add(chart)
    d.add(String(chart.x + chart.width / 2, 8, caption,
                 fontSize=7.5, textAnchor="middle", fillColor=colors.HexColor("#424242")))
    return d


class _Bar:
    def __init__(self, label: str, compliance, light) -> None:  # noqa: ANN001
        self.label, self.compliance, self.light = label, compliance, light


def component_tables(block, st, columns: tuple[str, ...] = COLUMNS) -> list:  # noqa: ANN001
    """The flowables of one component: chunked tables of Paragraph cells."""
    from reportlab.platypus import Paragraph, Table

    head = [Paragraph(_esc(h), st["head"]) for h in columns]
    out = []
    rows = block.rows
    for i in range(0, len(rows), CHUNK):
        chunk = rows[i:i + CHUNK]
        body, lights = [head], []
        prev_sub = None
        for j, r in enumerate(chunk, start=1):
            cells = r.cells()
            if cells[0] == prev_sub:
                cells[0] = ""  # shown once per run of rows (and again at the top of each chunk)
            else:
                prev_sub = cells[0]
            light_style = st["light_dark"] if r.light.color == "amarillo" else st["light"]
            body.append([Paragraph(_esc(c), light_style if k == 7 else st["center"] if k in (5, 6) else st["cell"])
                         for k, c in enumerate(cells)])
            lights.append((j, COLOR_HEX.get(r.light.color, "#9E9E9E")))
        t = Table(body, colWidths=WIDTHS, repeatRows=1)
        t.setStyle(table_style(len(body), lights))
        out.append(t)
    return out


def write_pdf(data: Seguimiento, path: Path, *, progress: ProgressFn = no_progress,
              cancel: CancelToken = NEVER_CANCELLED) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    path = Path(path)
    st = _styles()
    total = data.activity_count + 2
    done = 0
    story: list = []
    story.append(Paragraph(_esc(f"{data.title} — {data.plan_title or 'Plan'}"), st["title"]))
    head_rows = [
        ["Entidad:", data.entity, "Vigencia:", str(data.year)],
        ["Periodo:", f"{data.period_span} · {data.period_label}", "Fecha de corte:", date_text(data.cut)],
        ["Fecha de publicación:", date_text(data.published_on), "Plazo de publicación:",
         date_text(data.publish_by) if data.publish_by else "—"],
        ["Semáforo:", data.profile_name, "Avance del plan:", f"{format_pct(data.plan)} ({COLOR_LABELS[data.plan_light.color]})"],
    ]
    ht = Table([[Paragraph(f"<b>{_esc(a)}</b>", st["body"]), Paragraph(_esc(b), st["body"]),
                 Paragraph(f"<b>{_esc(c)}</b>", st["body"]), Paragraph(_esc(d), st["body"])] for a, b, c, d in head_rows],
               colWidths=(115, 370, 120, 170))
    ht.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#607D8B")),
                            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#ECEFF1")),
                            ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [ht, Spacer(1, 6)]
    if data.late:
        warn = Table([[Paragraph(f"<b>ATENCIÓN: {_esc(data.late_warning)}</b>", st["body"])]], colWidths=(775,))
        warn.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor("#C62828")),
                                  ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FFEBEE"))]))
        story += [warn, Spacer(1, 6)]
    for title, text in (("1. Introducción", data.intro), ("2. Objetivo", data.objective),
                        ("3. Alcance", data.scope), ("4. Metodología", data.method)):
        story += [Paragraph(title, st["h1"]), Paragraph(_esc(text), st["body"])]
    legend = " · ".join(f'<font color="{COLOR_HEX[c]}"><b>■</b></font> {_esc(label)}' for c, label in data.profile_bands)
    story += [Spacer(1, 4), Paragraph(f"<b>Convenciones del semáforo:</b> {legend}", st["body"])]

    story.append(Paragraph("5. Resultados por componente", st["h1"]))
    for block in data.components:
        cancel.check()
        story.append(Paragraph(_esc(f"{block.label} — avance {format_pct(block.compliance)} "
                                    f"({COLOR_LABELS[block.light.color]})"), st["h2"]))
        story += component_tables(block, st, data.columns)
        done += len(block.rows)
        progress(done, total, "Armando las tablas…")

    story.append(Paragraph("Resumen por componente", st["h1"]))
    sum_head = ["Componente", "Actividades", "% de avance", "Semáforo"] + [COLOR_LABELS[c] for c in LIGHT_ORDER]
    sum_rows = [[Paragraph(f"<b>{_esc(h)}</b>", st["cell"]) for h in sum_head]]
    fills = []
    for i, b in enumerate(data.components, start=1):
        sum_rows.append([Paragraph(_esc(b.label), st["cell"]), str(len(b.rows)), format_pct(b.compliance),
                         COLOR_LABELS[b.light.color]] + [str(b.colors.get(c, 0)) for c in LIGHT_ORDER])
        fills.append((i, COLOR_HEX[b.light.color]))
    n_rows = len(sum_rows)
    sum_rows.append([Paragraph("<b>Total del plan</b>", st["cell"]), str(data.activity_count), format_pct(data.plan),
                     COLOR_LABELS[data.plan_light.color]] + [str(data.colors.get(c, 0)) for c in LIGHT_ORDER])
    fills.append((n_rows, COLOR_HEX[data.plan_light.color]))
    stbl = Table(sum_rows, colWidths=(300, 60, 65, 60) + (45,) * len(LIGHT_ORDER), repeatRows=1)
    cmds = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9E9E9E")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#CFD8DC")),
            ("FONTSIZE", (0, 0), (-1, -1), 7.5), ("ALIGN", (1, 1), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("FONTNAME", (0, n_rows), (-1, n_rows), "Helvetica-Bold")]
    for row, hexcolor in fills:
        cmds += [("BACKGROUND", (3, row), (3, row), colors.HexColor(hexcolor)), ("TEXTCOLOR", (3, row), (3, row), colors.white)]
    stbl.setStyle(TableStyle(cmds))
    story += [stbl, Spacer(1, 8), KeepTogether([summary_chart(data, width=760)])]
    if len(data.components) <= 2 and len(data.subgroups) > 1:
        story += [Spacer(1, 6), KeepTogether([summary_chart(data, width=760, by_subgroup=True)])]

    story.append(Paragraph("6. Alertas", st["h1"]))
    story += [Paragraph(_esc(a).replace("   ", "&nbsp;&nbsp;&nbsp;&nbsp;"), st["body"]) for a in data.alerts]
    closing = [Paragraph("7. Recomendaciones", st["h1"])]
    closing += [Paragraph("• " + _esc(r), st["body"]) for r in data.recommendations]
    sign = Table([[Paragraph("<br/><br/><br/>______________________________________", st["sign"])],
                  [Paragraph(f"<b>{_esc(data.signer_name) or '&nbsp;'}</b>", st["sign"])],
                  [Paragraph(_esc(data.signer_role), st["sign"])],
                  [Paragraph(_esc(data.entity), st["sign"])]], colWidths=(320,))
    # the signature closes the recommendations: a page holding only the signature reads as unsigned
    story.append(KeepTogether(closing + [Paragraph("8. Firma", st["h1"]), sign]))
    cancel.check()
    progress(total - 1, total, "Componiendo el PDF…")

    doc = SimpleDocTemplate(
        str(path), pagesize=landscape(A4), leftMargin=30, rightMargin=30, topMargin=1.2 * cm, bottomMargin=1.2 * cm,
        title=f"Informe de seguimiento {data.year} — corte {date_text(data.cut)}", author=data.entity,
        subject="Informe de seguimiento", lang="es",
    )
    footer = f"{data.entity} · Informe de seguimiento · corte {date_text(data.cut)}"
    tmp = path.with_name(path.name + ".tmp")
    try:
        doc.filename = str(tmp)
        doc.build(story, canvasmaker=_numbered_canvas(footer))
        tmp.replace(path)
    except PermissionError as exc:
        tmp.unlink(missing_ok=True)
        from rcdesk.errors import UserError

        raise UserError(f"No se pudo escribir «{path}»: el archivo está abierto en otro programa o la carpeta "
                        "no permite escribir.") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    progress(total, total, "PDF listo")
    return path
