"""Shared pieces of the events PDFs: Spanish dates, styles, "página x de y" canvas, cell fitting.

reportlab is imported inside functions only (this module is imported by the command line and
the GUI at start-up time through the services).
"""
from __future__ import annotations

from rcdesk.reports.pdf_pages import numbered_canvas  # noqa: F401  (re-exported for the events reports)

from datetime import date
from typing import Callable

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")


def long_date(d: date | str | None) -> str:
    if not d:
        return ""
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return f"{d.day} de {MONTHS[d.month - 1]} de {d.year}"


def short_date(d: date | str | None) -> str:
    if not d:
        return ""
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return d.strftime("%d/%m/%Y")


def styles() -> dict:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["Normal"], fontName="Helvetica", fontSize=9.5, leading=12.5)
    return {
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=13, leading=16,
                                alignment=1, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontName="Helvetica-Bold", fontSize=10.5,
                                   leading=13, alignment=1, spaceAfter=2),
        "h2": ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold", fontSize=10.5, leading=13,
                             spaceBefore=8, spaceAfter=3),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.2),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=9.5),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName="Helvetica-Bold", fontSize=8, leading=9.5),
        "notice": ParagraphStyle("notice", parent=body, fontSize=7.2, leading=8.8),
    }


def esc(text: object) -> str:
    from xml.sax.saxutils import escape

    return escape("" if text is None else str(text))


def fit(text: object, width: float, style=None, font: str = "Helvetica", size: float = 8) -> str:  # noqa: ANN001
    """Cell text that fits the column: unchanged when it fits, else broken into lines with "\n"
    (plain strings draw far faster than Paragraphs in long tables). `style` is unused (kept for
    callers that pass it)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    s = "" if text is None else str(text)
    room = width - 6
    if stringWidth(s, font, size) <= room:
        return s
    lines, cur = [], ""
    for word in s.split():
        trial = f"{cur} {word}" if cur else word
        if stringWidth(trial, font, size) <= room:
            cur = trial
            continue
        if cur:
            lines.append(cur)
        while stringWidth(word, font, size) > room and len(word) > 1:  # a very long word: cut it
            cut = len(word)
            while cut > 1 and stringWidth(word[:cut], font, size) > room:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        cur = word
    if cur:
        lines.append(cur)
    return "\n".join(lines)


def table_style(header_rows: int = 1, font_size: float = 8, pad: float = 3):  # noqa: ANN201
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    return TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", font_size),
        ("FONT", (0, 0), (-1, header_rows - 1), "Helvetica-Bold", font_size),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#dde4ee")),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#556070")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ])
