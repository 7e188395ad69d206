"""An office's own attendance list, with headers rcdesk does not know, imported through the column mapping."""

import json
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from rcdesk.cli import main
from rcdesk.errors import UserError
from rcdesk.events.attendance_fields import ATTENDANCE
from rcdesk.imports import profiles
from rcdesk.imports.choices import field_choices
from rcdesk.imports.fields import KEEP, catalog
from rcdesk.models.core import AuditLog
from rcdesk.models.events import Attendance, AttendanceTally, ConsentRecord, Person
from rcdesk.services.attendance import AttendanceService
from rcdesk.services.events import EventInput, EventService

# «No. C.I.» and «Quién firma» are headers the importer does not know; «Género» is merged over
# F | M | LGBTIQ+ with X marks in the row below
OFFICE = [
    ["JUNTA PARROQUIAL DE CACHA — LISTA DE ASISTENCIA"],
    [
        "Nro.",
        "Nombre del asistente",
        "No. C.I.",
        "Comunidad / barrio",
        "Celular",
        "Género",
        None,
        None,
        "Firma",
        "Quién firma",
    ],
    [None, None, None, None, None, "F", "M", "LGBTIQ+", None, None],
    [1, "Ana Guamán", "1714307103", "Cacha Obraje", "0991234567", "X", None, None, None, "ella"],
    [2, "LUIS PILCO", 926687856, "Machángara", None, None, "x", None, None, "él"],
    [3, "Rosa Caiza", "1714307104", "Cacha Obraje", None, "X", None, None, None, ""],
    [4, "Alex Lema", None, "San Miguel", None, None, None, "X", None, ""],
    [5, "Ana Guamán", "1714307103", "Cacha Obraje", None, "X", None, None, None, ""],
]
MERGES = ("F2:H2", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "I2:I3", "J2:J3")
MAP = {"No. C.I.": "documento", "Quién firma": "ignorar"}


def _xlsx(path, rows=OFFICE, merges=MERGES):
    wb = Workbook()
    ws = wb.active
    ws.title = "Lista"
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


@pytest.fixture
def event(db):
    return EventService(db).create(EventInput(title="Deliberación pública", event_date=date(2026, 5, 20)))


def _counts(db):
    with db.session() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m))
            for m in (Attendance, Person, ConsentRecord, AttendanceTally, AuditLog)
        )


def test_the_catalog_offers_no_other_data_for_personal_data():
    assert catalog("attendance") is ATTENDANCE
    keys = [f.key for f in ATTENDANCE.fields]
    assert {
        "nombre",
        "documento",
        "territorio",
        "telefono",
        "genero",
        "sexo",
        "rango_edad",
        "etnia",
        "discapacidad",
    } <= set(keys)
    assert KEEP not in {c.spec for c in field_choices(ATTENDANCE, kinds=["trimestre"], years=[])}
    with pytest.raises(UserError, match="otros datos"):
        profiles.columns_of({"rcdesk_mapeo": 1, "tipo": "attendance", "columnas": {"Firma": "otros"}}, ATTENDANCE)


def test_office_sheet_proposal_then_mapping_gives_exact_rows_and_tallies(db, event, tmp_path):
    svc = AttendanceService(db)
    path = _xlsx(tmp_path / "lista.xlsx")
    proposal = svc.preview_import(event.event_id, path)
    by_header = {d.header: d for d in proposal.mapping.decisions}
    assert by_header["Nombre del asistente"].target.field == "nombre"
    assert by_header["Comunidad / barrio"].target.field == "territorio"
    assert by_header["Celular"].target.field == "telefono"
    assert [by_header[f"Género / {c}"].target.field for c in ("F", "M", "LGBTIQ+")] == ["genero"] * 3
    assert "Femenino" in by_header["Género / F"].note
    assert by_header["No. C.I."].action == "ignorar"  # unknown: proposed as ignored, never guessed

    parsed = svc.preview_import(event.event_id, path, overrides=MAP)
    assert parsed.errors == []
    assert [(r.line, r.name, r.id_check.number, r.territory, r.status) for r in parsed.rows] == [
        (4, "Ana Guamán", "1714307103", "Cacha Obraje", "ok"),
        (5, "Luis Pilco", "0926687856", "Machángara", "repaired"),
        (6, "Rosa Caiza", "1714307104", "Cacha Obraje", "invalid"),
        (7, "Alex Lema", "", "San Miguel", "ok"),
        (8, "Ana Guamán", "1714307103", "Cacha Obraje", "duplicate"),
    ]
    assert parsed.rows[0].phone == "0991234567"
    assert [(c.column, c.header) for c in parsed.ignored_columns] == [
        ("A", "Nro."),
        ("I", "Firma"),
        ("J", "Quién firma"),
    ]
    res = svc.save_import(event.event_id, parsed)
    assert (res.rows, res.imported, res.duplicates, res.invalid_ids, res.repaired_ids) == (5, 4, 1, 1, 1)
    assert res.tally_added == {"genero": {"FEMENINO": 2, "MASCULINO": 1, "GLBTI": 1}}
    tally = EventService(db).tally(event.event_id)
    assert (tally.total, tally.counts) == (4, {"genero": {"FEMENINO": 2, "MASCULINO": 1, "GLBTI": 1}})
    with db.session() as s:
        assert s.execute(select(Attendance.gender, Attendance.ethnicity)).all() == [(None, None)] * 4


