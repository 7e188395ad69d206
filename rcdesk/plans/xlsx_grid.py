"""Read the sheets of an ``.xlsx`` workbook into grids of cleaned cell values.

python-calamine does the reading (much faster than openpyxl). Each cell becomes one of:
``""`` (empty), ``str`` (white space cleaned), ``float``/``int`` (numbers), ``date``/``datetime``
(Excel dates) or ``bool``. Merged ranges are recorded so layout parsers can carry a
vertically merged value (a section label, a responsible unit) down to every row it covers.

Files that cannot be read raise `UserError` with a Spanish message naming the file (and the
sheet when known): not a workbook, a password-protected workbook, a corrupt or truncated file,
an empty workbook, or one that would not fit in memory (`rcdesk.imports.limits.check_workbook`
runs before anything is loaded). Old ``.xls`` and LibreOffice ``.ods`` files are read too.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from rcdesk.errors import UserError
from rcdesk.imports.limits import CFB_MAGIC, MAX_ROWS, ZIP_MAGIC, check_workbook  # noqa: F401 - re-exported

_INLINE_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f\u200b\ufeff]+")
_LINE_BREAKS = re.compile(r"\r\n?|\u2028|\u2029")

Cell = object  # str | int | float | date | datetime | bool


def clean_text(value: str) -> str:
    """Collapse spaces (incl. non-breaking) inside each line, drop empty lines, strip.

    Line breaks typed inside a cell (Alt+Enter) are kept; the function is idempotent.
    """
    if not value:
        return ""
    lines = _LINE_BREAKS.sub("\n", value).split("\n")
    out = []
    for line in lines:
        line = _INLINE_SPACES.sub(" ", line).strip()
        if line:
            out.append(line)
    return "\n".join(out)


def clean_cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
        return value
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date()
        return value
    if isinstance(value, (int, date)):
        return value
    # timedelta (a time-only cell) and anything exotic: keep its text
    return clean_text(str(value))


def cell_text(value: Cell) -> str:
    """The text a user would read in the cell (dates as dd/mm/yyyy)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "VERDADERO" if value else "FALSO"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass
class Grid:
    """One sheet: ``rows[r][c]`` with r, c 0-based (Excel row = r + 1)."""

    name: str
    rows: list[list[Cell]]
    # (r, c) of a non-anchor cell inside a merged range -> (r0, c0) of its anchor
    merged_from: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def get(self, r: int, c: int) -> Cell:
        row = self.rows[r]
        return row[c] if 0 <= c < len(row) else ""

    def value(self, r: int, c: int, *, fill_merged: bool = True) -> Cell:
        """Cell value; a cell covered by a *vertical* merge gets the anchor's value.

        Horizontal copies (same row as the anchor) stay empty: a title merged across
        A:L is one value in column A, not twelve.
        """
        v = self.get(r, c)
        if v != "" or not fill_merged:
            return v
        anchor = self.merged_from.get((r, c))
        if anchor is None or anchor[0] == r or anchor[1] != c:
            return ""
        return self.get(*anchor)

    def is_vertical_copy(self, r: int, c: int) -> bool:
        anchor = self.merged_from.get((r, c))
        return anchor is not None and anchor[0] != r and anchor[1] == c

    def row_is_blank(self, r: int) -> bool:
        return all(v == "" for v in self.rows[r])


def sniff(path: Path) -> str:
    """Raise UserError unless `path` is a workbook a reader can load within the limits of
    `rcdesk.imports.limits`; returns its kind ("xlsx", "xlsb", "ods" or "xls")."""
    return check_workbook(path)


LAYOUT_HINT = re.compile(r"rcdesk-layout:(\w+)")


def read_layout_hint(path: str | Path) -> str:
    """The layout rcdesk wrote into the file's keywords when it exported it ("" if none)."""
    try:
        with zipfile.ZipFile(path) as zf, zf.open("docProps/core.xml") as fh:
            # bounded: this runs before the workbook's parts are checked
            core = fh.read(64 * 1024).decode("utf-8", "replace")
    except (KeyError, OSError, zipfile.BadZipFile, ValueError, RuntimeError, NotImplementedError, EOFError):
        return ""
    except Exception:
        return ""
    m = LAYOUT_HINT.search(core)
    return m[1] if m else ""


def read_workbook(path: str | Path) -> list[Grid]:
    """Read every worksheet of `path`; raises UserError for unreadable or empty workbooks."""
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

    path = Path(path)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        # a CSV is a one-sheet workbook to every import (encoding and delimiter found by the text reader)
        from rcdesk.imports.text_files import read_csv_grid

        return [read_csv_grid(path)]
    sniff(path)
    name = path.name
    try:
        # from the bytes, not the extension: a real .xlsx saved as «.xls» is read all the same
        with path.open("rb") as fh:
            wb = CalamineWorkbook.from_filelike(fh)
    except OSError as exc:
        raise UserError(f"No se pudo abrir el archivo «{name}»: {exc.strerror or exc}.") from exc
    except (CalamineError, ValueError, TypeError) as exc:
        msg = str(exc).lower()
        if "password" in msg or "encrypt" in msg:
            raise UserError(
                f"El libro «{name}» está protegido con contraseña. Quite la contraseña en Excel "
                "y guárdelo de nuevo antes de importarlo."
            ) from exc
        raise UserError(
            f"El archivo «{name}» está dañado y no se puede leer como libro de cálculo.",
            details=[str(exc)],
        ) from exc
    grids: list[Grid] = []
    total_rows = 0
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # chart sheets, macro sheets
            try:
                sheet = wb.get_sheet_by_name(meta.name)
                raw = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or []
            except (CalamineError, OSError, ValueError, TypeError, OverflowError) as exc:
                raise UserError(
                    f"No se pudo leer la hoja «{meta.name}» del archivo «{name}»: el archivo está dañado.",
                    details=[str(exc)],
                ) from exc
            total_rows += len(raw)
            if total_rows > MAX_ROWS:
                raise UserError(
                    f"El archivo «{name}» tiene más de {MAX_ROWS:,} filas".replace(",", " ")
                    + "; es demasiado grande para un plan de rendición de cuentas. "
                    "Divida el archivo o elimine las filas vacías al final de las hojas."
                )
            rows = [[clean_cell(v) for v in row] for row in raw]
            # drop trailing blank rows (formatted but empty rows at the end of a sheet)
            while rows and all(v == "" for v in rows[-1]):
                rows.pop()
            merged_from: dict[tuple[int, int], tuple[int, int]] = {}
            width = max((len(r) for r in rows), default=0)
            for (r0, c0), (r1, c1) in merged:
                # clipped to the cells read: a range merged over whole rows/columns is not a loop
                # over 16 384 columns × 1 048 576 rows
                for r in range(r0, min(r1, len(rows) - 1) + 1):
                    for c in range(c0, min(c1, width - 1) + 1):
                        if (r, c) != (r0, c0):
                            merged_from[(r, c)] = (r0, c0)
            grids.append(Grid(meta.name, rows, merged_from))
    finally:
        wb.close()
    if not any(g.rows for g in grids):
        raise UserError(f"El libro «{name}» está vacío: ninguna hoja tiene datos.")
    return grids
