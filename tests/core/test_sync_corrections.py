"""Receipts carry headquarters' decisions back to the field (three data folders)."""

from __future__ import annotations

import zipfile

import pytest

from rcdesk.models.events import Attendance
from rcdesk.models.plans import PlanActivity
from tests.core.sync_world import ATTENDEE, World, dump, row


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    w.ids = w.seed_hq()
    w.join(w.a, w.A)
    w.join(w.b, w.B)
    yield w
    w.close()


def content(db, table: str, rid: str) -> dict:
    r = row(db, table, rid)
    return {k: v for k, v in r.items() if k not in ("change_seq", "updated_at")}


def test_reviewed_and_discarded_conflicts_reach_the_field_with_the_receipt(world):
    w = world
    a1, a2, _a3 = w.ids["acts"]
    w.edit(w.a, PlanActivity, a1, meta="Equipo conformado con 5 personas")
    w.edit(w.b, PlanActivity, a1, meta="Equipo de 4 personas", responsible="Dirección de Planificación")
    w.edit(w.b, PlanActivity, a2, description="Socializar en las 11 parroquias")
    w.edit(w.hq, PlanActivity, a2, deleted=True)
    w.H.import_packages([w.send(w.A)])
    w.H.import_packages([w.send(w.B)])
    (c,) = w.H.conflicts()
    w.H.resolve(c.conflict_id, {"meta": "sede", "responsible": "campo"})
    # A's receipt carries nothing of B's conflict; B's carries the decision and the tombstone
    w.ack(w.a, w.A)
    assert row(w.a, "plan_activity", a2)["deleted"] == 0
    p = w.path("acuse")
    info = w.H.export_receipt(w.b.installation_id, p)
    assert info["corrections"] == 2
    res = w.B.import_packages([p])
    rep = res.packages[0]
    assert rep.status == "importado" and "2 corrección(es)" in rep.message, res.text()
    # B now holds exactly headquarters' copy: same content and version, nothing pending
    assert content(w.b, "plan_activity", a1) == content(w.hq, "plan_activity", a1)
    assert row(w.b, "plan_activity", a1)["meta"] == "Equipo conformado con 5 personas"
    assert row(w.b, "plan_activity", a1)["responsible"] == "Dirección de Planificación"
    assert row(w.b, "plan_activity", a2)["deleted"] == 1  # the tombstone won; nothing resurrected
    assert w.B.status_of("plan_activity", a1).code == "consolidado"
    assert w.B.pending_count() == 0
    # the same receipt again changes nothing
    before = dump(w.b)
    again = w.B.import_packages([p])
    assert again.rejected and "ya fue importado" in again.rejected[0].message
    assert dump(w.b) == before
    # B's next edit of that record is a clean update at headquarters, not a new conflict
    w.edit(w.b, PlanActivity, a1, indicator="Acta de conformación")
    res = w.H.import_packages([w.send(w.B)])
    t = res.total()
    assert (t.updated, t.conflicts) == (1, 0), res.text()
    assert row(w.hq, "plan_activity", a1)["indicator"] == "Acta de conformación"
    assert row(w.hq, "plan_activity", a2)["deleted"] == 1


def test_corrections_of_people_records_travel_encrypted_and_keep_newer_local_work(world):
    w = world
    att = w.add_attendance(w.a, w.ids["event"], 2)
    w.H.import_packages([w.send(w.A)])
    w.ack(w.a, w.A)
    # headquarters fixes the name while the technician fixes the organization
    w.edit(w.hq, Attendance, att[0], full_name="María Quishpe Guamán de Yépez")
    w.edit(w.a, Attendance, att[0], organization="Comuna Santa Teresita")
    w.edit(w.a, Attendance, att[1], organization="Barrio Central")
    w.edit(w.hq, Attendance, att[1], organization="Barrio La Libertad")
    w.H.import_packages([w.send(w.A)])
    c0, c1 = sorted(w.H.conflicts(), key=lambda c: att.index(c.record_id))
    w.H.resolve(c0.conflict_id, {"full_name": "sede", "organization": "campo"})
    w.H.resolve(c1.conflict_id, "sede")
    # meanwhile the technician deletes the second attendee (a duplicate) on the laptop
    w.edit(w.a, Attendance, att[1], deleted=True)
    p = w.path("acuse")
    w.H.export_receipt(w.a.installation_id, p)
    with zipfile.ZipFile(p) as z:
        blob = b"".join(z.read(n) for n in z.namelist())
    assert "Yépez".encode() not in blob and ATTENDEE.encode() not in blob  # personal data encrypted
    res = w.A.import_packages([p])
    rep = res.packages[0]
    assert rep.status == "importado", res.text()
    r0 = row(w.a, "attendance", att[0])
    assert (r0["full_name"], r0["organization"]) == ("María Quishpe Guamán de Yépez", "Comuna Santa Teresita")
    assert r0["version"] == row(w.hq, "attendance", att[0])["version"]
    assert w.A.status_of("attendance", att[0]).code == "consolidado"
    # the local deletion is newer than the decision: kept (no resurrection), still pending
    assert row(w.a, "attendance", att[1])["deleted"] == 1
    assert w.A.status_of("attendance", att[1]).code == "local"
    assert any("se conservaron" in x for x in rep.warnings), rep.warnings