def test_dry_run_reports_exactly_what_the_import_stores_and_changes_nothing(db, event, tmp_path):
    svc = AttendanceService(db)
    path = _xlsx(tmp_path / "lista.xlsx")
    before = _counts(db)
    dry = svc.save_import(event.event_id, svc.preview_import(event.event_id, path, overrides=MAP), dry_run=True)
    assert _counts(db) == before
    assert EventService(db).tally(event.event_id).counts == {}
    assert svc.preview_import(event.event_id, path).profile_name == ""  # a dry run remembers nothing
    real = svc.save_import(event.event_id, svc.preview_import(event.event_id, path, overrides=MAP))
    assert dry.as_json() == real.as_json() and real.imported == 4


def test_confirmed_mapping_is_offered_next_time_unless_declined(db, event, tmp_path):
    svc = AttendanceService(db)
    svc.save_import(event.event_id, svc.preview_import(event.event_id, _xlsx(tmp_path / "mayo.xlsx"), overrides=MAP))
    other = EventService(db).create(EventInput(title="Audiencia", event_date=date(2026, 6, 2)))
    june = _xlsx(tmp_path / "junio.xlsx")
    again = svc.preview_import(other.event_id, june)
    assert again.profile_name == "recordado" and again.errors == []
    assert {d.header: d.target.field for d in again.mapping.decisions if d.target}["No. C.I."] == "documento"
    assert [r.id_check.number for r in again.rows][:2] == ["1714307103", "0926687856"]
    assert svc.preview_import(other.event_id, june, remembered=False).profile_name == ""


def test_sheet_without_a_known_name_column_is_mapped_by_the_user(db, event, tmp_path):
    rows = [
        ["Quién asiste", "Celular", "Comunidad"],
        ["Ana Guamán", "0991234567", "Cacha"],
        ["Luis Pilco", "", "Guano"],
    ]
    path = _xlsx(tmp_path / "q.xlsx", rows, ())
    svc = AttendanceService(db)
    parsed = svc.preview_import(event.event_id, path)
    assert parsed.rows == [] and "columna de nombres" in parsed.errors[0] and "«Lista»" in parsed.errors[0]
    with pytest.raises(UserError, match="q.xlsx"):
        svc.save_import(event.event_id, parsed)
    res = svc.import_file(event.event_id, path, overrides={"Quién asiste": "nombre"})
    assert res.imported == 2 and [r.full_name for r in svc.all_attendance(event.event_id)] == [
        "Ana Guamán",
        "Luis Pilco",
    ]


# what may differ between a dry run with --map and the real import with the saved profile
SAME_EXCEPT = ("imported", "dry_run", "profile", "columns")


def _cli(capsys, db_path, *args):
    code = main(["--db", str(db_path), "--json", *args])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if out.out.strip() else None), out.err


def test_cli_map_dry_run_profile_and_json_refusal(capsys, tmp_path):
    db = tmp_path / "c.db"
    code, ev, err = _cli(capsys, db, "event", "create", "--title", "Deliberación", "--date", "2026-05-20")
    assert code == 0, err
    eid, sheet = ev["event_id"], _xlsx(tmp_path / "lista.xlsx")

    code, data, err = _cli(capsys, db, "attendance", "import", eid, str(sheet), "--dry-run")
    assert code == 0, err  # names found; the unknown «No. C.I.» is reported, not guessed
    assert {"sheet": "Lista", "column": "C", "header": "No. C.I."} in data["ignored_columns"]
    # an unknown --map header is refused with the sheet named, and nothing is stored
    code, data, err = _cli(capsys, db, "attendance", "import", eid, str(sheet), "--map", "Cedula X=documento")
    assert code == 2 and data["errors"][0]["sheet"] == "Lista" and "Cedula X" in data["errors"][0]["message"]
    assert set(data["errors"][0]) >= {"sheet", "row", "column", "message"} and "Cedula X" in err

    args = ["attendance", "import", eid, str(sheet), "--map", "No. C.I.=documento", "--map", "Quién firma=ignorar"]
    profile = tmp_path / "perfil.json"
    code, dry, err = _cli(capsys, db, *args, "--dry-run", "--save-mapping", str(profile))
    assert code == 0, err
    assert (dry["imported"], dry["importable"], dry["duplicates"], dry["invalid_ids"]) == (0, 4, 1, 1)
    assert dry["tally_added"] == {"genero": {"FEMENINO": 2, "MASCULINO": 1, "GLBTI": 1}}
    assert [c["column"] for c in dry["ignored_columns"]] == ["A", "I", "J"]
    assert _cli(capsys, db, "attendance", "list", eid)[1]["attendees"] == []
    code, real, err = _cli(
        capsys, db, "attendance", "import", eid, str(sheet), "--mapping", str(profile), "--no-remembered"
    )
    assert code == 0, err
    assert real["imported"] == dry["importable"] and real["profile"] == "lista.xlsx"
    assert {k: v for k, v in real.items() if k not in SAME_EXCEPT} == {
        k: v for k, v in dry.items() if k not in SAME_EXCEPT
    }

    code, data, err = _cli(capsys, db, "attendance", "import", eid, str(sheet), "--map", "Firma=otros")
    assert code == 2 and "otros datos" in err
