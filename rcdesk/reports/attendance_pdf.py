"""Attendance sheets as PDF (domain.md §7.3, §9.3): A4 landscape, "página x de y".

Three modes:
- ``blank``: numbered empty rows for paper registration, privacy notice on every page, a
  signature column, and a last page for the ANONYMOUS tally (gender, self-identification,
  disability, age band) that never carries names;
- ``filled``: the registered attendees with a signature column;
- ``published``: for the web: masked ID numbers (17•••••103), no contact, no signatures.

Long lists are built as tables of one page each (reportlab tables grow worse than linearly).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.reports.events_common import fit
from rcdesk.reports.output import write_file
from rcdesk.reports.pdf_kit import esc, numbered_canvas
from rcdesk.reports.pdf_kit import form_styles as styles
from rcdesk.reports.pdf_kit import form_table_style as table_style
from rcdesk.validation.ids import mask_id

MODES = ("blank", "filled", "published")
MARGIN = 28
HEADER_H = 118
FOOTER_H = 26


@dataclass(frozen=True)
class SheetHeader:
    entity: str
    event_title: str
    event_type: str
    date_text: str
    time_text: str
    place: str
    notice: str
    tally_dimensions: dict = field(default_factory=dict, hash=False)  # label -> [category labels]
    country: str = "EC"


@dataclass(frozen=True)
class SheetRow:
    seq_no: int
    full_name: str
    id_number: str | None
    organization: str | None
    territory: str
    contact: str


def _columns(mode: str) -> list[tuple[str, float]]:
    if mode == "published":
        return [
            ("Nº", 34),
            ("Nombres y apellidos", 250),
            ("Nº de documento", 100),
            ("Organización / sector", 220),
            ("Cantón / parroquia / comunidad", 182),
        ]
    return [
        ("Nº", 30),
        ("Nombres y apellidos", 186),
        ("Nº de documento (opcional)", 84),
        ("Organización / sector (o «ciudadano/a»)", 148),
        ("Cantón / parroquia / comunidad", 118),
        ("Teléfono o correo (opcional: autoriza ser contactado/a)", 112),
        ("Firma", 108),
    ]


TITLES = {
    "blank": "REGISTRO DE ASISTENCIA",
    "filled": "LISTA DE ASISTENCIA",
    "published": "LISTA DE ASISTENCIA — VERSIÓN PARA PUBLICACIÓN",
}
PUBLISHED_NOTICE = (
    "Versión para publicación: los números de documento están enmascarados y no se incluyen "
    "firmas ni datos de contacto, para proteger los datos personales de los asistentes."
)


def build_attendance_pdf(
    out: Path | str,
    header: SheetHeader,
    rows: Sequence[SheetRow] = (),
    *,
    mode: str = "filled",
    blank_rows: int = 60,
    progress: ProgressFn = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> int:
    """Write the PDF; returns the number of attendee rows printed."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import PageBreak, Paragraph, Spacer

    if mode not in MODES:
        raise ValueError(mode)
    st = styles()
    page_w, page_h = landscape(A4)
    usable = page_h - 2 * MARGIN - HEADER_H - FOOTER_H
    doc = _document(out, header, mode, (page_w, page_h), usable, st)
    n = len(rows) if mode != "blank" else blank_rows
    story = _tables(rows, mode, blank_rows, usable, st["cell"], progress, cancel)
    progress(n, n, "Escribiendo el PDF…")
    if mode != "blank" and not rows:
        story.append(Paragraph("No hay asistentes registrados.", st["body"]))
    if mode == "blank" and header.tally_dimensions:
        story += [PageBreak(), *_tally_page(header, st, page_w)]
    elif mode == "blank":
        story.append(Spacer(1, 1))
    footer = _footer(header, mode, len(rows), page_w)

    def write(tmp: Path) -> None:
        doc.filename = str(tmp)
        doc.build(story, canvasmaker=numbered_canvas(footer))

    write_file(out, write)
    return 0 if mode == "blank" else len(rows)


