"""The fast row path of write-only sheets writes what openpyxl's own path writes under the
safe-cell rule: same sheet XML, same styles, same refusals."""

from __future__ import annotations

import math
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import IllegalCharacterError

from rcdesk.reports.cells import MAX_TEXT, SafeCells
from rcdesk.reports.xlsx_rows import fast_rows


def _rows(ws):
    sc = SafeCells(ws)
    yield sc.bold(["Nombre", "=Total", "Fecha"])
    yield ["texto", "=1+1", "+593 99 123 4567", "-5 personas", "@usuario", "\tx", "\rx", "=", "#N/A", "#REF!"]
    yield ["", None, " espacio ", "ñandú & <b>", "x" * (MAX_TEXT + 10), "Sí"]
    yield [0, -3, 2.5, 1e20, math.nan, math.inf, True, False, Decimal("12.30"), 10**16]
    yield [date(2026, 5, 20), datetime(2026, 5, 20, 10, 30, 5), time(8, 15), timedelta(hours=30), date(1900, 2, 1)]
    yield []
    yield [None, None]
    yield [sc.centered(2026), "después de una celda con estilo", datetime(2026, 1, 1), "y texto"]
    yield [b"bytes", "=otra", date(2026, 1, 2), 7]


def _write(path, fast: bool):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Datos")
    ws.row_dimensions[3].height = 30
    if fast:
        fast_rows(ws)
    sc = SafeCells(ws)
    for row in _rows(ws):
        ws.append(row if fast else sc.row(row))
    wb.save(path)


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if not n.startswith("docProps/")}


def test_fast_rows_write_the_same_xml_as_openpyxl(tmp_path):
    _write(tmp_path / "slow.xlsx", fast=False)
    _write(tmp_path / "fast.xlsx", fast=True)
    slow, fast = _parts(tmp_path / "slow.xlsx"), _parts(tmp_path / "fast.xlsx")
    assert slow.keys() == fast.keys()
    for name in slow:
        assert fast[name] == slow[name], name
    # and what a user opens: formulas stay text, quoted; dates stay dates
    ws = load_workbook(tmp_path / "fast.xlsx")["Datos"]
    assert ws["B2"].value == "=1+1" and ws["B2"].data_type == "s" and ws["B2"].quotePrefix
    assert ws["I2"].value == "#N/A" and ws["I2"].data_type == "s" and not ws["I2"].quotePrefix
    assert ws["A5"].value == datetime(2026, 5, 20) and ws["A5"].is_date
    assert len(ws["E3"].value) == MAX_TEXT + 1


@pytest.mark.parametrize(
    ("value", "error"), [("control \x01 character", IllegalCharacterError), (object(), ValueError)]
)
def test_fast_rows_refuse_what_openpyxl_refuses(value, error):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Datos")
    fast_rows(ws)
    with pytest.raises(error):
        ws.append(["ok", value])


def test_a_styled_cell_keeps_its_style_and_the_next_value_none(tmp_path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Datos")
    fast_rows(ws)
    sc = SafeCells(ws)
    ws.append([sc.cell("Título", font=Font(bold=True)), "plain"])
    wb.save(tmp_path / "b.xlsx")
    ws = load_workbook(tmp_path / "b.xlsx")["Datos"]
    assert ws["A1"].font.bold and not ws["B1"].font.bold
