"""Demographic columns of attendance sheets become the event's anonymous tally, never a named row's data."""

from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from rcdesk.events import tallies
from rcdesk.models.events import Attendance
from rcdesk.services.attendance import AttendanceService
from rcdesk.services.events import EventInput, EventService


@pytest.fixture
def event(db):
    return EventService(db).create(EventInput(title="Deliberación pública", event_date=date(2026, 5, 20)))


def _xlsx(path, rows, merges=()):
    wb = Workbook()
    ws = wb.active
    ws.title = "Asistencia"
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


# Two-row header: «Género» merged over F | M | LGBTIQ+, «Rango de edad» over 18-29 | 30-64 | 65+
X_MARKS = [
    ["REGISTRO DE ASISTENCIA"],
    [
        "N°",
        "Nombres y apellidos",
        "Cédula",
        "Género",
        None,
        None,
        "Rango de edad",
        None,
        None,
        "Autoidentificación étnica",
        "Cargo",
        "Firma",
    ],
    [None, None, None, "F", "M", "LGBTIQ+", "18-29", "30-64", "65+", None, None, None],
    [1, "Ana Guamán", "1714307103", "X", None, None, None, "x", None, "Kichwa", "Presidenta comunal", None],
    [2, "Luis Pilco", "0926687856", None, "X", None, "X", None, None, "Mestizo", "Morador", None],
    [3, "Rosa Caiza", None, "x", None, None, None, None, "X", "Montubia", None, None],
    [4, "Alex Lema", None, None, None, "X", "X", None, None, "Afroecuatoriano", None, None],
    [5, "Carmen Paca", None, "X", "X", None, None, "X", None, "Pueblo Saraguro", None, None],
]
X_MERGES = ("D2:F2", "G2:I2", "B2:B3", "C2:C3", "J2:J3")

TEXT_VALUES = [
    [
        "Nombres y apellidos",
        "Cédula",
        "Sexo",
        "Género",
        "Rango de edad",
        "Pueblos y nacionalidades",
        "¿Tiene discapacidad?",
        "Observaciones",
    ],
    ["Ana Guamán", "1714307103", "Mujer", "", "30 a 64", "Indígena", "No", "llegó tarde"],
    ["Luis Pilco", "0926687856", "Hombre", "", "18-29", "Afrodescendiente", "Sí", ""],
    ["Rosa Caiza", "", "Mujer", "LGBTIQ+", "65 o más", "Montubio", "No", ""],
    ["Pedro Lema", "", "Hombre", "", "18-29", "Zambo", "", ""],
]


def test_x_marks_under_sub_headers_become_exact_tallies(db, event, tmp_path):
    svc = AttendanceService(db)
    path = _xlsx(tmp_path / "asistencia_x.xlsx", X_MARKS, X_MERGES)
    parsed = svc.read_file(event.event_id, path)
    assert len(parsed.rows) == 5 and parsed.rows[0].line == 4
    assert parsed.tally() == {
        "genero": {"FEMENINO": 2, "MASCULINO": 1, "GLBTI": 1},  # Carmen has two X: not counted
        "edad": {"18_29": 2, "30_64": 2, "65_MAS": 1},
        "etnia": {"INDIGENA": 2, "MESTIZO": 1, "MONTUBIO": 1, "AFROECUATORIANO": 1},
    }
    assert "F | M | LGBTIQ+" in parsed.demographic_columns["genero"]
    assert any("más de una X" in w and "8" in w for w in parsed.warnings)
    assert [(c.column, c.header) for c in parsed.ignored_columns] == [("A", "N°"), ("L", "Firma")]
    res = svc.save_import(event.event_id, parsed)
    assert res.imported == 5
    tally = EventService(db).tally(event.event_id)
    assert tally.total == 5
    assert tally.counts == {
        "genero": {"FEMENINO": 2, "MASCULINO": 1, "GLBTI": 1},
        "edad": {"18_29": 2, "30_64": 2, "65_MAS": 1},
        "etnia": {"INDIGENA": 2, "MESTIZO": 1, "MONTUBIO": 1, "AFROECUATORIANO": 1},
    }
    # the CPCCS deliberation section: participants by género and by pueblos y nacionalidades
    buckets = tallies.cpccs_buckets(tally.total, tally.counts)
    assert buckets["genero"]["buckets"] == {"MASCULINO": 1, "FEMENINO": 2, "GLBTI": 1}
    assert buckets["etnia"]["buckets"] == {
        "MONTUBIOS": 1,
        "CHOLOS": 0,
        "INDÍGENAS": 2,
        "MESTIZOS": 1,
        "AFROECUATORIANOS": 1,
    }
    assert [r.role for r in svc.all_attendance(event.event_id)][:2] == ["CIUDADANO", "CIUDADANO"]


