"""Importing typed attendance sheets: header variants, repairs, duplicates, invalid IDs, bad input."""

import csv
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from rcdesk.errors import UserError
from rcdesk.jobs import Cancelled, CancelToken
from rcdesk.models.events import Attendance, Person
from rcdesk.services.attendance import AttendanceInput, AttendanceService
from rcdesk.services.event_documents import EventDocuments
from rcdesk.services.events import EventInput, EventService


@pytest.fixture
def event(db):
    return EventService(db).create(EventInput(title="Deliberación", event_date=date(2026, 5, 20)))


def _xlsx(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "Registro"
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


MESSY = [
    ["GOBERNACIÓN DE CHIMBORAZO"],
    ["REGISTRO DE ASISTENCIA – DELIBERACIÓN PÚBLICA"],
    [None],
    ["N°", "  APELLIDOS Y NOMBRES ", "C.I.", "Organización / Sector", "CANTÓN", "Teléfono o correo", "Firma"],
    [1, "GUAMÁN PILCO SEGUNDO", 926687856, "comunidad cacha", " Riobamba ", "0991234567", None],
    [2, "maría de los ángeles pérez", "1714307103", None, "Guano", "maria@example.com", None],
    [3, None, None, None, None, None, None],
    [4, "Ana Lopez", "1714307104", "+Comité Pro Mejoras", "Riobamba", None, None],
    [5, "Segundo Guamán", "0926687856", None, None, None, None],
    [6, None, "0604000000", None, None, None, None],
]


def _count(db, model):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_preview_lists_repaired_invalid_and_duplicate_rows(db, event, tmp_path):
    parsed = AttendanceService(db).read_file(event.event_id, _xlsx(tmp_path / "a.xlsx", MESSY))
    assert parsed.sheet == "Registro" and parsed.header_line == 4
    by_line = {r.line: r for r in parsed.rows}
    assert by_line[5].status == "repaired" and by_line[5].id_check.number == "0926687856"
    assert by_line[5].name == "Guamán Pilco Segundo"  # ALL CAPS normalized
    assert by_line[6].name == "María de los Ángeles Pérez" and by_line[6].email == "maria@example.com"
    assert by_line[8].status == "invalid" and "columna «C.I.»" in by_line[8].message
    assert by_line[9].status == "duplicate" and by_line[9].duplicate_of == "fila 5"
    assert by_line[10].status == "error"  # ID without a name
    assert parsed.blank_rows == 1
    assert _count(db, Attendance) == 0  # preview writes nothing


def test_import_keep_or_reject_invalid_ids(db, event, tmp_path):
    svc = AttendanceService(db)
    path = _xlsx(tmp_path / "a.xlsx", MESSY)
    res = svc.import_file(event.event_id, path, invalid="reject")
    assert (res.rows, res.imported, res.duplicates, res.invalid_ids, res.repaired_ids, res.rejected) == (
        5,
        2,
        1,
        1,
        1,
        2,
    )
    other = EventService(db).create(EventInput(title="Otra", event_date=date(2026, 6, 1)))
    res2 = svc.import_file(other.event_id, path, invalid="keep")
    assert res2.imported == 3 and res2.rejected == 1
    assert _count(db, Person) == 2  # same people in both events, de-duplicated
    rows = svc.all_attendance(other.event_id)
    assert [r.id_status for r in rows] == ["repaired", "ok", "invalid"]
    assert rows[0].territory == "Riobamba" and rows[2].organization == "+Comité Pro Mejoras"


def test_reimporting_the_same_sheet_adds_nothing(db, event, tmp_path):
    svc = AttendanceService(db)
    path = _xlsx(tmp_path / "a.xlsx", MESSY)
    svc.import_file(event.event_id, path)
    again = svc.import_file(event.event_id, path)
    assert again.imported == 0 and again.duplicates == 4  # 3 registered + 1 repeated in the file
    assert _count(db, Attendance) == 3


def test_rows_registered_at_the_door_count_as_duplicates(db, event, tmp_path):
    svc = AttendanceService(db)
    svc.register(event.event_id, AttendanceInput(full_name="María Pérez", id_number="1714307103"))
    parsed = svc.read_file(event.event_id, _xlsx(tmp_path / "a.xlsx", MESSY))
    dup = [r for r in parsed.rows if r.line == 6][0]
    assert dup.status == "duplicate" and "Nº 1" in dup.duplicate_of


def test_csv_with_semicolons_and_separate_name_columns(db, event, tmp_path):
    p = tmp_path / "asistencia.csv"
    with p.open("w", newline="", encoding="cp1252") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["Nombres", "Apellidos", "Cédula", "Edad"])
        w.writerow(["Lucía", "Caiza", "1714307103", "16"])
        w.writerow(["", "", "", ""])
        w.writerow(["Pedro", "Lema", "", "40"])
    res = AttendanceService(db).import_file(event.event_id, p)
    assert res.imported == 2
    rows = AttendanceService(db).all_attendance(event.event_id)
    assert rows[0].full_name == "Lucía Caiza" and rows[0].is_minor and not rows[1].is_minor


