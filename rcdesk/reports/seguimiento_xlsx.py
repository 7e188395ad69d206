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


def _print_setup(ws, *, landscape: bool, title_rows: str | None = None) -> None:
    from rcdesk.reports.cells import print_layout

    print_layout(ws, landscape=landscape, title_rows=title_rows)


def write_xlsx(
    data: Seguimiento, path: Path, *, progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED
) -> Path:
    from rcdesk.reports.output import save_workbook

    path = Path(path)
    w = _Book()
    _title_block(w, data)
    _components(w, data, progress, cancel)
    _summary_sheet(w, data)
    _alerts_sheet(w, data)
    cancel.check()
    save_workbook(w.wb, path)
    total = data.activity_count
    progress(total + 1, total + 1, "Libro listo")
    return path


class _Book:
    """The workbook, its shared styles and the rows written per sheet (write-only sheets set
    heights by row number)."""

    def __init__(self) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.wb = Workbook(write_only=True)
        self.ws = self.wb.create_sheet("Seguimiento")
        for i, w in enumerate(WIDTHS, start=1):
            self.ws.column_dimensions[_col(i)].width = w
        _print_setup(self.ws, landscape=True)
        thin = Side(style="thin", color="9E9E9E")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.center = Alignment(wrap_text=True, vertical="top", horizontal="center")
        self.right = Alignment(horizontal="right", vertical="top")
        self.body = Font(size=BODY_PT)
        self.bold = Font(bold=True, size=BODY_PT)
        self.head_fill = PatternFill("solid", fgColor="37474F")
        self.head_font = Font(bold=True, color="FFFFFF", size=BODY_PT)
        self.comp_fill = PatternFill("solid", fgColor="CFD8DC")
        self.counts: dict[str, int] = {}

    def append(self, sheet, row: list, height: float | None = None) -> None:
        self.counts[sheet.title] = self.counts.get(sheet.title, 0) + 1
        if height is not None:
            sheet.row_dimensions[self.counts[sheet.title]].height = height
        sheet.append(row)

    def cell(self, value, *, font=None, fill=None, align=None, brd=None, fmt=None, sheet=None):
        from openpyxl.cell import WriteOnlyCell

        from rcdesk.reports.cells import put

        c = put(WriteOnlyCell(sheet or self.ws), value)
        c.font = font or self.body
        if fill:
            c.fill = fill
        if align:
            c.alignment = align
        if brd:
            c.border = brd
        if fmt:
            c.number_format = fmt
        return c

    def light(self, color: str, *, sheet=None, border: bool = True):
        """A Semáforo cell: the colour's name on its colour."""
        from openpyxl.styles import Font, PatternFill

        return self.cell(
            COLOR_LABELS.get(color, color),
            fill=_fill(PatternFill, color),
            font=_light_font(Font, color, True),
            align=self.center,
            brd=self.border if border else None,
            sheet=sheet,
        )


def _pct(raw) -> float | str:
    return float(raw) / 100 if raw is not None else "N/A"


