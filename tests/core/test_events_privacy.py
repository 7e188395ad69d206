"""Data-subject requests (search, export, rectify, revoke consent, anonymise), retention, after_restore."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from rcdesk.errors import UserError
from rcdesk.models.core import AuditLog
from rcdesk.models.events import Attendance, CitizenQuestion, ConsentRecord, Contribution, EventInvitation, Person
from rcdesk.services.attendance import AttendanceInput, AttendanceService
from rcdesk.services.commitments import CommitmentInput, CommitmentService
from rcdesk.services.events import EventInput, EventService
from rcdesk.services.maintenance import after_restore
from rcdesk.services.privacy import ANON_NAME, PrivacyService
from rcdesk.services.questions import QuestionInput, QuestionService

MARIA_ID = "1714307103"


@pytest.fixture
def world(db):
    ev = EventService(db)
    old = ev.create(EventInput(title="Deliberación 2019", event_date=date(2019, 6, 10)))
    new = ev.create(EventInput(title="Deliberación 2026", event_date=date(2026, 5, 20)))
    att = AttendanceService(db)
    att.register(
        old.event_id,
        AttendanceInput(
            full_name="María García",
            id_number=MARIA_ID,
            organization="Barrio La Paz",
            phone="0991234567",
            email="maria@example.org",
        ),
    )
    att.register(
        new.event_id,
        AttendanceInput(
            full_name="María García", id_number=MARIA_ID, phone="0991234567", sensitive_consent=True, gender="FEMENINO"
        ),
    )
    att.register(
        old.event_id, AttendanceInput(full_name="José Pérez", id_number="0602910945", organization="Junta Licto")
    )
    QuestionService(db).add(
        QuestionInput(
            asker_name="maria garcia",
            text="¿Cuándo se arregla la vía?",
            received_on=date(2026, 5, 20),
            event_id=new.event_id,
            contact="0991234567",
        )
    )
    QuestionService(db).add(
        QuestionInput(
            asker_name="Otra Persona", text="¿Y el agua?", received_on=date(2019, 6, 10), event_id=old.event_id
        )
    )
    cs = CommitmentService(db)
    contrib = cs.add_contribution(new.event_id, "Arreglar la vía a Licto", mesa="Vialidad", submitted_by="María García")
    cs.add(
        CommitmentInput(
            description="Bacheo de la vía Licto",
            due_date=date(2026, 9, 30),
            event_id=new.event_id,
            contribution_id=contrib.contribution_id,
            responsible_text="Obras Públicas",
        )
    )
    ev.add_invitation(old.event_id, "José Pérez", "Junta Licto", contact="jose@example.org")
    maria = att.lookup(MARIA_ID)
    return {"old": old, "new": new, "maria": maria.person_id, "jose": att.lookup("0602910945").person_id}


def _all_text(db) -> str:
    """Every value a nosy reader of the database file could see (records, audit log)."""
    out = []
    with db.session() as s:
        for model in (Person, Attendance, ConsentRecord, CitizenQuestion, Contribution, EventInvitation):
            for o in s.scalars(select(model)):
                out.append(
                    json.dumps({c.name: str(getattr(o, c.name)) for c in model.__table__.columns}, ensure_ascii=False)
                )
        out += [a.changes or "" for a in s.scalars(select(AuditLog))]
    return "\n".join(out)


def test_search_by_name_and_by_id_number_with_dashes(db, world):
    svc = PrivacyService(db)
    assert [h.person_id for h in svc.search("garcia mar")] == [world["maria"]]
    assert [h.person_id for h in svc.search("171430710-3")] == [world["maria"]]
    with pytest.raises(UserError):
        svc.search("  ")


def test_dossier_holds_everything_about_the_person(db, world, tmp_path):
    svc = PrivacyService(db)
    d = svc.dossier(world["maria"])
    assert d.person["full_name"] == "María García" and d.person["email"] == "maria@example.org"
    assert sorted(a["event_title"] for a in d.attendance) == ["Deliberación 2019", "Deliberación 2026"]
    assert len(d.consents) == 2
    assert [q["text"] for q in d.questions] == ["¿Cuándo se arregla la vía?"]
    assert d.questions[0]["match"] == "nombre"  # typed without accents, still hers
    assert [c["text"] for c in d.contributions] == ["Arreglar la vía a Licto"]
    assert [c["description"] for c in d.commitments] == ["Bacheo de la vía Licto"]
    assert d.invitations == ()
    out = tmp_path / "maria.json"
    res = svc.export(world["maria"], out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert res["attendance"] == 2 and data["person"]["id_number"] == MARIA_ID
    assert data["commitments"][0]["status"] == "Pendiente"
    pdf = tmp_path / "maria.pdf"
    svc.export(world["maria"], pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(UserError) as e:
        svc.export(world["maria"], tmp_path / "maria.docx")
    assert ".json o .pdf" in str(e.value)


def test_rectify_corrects_person_and_attendance_rows(db, world):
    svc = PrivacyService(db)
    res = svc.rectify(world["maria"], full_name="María Fernanda García", phone="0987654321")
    assert res["changed"] == ["full_name", "phone"] and res["attendance_rows"] == 2
    att = AttendanceService(db)
    rows = att.all_attendance(world["old"].event_id)
    maria = next(r for r in rows if r.person_id == world["maria"])
    assert maria.full_name == "María Fernanda García" and maria.phone == "0987654321"
    assert att.attendance_count(world["old"].event_id, "fernanda") == 1  # search text follows the name
    with db.session() as s:
        assert s.get(Person, world["maria"]).version == 2
    with pytest.raises(UserError) as e:
        svc.rectify(world["maria"], id_number="0602910945")  # José's
    assert "ya pertenece a otra persona" in str(e.value)
    with pytest.raises(UserError) as e:
        svc.rectify(world["maria"], id_number="1714307104")
    assert "no válido" in str(e.value)
    assert svc.dossier(world["maria"]).person["id_number"] == MARIA_ID  # nothing changed


def test_revoke_contact_consent_erases_contact_data(db, world):
    svc = PrivacyService(db)
    res = svc.revoke_consent(world["maria"], "contacto")
    assert res["consents"] == 2
    d = svc.dossier(world["maria"])
    assert d.person["phone"] is None and d.person["email"] is None
    assert all(a["phone"] is None and a["email"] is None for a in d.attendance)
    assert all("Datos de contacto" not in c["scopes"] for c in d.consents)
    assert "0991234567" not in _all_text(db) and "maria@example.org" not in _all_text(db)
    assert d.attendance[0]["full_name"] == "María García"  # identity stays


def test_revoke_sensitive_consent_erases_gender(db, world):
    svc = PrivacyService(db)
    assert any(a["gender"] == "FEMENINO" for a in svc.dossier(world["maria"]).attendance)
    svc.revoke_consent(world["maria"], "DATOS_SENSIBLES")
    assert all(a["gender"] is None for a in svc.dossier(world["maria"]).attendance)
    with pytest.raises(UserError):
        svc.revoke_consent(world["maria"], "TODO")


def test_anonymize_keeps_counts_and_history_without_identity(db, world):
    svc = PrivacyService(db)
    before_count = AttendanceService(db).attendance_count(world["old"].event_id)
    res = svc.anonymize(world["maria"])
    assert res["attendance"] == 2 and res["questions"] == 1 and res["contributions"] == 1
    assert AttendanceService(db).attendance_count(world["old"].event_id) == before_count
    assert EventService(db).get(world["new"].event_id).attendance == 1
    dump = _all_text(db)
    for secret in ("María", "maria garcia", MARIA_ID, "0991234567", "maria@example.org"):
        assert secret not in dump, secret
    assert "José Pérez" in dump  # others untouched
    with db.session() as s:
        p = s.get(Person, world["maria"])
        assert p.deleted and p.full_name == ANON_NAME and p.version == 2  # a normal versioned update
        rows = s.scalars(select(Attendance).where(Attendance.person_id == world["maria"])).all()
        assert {r.full_name for r in rows} == {ANON_NAME} and all(r.version >= 2 for r in rows)
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "anonymize")).all()
        assert {a.table_name for a in audit} >= {"person", "attendance", "citizen_question", "contribution"}
        assert all(
            c.revoked_at is not None
            for c in s.scalars(select(ConsentRecord).where(ConsentRecord.person_id == world["maria"]))
        )
    assert [h.person_id for h in svc.search("garcia")] == []
    assert CommitmentService(db).list_commitments()[0].description == "Bacheo de la vía Licto"
    with pytest.raises(UserError):
        svc.anonymize(world["maria"])


def test_revoking_identification_anonymizes(db, world):
    res = PrivacyService(db).revoke_consent(world["jose"], "IDENTIFICACION")
    assert res["anonymized"] and res["invitations"] == 1
    assert "José" not in _all_text(db) and "jose@example.org" not in _all_text(db)


def test_retention_preview_and_apply(db, world):
    svc = PrivacyService(db)
    assert svc.retention_years()["attendance"] == 5
    today = date(2026, 11, 21)
    prev = svc.retention_preview(today)  # 2019 + 5 = 2024 < 2026: past retention
    assert [e.title for e in prev.events] == ["Deliberación 2019"]
    t = prev.totals()
    assert t["attendance"] == 2 and t["questions"] == 1 and t["invitations"] == 1 and t["people"] == 1  # José
    counts_before = EventService(db).get(world["old"].event_id).attendance
    res = svc.apply_retention(today)
    assert res["attendance"] == 2 and res["person"] == 1
    assert EventService(db).get(world["old"].event_id).attendance == counts_before  # aggregates kept
    assert svc.retention_preview(today).empty  # nothing left to do
    d = svc.dossier(world["maria"])  # María attended in 2026 too: keeps her identity and recent history
    assert d.person["full_name"] == "María García"
    assert [a["event_title"] for a in d.attendance] == ["Deliberación 2026"]
    assert "José" not in _all_text(db)
    assert AttendanceService(db).attendance_count(world["old"].event_id, "barrio la paz") == 1  # org still searchable
    with db.session() as s:
        assert s.scalars(select(AuditLog).where(AuditLog.action == "retention")).first() is not None


def test_retention_years_are_configurable_and_validated(db, world):
    svc = PrivacyService(db)
    assert svc.set_retention_years({"attendance": 8})["attendance"] == 8
    assert svc.retention_preview(date(2026, 11, 21)).totals()["attendance"] == 0  # 2019 + 8 = 2027
    with pytest.raises(UserError) as e:
        svc.set_retention_years({"attendance": 0, "otra": 3})
    assert "entre 1 y 100" in str(e.value) and "otra" in str(e.value)
    assert svc.retention_years()["attendance"] == 8


def test_retention_cancel_leaves_database_unchanged(db, world):
    from rcdesk.jobs import CancelToken

    class Boom(CancelToken):
        def check(self):
            raise RuntimeError("cancelado")

    with pytest.raises(RuntimeError):
        PrivacyService(db).apply_retention(date(2026, 11, 21), cancel=Boom())
    assert "José Pérez" in _all_text(db)


def test_after_restore_reindexes_people(db, world):
    assert after_restore(db)["people_reindexed"] == 2
    assert [p.full_name for p in AttendanceService(db).search_people("perez")] == ["José Pérez"]


def test_after_restore_without_people(db):
    assert after_restore(db) == {"people_reindexed": 0}


def test_invitations_from_directory_counts_and_duplicates(db, world):
    svc = EventService(db)
    ev = world["new"].event_id
    inv = svc.invite_person(ev, world["maria"], "Barrios")
    assert (inv.name, inv.contact, inv.stakeholder_group) == ("María García", "maria@example.org", "Barrios")
    with pytest.raises(UserError) as e:
        svc.add_invitation(ev, "MARIA GARCIA")
    assert "ya está en la lista" in str(e.value)
    other = svc.add_invitation(ev, "Rosa Yumbo", status="CONFIRMADO")
    assert svc.invitation_counts(ev) == {"PENDIENTE": 1, "CONFIRMADO": 1, "RECHAZADO": 0, "ASISTIO": 0, "total": 2}
    svc.remove_invitation(other.invitation_id)
    assert [i.name for i in svc.invitations(ev)] == ["María García"]
    with pytest.raises(UserError):
        svc.add_invitation(ev, "Nadie", status="QUIZAS")
