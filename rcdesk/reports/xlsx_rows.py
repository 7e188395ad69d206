"""Fast rows for openpyxl's write-only sheets, under the safe-cell rule (`rcdesk.reports.cells`).

openpyxl's own `WriteOnlyWorksheet._values_to_row` binds every value through `Cell.value`
(a type lookup, string checks, the date format looked up again) and makes a new cell after each
styled one, so a sheet of dates pays for a cell object and a style lookup per date. `fast_rows`
replaces it on one sheet: str, int, float and bool values are set on one reused plain cell, dates
and times on one template cell per type carrying the number format openpyxl would give them,
dangerous text on one quote-prefixed template; anything else (and Cell objects the caller styled)
takes openpyxl's own path. The XML written is the same, byte for byte
(`tests/core/test_xlsx_rows.py` compares it with openpyxl's path), and so are the styles: a
template's number format and style are registered when its first value arrives, in the order
openpyxl registers them.

Relies on write-only internals: openpyxl is pinned below 3.2 (pyproject) and the test above
fails if they change.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

from rcdesk.reports.cells import DANGEROUS, MAX_TEXT

# text a spreadsheet would evaluate gets the quote prefix; every other text (error codes such as
# «#N/A» included) is a plain string cell, never a formula or an error cell
_QUOTED = frozenset(DANGEROUS)
_TIME_TYPES = (_dt.datetime, _dt.date, _dt.time, _dt.timedelta)

RowFn = Callable[[Iterable[Any], int], Iterator[Any]]


def fast_rows(ws: Any) -> RowFn:
    """Install the fast row path on the write-only sheet `ws` (before its first `append`)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, get_time_format
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils.exceptions import IllegalCharacterError

    illegal = ILLEGAL_CHARACTERS_RE.search
    plain = WriteOnlyCell(ws)
    templates: dict[type, Any] = {}

    def template(t: type) -> Any:
        c = WriteOnlyCell(ws)
        if t is str:  # the quote-prefix flag, as rcdesk.reports.cells gives dangerous text
            style = StyleArray()
            style.quotePrefix = True
            c._style = style
        else:
            c.number_format = get_time_format(t)
        templates[t] = c
        return c

    def text(cell: Any, v: str) -> Any:
        if len(v) > MAX_TEXT:
            v = v[:MAX_TEXT] + "…"
        if illegal(v) is not None:
            raise IllegalCharacterError(f"{v} cannot be used in worksheets.")
        cell._value = v
        cell.data_type = "s"
        return cell

    def values_to_row(values: Iterable[Any], row_idx: int) -> Iterator[Any]:
        for col_idx, v in enumerate(values, 1):
            if v is None:
                continue
            t = v.__class__
            if t is str:
                if v[:1] in _QUOTED:
                    cell = text(templates.get(str) or template(str), v)
                else:
                    cell = text(plain, v)
            elif t is int or t is float:
                cell = plain
                cell._value = v
                cell.data_type = "n"
            elif t is bool:
                cell = plain
                cell._value = v
                cell.data_type = "b"
            elif t in _TIME_TYPES:
                cell = templates.get(t) or template(t)
                cell._value = v
                cell.data_type = "d"
            elif isinstance(v, Cell):
                cell = v
            else:  # anything rarer: openpyxl's own binding, on a cell of its own
                cell = WriteOnlyCell(ws, value=v)
            cell.column = col_idx
            cell.row = row_idx
            yield cell

    ws._values_to_row = values_to_row
    _fast_writer(ws)
    return values_to_row


@lru_cache(maxsize=1)
def _letters() -> list[str]:
    """Column letters by column number (1 = "A"), for every column a sheet can have."""
    from openpyxl.utils import get_column_letter

    return [""] + [get_column_letter(i) for i in range(1, 16385)]