def test_text_values_and_sexo_fill_the_tally_and_nothing_is_stored_per_person(db, event, tmp_path):
    svc = AttendanceService(db)
    res = svc.import_file(event.event_id, _xlsx(tmp_path / "asistencia_texto.xlsx", TEXT_VALUES))
    assert res.imported == 4
    assert res.tally_added == {
        "genero": {"FEMENINO": 1, "MASCULINO": 2, "GLBTI": 1},  # Género wins over Sexo for Rosa
        "edad": {"30_64": 1, "18_29": 2, "65_MAS": 1},
        "etnia": {"INDIGENA": 1, "AFROECUATORIANO": 1, "MONTUBIO": 1},
        "discapacidad": {"NO": 2, "SI": 1},
    }
    assert any("«Zambo»" in n and "No responde" in n for n in res.notes)
    assert [c.as_json() for c in res.ignored_columns] == [
        {"sheet": "Asistencia", "column": "H", "header": "Observaciones"}
    ]
    eff = tallies.effective_counts(4, EventService(db).tally(event.event_id).counts)
    assert eff["etnia"]["NO_RESPONDE"] == 1 and eff["discapacidad"]["NO_RESPONDE"] == 1
    with db.session() as s:
        assert s.execute(select(Attendance.gender, Attendance.ethnicity)).all() == [(None, None)] * 4


def test_a_second_sheet_adds_to_the_tally_and_duplicates_are_not_counted_twice(db, event, tmp_path):
    svc = AttendanceService(db)
    svc.import_file(event.event_id, _xlsx(tmp_path / "a.xlsx", TEXT_VALUES))
    again = svc.import_file(
        event.event_id,
        _xlsx(tmp_path / "b.xlsx", TEXT_VALUES[:3] + [["María Tene", "", "Mujer", "", "30-64", "Mestiza", "No", ""]]),
    )
    assert again.imported == 1 and again.tally_added["genero"] == {"FEMENINO": 1}
    tally = EventService(db).tally(event.event_id)
    assert tally.total == 5
    assert tally.counts["genero"] == {"FEMENINO": 2, "MASCULINO": 2, "GLBTI": 1}
    assert tally.counts["etnia"]["MESTIZO"] == 1


def test_single_row_category_headers_and_a_numeric_age_column(db, event, tmp_path):
    rows = [
        ["Nombre", "Edad", "Mujer", "Hombre", "LGBTIQ+", "Teléfono"],
        ["Ana", 25, "x", "", "", "0991234567"],
        ["Luis", 70, "", "x", "", ""],
        ["Lucía", 16, "x", "", "", ""],
    ]
    parsed = AttendanceService(db).read_file(event.event_id, _xlsx(tmp_path / "c.xlsx", rows))
    assert parsed.tally() == {
        "genero": {"FEMENINO": 2, "MASCULINO": 1},
        "edad": {"18_29": 1, "65_MAS": 1, "MENOR_18": 1},
    }
    assert parsed.ignored_columns == []


def test_colombian_event_uses_its_own_categories(db, tmp_path):
    from rcdesk.services.reference import ReferenceService

    ReferenceService(db).ensure_builtin_territories()
    co = [t for t in ReferenceService(db).territories("CO")][0]
    ev = EventService(db).create(
        EventInput(title="Audiencia", event_date=date(2026, 3, 3), territory_id=co.territory_id)
    )
    rows = [
        ["Nombre", "Género", "Rango de edad", "Autorreconocimiento étnico"],
        ["Ana", "F", "60+", "Wayuu"],
        ["Ale", "LGBTIQ+", "29-59", "Raizal"],
        ["Luis", "M", "18-28", "Ninguno"],
    ]
    res = AttendanceService(db).import_file(ev.event_id, _xlsx(tmp_path / "co.xlsx", rows))
    assert res.tally_added == {
        "genero": {"FEMENINO": 1, "OTRO": 1, "MASCULINO": 1},
        "edad": {"60_MAS": 1, "29_59": 1, "18_28": 1},
        "etnia": {"INDIGENA": 1, "RAIZAL": 1, "NINGUNO": 1},
    }
