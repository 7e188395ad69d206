"""Events, door registration, de-duplication, consent, minors, sensitive data, directory search."""

from datetime import date

import pytest
from sqlalchemy import func, select

from rcdesk.errors import UserError
from rcdesk.models.events import Attendance, ConsentRecord, Person
from rcdesk.services.attendance import AttendanceInput, AttendanceService, DuplicateAttendance
from rcdesk.services.events import EventInput, EventService
from rcdesk.services.reference import ReferenceService


@pytest.fixture
def event(db):
    ReferenceService(db).ensure_builtin_territories()
    rio = ReferenceService(db).territory_by_code("0601", "EC")
    return EventService(db).create(
        EventInput(
            title="Deliberación pública", event_date=date(2026, 5, 20), territory_id=rio.territory_id, venue="Coliseo"
        )
    )


def _count(db, model):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_event_validation_messages(db):
    svc = EventService(db)
    with pytest.raises(UserError) as e:
        svc.create(EventInput(title=" ", event_date=date(2026, 1, 1), start_time="25:00", modality="OTRA"))
    text = str(e.value)
    assert "título" in text and "hora de inicio" in text and "Modalidad" in text
    assert svc.list_events() == []


def test_event_outside_plan_vigencia_is_refused(db):
    from rcdesk.models.plans import Plan

    inst = ReferenceService(db).find_or_create_institution("Gobernación de Chimborazo")
    with db.begin() as s:
        p = Plan(institution_id=inst.institution_id, year=2021, layout="cpccs", title="Plan", header_lines=[])
        s.add(p)
        s.flush()
        plan_id = p.id
    with pytest.raises(UserError) as e:
        EventService(db).create(EventInput(title="Deliberación", event_date=date(2022, 3, 1), plan_id=plan_id))
    assert "vigencia del plan (2021)" in str(e.value)
    assert EventService(db).list_events() == []
    ok = EventService(db).create(EventInput(title="Deliberación", event_date=date(2021, 3, 1), plan_id=plan_id))
    assert ok.institution_id == inst.institution_id


def test_person_seen_before_fills_from_the_directory(db, event):
    svc = AttendanceService(db)
    svc.register(
        event.event_id, AttendanceInput(full_name="María García", id_number="1714307103", organization="Barrio La Paz")
    )
    other = EventService(db).create(EventInput(title="Mesa", event_date=date(2026, 6, 1)))
    known = svc.lookup("171430710-3")
    assert known.full_name == "María García" and known.organization == "Barrio La Paz"
    svc.register(other.event_id, AttendanceInput(full_name=known.full_name, id_number="1714307103"))
    assert _count(db, Person) == 1  # de-duplicated across events by ID number
    assert _count(db, Attendance) == 2


def test_duplicate_in_the_same_event_is_refused_showing_the_earlier_row(db, event):
    svc = AttendanceService(db)
    first = svc.register(event.event_id, AttendanceInput(full_name="Juan Pérez", id_number="0926687856"))
    with pytest.raises(DuplicateAttendance) as e:
        svc.register(event.event_id, AttendanceInput(full_name="Juan P.", id_number="926687856"))
    assert e.value.earlier.seq_no == first.seq_no
    assert "Nº 1" in str(e.value)
    assert _count(db, Attendance) == 1


def test_unknown_territory_is_refused_in_spanish_and_nothing_is_kept(db, event):
    # before, the directory row was written first and the save failed on the foreign key
    with pytest.raises(UserError, match="No existe el territorio «no-such-id»"):
        AttendanceService(db).register(
            event.event_id,
            AttendanceInput(full_name="Rosa Tenemaza", id_number="0926687856", territory_id="no-such-id"),
        )
    assert _count(db, Attendance) == 0 and _count(db, ConsentRecord) == 0 and _count(db, Person) == 0


def test_invalid_id_is_refused_unless_kept_with_warning(db, event):
    svc = AttendanceService(db)
    with pytest.raises(UserError):
        svc.register(event.event_id, AttendanceInput(full_name="Ana", id_number="1714307104"))
    row = svc.register(event.event_id, AttendanceInput(full_name="Ana", id_number="1714307104", keep_invalid_id=True))
    assert row.id_status == "invalid"
    assert _count(db, Person) == 0  # invalid numbers never identify a person in the directory


