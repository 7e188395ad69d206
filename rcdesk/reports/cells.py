"""The one safe-cell rule of every workbook rcdesk writes.

Text a spreadsheet could evaluate — starting with = + - @, a tab or a carriage return — is
written as a string cell with the "quote prefix" style: it is shown exactly as typed («=1+1»,
«+593 99…», «-5 personas») and stays text when the user edits the cell or saves as CSV. Every
other text is a string cell too (so «#N/A» is not read as an error code); numbers and dates
stay what they are. No openpyxl import here: cells are passed in.
"""

from __future__ import annotations

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT = 32_000  # a cell holds at most 32,767 characters; longer text makes the file unreadable


def is_dangerous(value: object) -> bool:
    """Text a spreadsheet would evaluate (or re-evaluate once the cell is edited)."""
    return value.__class__ is str and value[:1] in DANGEROUS


def as_text(cell):
    """Mark `cell` (its value already a str) as text, quote-prefixed when dangerous."""
    cell.data_type = "s"
    quoted = cell.value[:1] in DANGEROUS
    if quoted or cell.quotePrefix:  # a reused (write-only template) cell may carry the last value's flag
        _quote(cell, quoted)
    return cell


def put(cell, value):
    """Assign `value` to `cell` under the rule (normal or write-only cells)."""
    cell.value = value
    if value.__class__ is str:
        as_text(cell)
    elif cell.quotePrefix:
        _quote(cell, False)
    return cell


def _quote(cell, on: bool) -> None:
    # openpyxl registers a cell's style array object itself in the workbook's style list, and
    # write-only writers reuse one styled cell per column: flipping the flag in place would
    # rewrite the style of every cell already written with it, so flip it on a copy
    from openpyxl.styles.cell_style import StyleArray

    style = StyleArray() if cell._style is None else StyleArray(cell._style)
    style.quotePrefix = on
    cell._style = style


class SafeCells:
    """Rows for openpyxl's write-only `ws.append`: plain values pass through untouched (the fast
    path) and only the text the rule concerns becomes a cell of its own."""

    def __init__(self, ws) -> None:
        from openpyxl.cell import WriteOnlyCell

        self.ws = ws
        self._cell = WriteOnlyCell
        self._center = None
        self._bold = None

    def text(self, value: str):
        return as_text(self._cell(self.ws, value=value))

    def cell(self, value, **style):
        """One write-only cell with `style` attributes (font=…, fill=…, alignment=…, number_format=…)."""
        c = put(self._cell(self.ws), _clip(value))
        for k, v in style.items():
            if v is not None:
                setattr(c, k, v)
        return c

    def row(self, values) -> list:
        out = list(values)
        for i, v in enumerate(out):
            if v.__class__ is str and v:
                # "#N/A" and friends would become error cells: text too
                if v[0] in DANGEROUS or v[0] == "#":
                    out[i] = self.text(_clip(v))
                elif len(v) > MAX_TEXT:
                    out[i] = _clip(v)
        return out

    def centered(self, value):
        """A centred cell (short numbers next to text columns)."""
        from openpyxl.styles import Alignment

        if self._center is None:
            self._center = Alignment(horizontal="center")
        c = put(self._cell(self.ws), value)  # no **style here: this runs for every row of a big sheet
        c.alignment = self._center
        return c

    def bold(self, values) -> list:
        from openpyxl.styles import Font

        if self._bold is None:
            self._bold = Font(bold=True)
        return [self.cell(v, font=self._bold) for v in values]


def _clip(value):
    if value.__class__ is str and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + "…"
    return value


def print_layout(
    ws,
    *,
    landscape: bool = True,
    fit_width: int = 1,
    title_rows: str | None = None,
    sheet_name_footer: bool = False,
) -> None:
    """The print setup of every sheet rcdesk writes (normal or write-only sheets, set before
    any row): A4, `fit_width` pages wide and as many tall as needed, `title_rows` («4:4»)
    repeated on every printed page, narrow margins and «Página x de y» in the footer (with
    the sheet's name on the left when `sheet_name_footer`). Without it LibreOffice and Excel
    print at 100 % on Letter and the right-hand columns land on pages of their own."""
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = fit_width
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.2, footer=0.25)
    ws.print_title_rows = title_rows
    page = ws.oddFooter.right if sheet_name_footer else ws.oddFooter.center
    page.text = "Página &P de &N"
    page.size = 8
    if sheet_name_footer:
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.left.size = 8
