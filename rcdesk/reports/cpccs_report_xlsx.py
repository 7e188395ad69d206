"""The CPCCS report as a workbook: «Estado del informe» first (each section's state and what is
still missing), then one sheet per section with the form's labels, ready to be typed or pasted
into the CPCCS system. Every cell goes through the safe-cell rule (`rcdesk.reports.cells`).
"""

from __future__ import annotations

from pathlib import Path

from rcdesk.services.cpccs import CpccsReport
from rcdesk.services.cpccs_schema import MISSING_HEAD, NA_LABEL, NOTES_HEAD, SectionView

STATUS_SHEET = "Estado del informe"
SOURCES = {"form": "Formulario", "computed": "Calculada", "mixed": "Calculada y formulario"}
STATE_FILL = {"completa": "C8E6C9", "incompleta": "FFE0B2", "no_aplica": "E0E0E0"}
INPUT_FILL = "FFF9C4"  # cells read back by `rcdesk cpccs import`
BLANK_ROWS = 10  # empty rows offered under a table of the form, for new rows


def write_workbook(out: Path, report: CpccsReport) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from rcdesk.reports.cells import print_layout, put
    from rcdesk.reports.output import save_workbook

    wb = Workbook()
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="1F4E79")
    wrap = Alignment(wrap_text=True, vertical="top")
    head_align = Alignment(wrap_text=True, vertical="center", horizontal="center")
    bold = Font(bold=True)
    title_font = Font(bold=True, size=13)

    def cell(ws, r: int, c: int, value, *, font=None, fill=None, align=wrap):
        x = put(ws.cell(row=r, column=c), value)
        if isinstance(value, float):
            x.number_format = "#,##0.00"
        if font is not None:
            x.font = font
        if fill is not None:
            x.fill = fill
        x.alignment = align
        return x

    inst = report.institution
    ws = wb.active
    ws.title = STATUS_SHEET
    cell(
        ws,
        1,
        1,
        f"Informe de rendición de cuentas {report.year} — estado de las secciones",
        font=title_font,
        align=Alignment(vertical="top"),
    )
    cell(
        ws,
        2,
        1,
        f"{inst.name} · corte {report.cut.strftime('%d/%m/%Y')} · generado "
        f"{report.generated.strftime('%d/%m/%Y %H:%M')}",
        align=Alignment(vertical="top"),
    )
    heads = ("No.", "Sección del formulario", "Origen", "Estado", "Lo que falta", "Hoja")
    for c, h in enumerate(heads, start=1):
        cell(ws, 4, c, h, font=head_font, fill=head_fill, align=head_align)
    for i, s in enumerate(report.sections, start=1):
        r = 4 + i
        cell(ws, r, 1, i)
        cell(ws, r, 2, s.title)
        cell(ws, r, 3, SOURCES.get(s.source, s.source))
        cell(ws, r, 4, s.state_label, fill=PatternFill("solid", fgColor=STATE_FILL[s.state]))
        cell(ws, r, 5, "\n".join(s.missing) or "—")
        cell(ws, r, 6, s.sheet)
        ws.row_dimensions[r].height = max(15, 13 * max(1, _lines(s.title, 48), sum(_lines(m, 70) for m in s.missing)))
    for c, w in enumerate((5, 50, 16, 12, 72, 26), start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = "A5"
    print_layout(ws, title_rows="4:4")
    legend = 5 + len(report.sections) + 1
    cell(
        ws,
        legend,
        2,
        "Las celdas amarillas de cada hoja son las respuestas del formulario: llénelas aquí y cárguelas con "
        "«Importar libro llenado…» (página Informe CPCCS) o `rcdesk cpccs import`. Lo demás lo calcula rcdesk.",
        fill=PatternFill("solid", fgColor=INPUT_FILL),
    )
    ws.row_dimensions[legend].height = 30

    for s in report.sections:
        _section_sheet(wb.create_sheet(s.sheet), s, cell, head_font, head_fill, head_align, bold, title_font)
    return save_workbook(wb, out)


def _lines(text: str, width: int) -> int:
    return sum(max(1, -(-len(part) // width)) for part in str(text).split("\n"))


def _section_sheet(ws, s: SectionView, cell, head_font, head_fill, head_align, bold, title_font) -> None:
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    from rcdesk.reports.cells import print_layout

    cell(ws, 1, 1, s.title, font=title_font, align=Alignment(vertical="top"))
    cell(
        ws,
        2,
        1,
        f"Estado: {s.state_label}",
        font=bold,
        align=Alignment(vertical="top"),
        fill=PatternFill("solid", fgColor=STATE_FILL[s.state]),
    )
    na = (s.form or {}).get("no_aplica")
    editable = PatternFill("solid", fgColor=INPUT_FILL)
    r = 4
    for i, (label, value) in enumerate(s.facts):
        cell(ws, r, 1, label, font=bold)
        cell(ws, r, 2, value, fill=editable if i in s.fact_paths else None)
        r += 1
    cell(ws, r, 1, NA_LABEL, font=bold)
    cell(ws, r, 2, "SI" if na else None, fill=editable)
    r += 1
    ncols = max(len(s.headers), 2)
    widths: list[float] = [0.0] * ncols
    widths[0] = 36
    if s.facts:
        widths[0] = max(36, min(60, max(len(str(k)) for k, _ in s.facts) * 0.9))
        widths[1] = max(widths[1], min(50, max(len(str(v)) for _, v in s.facts)))
    r += 1
    if s.headers:
        head_row = r
        for c, h in enumerate(s.headers, start=1):
            cell(ws, r, c, h, font=head_font, fill=head_fill, align=head_align)
        r += 1
        for i, row in enumerate(s.rows):
            has_path = i < len(s.row_paths) and s.row_paths[i] is not None
            for c, v in enumerate(row, start=1):
                fill = editable if has_path and (c - 1) in s.col_fields else None
                if (v is not None and v != "") or fill is not None:
                    cell(ws, r, c, None if v == "" else v, fill=fill)
            r += 1
        if s.open_rows:
            for _ in range(BLANK_ROWS):
                for c in s.col_fields:
                    cell(ws, r, c + 1, None, fill=editable)
                r += 1
        for c, h in enumerate(s.headers):
            longest = max([len(str(row[c])) for row in s.rows if c < len(row) and row[c] is not None] or [0])
            widths[c] = max(widths[c], min(48, max(12, len(h) * 0.45, longest * 0.9)))
        ws.row_dimensions[head_row].height = min(
            110, 15 * max(_lines(h, max(8, int(widths[c]))) for c, h in enumerate(s.headers))
        )
        ws.freeze_panes = ws.cell(row=head_row + 1, column=1)
    print_layout(ws, landscape=len(s.headers) > 2, title_rows=f"{head_row}:{head_row}" if s.headers else None)
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w or 14
    if s.missing:
        r += 1
        cell(ws, r, 1, MISSING_HEAD, font=bold)
        for m in s.missing:
            r += 1
            cell(ws, r, 1, f"• {m}", align=Alignment(vertical="top"))
    if s.notes:
        r += 2
        cell(ws, r, 1, NOTES_HEAD, font=bold)
        for n in s.notes:
            r += 1
            cell(ws, r, 1, n, align=Alignment(vertical="top"))
