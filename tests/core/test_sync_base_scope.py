"""Base packages narrowed to the technician's territories/units, with their evidence files."""

from __future__ import annotations

import copy
import hashlib
import json
import zipfile
from datetime import date

import pytest

from rcdesk.services.reference import ReferenceService
from rcdesk.sync.keys import load_or_create
from tests.core.sync_world import World, dump, files_of, row

_SEEDED = ("guamote", "guamote_parish", "alausi", "rows")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> dict:
    """Headquarters with three cantons' units, POAs, events and evidence, built once per module."""
    root = tmp_path_factory.mktemp("seeded")
    w = World(root)
    try:
        w.ids = w.seed_hq()
        ref = ReferenceService(w.hq)
        ref.ensure_builtin_territories()
        w.guamote = ref.territory_by_code("0606", "EC").territory_id
        w.guamote_parish = ref.territory_by_code("060651", "EC").territory_id  # Cebadas, a parish of Guamote
        w.alausi = ref.territory_by_code("0602", "EC").territory_id
        w.rows = seed_cantons(w)
        return {"root": root, "ids": w.ids, "n": w._n, "attrs": {k: getattr(w, k) for k in _SEEDED}}
    finally:
        w.close()


@pytest.fixture(params=[None, 1], ids=["batches", "row-by-row"])
def world(seeded, tmp_path, monkeypatch, request):
    if request.param:  # the export streams in batches: the scope must hold across them
        monkeypatch.setattr("rcdesk.sync.base_records.BATCH", request.param)
    w = World.copy_of(seeded, tmp_path)  # each test exports and changes its own copy
    for key, value in seeded["attrs"].items():
        setattr(w, key, copy.deepcopy(value))
    yield w
    w.close()


def seed_cantons(w: World) -> dict:
    from rcdesk.models.events import AttendanceTally, Event
    from rcdesk.models.poa import Poa, PoaObjective
    from rcdesk.models.reference import OrgUnit

    out = {}
    with w.hq.begin() as s:
        for key, terr, canton in (
            ("g", w.guamote, "Guamote"),
            ("p", w.guamote_parish, "Cebadas"),
            ("a", w.alausi, "Alausí"),
        ):
            unit = OrgUnit(
                institution_id=w.ids["institution"],
                name=f"Jefatura Política de {canton}",
                unit_type="JEFATURA_POLITICA",
                territory_id=terr,
            )
            s.add(unit)
            s.flush()
            poa = Poa(
                institution_id=w.ids["institution"], unit_id=unit.id, fiscal_year=2026, title=f"POA 2026 {canton}"
            )
            s.add(poa)
            s.flush()
            obj = PoaObjective(poa_id=poa.id, code="OE1", description=f"Mejorar la atención en {canton}")
            ev = Event(
                institution_id=w.ids["institution"],
                title=f"Asamblea ciudadana en {canton}",
                event_date=date(2026, 6, 10),
                territory_id=terr,
                activity_ids=[],
                stakeholder_groups=[],
                checklist=[],
            )
            s.add_all([obj, ev])
            s.flush()
            s.add(AttendanceTally(event_id=ev.id, total=40, counts={"genero": {"mujer": 22, "hombre": 18}}))
            out[key] = {"unit": unit.id, "poa": poa.id, "objective": obj.id, "event": ev.id}
    out["g"]["sha"] = w.add_evidence(w.hq, out["g"]["event"], b"%PDF-1.4 acta de Guamote")
    out["a"]["sha"] = w.add_evidence(w.hq, out["a"]["event"], b"%PDF-1.4 acta de Alausi")
    return out


def present(db, table: str, rid: str) -> bool:
    return bool(row(db, table, rid))


