"""Execution entry, validation, field visits and oficios with business-day terms."""

from __future__ import annotations

from datetime import date

import pytest

from rcdesk.errors import UserError
from rcdesk.services.poa import PoaService
from rcdesk.services.poa_visits import VisitService
from tests.core.poa_world import make_units, make_world


def test_execution_entry_rejects_negative_and_text_and_keeps_the_row(db):
    w = make_world(db)
    svc = PoaService(db)
    with pytest.raises(UserError, match="Cantidad ejecutada no puede ser negativo"):
        svc.save_execution(w.meta_11, 3, executed_qty=-1)
    with pytest.raises(UserError, match="«mucho» no es un número"):
        svc.save_execution(w.meta_11, 3, executed_qty="mucho")
    with pytest.raises(UserError, match="Periodo 5 fuera de rango"):
        svc.save_execution(w.meta_11, 5, executed_qty=1)
    assert svc.execution(w.meta_11, 3).execution_id is None


def test_execution_warnings_devengado_over_codificado_and_over_achievement(db):
    w = make_world(db)
    svc = PoaService(db)
    row = svc.save_execution(w.meta_12, 3, executed_qty=11, codificado=400, devengado=450)
    assert any("el devengado (450) supera al codificado (400)" in x for x in row.warnings)
    assert any("supera el doble de lo programado (5)" in x for x in row.warnings)
    assert row.executed_qty == 11 and row.devengado == 450  # warnings do not block


def test_validation_cycle(db):
    w = make_world(db)
    svc = PoaService(db)
    with pytest.raises(UserError, match="Escriba la observación"):
        svc.set_validation(w.meta_11, 1, "OBSERVADO")
    assert svc.set_validation(w.meta_11, 1, "OBSERVADO", "Faltan actas").validation_note == "Faltan actas"
    assert svc.set_validation(w.meta_11, 1, "VALIDADO").validation_status == "VALIDADO"
    # changing a validated report sends it back to REPORTADO
    assert svc.save_execution(w.meta_11, 1, executed_qty=9).validation_status == "REPORTADO"
    with pytest.raises(UserError, match="No hay nada reportado"):
        svc.set_validation(w.meta_11, 4, "VALIDADO")


def test_evidence_attaches_to_the_execution_of_a_period(db, tmp_path):
    from rcdesk.services.evidence import EvidenceService

    w = make_world(db)
    svc = PoaService(db)
    exec_id = svc.ensure_execution(w.meta_11, 4)  # creates the empty report of T4
    assert exec_id == svc.ensure_execution(w.meta_11, 4)
    f = tmp_path / "acta.pdf"
    f.write_bytes(b"%PDF-1.4 acta")
    EvidenceService(db).add_file(f, "poa_execution", exec_id)
    EvidenceService(db).add_link("https://gob.ec/acta.pdf", "poa_execution", exec_id)
    assert len(EvidenceService(db).list_for("poa_execution", exec_id)) == 2


def test_delete_poa_is_a_tombstone_of_everything_below(db):
    from rcdesk.models.poa import PoaExecution, PoaMeta

    w = make_world(db)
    svc = PoaService(db)
    svc.delete_poa(w.poa_guano)
    assert all(r.poa_id != w.poa_guano for r in svc.list_poas())
    with db.session() as s:
        assert s.get(PoaMeta, w.meta_11).deleted
        assert all(e.deleted for e in s.query(PoaExecution).filter_by(meta_id=w.meta_11))
    with pytest.raises(UserError):
        svc.create_poa(w.jp_chambo, 2025)  # Chambo's POA 2025 still exists


def test_visit_with_units_commitments_and_overdue(db):
    w = make_units(db)
    svc = VisitService(db)
    v = svc.add_visit(
        w.guano_id,
        date(2025, 6, 18),
        team="Ing. Ana Pilco",
        unit_ids=[w.jp_guano, w.tp_san_andres],
        findings="Sin vehículo para recorridos",
    )
    assert v.canton_name == "Guano" and set(v.unit_names) == {
        "Jefatura Política de Guano",
        "Tenencia Política de San Andrés",
    }
    c = svc.add_commitment(v.visit_id, "Remitir actas", unit_id=w.jp_guano, due_date=date(2025, 6, 30))
    assert [x.overdue for x in svc.commitments(today=date(2025, 7, 1))] == [True]
    svc.set_commitment_status(c.commitment_id, "CUMPLIDO")
    assert svc.overdue(today=date(2025, 7, 1))[1] == []
    with pytest.raises(UserError, match="no es un cantón"):
        from rcdesk.services.reference import ReferenceService

        parish = ReferenceService(db).territory_by_code("060754", "EC")
        svc.add_visit(parish.territory_id, date(2025, 6, 18))
    with pytest.raises(UserError, match="anterior a la visita"):
        svc.add_commitment(v.visit_id, "x", due_date=date(2025, 1, 1))


def test_oficio_term_in_business_days_skips_weekend_and_christmas(db):
    w = make_units(db)
    svc = VisitService(db)
    # sent Tue 23/12/2025, 3 business days: Wed 24 (1), Thu 25 Navidad, Fri 26 (2), Mon 29 (3)
    o = svc.add_oficio("GCH-PLA-2025-0999-O", date(2025, 12, 23), w.jp_guano, "Información del T4", term_days=3)
    assert o.due_date == date(2025, 12, 29)
    assert svc.oficio(o.oficio_id, today=date(2025, 12, 26)).state == "POR_VENCER"
    late = svc.oficio(o.oficio_id, today=date(2025, 12, 31))
    assert late.state == "VENCIDO" and late.days_late == 2  # 30 and 31 December
    assert [x.quipux_no for x in svc.oficios(state="VENCIDO", today=date(2025, 12, 31))] == ["GCH-PLA-2025-0999-O"]
    answered = svc.answer_oficio(o.oficio_id, date(2025, 12, 30), "MEM-12")
    assert answered.state == "RESPONDIDO_TARDE" and answered.days_late == 1
    with pytest.raises(UserError, match="Ya está registrado"):
        svc.add_oficio("GCH-PLA-2025-0999-O", date(2025, 12, 23), w.jp_guano, "Otra")
    with pytest.raises(UserError, match="anterior al envío"):
        svc.answer_oficio(o.oficio_id, date(2025, 12, 1))
    with pytest.raises(UserError, match="Falta el asunto"):
        svc.add_oficio("X-1", date(2025, 12, 23), w.jp_guano, "  ")