def _document(out: Path | str, header: SheetHeader, mode: str, size: tuple[float, float], usable: float, st: dict):
    """The page template: one body frame under the sheet's header, drawn once and reused on every page."""
    from reportlab.lib import colors
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    page_w, page_h = size
    para = Paragraph(esc(PUBLISHED_NOTICE if mode == "published" else header.notice), st["notice"])
    notice = (para, para.wrap(page_w - 2 * MARGIN - 12, 80)[1])

    def on_page(c, doc) -> None:
        # The header is the same on every page: draw it once as a form XObject and reuse it
        # (a 200-page list then carries one copy of the privacy notice, not 200).
        if not getattr(c, "_rc_header_ready", False):
            c.beginForm("rcSheetHeader")
            draw_header(c)
            c.endForm()
            c._rc_header_ready = True
        c.doForm("rcSheetHeader")

    def draw_header(c) -> None:
        top = page_h - MARGIN
        c.setFont("Helvetica-Bold", 12)
        c.drawCentredString(page_w / 2, top - 10, header.entity.upper()[:110])
        c.setFont("Helvetica-Bold", 11)
        c.drawCentredString(page_w / 2, top - 25, TITLES[mode])
        c.setFont("Helvetica", 9)
        c.drawString(MARGIN, top - 42, f"Evento: {header.event_type} — {header.event_title}"[:150])
        c.drawString(
            MARGIN,
            top - 55,
            f"Fecha: {header.date_text}    Hora: {header.time_text or '____'}"
            f"    Lugar: {header.place or '________________'}"[:160],
        )
        p, h = notice
        box_top = top - 62
        c.setStrokeColor(colors.HexColor("#556070"))
        c.setFillColor(colors.HexColor("#f3f5f8"))
        c.rect(MARGIN, box_top - h - 8, page_w - 2 * MARGIN, h + 8, stroke=1, fill=1)
        c.setFillColor(colors.black)
        p.drawOn(c, MARGIN + 6, box_top - h - 4)

    doc = BaseDocTemplate(
        str(out),
        pagesize=(page_w, page_h),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_H,
        bottomMargin=MARGIN + FOOTER_H,
        title=f"{TITLES[mode].title()} – {header.event_title}",
        author=header.entity,
        subject="Registro de asistencia",
        creator="rcdesk",
    )
    frame = Frame(
        MARGIN,
        MARGIN + FOOTER_H - 6,
        page_w - 2 * MARGIN,
        usable + 6,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="sheet", frames=[frame], onPage=on_page)])
    return doc


def _footer(header: SheetHeader, mode: str, attendees: int, page_w: float) -> Callable:
    from reportlab.lib import colors

    def footer(c, page: int, total: int) -> None:
        c.setFont("Helvetica", 8)
        c.setFillColor(colors.HexColor("#333333"))
        c.drawString(MARGIN, MARGIN - 8, f"{header.entity} — {header.event_title}"[:120])
        c.drawRightString(page_w - MARGIN, MARGIN - 8, f"página {page} de {total}")
        if page == total and mode != "blank" and attendees:  # below the last table, above the footer line
            c.setFont("Helvetica-Bold", 9)
            c.setFillColor(colors.black)
            c.drawString(MARGIN, MARGIN + 6, f"Total de asistentes registrados: {attendees}")

    return footer


def _row_cells(r: SheetRow, mode: str, widths: list[float], cs) -> list:
    if mode == "published":
        return [
            str(r.seq_no),
            fit(r.full_name, widths[1], cs),
            mask_id(r.id_number),
            fit(r.organization or "Ciudadano/a", widths[3], cs),
            fit(r.territory, widths[4], cs),
        ]
    return [
        str(r.seq_no),
        fit(r.full_name, widths[1], cs),
        r.id_number or "",
        fit(r.organization or "Ciudadano/a", widths[3], cs),
        fit(r.territory, widths[4], cs),
        fit(r.contact, widths[5], cs),
        "",
    ]


