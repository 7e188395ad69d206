"""Informe de evaluación del POA por cantón y unidad (PDF, A4 horizontal, Spanish,
"Página x de y"), with a bar chart of compliance and budget execution per canton.

Tables are built in chunks of `CHUNK` rows (reportlab table layout grows worse than
linearly), each chunk repeating its header row. Charts use reportlab.graphics.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS, LIGHT_ORDER
from rcdesk.errors import UserError
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress

CHUNK = 60
_PDF_SAFE = str.maketrans({"≥": ">=", "≤": "<=", "\u2009": " ", "\u202f": " ", "—": "-"})


def esc(text: object) -> str:
    return (str(text if text is not None else "").translate(_PDF_SAFE).replace("&", "&amp;")
            .replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>"))


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def pct_text(v: float | None, none: str = "N/A") -> str:
    return none if v is None else f"{v:.2f}".replace(".", ",") + " %"


def money(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def styles():  # noqa: ANN201
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontSize=17, leading=21, spaceAfter=2),
        "subtitle": ParagraphStyle("st", parent=base["BodyText"], fontSize=10.5, leading=14, alignment=TA_CENTER,
                                   textColor="#37474F", spaceAfter=8),
        "h1": ParagraphStyle("h1", parent=base["Heading2"], fontSize=12.5, leading=15, spaceBefore=10, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base["Heading3"], fontSize=10.5, leading=13, spaceBefore=8, spaceAfter=3),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontSize=9.5, leading=12.5),
        "small": ParagraphStyle("sm", parent=base["BodyText"], fontSize=8, leading=10, textColor="#455A64"),
        "cell": ParagraphStyle("c", parent=base["BodyText"], fontSize=8, leading=9.6),
        "num": ParagraphStyle("n", parent=base["BodyText"], fontSize=8, leading=9.6, alignment=TA_RIGHT),
        "head": ParagraphStyle("hd", parent=base["BodyText"], fontSize=8, leading=9.6, fontName="Helvetica-Bold",
                               textColor="white", alignment=TA_CENTER),
        "light": ParagraphStyle("li", parent=base["BodyText"], fontSize=8, leading=9.6, alignment=TA_CENTER,
                                fontName="Helvetica-Bold", textColor="white"),
        "sign": ParagraphStyle("s", parent=base["BodyText"], fontSize=9.5, leading=12, alignment=TA_CENTER),
    }


def numbered_canvas(header: str):  # noqa: ANN201
    """Canvas class writing a running header and "Página x de y" on every page."""
    from rcdesk.reports import pdf_pages

    stamp = datetime.now().strftime("%d/%m/%Y %H:%M")

    def footer(c, page: int, total: int) -> None:  # noqa: ANN001
        w, h = c._pagesize
        c.saveState()
        c.setFont("Helvetica", 7.5)
        c.setFillColorRGB(0.35, 0.35, 0.35)
        c.drawString(30, h - 20, header.translate(_PDF_SAFE))
        c.drawString(30, 18, f"Generado con rcdesk el {stamp}")
        c.drawRightString(w - 30, 18, f"Página {page} de {total}")
        c.restoreState()

    return pdf_pages.numbered_canvas(footer)


def grid_table(header: list[str], rows: list[list], widths: list[float], st, *,  # noqa: ANN001
               light_col: int | None = None, lights: list[str] | None = None) -> list:
    """Table flowables in chunks of CHUNK rows; `lights` are colour codes for `light_col`."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    out = []
    head = [Paragraph(esc(h), st["head"]) for h in header]
    for start in range(0, max(len(rows), 1), CHUNK):
        chunk = rows[start:start + CHUNK]
        data = [head]
        for r in chunk:
            data.append([c if not isinstance(c, str) else Paragraph(esc(c), st["cell"]) for c in r])
        t = Table(data, colWidths=widths, repeatRows=1)
        cmds = [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1F4E79")),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#B0BEC5")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        for i in range(2, len(data), 2):
            cmds.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#F3F6F8")))
        if light_col is not None and lights:
            for i, color in enumerate(lights[start:start + CHUNK], start=1):
                cmds.append(("BACKGROUND", (light_col, i), (light_col, i), colors.HexColor(COLOR_HEX.get(color,
                                                                                                          "#9E9E9E"))))
        t.setStyle(TableStyle(cmds))
        out.append(t)
    return out