def _fast_writer(ws: Any) -> None:
    """Write each plain cell as one element instead of openpyxl's nested element blocks (its
    `lxml_write_cell` computes a coordinate, a style id and the hyperlink of every cell). The
    XML is the same; cells with a comment, a hyperlink, a formula, an error or rich text, and
    dates with a time zone (openpyxl refuses them), are written by openpyxl itself."""
    from openpyxl.cell._writer import write_cell
    from openpyxl.comments.comment_sheet import CommentRecord
    from openpyxl.compat import safe_string
    from openpyxl.utils.datetime import to_excel, to_ISO8601
    from openpyxl.xml.constants import XML_NS
    from openpyxl.xml.functions import Element, SubElement

    letters = _letters()
    space = f"{{{XML_NS}}}space"
    get_writer = ws._get_writer

    def slow(xf: Any, cell: Any) -> None:  # openpyxl's `WorksheetWriter.write_row`, one cell
        if cell._comment is not None:
            ws._comments.append(CommentRecord.from_cell(cell))
        if cell._value is None and not cell.has_style and not cell._comment:
            return
        write_cell(xf, ws, cell, cell.has_style)

    def write_row(xf: Any, row: Iterable[Any], row_idx: int) -> None:
        attrs = {"r": f"{row_idx}"}
        attrs.update(ws.row_dimensions.get(row_idx, {}))
        r = attrs["r"]
        book = ws.parent
        row_el = Element("row", attrs)
        slow_cells: list[tuple[int, Any]] = []  # (position among the row's elements, cell)
        for cell in row:
            dt = cell.data_type
            value = cell._value
            style = cell._style
            styled = style is not None and any(style)
            if cell._comment is not None or cell._hyperlink is not None or len(dt) != 1 or dt not in "snbd":
                slow_cells.append((len(row_el), cell))
                if styled:
                    _ = cell.style_id  # registers its style now, in the order openpyxl would
                continue
            if value is None and not styled:
                continue
            a = {"r": letters[cell.column] + r}
            if styled:
                a["s"] = f"{cell.style_id}"
            if dt == "s":
                if value is not None and value.__class__ is not str:
                    slow_cells.append((len(row_el), cell))
                    continue
                a["t"] = "inlineStr"
            elif dt == "d":
                if getattr(value, "tzinfo", None) is not None or value.__class__ not in _TIME_TYPES:
                    slow_cells.append((len(row_el), cell))
                    continue
                a["t"] = "d"
                if book.iso_dates and value.__class__ is not _dt.timedelta:
                    value = to_ISO8601(value)
                else:
                    a["t"] = "n"
                    value = to_excel(value, book.epoch)
            else:
                a["t"] = dt
            el = SubElement(row_el, "c", a)
            if value is None or value == "":
                el.text = ""  # <c …></c>, as openpyxl writes an empty cell
            elif dt == "s":
                t = SubElement(SubElement(el, "is"), "t", {space: "preserve"} if value != value.strip() else {})
                t.text = value
            else:
                SubElement(el, "v").text = safe_string(value)
        if not slow_cells:
            if not len(row_el):
                row_el.text = ""  # <row r="5"></row>, as openpyxl writes an empty row
            xf.write(row_el)  # one write per row: lxml's writer costs per call
            return
        _write_mixed(xf, attrs, row_el, slow_cells, slow)

    def fast_get_writer() -> None:
        if ws._writer is None:
            get_writer()
            writer: Any = ws._writer  # made by openpyxl just now
            writer.write_row = write_row

    ws._get_writer = fast_get_writer


def _write_mixed(xf: Any, attrs: dict, row_el: Any, slow_cells: list[tuple[int, Any]], slow: Callable) -> None:
    """A row holding cells openpyxl writes itself: the prepared elements in between, in order."""
    with xf.element("row", attrs):
        done = 0
        for at, cell in slow_cells:
            for el in row_el[done:at]:
                xf.write(el)
            done = at
            slow(xf, cell)
        for el in row_el[done:]:
            xf.write(el)
