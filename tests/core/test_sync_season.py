"""A season with headquarters and two field laptops (three data folders on one machine)."""

from __future__ import annotations

import zipfile

import pytest

from rcdesk.models.plans import PlanActivity
from tests.core.sync_world import ATTENDEE, ATTENDEE_ID, World, dump, row


@pytest.fixture
def world(tmp_path, hq_target):
    """Field laptops on SQLite; headquarters on SQLite, then on PostgreSQL."""
    w = World(tmp_path, hq_target)
    yield w
    w.close()


def test_season_base_offline_work_conflicts_receipts_and_consolidated_files(world, tmp_path):
    w = world
    ids = w.seed_hq()
    a1, a2, a3 = ids["acts"]
    w.join(w.a, w.A)
    w.join(w.b, w.B)
    # the base package brought the plan and the event, but not the moderator's name
    assert row(w.a, "plan_activity", a1)["description"] == "Conformar el equipo técnico"
    assert row(w.a, "event", ids["event"])["moderator"] is None
    assert w.A.status_of("plan_activity", a1).code == "consolidado"

    # -- offline work on both laptops and at headquarters --------------------------------
    w.edit(w.a, PlanActivity, a1, meta="Equipo conformado con 5 personas")
    att = w.add_attendance(w.a, ids["event"], 3)
    sha = w.add_evidence(w.a, ids["event"])
    w.edit(w.b, PlanActivity, a1, meta="Equipo de 4 personas", responsible="Dirección de Planificación")
    w.edit(w.b, PlanActivity, a2, description="Socializar en las 11 parroquias")
    w.edit(w.b, PlanActivity, a3, deleted=True)
    w.edit(w.hq, PlanActivity, a2, deleted=True)
    assert w.A.status_of("plan_activity", a1).code == "local"

    pa, pb = w.send(w.A), w.send(w.B)
    assert w.A.status_of("plan_activity", a1).code == "exportado"
    # citizens' personal data never travels in clear text
    with zipfile.ZipFile(pa) as z:
        blob = b"".join(z.read(n) for n in z.namelist())
    assert ATTENDEE.encode() not in blob and ATTENDEE_ID.encode() not in blob

    res = w.H.import_packages([w.usb])  # the whole folder as a batch; old packages are refused
    done = [p for p in res.packages if p.status == "consolidado"]
    assert {p.file for p in done} == {pa.name, pb.name}
    assert all("ya fue" in p.message or "paquete base" in p.message or "acuse" in p.message for p in res.rejected), (
        res.text()
    )
    # A came first: its edit applied; B edited the same record from the same base: conflict
    assert row(w.hq, "plan_activity", a1)["meta"] == "Equipo conformado con 5 personas"
    conflicts = w.H.conflicts()
    assert len(conflicts) == 1
    c = conflicts[0]
    assert c.record_id == a1 and c.installation_name == "Técnica Alausí"
    diffs = {d.column: (d.local, d.incoming) for d in c.diffs}
    assert diffs["meta"] == ("Equipo conformado con 5 personas", "Equipo de 4 personas")
    assert diffs["responsible"] == ("", "Dirección de Planificación")
    assert w.H.status_of("plan_activity", a1).code == "conflicto"
    # deleted at headquarters: B's edit does not resurrect it, and is kept as "descartado"
    assert row(w.hq, "plan_activity", a2)["deleted"] == 1
    assert [x.record_id for x in w.H.conflicts(status="descartado")] == [a2]
    # B's deletion propagated as a tombstone
    assert row(w.hq, "plan_activity", a3)["deleted"] == 1
    # attendance and evidence arrived, decrypted, with provenance
    assert row(w.hq, "attendance", att[0])["full_name"] == ATTENDEE
    assert any(w.hq.paths.evidence.rglob(f"{sha}*"))
    st = w.H.status_of("attendance", att[0])
    assert st.installation == "Técnico Guano" and pa.name in st.package

    # -- review: per field ------------------------------------------------------------------
    w.H.resolve(c.conflict_id, {"meta": "sede", "responsible": "campo"})
    r1 = row(w.hq, "plan_activity", a1)
    assert (r1["meta"], r1["responsible"]) == ("Equipo conformado con 5 personas", "Dirección de Planificación")
    assert w.H.conflicts() == []

    # -- receipts back, incremental packages ---------------------------------------------------
    w.ack(w.a, w.A)
    w.ack(w.b, w.B)
    assert w.A.status_of("attendance", att[0]).code == "consolidado"
    assert w.A.pending_count() == 0
    w.edit(w.a, PlanActivity, a1, indicator="Acta de conformación")  # edits on top of its own version
    p2 = w.send(w.A)
    import json as _json

    with zipfile.ZipFile(p2) as z:
        manifest = _json.loads(z.read("manifest.json"))
    assert manifest["counts"] == {"plan_activity": 1}  # only what changed since the receipt
    res = w.H.import_packages([p2])
    # headquarters changed a1 (the review) after A's base: a new conflict, nothing overwritten
    assert res.total().conflicts == 1
    w.H.resolve(w.H.conflicts()[0].conflict_id, "campo")
    assert row(w.hq, "plan_activity", a1)["indicator"] == "Acta de conformación"

    # a fresh base package brings headquarters' decisions and tombstones back to B
    res = w.B.import_packages([w.base_to(w.b)])
    assert res.packages[0].status == "importado", res.text()
    assert row(w.b, "plan_activity", a2)["deleted"] == 1
    assert row(w.b, "plan_activity", a1)["indicator"] == "Acta de conformación"

    # -- consolidated files -------------------------------------------------------------------
    xlsx = tmp_path / "consolidado.xlsx"
    info = w.H.export_consolidated(xlsx)
    from openpyxl import load_workbook

    wb = load_workbook(xlsx, read_only=True)
    text = " ".join(str(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for v in r if v)
    assert "Deliberación pública en Guano" in text
    assert ATTENDEE not in text and ATTENDEE_ID not in text and "Lcdo. Juan Pérez" not in text
    counts = [ws for ws in wb.worksheets if "conteos" in ws.title]
    assert counts, info
    rows = list(counts[0].iter_rows(values_only=True))
    assert ("Deliberación pública en Guano", ids["event"], 3) in rows
    pdf = tmp_path / "consolidado.pdf"
    w.H.export_consolidated(pdf)
    assert pdf.read_bytes().startswith(b"%PDF") and ATTENDEE.encode() not in pdf.read_bytes()


def test_reimport_and_full_resend_change_nothing(world):
    w = world
    ids = w.seed_hq()
    w.join(w.a, w.A)
    w.add_attendance(w.a, ids["event"], 2)
    p = w.send(w.A)
    w.H.import_packages([p])
    before = dump(w.hq)
    res = w.H.import_packages([p])
    assert res.rejected and "ya fue consolidado" in res.rejected[0].message
    assert dump(w.hq) == before
    # a full re-send (e.g. after a lost receipt) is safe: everything is unchanged
    full = w.send(w.A, full=True)
    res = w.H.import_packages([full])
    t = res.total()
    assert (t.inserted, t.updated, t.conflicts) == (0, 0, 0) and t.unchanged > 0
    after = dump(w.hq)
    changed = {k for k in after if after[k] != before[k]}
    assert changed <= {"sync_package", "sync_peer", "audit_log"}, changed


def test_tombstone_never_resurrects_when_field_resends_old_version(world):
    w = world
    ids = w.seed_hq()
    a1 = ids["acts"][0]
    w.join(w.a, w.A)
    w.edit(w.hq, PlanActivity, a1, deleted=True)
    w.edit(w.a, PlanActivity, a1, meta="cambio tardío")
    w.H.import_packages([w.send(w.A)])
    assert row(w.hq, "plan_activity", a1)["deleted"] == 1
    assert row(w.hq, "plan_activity", a1)["meta"] == "100 %"


def test_lost_package_gap_is_reported_and_covered(world):
    w = world
    w.seed_hq()
    w.join(w.a, w.A)
    from rcdesk.models.reference import Institution

    with w.a.begin() as s:
        s.add(Institution(name="Junta Parroquial de San Andrés", country="EC", kind="GAD_PARROQUIAL"))
    lost = w.send(w.A)  # never reaches headquarters
    lost.unlink()
    with w.a.begin() as s:
        s.add(Institution(name="Junta Parroquial de Guanando", country="EC", kind="GAD_PARROQUIAL"))
    res = w.H.import_packages([w.send(w.A)])
    p = res.packages[0]
    assert p.status == "consolidado"
    assert any("No llegaron los paquetes n.º 2" in x for x in p.warnings)
    assert p.kinds["institution"].inserted == 2  # the lost package's record came along
