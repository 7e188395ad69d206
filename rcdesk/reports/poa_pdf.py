"""Informe de evaluación del POA por cantón y unidad (PDF, A4 horizontal, Spanish,
"Página x de y"), with a bar chart of compliance and budget execution per canton.

The data comes from `rcdesk.services.poa_reports`. Tables are built in chunks, each repeating
its header row. Charts use reportlab.graphics.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS, LIGHT_ORDER
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.reports.pdf_kit import build_pdf, esc, grid_tables, light_paragraph, page_footer, report_styles


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def pct_text(v: float | None, none: str = "N/A") -> str:
    return none if v is None else f"{v:.2f}".replace(".", ",") + " %"


def money(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def styles() -> dict:
    return report_styles(cell=8)


def grid_table(
    header: list[str],
    rows: list[list],
    widths: list[float],
    st,
    *,
    light_col: int | None = None,
    lights: list[str] | None = None,
) -> list:
    """Chunked tables in the POA reports' blue; `lights` are colour codes for `light_col`."""
    fills = {}
    if light_col is not None and lights:
        fills = {(i, light_col): COLOR_HEX.get(color, "#9E9E9E") for i, color in enumerate(lights, start=1)}
    return grid_tables(
        header, rows, widths, st, fills=fills, head_color="#1F4E79", line="#B0BEC5", zebra="#F3F6F8", valign="MIDDLE"
    )


def num(v: str, st) -> object:
    from reportlab.platypus import Paragraph

    return Paragraph(esc(v), st["num"])


def gap_cell(gap: float | None, flag: bool, st) -> object:
    """Gap in points; beyond the threshold in bold red with an asterisk (no symbol fonts needed)."""
    from reportlab.platypus import Paragraph

    if gap is None:
        return Paragraph("", st["num"])
    text = f"{gap:+.1f}".replace(".", ",")
    if flag:
        return Paragraph(f'<font color="#D32F2F"><b>{text} *</b></font>', st["num"])
    return Paragraph(text, st["num"])


def light_cell(color: str, st) -> object:
    return light_paragraph(color, COLOR_LABELS.get(color, color), st)


def canton_chart(cantons, width: float = 760, bar_h: float = 8.5):
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
    ch.barLabelFormat = lambda v: f"{v:.1f}".replace(".", ",")
    ch.barLabels.fontSize = 6.5
    ch.barLabels.boxAnchor = "w"
    ch.barLabels.dx = 3
    d.add(ch)
    for threshold, color in ((70, "#D32F2F"), (85, "#2E7D32")):
        x = ch.x + ch.width * threshold / 110
        d.add(
            Line(
                x,
                ch.y,
                x,
                ch.y + ch.height,
                strokeColor=colors.HexColor(color),
                strokeDashArray=[3, 2],
                strokeWidth=0.8,
            )
        )
        d.add(String(x + 2, ch.y + ch.height + 3, f"{threshold} %", fontSize=6.5, fillColor=colors.HexColor(color)))
    leg = Legend()
    leg.x, leg.y = 130, 14
    leg.alignment = "right"
    leg.columnMaximum = 1
    leg.fontSize = 7.5
    leg.dxTextSpace = 4
    leg.deltax = 150
    leg.colorNamePairs = [
        (colors.HexColor("#2E7D32"), "% cumplimiento (color = semáforo)"),
        (colors.HexColor("#90A4AE"), "% ejecución presupuestaria"),
    ]
    d.add(leg)
    return d


def distribution_chart(lights: dict, width: float = 330, height: float = 120):
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
            d.add(
                String(
                    x + w / 2,
                    y + 7,
                    str(count),
                    fontSize=8,
                    fillColor=colors.white,
                    textAnchor="middle",
                    fontName="Helvetica-Bold",
                )
            )
        x += w
    lx = 10
    for color in LIGHT_ORDER:
        count = lights.get(color, 0)
        d.add(Rect(lx, y - 26, 9, 9, fillColor=colors.HexColor(COLOR_HEX[color]), strokeColor=None))
        d.add(String(lx + 12, y - 25, f"{COLOR_LABELS[color]}: {count}", fontSize=7.5))
        lx += 64
    return d


