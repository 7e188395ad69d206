"""Informe de seguimiento as .xlsx, in the layout Control Interno publishes.

Sheet «Seguimiento»: header block (Entidad, Vigencia, Periodo, Fecha de publicación), then
for each component a title row, the column headers and one row per activity with the
Semáforo cell filled in its colour, and the component's average. Sheet «Resumen»: average
and colour distribution per component. Sheet «Alertas»: alerts and recommendations.
Written in openpyxl write-only mode under the safe-cell rule (`rcdesk.reports.cells`).

Print/read layout (checked through LibreOffice → PDF): A4 landscape fitted to the page width,
narrow margins, "Página x de y" footer, 10-pt body text and explicit row heights for wrapped
cells (write-only files carry no computed heights, and LibreOffice does not recompute them,
so without them wrapped lines overlap the next row).
"""

from __future__ import annotations

import math
from pathlib import Path

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS, LIGHT_ORDER
from rcdesk.followup.informe import Seguimiento
from rcdesk.followup.periods import date_text
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress

WIDTHS = (24, 42, 38, 26, 22, 14, 10, 11, 30)
BODY_PT = 10
LINE_PT = 13.0  # height of one 10-pt line


def _lines(text: object, width: float) -> int:
    """Lines a wrapped cell of `width` characters needs (generous: proportional fonts vary)."""
    if text is None or text == "":
        return 1
    per_line = max(1.0, width * 1.25 - 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def _height(texts: list, widths: tuple) -> float:
    n = max((_lines(t, w) for t, w in zip(texts, widths)), default=1)
    return round(n * LINE_PT + 3, 1)


def _print_setup(ws, *, landscape: bool) -> None:
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.2, footer=0.25)
    ws.oddFooter.center.text = "Página &P de &N"
    ws.oddFooter.center.size = 8


