"""A table as the user sees it on screen, written to CSV or Excel (right-click «Exportar tabla»).

Values only: every text cell goes through the safe-cell rule, so «=1+1» or «+593…» stay text in
Excel; the CSV uses «;» and a byte-order mark, which is what Excel in Spanish opens as columns
with accents intact.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from rcdesk.reports.cells import DANGEROUS, print_layout, put
from rcdesk.reports.output import save_workbook, write_bytes


def write_table_csv(path: Path | str, headers: list[str], rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    out = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    out.writerow(headers)
    # a leading apostrophe is how spreadsheets are told «this is text», as in the workbooks
    out.writerows([[f"'{v}" if v[:1] in DANGEROUS else v for v in row] for row in rows])
    return write_bytes(path, buf.getvalue().encode("utf-8-sig"))


def write_table_xlsx(path: Path | str, title: str, headers: list[str], rows: list[list[str]]) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", title or "Tabla")[:31])
    print_layout(ws, landscape=len(headers) > 4, title_rows="1:1")
    bold = Font(bold=True)
    head = []
    for h in headers:
        c = put(WriteOnlyCell(ws), h)
        c.font = bold
        head.append(c)
    ws.append(head)
    for row in rows:
        ws.append([put(WriteOnlyCell(ws), v) for v in row])
    return save_workbook(wb, path)
