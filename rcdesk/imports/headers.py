"""Find a sheet's table: its header band (one or more rows), the header path of each column,
the title block above it and where the data starts.

Offices' workbooks put titles above the table («PLAN INDICATIVO 2024-2027», «Organismo: 4112
Secretaría de Gobierno»), group columns under merged cells («2024» over «T1 | T2…», «Género»
over «F | M»), and repeat a group label only in its first cell when the file was not merged.
The header band is found by how many cells of a row name a known field (`score` comes from the
kind's field catalog), then grown upwards over group rows and downwards over sub-header rows.
Group labels are carried right only inside the band — never in the data area, where copying a
merged amount into every spanned row would double-count it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from rcdesk.plans.xlsx_grid import Grid, cell_text
from rcdesk.text import fold

MAX_HEADER_SCAN = 30
SAMPLES = 3


def col_letter(c: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def sample_text(v: object) -> str:
    """A cell as a Spanish reader expects it in a preview: 0,125 and 1.500,5, not 0.125 or 1500.5."""
    if isinstance(v, float):
        text = f"{v:,.4f}".rstrip("0").rstrip(".") if abs(v) < 1e15 else repr(v)
        return text.replace(",", "X").replace(".", ",").replace("X", ".")
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}".replace(",", ".") if abs(v) >= 10000 else str(v)
    return cell_text(v)


@dataclass(frozen=True)
class SourceColumn:
    index: int  # 0-based column in the sheet
    path: tuple[str, ...]  # header texts from the top band row down («2024», «T1», «Planeado»)
    samples: tuple[str, ...]  # the first values under the header, as a user reads them

    @property
    def letter(self) -> str:
        return col_letter(self.index)

    @property
    def header(self) -> str:
        return " / ".join(self.path) if self.path else f"(columna {self.letter} sin encabezado)"


@dataclass
class Table:
    grid: Grid
    top: int  # first header row (0-based)
    bottom: int  # last header row
    columns: list[SourceColumn]
    title: dict[str, object] = field(default_factory=dict)  # folded label -> value from the title block
    title_lines: list[str] = field(default_factory=list)  # every text above the band, in order

    @property
    def first_data_row(self) -> int:
        return self.bottom + 1

    def header_rows_text(self) -> str:
        return f"fila {self.top + 1}" if self.top == self.bottom else f"filas {self.top + 1}–{self.bottom + 1}"


def _row_texts(grid: Grid, r: int) -> list[str]:
    out = []
    for c in range(grid.width):
        v = grid.get(r, c)
        out.append(cell_text(v) if isinstance(v, str) else "")
    return out


def _h_span(grid: Grid, r: int, c: int) -> tuple[int, int] | None:
    """(first, last) column of a horizontal merge on row r that contains column c."""
    anchor = grid.merged_from.get((r, c))
    if anchor is not None and anchor[0] == r:
        c0 = anchor[1]
    elif grid.merged_from.get((r, c + 1)) == (r, c):
        c0 = c
    else:
        return None
    last = c0
    while grid.merged_from.get((r, last + 1)) == (r, c0):
        last += 1
    return c0, last


def _numbers_in_row(grid: Grid, r: int) -> int:
    return sum(1 for v in grid.rows[r] if isinstance(v, (int, float, date, datetime)) and not isinstance(v, bool))


def _is_title_row(grid: Grid, r: int, width: int) -> bool:
    """A row holding one text (a title, «Organismo: …»), merged across the table or alone."""
    filled = [c for c, v in enumerate(grid.rows[r]) if v != ""]
    if len(filled) != 1:
        return False
    span = _h_span(grid, r, filled[0])
    return span is None or (span[1] - span[0] + 1) >= max(2, int(width * 0.6))


def find_table(grid: Grid, score: Callable[[str], int], *, min_hits: int = 2) -> Table | None:
    """The table of `grid`, or None when no row within the first rows names `min_hits` known fields.

    `score(label)` says how strongly one header text names a known field (0 = not at all).
    """
    best_r, best = -1, 0
    for r in range(min(grid.height, MAX_HEADER_SCAN)):
        texts = _row_texts(grid, r)
        hits = sum(1 for t in texts if t and score(t) > 0)
        # a row with numbers is data, not a header (years in a header are text or merged labels)
        if hits > best and hits >= min_hits:
            best_r, best = r, hits
    if best_r < 0:
        return None
    top = bottom = best_r
    width = grid.width
    # grow down: a sub-header row under merged group cells («Género» over «F | M»)
    while bottom + 1 < grid.height and _is_subheader_row(grid, bottom, bottom + 1):
        bottom += 1
    # grow up: group rows («2024» over a block, «PROGRAMACIÓN» merged over T1…T4)
    while top - 1 >= 0 and _is_group_row(grid, top - 1, top, width):
        top -= 1
    columns = _columns(grid, top, bottom)
    table = Table(grid, top, bottom, columns)
    _read_title_block(grid, top, table)
    return table


def table_at(grid: Grid, top: int, bottom: int) -> Table:
    """The table whose header band a layout reader already knows (rows top..bottom, 0-based)."""
    table = Table(grid, top, bottom, _columns(grid, top, bottom))
    _read_title_block(grid, top, table)
    return table


def _is_subheader_row(grid: Grid, r: int, below: int) -> bool:
    if _numbers_in_row(grid, below) or grid.row_is_blank(below):
        return False
    seen = set()
    for c in range(grid.width):
        span = _h_span(grid, r, c)
        if span is None or span in seen:
            continue
        seen.add(span)
        under = [grid.get(below, k) for k in range(span[0], span[1] + 1)]
        if all(isinstance(v, str) and v for v in under):
            return True
    return False


def _is_group_row(grid: Grid, r: int, header: int, width: int) -> bool:
    if grid.row_is_blank(r) or _is_title_row(grid, r, width):
        return False
    texts = [(c, v) for c, v in enumerate(grid.rows[r]) if v != ""]
    if any(not isinstance(v, (str, int)) or isinstance(v, bool) for _, v in texts):
        return False
    # a «label: value» pair above the table is the title block, not a group row
    if any(isinstance(v, str) and re.match(r"^[^:]{2,40}:\s*\S", v) for _, v in texts):
        return False
    merged = any(_h_span(grid, r, c) for c, _ in texts)
    # an unmerged group label stands over a header cell, and the row has blanks between labels
    over_headers = sum(1 for c, _ in texts if grid.get(header, c) != "")
    return merged or (len(texts) >= 2 and over_headers == len(texts) and len(texts) < max(2, width // 2 + 1))


def _columns(grid: Grid, top: int, bottom: int) -> list[SourceColumn]:
    width = grid.width
    band: list[list[str]] = []
    for r in range(top, bottom + 1):
        texts = []
        has_merge = False
        for c in range(width):
            v = grid.get(r, c)
            t = cell_text(v) if v != "" else ""
            anchor = grid.merged_from.get((r, c))
            if anchor is not None:
                has_merge = True
                if not t and anchor[0] == r:  # horizontal copies of a merged group label
                    t = cell_text(grid.get(*anchor))
            texts.append(t)
        if r < bottom and not has_merge:
            # a group label written once over its block («2024» in the block's first cell)
            last = ""
            for c in range(width):
                if texts[c]:
                    last = texts[c]
                elif grid.get(bottom, c) != "":
                    texts[c] = last
                else:
                    last = ""
        band.append(texts)
    data_start = bottom + 1
    columns = []
    last_used = -1
    for c in range(width):
        path: list[str] = []
        for texts in band:
            t = texts[c]
            if t and (not path or fold(path[-1]) != fold(t)):
                path.append(t)
        samples = []
        for r in range(data_start, min(grid.height, data_start + 200)):
            v = grid.get(r, c)
            if v != "":
                samples.append(sample_text(v)[:60])
                if len(samples) >= SAMPLES:
                    break
        if path or samples:
            last_used = c
        columns.append(SourceColumn(c, tuple(path), tuple(samples)))
    return columns[: last_used + 1]


_LABEL_VALUE = re.compile(r"^\s*([^:]{2,60}?)\s*:\s*(.+)$", re.S)


def _read_title_block(grid: Grid, top: int, table: Table) -> None:
    """«Organismo: 4112 Gobierno», «Fecha de reporte | 31/03/2024» … above the header band."""
    for r in range(top):
        row = grid.rows[r]
        cells = [(c, v) for c, v in enumerate(row) if v != ""]
        i = 0
        while i < len(cells):
            c, v = cells[i]
            text = cell_text(v)
            table.title_lines.append(text)
            m = _LABEL_VALUE.match(text) if isinstance(v, str) else None
            if m:
                table.title.setdefault(fold(m.group(1)), m.group(2).strip())
            elif isinstance(v, str) and i + 1 < len(cells) and len(text) <= 40:
                nxt = cells[i + 1][1]
                table.title.setdefault(fold(text.rstrip(":")), nxt)
                table.title_lines.append(cell_text(nxt))
                i += 1
            i += 1


__all__ = ["SourceColumn", "Table", "col_letter", "find_table", "sample_text", "table_at"]