def write_xlsx(
    data: Seguimiento, path: Path, *, progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED
) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from rcdesk.reports.cells import put
    from rcdesk.reports.output import save_workbook

    path = Path(path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Seguimiento")
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[_col(i)].width = w
    _print_setup(ws, landscape=True)
    thin = Side(style="thin", color="9E9E9E")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(wrap_text=True, vertical="top", horizontal="center")
    right = Alignment(horizontal="right", vertical="top")
    body = Font(size=BODY_PT)
    bold = Font(bold=True, size=BODY_PT)
    head_fill = PatternFill("solid", fgColor="37474F")
    head_font = Font(bold=True, color="FFFFFF", size=BODY_PT)
    comp_fill = PatternFill("solid", fgColor="CFD8DC")
    counts: dict[str, int] = {}  # rows written per sheet (write-only sheets set heights by row number)

    def append(sheet, row: list, height: float | None = None) -> None:
        counts[sheet.title] = counts.get(sheet.title, 0) + 1
        if height is not None:
            sheet.row_dimensions[counts[sheet.title]].height = height
        sheet.append(row)

    def cell(value, *, font=None, fill=None, align=None, brd=None, fmt=None, sheet=None):
        c = put(WriteOnlyCell(sheet or ws), value)
        c.font = font or body
        if fill:
            c.fill = fill
        if align:
            c.alignment = align
        if brd:
            c.border = brd
        if fmt:
            c.number_format = fmt
        return c

    append(
        ws, [cell(f"INFORME DE SEGUIMIENTO — {data.plan_title or 'PLAN'}".upper(), font=Font(bold=True, size=13))], 20
    )
    period = f"{data.period_span} · {data.period_label}"
    # labels in A, values in B (wide) and labels in D, values in E
    append(
        ws,
        [
            cell("Entidad:", font=bold),
            cell(data.entity, align=wrap),
            None,
            cell("Vigencia:", font=bold),
            cell(str(data.year), align=Alignment(horizontal="left")),
        ],
        _height([None, data.entity], WIDTHS),
    )
    append(
        ws,
        [
            cell("Periodo:", font=bold),
            cell(period, align=wrap),
            None,
            cell("Fecha de corte:", font=bold),
            cell(date_text(data.cut)),
        ],
        _height([None, period], WIDTHS),
    )
    append(
        ws,
        [
            cell("Fecha de publicación:", font=bold),
            cell(date_text(data.published_on)),
            None,
            cell("Plazo de publicación:", font=bold),
            cell(date_text(data.publish_by) if data.publish_by else ""),
        ],
    )
    append(
        ws,
        [
            cell("Avance del plan:", font=bold),
            cell(
                float(data.plan.raw) / 100 if data.plan.raw is not None else "N/A",
                fmt="0.00%",
                align=Alignment(horizontal="left"),
            ),
            None,
            cell("Semáforo:", font=bold),
            cell(
                COLOR_LABELS[data.plan_light.color],
                font=_light_font(Font, data.plan_light.color, True),
                fill=_fill(PatternFill, data.plan_light.color),
                align=center,
            ),
        ],
    )
    if data.late:
        append(ws, [cell(f"ATENCIÓN: {data.late_warning}", font=Font(bold=True, size=BODY_PT, color="C62828"))], 16)
    append(ws, [])
    total = data.activity_count
    done = 0
    for block in data.components:
        cancel.check()
        append(
            ws,
            [cell(f"Componente: {block.label}", font=bold, fill=comp_fill)]
            + [cell("", fill=comp_fill) for _ in data.columns[1:]],
            18,
        )
        append(
            ws,
            [cell(h, font=head_font, fill=head_fill, align=center, brd=border) for h in data.columns],
            max(_height(list(data.columns), WIDTHS), 2 * LINE_PT + 3),
        )  # bold headers wrap sooner
        for r in block.rows:
            cells = r.cells()
            pct = float(r.pct) / 100 if r.pct is not None else "N/A"
            append(
                ws,
                [
                    cell(cells[0], align=wrap, brd=border),
                    cell(cells[1], align=wrap, brd=border),
                    cell(cells[2], align=wrap, brd=border),
                    cell(cells[3], align=wrap, brd=border),
                    cell(cells[4], align=wrap, brd=border),
                    cell(cells[5], align=center, brd=border),
                    cell(pct, align=center, brd=border, fmt="0.00%"),
                    cell(
                        cells[7],
                        align=center,
                        brd=border,
                        fill=_fill(PatternFill, r.light.color),
                        font=_light_font(Font, r.light.color, True),
                    ),
                    cell(cells[8], align=wrap, brd=border),
                ],
                _height(cells, WIDTHS),
            )
        done += len(block.rows)
        progress(done, total + 1, "Escribiendo el libro…")
        # the label is right-aligned so it runs over the empty cells on its left
        append(
            ws,
            [None] * 5
            + [
                cell("Promedio del componente:", font=bold, align=right),
                cell(
                    float(block.compliance.raw) / 100 if block.compliance.raw is not None else "N/A",
                    font=bold,
                    fmt="0.00%",
                    align=center,
                    brd=border,
                ),
                cell(
                    COLOR_LABELS[block.light.color],
                    fill=_fill(PatternFill, block.light.color),
                    font=_light_font(Font, block.light.color, True),
                    align=center,
                    brd=border,
                ),
            ],
            16,
        )
        append(ws, [])

    ws2 = wb.create_sheet("Resumen")
    widths2 = (46, 12, 12, 12) + (10,) * len(LIGHT_ORDER)
    for i, w in enumerate(widths2, start=1):
        ws2.column_dimensions[_col(i)].width = w
    _print_setup(ws2, landscape=True)

    def c2(value, **kw):
        return cell(value, sheet=ws2, **kw)

    append(ws2, [c2("Resumen por componente", font=Font(bold=True, size=12))], 18)
    heads = ["Componente", "Actividades", "% de avance", "Semáforo"] + [COLOR_LABELS[c] for c in LIGHT_ORDER]
    append(ws2, [c2(h, font=head_font, fill=head_fill, align=center, brd=border) for h in heads])
    for b in data.components:
        append(
            ws2,
            [
                c2(b.label, align=wrap, brd=border),
                c2(len(b.rows), align=center, brd=border),
                c2(
                    float(b.compliance.raw) / 100 if b.compliance.raw is not None else "N/A",
                    fmt="0.00%",
                    align=center,
                    brd=border,
                ),
                c2(
                    COLOR_LABELS[b.light.color],
                    fill=_fill(PatternFill, b.light.color),
                    font=_light_font(Font, b.light.color, True),
                    align=center,
                    brd=border,
                ),
            ]
            + [c2(b.colors.get(c, 0), align=center, brd=border) for c in LIGHT_ORDER],
            _height([b.label], widths2),
        )
    append(
        ws2,
        [
            c2("Total del plan", font=bold, brd=border),
            c2(total, font=bold, align=center, brd=border),
            c2(
                float(data.plan.raw) / 100 if data.plan.raw is not None else "N/A",
                font=bold,
                fmt="0.00%",
                align=center,
                brd=border,
            ),
            c2(
                COLOR_LABELS[data.plan_light.color],
                fill=_fill(PatternFill, data.plan_light.color),
                font=_light_font(Font, data.plan_light.color, True),
                align=center,
                brd=border,
            ),
        ]
        + [c2(data.colors.get(c, 0), font=bold, align=center, brd=border) for c in LIGHT_ORDER],
    )
    append(ws2, [])
    append(ws2, [c2(f"Convenciones del semáforo: {data.profile_name}", font=bold)])
    for color, label in data.profile_bands:
        append(
            ws2,
            [
                c2(label, brd=border),
                c2(
                    COLOR_LABELS.get(color, color),
                    fill=_fill(PatternFill, color),
                    font=_light_font(Font, color, True),
                    align=center,
                    brd=border,
                ),
            ],
        )

    ws3 = wb.create_sheet("Alertas")
    width3 = 75  # fits a portrait A4 page without scaling (also with wider substitute fonts)
    ws3.column_dimensions["A"].width = width3
    _print_setup(ws3, landscape=False)

    def c3(value, **kw):
        return cell(value, sheet=ws3, **kw)

    def text_row(text: str) -> None:
        for line in text.split("\n"):  # one row per line: a tall multi-line cell prints badly
            append(ws3, [c3(line, align=wrap)], _height([line], (width3,)))

    append(ws3, [c3("Alertas", font=Font(bold=True, size=12))], 18)
    for a in data.alerts:
        text_row(a)
    append(ws3, [])
    append(ws3, [c3("Recomendaciones", font=Font(bold=True, size=12))], 18)
    for rec in data.recommendations:
        text_row(f"• {rec}")
    append(ws3, [])
    append(ws3, [])
    append(ws3, [c3(data.signer_name or "______________________________")])
    append(ws3, [c3(data.signer_role, font=bold)])
    append(ws3, [c3(data.entity)])

    cancel.check()
    save_workbook(wb, path)
    progress(total + 1, total + 1, "Libro listo")
    return path


def _light_font(Font, color: str, bold: bool):
    """Dark text on yellow, white on the other lights."""
    return Font(bold=bold, size=BODY_PT, color="212121" if color == "amarillo" else "FFFFFF")


def _fill(PatternFill, color: str):
    return PatternFill("solid", fgColor=COLOR_HEX.get(color, "#9E9E9E").lstrip("#"))


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)
