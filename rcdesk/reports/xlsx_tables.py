"""Plain table sheets for the Colombian documents' workbooks (openpyxl write-only).

Every cell goes through the safe-cell rule (`rcdesk.reports.cells.put`); rows get explicit
heights because write-only files carry none and LibreOffice does not recompute them.
"""

from __future__ import annotations

from rcdesk.reports.seguimiento_xlsx import BODY_PT, _col, _fill, _height, _light_font, _print_setup


class SheetWriter:
    """One write-only sheet: title lines, label/value pairs and bordered tables."""

    def __init__(self, wb, title: str, widths: tuple, *, landscape: bool = True) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.ws = wb.create_sheet(title)
        self.widths = widths
        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[_col(i)].width = w
        _print_setup(self.ws, landscape=landscape)
        thin = Side(style="thin", color="9E9E9E")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.center = Alignment(wrap_text=True, vertical="top", horizontal="center")
        self.body = Font(size=BODY_PT)
        self.bold = Font(bold=True, size=BODY_PT)
        self.head_fill = PatternFill("solid", fgColor="37474F")
        self.head_font = Font(bold=True, color="FFFFFF", size=BODY_PT)
        self._Font, self._Fill = Font, PatternFill
        self.rows = 0
        self.tables = 0

    def cell(self, value, *, font=None, fill=None, align=None, border=False, fmt=None):
        from openpyxl.cell import WriteOnlyCell

        from rcdesk.reports.cells import put

        c = put(WriteOnlyCell(self.ws), value)
        c.font = font or self.body
        if fill is not None:
            c.fill = fill
        if align is not None:
            c.alignment = align
        if border:
            c.border = self.border
        if fmt:
            c.number_format = fmt
        return c

    def append(self, cells: list, height: float | None = None) -> None:
        self.rows += 1
        if height is not None:
            self.ws.row_dimensions[self.rows].height = height
        self.ws.append(cells)

    def title(self, text: str, size: int = 13) -> None:
        self.append([self.cell(text, font=self._Font(bold=True, size=size))], size + 7)

    def _merge(self, first: int) -> None:
        """Merge the row being written from column `first` to the last one: wrapped text then
        runs over the sheet's width (and its height is estimated over that width) instead of
        a narrow first column, where LibreOffice clips it."""
        from openpyxl.worksheet.cell_range import CellRange

        if first < len(self.widths):
            r = self.rows + 1
            self.ws.merged_cells.add(CellRange(min_col=first, min_row=r, max_col=len(self.widths), max_row=r))

    def text(self, text: str, *, bold: bool = False) -> None:
        """A line of prose over the whole width."""
        self._merge(1)
        self.append(
            [self.cell(text, font=self.bold if bold else self.body, align=self.wrap)],
            _height([text], (sum(self.widths),)),
        )

    def pairs(self, items: list[tuple[str, str]]) -> None:
        """Label in the first column, its value over the rest of the width."""
        rest = sum(self.widths[1:])
        for label, value in items:
            self._merge(2)
            self.append(
                [self.cell(label, font=self.bold, align=self.wrap), self.cell(value, align=self.wrap)],
                _height([label, value], (self.widths[0], rest)),
            )

    def blank(self) -> None:
        self.append([])

    def table(
        self, head: list[str], rows: list[list], *, centered: tuple[int, ...] = (), percent: tuple[int, ...] = ()
    ) -> None:
        """Header row, then one row per item; a Semáforo cell is given as `light(colour, label)`,
        `percent` columns hold fractions shown as 0.00 %.

        The header of a sheet's only table repeats on every printed page; a sheet of several
        tables repeats none (one table's header over another's rows would mislead)."""
        self.tables += 1
        if self.tables == 1:
            self.ws.print_title_rows = f"{self.rows + 1}:{self.rows + 1}"
        else:
            self.ws._print_rows = None  # openpyxl's setter ignores None: the only way to clear it
        self.append(
            [self.cell(h, font=self.head_font, fill=self.head_fill, align=self.center, border=True) for h in head],
            _height(head, self.widths) + 4,
        )
        for r in rows:
            cells, texts = [], []
            for k, v in enumerate(r):
                if isinstance(v, tuple) and v and v[0] == "__light__":
                    _, color, label = v
                    cells.append(
                        self.cell(
                            label,
                            font=_light_font(self._Font, color, True),
                            fill=_fill(self._Fill, color),
                            align=self.center,
                            border=True,
                        )
                    )
                    texts.append(label)
                elif k in percent:
                    cells.append(self.cell(v, fmt="0.00%", align=self.center, border=True))
                    texts.append("")
                else:
                    cells.append(self.cell(v, align=self.center if k in centered else self.wrap, border=True))
                    texts.append(v if isinstance(v, str) else "")
            self.append(cells, _height(texts, self.widths))


def light(color: str, label: str) -> tuple:
    return ("__light__", color, label)
