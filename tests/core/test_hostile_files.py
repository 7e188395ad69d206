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
    far = hf.sheet_xml(
        tmp_path / "lejos.xlsx",
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Nombre</t></is></c></row>'
        b'<row r="900000"><c r="Z900000"><v>1</v></c></row>',
    )
    message = _refusal(far)
    assert "fila 900 000" in message and "hoja «Asistencia»" in message


def test_a_value_far_right_is_refused_by_cell_area(tmp_path):
    wide = hf.sheet_xml(
        tmp_path / "ancho.xlsx", b'<row r="1"><c r="A1"><v>1</v></c></row><row r="190"><c r="XFD190"><v>1</v></c></row>'
    )
    assert "190 filas × 16 384 columnas" in _refusal(wide)


def test_formatted_empty_cells_far_away_are_not_counted(tmp_path):
    path = hf.sheet_xml(
        tmp_path / "formato.xlsx",
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Nombre</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576" s="0"/></row>',
    )
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


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda p: p.write_bytes(os.urandom(5000)), "no es un libro de Excel"),
        (lambda p: p.write_bytes(b""), "está vacío"),
        (lambda p: p.write_bytes(b"PK\x03\x04" + os.urandom(3000)), "dañado o incompleto"),
        (lambda p: p.write_bytes(b"PK\x05\x06" + b"\x00" * 18), "comprimido vacío"),
        (lambda p: p.write_bytes(hf.compound_file(p, {"Otra": b"x"}).read_bytes()[:600]), "dañado"),
    ],
)
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


ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Hoja1">'
    '<table:table-row><table:table-cell office:value-type="string"><text:p>Nombre</text:p>'
    "</table:table-cell></table:table-row>"
)
ODS_TAIL = (
    '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
    'table:number-columns-repeated="1024"/></table:table-row></table:table></office:spreadsheet>'
    "</office:body></office:document-content>"
)


def _ods(path, rows_repeated):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", "<manifest/>")
        zf.writestr(
            "content.xml",
            ODS_HEAD
            + (
                f'<table:table-row table:number-rows-repeated="{rows_repeated}"><table:table-cell '
                'table:number-columns-repeated="50" office:value-type="float" office:value="1"><text:p>1</text:p>'
                "</table:table-cell></table:table-row>"
            )
            + ODS_TAIL,
        )
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
    for path in (
        hf.sheet_bomb(tmp_path / "bomba.xlsx", 2048),
        hf.encrypted_xlsx(tmp_path / "clave.xlsx"),
        hf.sheet_bomb(tmp_path / "mentiroso.xlsx", 600, declared=5000),
    ):
        with pytest.raises(UserError, match=path.name):
            svc.import_file(event.event_id, path)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Attendance)) == 0


# -- CSV ----------------------------------------------------------------------------------------------
from rcdesk.imports.text_files import read_csv_grid, read_text_table  # noqa: E402

CSV_TEXT = "Nombres y apellidos;Cédula;Organización\r\nJosé Ñaupari;1714307103;Comité «Pro Mejoras» – Guano\r\n"


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda t: t.encode("utf-8"), "UTF-8"),
        (lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "UTF-8 con BOM"),
        (lambda t: t.encode("cp1252"), "Windows-1252"),
        (lambda t: b"\xff\xfe" + t.encode("utf-16-le"), "UTF-16 LE"),
        (lambda t: b"\xfe\xff" + t.encode("utf-16-be"), "UTF-16 BE"),
        (lambda t: t.encode("utf-16-le"), "UTF-16 LE"),
    ],
)
def test_csv_encodings_are_read_and_named(tmp_path, encode, encoding):
    path = tmp_path / "asistencia.csv"
    path.write_bytes(encode(CSV_TEXT))
    table = read_text_table(path)
    assert table.encoding == encoding and table.delimiter == ";"
    assert table.rows[1] == ["José Ñaupari", "1714307103", "Comité «Pro Mejoras» – Guano"]
    assert "punto y coma" in table.described


def test_latin1_only_stands_in_for_bytes_cp1252_leaves_undefined(tmp_path):
    path = tmp_path / "raro.csv"
    path.write_bytes(b"Nombre,Organizaci\xf3n\nAna,Acci\xf3n\x81 \x96 S\xed\n")  # 0x81: undefined in cp1252
    table = read_text_table(path)
    assert table.encoding.startswith("Windows-1252") and table.delimiter == ","
    assert table.rows[1] == ["Ana", "Acción\x81 – Sí"]


