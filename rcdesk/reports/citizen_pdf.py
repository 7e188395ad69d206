"""«Informe en lenguaje claro» as one printable A4 page: six headline figures, the sentences
and two charts (what was planned against what was achieved; who took part)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rcdesk.services.citizen_summary import CitizenSummary, number_text

BLUE, GREEN, GREY = "#1565C0", "#2E7D32", "#B0BEC5"
PIE_COLORS = ("#6A1B9A", "#00838F", "#F9A825", "#8D6E63", "#546E7A", "#C62828")
UNKNOWN = "#9E9E9E"


def _figures(s: CitizenSummary) -> list[tuple[str, str]]:
    rated = s.compliance.rated
    pct = "—" if rated is None else number_text(float(rated), decimals=1) + " %"
    return [
        (f"{number_text(s.activities_done)} de {number_text(s.activities_planned)}", "actividades cumplidas"),
        (pct, "de avance promedio"),
        (number_text(s.spaces), "encuentros con la ciudadanía"),
        (number_text(s.participants), "personas participaron"),
        (f"{number_text(s.incorporated)} de {number_text(s.contributions)}", "aportes convertidos en compromiso"),
        (f"{number_text(s.commitments_met)} de {number_text(s.commitments_due)}", "compromisos que vencían, cumplidos"),
    ]


def _bars(s: CitizenSummary, width: float, height: float):
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    d = Drawing(width, height)
    d.add(String(0, height - 12, "Lo previsto y lo logrado", fontName="Helvetica-Bold", fontSize=11))
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 80, 30, width - 100, height - 60
    chart.data = [
        [s.activities_planned, s.contributions, s.commitments_due],
        [s.activities_done, s.incorporated, s.commitments_met],
    ]
    chart.categoryAxis.categoryNames = ["Actividades", "Aportes", "Compromisos"]
    chart.categoryAxis.reverseDirection = 1
    chart.categoryAxis.labels.fontSize = 9
    chart.valueAxis.valueMin = 0
    top = max(max(chart.data[0]), 1)
    chart.valueAxis.valueMax = top * 1.15
    chart.valueAxis.valueStep = max(1, round(top / 4))
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = lambda v: number_text(v)
    chart.bars[0].fillColor = colors.HexColor(GREY)
    chart.bars[1].fillColor = colors.HexColor(GREEN)
    chart.bars.strokeColor = None
    chart.barLabels.fontSize = 8
    chart.barLabelFormat = lambda v: number_text(v)
    chart.barLabels.nudge = 8
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = 80, 12
    legend.fontSize = 8
    legend.columnMaximum = 1
    legend.deltax = 110
    legend.alignment = "right"
    legend.colorNamePairs = [(colors.HexColor(GREY), "Previsto / recibido"), (colors.HexColor(GREEN), "Logrado")]
    d.add(legend)
    return d


def _pie(s: CitizenSummary, width: float, height: float):
    from reportlab.graphics.charts.piecharts import Pie
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    d = Drawing(width, height)
    if s.by_gender:
        title = "¿Quiénes participaron?"
        pairs = list(s.by_gender)
    else:
        title = "Actividades con entrega en el periodo"
        pairs = [("Cumplidas", s.activities_done), ("Pendientes", s.activities_planned - s.activities_done)]
    d.add(String(0, height - 12, title, fontName="Helvetica-Bold", fontSize=11))
    total = sum(n for _, n in pairs)
    if not total:
        d.add(
            String(
                width / 2,
                height / 2,
                "Sin datos en este periodo",
                fontSize=10,
                textAnchor="middle",
                fillColor=colors.HexColor("#616161"),
            )
        )
        return d
    pie = Pie()
    size = min(width * 0.45, height - 40)
    pie.x, pie.y, pie.width, pie.height = 10, (height - 20 - size) / 2, size, size
    pie.data = [n for _, n in pairs]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    palette = (GREEN, GREY) if not s.by_gender else PIE_COLORS
    hexes = [UNKNOWN if label == "Sin dato" else palette[i % len(palette)] for i, (label, _) in enumerate(pairs)]
    for i, hx in enumerate(hexes):
        pie.slices[i].fillColor = colors.HexColor(hx)
    d.add(pie)
    y = height - 40
    for i, (label, n) in enumerate(pairs):
        share = number_text(n * 100.0 / total, decimals=1)
        d.add(
            String(
                size + 30,
                y,
                f"{label}: {number_text(n)} ({share} %)",
                fontSize=9,
                fillColor=colors.HexColor(hexes[i]) if s.by_gender else colors.black,
            )
        )
        y -= 15
    return d


def write_pdf(data: CitizenSummary, path: Path, *, generated: date | None = None) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from rcdesk.reports.pdf_kit import build_pdf, esc, page_footer

    title = ParagraphStyle("t", fontName="Helvetica-Bold", fontSize=20, leading=24, textColor=BLUE)
    sub = ParagraphStyle("s", fontName="Helvetica", fontSize=12, leading=15, textColor=colors.HexColor("#424242"))
    big = ParagraphStyle(
        "b",
        fontName="Helvetica-Bold",
        fontSize=19,
        leading=22,
        alignment=TA_CENTER,
        textColor=colors.HexColor("#263238"),
    )
    small = ParagraphStyle("m", fontName="Helvetica", fontSize=9.5, leading=11.5, alignment=TA_CENTER)
    body = ParagraphStyle("p", fontName="Helvetica", fontSize=11.5, leading=15.5, spaceAfter=5)
    h = ParagraphStyle(
        "h", fontName="Helvetica-Bold", fontSize=13, leading=16, spaceBefore=6, spaceAfter=5, textColor=BLUE
    )
    note = ParagraphStyle("n", fontName="Helvetica", fontSize=8, leading=10, textColor=colors.HexColor("#616161"))

    period = data.period.label[0].upper() + data.period.label[1:]
    story: list = [
        Paragraph(esc(data.title), title),
        Paragraph(esc(data.entity), sub),
        Paragraph(esc(period), sub),
        Spacer(1, 10),
    ]
    figs = _figures(data)
    cells = [
        [[Paragraph(esc(v), big), Paragraph(esc(label), small)] for v, label in figs[i : i + 3]] for i in range(0, 6, 3)
    ]
    grid = Table(cells, colWidths=(178,) * 3, rowHeights=(62, 62))
    grid.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#E3F2FD")),
                ("BOX", (0, 0), (-1, -1), 0, colors.white),
                ("LINEAFTER", (0, 0), (1, -1), 4, colors.white),
                ("LINEBELOW", (0, 0), (-1, 0), 4, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [grid, Spacer(1, 8), Paragraph("Lo que hicimos", h)]
    story += [Paragraph(esc(t), body) for t in data.sentences]
    charts = Table([[_bars(data, 265, 190), _pie(data, 265, 190)]], colWidths=(270, 270))
    charts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [Spacer(1, 6), charts, Spacer(1, 8)]
    when = (generated or date.today()).strftime("%d/%m/%Y")
    story.append(
        Paragraph(
            esc(
                f"Datos del {data.period.start:%d/%m/%Y} al {data.period.end:%d/%m/%Y}, tomados de los registros de la "
                f"entidad el {when}. Las actividades cuentan si su fecha de entrega cae en el periodo; el avance promedio "
                "toma cada actividad programada hasta el último día del periodo, con un máximo de 100 %."
            ),
            note,
        )
    )
    build_pdf(
        path,
        story,
        title=f"{data.title} — {data.period.code}",
        author=data.entity,
        footer=page_footer(f"{data.entity} · {data.title} · {data.period.code}"),
        landscape=False,
    )
    return Path(path)