def test_sheet_without_a_name_column_is_a_clear_error(db, event, tmp_path):
    path = _xlsx(tmp_path / "sin_nombres.xlsx", [["Cédula", "Teléfono"], ["1714307103", "099"]])
    with pytest.raises(UserError) as e:
        AttendanceService(db).import_file(event.event_id, path)
    assert "sin_nombres.xlsx" in str(e.value) and "columna de nombres" in str(e.value) and "«Registro»" in str(e.value)
    assert _count(db, Attendance) == 0


def test_unreadable_and_unsupported_files(db, event, tmp_path):
    bad = tmp_path / "roto.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(UserError, match="roto.xlsx"):
        AttendanceService(db).import_file(event.event_id, bad)
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(UserError, match="formato no admitido"):
        AttendanceService(db).import_file(event.event_id, pdf)


def test_cancel_leaves_the_database_unchanged(db, event, tmp_path):
    rows = [["Nombre", "Cédula"]] + [[f"Persona {i}", ""] for i in range(2500)]
    path = _xlsx(tmp_path / "grande.xlsx", rows)
    svc = AttendanceService(db)
    parsed = svc.read_file(event.event_id, path)
    token = CancelToken()
    calls = []

    def progress(done, total=None, text=""):
        calls.append(done)
        if len(calls) == 1:
            token.cancel()

    with pytest.raises(Cancelled):
        svc.save_import(event.event_id, parsed, progress=progress, cancel=token)
    assert _count(db, Attendance) == 0


def test_formula_looking_text_stays_text_in_the_workbook(db, event, tmp_path):
    svc = AttendanceService(db)
    for name in ("=1+1", "+593999", "-SUM(A1)", "@cmd"):
        svc.register(event.event_id, AttendanceInput(full_name=name, organization='=HYPERLINK("x")'))
    out = tmp_path / "asistencia.xlsx"
    EventDocuments(db).attendance_xlsx(event.event_id, out)
    ws = load_workbook(out).active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert len(cells) == 8
    assert all(c.data_type == "s" for c in cells)


def test_old_xls_sheet_is_imported_and_unused_columns_are_reported(db, event, tmp_path):
    from tests.core import hostile_files as hf

    path = hf.xls_workbook(
        tmp_path / "registro.xls",
        "Hoja1",
        [["Nombres y apellidos", "Cédula", "Firma", "Color favorito"], ["Ana Pérez", 1714307103, "", "azul"]],
    )
    res = AttendanceService(db).import_file(event.event_id, path)
    assert res.imported == 1
    assert [(c.column, c.header) for c in res.ignored_columns] == [("C", "Firma"), ("D", "Color favorito")]
    assert AttendanceService(db).all_attendance(event.event_id)[0].id_number == "1714307103"
