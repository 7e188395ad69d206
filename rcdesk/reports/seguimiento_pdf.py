"""Informe de seguimiento as PDF (reportlab, A4 landscape, Spanish, "Página x de y").

Long component tables are built in chunks of `CHUNK` rows, each repeating the header row.
"""

from __future__ import annotations

from pathlib import Path

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS, LIGHT_ORDER, format_pct
from rcdesk.followup.informe import COLUMNS, Seguimiento
from rcdesk.followup.periods import date_text
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.reports.pdf_kit import CHUNK, build_pdf, esc, grid_style, label_table, page_footer, report_styles, safe

# column widths in points (landscape A4 is 842 pt wide; 30 pt margins)
WIDTHS = (88, 150, 130, 90, 80, 62, 46, 50, 86)


def _styles() -> dict:
    return report_styles(cell=7.3)


def summary_chart(data: Seguimiento, width: float = 520, height: float | None = None, *, by_subgroup: bool = False):
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
    names = [safe(c.label[:52] + ("…" if len(c.label) > 52 else "")) for c in comps] or ["—"]
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
    d.add(
        String(
            chart.x + chart.width / 2,
            8,
            caption,
            fontSize=7.5,
            textAnchor="middle",
            fillColor=colors.HexColor("#424242"),
        )
    )
    return d


class _Bar:
    def __init__(self, label: str, compliance, light) -> None:
        self.label, self.compliance, self.light = label, compliance, light


def component_tables(block, st, columns: tuple[str, ...] = COLUMNS) -> list:
    """The flowables of one component: chunked tables of Paragraph cells."""
    from reportlab.platypus import Paragraph, Table

    head = [Paragraph(esc(h), st["head"]) for h in columns]
    out = []
    rows = block.rows
    for i in range(0, len(rows), CHUNK):
        body, lights = [head], []
        prev_sub = None
        for j, r in enumerate(rows[i : i + CHUNK], start=1):
            cells = r.cells()
            if cells[0] == prev_sub:
                cells[0] = ""  # shown once per run of rows (and again at the top of each chunk)
            else:
                prev_sub = cells[0]
            light_style = st["light_dark"] if r.light.color == "amarillo" else st["light"]
            body.append(
                [
                    Paragraph(esc(c), light_style if k == 7 else st["center"] if k in (5, 6) else st["cell"])
                    for k, c in enumerate(cells)
                ]
            )
            lights.append((j, 7, COLOR_HEX.get(r.light.color, "#9E9E9E")))
        t = Table(body, colWidths=WIDTHS, repeatRows=1)
        t.setStyle(grid_style(len(body), lights))
        out.append(t)
    return out