def _tables(
    rows: Sequence[SheetRow],
    mode: str,
    blank_rows: int,
    usable: float,
    cs,
    progress: ProgressFn,
    cancel: CancelToken,
) -> list:
    """The attendee tables, one per page (sized to it: no failed fit attempts, no splitting)."""
    from reportlab.platypus import PageBreak, Table

    cols = _columns(mode)
    widths = [w for _, w in cols]
    head = [_wrap_header(t, w) for t, w in cols]
    head_h = 5 + 9.6 * max(h.count("\n") + 1 for h in head)
    row_h = 23 if mode == "blank" else None
    style = table_style(1, 8, 2)
    if mode == "blank":
        style.add("FONT", (0, 1), (0, -1), "Helvetica", 9)
        style.add("ALIGN", (0, 1), (0, -1), "CENTER")
    story: list = []
    n = len(rows) if mode != "blank" else blank_rows
    room = usable - head_h - 4

    def flush(data: list) -> None:
        if story:
            story.append(PageBreak())
        t = Table(
            data, colWidths=widths, rowHeights=[None] + [row_h] * (len(data) - 1) if row_h else None, repeatRows=1
        )
        t.setStyle(style)
        story.append(t)

    if row_h is not None:  # blank sheet: numbered empty rows
        per_page = max(5, int(room // row_h))
        for start in range(0, n, per_page):
            flush([head] + [[str(i + 1), "", "", "", "", "", ""] for i in range(start, min(n, start + per_page))])
        return story
    data, used = [head], 0.0
    for i, r in enumerate(rows):
        if i % 500 == 0:
            cancel.check()
            progress(i, n, "Preparando el PDF…")
        cells = _row_cells(r, mode, widths, cs)
        h = _row_height(cells, widths)
        if used + h > room and len(data) > 1:  # one table per page: no splitting
            flush(data)
            data, used = [head], 0.0
        data.append(cells)
        used += h
    if len(data) > 1:
        flush(data)
    return story


def _wrap_header(text: str, width: float) -> str:
    """Header text broken into lines that fit the column (plain strings draw much faster)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if cur and stringWidth(trial, "Helvetica-Bold", 8) > width - 6:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    lines.append(cur)
    return "\n".join(lines)


def _row_height(cells: list, widths: list[float]) -> float:
    """Height of a data row: 9.6 pt per text line plus padding."""
    return 4.6 + 9.6 * max(c.count("\n") + 1 if isinstance(c, str) else 2 for c in cells)


def _tally_page(header: SheetHeader, st: dict, page_w: float) -> list:
    from reportlab.platypus import Paragraph, Spacer, Table

    out = [
        Paragraph("HOJA DE CONTEO ANÓNIMO (no escriba nombres)", st["subtitle"]),
        Paragraph(
            "Marque una raya por cada persona que responda, sin relacionarla con su nombre. Estos datos son "
            "sensibles y solo se usan como totales (género, autoidentificación, discapacidad y edad) para "
            + (
                "el informe de rendición de cuentas (MURC)"
                if header.country == "CO"
                else "el informe de rendición de cuentas al CPCCS"
            )
            + ". Responder es voluntario.",
            st["body"],
        ),
        Spacer(1, 6),
    ]
    dims = list(header.tally_dimensions.items())
    half = (len(dims) + 1) // 2
    columns = []
    for part in (dims[:half], dims[half:]):
        data = [["Categoría", "Conteo (rayas)", "Total"]]
        spans = []
        for label, cats in part:
            spans.append(len(data))
            data.append([label, "", ""])
            data += [[f"   {c}", "", ""] for c in cats]
        t = Table(data, colWidths=[150, 170, 45], rowHeights=18)  # room for tally marks
        s = table_style(1, 8, 1.5)
        for i in spans:
            s.add("FONT", (0, i), (-1, i), "Helvetica-Bold", 8)
            s.add("SPAN", (0, i), (-1, i))
        t.setStyle(s)
        columns.append(t)
    holder = Table([columns], colWidths=[(page_w - 2 * MARGIN) / 2] * 2)
    holder.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP")])
    out.append(holder)
    return out