@pytest.mark.parametrize(("sep", "name"), [(",", "coma"), ("\t", "tabulador"), ("|", "barra vertical")])
def test_csv_delimiters_are_detected(tmp_path, sep, name):
    path = tmp_path / "d.csv"
    path.write_text(
        sep.join(["Nombre", "Cédula", "Cantón"]) + "\n" + sep.join(['"Pérez; Ana"', "1", "Guano"]) + "\n",
        encoding="utf-8",
    )
    table = read_text_table(path)
    assert table.delimiter_label == name and table.rows[1] == ["Pérez; Ana", "1", "Guano"]


def test_a_single_column_csv_gets_a_warning_and_becomes_a_grid(tmp_path):
    path = tmp_path / "nombres.csv"
    path.write_text("Nombre\nAna\nLuis\n\n\n", encoding="utf-8")
    assert "una sola columna" in read_text_table(path).warnings[0]
    grid = read_csv_grid(path)
    assert grid.name == "nombres" and grid.rows == [["Nombre"], ["Ana"], ["Luis"]]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Nombre\x00;\x00\x00\x01\x02binario" * 50, "datos binarios"),
        (b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 100, "libro de Excel con la extensión cambiada"),
        (b"%PDF-1.4\n\x00\x00stream", "es un PDF"),
        (b"", "está vacío"),
    ],
)
def test_binary_content_in_a_csv_is_refused_naming_the_file(tmp_path, content, expected):
    path = tmp_path / "lista.csv"
    path.write_bytes(content)
    with pytest.raises(UserError, match=expected) as info:
        read_text_table(path)
    assert "«lista.csv»" in str(info.value)


def test_csv_limits_on_size_rows_and_cells(tmp_path, monkeypatch):
    path = tmp_path / "grande.csv"
    path.write_text("a;b;c\n" * 50, encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", 100)
    with pytest.raises(UserError, match="«grande.csv» ocupa"):
        read_text_table(path)
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", 10**6)
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    with pytest.raises(UserError, match="más de 10 filas"):
        read_text_table(path)
    monkeypatch.setattr(limits, "MAX_ROWS", 1000)
    monkeypatch.setattr(limits, "MAX_CELLS", 60)
    with pytest.raises(UserError, match="más de 60 celdas"):
        read_text_table(path)


def test_attendance_csv_in_cp1252_with_byte_0x81_and_binary_csv_leave_the_database_as_it_was(db, tmp_path):
    from datetime import date

    from rcdesk.models.events import Attendance
    from rcdesk.services.attendance import AttendanceService
    from rcdesk.services.events import EventInput, EventService

    event = EventService(db).create(EventInput(title="Deliberación", event_date=date(2026, 5, 20)))
    svc = AttendanceService(db)
    odd = tmp_path / "asistencia.csv"
    odd.write_bytes(b"Nombres;C\xe9dula;G\xe9nero\r\nJos\xe9 Pe\xf1a\x81;1714307103;M\r\n")
    res = svc.import_file(event.event_id, odd)
    assert res.imported == 1 and res.tally_added == {"genero": {"MASCULINO": 1}}
    binary = tmp_path / "binario.csv"
    binary.write_bytes(b"Nombres\x00\x01\x02" * 100)
    with pytest.raises(UserError, match="«binario.csv»"):
        svc.import_file(event.event_id, binary)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Attendance)) == 1


def test_territory_csv_from_spanish_excel_and_refusals_change_nothing(db, tmp_path):
    from rcdesk.models.reference import Territory
    from rcdesk.services.reference import ReferenceService

    ref = ReferenceService(db)
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(Territory))
    good = tmp_path / "territorios.csv"
    good.write_bytes("country;level;code;name;parent_code\r\nEC;PROVINCIA;25;Provincia Ñ;\r\n".encode("cp1252"))
    bad = tmp_path / "malo.csv"
    bad.write_bytes(b"country;level\x00\x00\x01" * 40)
    with pytest.raises(UserError, match="«malo.csv»"):
        ref.import_territories_csv(bad)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Territory)) == before
    assert ref.import_territories_csv(good) == 1
    assert [t.name for t in ref.territories("EC") if t.code == "25"] == ["Provincia Ñ"]