def write_pdf(
    data, out: str | Path, *, progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED
) -> int:
    """Draw `data` (a `rcdesk.services.poa_reports.PoaReportData`); returns the number of pages."""
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table

    from rcdesk.services.poa_eval import AGGREGATIONS

    ev, year, cut, entity = data.evaluation, data.year, data.cut, data.entity
    st = styles()
    p = ev.province
    periods = sorted({m.period_label for m in ev.metas})
    story: list = [
        Paragraph(esc(f"Informe de evaluación del POA {year}"), st["title"]),
        Paragraph(esc(f"{entity} — corte al {cut:%d/%m/%Y} (periodos cerrados: {', '.join(periods)})"), st["subtitle"]),
        Paragraph("1. Resultados consolidados de la provincia", st["h1"]),
        Paragraph(
            esc(
                f"Se evaluaron {p.units} unidades con {p.metas} metas ({p.evaluated} con programación al corte). "
                f"El cumplimiento físico promedio es {pct_text(p.pct)} ({COLOR_LABELS.get(p.light, '')}); el avance "
                f"anual, {pct_text(p.pct_annual)}; la ejecución presupuestaria, {pct_text(p.pct_budget)} "
                f"(devengado {money(p.devengado)} de {money(p.codificado)} USD codificados)."
            ),
            st["body"],
        ),
        Spacer(1, 4),
        Paragraph(
            esc(
                f"Criterios: % de cumplimiento = ejecutado / programado al corte × 100 (máximo 100 % para promediar); "
                f"{AGGREGATIONS.get(ev.settings.aggregation, '')} de las metas por unidad y promedio simple de las "
                f"unidades por cantón y tipo. Semáforo «{ev.profile.name}»: "
                + "; ".join(f"{b.label}" for b in ev.profile.bands)
                + f". Brecha físico-financiera marcada cuando supera {ev.settings.gap_pp:g} puntos."
            ),
            st["small"],
        ),
        Spacer(1, 6),
    ]
    summary: list[list[Any]] = [
        ["Indicador", "Valor"],
        ["Cumplimiento físico (periodo)", num(pct_text(p.pct), st)],
        ["Avance anual", num(pct_text(p.pct_annual), st)],
        ["Ejecución presupuestaria", num(pct_text(p.pct_budget), st)],
        ["Presupuesto codificado (USD)", num(money(p.codificado), st)],
        ["Presupuesto devengado (USD)", num(money(p.devengado), st)],
        ["Unidades en rojo", num(str(p.units_red), st)],
    ]
    story.append(
        Table(
            [[grid_table(summary[0], summary[1:], [170, 90], st)[0], distribution_chart(p.lights)]],
            colWidths=[300, 360],
            style=[("VALIGN", (0, 0), (-1, -1), "TOP")],
        )
    )
    story.append(Paragraph("2. Cumplimiento por tipo de unidad", st["h1"]))
    rows = [
        [
            t.label,
            num(str(t.units), st),
            num(str(t.metas), st),
            num(pct_text(t.pct), st),
            num(pct_text(t.pct_budget), st),
            num(str(t.units_red), st),
            light_cell(t.light, st),
        ]
        for t in ev.unit_types
    ]
    story += grid_table(
        ["Tipo de unidad", "Unidades", "Metas", "% cumplimiento", "% ejec. presup.", "Unidades en rojo", "Semáforo"],
        rows,
        [200, 60, 60, 90, 90, 80, 90],
        st,
        light_col=6,
        lights=[t.light for t in ev.unit_types],
    )
    progress(1, 4, "Dibujando gráficos…")
    story.append(
        KeepTogether(
            [
                Paragraph("3. Cumplimiento por cantón", st["h1"]),
                canton_chart(ev.cantons, bar_h=7.5 if len(ev.cantons) > 8 else 8.5),
            ]
        )
    )
    head = [
        "Cantón",
        "Unidades",
        "Metas",
        "% cumplimiento",
        "% avance anual",
        "% ejec. presup.",
        "Brecha (pp)",
        "Unidades en rojo",
        "Semáforo",
    ]
    rows = [
        [
            c.label,
            num(str(c.units), st),
            num(str(c.metas), st),
            num(pct_text(c.pct), st),
            num(pct_text(c.pct_annual), st),
            num(pct_text(c.pct_budget), st),
            gap_cell(c.gap, c.gap_flag, st),
            num(str(c.units_red), st),
            light_cell(c.light, st),
        ]
        for c in ev.cantons
    ]
    gap_pp = f"{ev.settings.gap_pp:g}".replace(".", ",")
    tables = grid_table(
        head, rows, [130, 55, 50, 85, 85, 85, 70, 70, 90], st, light_col=8, lights=[c.light for c in ev.cantons]
    )
    # the footnote travels with the last rows of the table (never alone on a page)
    story += tables[:-1]
    story.append(
        KeepTogether(
            [
                tables[-1],
                Paragraph(
                    esc(
                        f"* Brecha entre el avance físico anual y la ejecución presupuestaria mayor a {gap_pp} puntos "
                        "porcentuales."
                    ),
                    st["small"],
                ),
            ]
        )
    )
    cancel.check()
    progress(2, 4, "Tablas por cantón…")
    story += [PageBreak(), Paragraph("4. Resultados por cantón y unidad", st["h1"])]
    head = [
        "Unidad",
        "Tipo",
        "Metas",
        "% cumplimiento",
        "% avance anual",
        "Codificado (USD)",
        "Devengado (USD)",
        "% ejec. presup.",
        "Brecha (pp)",
        "Semáforo",
    ]
    for c in ev.cantons:
        units = ev.units_of(c.key)
        block = [
            Paragraph(
                esc(
                    f"{c.label}: {pct_text(c.pct)} — {COLOR_LABELS.get(c.light, '')} "
                    f"({plural(c.units, 'unidad', 'unidades')}, {plural(c.metas, 'meta', 'metas')})"
                ),
                st["h2"],
            )
        ]
        rows = [
            [
                u.label,
                data.unit_types.get(u.unit_type, u.unit_type),
                num(str(u.metas), st),
                num(pct_text(u.pct), st),
                num(pct_text(u.pct_annual), st),
                num(money(u.codificado), st),
                num(money(u.devengado), st),
                num(pct_text(u.pct_budget), st),
                gap_cell(u.gap, u.gap_flag, st),
                light_cell(u.light, st),
            ]
            for u in units
        ]
        tables = grid_table(
            head, rows, [190, 105, 38, 70, 70, 72, 72, 62, 55, 48], st, light_col=9, lights=[u.light for u in units]
        )
        story.append(KeepTogether(block + tables[:1]) if len(rows) <= 25 else block[0])
        story += tables[1:] if len(rows) <= 25 else tables
        cancel.check()
    progress(3, 4, "Alertas…")
    story += [PageBreak(), Paragraph("5. Alertas", st["h1"])]
    red = [u for u in ev.units if u.light == "rojo"]
    story.append(Paragraph(esc(f"Unidades con cumplimiento bajo ({len(red)})"), st["h2"]))
    if red:
        story += grid_table(
            ["Unidad", "Cantón", "% cumplimiento", "% ejec. presup.", "Metas en rojo"],
            [
                [
                    u.label,
                    u.canton,
                    num(pct_text(u.pct), st),
                    num(pct_text(u.pct_budget), st),
                    num(str(u.lights.get("rojo", 0)), st),
                ]
                for u in red
            ],
            [260, 120, 100, 100, 90],
            st,
        )
    else:
        story.append(Paragraph("Ninguna unidad en rojo.", st["body"]))
    gaps = sorted((m for m in ev.metas if m.gap_flag), key=lambda m: -abs(m.gap or 0))
    units = {u.key: u for u in ev.units}
    story.append(
        Paragraph(
            esc(f"Metas con brecha físico-financiera mayor a {ev.settings.gap_pp:g} puntos ({len(gaps)})"), st["h2"]
        )
    )
    if gaps:
        shown = gaps[:120]
        story += grid_table(
            ["Unidad", "Meta", "% avance físico anual", "% ejec. presup.", "Brecha (pp)"],
            [
                [
                    units[m.unit_id].label if m.unit_id in units else "",
                    f"{m.number} {m.description}",
                    num(pct_text(m.pct_annual), st),
                    num(pct_text(m.pct_budget), st),
                    num(f"{m.gap:+.1f}".replace(".", ","), st),
                ]
                for m in shown
            ],
            [200, 330, 90, 80, 70],
            st,
        )
        if len(gaps) > len(shown):
            story.append(Paragraph(esc(f"… y {len(gaps) - len(shown)} metas más."), st["small"]))
    else:
        story.append(Paragraph("Ninguna meta supera el umbral de brecha.", st["body"]))
    over = [m for m in ev.metas if m.over]
    if over:
        story.append(Paragraph(esc(f"Metas con sobrecumplimiento (más de 100 %, revisar) ({len(over)})"), st["h2"]))
        story += grid_table(
            ["Unidad", "Meta", "Programado", "Ejecutado", "% cumplimiento"],
            [
                [
                    units[m.unit_id].label if m.unit_id in units else "",
                    f"{m.number} {m.description}",
                    num(f"{m.planned:g}", st),
                    num(f"{m.executed:g}", st),
                    num(pct_text(m.pct), st),
                ]
                for m in over[:80]
            ],
            [200, 330, 80, 80, 80],
            st,
        )
    overdue = data.overdue
    story.append(Paragraph(esc(f"Oficios vencidos sin respuesta ({len(overdue)})"), st["h2"]))
    if overdue:
        story += grid_table(
            ["Oficio", "Unidad", "Asunto", "Venció", "Días hábiles de atraso"],
            [
                [o.quipux_no, o.addressee, o.subject, o.due_date.strftime("%d/%m/%Y"), num(str(o.days_late), st)]
                for o in overdue
            ],
            [120, 170, 300, 70, 100],
            st,
        )
    else:
        story.append(Paragraph("No hay oficios vencidos.", st["body"]))
    story += [
        Spacer(1, 30),
        Table(
            [
                [
                    Paragraph(
                        "______________________________<br/>Elaborado por<br/>Unidad de Planificación", st["sign"]
                    ),
                    Paragraph("______________________________<br/>Revisado y aprobado por", st["sign"]),
                ]
            ],
            colWidths=[380, 380],
        ),
    ]
    stamp = datetime.now().strftime("%d/%m/%Y %H:%M")
    pages = build_pdf(
        out,
        story,
        title=f"Evaluación POA {year}",
        author="rcdesk",
        top=32,
        bottom=32,
        footer=page_footer(
            f"Generado con rcdesk el {stamp}", header=f"{entity} — Evaluación del POA {year}, corte {cut:%d/%m/%Y}"
        ),
    )
    progress(4, 4, "Listo")
    return pages
