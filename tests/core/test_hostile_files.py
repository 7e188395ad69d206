"""Hostile and unusual files: refused quickly, in bounded memory, with a Spanish message naming the file.

The workbooks are built from bytes (tests/core/hostile_files.py); a 2 GB bomb is 6 MB on disk.
"""
import os
import tracemalloc
import zipfile

import pytest
from sqlalchemy import func, select

from rcdesk.errors import UserError
from rcdesk.imports import limits
from rcdesk.plans.xlsx_grid import read_workbook
from tests.core import hostile_files as hf


def _refusal(path, *, peak_mb=32):
    """read_workbook's refusal of `path`, checking it stayed within `peak_mb` of Python memory."""
    tracemalloc.start()
    try:
        with pytest.raises(UserError) as info:
            read_workbook(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < peak_mb * 2**20, f"peak {peak / 2**20:.0f} MB"
    message = str(info.value)
    assert f"«{path.name}»" in message
    return message


def test_a_6_mb_workbook_inflating_to_2_gb_is_refused_before_inflating(tmp_path):
    bomb = hf.sheet_bomb(tmp_path / "bomba.xlsx", 2048)
    assert bomb.stat().st_size < 8 * 2**20
    message = _refusal(bomb, peak_mb=4)
    assert "se expande a 2 048 MB" in message and "memoria" in message


def test_a_part_lying_about_its_size_is_caught_while_inflating(tmp_path):
    liar = hf.sheet_bomb(tmp_path / "mentiroso.xlsx", 2048, declared=10_000)
    assert "ocupa más de lo que declara" in _refusal(liar)


def test_a_highly_compressed_part_is_refused_as_a_zip_bomb(tmp_path):
    bomb = hf.sheet_bomb(tmp_path / "comprimido.xlsx", 40)  # 40 MB from ~120 KB: ratio > 300
    assert "bomba zip" in _refusal(bomb, peak_mb=4)


def test_one_value_far_down_is_refused_naming_the_sheet(tmp_path):
    # calamine would allocate 900 000 × 26 cells (about 1 GB) for these two values
    far = hf.sheet_xml(tmp_path / "lejos.xlsx", b'<row r="1"><c r="A1" t="inlineStr"><is><t>Nombre</t></is></c></row>'
                                                b'<row r="900000"><c r="Z900000"><v>1</v></c></row>')
    message = _refusal(far)
    assert "fila 900 000" in message and "hoja «Asistencia»" in message


def test_a_value_far_right_is_refused_by_cell_area(tmp_path):
    wide = hf.sheet_xml(tmp_path / "ancho.xlsx", b'<row r="1"><c r="A1"><v>1</v></c></row>'
                                                 b'<row r="190"><c r="XFD190"><v>1</v></c></row>')
    assert "190 filas × 16 384 columnas" in _refusal(wide)


def test_formatted_empty_cells_far_away_are_not_counted(tmp_path):
    path = hf.sheet_xml(tmp_path / "formato.xlsx",
                        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Nombre</t></is></c></row>'
                        b'<row r="1048576"><c r="XFD1048576" s="0"/></row>')
    (grid,) = read_workbook(path)
    assert grid.rows == [["Nombre"]]


def test_cells_without_references_are_counted_too(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 1000)
    rows = b"".join(b"<row>" + b"<c><v>1</v></c>" * 500 + b"</row>" for _ in range(3))
    with pytest.raises(UserError, match="3 filas × 500 columnas"):
        read_workbook(hf.sheet_xml(tmp_path / "sin_ref.xlsx", rows))


def test_a_real_xls_is_read(tmp_path):
    path = hf.xls_workbook(tmp_path / "antiguo.xls", "Registro", [["Nombre", "Cédula"], ["Ana Pérez", 1714307103]])
    (grid,) = read_workbook(path)
    assert grid.name == "Registro" and grid.rows == [["Nombre", "Cédula"], ["Ana Pérez", 1714307103]]


def test_an_xlsx_saved_with_a_wrong_extension_is_read_by_its_content(tmp_path):
    path = hf.sheet_xml(tmp_path / "plan.xlsx", b'<row r="1"><c r="A1"><v>7</v></c></row>')
    renamed = path.rename(tmp_path / "plan.xls")
    assert read_workbook(renamed)[0].rows == [[7]]


def test_a_password_protected_xlsx_says_so(tmp_path):
    message = _refusal(hf.encrypted_xlsx(tmp_path / "clave.xlsx"))
    assert "protegido con contraseña" in message


def test_a_word_document_in_an_ole_container_is_named(tmp_path):
    doc = hf.compound_file(tmp_path / "oficio.xls", {"WordDocument": b"\x00" * 100})
    assert "documento de Word" in _refusal(doc)


@pytest.mark.parametrize(("build", "expected"), [
    (lambda p: p.write_bytes(os.urandom(5000)), "no es un libro de Excel"),
    (lambda p: p.write_bytes(b""), "está vacío"),
    (lambda p: p.write_bytes(b"PK\x03\x04" + os.urandom(3000)), "dañado o incompleto"),
    (lambda p: p.write_bytes(b"PK\x05\x06" + b"\x00" * 18), "comprimido vacío"),
    (lambda p: p.write_bytes(hf.compound_file(p, {"Otra": b"x"}).read_bytes()[:600]), "dañado"),
])
def test_garbage_is_refused_naming_the_file(tmp_path, build, expected):
    path = tmp_path / "basura.xlsx"
    build(path)
    assert expected in _refusal(path)


def test_a_truncated_workbook_is_damaged(tmp_path):
    whole = hf.sheet_xml(tmp_path / "entero.xlsx", b'<row r="1"><c r="A1"><v>7</v></c></row>').read_bytes()
    cut = tmp_path / "cortado.xlsx"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    assert "dañado o incompleto" in _refusal(cut)


def test_a_word_document_renamed_xlsx_and_a_workbook_missing_parts(tmp_path):
    docx = tmp_path / "informe.xlsx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert "documento de Word (.docx)" in _refusal(docx)
    partial = tmp_path / "partes.xlsx"
    with zipfile.ZipFile(partial, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    assert "le falta la parte «xl/workbook.xml»" in _refusal(partial)


def test_too_many_parts_are_refused_before_listing_them(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_MEMBERS", 5)
    path = hf.sheet_xml(tmp_path / "partes.xlsx", b"")
    assert "partes" in _refusal(path)


ODS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            '<office:body><office:spreadsheet><table:table table:name="Hoja1">'
            '<table:table-row><table:table-cell office:value-type="string"><text:p>Nombre</text:p>'
            '</table:table-cell></table:table-row>')
ODS_TAIL = ('<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
            'table:number-columns-repeated="1024"/></table:table-row></table:table></office:spreadsheet>'
            '</office:body></office:document-content>')


def _ods(path, rows_repeated):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", "<manifest/>")
        zf.writestr("content.xml", ODS_HEAD + (
            f'<table:table-row table:number-rows-repeated="{rows_repeated}"><table:table-cell '
            'table:number-columns-repeated="50" office:value-type="float" office:value="1"><text:p>1</text:p>'
            '</table:table-cell></table:table-row>') + ODS_TAIL)
    return path


def test_ods_is_read_and_its_repeated_rows_are_bounded(tmp_path):
    (grid,) = read_workbook(_ods(tmp_path / "libre.ods", 2))
    assert grid.rows[0][0] == "Nombre" and grid.rows[2][49] == 1 and len(grid.rows) == 3
    assert "hoja «Hoja1»" in _refusal(_ods(tmp_path / "repetida.ods", 150_000))


def test_every_reader_error_on_attendance_import_is_a_user_error_and_writes_nothing(db, tmp_path):
    from datetime import date

    from rcdesk.models.events import Attendance
    from rcdesk.services.attendance import AttendanceService
    from rcdesk.services.events import EventInput, EventService

    event = EventService(db).create(EventInput(title="Deliberación", event_date=date(2026, 5, 20)))
    svc = AttendanceService(db)
    for path in (hf.sheet_bomb(tmp_path / "bomba.xlsx", 2048), hf.encrypted_xlsx(tmp_path / "clave.xlsx"),
                 hf.sheet_bomb(tmp_path / "mentiroso.xlsx", 600, declared=5000)):
        with pytest.raises(UserError, match=path.name):
            svc.import_file(event.event_id, path)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Attendance)) == 0