def write_pdf(
    data: Seguimiento, path: Path, *, progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED
) -> Path:
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

    path = Path(path)
    st = _styles()
    total = data.activity_count + 2
    done = 0
    story: list = []
    story.append(Paragraph(esc(f"{data.title} — {data.plan_title or 'Plan'}"), st["title"]))
    ht = label_table(
        [
            ("Entidad:", data.entity, "Vigencia:", str(data.year)),
            ("Periodo:", f"{data.period_span} · {data.period_label}", "Fecha de corte:", date_text(data.cut)),
            (
                "Fecha de publicación:",
                date_text(data.published_on),
                "Plazo de publicación:",
                date_text(data.publish_by) if data.publish_by else "—",
            ),
            (
                "Semáforo:",
                data.profile_name,
                "Avance del plan:",
                f"{format_pct(data.plan)} ({COLOR_LABELS[data.plan_light.color]})",
            ),
        ],
        st,
    )
    story += [ht, Spacer(1, 6)]
    if data.late:
        warn = Table([[Paragraph(f"<b>ATENCIÓN: {esc(data.late_warning)}</b>", st["body"])]], colWidths=(775,))
        warn.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor("#C62828")),
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FFEBEE")),
                ]
            )
        )
        story += [warn, Spacer(1, 6)]
    for title, text in (
        ("1. Introducción", data.intro),
        ("2. Objetivo", data.objective),
        ("3. Alcance", data.scope),
        ("4. Metodología", data.method),
    ):
        story += [Paragraph(title, st["h1"]), Paragraph(esc(text), st["body"])]
    legend = " · ".join(f'<font color="{COLOR_HEX[c]}"><b>■</b></font> {esc(label)}' for c, label in data.profile_bands)
    story += [Spacer(1, 4), Paragraph(f"<b>Convenciones del semáforo:</b> {legend}", st["body"])]

    story.append(Paragraph("5. Resultados por componente", st["h1"]))
    for block in data.components:
        cancel.check()
        story.append(
            Paragraph(
                esc(f"{block.label} — avance {format_pct(block.compliance)} ({COLOR_LABELS[block.light.color]})"),
                st["h2"],
            )
        )
        story += component_tables(block, st, data.columns)
        done += len(block.rows)
        progress(done, total, "Armando las tablas…")

    story.append(Paragraph("Resumen por componente", st["h1"]))
    sum_head = ["Componente", "Actividades", "% de avance", "Semáforo"] + [COLOR_LABELS[c] for c in LIGHT_ORDER]
    sum_rows = [[Paragraph(f"<b>{esc(h)}</b>", st["cell"]) for h in sum_head]]
    fills = []
    for i, b in enumerate(data.components, start=1):
        sum_rows.append(
            [
                Paragraph(esc(b.label), st["cell"]),
                str(len(b.rows)),
                format_pct(b.compliance),
                COLOR_LABELS[b.light.color],
            ]
            + [str(b.colors.get(c, 0)) for c in LIGHT_ORDER]
        )
        fills.append((i, COLOR_HEX[b.light.color]))
    n_rows = len(sum_rows)
    sum_rows.append(
        [
            Paragraph("<b>Total del plan</b>", st["cell"]),
            str(data.activity_count),
            format_pct(data.plan),
            COLOR_LABELS[data.plan_light.color],
        ]
        + [str(data.colors.get(c, 0)) for c in LIGHT_ORDER]
    )
    fills.append((n_rows, COLOR_HEX[data.plan_light.color]))
    stbl = Table(sum_rows, colWidths=(300, 60, 65, 60) + (45,) * len(LIGHT_ORDER), repeatRows=1)
    cmds = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9E9E9E")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#CFD8DC")),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("ALIGN", (1, 1), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, n_rows), (-1, n_rows), "Helvetica-Bold"),
    ]
    for row, hexcolor in fills:
        cmds += [
            ("BACKGROUND", (3, row), (3, row), colors.HexColor(hexcolor)),
            ("TEXTCOLOR", (3, row), (3, row), colors.white),
        ]
    stbl.setStyle(TableStyle(cmds))
    story += [stbl, Spacer(1, 8), KeepTogether([summary_chart(data, width=760)])]
    if len(data.components) <= 2 and len(data.subgroups) > 1:
        story += [Spacer(1, 6), KeepTogether([summary_chart(data, width=760, by_subgroup=True)])]

    story.append(Paragraph("6. Alertas", st["h1"]))
    story += [Paragraph(esc(a).replace("   ", "&nbsp;&nbsp;&nbsp;&nbsp;"), st["body"]) for a in data.alerts]
    closing = [Paragraph("7. Recomendaciones", st["h1"])]
    closing += [Paragraph("• " + esc(r), st["body"]) for r in data.recommendations]
    sign = Table(
        [
            [Paragraph("<br/><br/><br/>______________________________________", st["sign"])],
            [Paragraph(f"<b>{esc(data.signer_name) or '&nbsp;'}</b>", st["sign"])],
            [Paragraph(esc(data.signer_role), st["sign"])],
            [Paragraph(esc(data.entity), st["sign"])],
        ],
        colWidths=(320,),
    )
    # the signature closes the recommendations: a page holding only the signature reads as unsigned
    story.append(KeepTogether(closing + [Paragraph("8. Firma", st["h1"]), sign]))
    cancel.check()
    progress(total - 1, total, "Componiendo el PDF…")

    footer = f"{data.entity} · Informe de seguimiento · corte {date_text(data.cut)}"
    build_pdf(
        path,
        story,
        title=f"Informe de seguimiento {data.year} — corte {date_text(data.cut)}",
        author=data.entity,
        footer=page_footer(footer),
    )
    progress(total, total, "PDF listo")
    return path