def _title_block(w: _Book, data: Seguimiento) -> None:
    from openpyxl.styles import Alignment, Font

    ws, cell, bold, wrap = w.ws, w.cell, w.bold, w.wrap
    w.append(
        ws, [cell(f"INFORME DE SEGUIMIENTO — {data.plan_title or 'PLAN'}".upper(), font=Font(bold=True, size=13))], 20
    )
    period = f"{data.period_span} · {data.period_label}"
    # labels in A, values in B (wide) and labels in D, values in E
    w.append(
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
    w.append(
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
    w.append(
        ws,
        [
            cell("Fecha de publicación:", font=bold),
            cell(date_text(data.published_on)),
            None,
            cell("Plazo de publicación:", font=bold),
            cell(date_text(data.publish_by) if data.publish_by else ""),
        ],
    )
    w.append(
        ws,
        [
            cell("Avance del plan:", font=bold),
            cell(_pct(data.plan.raw), fmt="0.00%", align=Alignment(horizontal="left")),
            None,
            cell("Semáforo:", font=bold),
            w.light(data.plan_light.color, border=False),
        ],
    )
    if data.late:
        w.append(ws, [cell(f"ATENCIÓN: {data.late_warning}", font=Font(bold=True, size=BODY_PT, color="C62828"))], 16)
    w.append(ws, [])


def _components(w: _Book, data: Seguimiento, progress: ProgressFn, cancel: CancelToken) -> None:
    """Per component: its band, the header row, one row per activity and the component's average."""
    ws, cell, border, wrap, center = w.ws, w.cell, w.border, w.wrap, w.center
    total = data.activity_count
    done = 0
    for block in data.components:
        cancel.check()
        w.append(
            ws,
            [cell(f"Componente: {block.label}", font=w.bold, fill=w.comp_fill)]
            + [cell("", fill=w.comp_fill) for _ in data.columns[1:]],
            18,
        )
        w.append(
            ws,
            [cell(h, font=w.head_font, fill=w.head_fill, align=center, brd=border) for h in data.columns],
            max(_height(list(data.columns), WIDTHS), 2 * LINE_PT + 3),
        )  # bold headers wrap sooner
        for r in block.rows:
            cells = r.cells()
            w.append(
                ws,
                [cell(cells[i], align=wrap, brd=border) for i in range(5)]
                + [
                    cell(cells[5], align=center, brd=border),
                    cell(_pct(r.pct), align=center, brd=border, fmt="0.00%"),
                    _activity_light(w, cells[7], r.light.color),
                    cell(cells[8], align=wrap, brd=border),
                ],
                _height(cells, WIDTHS),
            )
        done += len(block.rows)
        progress(done, total + 1, "Escribiendo el libro…")
        # the label is right-aligned so it runs over the empty cells on its left
        w.append(
            ws,
            [None] * 5
            + [
                cell("Promedio del componente:", font=w.bold, align=w.right),
                cell(_pct(block.compliance.raw), font=w.bold, fmt="0.00%", align=center, brd=border),
                w.light(block.light.color),
            ],
            16,
        )
        w.append(ws, [])


def _activity_light(w: _Book, text: str, color: str):
    from openpyxl.styles import Font, PatternFill

    return w.cell(
        text, align=w.center, brd=w.border, fill=_fill(PatternFill, color), font=_light_font(Font, color, True)
    )


def _summary_sheet(w: _Book, data: Seguimiento) -> None:
    from openpyxl.styles import Font

    ws2 = w.wb.create_sheet("Resumen")
    widths2 = (46, 12, 12, 12) + (10,) * len(LIGHT_ORDER)
    for i, width in enumerate(widths2, start=1):
        ws2.column_dimensions[_col(i)].width = width
    _print_setup(ws2, landscape=True, title_rows="2:2")
    border, center, bold = w.border, w.center, w.bold

    def c2(value, **kw):
        return w.cell(value, sheet=ws2, **kw)

    w.append(ws2, [c2("Resumen por componente", font=Font(bold=True, size=12))], 18)
    heads = ["Componente", "Actividades", "% de avance", "Semáforo"] + [COLOR_LABELS[c] for c in LIGHT_ORDER]
    w.append(ws2, [c2(h, font=w.head_font, fill=w.head_fill, align=center, brd=border) for h in heads])
    for b in data.components:
        w.append(
            ws2,
            [
                c2(b.label, align=w.wrap, brd=border),
                c2(len(b.rows), align=center, brd=border),
                c2(_pct(b.compliance.raw), fmt="0.00%", align=center, brd=border),
                w.light(b.light.color, sheet=ws2),
            ]
            + [c2(b.colors.get(c, 0), align=center, brd=border) for c in LIGHT_ORDER],
            _height([b.label], widths2),
        )
    w.append(
        ws2,
        [
            c2("Total del plan", font=bold, brd=border),
            c2(data.activity_count, font=bold, align=center, brd=border),
            c2(_pct(data.plan.raw), font=bold, fmt="0.00%", align=center, brd=border),
            w.light(data.plan_light.color, sheet=ws2),
        ]
        + [c2(data.colors.get(c, 0), font=bold, align=center, brd=border) for c in LIGHT_ORDER],
    )
    w.append(ws2, [])
    w.append(ws2, [c2(f"Convenciones del semáforo: {data.profile_name}", font=bold)])
    for color, label in data.profile_bands:
        w.append(ws2, [c2(label, brd=border), w.light(color, sheet=ws2)])


def _alerts_sheet(w: _Book, data: Seguimiento) -> None:
    from openpyxl.styles import Font

    ws3 = w.wb.create_sheet("Alertas")
    width3 = 75  # fits a portrait A4 page without scaling (also with wider substitute fonts)
    ws3.column_dimensions["A"].width = width3
    _print_setup(ws3, landscape=False)

    def c3(value, **kw):
        return w.cell(value, sheet=ws3, **kw)

    def text_row(text: str) -> None:
        for line in text.split("\n"):  # one row per line: a tall multi-line cell prints badly
            w.append(ws3, [c3(line, align=w.wrap)], _height([line], (width3,)))

    w.append(ws3, [c3("Alertas", font=Font(bold=True, size=12))], 18)
    for a in data.alerts:
        text_row(a)
    w.append(ws3, [])
    w.append(ws3, [c3("Recomendaciones", font=Font(bold=True, size=12))], 18)
    for rec in data.recommendations:
        text_row(f"• {rec}")
    w.append(ws3, [])
    w.append(ws3, [])
    w.append(ws3, [c3(data.signer_name or "______________________________")])
    w.append(ws3, [c3(data.signer_role, font=w.bold)])
    w.append(ws3, [c3(data.entity)])


def _light_font(Font, color: str, bold: bool):
    """Dark text on yellow, white on the other lights."""
    return Font(bold=bold, size=BODY_PT, color="212121" if color == "amarillo" else "FFFFFF")


def _fill(PatternFill, color: str):
    return PatternFill("solid", fgColor=COLOR_HEX.get(color, "#9E9E9E").lstrip("#"))


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)
