"""«Borrador del informe de rendición de cuentas» (PDF, A4 horizontal) for internal approval:
the state of every section, then each section with the CPCCS labels, what it still lacks and
its notes. Long tables are laid out in chunks that repeat their header row.
"""
from __future__ import annotations

from pathlib import Path

from rcdesk.reports.poa_pdf import esc
from rcdesk.services.cpccs import CpccsReport
from rcdesk.services.cpccs_schema import SectionView

CHUNK = 50
PAGE_WIDTH = 782  # landscape A4 less both margins, in points
STATE_HEX = {"completa": "#C8E6C9", "incompleta": "#FFE0B2", "no_aplica": "#E0E0E0"}


def _styles() -> dict:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontSize=16, leading=20, spaceAfter=2),
        "subtitle": ParagraphStyle("st", parent=base["BodyText"], fontSize=10.5, leading=14, alignment=TA_CENTER,
                                   textColor="#37474F", spaceAfter=8),
        "draft": ParagraphStyle("d", parent=base["BodyText"], fontSize=10, leading=13, alignment=TA_CENTER,
                                textColor="#B71C1C", fontName="Helvetica-Bold", spaceAfter=8),
        "h1": ParagraphStyle("h1", parent=base["Heading2"], fontSize=11.5, leading=14, spaceBefore=10, spaceAfter=3),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontSize=9, leading=11.5),
        "small": ParagraphStyle("sm", parent=base["BodyText"], fontSize=7.5, leading=9.5, textColor="#455A64"),
        "cell": ParagraphStyle("c", parent=base["BodyText"], fontSize=7.5, leading=9),
        "bold": ParagraphStyle("bc", parent=base["BodyText"], fontSize=7.5, leading=9, fontName="Helvetica-Bold"),
        "head": ParagraphStyle("hd", parent=base["BodyText"], fontSize=7, leading=8.4, fontName="Helvetica-Bold",
                               textColor="white", alignment=TA_CENTER),
    }


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return str(v)


def _widths(headers: tuple, rows: list) -> list[float]:
    """Column widths shared out by how much each column holds (capped, so one long text cannot starve the rest)."""
    weights = []
    for c, h in enumerate(headers):
        longest = max([len(_text(r[c])) for r in rows if c < len(r)] or [0])
        weights.append(min(40, max(6, len(h) / 3, longest)))
    total = sum(weights)
    return [PAGE_WIDTH * w / total for w in weights]


def _table(headers: tuple, rows: list, st: dict, widths: list[float] | None = None, fills: dict | None = None) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    widths = widths or _widths(headers, rows)
    head = [Paragraph(esc(h), st["head"]) for h in headers]
    out = []
    for start in range(0, max(len(rows), 1), CHUNK):
        data = [head]
        for r in rows[start:start + CHUNK]:
            data.append([Paragraph(esc(_text(v)), st["cell"]) for v in r])
        t = Table(data, colWidths=widths, repeatRows=1)
        cmds = [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1F4E79")),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#B0BEC5")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        for (row, col), hexcolor in (fills or {}).items():
            if start < row <= start + CHUNK:
                cmds.append(("BACKGROUND", (col, row - start), (col, row - start), colors.HexColor(hexcolor)))
        t.setStyle(TableStyle(cmds))
        out.append(t)
    return out


def _section(i: int, s: SectionView, st: dict) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

    story = [Paragraph(f"{i}. {esc(s.title)} — <font color='#37474F'>{esc(s.state_label)}</font>", st["h1"])]
    if s.facts:
        data = [[Paragraph(esc(k), st["bold"]), Paragraph(esc(_text(v)), st["cell"])] for k, v in s.facts]
        t = Table(data, colWidths=[PAGE_WIDTH * 0.45, PAGE_WIDTH * 0.55])
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#B0BEC5")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#ECEFF1"))]))
        story += [t, Spacer(1, 4)]
    if s.headers:
        tables = _table(s.headers, s.rows, st)
        if not s.rows:
            tables.append(Paragraph("Sin filas.", st["small"]))
        story.append(tables.pop(0))
    # the heading stays with its first lines (reportlab splits the group anyway when it is too long)
    story = [KeepTogether(story)]
    if s.headers:
        story += tables
    tail = []
    if s.missing:
        tail.append(Paragraph("<b>Lo que falta:</b> " + "; ".join(esc(m) for m in s.missing) + ".", st["body"]))
    for n in s.notes:
        tail.append(Paragraph(esc(n), st["small"]))
    story.append(KeepTogether([Spacer(1, 3), *tail]))
    return story


def write_pdf(out: Path, report: CpccsReport) -> Path:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from rcdesk.reports import pdf_pages

    st = _styles()
    inst = report.institution
    stamp = report.generated.strftime("%d/%m/%Y %H:%M")
    header = f"{inst.name} — Borrador del informe de rendición de cuentas {report.year}"

    def footer(c, page: int, total: int) -> None:  # noqa: ANN001
        w, h = c._pagesize
        c.saveState()
        c.setFont("Helvetica", 7.5)
        c.setFillColorRGB(0.35, 0.35, 0.35)
        c.drawString(30, h - 20, header.replace("—", "-"))
        c.drawString(30, 18, f"Borrador para aprobación interna · generado con rcdesk el {stamp}")
        c.drawRightString(w - 30, 18, f"Página {page} de {total}")
        c.restoreState()

    story = [
        Paragraph("Borrador del informe de rendición de cuentas", st["title"]),
        Paragraph(f"{esc(inst.name)} · periodo {report.year} · corte {report.cut.strftime('%d/%m/%Y')}",
                  st["subtitle"]),
        Paragraph("BORRADOR PARA APROBACIÓN INTERNA — no es el informe presentado al CPCCS", st["draft"]),
        Paragraph("Estado del informe", st["h1"]),
    ]
    rows = [(i, s.title, s.state_label, "; ".join(s.missing) or "—") for i, s in enumerate(report.sections, 1)]
    fills = {i: (2, STATE_HEX[s.state]) for i, s in enumerate(report.sections, 1)}
    story += _table(("No.", "Sección del formulario", "Estado", "Lo que falta"), rows, st,
                    widths=[28, 290, 70, PAGE_WIDTH - 388], fills={(r, c): h for r, (c, h) in fills.items()})
    for i, s in enumerate(report.sections, 1):
        story += _section(i, s, st)
    doc = SimpleDocTemplate(str(out), pagesize=landscape(A4), leftMargin=30, rightMargin=30, topMargin=32,
                            bottomMargin=32, title=f"Borrador del informe de rendición de cuentas {report.year}",
                            author=inst.name, lang="es")
    doc.build(story, canvasmaker=pdf_pages.numbered_canvas(footer))
    return out
