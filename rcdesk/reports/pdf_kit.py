"""What every PDF renderer shares: safe text, «Página x de y», paragraph and table styles,
chunked grid tables, and writing the finished document through `rcdesk.reports.output`.

reportlab is imported inside functions only: the command line and the GUI import the renderers'
modules at start-up, and reportlab costs ~100 ms to import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

# characters the standard PDF fonts (Helvetica, WinAnsi encoding) lack: reportlab would draw a
# black box in their place
PDF_SAFE = str.maketrans(
    {
        "≥": ">=",
        "≤": "<=",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "→": "->",
        "−": "-",
        "\u2010": "-",
        "\u2011": "-",
    }
)

CHUNK = 60  # rows per table: reportlab's table layout grows worse than linearly with rows
HEAD = "#37474F"
LINE = "#9E9E9E"
ZEBRA = "#F5F5F5"


def safe(text: object) -> str:
    """Text for the canvas and chart labels (no markup there)."""
    return "" if text is None else str(text).translate(PDF_SAFE)


def esc(text: object) -> str:
    """Text for a Paragraph: markup characters escaped, missing glyphs replaced, newlines kept."""
    return safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def page_text(page: int, total: int) -> str:
    return f"Página {page} de {total}"


def numbered_canvas(footer: Callable) -> type:
    """A Canvas class that knows the page count: `footer(canvas, page, total)` draws each page's
    furniture once the whole document is laid out ("Página x de y" needs the total)."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, object]] = []

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                footer(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def page_footer(
    bottom: str, *, header: str | None = None, margin: float = 30, y: float = 18, limit: int = 150
) -> Callable:
    """The usual page furniture: `bottom` left and «Página x de y» right at the foot, `header` (if
    any) at the top left, in small grey type."""
    bottom, header = safe(bottom)[:limit], safe(header)[:limit] if header else None

    def footer(c, page: int, total: int) -> None:
        w, h = c._pagesize
        c.saveState()
        c.setFont("Helvetica", 7.5)
        c.setFillColorRGB(0.35, 0.35, 0.35)
        if header:
            c.drawString(margin, h - 20, header)
        c.drawString(margin, y, bottom)
        c.drawRightString(w - margin, y, page_text(page, total))
        c.restoreState()

    return footer


def report_styles(*, cell: float = 8.0, body: float = 9.5) -> dict:
    """Paragraph styles of the reports (informes, evaluations, borradores); `cell` is the table text size."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    text = base["BodyText"]
    lead = round(cell * 1.2, 1)
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontSize=16, leading=20, spaceAfter=4),
        "subtitle": ParagraphStyle(
            "st", parent=text, fontSize=10.5, leading=14, alignment=TA_CENTER, textColor="#37474F", spaceAfter=8
        ),
        "draft": ParagraphStyle(
            "d",
            parent=text,
            fontSize=10,
            leading=13,
            alignment=TA_CENTER,
            textColor="#B71C1C",
            fontName="Helvetica-Bold",
            spaceAfter=8,
        ),
        "h1": ParagraphStyle("h1", parent=base["Heading2"], fontSize=12, leading=15, spaceBefore=8, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base["Heading3"], fontSize=10.5, leading=13, spaceBefore=8, spaceAfter=3),
        "body": ParagraphStyle("b", parent=text, fontSize=body, leading=round(body * 1.3, 1)),
        "small": ParagraphStyle("sm", parent=text, fontSize=8, leading=10, textColor="#455A64"),
        "cell": ParagraphStyle("c", parent=text, fontSize=cell, leading=lead),
        "bold": ParagraphStyle("bc", parent=text, fontSize=cell, leading=lead, fontName="Helvetica-Bold"),
        "center": ParagraphStyle("ce", parent=text, fontSize=cell, leading=lead, alignment=TA_CENTER),
        "num": ParagraphStyle("n", parent=text, fontSize=cell, leading=lead, alignment=TA_RIGHT),
        "head": ParagraphStyle(
            "hd",
            parent=text,
            fontSize=cell,
            leading=lead,
            fontName="Helvetica-Bold",
            textColor="white",
            alignment=TA_CENTER,
        ),
        "light": ParagraphStyle(
            "li",
            parent=text,
            fontSize=cell,
            leading=lead,
            alignment=TA_CENTER,
            fontName="Helvetica-Bold",
            textColor="white",
        ),
        "light_dark": ParagraphStyle(
            "ld",
            parent=text,
            fontSize=cell,
            leading=lead,
            alignment=TA_CENTER,
            fontName="Helvetica-Bold",
            textColor="#212121",
        ),
        "sign": ParagraphStyle("s", parent=text, fontSize=9.5, leading=12, alignment=TA_CENTER),
    }


def form_styles() -> dict:
    """Paragraph styles of the event documents (actas, attendance sheets, personal-data answers):
    centred bold titles, as on the printed forms."""
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["Normal"], fontName="Helvetica", fontSize=9.5, leading=12.5)
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontName="Helvetica-Bold", fontSize=13, leading=16, alignment=1, spaceAfter=4
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=body, fontName="Helvetica-Bold", fontSize=10.5, leading=13, alignment=1, spaceAfter=2
        ),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName="Helvetica-Bold", fontSize=10.5, leading=13, spaceBefore=8, spaceAfter=3
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.2),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=9.5),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName="Helvetica-Bold", fontSize=8, leading=9.5),
        "notice": ParagraphStyle("notice", parent=body, fontSize=7.2, leading=8.8),
    }


def form_table_style(header_rows: int = 1, font_size: float = 8, pad: float = 3):
    """Plain-string tables of the event documents: light header, dark grid."""
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    return TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), "Helvetica", font_size),
            ("FONT", (0, 0), (-1, header_rows - 1), "Helvetica-Bold", font_size),
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#dde4ee")),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#556070")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
    )


def grid_style(
    n_rows: int,
    fills: Sequence[tuple[int, int, str]] = (),
    *,
    head: str | None = HEAD,
    line: str = LINE,
    zebra: str | None = ZEBRA,
    valign: str = "TOP",
):
    """Style of a grid table: dark header row, thin grid, every second body row shaded, and
    `fills` = (row, column, hex) cells painted over (the Semáforo)."""
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    cmds = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(line)),
        ("VALIGN", (0, 0), (-1, -1), valign),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if head:
        cmds.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(head)))
    if zebra:
        shade = colors.HexColor(zebra)
        cmds += [("BACKGROUND", (0, i), (-1, i), shade) for i in range(2, n_rows, 2)]
    cmds += [("BACKGROUND", (col, row), (col, row), colors.HexColor(hx)) for row, col, hx in fills]
    return TableStyle(cmds)


def grid_tables(
    head: list[str],
    rows: list[list],
    widths,
    st: dict,
    *,
    chunk: int = CHUNK,
    center: tuple[int, ...] = (),
    fills: dict[tuple[int, int], str] | None = None,
    head_style: str = "head",
    head_color: str | None = HEAD,
    line: str = LINE,
    zebra: str | None = ZEBRA,
    valign: str = "TOP",
) -> list:
    """A grid as tables of `chunk` rows, each repeating the header row. Text and numbers become
    wrapped Paragraphs (`center` columns centred); flowables pass through. `fills` = {(row, column):
    hex} with rows counted from 1 over the whole of `rows`."""
    from reportlab.platypus import Paragraph, Table

    header = [h if not isinstance(h, str) else Paragraph(esc(h), st[head_style]) for h in head]
    by_row: dict[int, list[tuple[int, int, str]]] = {}
    for (row, col), hx in (fills or {}).items():
        by_row.setdefault(row, []).append((row, col, hx))
    cell, centred = st["cell"], st.get("center", st["cell"])
    out = []
    for start in range(0, max(len(rows), 1), chunk):
        data = [header]
        for r in rows[start : start + chunk]:
            data.append(
                [
                    Paragraph(esc(c), centred if k in center else cell)
                    if c is None or isinstance(c, (str, int, float))
                    else c
                    for k, c in enumerate(r)
                ]
            )
        mine = [
            (row - start, col, hx) for row in range(start + 1, start + len(data)) for _, col, hx in by_row.get(row, ())
        ]
        t = Table(data, colWidths=widths, repeatRows=1)
        t.setStyle(grid_style(len(data), mine, head=head_color, line=line, zebra=zebra, valign=valign))
        out.append(t)
    return out


def light_paragraph(color: str, label: str, st: dict):
    """The text of a Semáforo cell: dark on yellow, white on the other lights."""
    from reportlab.platypus import Paragraph

    return Paragraph(esc(label), st["light_dark"] if color == "amarillo" else st["light"])


def label_table(pairs: list[tuple[str, str, str, str]], st: dict, widths=(115, 370, 120, 170)):
    """The header block of a report: «label: value» twice per row in a shaded box."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    t = Table(
        [
            [
                Paragraph(f"<b>{esc(a)}</b>", st["body"]),
                Paragraph(esc(b), st["body"]),
                Paragraph(f"<b>{esc(c)}</b>", st["body"]),
                Paragraph(esc(d), st["body"]),
            ]
            for a, b, c, d in pairs
        ],
        colWidths=widths,
    )
    t.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#607D8B")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#ECEFF1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


def build_pdf(
    path: Path | str,
    story: list,
    *,
    title: str,
    author: str,
    footer: Callable,
    landscape: bool = True,
    margin: float = 30,
    top: float | None = None,
    bottom: float | None = None,
    doc_kwargs: dict | None = None,
) -> int:
    """Lay out `story` on A4 with `footer` on every page (see `page_footer`) and write the file
    through the one output helper; returns the number of pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turn
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    from rcdesk.reports.output import write_file

    pages = [0]

    def write(tmp: Path) -> None:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=turn(A4) if landscape else A4,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=1.2 * cm if top is None else top,
            bottomMargin=1.2 * cm if bottom is None else bottom,
            title=title,
            author=author,
            subject=title,
            lang="es",
            **(doc_kwargs or {}),
        )
        doc.build(story, canvasmaker=numbered_canvas(footer))
        pages[0] = doc.page

    write_file(path, write)
    return pages[0]