def test_technician_of_guamote_gets_guamote_only_and_everything_on_request(world):
    w = world
    p = w.path("base-guamote")
    info = w.H.export_base(w.a.installation_id, p, territories=[w.guamote], name="Técnico Guamote")
    assert info["scope"] == "asignado" and info["evidence"] == 1
    # what stayed behind, counted over every batch
    assert info["left_out"] == {
        "event": 2,
        "poa": 1,
        "attendance_tally": 1,
        "poa_objective": 1,
        "evidence": 1,
        "org_unit": 1,
    }
    res = w.A.import_packages([p])
    assert res.packages[0].status == "importado", res.text()
    g, cp, a = w.rows["g"], w.rows["p"], w.rows["a"]
    for rec in (g, cp):  # the canton and its parishes
        assert present(w.a, "org_unit", rec["unit"]) and present(w.a, "poa", rec["poa"])
        assert present(w.a, "poa_objective", rec["objective"]) and present(w.a, "event", rec["event"])
    for table in ("org_unit", "poa", "poa_objective", "event"):
        key = {"org_unit": "unit", "poa": "poa", "poa_objective": "objective", "event": "event"}[table]
        assert not present(w.a, table, a[key]), table
    assert not present(w.a, "event", w.ids["event"])  # an event without a territory is not Guamote's
    # plans and territories are reference data every technician gets whole
    assert present(w.a, "plan", w.ids["plan"]) and present(w.a, "territory", w.alausi)
    # children follow their event: only Guamote's tallies and evidence (with its file) arrived
    with w.a.engine.connect() as c:
        tallies = {r[0] for r in c.exec_driver_sql("SELECT event_id FROM attendance_tally")}
        shas = {r[0] for r in c.exec_driver_sql("SELECT sha256 FROM evidence")}
    assert tallies == {g["event"], cp["event"]}
    assert shas == {g["sha"]}
    blob = next(w.a.paths.evidence.rglob(f"{g['sha']}*"))
    assert hashlib.sha256(blob.read_bytes()).hexdigest() == g["sha"]
    assert not any(w.a.paths.evidence.rglob(f"{a['sha']}*"))
    # the same assignments, "everything": the whole database
    p2 = w.path("base-todo")
    info = w.H.export_base(w.b.installation_id, p2, territories=[w.guamote], everything=True)
    assert info["scope"] == "todo" and info["evidence"] == 2
    assert w.B.import_packages([p2]).packages[0].status == "importado"
    assert present(w.b, "poa", a["poa"]) and present(w.b, "event", w.ids["event"])
    assert any(w.b.paths.evidence.rglob(f"{a['sha']}*"))


def test_assigned_unit_brings_its_poa_and_the_events_of_its_canton(world):
    w = world
    p = w.path("base-unidad")
    w.H.export_base(w.a.installation_id, p, units=[w.rows["a"]["unit"]])
    assert w.A.import_packages([p]).packages[0].status == "importado"
    assert present(w.a, "poa", w.rows["a"]["poa"]) and present(w.a, "event", w.rows["a"]["event"])
    assert not present(w.a, "poa", w.rows["g"]["poa"]) and not present(w.a, "event", w.rows["g"]["event"])
    # assignments are remembered at headquarters: the next base package keeps the same scope
    p2 = w.path("base-unidad-2")
    info = w.H.export_base(w.a.installation_id, p2)
    assert info["scope"] == "asignado" and info["assignments"] == 1
    with zipfile.ZipFile(p2) as z:
        assert json.loads(z.read("manifest.json"))["counts"]["poa"] == 1


def test_base_package_with_an_altered_evidence_file_is_refused(world, tmp_path):
    from tests.core.test_sync_attacks import rebuild

    w = world
    good = w.path("base")
    w.H.export_base(w.a.installation_id, good)

    def swap(d):
        return {n: (b"%PDF-1.4 acta alterada" if n.startswith("evidence/") else b) for n, b in d.items()}

    bad = rebuild(good, tmp_path / "base-alterado.rcpaq", load_or_create(w.hq), members=swap)
    load_or_create(w.a)  # the laptop's own keys exist before any import
    before, files = dump(w.a), files_of(w.a.paths.evidence)
    res = w.A.import_packages([bad])
    p = res.packages[0]
    assert p.status == "rechazado" and "SHA-256" in p.message and "evidencia" in p.message, res.text()
    assert dump(w.a) == before and files_of(w.a.paths.evidence) == files
    assert w.A.import_packages([good]).packages[0].status == "importado"


def test_rows_pointing_to_people_tables_stay_behind_even_with_everything(world):
    """A field visit (its team is personal data) never goes in a base package, so the units it
    visited cannot go either: the laptop would hold records pointing to nothing."""
    from rcdesk.models.poa import FieldVisit, FieldVisitUnit

    w = world
    with w.hq.begin() as s:
        v = FieldVisit(
            territory_id=w.guamote, visit_date=date(2026, 3, 4), team="Ing. Rosa Paguay", purpose="Seguimiento del POA"
        )
        s.add(v)
        s.flush()
        fvu = FieldVisitUnit(visit_id=v.id, unit_id=w.rows["g"]["unit"])
        s.add(fvu)
        s.flush()
        ids = (v.id, fvu.id)
    p = w.path("base-todo")
    info = w.H.export_base(w.a.installation_id, p, everything=True)
    assert info["left_out"].get("field_visit_unit") == 1
    res = w.A.import_packages([p])
    assert res.packages[0].status == "importado", res.text()
    assert not present(w.a, "field_visit", ids[0]) and not present(w.a, "field_visit_unit", ids[1])
    assert present(w.a, "org_unit", w.rows["g"]["unit"])
