"""Layout helpers for the POA and CPCCS workbooks: row heights for wrapped text (Excel
grows rows by itself, LibreOffice keeps them one line high unless told), and an A4
landscape print set-up with the header row repeated on every page.

Pure Python (openpyxl objects are passed in); no import at start-up."""

from __future__ import annotations

from functools import lru_cache

LINE_PT = 15.0  # one line of Calibri 11 / Liberation Sans 10
MAX_ROW_PT = 409.0  # Excel's limit
CHARS_PER_WIDTH = 1.12  # characters of Spanish text per unit of column width (Calibri/Carlito 11)


@lru_cache(maxsize=8192)  # objectives, indicators and units repeat on many rows
def text_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapped cell `width` units wide (greedy word wrap,
    as spreadsheets do; a word longer than the line is cut)."""
    cap = max(int(width * CHARS_PER_WIDTH), 1)
    lines = 0
    for part in text.split("\n"):
        if len(part) <= cap:
            lines += 1
            continue
        n, used = 1, 0
        for word in part.split(" "):
            size = len(word)
            if used and used + 1 + size > cap:
                n += 1
                used = 0
            if size > cap:
                n += (size - 1) // cap
                size = size % cap or cap
            used = size if not used else used + 1 + size
        lines += n
    return lines


def row_height(values, widths, wrap_cols) -> float | None:
    """Height (points) for a data row whose columns `wrap_cols` (0-based) wrap, or None
    when one line is enough."""
    lines = 1
    for i in wrap_cols:
        v = values[i] if i < len(values) else None
        if isinstance(v, str) and v:
            n = text_lines(v, widths[i])
            if n > lines:
                lines = n
    if lines == 1:
        return None
    return min(MAX_ROW_PT, lines * LINE_PT + 2)


def print_setup(ws, *, fit_width: int = 1, title_rows: str | None = "1:1") -> None:
    """A4 landscape, `fit_width` pages wide (as many tall as needed), header rows repeated,
    «Página x de y» in the footer (the one rule: `rcdesk.reports.cells.print_layout`)."""
    from rcdesk.reports.cells import print_layout

    print_layout(ws, fit_width=fit_width, title_rows=title_rows)


__all__ = ["print_setup", "row_height", "text_lines"]