def num(v: str, st) -> object:  # noqa: ANN001
    from reportlab.platypus import Paragraph

    return Paragraph(esc(v), st["num"])


def gap_cell(gap: float | None, flag: bool, st) -> object:  # noqa: ANN001
    """Gap in points; beyond the threshold in bold red with an asterisk (no symbol fonts needed)."""
    from reportlab.platypus import Paragraph

    if gap is None:
        return Paragraph("", st["num"])
    text = f"{gap:+.1f}".replace(".", ",")
    if flag:
        return Paragraph(f'<font color="#D32F2F"><b>{text} *</b></font>', st["num"])
    return Paragraph(text, st["num"])


def light_cell(color: str, st) -> object:  # noqa: ANN001
    from reportlab.platypus import Paragraph

    return Paragraph(esc(COLOR_LABELS.get(color, color)), st["light"])


def canton_chart(cantons, width: float = 760, bar_h: float = 8.5):  # noqa: ANN001, ANN201
    """Grouped horizontal bars: % cumplimiento (coloured by light) and % ejecución presupuestaria."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.lib import colors

    rows = list(reversed(cantons))  # reportlab draws the first category at the bottom
    n = max(len(rows), 1)
    height = n * (2 * bar_h + 7) + 60
    d = Drawing(width, height)
    ch = HorizontalBarChart()
    ch.x, ch.y = 130, 36
    ch.width, ch.height = width - 190, height - 56
    # series 0 is drawn lowest inside each group: budget first so compliance sits on top
    ch.data = [[min(c.pct_budget or 0, 120) for c in rows], [min(c.pct or 0, 120) for c in rows]]
    ch.categoryAxis.categoryNames = [c.label for c in rows]
    ch.categoryAxis.labels.fontName = "Helvetica"
    ch.categoryAxis.labels.fontSize = 8
    ch.categoryAxis.labels.boxAnchor = "e"
    ch.categoryAxis.labels.dx = -4
    ch.valueAxis.valueMin, ch.valueAxis.valueMax, ch.valueAxis.valueStep = 0, 110, 10
    ch.valueAxis.labels.fontSize = 7.5
    ch.valueAxis.labelTextFormat = "%d %%"
    ch.valueAxis.visibleGrid = True
    ch.valueAxis.gridStrokeColor = colors.HexColor("#E0E0E0")
    ch.barWidth = bar_h
    ch.groupSpacing = 6
    ch.barSpacing = 1
    ch.bars[0].fillColor = colors.HexColor("#90A4AE")
    ch.bars[1].fillColor = colors.HexColor("#2E7D32")
    ch.bars.strokeColor = None
    for i, c in enumerate(rows):
        ch.bars[(1, i)].fillColor = colors.HexColor(COLOR_HEX.get(c.light, "#9E9E9E"))
    ch.barLabelFormat = lambda v: f"{v:.1f}".replace(".", ",")  # noqa: E731
    ch.barLabels.fontSize = 6.5
    ch.barLabels.boxAnchor = "w"
    ch.barLabels.dx = 3
    d.add(ch)
    for threshold, color in ((70, "#D32F2F"), (85, "#2E7D32")):
        x = ch.x + ch.width * threshold / 110
        d.add(Line(x, ch.y, x, ch.y + ch.height, strokeColor=colors.HexColor(color), strokeDashArray=[3, 2],
                   strokeWidth=0.8))
        d.add(String(x + 2, ch.y + ch.height + 3, f"{threshold} %", fontSize=6.5,
                     fillColor=colors.HexColor(color)))
    leg = Legend()
    leg.x, leg.y = 130, 14
    leg.alignment = "right"
    leg.columnMaximum = 1
    leg.fontSize = 7.5
    leg.dxTextSpace = 4
    leg.deltax = 150
    leg.colorNamePairs = [(colors.HexColor("#2E7D32"), "% cumplimiento (color = semáforo)"),
                          (colors.HexColor("#90A4AE"), "% ejecución presupuestaria")]
    d.add(leg)
    return d


def distribution_chart(lights: dict, width: float = 330, height: float = 120):  # noqa: ANN201
    """Stacked single bar: how many units in each colour."""
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    d = Drawing(width, height)
    total = sum(lights.values()) or 1
    x = 10
    bar_w = width - 20
    d.add(String(10, height - 14, "Unidades por color del semáforo", fontSize=8.5, fontName="Helvetica-Bold"))
    y = height - 50
    for color in LIGHT_ORDER:
        count = lights.get(color, 0)
        if not count:
            continue
        w = bar_w * count / total
        d.add(Rect(x, y, w, 22, fillColor=colors.HexColor(COLOR_HEX[color]), strokeColor=None))
        if w > 18:
            d.add(String(x + w / 2, y + 7, str(count), fontSize=8, fillColor=colors.white, textAnchor="middle",
                         fontName="Helvetica-Bold"))
        x += w
    lx = 10
    for color in LIGHT_ORDER:
        count = lights.get(color, 0)
        d.add(Rect(lx, y - 26, 9, 9, fillColor=colors.HexColor(COLOR_HEX[color]), strokeColor=None))
        d.add(String(lx + 12, y - 25, f"{COLOR_LABELS[color]}: {count}", fontSize=7.5))
        lx += 64
    return d


def write_poa_report(db, year: int, cut: date, out: str | Path, *, canton_id: str | None = None,  # noqa: ANN001, C901
                     progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED) -> dict:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

    from rcdesk.reports.cpccs_xlsx import _entity
    from rcdesk.services.poa_eval import AGGREGATIONS, EvaluationService
    from rcdesk.services.poa_visits import VisitService

    progress(0, 4, "Calculando el cumplimiento…")
    ev = EvaluationService(db).evaluate(int(year), cut, canton_id=canton_id, with_text=False)
    if not ev.metas:
        raise UserError(f"No hay metas de POA del año {year} para evaluar.")
    cancel.check()
    entity = _entity(db, ev) or "Entidad"
    st = styles()
    p = ev.province
    periods = sorted({m.period_label for m in ev.metas})
    story: list = [
        Paragraph(esc(f"Informe de evaluación del POA {year}"), st["title"]),
        Paragraph(esc(f"{entity} — corte al {cut:%d/%m/%Y} (periodos cerrados: {', '.join(periods)})"),
                  st["subtitle"]),
        Paragraph("1. Resultados consolidados de la provincia", st["h1"]),
        Paragraph(esc(
            f"Se evaluaron {p.units} unidades con {p.metas} metas ({p.evaluated} con programación al corte). "
            f"El cumplimiento físico promedio es {pct_text(p.pct)} ({COLOR_LABELS.get(p.light, '')}); el avance "
            f"anual, {pct_text(p.pct_annual)}; la ejecución presupuestaria, {pct_text(p.pct_budget)} "
            f"(devengado {money(p.devengado)} de {money(p.codificado)} USD codificados)."
        ), st["body"]),
        Spacer(1, 4),
        Paragraph(esc(
            f"Criterios: % de cumplimiento = ejecutado / programado al corte × 100 (máximo 100 % para promediar); "
            f"{AGGREGATIONS.get(ev.settings.aggregation, '')} de las metas por unidad y promedio simple de las "
            f"unidades por cantón y tipo. Semáforo «{ev.profile.name}»: "
            + "; ".join(f"{b.label}" for b in ev.profile.bands)
            + f". Brecha físico-financiera marcada cuando supera {ev.settings.gap_pp:g} puntos."
        ), st["small"]),
        Spacer(1, 6),
    ]
    summary = [["Indicador", "Valor"],
               ["Cumplimiento físico (periodo)", num(pct_text(p.pct), st)],
               ["Avance anual", num(pct_text(p.pct_annual), st)],
               ["Ejecución presupuestaria", num(pct_text(p.pct_budget), st)],
               ["Presupuesto codificado (USD)", num(money(p.codificado), st)],
               ["Presupuesto devengado (USD)", num(money(p.devengado), st)],
               ["Unidades en rojo", num(str(p.units_red), st)]]
    story.append(Table([[grid_table(summary[0], summary[1:], [170, 90], st)[0], distribution_chart(p.lights)]],
                       colWidths=[300, 360], style=[("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(Paragraph("2. Cumplimiento por tipo de unidad", st["h1"]))
    rows = [[t.label, num(str(t.units), st), num(str(t.metas), st), num(pct_text(t.pct), st),
             num(pct_text(t.pct_budget), st), num(str(t.units_red), st), light_cell(t.light, st)]
            for t in ev.unit_types]
    story += grid_table(["Tipo de unidad", "Unidades", "Metas", "% cumplimiento", "% ejec. presup.",
                         "Unidades en rojo", "Semáforo"], rows, [200, 60, 60, 90, 90, 80, 90], st, light_col=6,
                        lights=[t.light for t in ev.unit_types])
    progress(1, 4, "Dibujando gráficos…")
    story.append(KeepTogether([Paragraph("3. Cumplimiento por cantón", st["h1"]), canton_chart(ev.cantons, bar_h=7.5 if len(ev.cantons) > 8 else 8.5)]))
    head = ["Cantón", "Unidades", "Metas", "% cumplimiento", "% avance anual", "% ejec. presup.", "Brecha (pp)",
            "Unidades en rojo", "Semáforo"]
    rows = [[c.label, num(str(c.units), st), num(str(c.metas), st), num(pct_text(c.pct), st),
             num(pct_text(c.pct_annual), st), num(pct_text(c.pct_budget), st),
             gap_cell(c.gap, c.gap_flag, st),
             num(str(c.units_red), st), light_cell(c.light, st)] for c in ev.cantons]
    gap_pp = f"{ev.settings.gap_pp:g}".replace(".", ",")
    tables = grid_table(head, rows, [130, 55, 50, 85, 85, 85, 70, 70, 90], st, light_col=8,
                        lights=[c.light for c in ev.cantons])
    # the footnote travels with the last rows of the table (never alone on a page)
    story += tables[:-1]
    story.append(KeepTogether([tables[-1], Paragraph(esc(
        f"* Brecha entre el avance físico anual y la ejecución presupuestaria mayor a {gap_pp} puntos "
        "porcentuales."), st["small"])]))
    cancel.check()
    progress(2, 4, "Tablas por cantón…")
    story += [PageBreak(), Paragraph("4. Resultados por cantón y unidad", st["h1"])]
    head = ["Unidad", "Tipo", "Metas", "% cumplimiento", "% avance anual", "Codificado (USD)", "Devengado (USD)",
            "% ejec. presup.", "Brecha (pp)", "Semáforo"]
    from rcdesk.models.reference import UNIT_TYPES

    for c in ev.cantons:
        units = ev.units_of(c.key)
        block = [Paragraph(esc(f"{c.label}: {pct_text(c.pct)} — {COLOR_LABELS.get(c.light, '')} "
                               f"({plural(c.units, 'unidad', 'unidades')}, {plural(c.metas, 'meta', 'metas')})"),
                           st["h2"])]
        rows = [[u.label, UNIT_TYPES.get(u.unit_type, u.unit_type), num(str(u.metas), st), num(pct_text(u.pct), st),
                 num(pct_text(u.pct_annual), st), num(money(u.codificado), st), num(money(u.devengado), st),
                 num(pct_text(u.pct_budget), st),
                 gap_cell(u.gap, u.gap_flag, st),
                 light_cell(u.light, st)] for u in units]
        tables = grid_table(head, rows, [190, 105, 38, 70, 70, 72, 72, 62, 55, 48], st, light_col=9,
                            lights=[u.light for u in units])
        story.append(KeepTogether(block + tables[:1]) if len(rows) <= 25 else block[0])
        story += tables[1:] if len(rows) <= 25 else tables
        cancel.check()
    progress(3, 4, "Alertas…")
    story += [PageBreak(), Paragraph("5. Alertas", st["h1"])]
    red = [u for u in ev.units if u.light == "rojo"]
    story.append(Paragraph(esc(f"Unidades con cumplimiento bajo ({len(red)})"), st["h2"]))
    if red:
        story += grid_table(["Unidad", "Cantón", "% cumplimiento", "% ejec. presup.", "Metas en rojo"],
                            [[u.label, u.canton, num(pct_text(u.pct), st), num(pct_text(u.pct_budget), st),
                              num(str(u.lights.get("rojo", 0)), st)] for u in red],
                            [260, 120, 100, 100, 90], st)
    else:
        story.append(Paragraph("Ninguna unidad en rojo.", st["body"]))
    gaps = sorted((m for m in ev.metas if m.gap_flag), key=lambda m: -abs(m.gap or 0))
    units = {u.key: u for u in ev.units}
    story.append(Paragraph(esc(f"Metas con brecha físico-financiera mayor a {ev.settings.gap_pp:g} puntos "
                               f"({len(gaps)})"), st["h2"]))
    if gaps:
        shown = gaps[:120]
        story += grid_table(["Unidad", "Meta", "% avance físico anual", "% ejec. presup.", "Brecha (pp)"],
                            [[units[m.unit_id].label if m.unit_id in units else "", f"{m.number} {m.description}",
                              num(pct_text(m.pct_annual), st), num(pct_text(m.pct_budget), st),
                              num(f"{m.gap:+.1f}".replace(".", ","), st)] for m in shown],
                            [200, 330, 90, 80, 70], st)
        if len(gaps) > len(shown):
            story.append(Paragraph(esc(f"… y {len(gaps) - len(shown)} metas más."), st["small"]))
    else:
        story.append(Paragraph("Ninguna meta supera el umbral de brecha.", st["body"]))
    over = [m for m in ev.metas if m.over]
    if over:
        story.append(Paragraph(esc(f"Metas con sobrecumplimiento (más de 100 %, revisar) ({len(over)})"), st["h2"]))
        story += grid_table(["Unidad", "Meta", "Programado", "Ejecutado", "% cumplimiento"],
                            [[units[m.unit_id].label if m.unit_id in units else "", f"{m.number} {m.description}",
                              num(f"{m.planned:g}", st), num(f"{m.executed:g}", st), num(pct_text(m.pct), st)]
                             for m in over[:80]], [200, 330, 80, 80, 80], st)
    overdue, _ = VisitService(db).overdue(today=max(cut, date.today()) if cut.year == date.today().year else None)
    story.append(Paragraph(esc(f"Oficios vencidos sin respuesta ({len(overdue)})"), st["h2"]))
    if overdue:
        story += grid_table(["Oficio", "Unidad", "Asunto", "Venció", "Días hábiles de atraso"],
                            [[o.quipux_no, o.addressee, o.subject, o.due_date.strftime("%d/%m/%Y"),
                              num(str(o.days_late), st)] for o in overdue], [120, 170, 300, 70, 100], st)
    else:
        story.append(Paragraph("No hay oficios vencidos.", st["body"]))
    story += [Spacer(1, 30), Table(
        [[Paragraph("______________________________<br/>Elaborado por<br/>Unidad de Planificación", st["sign"]),
          Paragraph("______________________________<br/>Revisado y aprobado por", st["sign"])]],
        colWidths=[380, 380])]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(out), pagesize=landscape(A4), leftMargin=30, rightMargin=30, topMargin=32,
                            bottomMargin=32, title=f"Evaluación POA {year}", author="rcdesk")
    try:
        doc.build(story, canvasmaker=numbered_canvas(f"{entity} — Evaluación del POA {year}, corte "
                                                     f"{cut:%d/%m/%Y}"))
    except PermissionError as exc:
        raise UserError(f"No se puede escribir «{out.name}»: ¿está abierto en otro programa?") from exc
    progress(4, 4, "Listo")
    return {"out": str(out), "pages": doc.page, "cantons": len(ev.cantons), "units": len(ev.units),
            "metas": len(ev.metas)}