def test_every_registration_has_a_consent_record(db, event):
    svc = AttendanceService(db)
    row = svc.register(event.event_id, AttendanceInput(full_name="Rosa", id_number="1714307103", phone="0999999999"))
    consents = svc.consents(row.person_id)
    assert len(consents) == 1
    assert consents[0]["scopes"] == ["IDENTIFICACION", "CONTACTO"] and consents[0]["version"]
    svc.revoke_consent(consents[0]["consent_id"])
    assert svc.consents(row.person_id)[0]["revoked_at"] is not None


def test_minor_without_guardian_consent_keeps_no_identity(db, event):
    svc = AttendanceService(db)
    row = svc.register(
        event.event_id, AttendanceInput(full_name="Niño Pilco", id_number="1714307103", phone="0999", is_minor=True)
    )
    assert row.is_minor and row.id_number is None and row.phone is None
    row2 = svc.register(
        event.event_id,
        AttendanceInput(full_name="Niña Caiza", id_number="0926687856", is_minor=True, guardian_name="Rosa Caiza"),
    )
    assert row2.id_number == "0926687856"
    with db.session() as s:
        c = s.get(ConsentRecord, s.get(Attendance, row2.attendance_id).consent_id)
        assert c.guardian_name == "Rosa Caiza"


def test_gender_on_a_named_row_needs_the_separate_sensitive_consent(db, event):
    svc = AttendanceService(db)
    with pytest.raises(UserError) as e:
        svc.register(event.event_id, AttendanceInput(full_name="Ana", gender="FEMENINO"))
    assert "conteo anónimo" in str(e.value)
    row = svc.register(event.event_id, AttendanceInput(full_name="Ana", gender="FEMENINO", sensitive_consent=True))
    with db.session() as s:
        assert s.get(Attendance, row.attendance_id).gender == "FEMENINO"


def test_personal_columns_are_marked():
    from rcdesk.models.events import Attendance, CitizenQuestion, Person

    for model, cols in (
        (Person, ("full_name", "id_number", "phone", "email")),
        (Attendance, ("full_name", "id_number", "gender", "ethnicity", "search_text")),
        (CitizenQuestion, ("asker_name", "contact")),
    ):
        for c in cols:
            assert model.__table__.c[c].info.get("personal"), (model, c)
    assert not Attendance.__table__.c["organization"].info.get("personal")


def test_directory_search_ignores_accents_and_case(db, event):
    svc = AttendanceService(db)
    svc.register(event.event_id, AttendanceInput(full_name="José García Guamán", id_number="1714307103"))
    svc.register(event.event_id, AttendanceInput(full_name="Lucía Pérez", id_number="0926687856"))
    assert [p.full_name for p in svc.search_people("garcia")] == ["José García Guamán"]
    assert [p.full_name for p in svc.search_people("LUCIA per")] == ["Lucía Pérez"]
    assert [p.full_name for p in svc.search_people("17143")] == ["José García Guamán"]
    assert len(svc.search_people("")) == 2
    # attendance filter folds accents too, and windows
    assert [r.full_name for r in svc.attendance_window(event.event_id, "garcia")] == ["José García Guamán"]
    assert svc.attendance_count(event.event_id, "perez") == 1
    assert [r.seq_no for r in svc.attendance_window(event.event_id, "", 1, 5)] == [2]


def test_tally_rules_through_the_service(db, event):
    svc = EventService(db)
    AttendanceService(db).register(event.event_id, AttendanceInput(full_name="Ana"))
    with pytest.raises(UserError):
        svc.save_tally(event.event_id, 5, {"genero": {"FEMENINO": 6}})
    assert svc.tally(event.event_id).counts == {}
    row = svc.save_tally(event.event_id, 5, {"genero": {"FEMENINO": 3, "MASCULINO": 1}})
    assert row.total == 5 and any("No responde" in w for w in row.warnings)
    stats = svc.statistics(event.event_id)
    assert dict(stats["Género"]) == {"Masculino": 1, "Femenino": 3, "No responde": 1}
